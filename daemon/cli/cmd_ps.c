// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl ps VM: the guest's processes read from outside (no agent in the
 * guest), each bound by mm->pgd to the address space gsched.ko tracks and
 * shown with the CPU time the host measured for it. Kernel threads are
 * shown as [name], as ps does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/introspect.h"

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

/* Host CPU time of the address space rooted at 'root' (and its PTI twin). */
static int host_cpu(const struct gsched_task_info *ti, size_t n, uint64_t root,
		    unsigned long long *ns)
{
	int found = 0;

	*ns = 0;
	for (size_t i = 0; root && i < n; i++)
		if (ti[i].root == root || ti[i].root == (root | 0x1000)) {
			*ns += ti[i].cpu_ns;
			found = 1;
		}
	return found;
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
	struct gsched_task_info *ti = NULL;
	size_t nti = 0;
	int ret = introspect_open(c, argc, argv, usage, &s);

	if (ret)
		goto out;
	ret = introspect_run(c, &s, read_ps, &a);
	if (ret)
		goto out;
	if (s.vm.vm_id && gsched_list_tasks(&c->g, s.vm.vm_id, &ti, &nti, NULL))
		nti = 0;
	if (c->json) {
		struct json_object *o = introspect_json(&s), *arr = json_object_new_array();

		for (size_t i = 0; i < a.n; i++) {
			struct lx_task *t = &a.t[i];
			struct json_object *p = json_lx_task(t);
			unsigned long long ns;

			J_ADD(p, "on_rq", json_object_new_int(t->on_rq));
			J_ADD(p, "on_cpu", json_object_new_int(t->on_cpu));
			J_ADD(p, "cpu", json_object_new_int((int)t->cpu));
			J_ADD(p, "policy", json_object_new_string(policy_name(t->policy)));
			J_ADD(p, "guest_cpu_ns", json_object_new_uint64(t->utime_ns + t->stime_ns));
			J_ADD(p, "guest_sum_exec_ns", json_object_new_uint64(t->sum_exec_ns));
			J_ADD(p, "host_cpu_ns", host_cpu(ti, nti, t->root, &ns) ? json_object_new_uint64(ns) : NULL);
			json_object_array_add(arr, p);
		}
		json_object_object_add(o, "processes", arr);
		cli_print_json(o);
	} else {
		static const char *const hdr[] = { "PID", "TGID", "S", "RQ", "CPU", "PRI", "CLS", "ROOT",
						   "GUEST-CPU(s)", "HOST-CPU(s)", "COMM" };
		struct table *tb = table_new(hdr, 11);

		for (size_t i = 0; i < a.n; i++) {
			struct lx_task *t = &a.t[i];
			char pid[16], tgid[16], st[2] = { t->state, 0 }, rq[4], cpu[16], pri[16], root[32],
			     gc[32], hc[32], comm[GS_ESCAPED_SIZE(15) + 2];
			unsigned long long ns;

			snprintf(pid, sizeof(pid), "%d", t->pid);
			snprintf(tgid, sizeof(tgid), "%d", t->tgid);
			snprintf(rq, sizeof(rq), "%s", t->on_rq ? "y" : "-");
			snprintf(cpu, sizeof(cpu), "%u", t->cpu);
			snprintf(pri, sizeof(pri), "%d", t->prio);
			snprintf(root, sizeof(root), t->root ? "0x%llx" : "-", (unsigned long long)t->root);
			snprintf(gc, sizeof(gc), "%.2f", (t->utime_ns + t->stime_ns) / 1e9);
			if (host_cpu(ti, nti, t->root, &ns))
				snprintf(hc, sizeof(hc), "%.2f", ns / 1e9);
			else
				snprintf(hc, sizeof(hc), "-");
			snprintf(comm, sizeof(comm), t->kthread ? "[%s]" : "%s", t->comm);
			table_row(tb, pid, tgid, st, rq, cpu, pri, policy_name(t->policy), root, gc, hc, comm);
		}
		table_print(tb);
		fprintf(stderr, "%zu processes; kernel %s; read in %d tr%s, VM paused %.2f ms\n", a.n,
			s.g.banner, s.tries, s.tries == 1 ? "y" : "ies", s.pause_ns / 1e6);
	}
out:
	free(a.t);
	free(ti);
	introspect_close(&s);
	return ret;
}
