// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Suspending a guest task with its own kernel's cgroup-freezer trap
 * (guest-runqueue-edits.md §1): with the VM paused and the task's siglock
 * free, set JOBCTL_TRAP_FREEZE in task->jobctl and TIF_SIGPENDING in its
 * thread flags. At its next return to user mode the guest's get_signal()
 * runs do_freezer_trap(): the task sleeps (TASK_INTERRUPTIBLE), dequeued by
 * the guest's own scheduler, holding no lock. Resuming clears the bit and,
 * if the task sleeps interruptibly, makes the guest call its own
 * wake_up_process() (a guest call, gsched.ko's gcall.c), with every lock
 * the wake-up takes checked free: the task's pi_lock and every run queue's.
 * (A lock the wake-up takes only when it moves the task to another CPU's
 * queue, cfs_rq->removed.lock, is not checked: should a parked vCPU hold
 * it, the call waits until the pause ends, pause_max_ms at most.)
 * The guest's signals on a suspended task: SIGKILL kills it; the others,
 * SIGSTOP included, wait until it is resumed (get_signal() takes the
 * freezer trap before it dequeues a signal, and a SIGCONT drops a pending
 * stop), as under the guest's own cgroup freezer. Seen in the lab: SIGSTOP
 * then SIGCONT to a suspended process, state S throughout, its CPU time
 * still, and it runs after the resume.
 * Bits from Debian's 6.1 and 6.12 include/linux/sched/jobctl.h and
 * arch/x86/include/asm/thread_info.h (the same on both).
 */
#include <stdio.h>
#include <string.h>
#include "linux/freeze.h"
#include "vmi/pagewalk.h"

#define TASK_INTERRUPTIBLE 0x1u
#define TASK_UNINTERRUPTIBLE 0x2u

static int need_freeze(struct lx_guest *g)
{
	return lx_need(g, g->off.has_freeze,
		       "task_struct.jobctl/sighand/thread_info.flags or sighand_struct.siglock");
}

static int write_u64(struct lx_guest *g, uint64_t va, uint64_t v)
{
	uint64_t pa;

	if (va & 7 || lx_pa(g, va, &pa) || vmi_write(g->mem, pa, &v, 8)) {
		snprintf(g->err, sizeof(g->err), "cannot write guest memory at 0x%llx",
			 (unsigned long long)va);
		return LX_EMEM;
	}
	return LX_OK;
}

int lx_lock_free(struct lx_guest *g, uint64_t va, const char *what)
{
	uint32_t v;

	if (lx_read(g, va, &v, 4)) {
		snprintf(g->err, sizeof(g->err), "%s at 0x%llx unreadable", what,
			 (unsigned long long)va);
		return LX_EMEM;
	}
	if (v) {
		snprintf(g->err, sizeof(g->err), "%s is held", what);
		return LX_EBUSY;
	}
	return LX_OK;
}

static int siglock_free(struct lx_guest *g, uint64_t task)
{
	uint64_t sh;

	if (lx_read(g, task + g->off.t_sighand, &sh, 8) || sh < LX_START_KERNEL_MAP >> 1) {
		snprintf(g->err, sizeof(g->err), "task 0x%llx: no sighand (exiting?)",
			 (unsigned long long)task);
		return LX_EMEM;
	}
	return lx_lock_free(g, sh + g->off.sh_siglock, "the task's siglock");
}

int lx_freeze_read(struct lx_guest *g, uint64_t task, struct lx_freeze *f)
{
	int err = need_freeze(g);

	if (err)
		return err;
	memset(f, 0, sizeof(*f));
	if (lx_read(g, task + g->off.t_jobctl, &f->jobctl, 8) ||
	    lx_read(g, task + g->off.t_ti_flags, &f->ti_flags, 8) ||
	    lx_read(g, task + g->off.t_state, &f->state, 4)) {
		snprintf(g->err, sizeof(g->err), "task 0x%llx unreadable", (unsigned long long)task);
		return LX_EMEM;
	}
	f->trapped = !!(f->jobctl & LX_JOBCTL_TRAP_FREEZE);
	return LX_OK;
}

int lx_freeze_set(struct lx_guest *g, uint64_t task)
{
	struct lx_freeze f;
	int err = lx_freeze_read(g, task, &f);

	if (!err)
		err = siglock_free(g, task);
	if (!err && !f.trapped)
		err = write_u64(g, task + g->off.t_jobctl, f.jobctl | LX_JOBCTL_TRAP_FREEZE);
	if (!err)
		err = write_u64(g, task + g->off.t_ti_flags, f.ti_flags | LX_TIF_SIGPENDING);
	return err;
}

int lx_rq_locks_free(struct lx_guest *g)
{
	uint64_t nr_va, pcpu_va, rq_sym, off;
	uint32_t nr;
	char what[48];

	if (lx_symbol(g, "nr_cpu_ids", &nr_va) || lx_symbol(g, "__per_cpu_offset", &pcpu_va) ||
	    profile_symbol(g->prof, "runqueues", &rq_sym) || rq_sym >= LX_START_KERNEL_MAP) {
		snprintf(g->err, sizeof(g->err), "profile: needs nr_cpu_ids, __per_cpu_offset, runqueues");
		return LX_EPROFILE;
	}
	if (lx_read(g, nr_va, &nr, 4) || nr == 0 || nr > LX_MAX_CPUS) {
		snprintf(g->err, sizeof(g->err), "nr_cpu_ids unreadable or absurd (%u)", nr);
		return LX_EMEM;
	}
	for (uint32_t c = 0; c < nr; c++) {
		int err;

		if (lx_read(g, pcpu_va + 8ULL * c, &off, 8)) {
			snprintf(g->err, sizeof(g->err), "__per_cpu_offset[%u] unreadable", c);
			return LX_EMEM;
		}
		snprintf(what, sizeof(what), "run queue lock of CPU %u", c);
		err = lx_lock_free(g, off + rq_sym + g->off.rq_lock, what);
		if (err)
			return err;
	}
	return LX_OK;
}

int lx_freeze_clear(struct lx_guest *g, uint64_t task, int *wake)
{
	struct lx_freeze f;
	int err = lx_freeze_read(g, task, &f);

	*wake = 0;
	if (err)
		return err;
	/* only a trapped task is woken (one never suspended, or resumed
	 * already, is left alone); an interruptible sleeper (the trap is one)
	 * tolerates a spurious wake-up, as from a signal, should it sleep
	 * elsewhere before reaching the trap; an uninterruptible one is left
	 * alone */
	*wake = f.trapped && (f.state & TASK_INTERRUPTIBLE) && !(f.state & TASK_UNINTERRUPTIBLE);
	err = siglock_free(g, task);
	if (!err && *wake)
		err = lx_lock_free(g, task + g->off.t_pi_lock, "the task's pi_lock");
	if (!err && *wake)
		err = lx_rq_locks_free(g);
	if (!err && f.trapped)
		err = write_u64(g, task + g->off.t_jobctl, f.jobctl & ~LX_JOBCTL_TRAP_FREEZE);
	return err;
}

int lx_freeze_retrap(struct lx_guest *g, uint64_t task)
{
	struct lx_freeze f;
	int err = lx_freeze_read(g, task, &f);

	if (!err && !f.trapped)
		err = write_u64(g, task + g->off.t_jobctl, f.jobctl | LX_JOBCTL_TRAP_FREEZE);
	return err;
}

/* The HLT of native_halt, after its optional VERW (both kernels:
 * [endbr64] jmp/nop; verw m16; hlt). */
static int find_hlt(struct lx_guest *g, uint64_t *hlt)
{
	uint8_t code[32];
	uint64_t fn;

	if (lx_symbol(g, "native_halt", &fn) || lx_read(g, fn, code, sizeof(code))) {
		snprintf(g->err, sizeof(g->err), "profile %s: no native_halt (rebuild it with this gschedctl)",
			 profile_path(g->prof));
		return LX_EPROFILE;
	}
	for (size_t i = 0; i + 7 < sizeof(code); i++) {
		if (code[i] == 0x0f && code[i + 1] == 0x00 && code[i + 2] == 0x2d && code[i + 7] == 0xf4) {
			*hlt = fn + i + 7;
			return LX_OK;
		}
	}
	snprintf(g->err, sizeof(g->err), "native_halt at 0x%llx has no 'verw; hlt'",
		 (unsigned long long)fn);
	return LX_EMEM;
}

int lx_wake_call(struct lx_guest *g, uint64_t task, struct vmi_call *c)
{
	memset(c, 0, sizeof(*c));
	if (lx_symbol(g, "ct_irq_enter", &c->fn[0]) || lx_symbol(g, "wake_up_process", &c->fn[1]) ||
	    lx_symbol(g, "ct_irq_exit", &c->fn[2])) {
		snprintf(g->err, sizeof(g->err),
			 "profile %s: needs ct_irq_enter, wake_up_process, ct_irq_exit (rebuild it with this gschedctl)",
			 profile_path(g->prof));
		return LX_EPROFILE;
	}
	c->nr = 3;
	c->arg[1] = task;
	return find_hlt(g, &c->hlt);
}
