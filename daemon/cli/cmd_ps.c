// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl ps VM: the guest's processes read from outside (no agent in the
 * guest), each bound by mm->pgd to the address space gsched.ko tracks and
 * shown with the CPU time the host measured for it, less what earlier
 * owners of the same root used when gschedd keeps their history
 * (lib/owners.h). Kernel threads are shown as [name], as ps does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/introspect.h"
#include "lib/ctl.h"
#include "lib/owners_json.h"

static const char usage[] = "ps VM | ps --image FILE  [--profile FILE|DIR] [--json]";

struct ps_arg {
	struct lx_task *t;
	size_t n;
};

static int read_ps(struct lx_guest *g, void *arg)
{
	struct ps_arg *a = arg;

	free(a->t);
	a->t = NULL;
	a->n = 0;
	return lx_tasks(g, &a->t, &a->n, LX_MAX_TASKS);
}

/* gschedd's history of the VM's root owners, if a gschedd answers: 1 (in
 * *h), 0 (none runs), -1 (it failed: said on stderr). */
static int fetch_history(struct cli *c, const struct gs_session *s, struct gs_owners *h)
{
	struct json_object *req = json_object_new_object(), *out = NULL, *ok;
	char err[1024], vm[32];
	int r;

	snprintf(vm, sizeof(vm), "%u", s->vm.vm_id);
	json_object_object_add(req, "cmd", json_object_new_string("owners"));
	json_object_object_add(req, "vm", json_object_new_string(vm));
	r = gs_ctl_call(gs_ctl_path(), req, &out, err, sizeof(err));
	json_object_put(req);
	if (r == -ENOENT || r == -ECONNREFUSED)
		return 0;
	if (!r && !(json_object_object_get_ex(out, "ok", &ok) && json_object_get_boolean(ok))) {
		snprintf(err, sizeof(err), "%s", json_object_get_string(json_object_object_get(out, "error")));
		r = -1;
	}
	if (!r)
		r = gs_owners_from_json(out, h, err, sizeof(err));
	json_object_put(out);
	if (r) {
		fprintf(stderr, "%s: gschedd's history of address-space owners: %s (host times without it)\n",
			c->prog, err);
		return -1;
	}
	return 1;
}

/* Each process's host CPU time (its root's, less earlier owners' by the
 * history) and basis; found[i] 0 where the module has no such root. */
static void host_times(const struct lx_task *t, size_t n, const struct gsched_space_info *ti, size_t nti,
		       const struct gs_owners *h, unsigned long long *ns, unsigned long long *root_ns,
		       enum gs_own_basis *basis, int *found)
{
	struct gs_own_proc *p = calloc(n + 1, sizeof(*p));
	int pti;

	if (!p) {
		memset(found, 0, n * sizeof(*found));
		return;
	}
	gs_own_procs(t, n, p);
	pti = gs_own_pti(p, n);
	for (size_t i = 0; i < n; i++) {
		root_ns[i] = gs_own_root_ns(ti, nti, p[i].root, pti, &found[i]);
		ns[i] = gs_owners_cpu(h, &p[i], root_ns[i], &basis[i]);
	}
	free(p);
}

static const char *policy_name(uint32_t p)
{
	static const char *const n[] = { "TS", "FF", "RR", "B", "ISO", "IDL", "DLN" };

	return p < 7 ? n[p] : "?";
}

