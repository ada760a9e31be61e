// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedd's periodic observation of every VM gsched.ko tracks (gschedd.h):
 * its session opened as the VM appears, its process list read under one
 * short pause (one try: a guest holding a lock waits for the next period)
 * with the module's per-root times just after, into the VM's history of
 * root owners (lib/owners.h). */
#include <stdlib.h>
#include <string.h>
#include "gschedd/gschedd.h"
#include "lib/clock.h"

struct procs {
	struct lx_task *t;
	size_t n;
};

static int read_procs(struct lx_guest *g, void *arg)
{
	struct procs *a = arg;

	free(a->t);
	a->t = NULL;
	a->n = 0;
	return lx_tasks(g, &a->t, &a->n, LX_MAX_TASKS);
}

static void observe(struct gd *d, struct gd_vm *v)
{
	struct gsched_space_info *ti = NULL;
	struct procs a = { 0 };
	struct gs_own_proc *p = NULL;
	size_t nti = 0;
	int r;

	v->s.one_try = 1;
	r = gs_session_run(&v->s, read_procs, &a);
	v->s.one_try = 0;
	if (r) {
		v->obs_failed++;
		if (!v->s.busy && v->obs_failed == 1)
			gd_log(4, "VM %s: observing: %s (retrying every period, logged once)", v->name, v->s.err);
		goto out;
	}
	if (gsched_list_spaces(&d->dev, v->info.vm_id, &ti, &nti, NULL))
		goto out;
	p = calloc(a.n + 1, sizeof(*p));
	if (p) {
		gs_own_procs(a.t, a.n, p);
		if (!gs_owners_observe(&v->own, p, a.n, ti, nti))
			d->observations++;
	}
	v->obs_failed = 0;
out:
	free(p);
	free(ti);
	free(a.t);
}

void gd_observe_pass(struct gd *d)
{
	unsigned long long now = gs_mono_ns();
	char err[1200];

	if (!d->observe_ms || gd_vms_refresh(d))
		return;
	for (size_t i = 0; i < d->nvms; i++) {
		struct gd_vm *v = d->vms[i];

		if (now < v->next_obs_ns)
			continue;
		v->next_obs_ns = now + d->observe_ms * 1000000ULL;
		if (!v->open) {
			if (gd_vm_open(d, v, err, sizeof(err))) {
				if (!v->open_failed++)
					gd_log(4, "%s (not observed; retrying every period, logged once)", err);
				continue;
			}
			gd_log(6, "VM %s (VMM pid %d): observing every %u ms, kernel %.40s", v->name,
			       v->info.pid, d->observe_ms, v->s.g.banner);
		}
		observe(d, v);
	}
}
