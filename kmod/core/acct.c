// SPDX-License-Identifier: GPL-2.0
/* Per-vCPU accounting state machine (see acct.h). */
#include "acct.h"

void gs_acct_init(struct gs_vcpu_acct *v, u32 vcpu_id)
{
	v->since = 0;
	v->root = 0;
	v->pending = 0;
	v->run_ns = 0;
	v->entries = 0;
	v->switches = 0;
	v->descheds = 0;
	v->vcpu_id = vcpu_id;
	v->slot = 0;
	v->open = 0;
}

/* The current root's entry, found through the slot it was put in when it
 * can (no hashing), made the most recently seen. */
static GS_HOT struct gs_as *gs_acct_current(struct gs_astab *t, struct gs_vcpu_acct *v, u64 now)
{
	struct gs_as *as = &t->slots[v->slot & (t->nslots - 1)];

	if (as->root != v->root)
		return gs_astab_get(t, v->root, now); /* moved, or evicted */
	gs_astab_touch(t, as);
	return as;
}

/* Move the pending time into the table (table locked); the root's entry. */
static GS_HOT struct gs_as *gs_acct_fold(struct gs_astab *t, struct gs_vcpu_acct *v, u64 now)
{
	struct gs_as *as;

	if (!v->root)
		return 0;
	as = gs_acct_current(t, v, now);
	if (as) {
		as->cpu_ns += v->pending;
		as->last_seen = now;
		as->last_vcpu = v->vcpu_id;
	}
	v->pending = 0;
	return as;
}

/* 'root' becomes current: the old one's time folded and no longer held. */
static GS_HOT void gs_acct_switch(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root,
				  u64 now)
{
	struct gs_as *as = gs_acct_fold(t, v, now);

	if (as && as->held)
		as->held--;
	v->root = root;
	v->switches++;
	as = gs_astab_get(t, root, now);
	if (as) {
		as->switches++;
		as->held++;
		as->last_seen = now;
		as->last_vcpu = v->vcpu_id;
		v->slot = (u32)(as - t->slots);
	}
}

void gs_acct_entry_switch(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now)
{
	v->entries++;
	if (!v->open) {
		v->open = 1;
		v->since = now;
	} else {
		/* Exact mode: the previous root ran until the exit that changed it;
		 * KVM's handling of that exit is charged to it too. */
		gs_acct_charge(v, now);
	}
	gs_acct_switch(t, v, root, now);
}

/* Sampling attributes the time since the last checkpoint to the root seen
 * now: switch first, then charge. */
static void gs_acct_checkpoint(struct gs_astab *t, struct gs_vcpu_acct *v,
			       u64 root, u64 now)
{
	if (root && root != v->root)
		gs_acct_switch(t, v, root, now);
	if (v->open)
		gs_acct_charge(v, now);
}

void gs_acct_exit(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now)
{
	gs_acct_checkpoint(t, v, root, now);
}

void gs_acct_sched_out(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now)
{
	if (v->open)
		v->descheds++;
	gs_acct_checkpoint(t, v, root, now);
	gs_acct_fold(t, v, now);
	v->open = 0;
}

u64 gs_acct_lend(struct gs_astab *t, const struct gs_vcpu_acct *v)
{
	/* 'pending' grows on the vCPU's thread meanwhile: read it once */
	u64 lent = *(const volatile u64 *)&v->pending;
	struct gs_as *as = v->root ? gs_astab_find(t, v->root) : 0;

	if (!as)
		return 0;
	as->cpu_ns += lent;
	return lent;
}

void gs_acct_unlend(struct gs_astab *t, const struct gs_vcpu_acct *v, u64 lent)
{
	struct gs_as *as = v->root && lent ? gs_astab_find(t, v->root) : 0;

	if (as)
		as->cpu_ns -= lent;
}
