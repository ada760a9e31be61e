// SPDX-License-Identifier: GPL-2.0
/*
 * AMD SVM: exact tracking arms the guest CR3-write intercept so that every
 * guest address-space switch exits; KVM handles the exit itself (kvm_set_cr3
 * works with NPT). init_vmcb clears the bit on every vCPU INIT/RESET, so it is
 * re-armed from the kvm_entry probe, in vmcb01, never while the vCPU runs a
 * nested guest, never for SEV-ES guests (their state is encrypted). On unload
 * the probe removes the bits gsched set (or adopted from an earlier load).
 * Sampling reads the guest CR3 from
 * the VMCB save area after an exit.
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

/* kvm_entry probe, vCPU thread, IRQs off, just before VMRUN. */
void gs_svm_entry(struct gs_vcpu *v, struct kvm_vcpu *kvcpu)
{
	struct gs_vcpu_svm *svm = gs_to_svm(kvcpu);
	struct vmcb *vmcb01 = svm->vmcb01.ptr;
	bool set;

	if (gs_mode != GSCHED_MODE_EXACT || kvcpu->arch.guest_state_protected)
		return;
	set = test_bit(INTERCEPT_CR3_WRITE, gs_cr_intercepts(vmcb01));
	if (unlikely(READ_ONCE(gs_disarming))) {
		if (set && (v->flags & GSCHED_VCPU_ARMED)) {
			__clear_bit(INTERCEPT_CR3_WRITE, gs_cr_intercepts(vmcb01));
			svm->vmcb->control.clean &= ~GS_VMCB_CLEAN_INTERCEPTS;
		}
		WRITE_ONCE(v->flags, v->flags & ~GSCHED_VCPU_ARMED);
		return;
	}
	if (kvcpu->arch.hflags & HF_GUEST_MASK)
		return;
	if (set) {
		/* KVM sets it only for shadow paging. With NPT (a direct root
		 * while guest paging is on) it is left by an earlier gsched.ko
		 * that could not reach this vCPU at unload: adopt it. */
		if (!(v->flags & GSCHED_VCPU_ARMED) && kvcpu->arch.mmu &&
		    kvcpu->arch.mmu->root_role.direct &&
		    (kvcpu->arch.cr0 & X86_CR0_PG))
			WRITE_ONCE(v->flags, v->flags | GSCHED_VCPU_ARMED);
		return;
	}
	__set_bit(INTERCEPT_CR3_WRITE, gs_cr_intercepts(vmcb01));
	svm->vmcb->control.clean &= ~GS_VMCB_CLEAN_INTERCEPTS;
	WRITE_ONCE(v->flags, v->flags | GSCHED_VCPU_ARMED);
}

/* After a VM exit: the guest CR3 KVM saved in the VMCB. */
u64 gs_svm_cr3_exited(struct kvm_vcpu *kvcpu)
{
	return gs_to_svm(kvcpu)->vmcb->save.cr3;
}

/* Registers of a paused vCPU, from its VMCB save area (VMSAVE'd at exit). */
void gs_svm_regs(struct kvm_vcpu *kvcpu, struct gsched_vcpu_regs *r)
{
	struct vmcb *vmcb = gs_to_svm(kvcpu)->vmcb;

	r->cr3 = vmcb->save.cr3;
	r->gs_base = vmcb->save.gs.base;
	r->kernel_gs_base = vmcb->save.kernel_gs_base;
	r->flags |= GSCHED_REGS_CR3_EXACT | GSCHED_REGS_SEGS;
}
