// SPDX-License-Identifier: GPL-2.0
/*
 * The KVM and scheduler hooks, none of which patch KVM:
 *  - kvm_entry (exported tracepoint): discovers vCPUs, (re)arms the SVM CR3
 *    intercept, opens an accounting interval, notes the address space (exact);
 *  - kvm_exit (exported tracepoint): charges the time so far, samples CR3,
 *    and sees a guest call return (gcall.c);
 *  - sched_switch (vmlinux tracepoint): closes the interval when the host
 *    deschedules the vCPU thread (preemption, a halted vCPU blocking, a wait
 *    in the VMM after KVM_RUN returned), so that time is never charged;
 * (A VM is forgotten by the registry's liveness poll, not by a probe: see
 * registry.c.) All probes run in atomic context: no sleeping, no allocation.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/tracepoint.h>
#include "compat/compat.h"
#include "gsched.h"

extern struct tracepoint __tracepoint_kvm_entry;
extern struct tracepoint __tracepoint_kvm_exit;
static struct tracepoint *gs_tp_sched_switch;

/* Set at VM entry, cleared when the vCPU thread leaves the CPU: a running
 * task moves between CPUs only through a context switch. */
DEFINE_PER_CPU(struct gs_vcpu *, gs_open_vcpu);

enum gs_event { GS_ENTRY, GS_EXIT, GS_SCHED_OUT };

/* Entries and exits that keep the address space touch only the vCPU's own
 * accounting (the common case: no lock shared with other vCPUs); a switch
 * or a deschedule takes the VM's lock to update its table. */
static void gs_account(struct gs_vcpu *v, enum gs_event ev, u64 root)
{
	u64 now = ktime_get_ns();
	unsigned long flags;

	root = gs_cr3_root(root);
	if (ev == GS_ENTRY && gs_acct_entry_fast(&v->acct, root, now))
		return;
	if (ev == GS_EXIT && gs_acct_exit_fast(&v->acct, root, now))
		return;
	raw_spin_lock_irqsave(&v->vm->lock, flags);
	switch (ev) {
	case GS_ENTRY:
		gs_acct_entry_switch(&v->vm->tab, &v->acct, root, now);
		break;
	case GS_EXIT:
		gs_acct_exit(&v->vm->tab, &v->acct, root, now);
		break;
	case GS_SCHED_OUT:
		gs_acct_sched_out(&v->vm->tab, &v->acct, root, now);
		break;
	}
	raw_spin_unlock_irqrestore(&v->vm->lock, flags);
}

static void gs_on_kvm_entry(void *data, GS_TP_KVM_ENTRY_ARGS)
{
	struct gs_vcpu *v = gs_vcpu_lookup(vcpu), *old;
	u64 root = 0;

	if (unlikely(!v)) {
		v = gs_vcpu_discover(vcpu);
		if (!v)
			return;
	}
	if (unlikely(v->task != current)) {
		WRITE_ONCE(v->task, current);
		WRITE_ONCE(v->tid, current->pid);
	}
	old = this_cpu_read(gs_open_vcpu);
	if (unlikely(old && old != v))  /* one thread running two vCPUs */
		gs_account(old, GS_SCHED_OUT, 0);
	this_cpu_write(gs_open_vcpu, v);
	if (gs_vendor == GS_VENDOR_SVM) {
		gs_svm_entry(v, vcpu);
		/* Exact: every CR3 write exited, so arch.cr3 is current
		 * (the L1 guest's own while it runs a nested guest). */
		if (gs_mode == GSCHED_MODE_EXACT)
			root = gs_svm_cr3_entry(vcpu);
	}
	gs_account(v, GS_ENTRY, root);
}