int cmd_ps(struct cli *c, int argc, char **argv)
{
	struct ps_arg a = { 0 };
	struct gs_session s;
	struct gsched_space_info *ti = NULL;
	struct gs_owners h = { 0 };
	unsigned long long *ns = NULL, *root_ns = NULL;
	enum gs_own_basis *basis = NULL;
	int *found = NULL, hist = 0;
	size_t nti = 0;
	int ret = introspect_open(c, argc, argv, usage, &s);

	if (ret)
		goto out;
	ret = introspect_run(c, &s, read_ps, &a);
	if (ret)
		goto out;
	if (s.vm.vm_id && gsched_list_spaces(&c->g, s.vm.vm_id, &ti, &nti, NULL))
		nti = 0;
	if (s.vm.vm_id)
		hist = fetch_history(c, &s, &h) == 1;
	ns = calloc(a.n + 1, sizeof(*ns));
	root_ns = calloc(a.n + 1, sizeof(*root_ns));
	basis = calloc(a.n + 1, sizeof(*basis));
	found = calloc(a.n + 1, sizeof(*found));
	if (!ns || !root_ns || !basis || !found) {
		fprintf(stderr, "%s: out of memory\n", c->prog);
		ret = 1;
		goto out;
	}
	host_times(a.t, a.n, ti, nti, &h, ns, root_ns, basis, found);
	if (c->json) {
		struct json_object *o = introspect_json(&s), *arr = json_object_new_array();

		for (size_t i = 0; i < a.n; i++) {
			struct lx_task *t = &a.t[i];
			struct json_object *p = json_lx_task(t);

			J_ADD(p, "on_rq", json_object_new_int(t->on_rq));
			J_ADD(p, "on_cpu", json_object_new_int(t->on_cpu));
			J_ADD(p, "cpu", json_object_new_int((int)t->cpu));
			J_ADD(p, "policy", json_object_new_string(policy_name(t->policy)));
			J_ADD(p, "guest_cpu_ns", json_object_new_uint64(t->utime_ns + t->stime_ns));
			J_ADD(p, "guest_sum_exec_ns", json_object_new_uint64(t->sum_exec_ns));
			J_ADD(p, "start_ns", json_object_new_uint64(t->start_ns));
			J_ADD(p, "host_cpu_ns", found[i] ? json_object_new_uint64(ns[i]) : NULL);
			J_ADD(p, "host_cpu_root_ns", found[i] ? json_object_new_uint64(root_ns[i]) : NULL);
			J_ADD(p, "host_cpu_basis", found[i] ? json_object_new_string(gs_own_basis_name(basis[i])) : NULL);
			json_object_array_add(arr, p);
		}
		json_object_object_add(o, "processes", arr);
		json_object_object_add(o, "owner_history", json_object_new_boolean(hist));
		cli_print_json(o);
	} else {
		static const char *const hdr[] = { "PID", "TGID", "S", "RQ", "CPU", "PRI", "CLS", "ROOT",
						   "GUEST-CPU(s)", "HOST-CPU(s)", "COMM" };
		struct table *tb = table_new(hdr, 11);

		for (size_t i = 0; i < a.n; i++) {
			struct lx_task *t = &a.t[i];
			char pid[16], tgid[16], st[2] = { t->state, 0 }, rq[4], cpu[16], pri[16], root[32],
			     gc[32], hc[32], comm[GS_ESCAPED_SIZE(15) + 2];
			snprintf(pid, sizeof(pid), "%d", t->pid);
			snprintf(tgid, sizeof(tgid), "%d", t->tgid);
			snprintf(rq, sizeof(rq), "%s", t->on_rq ? "y" : "-");
			snprintf(cpu, sizeof(cpu), "%u", t->cpu);
			snprintf(pri, sizeof(pri), "%d", t->prio);
			snprintf(root, sizeof(root), t->root ? "0x%llx" : "-", (unsigned long long)t->root);
			snprintf(gc, sizeof(gc), "%.2f", (t->utime_ns + t->stime_ns) / 1e9);
			if (found[i])
				snprintf(hc, sizeof(hc), "%.2f%s", ns[i] / 1e9,
					 basis[i] == GS_OWN_TAKEN || basis[i] == GS_OWN_INHERITED ? "~" : "");
			else
				snprintf(hc, sizeof(hc), "-");
			snprintf(comm, sizeof(comm), t->kthread ? "[%s]" : "%s", t->comm);
			table_row(tb, pid, tgid, st, rq, cpu, pri, policy_name(t->policy), root, gc, hc, comm);
		}
		table_print(tb);
		fprintf(stderr, "%zu processes; kernel %s; read in %d tr%s, VM paused %.2f ms\n", a.n,
			s.g.banner, s.tries, s.tries == 1 ? "y" : "ies", s.pause_ns / 1e6);
		if (s.vm.vm_id)
			fprintf(stderr, hist ? "HOST-CPU: less earlier owners' time, by gschedd's history of the VM's "
					       "address spaces (~: split by the guest's own time, or owned before the history began)\n"
					     : "HOST-CPU: all the address space got since gsched.ko first saw it, earlier "
					       "processes' too (no gschedd keeps its history)\n");
	}
out:
	free(ns);
	free(root_ns);
	free(basis);
	free(found);
	gs_owners_free(&h);
	free(a.t);
	free(ti);
	introspect_close(&s);
	return ret;
}
