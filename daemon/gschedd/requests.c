// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The requests gschedd serves on its control socket (lib/ctl.h): suspend and
 * resume (journaled), suspended (what the guest has in the trap, with since
 * when and by whom), status, owners (a VM's history of root owners). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "gschedd/gschedd.h"
#include "lib/owners_json.h"
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

/* Which of a VM's journal records a request drops (gs_journal_drop_if). */
struct drop_ctx {
	const struct gd_vm *v;
	const struct gs_sus *a;
};

static int of_vm(const struct gd_vm *v, const struct gs_jrec *r)
{
	return r->vm_pid == v->info.pid && r->vm_start == v->start;
}

static int in_done(const struct gs_sus *a, const struct gs_jrec *r)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->done[i].t.pid == r->pid && a->done[i].t.va == r->task)
			return 1;
	return 0;
}

/* resumed by this request */
static int was_resumed(void *ctx, const struct gs_jrec *r)
{
	const struct drop_ctx *c = ctx;

	return of_vm(c->v, r) && in_done(c->a, r);
}

/* named by a resume that found no such thread in the guest (a record does
 * not say the thread's cgroup: those stay until 'suspended' misses them) */
static int target_gone(void *ctx, const struct gs_jrec *r)
{
	const struct drop_ctx *c = ctx;
	const struct gs_sus *a = c->a;

	if (!of_vm(c->v, r) || a->cgroup ||
	    (a->pid < 0 ? strcmp(r->comm, a->target) : a->thread ? r->pid != a->pid : r->tgid != a->pid))
		return 0;
	gd_log(5, "VM %s: pid %d (%s) is gone from the guest: forgotten", r->vm, r->pid, r->comm);
	return 1;
}

/* journaled, but no longer in the guest's trap (a->done: what is) */
static int not_trapped(void *ctx, const struct gs_jrec *r)
{
	const struct drop_ctx *c = ctx;

	if (!of_vm(c->v, r) || in_done(c->a, r))
		return 0;
	gd_log(5, "VM %s: pid %d (%s) is no longer suspended in the guest: forgotten", r->vm, r->pid, r->comm);
	return 1;
}

/* Drop what 'pred' picks of v's records; the number dropped (0 on error,
 * logged: the records stay, and the next start resumes them again). */
static unsigned long drop(struct gd *d, int (*pred)(void *ctx, const struct gs_jrec *r),
			  const struct gd_vm *v, const struct gs_sus *a)
{
	struct drop_ctx c = { v, a };
	char err[512];
	long n = gs_journal_drop_if(&d->j, pred, &c, err, sizeof(err));

	if (n < 0) {
		gd_log(3, "journal: %s (the records stay)", err);
		return 0;
	}
	return (unsigned long)n;
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
	if (str_arg(req, "mechanism") && gs_sus_mechanism(&a, str_arg(req, "mechanism"), err, sizeof(err)))
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
			d->forgotten += drop(d, target_gone, v, &a);
		reply = error(v->s.err, v->s.busy);
		goto out;
	}
	if (resume) {
		drop(d, was_resumed, v, &a);
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

/* The VM a request's "vm" names, or NULL with the error reply in *reply. */
static struct gd_vm *req_vm(struct gd *d, struct json_object *req, struct json_object **reply)
{
	const char *vm = str_arg(req, "vm");
	char err[1024];
	struct gd_vm *v;

	if (!vm) {
		*reply = error("request needs \"vm\" (a string)", 0);
		return NULL;
	}
	if (gd_vm_find(d, vm, &v, err, sizeof(err))) {
		*reply = error(err, 0);
		return NULL;
	}
	return v;
}

static struct json_object *do_suspended(struct gd *d, struct json_object *req)
{
	struct gs_sus a = { .mode = GS_SUS_LIST };
	struct json_object *reply, *tasks;
	struct gd_vm *v = req_vm(d, req, &reply);

	if (!v)
		return reply;
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
	d->forgotten += drop(d, not_trapped, v, &a);
	gs_sus_free(&a);
	return reply;
}

/* The VM's history of root owners (observe.c), for gschedctl ps. */
static struct json_object *do_owners(struct gd *d, struct json_object *req)
{
	struct json_object *o;
	struct gd_vm *v = req_vm(d, req, &o);

	if (!v)
		return o;
	o = gs_owners_json(&v->own);
	json_object_object_add(o, "ok", json_object_new_boolean(1));
	json_object_object_add(o, "vm", vm_json(v));
	json_object_object_add(o, "observe_ms", json_object_new_int64(d->observe_ms));
	return o;
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
	json_object_object_add(c, "observations", json_object_new_uint64(d->observations));
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
	if (!strcmp(cmd, "owners"))
		return do_owners(d, req);
	return error("unknown \"cmd\" (suspend, resume, suspended, status, owners)", 0);
}
