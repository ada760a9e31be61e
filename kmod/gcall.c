// SPDX-License-Identifier: GPL-2.0
/*
 * Guest calls: the guest's own kernel runs a few of its functions for
 * gsched (Monarch's resume is the guest's wake_up_process), with no VMM
 * cooperation and no code written into the guest.
 *
 * Under a pause with every vCPU parked (pause.c), gs_pause_call hands the
 * call to one vCPU whose guest could take an interrupt there: kernel mode,
 * interrupts on, no interrupt shadow, no event being delivered, not running
 * a nested guest (svm.c), halted vCPUs first. Interrupts were on, so that
 * vCPU held no interrupt-safe lock (the run-queue and pi locks are such);
 * the caller checks that the parked vCPUs hold none either. In its own
 * thread, the vCPU saves its registers, writes the return address (a HLT
 * instruction in guest text) below its stack pointer through KVM's own
 * guest-virtual write (dirty-logged), and enters the guest at fn[0] with
 * rdi = arg[0] and interrupts off, as an interrupt handler would run.
 * The function returns to the HLT, which exits (interrupts off: the vCPU
 * would halt for good); the kvm_exit probe recognises it (the HLT, the
 * return address and stack pointer, interrupts off), keeps rax, and queues
 * a task_work that runs in the vCPU thread before it would block: the next
 * function, or the saved registers back and the park again. A halted vCPU
 * resumes its idle loop as if its HLT had been woken. The daemon wraps the
 * call in ct_irq_enter/ct_irq_exit, so RCU watches even in the idle loop.
 *
 * Nothing is left behind: the saved state goes back after the last
 * return whether or not anybody still waits (the ioctl gives up after its
 * timeout, the calls finish by themselves); a thread that exits drops it.
 * Each armed call holds a module reference. AMD SVM only for now.
 */
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <linux/wait.h>
#include "compat/compat.h"
#include "gsched.h"

/* Bytes left free below the interrupted stack pointer (the kernel has no
 * red zone; this is margin). */
#define GS_GCALL_GAP 256

struct gs_gcall {
	struct callback_head cb;     /* the step after a return (task_work) */
	struct kref ref;             /* the ioctl's; the vCPU's while it runs it */
	struct gs_pause *p;          /* referenced */
	u32 idx;                     /* the vCPU's index in p */
	struct kvm_vcpu *vcpu;
	struct gs_vcpu *v;
	u32 nr, step;
	u64 fn[GSCHED_CALL_MAX], arg[GSCHED_CALL_MAX], ret[GSCHED_CALL_MAX];
	u64 hlt_rip, frame_rsp, ret_rsp;
	unsigned long saved[NR_VCPU_REGS];
	unsigned long saved_rflags;
	u64 start_ns, end_ns;
	int err;
	bool done;
};

static DECLARE_WAIT_QUEUE_HEAD(gs_gcall_wq);

static void gs_gcall_free(struct kref *ref)
{
	struct gs_gcall *g = container_of(ref, struct gs_gcall, ref);

	gs_pause_put(g->p);
	kfree(g);
}

void gs_gcall_put(struct gs_gcall *g)
{
	kref_put(&g->ref, gs_gcall_free);
}

/* Two references: the caller's and the one handed to the vCPU. */
struct gs_gcall *gs_gcall_new(struct gs_pause *p, u32 idx, const struct gsched_call *c)
{
	struct gs_gcall *g = kzalloc(sizeof(*g), GFP_KERNEL);

	if (!g)
		return NULL;
	kref_init(&g->ref);
	kref_get(&g->ref);
	gs_pause_get(p);
	g->p = p;
	g->idx = idx;
	g->vcpu = gs_pause_vcpu(p, idx);
	g->nr = c->nr;
	memcpy(g->fn, c->fn, sizeof(g->fn));
	memcpy(g->arg, c->arg, sizeof(g->arg));
	g->hlt_rip = c->hlt_rip;
	g->start_ns = ktime_get_ns();
	return g;
}

long gs_gcall_wait(struct gs_gcall *g, u32 timeout_ms, struct gsched_call *c)
{
	long r = wait_event_interruptible_timeout(gs_gcall_wq, smp_load_acquire(&g->done),
						  msecs_to_jiffies(timeout_ms));

	if (!smp_load_acquire(&g->done))
		return r < 0 ? -EINTR : -ETIMEDOUT;
	memcpy(c->ret, g->ret, sizeof(c->ret));
	c->wait_ns = g->end_ns - g->start_ns;
	return g->err;
}

static void gs_gcall_complete(struct gs_gcall *g, int err)
{
	g->err = err;
	g->end_ns = ktime_get_ns();
	smp_store_release(&g->done, true);
	wake_up_all(&gs_gcall_wq);
}

/* As KVM's kvm_register_mark_dirty (kvm_cache_regs.h, not shipped). */
static void gs_reg_dirty(struct kvm_vcpu *vcpu, int reg)
{
	vcpu->arch.regs_avail |= BIT(reg);
	vcpu->arch.regs_dirty |= BIT(reg);
}

/* vCPU thread, vCPU loaded: enter the guest at fn[step]. */
static void gs_gcall_enter(struct gs_gcall *g)
{
	struct kvm_vcpu *vcpu = g->vcpu;

	vcpu->arch.regs[VCPU_REGS_RSP] = g->frame_rsp;
	vcpu->arch.regs[VCPU_REGS_RIP] = g->fn[g->step];
	vcpu->arch.regs[VCPU_REGS_RDI] = g->arg[g->step];
	gs_reg_dirty(vcpu, VCPU_REGS_RSP);
	gs_reg_dirty(vcpu, VCPU_REGS_RIP);
	kvm_set_rflags(vcpu, g->saved_rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_TF |
		       X86_EFLAGS_DF | X86_EFLAGS_AC | X86_EFLAGS_RF));
	vcpu->arch.mp_state = KVM_MP_STATE_RUNNABLE;
	/* armed: gsched.ko must stay until the exit probe sees the return */
	__module_get(THIS_MODULE);
	WRITE_ONCE(g->v->call, g);
}

