/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-vCPU guest CPU-time accounting, as Monarch's VMM-side process time:
 * the CPU time from when a guest page-table root is loaded until it changes
 * is charged to that address space, counting only time the vCPU thread really
 * ran on a host CPU. An interval opens at VM entry, is split at every
 * observed address-space change, and closes when the host deschedules the
 * vCPU thread (host preemption, a halted vCPU blocking). KVM's handling of the
 * vCPU's own exits is part of it, as the hypervisor's was in Monarch on Xen.
 *
 * The hot path is per vCPU: time charged to the current root accumulates in
 * the vCPU's own 'pending' and is folded into the VM's shared table only
 * when the root changes or the thread is descheduled. The *_fast calls
 * touch nothing but the vCPU's state (no lock shared with other vCPUs) and
 * say when an event needs the table; readers lend each vCPU's pending time
 * to the table while they copy it. A root a vCPU holds is never evicted
 * (unless every entry is held). Freestanding (see types.h).
 */
#ifndef GS_CORE_ACCT_H
#define GS_CORE_ACCT_H
#include "astab.h"

struct gs_vcpu_acct {
	u64 since;         /* start of the open interval's uncharged part */
	u64 root;          /* guest address space current on this vCPU (0: none yet);
			    * changes only with the table locked */
	u64 pending;       /* CPU time of 'root' not yet in the table */
	u64 run_ns;        /* CPU time charged from this vCPU */
	u64 entries;
	u64 switches;
	u64 descheds;      /* host deschedules that closed an interval */
	u32 vcpu_id;
	u32 slot;          /* where 'root' was put in the table (checked before use:
			    * entries move when others are evicted) */
	u8 open;           /* an interval is open: the vCPU thread is on a CPU */
};

void gs_acct_init(struct gs_vcpu_acct *v, u32 vcpu_id);

/* Charge the open interval's uncharged part to the current root (pending). */
static inline void gs_acct_charge(struct gs_vcpu_acct *v, u64 now)
{
	u64 delta = now > v->since ? now - v->since : 0;

	v->since = now;
	v->run_ns += delta;
	if (v->root)
		v->pending += delta;
}

/* Lock-free, from the vCPU's own thread (inline: every VM entry and exit
 * calls them): true if the event is accounted; false (nothing changed) if
 * it needs the table: then call the full version below with the table
 * locked. */
static inline bool gs_acct_entry_fast(struct gs_vcpu_acct *v, u64 root, u64 now)
{
	if (root && root != v->root)
		return false;
	v->entries++;
	if (!v->open) {
		v->open = 1;
		v->since = now;
	}
	return true;
}

static inline bool gs_acct_exit_fast(struct gs_vcpu_acct *v, u64 root, u64 now)
{
	if (root && root != v->root)
		return false;
	if (v->open)
		gs_acct_charge(v, now);
	return true;
}

/* Full versions, table locked. */
/* VM entry at 'now' with another root than the current one (after
 * gs_acct_entry_fast said so). */
void gs_acct_entry_switch(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now);
/* VM entry at 'now'; 'root' is the guest root at entry, 0 if unknown. */
static inline void gs_acct_entry(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now)
{
	if (!gs_acct_entry_fast(v, root, now))
		gs_acct_entry_switch(t, v, root, now);
}
/*
 * VM exit at 'now'; 'root' is the guest root observed there (sampling), 0 if
 * unknown (exact mode: it cannot have changed without an exit). Charges the
 * time so far and keeps the interval open: KVM handles the exit on the vCPU's
 * behalf.
 */
void gs_acct_exit(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now);
/* The host deschedules the vCPU thread at 'now': charge, fold and close. */
void gs_acct_sched_out(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now);

/* Readers, table locked: count v's pending time into its root's entry for
 * the length of a copy (returns what was lent), then take it back. */
u64 gs_acct_lend(struct gs_astab *t, const struct gs_vcpu_acct *v);
void gs_acct_unlend(struct gs_astab *t, const struct gs_vcpu_acct *v, u64 lent);

#endif
