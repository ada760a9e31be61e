/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * One guest opened for reading and editing, shared by gschedctl, gschedd and
 * the tests: a live VM through gsched.ko (or a memory image), the profile
 * whose banner the guest's kernel carries, and a consistent way to act on it:
 * pause, act, resume, and again while a guest lock was held (Monarch's lock
 * check), a bounded number of times. Reentrant: all state is in the session;
 * errors are written to s->err, never printed.
 */
#ifndef GSCHED_LIB_SESSION_H
#define GSCHED_LIB_SESSION_H
#include "lib/gsched.h"
#include "linux/guest.h"
#include "vmi/mem.h"

struct gs_session {
	struct vmi_mem mem;
	struct lx_guest g;
	struct profile *prof;
	struct gsched *dev;         /* NULL for an image */
	struct gsched_vm_info vm;   /* live VM (vm.vm_id 0 for an image) */
	const char *image;
	int tries;                  /* reads made (1 + retries after busy) */
	unsigned long long pause_ns; /* longest pause among the tries */
	unsigned long long wait_ns;  /* time to stop the vCPUs (last try) */
	int busy;                   /* the last run gave up on a held guest lock */
	int one_try;                /* set by the caller: a busy guest is not retried
				     * (a periodic read waits for its next period) */
	int result;                 /* what fn returned last (enum lx_err) */
	char err[1024];             /* why the last call failed, for people */
};

/* Open a live VM 'vm' on the open device 'dev' (kept, not owned) or the
 * memory image 'image', and attach the profile: 'profile' is a file, a
 * directory, or NULL (GSCHED_PROFILES, /etc/gsched/profiles,
 * /usr/share/gsched/profiles, the build tree's profiles/). 0, or -1 with
 * s->err set. */
int gs_session_open_vm(struct gs_session *s, struct gsched *dev,
		       const struct gsched_vm_info *vm, const char *profile);
int gs_session_open_image(struct gs_session *s, const char *image, const char *profile);
/* Run 'fn' under a pause (live VM), retrying while it returns LX_EBUSY.
 * 0, or -1 with s->err set (s->busy if it ran out of retries). */
int gs_session_run(struct gs_session *s, int (*fn)(struct lx_guest *g, void *arg), void *arg);
void gs_session_close(struct gs_session *s);

#endif
