// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The requests gschedd serves on its control socket (lib/ctl.h): suspend and
 * resume (journaled), suspended (what the guest has in the trap, with since
 * when and by whom), status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gschedd/gschedd.h"
#include "lib/suspend.h"

struct before_ctx {
	struct gd *d;
	struct gd_vm *v;
	uid_t uid;
	pid_t pid;
	struct gs_jrec *recs;      /* what this request journaled */
	size_t n;
};

static void fill(struct gs_jrec *r, const struct gd_vm *v, const struct lx_task *t)
{
	memset(r, 0, sizeof(*r));
	r->vm_pid = v->info.pid;
	r->vm_start = v->start;
	snprintf(r->vm, sizeof(r->vm), "%s", v->name);
	r->pid = t->pid;
	r->tgid = t->tgid;
	r->task = t->va;
	snprintf(r->comm, sizeof(r->comm), "%s", t->comm);
}

/* Under the pause, before any trap is set: journal the threads (fsync'd). */
static int journal_before(void *ctx, struct lx_guest *g, const struct gs_sus_done *done, size_t n)
{
	struct before_ctx *b = ctx;
	struct gs_jrec *r = calloc(n, sizeof(*r));

	if (!r) {
		snprintf(g->err, sizeof(g->err), "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		fill(&r[i], b->v, &done[i].t);
		r[i].since = time(NULL);
		r[i].by_uid = b->uid;
		r[i].by_pid = b->pid;
	}
	if (gs_journal_add(&b->d->j, r, n, g->err, sizeof(g->err))) {
		free(r);
		return -1;
	}
	free(b->recs);
	b->recs = r;
	b->n = n;
	return 0;
}

static struct json_object *error(const char *msg, int busy)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(0));
	json_object_object_add(o, "error", json_object_new_string(msg));
	json_object_object_add(o, "busy", json_object_new_boolean(busy));
	return o;
}

static const char *str_arg(struct json_object *req, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(req, k, &v) && json_object_is_type(v, json_type_string) ?
	       json_object_get_string(v) : NULL;
}

static struct json_object *vm_json(const struct gd_vm *v)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "id", json_object_new_int64(v->info.vm_id));
	json_object_object_add(o, "pid", json_object_new_int64(v->info.pid));
	json_object_object_add(o, "name", json_object_new_string(v->name));
	if (v->open) {
		json_object_object_add(o, "profile", json_object_new_string(profile_path(v->s.prof)));
		json_object_object_add(o, "banner", json_object_new_string(v->s.g.banner));
	}
	return o;
}

static struct json_object *ok_reply(const char *action, struct gd_vm *v, struct gs_sus *a)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "action", json_object_new_string(action));
	json_object_object_add(o, "vm", vm_json(v));
	json_object_object_add(o, "tries", json_object_new_int(v->s.tries));
	json_object_object_add(o, "pause_ns", json_object_new_uint64(v->s.pause_ns));
	json_object_object_add(o, "tasks", gs_sus_json(a));
	return o;
}

/* Drop the journal's records of 'v' for the threads in 'a' (resumed). */
static void drop_done(struct gd *d, struct gd_vm *v, const struct gs_sus *a)
{
	int32_t *pid = calloc(a->n + 1, sizeof(*pid));
	uint64_t *task = calloc(a->n + 1, sizeof(*task));
	char err[512];

	if (pid && task) {
		for (size_t i = 0; i < a->n; i++) {
			pid[i] = a->done[i].t.pid;
			task[i] = a->done[i].t.va;
		}
		if (gs_journal_drop(&d->j, v->info.pid, v->start, pid, task, a->n, err, sizeof(err)) < 0)
			gd_log(3, "journal: %s (the records stay; the next start resumes them again)", err);
	}
	free(pid);
	free(task);
}

