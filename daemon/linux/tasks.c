// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The guest's process list (Monarch §III-A): the thread-group leaders on
 * init_task.tasks, each read from its task_struct, bound to its address
 * space by mm->pgd's physical address (what CR3 holds); and every thread of
 * them (each leader's signal->thread_head, through task_struct.thread_node:
 * the leader is on it too, as copy_signal() starts the list with it, on
 * 6.1 and 6.12), for acting on whole processes. Locks first: a
 * writer on tasklist_lock or a held pi_lock means the list or the task may
 * be half-updated, so the caller gets LX_EBUSY and retries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux/guest.h"

#define PF_KTHREAD 0x00200000u
#define TASK_BLOCK_MAX 16384

char lx_state_letter(uint32_t state, uint32_t exit_state)
{
	static const char letters[] = "RSDTtXZPI";
	uint32_t s = (state | exit_state) & 0x7f; /* TASK_REPORT */
	int idx;

	if ((state & 0x402) == 0x402) /* TASK_IDLE */
		s = 0x80;
	if (state == 0x1000)          /* TASK_RTLOCK_WAIT shows as D */
		s = 0x2;
	idx = s ? 32 - __builtin_clz(s) : 0;
	return idx < 9 ? letters[idx] : '?';
}

static uint64_t task_block(const struct lx_off *o)
{
	uint64_t m = 0;
	const uint64_t f[] = { o->t_state, o->t_exit_state, o->t_flags, o->t_pid, o->t_tgid,
			       o->t_comm + 8, o->t_mm, o->t_on_rq, o->t_on_cpu, o->t_cpu,
			       o->t_prio, o->t_static_prio, o->t_policy, o->t_pi_lock,
			       o->t_utime, o->t_stime, o->t_se + o->se_sum_exec, o->t_start_time };

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i] > m)
			m = f[i];
	return m + 8;
}

/* A member of the block, by copy: a profile's offsets are not trusted to
 * be aligned (fuzz_profile's odd offsets made the plain loads misaligned). */
#define GET(T, off) ({ T v_; memcpy(&v_, b + (off), sizeof(v_)); v_; })

/* Read one task; LX_EBUSY if its pi_lock is held. */
int lx_read_task(struct lx_guest *g, uint64_t va, struct lx_task *t)
{
	const struct lx_off *o = &g->off;
	_Alignas(8) uint8_t b[TASK_BLOCK_MAX]; /* on the stack: reentrant */
	uint64_t len = task_block(o), pgd;
	int err;

	if (len > sizeof(b)) {
		snprintf(g->err, sizeof(g->err), "profile: task_struct members beyond %u bytes", TASK_BLOCK_MAX);
		return LX_EPROFILE;
	}
	memset(t, 0, sizeof(*t));
	t->va = va;
	err = lx_read(g, va, b, len);
	if (err) {
		snprintf(g->err, sizeof(g->err), "task_struct at 0x%llx unreadable: %s",
			 (unsigned long long)va, lx_strerror(err));
		return LX_EMEM;
	}
	if (GET(uint32_t, o->t_pi_lock)) {
		snprintf(g->err, sizeof(g->err), "pi_lock of task at 0x%llx is held",
			 (unsigned long long)va);
		return LX_EBUSY;
	}
	t->pid = GET(int32_t, o->t_pid);
	t->tgid = GET(int32_t, o->t_tgid);
	gs_escape(t->comm, sizeof(t->comm), b + o->t_comm, 15); /* guest bytes */
	t->raw_state = GET(uint32_t, o->t_state);
	t->exit_state = GET(uint32_t, o->t_exit_state);
	t->state = lx_state_letter(t->raw_state, t->exit_state);
	t->flags = GET(uint32_t, o->t_flags);
	t->on_rq = GET(int32_t, o->t_on_rq);
	t->on_cpu = GET(int32_t, o->t_on_cpu);
	t->cpu = GET(uint32_t, o->t_cpu);
	t->prio = GET(int32_t, o->t_prio);
	t->static_prio = GET(int32_t, o->t_static_prio);
	t->policy = GET(uint32_t, o->t_policy);
	t->mm = GET(uint64_t, o->t_mm);
	t->utime_ns = GET(uint64_t, o->t_utime);
	t->stime_ns = GET(uint64_t, o->t_stime);
	t->sum_exec_ns = GET(uint64_t, o->t_se + o->se_sum_exec);
	t->start_ns = o->has_start ? GET(uint64_t, o->t_start_time) : 0;
	t->kthread = !!(t->flags & PF_KTHREAD);
	if (t->mm && !t->kthread) {
		uint64_t pa;

		if (lx_read(g, t->mm + o->mm_pgd, &pgd, 8) || lx_pa(g, pgd, &pa)) {
			snprintf(g->err, sizeof(g->err), "pid %d: mm 0x%llx or its pgd unreadable",
				 t->pid, (unsigned long long)t->mm);
			return LX_EMEM;
		}
		t->root = pa & 0x000ffffffffff000ULL;
	}
	return LX_OK;
}

