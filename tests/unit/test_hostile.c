// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Hostile input, as the security review found it (shared/notes
 * security-review.md, findings 3, 4 and 15), refused or made harmless:
 * guest bytes that would drive the operator's terminal come out escaped;
 * task-group run queues that form a cycle or a DAG are refused at once
 * instead of walked for hours; corrupt or hostile profiles (null values,
 * fields that are not objects, types that contain themselves, offsets near
 * 2^64) are refused, never dereferenced or followed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "linux/guest.h"
#include "synth.h"

static struct synth *build(int ntasks, const char *banner)
{
	struct synth *s = calloc(1, sizeof(*s));
	struct synth_opts o = { .poff = 2 << 21, .voff = 11 << 21, .ntasks = ntasks, .ncpus = 2,
				.queued = 5, .banner = banner };

	assert_non_null(s);
	assert_int_equal(synth_build(s, &o), 0);
	return s;
}

static void attach(struct synth *s, struct profile **p, struct lx_guest *g)
{
	char err[256];

	assert_int_equal(profile_load(s->profile, p, err, sizeof(err)), 0);
	assert_int_equal(lx_attach(g, &s->m, *p), LX_OK);
}

static void assert_plain_ascii(const char *s)
{
	for (; *s; s++)
		assert_true(*s >= 0x20 && *s < 0x7f);
}

static void escape_keeps_printables_and_escapes_the_rest(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(gs_escape(out, sizeof(out), "web-1 ok", 8), 8);
	assert_string_equal(out, "web-1 ok");
	gs_escape(out, sizeof(out), "a\\b\x1b[2J\xc2\x9b\x7f", 64);
	assert_string_equal(out, "a\\x5cb\\x1b[2J\\xc2\\x9b\\x7f");
	/* stops at NUL and at inlen */
	gs_escape(out, sizeof(out), "abc\0def", 7);
	assert_string_equal(out, "abc");
	gs_escape(out, sizeof(out), "abcdef", 2);
	assert_string_equal(out, "ab");
	/* an escape is never cut in half */
	gs_escape(out, 7, "ab\x1b", 3);
	assert_string_equal(out, "ab\\x1b");
	gs_escape(out, 6, "ab\x1b", 3);
	assert_string_equal(out, "ab");
}

/* Finding 4: a process name and a banner planted by the guest. */
static void guest_strings_are_escaped(void **state)
{
	static const char evil_comm[16] = "\x1b]52;c;\xc2\x9b" "2J";
	struct synth *s = build(40, "Linux version 6.6.6 \x1b]52;c;AAAA\a (x) #1 SMP\n");
	struct profile *p;
	struct lx_guest g;
	struct lx_task *t;
	char seen[256], err[256];
	size_t n;

	(void)state;
	assert_int_equal(profile_load(s->profile, &p, err, sizeof(err)), 0);
	assert_int_equal(lx_attach(&g, &s->m, p), LX_EBANNER);
	lx_guest_banner(&s->m, seen, sizeof(seen));
	assert_string_equal(seen, "Linux version 6.6.6 \\x1b]52;c;AAAA\\x07 (x) #1 SMP");
	profile_free(p);
	synth_free(s);
	free(s);

	s = build(40, NULL);
	attach(s, &p, &g);
	synth_write(s, s->t[5].va + T_COMM, evil_comm, 16);
	assert_int_equal(lx_tasks(&g, &t, &n, LX_MAX_TASKS), LX_OK);
	assert_string_equal(t[5].comm, "\\x1b]52;c;\\xc2\\x9b2J");
	for (size_t i = 0; i < n; i++)
		assert_plain_ascii(t[i].comm);
	free(t);
	/* init_task's name in the refusal */
	synth_write(s, s->init_task + T_COMM, "\x1b[2Jevil\0", 9);
	assert_int_equal(lx_attach(&g, &s->m, p), LX_EINIT);
	assert_non_null(strstr(g.err, "\\x1b[2Jevil"));
	assert_plain_ascii(g.err);
	profile_free(p);
	synth_free(s);
	free(s);
}

/* Finding 3: group entities that lead to a cfs_rq already walked. */
static void shared_or_cyclic_group_run_queues_are_refused(void **state)
{
	struct synth *s = build(60, NULL);
	struct profile *p;
	struct lx_guest g;
	struct lx_rq *rq;
	uint64_t q0, q1;
	size_t n;

	(void)state;
	attach(s, &p, &g);
	assert_int_equal(lx_runqueues(&g, &rq, &n), LX_OK);
	lx_runqueues_free(rq, n);
	assert_true(s->grp_se[0] && s->grp_se[1]);
	assert_int_equal(lx_read(&g, s->grp_se[0] + SE_MY_Q, &q0, 8), 0);
	assert_int_equal(lx_read(&g, s->grp_se[1] + SE_MY_Q, &q1, 8), 0);
	/* CPU 1's group shares CPU 0's group run queue: a DAG */
	synth_write64(s, s->grp_se[1] + SE_MY_Q, q0);
	s->m.generation++;
	assert_int_equal(lx_runqueues(&g, &rq, &n), LX_EMEM);
	assert_non_null(strstr(g.err, "reached twice"));
	/* a group whose run queue holds the group itself: a cycle */
	synth_write64(s, s->grp_se[1] + SE_MY_Q, q1);
	synth_write64(s, q1 + CFS_ROOT, s->grp_se[1] + SE_RUN_NODE);
	s->m.generation++;
	assert_int_equal(lx_runqueues(&g, &rq, &n), LX_EMEM);
	profile_free(p);
	synth_free(s);
	free(s);
}

