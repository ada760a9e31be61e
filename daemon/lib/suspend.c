// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Suspending and resuming guest processes (suspend.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/jsonhex.h"
#include "lib/suspend.h"
#include "linux/cgroup.h"
#include "linux/freeze.h"
#include "linux/rqedit.h"

int gs_sus_mechanism(struct gs_sus *a, const char *name, char *err, size_t errlen)
{
	if (!strcmp(name, "trap") || !strcmp(name, "runqueue")) {
		a->runqueue = !strcmp(name, "runqueue");
		return 0;
	}
	snprintf(err, errlen, "--mechanism '%.32s': trap (the guest's freezer trap) or runqueue (Monarch's run-queue edits)",
		 name);
	return -1;
}

int gs_sus_target(struct gs_sus *a, const char *target, int thread, char *err, size_t errlen)
{
	char *end;

	a->target = target;
	a->thread = thread;
	errno = 0;
	a->pid = strtol(target, &end, 10);
	if (*end || errno || a->pid <= 0 || a->pid > INT32_MAX)
		a->pid = -1;
	a->cgroup = target[0] == '/';
	if (!target[0]) {
		snprintf(err, errlen, "empty target (give a guest pid, a command name or a cgroup path)");
		return -1;
	}
	if (a->cgroup && strlen(target) >= LX_CGROUP_PATH) {
		snprintf(err, errlen, "cgroup path longer than %d bytes", LX_CGROUP_PATH - 1);
		return -1;
	}
	if (thread && a->pid < 0) {
		snprintf(err, errlen, "--thread needs a pid, not '%.64s'", target);
		return -1;
	}
	return 0;
}

static int matches(const struct gs_sus *a, const struct lx_task *t)
{
	if (t->kthread)
		return 0;
	if (a->exact) {
		for (size_t i = 0; i < a->nexact; i++)
			if (a->exact[i].pid == t->pid && a->exact[i].va == t->va)
				return 1;
		return 0;
	}
	if (a->mode == GS_SUS_LIST || a->cgroup)
		return 1;             /* (a cgroup is looked at by in_cgroup) */
	/* a process: its leader's command name or pid; a thread: its own id */
	if (a->pid < 0)
		return !strcmp(t->comm, a->target);
	return a->thread ? t->pid == a->pid : t->tgid == a->pid;
}

/* Is the task in a->target's group or below? 1, 0, or an error (a task
 * whose group cannot be read is counted and left out, unless the read's
 * budget is spent or the profile cannot say). */
static int in_cgroup(struct lx_guest *g, struct gs_sus *a, const struct lx_task *t)
{
	char path[LX_CGROUP_PATH];
	int err = lx_cgroup_path(g, t->va, path, sizeof(path));

	if (err == LX_EMEM && g->walk_left > 0) {
		a->unreadable++;
		return 0;
	}
	return err ? err : lx_cgroup_under(path, a->target);
}

/* Put back what the resume undid when the wake-up could not be made. */
static int undo(struct lx_guest *g, const struct gs_sus_done *d, int rq)
{
	return rq ? lx_rq_unwake(g, d->t.va) : lx_freeze_retrap(g, d->t.va);
}

/* Resume one thread: clear its trap, and make the guest wake it if it sleeps
 * there; or, suspended by the run-queue mechanism, make the guest wake it
 * (its own enqueue). The wake-up that cannot be made now puts the trap or
 * the mark back (same pause: the guest never sees it clear), so a retry
 * finds it suspended. */
static int resume_one(struct lx_guest *g, struct gs_sus_done *d)
{
	struct vmi_call c;
	int wake = 0, rq = 0, r, err = lx_rq_is_suspended(g, d->t.va, &rq);

	if (!err && rq) {
		err = lx_rq_prepare_wake(g, d->t.va);
		wake = 1;
	} else if (!err) {
		err = lx_freeze_clear(g, d->t.va, &wake);
	}
	if (err || !wake)
		return err;
	err = lx_wake_call(g, d->t.va, &c);
	if (err) {
		undo(g, d, rq);
		return err;
	}
	r = vmi_call(g->mem, &c);
	g->mem->generation++; /* the guest wrote its memory */
	if (r == -ENODEV || r == -EBUSY || r == -ETIMEDOUT) {
		/* no vCPU where the guest could take an interrupt, one not
		 * parked yet, or a call still running (a wake-up that lands
		 * later finds the trap set: the task goes back to it) */
		snprintf(g->err, sizeof(g->err), "guest call: %s",
			 r == -ENODEV ? "no vCPU at a point where the guest could take an interrupt" :
			 strerror(-r));
		return undo(g, d, rq) ? LX_EMEM : LX_EBUSY;
	}
	if (r) {
		snprintf(g->err, sizeof(g->err), "guest call to wake_up_process: %s", strerror(-r));
		undo(g, d, rq);
		return LX_EMEM;
	}
	d->woken = 1;
	d->woke = c.ret[1];
	d->vcpu = c.vcpu;
	d->call_ns = c.wait_ns;
	return LX_OK;
}

/* Every thread is looked at for a list, an exact set or one thread by id. */
static int by_thread(const struct gs_sus *a)
{
	return a->mode == GS_SUS_LIST || a->exact || a->thread;
}

/* The threads a request looks at: with by_thread every thread; else the
 * threads of the processes whose leader matches (its pid, its command
 * name, its cgroup), found on the process list first, so that a cycle reads
 * the thread lists of its targets only. */
