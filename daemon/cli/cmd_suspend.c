// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl suspend|resume VM TARGET: stop a guest process from outside, or
 * let it go on; gschedctl suspended VM: the threads in the freezer trap
 * (lib/suspend.h). TARGET is a guest pid (all its threads; one thread with
 * --thread), a command name (every process that has it) or a guest cgroup
 * v2 path starting with '/' (the processes of that group and of the groups
 * below it, e.g. /system.slice/cron.service). Through gschedd
 * when it runs (journaled: resumed whatever happens to gschedd), else, or
 * with --direct or --profile, by gschedctl itself (not journaled).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/introspect.h"
#include "lib/ctl.h"

static const char usage_s[] = "suspend VM PID|COMM|/CGROUP [--thread] [--mechanism trap|runqueue] [--direct] [--profile FILE|DIR] [--json]";
static const char usage_r[] = "resume VM PID|COMM|/CGROUP [--thread] [--direct] [--profile FILE|DIR] [--json]";
static const char usage_l[] = "suspended VM|--image FILE [--direct] [--profile FILE|DIR] [--json]";

enum { SUSPEND, RESUME, LIST };
static const char *const cmd_name[] = { "suspend", "resume", "suspended" };

/* The request done by gschedctl itself: the same JSON as gschedd's reply. */
static int direct(struct cli *c, int nrest, char **rest, const char *usage, int mode,
		  struct gs_sus *a, struct json_object **out)
{
	struct gs_session s;
	int ret = introspect_open(c, nrest, rest, usage, &s);

	if (!ret && !s.vm.vm_id && mode != LIST) {
		fprintf(stderr, "%s: %s acts on a live VM, not an image\n", c->prog, cmd_name[mode]);
		ret = 2;
	}
	if (!ret)
		ret = introspect_run(c, &s, gs_sus_act, a);
	if (!ret) {
		*out = introspect_json(&s);
		J_ADD(*out, "ok", json_object_new_boolean(1));
		J_ADD(*out, "action", json_object_new_string(mode == LIST ? "list" : cmd_name[mode]));
		J_ADD(*out, "tasks", gs_sus_json(a));
	}
	introspect_close(&s);
	gs_sus_free(a);
	return ret;
}

static const char *jstr(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : "";
}

static long long jint(struct json_object *o, const char *k)
{
	struct json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_int64(v) : 0;
}

static void print_text(int mode, struct json_object *o)
{
	struct json_object *tasks = json_object_object_get(o, "tasks");
	size_t n = tasks ? json_object_array_length(tasks) : 0;
	struct table *tb = NULL;

	if (mode == LIST) {
		static const char *const hdr[] = { "PID", "TGID", "S", "COMM", "HOW", "SINCE", "BY" };

		tb = table_new(hdr, 7);
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *t = json_object_array_get_idx(tasks, i), *v;
		long long pid = jint(t, "pid"), tgid = jint(t, "tgid");

		if (mode == SUSPEND && !strcmp(jstr(t, "mechanism"), "runqueue")) {
			printf("suspended pid %lld (tgid %lld, %s): %s\n", pid, tgid, jstr(t, "comm"),
			       !strcmp(jstr(t, "how"), "dequeued") ? "taken off its run queue" :
			       "kept asleep");
		} else if (mode == SUSPEND) {
			printf("suspended pid %lld (tgid %lld, %s)\n", pid, tgid, jstr(t, "comm"));
		} else if (mode == RESUME && json_object_object_get_ex(t, "woken", &v) &&
			   json_object_get_boolean(v)) {
			printf("resumed pid %lld (tgid %lld, %s): woken on vCPU %lld in %.1f us%s\n", pid, tgid,
			       jstr(t, "comm"), jint(t, "vcpu"), jint(t, "call_ns") / 1e3,
			       jint(t, "wake_up_process") ? "" : " (it was already awake)");
		} else if (mode == RESUME) {
			printf("resumed pid %lld (tgid %lld, %s): not asleep, trap cleared\n", pid, tgid,
			       jstr(t, "comm"));
		} else {
			char ps[16], ts[16], since[32] = "-", by[16] = "-";

			snprintf(ps, sizeof(ps), "%lld", pid);
			snprintf(ts, sizeof(ts), "%lld", tgid);
			if (json_object_object_get_ex(t, "since", &v)) {
				time_t when = (time_t)json_object_get_int64(v);
				struct tm tm;

				strftime(since, sizeof(since), "%F %T", localtime_r(&when, &tm));
				snprintf(by, sizeof(by), "uid %lld", jint(t, "by_uid"));
			}
			table_row(tb, ps, ts, jstr(t, "state"), jstr(t, "comm"), jstr(t, "mechanism"), since, by);
		}
	}
	if (tb) {
		table_print(tb);
		fprintf(stderr, "%zu guest thread(s) suspended by gsched (trap: the freezer trap, S asleep in it, R not there yet; runqueue: off its run queue, T)\n",
			n);
	}
}

