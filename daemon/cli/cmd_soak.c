// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl soak VM PID|COMM|/CGROUP [--cycles N] [--period-ms P]: suspend
 * and resume a guest process (or a group's) over and over, one action every
 * P ms as gschedd's policies will (Monarch: every 10 ms), through one guest
 * session (lib/session.h, lib/suspend.h: the code gschedd runs). It acts
 * alone, as `suspend --direct` does, and always ends with the target
 * resumed (also on SIGINT, SIGTERM and a failed step). Prints progress, then
 * what the cycles cost: pauses, busy retries, threads trapped and woken,
 * periods overrun. For the lab's soak (the guest's health is checked in the
 * guest); not for a production VM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/introspect.h"
#include "lib/clock.h"

static const char usage[] = "soak VM PID|COMM|/CGROUP [--cycles N (1-1000000, default 1000)] "
			    "[--period-ms P (1-10000, default 10)] [--profile FILE|DIR]";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct soak_stats {
	unsigned long long actions, pause_sum, pause_max, late, tries_extra, max_tries;
	unsigned long long trapped, resumed, woken, woke_asleep, call_sum;
};

static void sleep_until(unsigned long long t)
{
	unsigned long long now = gs_mono_ns();

	if (t > now) {
		struct timespec ts = { (time_t)((t - now) / 1000000000ULL), (long)((t - now) % 1000000000ULL) };

		nanosleep(&ts, NULL);
	}
}

/* A whole decimal number, or -1. */
static long number(const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	return errno || end == s || *end ? -1 : v;
}

/* One action; 0 or 1 (printed why). */
static int act(struct cli *c, struct gs_session *s, struct gs_sus *a, int mode, struct soak_stats *st)
{
	a->mode = mode;
	s->pause_ns = 0;
	if (introspect_run(c, s, gs_sus_act, a))
		return 1;
	st->actions++;
	st->pause_sum += s->pause_ns;
	if (s->pause_ns > st->pause_max)
		st->pause_max = s->pause_ns;
	st->tries_extra += (unsigned long long)(s->tries - 1);
	if ((unsigned long long)s->tries > st->max_tries)
		st->max_tries = (unsigned long long)s->tries;
	for (size_t i = 0; i < a->n; i++) {
		if (mode == GS_SUS_SUSPEND) {
			st->trapped++;
			continue;
		}
		st->resumed++;
		if (a->done[i].woken) {
			st->woken++;
			st->woke_asleep += a->done[i].woke == 1;
			st->call_sum += a->done[i].call_ns;
		}
	}
	return 0;
}

