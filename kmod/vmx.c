// SPDX-License-Identifier: GPL-2.0
/*
 * Intel VMX: sampling only. Forcing CR3-load exiting under EPT with
 * unrestricted guest trips a WARN in KVM's handle_cr, so gsched never arms
 * it; it reads GUEST_CR3 from the current VMCS in the kvm_exit probe, which on
 * VMX runs inside vmx_vcpu_run with the vCPU's VMCS loaded and IRQs off.
 * Compile-tested only: the lab (QEMU TCG) emulates SVM, not VMX.
 */
#include <asm/vmx.h>
#include "gsched.h"

u64 gs_vmx_cr3_exited(void)
{
	unsigned long val;
	bool fail;

	asm volatile("vmread %[field], %[val]\n\tsetna %[fail]"
		     : [val] "=r"(val), [fail] "=qm"(fail)
		     : [field] "r"((unsigned long)GUEST_CR3)
		     : "cc");
	return fail ? 0 : val;
}
