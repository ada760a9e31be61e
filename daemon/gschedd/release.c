// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The release pass (gschedd.h): what gschedd must let go is resumed, VM by
 * VM, each VM's marked threads under one pause; the records of a VM that is
 * gone, or of a thread its guest no longer has, are forgotten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gschedd/gschedd.h"
#include "lib/suspend.h"

void gd_release_all(struct gd *d)
{
	for (size_t i = 0; i < d->j.n; i++)
		d->j.r[i].release = 1;
}

static void note(struct gd *d, const char *msg)
{
	/* a guest that stays busy would repeat the same line every pass */
	if (strcmp(d->last_release_err, msg)) {
		gd_log(4, "release: %s (retrying every second)", msg);
		snprintf(d->last_release_err, sizeof(d->last_release_err), "%.1050s", msg);
	}
}

static int marked(void *ctx, const struct gs_jrec *r)
{
	const struct gs_vm_key *k = ctx;

	return r->vm_pid == k->pid && r->vm_start == k->start && r->release;
}

/* One VM's marked records: resumed or forgotten; 0, or -1 if they stay. */
static int release_vm(struct gd *d, struct gs_vm_key k)
{
	struct gd_vm *v = gd_vm_by_vmm(d, k.pid, k.start);
	struct gs_sus_exact *ex = calloc(d->j.n + 1, sizeof(*ex));
	struct gs_sus a = { .mode = GS_SUS_RESUME };
	char err[1024], name[sizeof(d->j.r[0].vm)] = "";
	int ret = -1;
	long dropped;

	if (!ex)
		goto out;
	for (size_t i = 0; i < d->j.n; i++) {
		const struct gs_jrec *r = &d->j.r[i];

		if (!marked(&k, r))
			continue;
		snprintf(name, sizeof(name), "%s", r->vm);
		ex[a.nexact].pid = r->pid;
		ex[a.nexact++].va = r->task;
	}
	if (!v && k.start && gsched_proc_start(k.pid) == k.start) {
		/* its VMM runs, but gsched.ko does not list it (yet: a module
		 * loaded after the VM started sees it at its next vCPU entry) */
		snprintf(err, sizeof(err), "VM %.64s (VMM pid %d) is not tracked by gsched.ko", name, k.pid);
		note(d, err);
		goto out;
	}
	if (!v) {
		dropped = gs_journal_drop_if(&d->j, marked, &k, err, sizeof(err));
		if (dropped >= 0) {
			gd_log(5, "VM %s (VMM pid %d) is gone: %ld suspended thread(s) forgotten", name, k.pid,
			       dropped);
			d->forgotten += (unsigned long long)dropped;
			ret = 0;
		} else {
			note(d, err);
		}
		goto out;
	}
	if (gd_vm_open(d, v, err, sizeof(err))) {
		note(d, err);
		goto out;
	}
	a.exact = ex;
	if (gs_session_run(&v->s, gs_sus_act, &a)) {
		snprintf(err, sizeof(err), "VM %.64s: %.900s", v->name, v->s.err);
		note(d, err);
		goto out;
	}
	for (size_t i = 0; i < a.n; i++)
		gd_log(5, "VM %s: resumed pid %d (%s)%s", v->name, a.done[i].t.pid, a.done[i].t.comm,
		       a.done[i].woken ? ", woken by the guest" : "");
	if (a.n < a.nexact)
		gd_log(5, "VM %s: %zu suspended thread(s) gone from the guest: forgotten", v->name,
		       a.nexact - a.n);
	/* (the marks are what 'ex' was made of: nothing else ran meanwhile) */
	if (gs_journal_drop_if(&d->j, marked, &k, err, sizeof(err)) < 0) {
		note(d, err);
		goto out;
	}
	d->released += a.n;
	d->forgotten += a.nexact - a.n;
	ret = 0;
out:
	gs_sus_free(&a);
	free(ex);
	return ret;
}

static int vmm_alive(int32_t pid, uint64_t start)
{
	return start && gsched_proc_start(pid) == start;
}

static void vm_gone(void *ctx, const struct gs_jrec *r, long n)
{
	struct gd *d = ctx;

	gd_log(5, "VM %s (VMM pid %d) is gone: %ld suspended thread(s) forgotten", r->vm, r->vm_pid, n);
	d->forgotten += (unsigned long long)n;
}

void gd_forget_gone(struct gd *d)
{
	char err[512];

	if (gs_journal_drop_dead(&d->j, vmm_alive, vm_gone, d, err, sizeof(err)) < 0)
		note(d, err);
}

size_t gd_release_pass(struct gd *d)
{
	struct gs_vm_key *vm = calloc(d->j.n + 1, sizeof(*vm));
	size_t nvm = 0, left = 0;

	/* the VMs with marked records, each once */
	for (size_t i = 0; vm && i < d->j.n; i++) {
		struct gs_vm_key k = { d->j.r[i].vm_pid, d->j.r[i].vm_start };
		size_t m = 0;

		while (m < nvm && (vm[m].pid != k.pid || vm[m].start != k.start))
			m++;
		if (d->j.r[i].release && m == nvm)
			vm[nvm++] = k;
	}
	if (nvm)
		gd_vms_refresh(d);
	/* one VM at a time; a VM whose release fails keeps its marks */
	for (size_t m = 0; m < nvm; m++)
		release_vm(d, vm[m]);
	for (size_t i = 0; i < d->j.n; i++)
		left += !!d->j.r[i].release;
	if (!vm) {
		note(d, "out of memory");
		return left;
	}
	free(vm);
	if (!left)
		d->last_release_err[0] = 0;
	return left;
}
