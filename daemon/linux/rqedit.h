/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Monarch's own mechanism (Monarch §IV-B, guest-runqueue-edits.md §3, §5,
 * §6): a guest task suspended by editing its kernel's run queue from
 * outside, the way the guest's own dequeue_task_fair() leaves it, with
 * every vCPU paused and every lock the edit depends on checked free. On
 * Linux 6.1 (CFS) only; an EEVDF kernel (6.6 on) is refused.
 *  - a ready task (queued, not running) is dequeued: tree, counts and load
 *    at every level of its group hierarchy, the rq's lists, buddies,
 *    util_est and PSI, only when it was preempted on its way back to user
 *    mode (its kernel stack returns into the exit-to-user loop), so it
 *    holds no kernel lock; elsewhere the edit waits for the next period
 *    (LX_EBUSY);
 *  - a task asleep in TASK_INTERRUPTIBLE keeps sleeping: a wake-up meant
 *    for it is not lost for good, the resume wakes it and it re-checks
 *    what it waits for, as after the freezer's thaw;
 *  - a running task: LX_EBUSY (it is taken when next preempted).
 * Either way the task is left in __state LX_RQ_SUSPENDED (TASK_STOPPED |
 * TASK_NOLOAD, a value the guest never makes itself, so it says "gsched
 * suspended this" to a later resume, even after a crash of gschedd), off
 * its run queue. The guest's SIGKILL and SIGCONT wake it through its own
 * try_to_wake_up(): that ends the suspension. The resume makes the guest
 * wake it with wake_up_process() (freeze.h's guest call) after setting
 * TASK_INTERRUPTIBLE: the guest's own enqueue places it.
 */
#ifndef GSCHED_LINUX_RQEDIT_H
#define GSCHED_LINUX_RQEDIT_H
#include "linux/guest.h"

#define LX_RQ_SUSPENDED 0x504u     /* TASK_STOPPED (0x104) | TASK_NOLOAD (0x400) */

enum lx_rq_how { LX_RQ_DEQUEUED = 1, LX_RQ_ASLEEP };

/* A one-bit field of task_struct: its byte and bit. */
struct lx_rqbit { uint64_t off; unsigned pos; int found; };

/* Every field and symbol the edit uses, from the profile (lx_rq_layout):
 * resolved once per request, not per thread. */
struct lx_rqoff {
	uint64_t t_se, t_on_rq, t_on_cpu, t_policy, t_state, t_flags, t_pi_lock, t_ptrace,
		 t_psi_flags, t_numa_nid, t_thread_sp, t_cgroups, t_stack;
	struct lx_rqbit contrib, iowait, memstall;
	uint64_t se_run_node, se_on_rq, se_weight, se_parent, se_cfs_rq, se_my_q, se_group_node,
		 se_runnable_weight, se_ue_enqueued, se_ue_ewma;
	uint64_t cfs_root, cfs_leftmost, cfs_nr_running, cfs_idle_nr, cfs_h_nr, cfs_idle_h_nr,
		 cfs_weight, cfs_inv_weight, cfs_curr, cfs_next, cfs_last, cfs_skip, cfs_throttled,
		 cfs_throttle_count, cfs_runtime_enabled, cfs_idle, cfs_ue_enqueued;
	uint64_t rq_lock, rq_nr_running, rq_curr, rq_cfs, rq_cfs_tasks;
	uint64_t cs_dfl_cgrp, cg_psi, cg_kn, kn_id, psi_parent, psi_pcpu, psic_seq, psic_tasks;
	uint64_t sym_runqueues, sym_pcpu_off, sym_psi_system, sym_psi_disabled, sym_psi_cgroups,
		 sym_uclamp_used, sym_schedule, sym_schedule_end, sym_exit, sym_exit_end,
		 sym_stext, sym_etext;
};

/* The layout, or LX_EPROFILE with g->err naming what the profile lacks (an
 * EEVDF kernel is refused here). */
int lx_rq_layout(struct lx_guest *g, struct lx_rqoff *o);
/* Under a pause: suspend the task at 'task' (*how says which way). */
int lx_rq_suspend(struct lx_guest *g, const struct lx_rqoff *o, uint64_t task, enum lx_rq_how *how);
/* Is it suspended this way (state LX_RQ_SUSPENDED, off its run queue)? */
int lx_rq_is_suspended(struct lx_guest *g, uint64_t task, int *yes);
/* Before the wake-up call: its state set to TASK_INTERRUPTIBLE, so that
 * the guest's wake_up_process() takes it; lx_rq_unwake puts the mark back
 * when the call could not be made. */
int lx_rq_prepare_wake(struct lx_guest *g, uint64_t task);
int lx_rq_unwake(struct lx_guest *g, uint64_t task);

#endif
