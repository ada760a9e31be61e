// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Each guest CPU's run queue (Monarch §III-A): runqueues is a per-CPU
 * variable, found at __per_cpu_offset[cpu] + &runqueues. The rq lock is
 * checked first (held: LX_EBUSY). CFS tasks are read from the cfs_rq
 * red-black tree in order, descending into task-group entities (autogroup
 * puts every session in its own cfs_rq), bounded in depth and by one
 * budget for all CPUs and levels (lx_budget_take). Every cfs_rq is walked
 * once: a group entity that leads to a cfs_rq already seen (a cycle, or a
 * DAG that would make the walk exponential) is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux/guest.h"

#define MAX_GROUP_DEPTH 8
#define MAX_QUEUED 8192

int lx_read_task(struct lx_guest *g, uint64_t va, struct lx_task *t); /* tasks.c */

/* The cfs_rqs walked in one read: an open-addressing set of addresses. */
struct seen {
	uint64_t *slot;
	size_t cap, n;
};

/* 1 if 'a' was already in the set, 0 if added, -1 out of memory. */
static int seen_add(struct seen *s, uint64_t a)
{
	if (2 * (s->n + 1) > s->cap) {
		struct seen t = { .cap = s->cap ? 2 * s->cap : 64 };

		t.slot = calloc(t.cap, sizeof(*t.slot));
		if (!t.slot)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				seen_add(&t, s->slot[i]);
		free(s->slot);
		*s = t;
	}
	for (size_t i = (a * 0x9e3779b97f4a7c15ULL) >> 7;; i++) {
		uint64_t *e = &s->slot[i & (s->cap - 1)];

		if (*e == a)
			return 1;
		if (!*e) {
			*e = a;
			s->n++;
			return 0;
		}
	}
}

struct rqwalk {
	struct lx_guest *g;
	struct lx_rq *rq;
	struct seen *seen;
	size_t cap;
	int depth;
	int err;
};

static int walk_cfs(struct rqwalk *w, uint64_t cfs);

static int on_entity(struct vmi_ctx *c, uint64_t node, void *arg)
{
	struct rqwalk *w = arg;
	const struct lx_off *o = &w->g->off;
	uint64_t se = node - o->se_run_node, my_q, vr = 0, dl = 0;
	struct lx_rq_entry *e;

	(void)c;
	w->err = lx_budget_take(w->g, "run queue");
	if (w->err)
		return 1;
	if (lx_read(w->g, se + o->se_my_q, &my_q, 8)) {
		w->err = LX_EMEM;
		return 1;
	}
	if (my_q) { /* a task group's entity: its own cfs_rq */
		w->depth++;
		w->err = w->depth > MAX_GROUP_DEPTH ? LX_EMEM : walk_cfs(w, my_q);
		if (w->depth > MAX_GROUP_DEPTH)
			snprintf(w->g->err, sizeof(w->g->err), "task groups nested deeper than %d", MAX_GROUP_DEPTH);
		w->depth--;
		return w->err != 0;
	}
	if (w->rq->nqueued == MAX_QUEUED) {
		snprintf(w->g->err, sizeof(w->g->err), "more than %d queued tasks", MAX_QUEUED);
		w->err = LX_EMEM;
		return 1;
	}
	if (w->rq->nqueued == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 32;
		struct lx_rq_entry *v = realloc(w->rq->queued, cap * sizeof(*v));

		if (!v) {
			w->err = LX_EMEM;
			return 1;
		}
		w->rq->queued = v;
		w->cap = cap;
	}
	e = &w->rq->queued[w->rq->nqueued];
	memset(e, 0, sizeof(*e));
	if (lx_read(w->g, se + o->se_vruntime, &vr, 8) ||
	    (o->has_deadline && lx_read(w->g, se + o->se_deadline, &dl, 8))) {
		w->err = LX_EMEM;
		return 1;
	}
	w->err = lx_read_task(w->g, se - o->t_se, &e->task);
	if (w->err)
		return 1;
	e->depth = w->depth;
	e->vruntime = vr;
	e->deadline = dl;
	w->rq->nqueued++;
	return 0;
}

