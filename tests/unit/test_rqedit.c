// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit tests of daemon/linux/rqedit.c's refusals on the synthetic guest
 * (tests/synth): a profile without the fields the run-queue mechanism edits
 * is refused by lx_rq_layout, naming the first one missing; an EEVDF kernel
 * is refused for what it is; neither writes a byte. The edits themselves are proven on
 * real 6.1 guests (tests/lab/check-suspend) and their rb-tree part by
 * test_rbedit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "guest_fixture.h"
#include "linux/rqedit.h"

static int unchanged(struct fx *f, uint64_t t, const uint8_t *before)
{
	uint8_t now[4096];

	return !lx_read(&f->g, t, now, sizeof(now)) && !memcmp(now, before, sizeof(now));
}

static void test_profile_without_fields_refused(void **state)
{
	struct fx *f = *state;
	uint64_t t = f->s.t[3].va;
	uint8_t before[4096];
	struct lx_rqoff o;

	f->g.off.has_deadline = 0; /* the synthetic kernel has EEVDF's field: past that check */
	assert_int_equal(lx_read(&f->g, t, before, sizeof(before)), 0);
	assert_int_equal(lx_rq_layout(&f->g, &o), LX_EPROFILE);
	assert_non_null(strstr(f->g.err, "which the run-queue mechanism"));
	assert_true(unchanged(f, t, before));
}

static void test_eevdf_refused(void **state)
{
	struct fx *f = *state;
	uint64_t t = f->s.t[3].va;
	uint8_t before[4096];
	struct lx_rqoff o;

	f->g.off.has_deadline = 1; /* sched_entity.deadline: EEVDF (6.6 on) */
	assert_int_equal(lx_read(&f->g, t, before, sizeof(before)), 0);
	assert_int_equal(lx_rq_layout(&f->g, &o), LX_EPROFILE);
	assert_non_null(strstr(f->g.err, "EEVDF"));
	assert_non_null(strstr(f->g.err, "--mechanism trap"));
	assert_true(unchanged(f, t, before));
}

/* A task not suspended this way is left alone by the resume's check. */
static void test_not_suspended(void **state)
{
	struct fx *f = *state;
	int yes = 1;

	assert_int_equal(lx_rq_is_suspended(&f->g, f->s.t[3].va, &yes), LX_OK);
	assert_int_equal(yes, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_profile_without_fields_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eevdf_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_suspended, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
