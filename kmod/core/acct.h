/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU guest CPU-time accounting, as Monarch's VMM-side process time:
 * a guest interval opens at VM entry and closes at the VM exit or when the
 * host deschedules the vCPU thread, whichever comes first, and its length is
 * charged to the guest address space current in it. Time the host spends with
 * the vCPU thread preempted or in KVM is never charged. Freestanding.
 */
#ifndef GS_CORE_ACCT_H
#define GS_CORE_ACCT_H
#include "astab.h"

struct gs_vcpu_acct {
	u64 since;         /* start of the open guest interval */
	u64 root;          /* guest address space current on this vCPU (0: none yet) */
	u64 guest_ns;
	u64 entries;
	u64 switches;
	u64 preemptions;
	u32 vcpu_id;
	u8 in_guest;       /* an interval is open */
};

void gs_acct_init(struct gs_vcpu_acct *v, u32 vcpu_id);
/* VM entry at 'now'; 'root' is the guest root at entry, 0 if unknown. */
void gs_acct_entry(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now);
/*
 * The guest interval ends at 'now' (VM exit, or host deschedule when 'preempt');
 * 'root' is the guest root observed there (0 if unknown). In sampling mode the
 * whole interval goes to that root; in exact mode it equals the current one.
 */
void gs_acct_leave(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now,
		   bool preempt);

#endif