/* A resume found no such thread in the guest: the records of it go. */
static void forget_target(struct gd *d, struct gd_vm *v, const struct gs_sus *a)
{
	struct gs_sus_done *gone = calloc(d->j.n + 1, sizeof(*gone));
	struct gs_sus g = { .done = gone };

	if (!gone)
		return;
	for (size_t i = 0; i < d->j.n; i++) {
		const struct gs_jrec *r = &d->j.r[i];

		if (r->vm_pid != v->info.pid || r->vm_start != v->start)
			continue;
		if (a->pid < 0 ? strcmp(r->comm, a->target) : a->thread ? r->pid != a->pid : r->tgid != a->pid)
			continue;
		gd_log(5, "VM %s: pid %d (%s) is gone from the guest: forgotten", r->vm, r->pid, r->comm);
		gone[g.n].t.pid = r->pid;
		gone[g.n++].t.va = r->task;
	}
	d->forgotten += g.n;
	if (g.n)
		drop_done(d, v, &g);
	free(gone);
}

static struct json_object *do_suspend_resume(struct gd *d, struct json_object *req, int resume,
					     uid_t uid, pid_t pid)
{
	const char *vm = str_arg(req, "vm"), *target = str_arg(req, "target");
	struct json_object *th, *reply;
	struct before_ctx b = { .d = d, .uid = uid, .pid = pid };
	struct gs_sus a = { .mode = resume ? GS_SUS_RESUME : GS_SUS_SUSPEND };
	char err[1024];
	struct gd_vm *v;

	if (!vm || !target)
		return error("request needs \"vm\" and \"target\" (strings)", 0);
	if (gs_sus_target(&a, target, json_object_object_get_ex(req, "thread", &th) &&
			  json_object_get_boolean(th), err, sizeof(err)))
		return error(err, 0);
	if (gd_vm_find(d, vm, &v, err, sizeof(err)))
		return error(err, 0);
	b.v = v;
	if (!resume) {
		a.before = journal_before;
		a.ctx = &b;
	}
	if (gs_session_run(&v->s, gs_sus_act, &a)) {
		if (!resume && b.n) {
			/* journaled, then failed (a lock held after some traps
			 * were set): the release pass undoes what was done */
			for (size_t i = 0; i < d->j.n; i++)
				for (size_t k = 0; k < b.n; k++)
					if (d->j.r[i].vm_pid == b.recs[k].vm_pid && d->j.r[i].pid == b.recs[k].pid &&
					    d->j.r[i].task == b.recs[k].task)
						d->j.r[i].release = 1;
		}
		if (resume && v->s.result == LX_ENOENT)
			forget_target(d, v, &a);
		reply = error(v->s.err, v->s.busy);
		goto out;
	}
	if (resume) {
		drop_done(d, v, &a);
		d->resumes += a.n;
	} else {
		d->suspends += a.n;
	}
	reply = ok_reply(resume ? "resume" : "suspend", v, &a);
	json_object_object_add(reply, "journal", json_object_new_string(d->j.path));
out:
	free(b.recs);
	gs_sus_free(&a);
	return reply;
}

static const struct gs_jrec *journaled(struct gd *d, const struct gd_vm *v, const struct lx_task *t)
{
	for (size_t i = 0; i < d->j.n; i++)
		if (d->j.r[i].vm_pid == v->info.pid && d->j.r[i].vm_start == v->start &&
		    d->j.r[i].pid == t->pid && d->j.r[i].task == t->va)
			return &d->j.r[i];
	return NULL;
}

static struct json_object *do_suspended(struct gd *d, struct json_object *req)
{
	const char *vm = str_arg(req, "vm");
	struct gs_sus a = { .mode = GS_SUS_LIST };
	struct json_object *reply, *tasks;
	char err[1024];
	struct gd_vm *v;
	size_t nj = 0, k = 0;
	int32_t *pid;
	uint64_t *task;