static int run(struct cli *c, int argc, char **argv, int mode)
{
	const char *usage = mode == RESUME ? usage_r : mode == LIST ? usage_l : usage_s;
	struct gs_sus a = { .mode = mode == RESUME ? GS_SUS_RESUME : mode == LIST ? GS_SUS_LIST : GS_SUS_SUSPEND };
	char **rest = calloc((size_t)argc + 1, sizeof(*rest)), err[1024];
	const char *target = NULL, *vm = NULL, *mech = NULL;
	int nrest = 0, npos = 0, thread = 0, dir = 0, image = 0, ret;
	struct json_object *out = NULL;

	if (!rest)
		return 1;
	/* TARGET, --thread and --direct are ours; the rest is introspect_open's */
	for (int i = 0; i < argc; i++) {
		int opt_arg = i && (!strcmp(argv[i - 1], "--profile") || !strcmp(argv[i - 1], "--image"));

		if (i && !strcmp(argv[i], "--direct")) {
			dir = 1;
			continue;
		}
		if (i && mode == SUSPEND && !strcmp(argv[i], "--mechanism")) {
			if (i + 1 >= argc) {
				fprintf(stderr, "%s: --mechanism needs trap or runqueue\n", c->prog);
				free(rest);
				return 2;
			}
			mech = argv[++i];
			continue;
		}
		if (i && (!strcmp(argv[i], "--profile") || !strcmp(argv[i], "--image")))
			dir = 1, image |= !strcmp(argv[i], "--image");
		if (i && mode != LIST && !strcmp(argv[i], "--thread"))
			thread = 1;
		else if (i && argv[i][0] != '-' && !opt_arg && ++npos == 2 && mode != LIST)
			target = argv[i];
		else {
			if (i && argv[i][0] != '-' && !opt_arg && npos == 1)
				vm = argv[i];
			rest[nrest++] = argv[i];
		}
	}
	if ((!target && mode != LIST) || (!vm && !image)) {
		fprintf(stderr, "usage: %s %s\n", c->prog, usage);
		free(rest);
		return 2;
	}
	if ((target && gs_sus_target(&a, target, thread, err, sizeof(err))) ||
	    (mech && gs_sus_mechanism(&a, mech, err, sizeof(err)))) {
		fprintf(stderr, "%s: %s\n", c->prog, err);
		free(rest);
		return 2;
	}
	ret = -ENOENT;
	if (!dir) {
		struct json_object *req = json_object_new_object(), *v;

		J_ADD(req, "cmd", json_object_new_string(cmd_name[mode]));
		J_ADD(req, "vm", json_object_new_string(vm));
		if (target) {
			J_ADD(req, "target", json_object_new_string(target));
			J_ADD(req, "thread", json_object_new_boolean(thread));
		}
		if (mech)
			J_ADD(req, "mechanism", json_object_new_string(mech));
		ret = gs_ctl_call(gs_ctl_path(), req, &out, err, sizeof(err));
		json_object_put(req);
		if (ret && ret != -ENOENT && ret != -ECONNREFUSED) {
			fprintf(stderr, "%s: %s\n", c->prog, err);
			ret = 1;
		} else if (!ret && !(json_object_object_get_ex(out, "ok", &v) && json_object_get_boolean(v))) {
			fprintf(stderr, "%s: gschedd: %s\n", c->prog, jstr(out, "error"));
			ret = 1;
		}
	}
	if (ret == -ENOENT || ret == -ECONNREFUSED) {
		if (mode == SUSPEND && !dir)
			fprintf(stderr, "%s: gschedd is not running (%s): suspending directly; nothing resumes this process if it is forgotten\n",
				c->prog, gs_ctl_path());
		ret = direct(c, nrest, rest, usage, mode, &a, &out);
	}
	if (!ret && c->json)
		cli_print_json(json_object_get(out));
	else if (!ret)
		print_text(mode, out);
	json_object_put(out);
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
