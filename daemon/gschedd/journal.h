/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * gschedd's journal of suspended guest threads (/var/lib/gsched/suspended.jsonl):
 * one JSON object per line, the whole set rewritten atomically (temporary
 * file, fsync, rename, fsync of the directory) before a trap is set and
 * after a resume, so that whatever kills gschedd, its next start knows what
 * to resume. A VM is its VMM's pid and that process's start time (stable
 * across module reloads, never reused); a thread its guest pid and
 * task_struct address.
 */
#ifndef GSCHED_GSCHEDD_JOURNAL_H
#define GSCHED_GSCHEDD_JOURNAL_H
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include "lib/escape.h"

struct gs_jrec {
	int32_t vm_pid;            /* the VMM's tgid */
	uint64_t vm_start;         /* its start time (/proc/PID/stat field 22, ticks) */
	char vm[GS_ESCAPED_SIZE(64)]; /* its name then, escaped (for people) */
	int32_t pid, tgid;         /* guest thread */
	uint64_t task;             /* its task_struct (guest virtual) */
	char comm[GS_ESCAPED_SIZE(15)]; /* escaped */
	int64_t since;             /* wall-clock seconds of the suspend */
	uint32_t by_uid;           /* who asked */
	int32_t by_pid;
	int release;               /* not saved: resume at the next pass */
};

/* A VM as records name it: its VMM's tgid and start time. */
struct gs_vm_key {
	int32_t pid;
	uint64_t start;
};

struct gs_journal {
	char path[PATH_MAX];
	struct gs_jrec *r;
	size_t n, cap;
};

/* Read the journal at 'path' (a missing file is an empty journal). 0, or
 * -1 with 'err' saying file:line: what (a damaged journal is never guessed
 * at: gschedd refuses to start on it). */
int gs_journal_load(struct gs_journal *j, const char *path, char *err, size_t errlen);
/* Add records (an equal VM and thread replaces the old one) and save;
 * 0, or -1 with 'err' set and the journal as it was. */
int gs_journal_add(struct gs_journal *j, const struct gs_jrec *r, size_t n, char *err, size_t errlen);
/* Drop every record for which drop(ctx, record) says nonzero, and save;
 * the number dropped, or -1 with 'err' set and the journal as it was. */
long gs_journal_drop_if(struct gs_journal *j, int (*drop)(void *ctx, const struct gs_jrec *r),
			void *ctx, char *err, size_t errlen);
/* Drop the records of every VM for which alive(vm_pid, vm_start) says 0
 * (its VMM is gone: the VM shut down), calling gone(ctx, first record, n)
 * once per such VM, and save; the number dropped, or -1 with 'err' set. */
long gs_journal_drop_dead(struct gs_journal *j, int (*alive)(int32_t pid, uint64_t start),
			  void (*gone)(void *ctx, const struct gs_jrec *r, long n), void *ctx,
			  char *err, size_t errlen);
/* Write the records to the file, atomically and durably; 0 or -1. */
int gs_journal_save(struct gs_journal *j, char *err, size_t errlen);
void gs_journal_free(struct gs_journal *j);

#endif