static int walk_cfs(struct rqwalk *w, uint64_t cfs)
{
	uint64_t root, where;
	long r;
	int again = seen_add(w->seen, cfs);

	if (again) {
		if (again > 0)
			snprintf(w->g->err, sizeof(w->g->err), "cfs_rq at 0x%llx reached twice: task-group run queues form a cycle or are shared",
				 (unsigned long long)cfs);
		return LX_EMEM;
	}
	if (lx_read(w->g, cfs + w->g->off.cfs_root, &root, 8)) {
		snprintf(w->g->err, sizeof(w->g->err), "cfs_rq at 0x%llx unreadable", (unsigned long long)cfs);
		return LX_EMEM;
	}
	r = vmi_rb_walk(&w->g->ctx, root, MAX_QUEUED, on_entity, w, &where);
	if (r == VMI_RB_STOPPED)
		return w->err;
	if (r < 0) {
		snprintf(w->g->err, sizeof(w->g->err), "cfs_rq 0x%llx: %s at 0x%llx", (unsigned long long)cfs,
			 vmi_rb_strerror((int)r), (unsigned long long)where);
		return LX_EMEM;
	}
	return LX_OK;
}

static int read_rq(struct lx_guest *g, int cpu, uint64_t pcpu_off_va, uint64_t rq_sym,
		   struct seen *seen, struct lx_rq *rq)
{
	const struct lx_off *o = &g->off;
	struct rqwalk w = { .g = g, .rq = rq, .seen = seen };
	uint64_t off, curr, idle;
	uint32_t lock;
	int err;

	memset(rq, 0, sizeof(*rq));
	rq->cpu = cpu;
	if (lx_read(g, pcpu_off_va + 8ULL * cpu, &off, 8)) {
		snprintf(g->err, sizeof(g->err), "__per_cpu_offset[%d] unreadable", cpu);
		return LX_EMEM;
	}
	rq->va = off + rq_sym;
	if (lx_read(g, rq->va + o->rq_lock, &lock, 4) ||
	    lx_read(g, rq->va + o->rq_nr_running, &rq->nr_running, 4) ||
	    lx_read(g, rq->va + o->rq_cfs + o->cfs_h_nr, &rq->cfs_h_nr, 4) ||
	    lx_read(g, rq->va + o->rq_rt_nr, &rq->rt_nr, 4) ||
	    lx_read(g, rq->va + o->rq_nr_switches, &rq->nr_switches, 8) ||
	    lx_read(g, rq->va + o->rq_curr, &curr, 8) || lx_read(g, rq->va + o->rq_idle, &idle, 8) ||
	    (o->has_min_vruntime &&
	     lx_read(g, rq->va + o->rq_cfs + o->cfs_min_vruntime, &rq->min_vruntime, 8))) {
		snprintf(g->err, sizeof(g->err), "run queue of CPU %d at 0x%llx unreadable", cpu,
			 (unsigned long long)rq->va);
		return LX_EMEM;
	}
	if (lock) {
		snprintf(g->err, sizeof(g->err), "run queue lock of CPU %d is held", cpu);
		return LX_EBUSY;
	}
	err = lx_budget_take(g, "run queue");
	if (err)
		return err;
	err = lx_read_task(g, curr, &rq->curr);
	if (err)
		return err;
	rq->curr_is_idle = curr == idle;
	return walk_cfs(&w, rq->va + o->rq_cfs);
}

void lx_runqueues_free(struct lx_rq *rq, size_t n)
{
	for (size_t i = 0; rq && i < n; i++)
		free(rq[i].queued);
	free(rq);
}

int lx_runqueues(struct lx_guest *g, struct lx_rq **out, size_t *n)
{
	uint64_t nr_va, pcpu_va, rq_sym;
	uint32_t nr;
	struct lx_rq *rq;
	struct seen seen = { 0 };
	int err = LX_OK;

	if (lx_symbol(g, "nr_cpu_ids", &nr_va) || lx_symbol(g, "__per_cpu_offset", &pcpu_va) ||
	    profile_symbol(g->prof, "runqueues", &rq_sym)) {
		snprintf(g->err, sizeof(g->err), "profile: needs nr_cpu_ids, __per_cpu_offset, runqueues");
		return LX_EPROFILE;
	}
	if (rq_sym >= LX_START_KERNEL_MAP) {
		snprintf(g->err, sizeof(g->err), "profile: runqueues is not a per-CPU symbol");
		return LX_EPROFILE;
	}
	if (lx_read(g, nr_va, &nr, 4) || nr == 0 || nr > LX_MAX_CPUS) {
		snprintf(g->err, sizeof(g->err), "nr_cpu_ids unreadable or absurd (%u)", nr);
		return LX_EMEM;
	}
	rq = calloc(nr, sizeof(*rq));
	if (!rq)
		return LX_EMEM;
	lx_budget_start(g);
	for (uint32_t c = 0; c < nr && !err; c++)
		err = read_rq(g, (int)c, pcpu_va, rq_sym, &seen, &rq[c]);
	free(seen.slot);
	if (err) {
		lx_runqueues_free(rq, nr);
		return err;
	}
	*out = rq;
	*n = nr;
	return LX_OK;
}
