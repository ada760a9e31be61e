/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Suspend and resume a guest task through its kernel's cgroup-freezer trap
 * (freeze.c). Every call needs the VM paused; LX_EBUSY when a guest lock it
 * depends on is held (resume the VM, try again).
 */
#ifndef GSCHED_LINUX_FREEZE_H
#define GSCHED_LINUX_FREEZE_H
#include "linux/guest.h"
#include "vmi/mem.h"

#define LX_JOBCTL_TRAP_FREEZE (1ULL << 23)
#define LX_TIF_SIGPENDING (1ULL << 2)

struct lx_freeze {
	uint64_t jobctl, ti_flags;
	uint32_t state;            /* task __state */
	int trapped;               /* JOBCTL_TRAP_FREEZE set */
};

int lx_freeze_read(struct lx_guest *g, uint64_t task, struct lx_freeze *f);
/* Suspend: set the trap and the signal-pending flag. */
int lx_freeze_set(struct lx_guest *g, uint64_t task);
/* Resume: clear the trap; *wake = 1 if the task must be woken (it was
 * trapped and sleeps interruptibly: in the trap, or elsewhere before
 * reaching it), with its pi_lock and every run queue's lock checked free. */
int lx_freeze_clear(struct lx_guest *g, uint64_t task, int *wake);
/* Undo lx_freeze_clear under the same pause, when the wake-up could not be
 * made: the trap bit back, so that the task stays suspended (a sleeper
 * whose bit is clear would never be woken by a later resume). */
int lx_freeze_retrap(struct lx_guest *g, uint64_t task);
/* A guest spinlock (qspinlock, raw_spinlock_t: 4 bytes) at va free? LX_OK,
 * LX_EBUSY ("WHAT is held"), or LX_EMEM if unreadable; g->err says which. */
int lx_lock_free(struct lx_guest *g, uint64_t va, const char *what);
/* Every run queue's lock free, as wake_up_process may take any of them:
 * LX_OK, or LX_EBUSY with g->err saying which. */
int lx_rq_locks_free(struct lx_guest *g);
/* The guest call that wakes 'task': ct_irq_enter(), wake_up_process(task),
 * ct_irq_exit(), returning to native_halt's HLT. */
int lx_wake_call(struct lx_guest *g, uint64_t task, struct vmi_call *c);

#endif
