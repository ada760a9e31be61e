/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A Linux guest seen from outside (Monarch §III-A): its kernel located in
 * guest memory with a profile (KASLR shifts found from memory), the offsets
 * the readers use, and what they read — the process list from init_task and
 * each CPU's run queue. Guest memory is untrusted: every read is checked,
 * every traversal bounded, and a held guest lock means "busy, retry".
 */
#ifndef GSCHED_LINUX_GUEST_H
#define GSCHED_LINUX_GUEST_H
#include <stdint.h>
#include <stddef.h>
#include "profile/isf.h"
#include "vmi/rbtree.h"
#include "lib/escape.h"

#define LX_START_KERNEL_MAP 0xffffffff80000000ULL
#define LX_MAX_TASKS 65536
#define LX_MAX_CPUS 512
/* One budget for all the walks of one read (a ps, a run-queue read): guest
 * structures visited (tasks, run-queue entities, cfs_rqs) and wall-clock
 * time. A hostile guest can make every structure look valid; this bounds
 * what it costs (and how long its VM stays paused). */
#define LX_WALK_NODES 262144
#define LX_WALK_MS 2000

enum lx_err {
	LX_OK = 0,
	LX_EPROFILE = -100,   /* the profile lacks something or is inconsistent */
	LX_EBANNER = -101,    /* the guest runs another kernel than the profile's */
	LX_EKASLR = -102,     /* kernel found, but its virtual shift not */
	LX_EINIT = -103,      /* init_task does not look like swapper/pid 0 */
	LX_EBUSY = -104,      /* a guest lock is held: busy, retry */
	LX_EMEM = -105,       /* guest memory read failed / malformed data */
	LX_ENOENT = -106,     /* no such guest process */
};

/* Offsets (bytes) of what the readers use, resolved once per profile. */
struct lx_off {
	uint64_t t_state, t_exit_state, t_flags, t_pid, t_tgid, t_comm, t_tasks,
		 t_mm, t_on_rq, t_on_cpu, t_cpu, t_prio, t_static_prio, t_policy,
		 t_se, t_pi_lock, t_utime, t_stime;
	uint64_t t_start_time;     /* optional (has_start): lib/owners.h */
	uint64_t t_jobctl, t_sighand, t_ti_flags, sh_siglock; /* freeze.c */
	uint64_t t_cgroups, cs_dfl_cgrp, cg_kn, kn_name, kn_parent; /* cgroup.c */
	uint64_t t_signal, t_thread_node, sig_thread_head; /* lx_threads */
	uint64_t mm_pgd;
	uint64_t se_run_node, se_on_rq, se_vruntime, se_deadline, se_my_q,
		 se_sum_exec, se_weight;
	uint64_t cfs_nr_running, cfs_h_nr, cfs_root, cfs_curr, cfs_min_vruntime;
	uint64_t rq_lock, rq_nr_running, rq_curr, rq_idle, rq_cfs, rq_rt_nr,
		 rq_cpu, rq_nr_switches;
	int has_deadline, has_min_vruntime, has_start, has_freeze, has_cgroup, has_threads;
};

struct lx_guest {
	struct vmi_mem *mem;
	const struct profile *prof;
	struct lx_off off;
	struct vmi_tcache tc;
	struct vmi_ctx ctx;        /* kernel page tables (init_top_pgt) */
	uint64_t poff;             /* physical shift of the kernel image */
	uint64_t voff;             /* virtual shift (KASLR) */
	uint64_t kroot;            /* physical address of init_top_pgt */
	int levels;                /* 4 or 5 */
	uint64_t init_task;        /* runtime virtual address */
	char banner[GS_ESCAPED_SIZE(255)]; /* the profile's, found in guest memory; escaped */
	char err[512];             /* what went wrong, for people */
	long walk_left;            /* nodes left in this read's budget */
	uint64_t walk_deadline_ns; /* CLOCK_MONOTONIC end of this read's budget */
	unsigned int walk_ms;      /* its time (0: LX_WALK_MS); a live VM's session
	                            * sets the module's pause_max_ms, the longest a
	                            * pause may last */
};

/* Resolve the profile's offsets; LX_OK or LX_EPROFILE with g->err set. */
int lx_offsets(struct lx_guest *g);
/* LX_OK if 'has' (one of g->off.has_*), else LX_EPROFILE with g->err
 * saying the profile lacks 'members' (rebuild it with this gschedctl). */