	if (!vm)
		return error("request needs \"vm\" (a string)", 0);
	if (gd_vm_find(d, vm, &v, err, sizeof(err)))
		return error(err, 0);
	if (gs_session_run(&v->s, gs_sus_act, &a)) {
		reply = error(v->s.err, v->s.busy);
		gs_sus_free(&a);
		return reply;
	}
	reply = ok_reply("list", v, &a);
	tasks = json_object_object_get(reply, "tasks");
	for (size_t i = 0; i < a.n; i++) {
		const struct gs_jrec *r = journaled(d, v, &a.done[i].t);
		struct json_object *e = json_object_array_get_idx(tasks, i);

		json_object_object_add(e, "journaled", json_object_new_boolean(!!r));
		if (r) {
			json_object_object_add(e, "since", json_object_new_int64(r->since));
			json_object_object_add(e, "by_uid", json_object_new_int64(r->by_uid));
			json_object_object_add(e, "by_pid", json_object_new_int(r->by_pid));
		}
	}
	/* records of this VM whose thread is no longer in the trap: the guest
	 * reaped it, or someone cleared the trap (gschedctl --direct) */
	for (size_t i = 0; i < d->j.n; i++)
		nj += d->j.r[i].vm_pid == v->info.pid && d->j.r[i].vm_start == v->start;
	pid = calloc(nj + 1, sizeof(*pid));
	task = calloc(nj + 1, sizeof(*task));
	if (pid && task) {
		for (size_t i = 0; i < d->j.n; i++) {
			const struct gs_jrec *r = &d->j.r[i];
			int trapped = 0;

			if (r->vm_pid != v->info.pid || r->vm_start != v->start)
				continue;
			for (size_t t = 0; t < a.n && !trapped; t++)
				trapped = a.done[t].t.pid == r->pid && a.done[t].t.va == r->task;
			if (!trapped) {
				gd_log(5, "VM %s: pid %d (%s) is no longer suspended in the guest: forgotten",
				       r->vm, r->pid, r->comm);
				pid[k] = r->pid;
				task[k++] = r->task;
			}
		}
		if (k && gs_journal_drop(&d->j, v->info.pid, v->start, pid, task, k, err, sizeof(err)) < 0)
			gd_log(3, "journal: %s", err);
		d->forgotten += k;
	}
	free(pid);
	free(task);
	gs_sus_free(&a);
	return reply;
}

static struct json_object *do_status(struct gd *d)
{
	struct json_object *o = json_object_new_object(), *recs = json_object_new_array(),
			   *vms = json_object_new_array(), *c = json_object_new_object();
	char ver[32];

	gd_vms_refresh(d);
	snprintf(ver, sizeof(ver), "%u.%u", d->dev.version.major, d->dev.version.minor);
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "abi", json_object_new_string(ver));
	json_object_object_add(o, "started", json_object_new_int64((int64_t)d->started));
	json_object_object_add(o, "journal", json_object_new_string(d->j.path));
	for (size_t i = 0; i < d->j.n; i++) {
		const struct gs_jrec *r = &d->j.r[i];
		struct json_object *e = json_object_new_object();

		json_object_object_add(e, "vm", json_object_new_string(r->vm));
		json_object_object_add(e, "vm_pid", json_object_new_int(r->vm_pid));
		json_object_object_add(e, "pid", json_object_new_int(r->pid));
		json_object_object_add(e, "tgid", json_object_new_int(r->tgid));
		json_object_object_add(e, "comm", json_object_new_string(r->comm));
		json_object_object_add(e, "since", json_object_new_int64(r->since));
		json_object_object_add(e, "by_uid", json_object_new_int64(r->by_uid));
		json_object_object_add(e, "releasing", json_object_new_boolean(r->release));
		json_object_array_add(recs, e);
	}
	json_object_object_add(o, "suspended", recs);
	for (size_t i = 0; i < d->nvms; i++)
		json_object_array_add(vms, vm_json(d->vms[i]));
	json_object_object_add(o, "vms", vms);
	json_object_object_add(c, "requests", json_object_new_uint64(d->requests));
	json_object_object_add(c, "suspended_threads", json_object_new_uint64(d->suspends));
	json_object_object_add(c, "resumed_threads", json_object_new_uint64(d->resumes));
	json_object_object_add(c, "released_threads", json_object_new_uint64(d->released));
	json_object_object_add(c, "forgotten_threads", json_object_new_uint64(d->forgotten));
	json_object_object_add(o, "counters", c);
	return o;
}

struct json_object *gd_request(struct gd *d, struct json_object *req, uid_t uid, pid_t pid)
{
	const char *cmd = str_arg(req, "cmd");

	d->requests++;
	if (!cmd)
		return error("request needs \"cmd\" (a string)", 0);
	if (!strcmp(cmd, "suspend") || !strcmp(cmd, "resume"))
		return do_suspend_resume(d, req, !strcmp(cmd, "resume"), uid, pid);
	if (!strcmp(cmd, "suspended"))
		return do_suspended(d, req);
	if (!strcmp(cmd, "status"))
		return do_status(d);
	return error("unknown \"cmd\" (suspend, resume, suspended, status)", 0);
}