/* Finding 15: profiles that crashed or hung the loader. */
static struct profile *load(const char *json)
{
	struct profile *p = NULL;
	char err[256];

	if (profile_load_buf("test.json", json, strlen(json), &p, err, sizeof(err)))
		return NULL;
	return p;
}

#define TYPES_ONLY(ut) "{\"base_types\":{},\"symbols\":{},\"user_types\":{" ut "}}"

static void corrupt_profiles_are_refused(void **state)
{
	struct profile *p;
	struct lx_guest g;
	uint64_t v;

	(void)state;
	assert_null(load("[1,2]"));
	assert_null(load("{\"user_types\":null,\"base_types\":{},\"symbols\":{}}"));
	assert_null(load("{\"user_types\":{},\"base_types\":{},\"symbols\":{"));
	/* null values where objects and numbers belong */
	p = load("{\"base_types\":{\"int\":null},\"symbols\":{\"init_task\":{\"address\":null},"
		 "\"linux_banner\":{\"address\":1,\"constant_data\":null}},"
		 "\"user_types\":{\"task_struct\":{\"size\":null,\"fields\":{\"pid\":null,"
		 "\"tgid\":{\"offset\":null,\"type\":null},\"comm\":{\"offset\":8,\"type\":{\"kind\":null}}}}}}");
	assert_non_null(p);
	assert_null(profile_banner(p));
	assert_int_not_equal(profile_symbol(p, "init_task", &v), 0);
	assert_int_not_equal(profile_size(p, "task_struct", &v), 0);
	assert_int_not_equal(profile_offset(p, "task_struct", "pid", &v), 0);
	assert_int_not_equal(profile_offset(p, "task_struct", "tgid", &v), 0);
	assert_int_not_equal(profile_member_size(p, "task_struct", "comm", &v), 0);
	memset(&g, 0, sizeof(g));
	g.prof = p;
	assert_int_equal(lx_offsets(&g), LX_EPROFILE);
	profile_free(p);
	/* fields that are not an object */
	p = load(TYPES_ONLY("\"task_struct\":{\"size\":8,\"fields\":[1,2,3]},\"rq\":{\"fields\":\"x\"}"));
	assert_non_null(p);
	assert_int_not_equal(profile_offset(p, "task_struct", "pid", &v), 0);
	assert_int_not_equal(profile_offset(p, "rq", "curr", &v), 0);
	assert_int_equal(profile_fields(p, "task_struct", NULL, NULL), -1);
	profile_free(p);
	/* an offset near 2^64 is refused, not added */
	p = load(TYPES_ONLY("\"task_struct\":{\"size\":8,\"fields\":{\"tgid\":{\"offset\":18446744073709551600,"
			    "\"type\":{\"kind\":\"base\",\"name\":\"int\"}}}}"));
	assert_non_null(p);
	assert_int_not_equal(profile_offset(p, "task_struct", "tgid", &v), 0);
	profile_free(p);
}

static void count_field(const char *name, uint64_t off, uint64_t size, unsigned bp, unsigned bl, void *arg)
{
	(void)name, (void)off, (void)size, (void)bp, (void)bl;
	++*(int *)arg;
}

/* 20 anonymous members that each are the type itself: 20^8 paths. */
static void self_containing_types_end_the_lookup(void **state)
{
	char json[4096];
	size_t o;
	struct profile *p;
	uint64_t v;
	int calls = 0;

	(void)state;
	o = (size_t)snprintf(json, sizeof(json), "{\"base_types\":{},\"symbols\":{},\"user_types\":{\"a\":{\"size\":8,\"fields\":{");
	for (int i = 0; i < 20; i++)
		o += (size_t)snprintf(json + o, sizeof(json) - o, "%s\"f%d\":{\"anonymous\":true,\"offset\":0,"
				      "\"type\":{\"kind\":\"struct\",\"name\":\"a\"}}", i ? "," : "", i);
	snprintf(json + o, sizeof(json) - o, "}}}}");
	p = load(json);
	assert_non_null(p);
	assert_int_not_equal(profile_offset(p, "a", "missing", &v), 0);
	assert_int_not_equal(profile_member_size(p, "a", "missing.x", &v), 0);
	assert_int_equal(profile_fields(p, "a", count_field, &calls), 0);
	assert_int_equal(calls, 0);
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_keeps_printables_and_escapes_the_rest),
		cmocka_unit_test(guest_strings_are_escaped),
		cmocka_unit_test(shared_or_cyclic_group_run_queues_are_refused),
		cmocka_unit_test(corrupt_profiles_are_refused),
		cmocka_unit_test(self_containing_types_end_the_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