/* vCPU thread, vCPU loaded: what the call interrupted, back. */
static void gs_gcall_restore(struct gs_gcall *g)
{
	struct kvm_vcpu *vcpu = g->vcpu;
	int r;

	memcpy(vcpu->arch.regs, g->saved, sizeof(g->saved));
	for (r = 0; r < NR_VCPU_REGS; r++)
		gs_reg_dirty(vcpu, r);
	kvm_set_rflags(vcpu, g->saved_rflags);
	vcpu->arch.mp_state = KVM_MP_STATE_RUNNABLE;
}

/* vCPU thread: save, write the return address, enter fn[0]. */
static int gs_gcall_arm(struct gs_gcall *g)
{
	struct kvm_vcpu *vcpu = g->vcpu;
	struct gs_x86_exception e;
	int idx, r;
	u64 s;

	if (kvm_get_running_vcpu() != vcpu || !gs_svm_callable(vcpu))
		return -EAGAIN;
	rcu_read_lock();
	g->v = gs_vcpu_lookup(vcpu);
	rcu_read_unlock();
	if (!g->v)
		return -ENODEV;
	memcpy(g->saved, vcpu->arch.regs, sizeof(g->saved));
	g->saved_rflags = kvm_get_rflags(vcpu);
	s = (vcpu->arch.regs[VCPU_REGS_RSP] - GS_GCALL_GAP) & ~15ULL;
	g->ret_rsp = s;
	g->frame_rsp = s - 8;
	idx = srcu_read_lock(&vcpu->kvm->srcu);
	r = kvm_write_guest_virt_system(vcpu, g->frame_rsp, &g->hlt_rip, 8,
					(struct x86_exception *)&e);
	srcu_read_unlock(&vcpu->kvm->srcu, idx);
	if (r)
		return -EFAULT; /* not X86EMUL_CONTINUE: stack not mapped */
	g->step = 0;
	gs_gcall_enter(g);
	return 0;
}

/*
 * The vCPU thread, taken out of its park with call g (it holds the handed
 * reference). Arms it and returns (the thread enters the guest), or, when
 * it cannot, completes it with the error and parks again, taking the next
 * call handed to it, if any.
 */
/*
 * The end of call g in its vCPU thread: complete it with err, drop the
 * handed reference and park again. Returns the next call handed to the
 * thread while it was parked (with its handed reference), or NULL when the
 * pause ended. The pause is held across the park (g may be freed here; a
 * next call holds its own reference to it).
 */
static struct gs_gcall *gs_gcall_finish(struct gs_gcall *g, int err)
{
	struct gs_pause *p = g->p;
	u32 idx = g->idx;
	struct gs_gcall *next;

	gs_gcall_complete(g, err);
	gs_pause_get(p);
	gs_gcall_put(g);
	next = gs_park_hold(p, idx);
	gs_pause_put(p);
	return next;
}

void gs_gcall_start(struct gs_gcall *g)
{
	while (g) {
		int err = gs_gcall_arm(g);

		if (!err)
			return;
		g = gs_gcall_finish(g, err);
	}
}

/* task_work in the vCPU thread after a call returned: the next call (armed
 * again), or the state back and the park again. Holds the module
 * reference the armed call took. */
static void gs_gcall_next_fn(struct callback_head *cb)
{
	struct gs_gcall *g = container_of(cb, struct gs_gcall, cb);

	if (current->flags & PF_EXITING) {
		gs_gcall_complete(g, -ESRCH);
		gs_gcall_put(g);
	} else if (++g->step < g->nr) {
		gs_gcall_enter(g);
	} else {
		gs_gcall_restore(g);
		gs_gcall_start(gs_gcall_finish(g, 0));
	}
	/* As gs_park_fn: the last instructions run after this. */
	module_put(THIS_MODULE);
}

/*
 * kvm_exit probe (vCPU thread, IRQs off) while v has a call armed: is this
 * the HLT it returns to? Then keep rax and queue the next step; KVM's halt
 * handling runs next, and the task_work before the vCPU could block.
 */
void gs_gcall_exit(struct gs_vcpu *v, struct kvm_vcpu *vcpu)
{
	struct gs_gcall *g = v->call;
	u64 rax;

	if (g->vcpu != vcpu || !gs_svm_hlt_at(vcpu, g->hlt_rip, g->ret_rsp, &rax))
		return;
	WRITE_ONCE(v->call, NULL);
	g->ret[g->step] = rax;
	/* the armed call's module reference goes to the task_work */
	init_task_work(&g->cb, gs_gcall_next_fn);
	if (task_work_add(current, &g->cb, TWA_RESUME)) {
		/* the thread is exiting: it never enters this guest again */
		gs_gcall_complete(g, -ESRCH);
		gs_gcall_put(g);
		module_put(THIS_MODULE);
	}
}

/* The registry reclaims a vCPU whose thread went away with a call armed
 * (its VM destroyed mid-call): nothing will see the return. */
void gs_gcall_abandon(struct gs_vcpu *v)
{
	struct gs_gcall *g = xchg(&v->call, NULL);

	if (!g)
		return;
	gs_gcall_complete(g, -ESRCH);
	gs_gcall_put(g);
	module_put(THIS_MODULE);
}