static int candidates(struct lx_guest *g, struct gs_sus *a, struct lx_task **t, size_t *n)
{
	struct lx_task *lead = NULL;
	size_t nl = 0;
	int err;

	if (by_thread(a))
		return lx_threads(g, t, n, LX_MAX_TASKS);
	err = lx_tasks(g, &lead, &nl, LX_MAX_TASKS);
	for (size_t i = 0; i < nl && !err; i++) {
		int in = matches(a, &lead[i]);

		if (in && a->cgroup)
			in = in_cgroup(g, a, &lead[i]);
		if (in < 0)
			err = in;
		else if (in)
			err = lx_threads_of(g, lead[i].va, t, n, LX_MAX_TASKS);
	}
	free(lead);
	return err;
}

int gs_sus_act(struct lx_guest *g, void *arg)
{
	struct gs_sus *a = arg;
	struct lx_rqoff rqo;
	struct lx_task *t = NULL;
	size_t n = 0;
	int err;

	a->unreadable = 0;
	err = candidates(g, a, &t, &n);

	free(a->done);
	a->done = NULL;
	a->n = 0;
	if (err)
		goto out;
	a->done = calloc(n ? n : 1, sizeof(*a->done));
	if (!a->done) {
		err = LX_EMEM;
		goto out;
	}
	/* first what matches, then the edits: a suspend is announced
	 * (a->before: gschedd's journal) before any trap is set */
	for (size_t i = 0; i < n && !err; i++) {
		struct lx_freeze fr;

		if (by_thread(a) && !matches(a, &t[i]))
			continue;
		a->done[a->n].how = GS_HOW_TRAP;
		if (a->mode == GS_SUS_LIST) {
			int rq = 0;

			err = lx_freeze_read(g, t[i].va, &fr);
			if (!err && !fr.trapped)
				err = lx_rq_is_suspended(g, t[i].va, &rq);
			if (err || (!fr.trapped && !rq))
				continue;
			if (rq)
				a->done[a->n].how = GS_HOW_ASLEEP;
		}
		a->done[a->n].t = t[i];
		a->done[a->n++].vcpu = -1;
	}
	/* the run-queue mechanism's layout, once for all the threads (and its
	 * refusal, an EEVDF guest say, before anything is journaled) */
	if (!err && a->mode == GS_SUS_SUSPEND && a->runqueue && a->n)
		err = lx_rq_layout(g, &rqo);
	if (!err && a->mode == GS_SUS_SUSPEND && a->n && a->before &&
	    a->before(a->ctx, g, a->done, a->n))
		err = LX_EMEM;
	for (size_t i = 0; i < a->n && !err && a->mode != GS_SUS_LIST; i++) {
		struct gs_sus_done *d = &a->done[i];

		if (a->mode == GS_SUS_RESUME) {
			err = resume_one(g, d);
		} else if (a->runqueue) {
			enum lx_rq_how how = LX_RQ_ASLEEP;

			err = lx_rq_suspend(g, &rqo, d->t.va, &how);
			d->how = how == LX_RQ_DEQUEUED ? GS_HOW_DEQUEUED : GS_HOW_ASLEEP;
		} else {
			err = lx_freeze_set(g, d->t.va);
		}
	}
	if (!err && !a->n && a->mode != GS_SUS_LIST && !a->exact && a->cgroup) {
		snprintf(g->err, sizeof(g->err),
			 "no process in cgroup %.200s or below (kernel threads are never suspended; %zu process(es) whose cgroup could not be read)",
			 a->target, a->unreadable);
		err = LX_ENOENT;
	} else if (!err && !a->n && a->mode != GS_SUS_LIST && !a->exact) {
		snprintf(g->err, sizeof(g->err), "%s%s (kernel threads are never suspended)",
			 a->pid >= 0 && a->thread ? "thread " : a->pid >= 0 ? "pid " : "command ", a->target);
		err = LX_ENOENT;
	}
out:
	free(t);
	return err;
}

void gs_sus_free(struct gs_sus *a)
{
	free(a->done);
	a->done = NULL;
	a->n = 0;
}

struct json_object *json_lx_task(const struct lx_task *t)
{
	struct json_object *o = json_object_new_object();
	char st[2] = { t->state, 0 };

	json_object_object_add(o, "pid", json_object_new_int(t->pid));
	json_object_object_add(o, "tgid", json_object_new_int(t->tgid));
	json_object_object_add(o, "comm", json_object_new_string(t->comm));
	json_object_object_add(o, "state", json_object_new_string(st));
	json_object_object_add(o, "kthread", json_object_new_boolean(t->kthread));
	json_object_object_add(o, "prio", json_object_new_int(t->prio));
	json_object_object_add(o, "root", t->root ? gs_json_hex(t->root) : NULL);
	return o;
}

struct json_object *gs_sus_json(const struct gs_sus *a)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < a->n; i++) {
		const struct gs_sus_done *d = &a->done[i];
		struct json_object *e = json_lx_task(&d->t);

		if (a->mode != GS_SUS_RESUME) {
			json_object_object_add(e, "mechanism",
					       json_object_new_string(d->how == GS_HOW_TRAP ? "trap" : "runqueue"));
			if (a->mode == GS_SUS_SUSPEND && d->how != GS_HOW_TRAP)
				json_object_object_add(e, "how", json_object_new_string(
					d->how == GS_HOW_DEQUEUED ? "dequeued" : "asleep"));
		}
		if (a->mode == GS_SUS_RESUME) {
			json_object_object_add(e, "woken", json_object_new_boolean(d->woken));
			if (d->woken) {
				json_object_object_add(e, "wake_up_process", json_object_new_uint64(d->woke));
				json_object_object_add(e, "vcpu", json_object_new_int(d->vcpu));
				json_object_object_add(e, "call_ns", json_object_new_uint64(d->call_ns));
			}
		}
		json_object_array_add(arr, e);
	}
	return arr;
}
