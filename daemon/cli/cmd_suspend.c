// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl suspend|resume VM TARGET: stop a guest process from outside, or
 * let it go on; gschedctl suspended VM: the processes whose trap is set (linux/freeze.c: the guest's own freezer trap; the resume's
 * wake-up is a call the guest makes, gsched.ko's gcall.c). TARGET is a
 * guest pid (all its threads; one thread with --thread) or a command name
 * (every process that has it). Each step runs with the VM paused, again
 * while a guest lock it depends on is held.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/introspect.h"
#include "linux/freeze.h"

static const char usage_s[] = "suspend VM PID|COMM [--thread] [--profile FILE|DIR] [--json]";
static const char usage_r[] = "resume VM PID|COMM [--thread] [--profile FILE|DIR] [--json]";
static const char usage_l[] = "suspended VM [--profile FILE|DIR] [--json]";

struct sus_done {
	struct lx_task t;
	int woken;                 /* resume: the guest's wake_up_process ran */
	unsigned long long woke;   /* its return value (1: it was asleep) */
	int vcpu;
	unsigned long long call_ns;
};

struct sus_arg {
	const char *target;
	long pid;                  /* -1: target is a command name */
	int thread, resume, list;
	struct sus_done *done;
	size_t n;
};

static int matches(const struct sus_arg *a, const struct lx_task *t)
{
	if (t->kthread)
		return 0;
	if (a->list)
		return 1;
	if (a->pid < 0)
		return !strcmp(t->comm, a->target);
	return a->thread ? t->pid == a->pid : t->tgid == a->pid;
}

/* Under a pause: every matching task, suspended or resumed. Idempotent,
 * so a retry after LX_EBUSY redoes what was done. */
static int act(struct lx_guest *g, void *arg)
{
	struct sus_arg *a = arg;
	struct lx_task *t = NULL;
	size_t n = 0;
	int err = lx_tasks(g, &t, &n, LX_MAX_TASKS);

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
	for (size_t i = 0; i < n && !err; i++) {
		struct sus_done *d;
		int wake = 0;

		if (!matches(a, &t[i]))
			continue;
		d = &a->done[a->n++];
		d->t = t[i];
		d->vcpu = -1;
		if (a->list) {
			struct lx_freeze fr;

			err = lx_freeze_read(g, t[i].va, &fr);
			if (!err && !fr.trapped)
				a->n--;
			continue;
		}
		if (!a->resume) {
			err = lx_freeze_set(g, t[i].va);
			continue;
		}
		err = lx_freeze_clear(g, t[i].va, &wake);
		if (!err && wake) {
			struct vmi_call c;
			int r;

			err = lx_wake_call(g, t[i].va, &c);
			if (err)
				break;
			r = vmi_call(g->mem, &c);
			g->mem->generation++; /* the guest wrote its memory */
			if (r == -ENODEV || r == -EBUSY || r == -ETIMEDOUT) {
				/* no vCPU where the guest could take an interrupt, one
				 * not parked yet, or a call still running: again */
				snprintf(g->err, sizeof(g->err), "guest call: %s",
					 r == -ENODEV ? "no vCPU at a point where the guest could take an interrupt" :
					 strerror(-r));
				err = LX_EBUSY;
			} else if (r) {
				snprintf(g->err, sizeof(g->err), "guest call to wake_up_process: %s", strerror(-r));
				err = LX_EMEM;
			} else {
				d->woken = 1;
				d->woke = c.ret[1];
				d->vcpu = c.vcpu;
				d->call_ns = c.wait_ns;
			}
		}
	}
	if (!err && !a->n && !a->list) {
		snprintf(g->err, sizeof(g->err), "%s%s (kernel threads are never suspended)",
			 a->pid >= 0 && a->thread ? "thread " : a->pid >= 0 ? "pid " : "command ", a->target);
		err = LX_ENOENT;
	}
out:
	free(t);
	return err;
}

enum { SUSPEND, RESUME, LIST };

static int run(struct cli *c, int argc, char **argv, int mode)
{
	const char *usage = mode == RESUME ? usage_r : mode == LIST ? usage_l : usage_s;
	struct sus_arg a = { .resume = mode == RESUME, .list = mode == LIST, .pid = -1 };
	int resume = mode == RESUME;
	char **rest = calloc((size_t)argc + 1, sizeof(*rest));
	int nrest = 0, npos = 0, ret;
	struct isession s;

	memset(&s, 0, sizeof(s));
	if (!rest)
		return 1;
	/* TARGET and --thread are ours; the rest is introspect_open's */
	for (int i = 0; i < argc; i++) {
		if (i && mode != LIST && !strcmp(argv[i], "--thread"))
			a.thread = 1;
		else if (i && mode != LIST && argv[i][0] != '-' && strcmp(argv[i - 1], "--profile") &&
			 ++npos == 2)
			a.target = argv[i];
		else
			rest[nrest++] = argv[i];
	}
	if (!a.target && mode != LIST) {
		fprintf(stderr, "usage: %s %s\n", c->prog, usage);
		free(rest);
		return 2;
	}
	if (a.target) {
		char *end;

		errno = 0;
		a.pid = strtol(a.target, &end, 10);
		if (*end || errno || a.pid <= 0)
			a.pid = -1;
	}
	if (a.thread && a.pid < 0) {
		fprintf(stderr, "%s: --thread needs a pid, not '%s'\n", c->prog, a.target);
		free(rest);
		return 2;
	}
	ret = introspect_open(c, nrest, rest, usage, &s);
	if (!ret && !s.vm.vm_id && mode != LIST) {
		fprintf(stderr, "%s: %s acts on a live VM, not an image\n", c->prog, resume ? "resume" : "suspend");
		ret = 2;
	}
	if (!ret)
		ret = introspect_run(c, &s, act, &a);
	if (!ret && c->json) {
		struct json_object *o = introspect_json(&s), *arr = json_object_new_array();

		J_ADD(o, "action", json_object_new_string(mode == LIST ? "list" : resume ? "resume" : "suspend"));
		for (size_t i = 0; i < a.n; i++) {
			struct json_object *e = json_lx_task(&a.done[i].t);

			if (resume) {
				J_ADD(e, "woken", json_object_new_boolean(a.done[i].woken));
				if (a.done[i].woken) {
					J_ADD(e, "wake_up_process", json_object_new_uint64(a.done[i].woke));
					J_ADD(e, "vcpu", json_object_new_int(a.done[i].vcpu));
					J_ADD(e, "call_ns", json_object_new_uint64(a.done[i].call_ns));
				}
			}
			json_object_array_add(arr, e);
		}
		J_ADD(o, "tasks", arr);
		cli_print_json(o);
	} else if (!ret && mode == LIST) {
		static const char *const hdr[] = { "PID", "TGID", "S", "COMM" };
		struct table *tb = table_new(hdr, 4);

		for (size_t i = 0; i < a.n; i++) {
			char pid[16], tgid[16], st[2] = { a.done[i].t.state, 0 };

			snprintf(pid, sizeof(pid), "%d", a.done[i].t.pid);
			snprintf(tgid, sizeof(tgid), "%d", a.done[i].t.tgid);
			table_row(tb, pid, tgid, st, a.done[i].t.comm);
		}
		table_print(tb);
		fprintf(stderr, "%zu guest thread(s) in the freezer trap gsched sets (S: asleep in it; R: not there yet)\n",
			a.n);
	} else if (!ret) {
		for (size_t i = 0; i < a.n; i++) {
			const struct sus_done *d = &a.done[i];

			if (!resume)
				printf("suspended pid %d (tgid %d, %s)\n", d->t.pid, d->t.tgid, d->t.comm);
			else if (d->woken)
				printf("resumed pid %d (tgid %d, %s): woken on vCPU %d in %.1f us%s\n", d->t.pid,
				       d->t.tgid, d->t.comm, d->vcpu, d->call_ns / 1e3,
				       d->woke ? "" : " (it was already awake)");
			else
				printf("resumed pid %d (tgid %d, %s): not asleep, trap cleared\n", d->t.pid,
				       d->t.tgid, d->t.comm);
		}
	}
	introspect_close(&s);
	free(a.done);
	free(rest);
	return ret;
}

int cmd_suspend(struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, SUSPEND);
}

int cmd_resume(struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, RESUME);
}

int cmd_suspended(struct cli *c, int argc, char **argv)
{
	return run(c, argc, argv, LIST);
}
