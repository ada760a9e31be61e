/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU guest CPU-time accounting, as Monarch's VMM-side process time:
 * the CPU time from when a guest page-table root is loaded until it changes
 * is charged to that address space, counting only time the vCPU thread really
 * ran on a host CPU. An interval opens at VM entry, is split at every
 * observed address-space change, and closes when the host deschedules the
 * vCPU thread (host preemption, a halted vCPU blocking). KVM's handling of the
 * vCPU's own exits is part of it, as the hypervisor's was in Monarch on Xen.
 * Freestanding (see types.h).
 */
#ifndef GS_CORE_ACCT_H
#define GS_CORE_ACCT_H
#include "astab.h"

struct gs_vcpu_acct {
	u64 since;         /* start of the open interval's uncharged part */
	u64 root;          /* guest address space current on this vCPU (0: none yet) */
	u64 run_ns;        /* CPU time charged from this vCPU */
	u64 entries;
	u64 switches;
	u64 descheds;      /* host deschedules that closed an interval */
	u32 vcpu_id;
	u8 open;           /* an interval is open: the vCPU thread is on a CPU */
};

void gs_acct_init(struct gs_vcpu_acct *v, u32 vcpu_id);
/* VM entry at 'now'; 'root' is the guest root at entry, 0 if unknown. */
void gs_acct_entry(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now);
/*
 * VM exit at 'now'; 'root' is the guest root observed there (sampling), 0 if
 * unknown (exact mode: it cannot have changed without an exit). Charges the
 * time so far and keeps the interval open: KVM handles the exit on the vCPU's
 * behalf.
 */
void gs_acct_exit(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now);
/* The host deschedules the vCPU thread at 'now': charge and close. */
void gs_acct_sched_out(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now);

#endif