int cmd_soak(struct cli *c, int argc, char **argv)
{
	struct gs_sus a = { .mode = GS_SUS_SUSPEND };
	struct soak_stats st = { 0 };
	struct gs_session s;
	struct sigaction sa = { .sa_handler = on_signal };
	char *rest[8], err[1024];
	const char *target = NULL;
	long cycles = 1000, period_ms = 10, done = 0;
	int nrest = 0, npos = 0, ret = 1, failed = 0, resumed_at_end = 0;
	unsigned long long t0, next, wall;

	for (int i = 0; i < argc; i++) {
		if (i && i + 1 < argc && !strcmp(argv[i], "--cycles")) {
			cycles = number(argv[++i]);
		} else if (i && i + 1 < argc && !strcmp(argv[i], "--period-ms")) {
			period_ms = number(argv[++i]);
		} else if (i && argv[i][0] != '-' && strcmp(argv[i - 1], "--profile") && ++npos == 2) {
			target = argv[i];
		} else if (nrest < 8) {
			rest[nrest++] = argv[i];
		}
	}
	if (!target || cycles < 1 || cycles > 1000000 || period_ms < 1 || period_ms > 10000) {
		fprintf(stderr, "usage: %s %s\n", c->prog, usage);
		return 2;
	}
	if (gs_sus_target(&a, target, 0, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", c->prog, err);
		return 2;
	}
	if (introspect_open(c, nrest, rest, usage, &s))
		return 1;
	if (!s.vm.vm_id) {
		fprintf(stderr, "%s: soak acts on a live VM, not an image\n", c->prog);
		goto out;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	fprintf(stderr, "soak: %ld cycles of suspend and resume of %s, one action every %ld ms\n", cycles,
		target, period_ms);
	t0 = next = gs_mono_ns();
	for (done = 0; done < cycles && !stop && !failed; done++) {
		for (int mode = GS_SUS_SUSPEND; mode <= GS_SUS_RESUME && !failed; mode++) {
			sleep_until(next);
			if (gs_mono_ns() > next + (unsigned long long)period_ms * 1000000ULL)
				st.late++; /* the last action outlived its period */
			next += (unsigned long long)period_ms * 1000000ULL;
			if (gs_mono_ns() > next)
				next = gs_mono_ns(); /* no catching up in a burst */
			failed = act(c, &s, &a, mode, &st);
			if (failed)
				fprintf(stderr, "soak: cycle %ld: the %s failed\n", done + 1,
					mode == GS_SUS_SUSPEND ? "suspend" : "resume");
		}
		if (!failed && (done + 1) % (cycles >= 10 ? cycles / 10 : 1) == 0)
			fprintf(stderr, "soak: %ld/%ld cycles, %.1f s\n", done + 1, cycles,
				(gs_mono_ns() - t0) / 1e9);
	}
	wall = gs_mono_ns() - t0;
	/* whatever happened: the target goes on */
	a.mode = GS_SUS_RESUME;
	resumed_at_end = !gs_session_run(&s, gs_sus_act, &a) || s.result == LX_ENOENT;
	if (!resumed_at_end)
		fprintf(stderr, "%s: the final resume failed: %s\n", c->prog, s.err);
	ret = failed || !resumed_at_end || stop;
	if (c->json) {
		struct json_object *o = introspect_json(&s);

		J_ADD(o, "target", json_object_new_string(target));
		J_ADD(o, "cycles_asked", json_object_new_int64(cycles));
		J_ADD(o, "cycles_done", json_object_new_int64(done));
		J_ADD(o, "period_ms", json_object_new_int64(period_ms));
		J_ADD(o, "wall_ns", json_object_new_uint64(wall));
		J_ADD(o, "actions", json_object_new_uint64(st.actions));
		J_ADD(o, "pause_mean_ns", json_object_new_uint64(st.actions ? st.pause_sum / st.actions : 0));
		J_ADD(o, "pause_max_ns", json_object_new_uint64(st.pause_max));
		J_ADD(o, "busy_retries", json_object_new_uint64(st.tries_extra));
		J_ADD(o, "max_tries", json_object_new_uint64(st.max_tries));
		J_ADD(o, "periods_overrun", json_object_new_uint64(st.late));
		J_ADD(o, "threads_trapped", json_object_new_uint64(st.trapped));
		J_ADD(o, "threads_resumed", json_object_new_uint64(st.resumed));
		J_ADD(o, "threads_woken", json_object_new_uint64(st.woken));
		J_ADD(o, "woken_from_sleep", json_object_new_uint64(st.woke_asleep));
		J_ADD(o, "wake_mean_ns", json_object_new_uint64(st.woken ? st.call_sum / st.woken : 0));
		J_ADD(o, "failed", json_object_new_boolean(failed));
		J_ADD(o, "interrupted", json_object_new_boolean(stop));
		J_ADD(o, "resumed_at_end", json_object_new_boolean(resumed_at_end));
		cli_print_json(o);
	} else {
		printf("soak of %s: %ld/%ld cycles (period %ld ms) in %.1f s%s\n", target, done, cycles, period_ms,
		       wall / 1e9, stop ? ", interrupted" : failed ? ", FAILED" : "");
		printf("  %llu actions: VM paused mean %.1f us, max %.1f us; %llu busy retries (at most %llu tries); %llu periods overrun\n",
		       st.actions, st.actions ? st.pause_sum / 1e3 / st.actions : 0, st.pause_max / 1e3, st.tries_extra,
		       st.max_tries, st.late);
		printf("  threads: %llu trapped, %llu resumed, %llu woken by a guest call (%llu from sleep), mean call %.1f us\n",
		       st.trapped, st.resumed, st.woken, st.woke_asleep, st.woken ? st.call_sum / 1e3 / st.woken : 0);
		printf("  %s at the end\n", resumed_at_end ? "resumed" : "NOT resumed");
	}
out:
	gs_sus_free(&a);
	introspect_close(&s);
	return ret;
}
