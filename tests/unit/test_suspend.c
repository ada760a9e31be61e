// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The suspend step gschedctl and gschedd share (lib/suspend.c) on a
 * synthetic guest: a pid, a command name or an exact list of threads
 * selects what is trapped; the journal hook sees every thread before the
 * first trap is set and can refuse the whole request; the list mode finds
 * exactly the trapped threads; an exact resume leaves out threads that are
 * gone instead of failing; kernel threads are never selected; a resume of
 * an interruptible sleeper needs a guest call (none on an image: an error,
 * not a silent success, and the thread stays suspended); one that is not
 * suspended is not woken.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/suspend.h"
#include "linux/freeze.h"
#include "synth.h"
#include "guest_fixture.h"

static int trapped(struct fx *f, uint64_t va)
{
	struct lx_freeze fr;

	assert_int_equal(lx_freeze_read(&f->g, va, &fr), LX_OK);
	return fr.trapped;
}

/* the first user task in state 'st' after index 'from' */
static int pick(struct fx *f, char st, int from)
{
	for (int i = from; i < f->s.n; i++)
		if (!f->s.t[i].kthread && f->s.t[i].state == st)
			return i;
	fail_msg("no user task in state %c", st);
	return -1;
}

static int kthread_idx(struct fx *f)
{
	for (int i = 0; i < f->s.n; i++)
		if (f->s.t[i].kthread)
			return i;
	fail_msg("no kernel thread");
	return -1;
}

struct hook {
	struct fx *f;
	int calls, refuse;
	size_t n;
	int any_trapped;           /* a trap was already set when it was called */
};

static int before(void *ctx, struct lx_guest *g, const struct gs_sus_done *d, size_t n)
{
	struct hook *h = ctx;

	h->calls++;
	h->n = n;
	for (size_t i = 0; i < n; i++)
		h->any_trapped |= trapped(h->f, d[i].t.va);
	if (h->refuse)
		snprintf(g->err, sizeof(g->err), "journal full");
	return h->refuse ? -1 : 0;
}

static void test_suspend_by_pid_announces_before_trapping(void **state)
{
	struct fx *f = *state;
	int i = pick(f, 'R', 0);
	char pid[16], err[128];
	struct hook h = { .f = f };
	struct gs_sus a = { .mode = GS_SUS_SUSPEND, .before = before, .ctx = &h };

	snprintf(pid, sizeof(pid), "%d", f->s.t[i].pid);
	assert_int_equal(gs_sus_target(&a, pid, 0, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(h.calls, 1);
	assert_int_equal(h.n, 1);
	assert_false(h.any_trapped);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.done[0].t.pid, f->s.t[i].pid);
	assert_true(trapped(f, f->s.t[i].va));
	gs_sus_free(&a);
}

static void test_refused_by_the_hook_traps_nothing(void **state)
{
	struct fx *f = *state;
	int i = pick(f, 'R', 0);
	struct hook h = { .f = f, .refuse = 1 };
	struct gs_sus a = { .mode = GS_SUS_SUSPEND, .before = before, .ctx = &h };
	char err[128];

	assert_int_equal(gs_sus_target(&a, f->s.t[i].comm, 0, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_EMEM);
	assert_string_equal(f->g.err, "journal full");
	assert_false(trapped(f, f->s.t[i].va));
	gs_sus_free(&a);
}

static void test_list_finds_exactly_the_trapped(void **state)
{
	struct fx *f = *state;
	int i = pick(f, 'R', 0), k = pick(f, 'R', i + 1);
	struct gs_sus a = { .mode = GS_SUS_SUSPEND }, l = { .mode = GS_SUS_LIST };
	char err[128];

	assert_int_equal(gs_sus_target(&a, f->s.t[k].comm, 0, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(lx_freeze_set(&f->g, f->s.t[i].va), LX_OK);
	assert_int_equal(gs_sus_act(&f->g, &l), LX_OK);
	assert_int_equal(l.n, 2);
	for (size_t x = 0; x < l.n; x++)
		assert_true(l.done[x].t.pid == f->s.t[i].pid || l.done[x].t.pid == f->s.t[k].pid);
	gs_sus_free(&a);
	gs_sus_free(&l);
}

static void test_exact_resume_leaves_out_the_gone(void **state)
{
	struct fx *f = *state;
	int i = pick(f, 'R', 0);
	struct gs_sus_exact ex[2] = { { f->s.t[i].pid, f->s.t[i].va },
				      { 99999, f->s.t[i].va + 0x1000 } };
	struct gs_sus a = { .mode = GS_SUS_RESUME, .exact = ex, .nexact = 2 };

	assert_int_equal(lx_freeze_set(&f->g, f->s.t[i].va), LX_OK);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.done[0].t.pid, f->s.t[i].pid);
	assert_false(a.done[0].woken);      /* running: no wake-up needed */
	assert_false(trapped(f, f->s.t[i].va));
	gs_sus_free(&a);
	/* none left at all: still no error (the journal's threads are gone) */
	a.nexact = 0;
	a.exact = ex + 1;
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(a.n, 0);
	gs_sus_free(&a);
}

static void test_kernel_threads_and_unknown_targets_refused(void **state)
{
	struct fx *f = *state;
	int kt = kthread_idx(f);
	struct gs_sus a = { .mode = GS_SUS_SUSPEND };
	char pid[16], err[128];

	snprintf(pid, sizeof(pid), "%d", f->s.t[kt].pid);
	assert_int_equal(gs_sus_target(&a, pid, 0, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_ENOENT);
	assert_non_null(strstr(f->g.err, "kernel threads are never suspended"));
	assert_false(trapped(f, f->s.t[kt].va));
	assert_int_equal(gs_sus_target(&a, "no-such-comm", 0, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_ENOENT);
	assert_int_equal(gs_sus_target(&a, "sshd", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--thread needs a pid"));
	assert_int_equal(gs_sus_target(&a, "", 0, err, sizeof(err)), -1);
	gs_sus_free(&a);
}

static void test_resume_of_a_sleeper_needs_a_guest_call(void **state)
{
	struct fx *f = *state;
	int i = pick(f, 'S', 0), wake;
	struct gs_sus a = { .mode = GS_SUS_RESUME };
	char pid[16], err[128];
	struct json_object *j;
	struct lx_freeze fr;

	assert_int_equal(lx_freeze_set(&f->g, f->s.t[i].va), LX_OK);
	snprintf(pid, sizeof(pid), "%d", f->s.t[i].pid);
	assert_int_equal(gs_sus_target(&a, pid, 0, err, sizeof(err)), 0);
	/* an image has no vCPU to make the call: said, not skipped, and the
	 * thread stays suspended (its trap set again) */
	assert_int_equal(gs_sus_act(&f->g, &a), LX_EMEM);
	assert_non_null(strstr(f->g.err, "guest call to wake_up_process"));
	j = gs_sus_json(&a);
	assert_int_equal(json_object_array_length(j), 1);
	json_object_put(j);
	assert_int_equal(lx_freeze_read(&f->g, f->s.t[i].va, &fr), LX_OK);
	assert_true(fr.trapped);
	/* a sleeper that is not suspended needs no call: resumed, not woken */
	assert_int_equal(lx_freeze_clear(&f->g, f->s.t[i].va, &wake), LX_OK);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(a.n, 1);
	assert_false(a.done[0].woken);
	gs_sus_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_suspend_by_pid_announces_before_trapping, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_by_the_hook_traps_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_finds_exactly_the_trapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_exact_resume_leaves_out_the_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kernel_threads_and_unknown_targets_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_of_a_sleeper_needs_a_guest_call, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
