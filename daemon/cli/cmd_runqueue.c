// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl runqueue VM: each guest CPU's run queue read from outside: the
 * task running now, then the CFS tasks waiting, in the order of the cfs_rq
 * tree (task groups expanded in place), with the queue's counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/introspect.h"

static const char usage[] = "runqueue VM | runqueue --image FILE  [--profile FILE|DIR] [--json]";

struct rq_arg {
	struct lx_rq *rq;
	size_t n;
};

static int read_rq(struct lx_guest *g, void *arg)
{
	struct rq_arg *a = arg;

	lx_runqueues_free(a->rq, a->n);
	a->rq = NULL;
	a->n = 0;
	return lx_runqueues(g, &a->rq, &a->n);
}

int cmd_runqueue(struct cli *c, int argc, char **argv)
{
	struct rq_arg a = { 0 };
	struct gs_session s;
	int ret = introspect_open(c, argc, argv, usage, &s);

	if (ret)
		goto out;
	ret = introspect_run(c, &s, read_rq, &a);
	if (ret)
		goto out;
	if (c->json) {
		struct json_object *o = introspect_json(&s), *cpus = json_object_new_array();

		for (size_t i = 0; i < a.n; i++) {
			struct lx_rq *r = &a.rq[i];
			struct json_object *q = json_object_new_object(), *arr = json_object_new_array();

			J_ADD(q, "cpu", json_object_new_int(r->cpu));
			J_ADD(q, "nr_running", json_object_new_int((int)r->nr_running));
			J_ADD(q, "cfs_h_nr_running", json_object_new_int((int)r->cfs_h_nr));
			J_ADD(q, "rt_nr_running", json_object_new_int((int)r->rt_nr));
			J_ADD(q, "nr_switches", json_object_new_uint64(r->nr_switches));
			J_ADD(q, "idle", json_object_new_boolean(r->curr_is_idle));
			J_ADD(q, "curr", json_lx_task(&r->curr));
			for (size_t k = 0; k < r->nqueued; k++) {
				struct json_object *e = json_lx_task(&r->queued[k].task);

				J_ADD(e, "group_depth", json_object_new_int(r->queued[k].depth));
				J_ADD(e, "vruntime", json_object_new_uint64(r->queued[k].vruntime));
				if (s.g.off.has_deadline)
					J_ADD(e, "deadline", json_object_new_uint64(r->queued[k].deadline));
				json_object_array_add(arr, e);
			}
			J_ADD(q, "queued", arr);
			json_object_array_add(cpus, q);
		}
		J_ADD(o, "cpus", cpus);
		cli_print_json(o);
	} else {
		for (size_t i = 0; i < a.n; i++) {
			struct lx_rq *r = &a.rq[i];
			static const char *const hdr[] = { "#", "PID", "S", "PRI", "GROUP", "VRUNTIME", "COMM" };
			struct table *tb = r->nqueued ? table_new(hdr, 7) : NULL;

			printf("cpu %d: nr_running %u (cfs %u, rt %u), switches %llu, running: %s%s%s (pid %d)\n",
			       r->cpu, r->nr_running, r->cfs_h_nr, r->rt_nr,
			       (unsigned long long)r->nr_switches, r->curr.kthread ? "[" : "",
			       r->curr.comm, r->curr.kthread ? "]" : "", r->curr.pid);
			for (size_t k = 0; k < r->nqueued; k++) {
				struct lx_task *t = &r->queued[k].task;
				char n[24], pid[16], st[2] = { t->state, 0 }, pri[16], grp[16], vr[32];

				snprintf(n, sizeof(n), "%zu", k + 1);
				snprintf(pid, sizeof(pid), "%d", t->pid);
				snprintf(pri, sizeof(pri), "%d", t->prio);
				snprintf(grp, sizeof(grp), "%d", r->queued[k].depth);
				snprintf(vr, sizeof(vr), "%llu", (unsigned long long)r->queued[k].vruntime);
				table_row(tb, n, pid, st, pri, grp, vr, t->comm);
			}
			if (tb)
				table_print(tb);
		}
	}
out:
	lx_runqueues_free(a.rq, a.n);
	introspect_close(&s);
	return ret;
}
