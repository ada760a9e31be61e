/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Suspending and resuming guest processes, the step gschedctl and gschedd
 * share (Monarch §III-A on the guest's own freezer trap, linux/freeze.c):
 * which guest threads a request names, the edit of each under a pause, and
 * what was done, as JSON. One request = one struct gs_sus; gs_sus_act runs
 * under gs_session_run and is idempotent (a retry redoes what was done).
 */
#ifndef GSCHED_LIB_SUSPEND_H
#define GSCHED_LIB_SUSPEND_H
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "linux/guest.h"

enum gs_sus_mode { GS_SUS_SUSPEND, GS_SUS_RESUME, GS_SUS_LIST };

enum gs_sus_how { GS_HOW_TRAP, GS_HOW_DEQUEUED, GS_HOW_ASLEEP };

struct gs_sus_done {
	struct lx_task t;
	enum gs_sus_how how;       /* suspend, list: the freezer trap, or the
	                            * run-queue mechanism (linux/rqedit.h) */
	int woken;                 /* resume: the guest's wake_up_process ran */
	unsigned long long woke;   /* its return value (1: it was asleep) */
	int vcpu;
	unsigned long long call_ns;
};

/* One guest thread exactly: its pid and task_struct (what a journal keeps). */
struct gs_sus_exact {
	int32_t pid;
	uint64_t va;
};

struct gs_sus {
	enum gs_sus_mode mode;
	const char *target;        /* a pid, a command name or a guest cgroup path (gs_sus_target) */
	long pid;                  /* -1: target is a command name or a cgroup */
	int thread;                /* pid names one thread, not its process */
	int runqueue;              /* suspend with Monarch's run-queue edits
	                            * (--mechanism runqueue), not the trap; a
	                            * resume and a list take both */
	int cgroup;                /* target is a cgroup v2 path ("/..."): the processes
	                            * in that group and in the groups below it */
	size_t unreadable;         /* cgroup: processes whose group could not be read */
	/* instead of a target: these threads; those gone are left out, not an error */
	const struct gs_sus_exact *exact;
	size_t nexact;
	/* suspend: called under the pause before the first edit with the
	 * threads about to be trapped; nonzero refuses (LX_EMEM, g->err set) */
	int (*before)(void *ctx, struct lx_guest *g, const struct gs_sus_done *d, size_t n);
	void *ctx;
	struct gs_sus_done *done;  /* what was done (list: what is trapped) */
	size_t n;
};

/* "trap" (0) or "runqueue" (1) into a->runqueue; 0, or -1 with 'err' set. */
int gs_sus_mechanism(struct gs_sus *a, const char *name, char *err, size_t errlen);
/* Set a->target, a->pid, a->cgroup and a->thread from a command line's
 * TARGET (digits: a pid; starting with '/': a cgroup path; else a command
 * name); 0, or -1 with 'err' set. */
int gs_sus_target(struct gs_sus *a, const char *target, int thread, char *err, size_t errlen);
/* Under a pause: every matching thread suspended, resumed or listed. */
int gs_sus_act(struct lx_guest *g, void *arg);
void gs_sus_free(struct gs_sus *a);
/* pid, tgid, comm, state, kthread, prio, root of a guest task read from outside. */
struct json_object *json_lx_task(const struct lx_task *t);
/* The threads done, as an array of json_lx_task objects with, for a
 * resume, woken (and wake_up_process, vcpu, call_ns). */
struct json_object *gs_sus_json(const struct gs_sus *a);

#endif
