/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KVM internals of Debian 6.12 (6.12.95, bookworm-backports) that gsched
 * relies on: the same as 6.1's (kvm-6.1.h). Checked against 6.12.95 in the
 * lab: struct vcpu_svm still starts with vcpu, vmcb, vmcb01 (struct kvm_vcpu
 * is 6480 bytes there); kvm_entry, kvm_exit and sched_switch have the same
 * prototypes. When 6.12 and 6.1
 * diverge, copy kvm-6.1.h here and change what differs.
 */
#ifndef GS_COMPAT_KVM_612_H
#define GS_COMPAT_KVM_612_H
#include "kvm-6.1.h"

#undef GS_COMPAT_NAME
#define GS_COMPAT_NAME "6.12"

/* get_user_pages_remote lost its vmas argument in 6.5. */
#undef gs_gup_remote_one
#define gs_gup_remote_one(mm, addr, flags, pagep) \
	get_user_pages_remote(mm, addr, 1, flags, pagep, NULL)

#endif
