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
 * suspended is not woken. A cgroup path selects the processes of that group
 * and of the groups below it, read from outside; a malformed group (a
 * kernfs cycle) leaves its processes out, counted, and never loops. A
 * process is all its threads; a suspend reads the thread lists of the
 * processes it names only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/suspend.h"
#include "linux/cgroup.h"
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

/* user threads whose process's group (synth_cgroups[pid % 4]) is one of
 * 'groups' (a bitmask) */
static size_t users_in(struct fx *f, unsigned groups)
{
	size_t n = 0;

	for (int i = 0; i < f->s.n; i++)
		if (!f->s.t[i].kthread && (groups >> (f->s.t[i].pid % SYNTH_NCGROUPS) & 1))
			n += (size_t)f->s.t[i].nthreads;
	return n;
}

/* user processes in those groups */
static size_t procs_in(struct fx *f, unsigned groups)
{
	size_t n = 0;

	for (int i = 0; i < f->s.n; i++)
		n += !f->s.t[i].kthread && (groups >> (f->s.t[i].pid % SYNTH_NCGROUPS) & 1);
	return n;
}

static void suspend_cgroup(struct fx *f, const char *path, int want_err, unsigned groups)
{
	struct gs_sus a = { .mode = GS_SUS_SUSPEND };
	char err[128];

	assert_int_equal(gs_sus_target(&a, path, 0, err, sizeof(err)), 0);
	assert_true(a.cgroup);
	assert_int_equal(gs_sus_act(&f->g, &a), want_err);
	assert_int_equal(a.n, users_in(f, groups));
	for (size_t i = 0; i < a.n; i++) {
		assert_true(groups >> (a.done[i].t.tgid % SYNTH_NCGROUPS) & 1);
		assert_true(trapped(f, a.done[i].t.va));
	}
	gs_sus_free(&a);
}

static void test_suspend_by_cgroup_takes_its_subtree(void **state)
{
	struct fx *f = *state;
	struct gs_sus a = { .mode = GS_SUS_SUSPEND };
	char path[LX_CGROUP_PATH], err[128];

	assert_true(f->g.off.has_cgroup);
	lx_budget_start(&f->g);
	for (int i = 0; i < f->s.n; i++) {
		assert_int_equal(lx_cgroup_path(&f->g, f->s.t[i].va, path, sizeof(path)), LX_OK);
		assert_string_equal(path, synth_cgroups[f->s.t[i].pid % SYNTH_NCGROUPS]);
	}
	/* a prefix of a name is not a group */
	suspend_cgroup(f, "/system", LX_ENOENT, 0);
	assert_non_null(strstr(f->g.err, "no process in cgroup /system or below"));
	suspend_cgroup(f, "/lab", LX_OK, 1u << 3);
	/* a group and the one below it (a trailing slash is the same group) */
	suspend_cgroup(f, "/system.slice/", LX_OK, 1u << 1 | 1u << 2);
	suspend_cgroup(f, "/", LX_OK, 0xf);
	assert_int_equal(gs_sus_target(&a, "/lab", 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--thread needs a pid"));
	assert_true(lx_cgroup_under("/a/b", "/a"));
	assert_true(lx_cgroup_under("/a", "/a//"));
	assert_false(lx_cgroup_under("/ab", "/a"));
	assert_false(lx_cgroup_under("/a", "/a/b"));
}

static void test_malformed_cgroups_are_left_out_not_followed(void **state)
{
	struct fx *f = *state;
	struct gs_sus a = { .mode = GS_SUS_SUSPEND };
	char path[LX_CGROUP_PATH], err[128];

	/* web.service's node is its own parent: a cycle */
	synth_write64(&f->s, f->s.kn[2] + KN_PARENT, f->s.kn[2]);
	/* /lab's name points nowhere */
	synth_write64(&f->s, f->s.kn[3] + KN_NAME, 0xffffffff00000000ULL);
	lx_budget_start(&f->g);
	for (int i = 0; i < f->s.n; i++) {
		int grp = f->s.t[i].pid % SYNTH_NCGROUPS;
		int r = lx_cgroup_path(&f->g, f->s.t[i].va, path, sizeof(path));

		assert_int_equal(r, grp >= 2 ? LX_EMEM : LX_OK);
		if (grp == 2)
			assert_non_null(strstr(f->g.err, "deeper than 64 levels"));
	}
	assert_int_equal(gs_sus_target(&a, "/system.slice", 0, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(a.n, users_in(f, 1u << 1));
	assert_int_equal(a.unreadable, procs_in(f, 1u << 2 | 1u << 3));
	gs_sus_free(&a);
}

static int threaded(struct fx *f)
{
	for (int i = 0; i < f->s.n; i++)
		if (f->s.t[i].nthreads == SYNTH_MAX_THREADS)
			return i;
	fail_msg("no process with threads");
	return -1;
}

static void test_a_process_is_all_its_threads(void **state)
{
	struct fx *f = *state;
	struct synth_task *p = &f->s.t[threaded(f)];
	struct gs_sus a = { .mode = GS_SUS_SUSPEND }, l = { .mode = GS_SUS_LIST };
	char pid[16], err[128];

	snprintf(pid, sizeof(pid), "%d", p->pid);
	assert_int_equal(gs_sus_target(&a, pid, 0, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(a.n, SYNTH_MAX_THREADS);
	for (int k = 0; k < SYNTH_MAX_THREADS; k++) {
		assert_int_equal(a.done[k].t.pid, p->tid[k]);   /* the leader first */
		assert_int_equal(a.done[k].t.tgid, p->pid);
		assert_true(trapped(f, p->tva[k]));
	}
	gs_sus_free(&a);
	/* the list shows every trapped thread */
	assert_int_equal(gs_sus_act(&f->g, &l), LX_OK);
	assert_int_equal(l.n, SYNTH_MAX_THREADS);
	gs_sus_free(&l);
	/* one thread that is not the leader, by its own id */
	synth_write64(&f->s, p->tva[2] + T_JOBCTL, 0);
	snprintf(pid, sizeof(pid), "%d", p->tid[2]);
	assert_int_equal(gs_sus_target(&a, pid, 1, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.done[0].t.pid, p->tid[2]);
	assert_true(trapped(f, p->tva[2]));
	gs_sus_free(&a);
	/* a thread list that loops is refused, not followed */
	synth_write64(&f->s, p->tva[2] + T_THREAD_NODE, p->tva[1] + T_THREAD_NODE);
	assert_int_equal(gs_sus_act(&f->g, &l), LX_EMEM);
	assert_non_null(strstr(f->g.err, "signal->thread_head"));
	gs_sus_free(&l);
	/* a suspend of another process reads its own thread list only */
	snprintf(pid, sizeof(pid), "%d", f->s.t[pick(f, 'S', 0)].pid);
	assert_int_equal(gs_sus_target(&a, pid, 0, err, sizeof(err)), 0);
	assert_int_equal(gs_sus_act(&f->g, &a), LX_OK);
	assert_int_equal(a.n, 1);
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
		cmocka_unit_test_setup_teardown(test_a_process_is_all_its_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suspend_by_cgroup_takes_its_subtree, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_cgroups_are_left_out_not_followed, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
