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

static struct json_object *json_t(const struct lx_task *t)
{
	struct json_object *o = json_object_new_object();
	char st[2] = { t->state, 0 };

	json_object_object_add(o, "pid", json_object_new_int(t->pid));
	json_object_object_add(o, "tgid", json_object_new_int(t->tgid));
	json_object_object_add(o, "comm", json_object_new_string(t->comm));
	json_object_object_add(o, "state", json_object_new_string(st));
	json_object_object_add(o, "kthread", json_object_new_boolean(t->kthread));
	json_object_object_add(o, "prio", json_object_new_int(t->prio));
	return o;
}

int cmd_runqueue(struct cli *c, int argc, char **argv)
{
	struct rq_arg a = { 0 };
	struct isession s;
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

			json_object_object_add(q, "cpu", json_object_new_int(r->cpu));
			json_object_object_add(q, "nr_running", json_object_new_int((int)r->nr_running));
			json_object_object_add(q, "cfs_h_nr_running", json_object_new_int((int)r->cfs_h_nr));
			json_object_object_add(q, "rt_nr_running", json_object_new_int((int)r->rt_nr));
			json_object_object_add(q, "nr_switches", json_object_new_uint64(r->nr_switches));
			json_object_object_add(q, "idle", json_object_new_boolean(r->curr_is_idle));
			json_object_object_add(q, "curr", json_t(&r->curr));
			for (size_t k = 0; k < r->nqueued; k++) {
				struct json_object *e = json_t(&r->queued[k].task);

				json_object_object_add(e, "group_depth", json_object_new_int(r->queued[k].depth));
				json_object_object_add(e, "vruntime", json_object_new_uint64(r->queued[k].vruntime));
				if (s.g.off.has_deadline)
					json_object_object_add(e, "deadline", json_object_new_uint64(r->queued[k].deadline));
				json_object_array_add(arr, e);
			}
			json_object_object_add(q, "queued", arr);
			json_object_array_add(cpus, q);
		}
		json_object_object_add(o, "cpus", cpus);
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