int lx_need(struct lx_guest *g, int has, const char *members);
/* Does the guest run the profile's kernel? Its banner looked for where the
 * profile puts it (one read per 2 MiB of guest memory; no pause needed:
 * the kernel image does not move). LX_OK, LX_EBANNER or LX_EPROFILE, with
 * 'err' saying why. */
int lx_match(struct vmi_mem *m, const struct profile *p, char *err, size_t errlen);
/* Find the kernel in guest memory (banner, shifts, init_task check). */
int lx_attach(struct lx_guest *g, struct vmi_mem *m, const struct profile *p);
/* The "Linux version ..." banner found anywhere in guest memory (bounded
 * scan), for telling people what the guest runs; "" if none. */
void lx_guest_banner(struct vmi_mem *m, char *out, size_t outlen);
/* Runtime virtual address of a profile symbol (per-CPU ones excluded). */
int lx_symbol(struct lx_guest *g, const char *name, uint64_t *va);
int lx_read(struct lx_guest *g, uint64_t va, void *buf, size_t len);
/* Guest kernel virtual address -> guest physical (through init_top_pgt). */
int lx_pa(struct lx_guest *g, uint64_t va, uint64_t *pa);
const char *lx_strerror(int err);
/* Start a read's budget (LX_WALK_NODES, g->walk_ms or LX_WALK_MS); lx_tasks and
 * lx_runqueues start their own. */
void lx_budget_start(struct lx_guest *g);
/* Take one node ('what' names it for the error); LX_OK, or LX_EMEM with
 * g->err set once the nodes or the time are spent. */
int lx_budget_take(struct lx_guest *g, const char *what);

struct lx_task {
	uint64_t va;               /* task_struct */
	int32_t pid, tgid;
	char comm[GS_ESCAPED_SIZE(15)]; /* escaped (lib/escape.h) */
	char state;                /* ps letter: R S D T t X Z P I */
	uint32_t raw_state, exit_state, flags;
	int32_t on_rq, on_cpu, prio, static_prio;
	uint32_t cpu, policy;
	uint64_t mm, root;         /* root: physical address of mm->pgd (0: none) */
	int kthread;
	uint64_t sum_exec_ns;      /* the guest's own se.sum_exec_runtime */
	uint64_t utime_ns, stime_ns;
	uint64_t start_ns;         /* start_time: ns since the guest booted (0: the profile lacks it) */
};

/* Thread-group leaders on init_task's list (what the guest's ps shows),
 * at most 'max'. Checks tasklist_lock and each task's pi_lock. */
int lx_tasks(struct lx_guest *g, struct lx_task **out, size_t *n, size_t max);
/* Every thread of those processes (each leader's thread list, the leader
 * first), at most 'max' in all: what a suspend of a whole process acts on.
 * The same locks; LX_EPROFILE if the profile lacks the thread lists. */
int lx_threads(struct lx_guest *g, struct lx_task **out, size_t *n, size_t max);
/* The threads of one process (its leader's task_struct at 'leader'; the
 * leader first), appended to *out (*n of them, grown with realloc; on an
 * error too, for the caller to free), *n at most 'max'. Within the budget
 * lx_tasks started: call it under the same pause, after lx_tasks. */
int lx_threads_of(struct lx_guest *g, uint64_t leader, struct lx_task **out, size_t *n, size_t max);
/* ps state letter from __state and exit_state (fs/proc/array.c). */
char lx_state_letter(uint32_t state, uint32_t exit_state);

struct lx_rq_entry {
	struct lx_task task;
	int depth;                 /* task-group nesting (0: the root cfs_rq) */
	uint64_t vruntime, deadline;
};

struct lx_rq {
	int cpu;
	uint64_t va;
	uint32_t nr_running, cfs_h_nr, rt_nr;
	uint64_t nr_switches;
	struct lx_task curr;       /* running now (the idle task when idle) */
	int curr_is_idle;
	struct lx_rq_entry *queued; /* CFS tasks waiting, in pick order */
	size_t nqueued;
	uint64_t min_vruntime;
};

/* Every possible CPU's run queue (nr_cpu_ids of them). */
int lx_runqueues(struct lx_guest *g, struct lx_rq **out, size_t *n);
void lx_runqueues_free(struct lx_rq *rq, size_t n);

#endif
