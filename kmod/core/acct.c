// SPDX-License-Identifier: GPL-2.0
/* Per-vCPU accounting state machine (see acct.h). */
#include "acct.h"

void gs_acct_init(struct gs_vcpu_acct *v, u32 vcpu_id)
{
	v->since = 0;
	v->root = 0;
	v->run_ns = 0;
	v->entries = 0;
	v->switches = 0;
	v->descheds = 0;
	v->vcpu_id = vcpu_id;
	v->open = 0;
}

static void gs_acct_switch(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root,
			   u64 now)
{
	struct gs_as *as;

	v->root = root;
	v->switches++;
	as = gs_astab_get(t, root, now);
	if (as) {
		as->switches++;
		as->last_seen = now;
		as->last_vcpu = v->vcpu_id;
	}
}

/* Charge the open interval's uncharged part to the current root. */
static void gs_acct_charge(struct gs_astab *t, struct gs_vcpu_acct *v, u64 now)
{
	u64 delta = now > v->since ? now - v->since : 0;
	struct gs_as *as;

	v->since = now;
	v->run_ns += delta;
	as = gs_astab_get(t, v->root, now);
	if (as) {
		as->cpu_ns += delta;
		as->last_seen = now;
		as->last_vcpu = v->vcpu_id;
	}
}

void gs_acct_entry(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now)
{
	v->entries++;
	if (!v->open) {
		v->open = 1;
		v->since = now;
	} else if (root && root != v->root) {
		/* Exact mode: the previous root ran until the exit that changed it;
		 * KVM's handling of that exit is charged to it too. */
		gs_acct_charge(t, v, now);
	}
	if (root && root != v->root)
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
		gs_acct_charge(t, v, now);
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
	v->open = 0;
}