struct walk {
	struct lx_guest *g;
	struct lx_task *v;
	size_t n, cap, max;
	int threads;               /* each leader's threads instead of the leader */
	int err;
};

static int on_thread(struct vmi_ctx *c, uint64_t node, void *arg);

/* A leader's threads (with it), appended to w. */
static int add_threads(struct walk *w, uint64_t leader)
{
	struct lx_guest *g = w->g;
	uint64_t sig, where;
	long r;

	if (lx_read(g, leader + g->off.t_signal, &sig, 8) || sig < LX_START_KERNEL_MAP >> 1) {
		snprintf(g->err, sizeof(g->err), "task 0x%llx: signal_struct unreadable",
			 (unsigned long long)leader);
		return LX_EMEM;
	}
	r = vmi_list_walk(&g->ctx, sig + g->off.sig_thread_head, (long)(w->max - w->n), 1, on_thread, w,
			  &where);
	if (r == VMI_LIST_STOPPED)
		return w->err;
	if (r < 0) {
		snprintf(g->err, sizeof(g->err), "threads of task 0x%llx (signal->thread_head): %s at 0x%llx",
			 (unsigned long long)leader, vmi_list_strerror((int)r), (unsigned long long)where);
		return LX_EMEM;
	}
	return LX_OK;
}

/* Room for one more task in w; 0 or LX_EMEM. */
static int grow(struct walk *w)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		struct lx_task *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return LX_EMEM;
		w->v = v;
		w->cap = cap;
	}
	return LX_OK;
}

static int on_thread(struct vmi_ctx *c, uint64_t node, void *arg)
{
	struct walk *w = arg;

	(void)c;
	w->err = lx_budget_take(w->g, "thread lists");
	if (!w->err)
		w->err = grow(w);
	if (!w->err)
		w->err = lx_read_task(w->g, node - w->g->off.t_thread_node, &w->v[w->n]);
	if (w->err)
		return 1;
	w->n++;
	return 0;
}

static int on_task(struct vmi_ctx *c, uint64_t node, void *arg)
{
	struct walk *w = arg;

	(void)c;
	w->err = lx_budget_take(w->g, "task list");
	if (!w->err && w->threads)
		w->err = add_threads(w, node - w->g->off.t_tasks);
	else if (!w->err && !(w->err = grow(w)))
		w->err = lx_read_task(w->g, node - w->g->off.t_tasks, &w->v[w->n++]);
	return !!w->err;
}

static int walk_tasks(struct lx_guest *g, struct lx_task **out, size_t *n, size_t max, int threads)
{
	struct walk w = { .g = g, .threads = threads };
	uint64_t lock, where;
	uint32_t cnts;
	long r;

	if (max > LX_MAX_TASKS)
		max = LX_MAX_TASKS;
	w.max = max;
	lx_budget_start(g);
	if (!lx_symbol(g, "tasklist_lock", &lock) && !lx_read(g, lock, &cnts, 4) &&
	    (cnts & 0x1ff)) { /* _QW_LOCKED | _QW_WAITING */
		snprintf(g->err, sizeof(g->err), "tasklist_lock is write-locked");
		return LX_EBUSY;
	}
	r = vmi_list_walk(&g->ctx, g->init_task + g->off.t_tasks, (long)max, 1, on_task, &w, &where);
	if (r < 0) {
		free(w.v);
		if (r == VMI_LIST_STOPPED)
			return w.err;
		snprintf(g->err, sizeof(g->err), "task list (init_task.tasks): %s at 0x%llx (after %zu tasks)",
			 vmi_list_strerror((int)r), (unsigned long long)where, w.n);
		return LX_EMEM;
	}
	*out = w.v;
	*n = w.n;
	return LX_OK;
}

int lx_tasks(struct lx_guest *g, struct lx_task **out, size_t *n, size_t max)
{
	return walk_tasks(g, out, n, max, 0);
}

static int need_threads(struct lx_guest *g)
{
	return lx_need(g, g->off.has_threads, "task_struct.signal/thread_node or signal_struct.thread_head");
}

int lx_threads_of(struct lx_guest *g, uint64_t leader, struct lx_task **out, size_t *n, size_t max)
{
	struct walk w = { .g = g, .v = *out, .n = *n, .cap = *n, .max = max, .threads = 1 };
	int err = need_threads(g);

	if (!err && w.n >= w.max) {
		snprintf(g->err, sizeof(g->err), "more than %zu threads", max);
		err = LX_EMEM;
	}
	if (!err)
		err = add_threads(&w, leader);
	*out = w.v;
	*n = w.n;
	return err;
}

int lx_threads(struct lx_guest *g, struct lx_task **out, size_t *n, size_t max)
{
	int err = need_threads(g);

	return err ? err : walk_tasks(g, out, n, max, 1);
}
