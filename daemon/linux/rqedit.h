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

/* Under a pause: suspend the task at 'task' (*how says which way). */
int lx_rq_suspend(struct lx_guest *g, uint64_t task, enum lx_rq_how *how);
/* Is it suspended this way (state LX_RQ_SUSPENDED, off its run queue)? */
int lx_rq_is_suspended(struct lx_guest *g, uint64_t task, int *yes);
/* Before the wake-up call: its state set to TASK_INTERRUPTIBLE, so that
 * the guest's wake_up_process() takes it; lx_rq_unwake puts the mark back
 * when the call could not be made. */
int lx_rq_prepare_wake(struct lx_guest *g, uint64_t task);
int lx_rq_unwake(struct lx_guest *g, uint64_t task);

#endif
