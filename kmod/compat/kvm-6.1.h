/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM internals of Debian 6.1 (6.1.192, bookworm) that gsched relies on
 * (6.12 includes this file: kvm-6.12.h).
 * arch/x86/kvm/svm/svm.h is not shipped in the headers: only the prefix of
 * struct vcpu_svm is declared here (svm.h:213-218 there); layout.c checks it
 * against kvm_amd's BTF. The tracepoint prototypes are those of
 * arch/x86/kvm/trace.h (kvm_entry gained force_immediate_exit in 6.1.y).
 */
#ifndef GS_COMPAT_KVM_H
#define GS_COMPAT_KVM_H
#include <linux/kvm_host.h>
#include <asm/svm.h>

#define GS_COMPAT_NAME "6.1"

struct gs_vcpu_svm {
	struct kvm_vcpu vcpu;
	struct vmcb *vmcb;              /* current VMCB (vmcb01 unless nested) */
	struct { struct vmcb *ptr; } vmcb01;
};

#define GS_TP_KVM_ENTRY_ARGS struct kvm_vcpu *vcpu, bool force_immediate_exit
#define GS_TP_KVM_ENTRY_BTF { "void *", "struct kvm_vcpu *", "bool" }
#define GS_TP_KVM_EXIT_ARGS struct kvm_vcpu *vcpu, u32 isa
#define GS_TP_KVM_EXIT_BTF { "void *", "struct kvm_vcpu *", "u32" }
#define GS_TP_SCHED_SWITCH_ARGS bool preempt, struct task_struct *prev, \
	struct task_struct *next, unsigned int prev_state
#define GS_TP_SCHED_SWITCH_BTF { "void *", "bool", "struct task_struct *", \
	"struct task_struct *", "unsigned int" }

/* Guest calls (gcall.c). Exported on 6.1 and 6.12 but declared only in
 * arch/x86/kvm/x86.h, which the headers do not ship; its struct
 * x86_exception (kvm_emulate.h) is private too: a buffer of at least its
 * size stands in for it (layout.c checks the size). */
struct gs_x86_exception { u64 words[8]; };
int kvm_write_guest_virt_system(struct kvm_vcpu *vcpu, gva_t addr, void *val,
				unsigned int bytes, struct x86_exception *exception);

/* An event KVM is delivering or will deliver at the next entry. */
static inline bool gs_vcpu_event_pending(struct kvm_vcpu *v)
{
	return v->arch.exception.pending || v->arch.exception.injected ||
	       v->arch.exception_vmexit.pending || v->arch.interrupt.injected ||
	       v->arch.nmi_injected;
}

/* One page of another process (the VMM) for guest memory access: 6.1's
 * get_user_pages_remote still takes a vmas argument (mm/gup.c). */
#define gs_gup_remote_one(mm, addr, flags, pagep) \
	get_user_pages_remote(mm, addr, 1, flags, pagep, NULL, NULL)

#endif
