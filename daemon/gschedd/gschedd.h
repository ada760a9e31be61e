/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * gschedd's state and its parts: the VMs it has open (vms.c), the journal of
 * what it suspended (journal.c), the control socket (control.c), the
 * requests it serves (requests.c) and the pass that resumes what it must let
 * go: everything at start-up (a previous gschedd died) and at exit, and the
 * records of VMs that are gone (release.c). Single-threaded: one request at
 * a time, a housekeeping pass every second.
 */
#ifndef GSCHED_GSCHEDD_H
#define GSCHED_GSCHEDD_H
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>
#include "lib/gsched.h"
#include "lib/owners.h"
#include "lib/session.h"
#include "gschedd/journal.h"

/* A VM gschedd has a session with. */
struct gd_vm {
	struct gsched_vm_info info;
	uint64_t start;            /* its VMM's start time (gsched_proc_start) */
	char name[GS_ESCAPED_SIZE(64)];
	struct gs_session s;
	int open;                  /* s attached to a profile */
	int seen;                  /* still in the module's list (vms_refresh) */
	struct gs_owners own;      /* who owned which root (observe.c) */
	unsigned long long next_obs_ns;
	unsigned open_failed, obs_failed;
};

struct gd {
	struct gsched dev;
	struct gs_journal j;
	const char *profiles;      /* --profiles (NULL: the usual places) */
	gid_t readers;             /* may read (suspended, status, owners); (gid_t)-1: root only */
	unsigned observe_ms;       /* --observe-ms: each VM's process list read this often (0: never) */
	struct gd_vm **vms;
	size_t nvms;
	int listen_fd;
	uint64_t started;          /* wall-clock seconds */
	unsigned long long requests, suspends, resumes, released, forgotten, observations;
	char last_release_err[1100];
};

/* vms.c: the VM 'arg' names (id, VMM pid or name), its session opened on
 * first use; 0, or -1 with 'err' set. */
int gd_vm_find(struct gd *d, const char *arg, struct gd_vm **out, char *err, size_t errlen);
/* The VM run by VMM (pid, start), if the module still tracks it; NULL if gone. */
struct gd_vm *gd_vm_by_vmm(struct gd *d, int32_t pid, uint64_t start);
/* Open the session of 'v' if not yet; 0 or -1 with 'err' set. */
int gd_vm_open(struct gd *d, struct gd_vm *v, char *err, size_t errlen);
/* Re-read the module's VM list: sessions of VMs gone are closed. 0 or -errno. */
int gd_vms_refresh(struct gd *d);
void gd_vms_free(struct gd *d);

/* observe.c: observe the VMs whose period is due (their sessions opened
 * as they appear); called every housekeeping pass. */
void gd_observe_pass(struct gd *d);

/* requests.c: the reply to one request from a peer (uid, pid) that
 * control.c let through. */
struct json_object *gd_request(struct gd *d, struct json_object *req, uid_t uid, pid_t pid);

/* control.c */
int gd_control_listen(struct gd *d, const char *path, char *err, size_t errlen);
/* Serve one connection waiting on the listening socket. */
void gd_control_serve(struct gd *d);

/* access.c: whether 'cmd' is a request that changes guests (root only), and
 * whether a peer with uid/gid and supplementary groups may run it. Pure. */
int gd_request_changes(const char *cmd);
int gd_control_may(const char *cmd, uid_t uid, gid_t gid, const gid_t *groups, int ngroups,
		   gid_t readers);

/* release.c: resume the records marked release, forget those whose VM or
 * thread is gone. Records left (busy guest) stay marked for the next pass.
 * Returns how many records are still marked. */
size_t gd_release_pass(struct gd *d);
/* Forget the records of VMs whose VMM process is gone (VM shut down). */
void gd_forget_gone(struct gd *d);
/* Mark every record for release (start-up and exit). */
void gd_release_all(struct gd *d);

/* main.c: a line for the journal (stderr), with a syslog priority prefix. */
void gd_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
