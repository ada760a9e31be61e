// SPDX-License-Identifier: GPL-2.0
/* Per-vCPU accounting state machine (see acct.h). */
#include "acct.h"

void gs_acct_init(struct gs_vcpu_acct *v, u32 vcpu_id)
{
	v->since = 0;
	v->root = 0;
	v->guest_ns = 0;
	v->entries = 0;
	v->switches = 0;
	v->preemptions = 0;
	v->vcpu_id = vcpu_id;
	v->in_guest = 0;
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

static void gs_acct_close(struct gs_astab *t, struct gs_vcpu_acct *v, u64 now)
{
	u64 delta = now > v->since ? now - v->since : 0;
	struct gs_as *as;

	v->in_guest = 0;
	v->guest_ns += delta;
	as = gs_astab_get(t, v->root, now);
	if (as) {
		as->cpu_ns += delta;
		as->last_seen = now;
		as->last_vcpu = v->vcpu_id;
	}
}

void gs_acct_entry(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now)
{
	/* An interval still open means an exit we did not see (a fastpath
	 * re-entry): it ended no later than this entry. */
	if (v->in_guest)
		gs_acct_close(t, v, now);
	if (root && root != v->root)
		gs_acct_switch(t, v, root, now);
	v->since = now;
	v->in_guest = 1;
	v->entries++;
}

void gs_acct_leave(struct gs_astab *t, struct gs_vcpu_acct *v, u64 root, u64 now,
		   bool preempt)
{
	if (root && root != v->root)
		gs_acct_switch(t, v, root, now);
	if (!v->in_guest)
		return;
	if (preempt)
		v->preemptions++;
	gs_acct_close(t, v, now);
}
