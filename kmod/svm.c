// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM: exact tracking arms the guest CR3-write intercept so that every
 * guest address-space switch exits; KVM handles the exit itself (kvm_set_cr3
 * works with NPT). init_vmcb clears the bit on every vCPU INIT/RESET, so it is
 * re-armed from the kvm_entry probe, in vmcb01, never for SEV-ES guests
 * (their state is encrypted; they are not tracked).
 *
 * Nested guests: at every nested VMRUN KVM builds vmcb02's intercepts from
 * vmcb01's and vmcb12's (recalc_intercepts), so the bit gsched set in
 * vmcb01 would make every CR3 write of the L1 guest's own guest (L2) exit
 * to the host, where KVM would run them against L1's nested-paging MMU.
 * So, before each entry in guest mode, the bit is taken out of vmcb02
 * again unless L1's hypervisor asked for it in vmcb12 (svm->nested.ctl,
 * whose offset comes from kvm_amd's BTF at load: layout.c). While a vCPU
 * runs L2 its time is charged to the L1 address space that ran VMRUN
 * (vmcb01's saved CR3), never to L2's roots. CR3-write exits seen in guest
 * mode that L1 did not ask for are counted (gs_nested_cr3_exits, debugfs).
 * On unload the probe removes the bits gsched set (or adopted from an
 * earlier load) from vmcb01, and from vmcb02 when L1 did not ask for them.
 * Sampling reads the guest CR3 from the VMCB save area after an exit.
 */
#include <asm/svm.h>
#include "compat/compat.h"
#include "gsched.h"

#define GS_VMCB_CLEAN_INTERCEPTS 0x1u /* VMCB clean bit 0 (svm.h:53) */

static inline struct gs_vcpu_svm *gs_to_svm(struct kvm_vcpu *kvcpu)
{
	return container_of(kvcpu, struct gs_vcpu_svm, vcpu);
}

static unsigned long *gs_cr_intercepts(struct vmcb *vmcb)
{
	return (unsigned long *)&vmcb->control.intercepts;
}

/* Byte offset of svm->nested.ctl.intercepts in struct vcpu_svm (layout.c). */
u32 gs_svm_nested_intercepts_off;
atomic64_t gs_nested_cr3_exits;

/* Did L1's hypervisor ask (in vmcb12) to intercept its guest's CR3 writes? */
static bool gs_l1_wants_cr3(struct gs_vcpu_svm *svm)
{
	const u32 *ic = (const u32 *)((const char *)svm + gs_svm_nested_intercepts_off);

	return ic[INTERCEPT_CR3_WRITE / 32] & BIT(INTERCEPT_CR3_WRITE % 32);
}

static void gs_vmcb_clear_cr3(struct vmcb *vmcb)
{
	if (test_bit(INTERCEPT_CR3_WRITE, gs_cr_intercepts(vmcb))) {
		__clear_bit(INTERCEPT_CR3_WRITE, gs_cr_intercepts(vmcb));
		vmcb->control.clean &= ~GS_VMCB_CLEAN_INTERCEPTS;
	}
}

/* kvm_entry probe, vCPU thread, IRQs off, just before VMRUN. */
void gs_svm_entry(struct gs_vcpu *v, struct kvm_vcpu *kvcpu)
{
	struct gs_vcpu_svm *svm = gs_to_svm(kvcpu);
	struct vmcb *vmcb01 = svm->vmcb01.ptr;
	bool nested = kvcpu->arch.hflags & HF_GUEST_MASK;
	bool armed = v->flags & GSCHED_VCPU_ARMED;
	bool set;

	if (gs_mode != GSCHED_MODE_EXACT || kvcpu->arch.guest_state_protected)
		return;
	/* vmcb02 carries our bit only through vmcb01: drop it there. */
	if (nested && armed && svm->vmcb != vmcb01 && !gs_l1_wants_cr3(svm))
		gs_vmcb_clear_cr3(svm->vmcb);
	set = test_bit(INTERCEPT_CR3_WRITE, gs_cr_intercepts(vmcb01));
	if (unlikely(READ_ONCE(gs_disarming))) {
		if (set && armed)
			gs_vmcb_clear_cr3(vmcb01);
		WRITE_ONCE(v->flags, v->flags & ~GSCHED_VCPU_ARMED);
		return;
	}
	if (nested)
		return; /* armed again in vmcb01 after the nested guest exits */
	if (set) {
		/* KVM sets it only for shadow paging. With NPT (a direct root
		 * while guest paging is on) it is left by an earlier gsched.ko
		 * that could not reach this vCPU at unload: adopt it. */
		if (!armed && kvcpu->arch.mmu &&
		    kvcpu->arch.mmu->root_role.direct &&
		    (kvcpu->arch.cr0 & X86_CR0_PG))
			WRITE_ONCE(v->flags, v->flags | GSCHED_VCPU_ARMED);
		return;
	}
	__set_bit(INTERCEPT_CR3_WRITE, gs_cr_intercepts(vmcb01));
	vmcb01->control.clean &= ~GS_VMCB_CLEAN_INTERCEPTS;
	WRITE_ONCE(v->flags, v->flags | GSCHED_VCPU_ARMED);
}

/* The L1 guest's own CR3 while the vCPU runs a nested guest: what the
 * hardware saved in vmcb01 at L1's VMRUN exit (KVM leaves it with NPT). */
static u64 gs_svm_l1_cr3(struct kvm_vcpu *kvcpu)
{
	return gs_to_svm(kvcpu)->vmcb01.ptr->save.cr3;
}

/* At VM entry, exact mode: the address space about to run (0: untracked). */
u64 gs_svm_cr3_entry(struct kvm_vcpu *kvcpu)
{
	if (kvcpu->arch.guest_state_protected)
		return 0; /* SEV-ES: no CR3 exits, arch.cr3 goes stale */
	if (kvcpu->arch.hflags & HF_GUEST_MASK)
		return gs_svm_l1_cr3(kvcpu);
	return kvcpu->arch.cr3;
}

/* kvm_exit probe: count the nested guest's CR3-write exits L1 did not ask
 * for (none, unless gsched's bit leaked into vmcb02). */
void gs_svm_exit(struct kvm_vcpu *kvcpu)
{
	struct gs_vcpu_svm *svm = gs_to_svm(kvcpu);

	if ((kvcpu->arch.hflags & HF_GUEST_MASK) &&
	    svm->vmcb->control.exit_code == SVM_EXIT_WRITE_CR3 && !gs_l1_wants_cr3(svm))
		atomic64_inc(&gs_nested_cr3_exits);
}

/* After a VM exit: the guest CR3 KVM saved in the VMCB (the L1 guest's
 * own while a nested guest runs; 0 for SEV-ES, whose save area is
 * encrypted). */
u64 gs_svm_cr3_exited(struct kvm_vcpu *kvcpu)
{
	if (kvcpu->arch.guest_state_protected)
		return 0;
	if (kvcpu->arch.hflags & HF_GUEST_MASK)
		return gs_svm_l1_cr3(kvcpu);
	return gs_to_svm(kvcpu)->vmcb->save.cr3;
}

/* Registers of a paused vCPU, from its VMCB save area (VMSAVE'd at exit). */
void gs_svm_regs(struct kvm_vcpu *kvcpu, struct gsched_vcpu_regs *r)
{
	struct vmcb *vmcb = gs_to_svm(kvcpu)->vmcb;

	if (kvcpu->arch.guest_state_protected)
		return; /* SEV-ES: the save area is encrypted */
	r->cr3 = vmcb->save.cr3;
	r->gs_base = vmcb->save.gs.base;
	r->kernel_gs_base = vmcb->save.kernel_gs_base;
	r->flags |= GSCHED_REGS_CR3_EXACT | GSCHED_REGS_SEGS;
}

/*
 * Guest calls (gcall.c): could the guest take an interrupt where this
 * parked vCPU stands? 64-bit kernel mode, interrupts on, no interrupt
 * shadow, no event being delivered or pending, not running a nested guest.
 * Read from its VMCB and KVM's event state while it is parked.
 */
bool gs_svm_callable(struct kvm_vcpu *kvcpu)
{
	struct vmcb *vmcb = gs_to_svm(kvcpu)->vmcb;

	if (kvcpu->arch.guest_state_protected || (kvcpu->arch.hflags & HF_GUEST_MASK))
		return false;
	if (!(kvcpu->arch.efer & EFER_LMA) || vmcb->save.cpl != 0)
		return false;
	if (!(vmcb->save.rflags & X86_EFLAGS_IF) ||
	    (vmcb->control.int_state & SVM_INTERRUPT_SHADOW_MASK))
		return false;
	return !gs_vcpu_event_pending(kvcpu);
}

/* kvm_exit probe: a HLT exit at rip, with rsp, interrupts off (the
 * return of a guest call; the guest's own HLTs run with interrupts on). */
bool gs_svm_hlt_at(struct kvm_vcpu *kvcpu, u64 rip, u64 rsp, u64 *rax)
{
	struct vmcb *vmcb = gs_to_svm(kvcpu)->vmcb;

	if (kvcpu->arch.guest_state_protected || vmcb->control.exit_code != SVM_EXIT_HLT)
		return false;
	if (vmcb->save.rip != rip || vmcb->save.rsp != rsp ||
	    (vmcb->save.rflags & X86_EFLAGS_IF))
		return false;
	*rax = vmcb->save.rax;
	return true;
}
