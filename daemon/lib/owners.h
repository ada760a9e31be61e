/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The history of which guest process owned which address-space root (the
 * physical address of its mm->pgd, what gsched.ko counts CPU time by), so
 * that a process's host CPU time leaves out what earlier owners of the same
 * root used: the guest frees a process's page-table page when it exits and
 * may give it to the next process it starts. Pure: observations in (the
 * guest's processes and the module's per-root times), times out; gschedd
 * observes every VM periodically, gschedctl ps applies gschedd's history to
 * its own, newer observation.
 */
#ifndef GSCHED_LIB_OWNERS_H
#define GSCHED_LIB_OWNERS_H
#include <stddef.h>
#include <stdint.h>
#include <gsched/abi.h>

/* A guest process as one observation sees it. */
struct gs_own_proc {
	int32_t tgid;
	uint64_t start;            /* task_struct.start_time (guest ns since boot) */
	uint64_t root;             /* mm->pgd physical address; 0: no address space */
	uint64_t guest_ns;         /* the guest's own run time of it (se.sum_exec_runtime) */
};

/* How a process's host time was told apart from earlier owners'. */
enum gs_own_basis {
	GS_OWN_ROOT = 0,   /* no history: everything its root got since gsched saw it */
	GS_OWN_FREE,       /* the root was free at the observation before it took it */
	GS_OWN_TAKEN,      /* another process had the root at the observation before */
	GS_OWN_INHERITED,  /* it owned the root when the history began: no split */
	/* FREE and TAKEN: the time is the root's growth since that observation,
	 * at most the guest's own run time of the process then (what a process
	 * that exited, or lived and died, between the two used is left out),
	 * and all the root gets after */
};

struct gs_owner {
	uint64_t root;
	int32_t tgid;              /* 0: no process had the root at the last observation */
	uint64_t start;
	int64_t base_ns;           /* the root's host time before this owner */
	uint64_t last_ns;          /* the root's host time at the last observation */
	uint32_t basis;            /* enum gs_own_basis */
};

struct gs_owners {
	struct gs_owner *r;        /* sorted by root */
	size_t n;
	uint64_t observations;
};

/* Whether the guest's processes look like a kernel built with page-table
 * isolation: then every mm->pgd is 8 KiB (even with PTI off at run time)
 * and, with PTI on, the CPU also runs on its user half, pgd + 4 KiB;
 * built without it, a pgd is any 4 KiB page, and pgd + 4 KiB may be
 * another process's root. */
int gs_own_pti(const struct gs_own_proc *p, size_t np);
/* The host time of 'root' in the module's table, with its user half
 * (root | 0x1000) if 'pti'; 0 if the module has neither. If 'found' is
 * not NULL, it says whether the module has either. */
uint64_t gs_own_root_ns(const struct gsched_space_info *ti, size_t nti, uint64_t root, int pti,
			int *found);

/* Record one observation: the guest's processes (kernel threads, root 0,
 * are left out) and the module's table taken just after them. Roots the
 * module no longer tracks and no process owns are dropped. 0 or -ENOMEM
 * (the history is unchanged then). */
int gs_owners_observe(struct gs_owners *h, const struct gs_own_proc *p, size_t np,
		      const struct gsched_space_info *ti, size_t nti);

/* The host time of process 'p' whose root has 'root_ns' now, by the history
 * (an owner it does not know yet is judged as the next observation would);
 * its basis in *basis. */
uint64_t gs_owners_cpu(const struct gs_owners *h, const struct gs_own_proc *p, uint64_t root_ns,
		       enum gs_own_basis *basis);

struct lx_task;
/* The processes (thread-group leaders, as lx_tasks lists them) of one
 * observation, into 'out' (room for n). */
void gs_own_procs(const struct lx_task *t, size_t n, struct gs_own_proc *out);

const char *gs_own_basis_name(enum gs_own_basis b);
void gs_owners_free(struct gs_owners *h);

#endif