static void gs_on_kvm_exit(void *data, GS_TP_KVM_EXIT_ARGS)
{
	struct gs_vcpu *v = gs_vcpu_lookup(vcpu);
	u64 root = 0;

	if (!v)
		return;
	if (unlikely(READ_ONCE(v->call)))
		gs_gcall_exit(v, vcpu);
	if (gs_vendor == GS_VENDOR_SVM && gs_mode == GSCHED_MODE_EXACT)
		gs_svm_exit(vcpu);
	if (gs_mode == GSCHED_MODE_SAMPLING)
		root = gs_vendor == GS_VENDOR_SVM ? gs_svm_cr3_exited(vcpu) :
		       gs_vendor == GS_VENDOR_VMX ? gs_vmx_cr3_exited() : 0;
	gs_account(v, GS_EXIT, root);
}

static void gs_on_sched_switch(void *data, GS_TP_SCHED_SWITCH_ARGS)
{
	struct gs_vcpu *v = this_cpu_read(gs_open_vcpu);
	struct kvm_vcpu *vcpu;
	u64 root = 0;

	if (likely(!v))
		return;
	this_cpu_write(gs_open_vcpu, NULL);
	if (READ_ONCE(v->task) != prev)
		return;
	/* Sampling on SVM: the VMCB holds the CR3 of the last exit. (No VMREAD
	 * here: after KVM_RUN returned, no VMCS need be current.) */
	vcpu = kvm_get_running_vcpu();
	if (gs_mode == GSCHED_MODE_SAMPLING && gs_vendor == GS_VENDOR_SVM &&
	    vcpu == v->kvcpu)
		root = gs_svm_cr3_exited(vcpu);
	gs_account(v, GS_SCHED_OUT, root);
}

static void gs_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_switch"))
		*(struct tracepoint **)priv = tp;
}

int gs_hooks_init(void)
{
	int err;

	for_each_kernel_tracepoint(gs_find_tp, &gs_tp_sched_switch);
	if (!gs_tp_sched_switch) {
		pr_err(GS_NAME ": tracepoint sched_switch not found\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(gs_tp_sched_switch, gs_on_sched_switch, NULL);
	if (err)
		goto out;
	err = tracepoint_probe_register(&__tracepoint_kvm_exit, gs_on_kvm_exit, NULL);
	if (err)
		goto out_ss;
	err = tracepoint_probe_register(&__tracepoint_kvm_entry, gs_on_kvm_entry, NULL);
	if (err)
		goto out_exit;
	return 0;
out_exit:
	tracepoint_probe_unregister(&__tracepoint_kvm_exit, gs_on_kvm_exit, NULL);
out_ss:
	tracepoint_probe_unregister(gs_tp_sched_switch, gs_on_sched_switch, NULL);
	tracepoint_synchronize_unregister();
out:
	pr_err(GS_NAME ": tracepoint registration failed (%d)\n", err);
	return err;
}

/* Give back the CR3 intercepts we armed: each vCPU drops its own at its next
 * entry; kick running ones. Idle (halted) vCPUs keep the bit until KVM resets
 * them, which is harmless: KVM handles CR3-write exits itself. */
static void gs_disarm(void)
{
	unsigned int left = 0, i;

	WRITE_ONCE(gs_disarming, true);
	for (i = 0; i < 100; i++) {
		left = gs_registry_kick_armed();
		if (!left)
			break;
		msleep(20);
	}
	if (left)
		pr_info(GS_NAME ": %u idle vCPU(s) keep the CR3-write intercept until their next reset (KVM handles it)\n",
			left);
}

void gs_hooks_exit(void)
{
	if (gs_mode == GSCHED_MODE_EXACT)
		gs_disarm();
	tracepoint_probe_unregister(&__tracepoint_kvm_entry, gs_on_kvm_entry, NULL);
	tracepoint_probe_unregister(&__tracepoint_kvm_exit, gs_on_kvm_exit, NULL);
	tracepoint_probe_unregister(gs_tp_sched_switch, gs_on_sched_switch, NULL);
	tracepoint_synchronize_unregister();
}
