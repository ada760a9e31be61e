// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Which VM a user means (daemon/lib/vmfind.c, review finding 17a): ids and
 * VMM pids are exact, a name must be carried by exactly one VM (any user can
 * start a VMM named like someone else's), a number that is no id or pid can
 * still be a name, and an unnamed VM matches no empty name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "lib/vmfind.h"

static const struct gsched_vm_info vms[] = {
	{ .vm_id = 1, .pid = 4001 }, { .vm_id = 2, .pid = 4002 },
	{ .vm_id = 3, .pid = 4003 }, { .vm_id = 4, .pid = 4004 },
};
static const char *const names[] = { "web-1", "db", "web-1", "" };

static int pick(const char *arg, int *named)
{
	return gsched_pick_vm(vms, names, 4, arg, named);
}

static void test_exact(void **state)
{
	int named;

	(void)state;
	assert_int_equal(pick("2", &named), 1);    /* an id */
	assert_int_equal(pick("4003", &named), 2); /* a pid */
	assert_int_equal(pick("db", &named), 1);   /* a name carried once */
	assert_int_equal(named, 1);
}

static void test_ambiguous_name_refused(void **state)
{
	int named;

	(void)state;
	/* before: the first VM carrying the name was taken (an attacker's
	 * '-name guest=web-1' started first won) */
	assert_int_equal(pick("web-1", &named), GSCHED_VM_AMBIGUOUS);
	assert_int_equal(named, 2);
	/* the id or pid of either still works */
	assert_int_equal(pick("3", &named), 2);
}

static void test_none(void **state)
{
	static const char *const numbered[] = { "17", "", "", "" };
	int named;

	(void)state;
	assert_int_equal(pick("nosuch", &named), GSCHED_VM_NONE);
	assert_int_equal(named, 0);
	assert_int_equal(pick("", &named), GSCHED_VM_NONE); /* not the unnamed VM */
	assert_int_equal(pick("99", &named), GSCHED_VM_NONE);
	assert_int_equal(gsched_pick_vm(vms, numbered, 4, "17", &named), 0);
	assert_int_equal(gsched_pick_vm(vms, names, 0, "1", &named), GSCHED_VM_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_ambiguous_name_refused),
		cmocka_unit_test(test_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
