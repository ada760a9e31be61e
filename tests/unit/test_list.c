// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit tests of daemon/vmi/list.c: guest lists built in synthetic memory,
 * well-formed and planted with loops, wild pointers and broken links. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmi/list.h"
#include "directmap.h"

#define MEM (4u << 20)

static uint8_t *mem;
static struct vmi_mem m;
static struct vmi_ctx ctx;

static int setup(void **state)
{
	(void)state;
	mem = directmap_new(&m, &ctx, MEM);
	assert_non_null(mem);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vmi_close(&m);
	free(mem);
	return 0;
}

/* list_head at pa: next, prev. */
static void link(uint64_t pa, uint64_t next_pa, uint64_t prev_pa)
{
	*(uint64_t *)(mem + pa) = KBASE + next_pa;
	*(uint64_t *)(mem + pa + 8) = KBASE + prev_pa;
}

/* head + n nodes at 0x10000 + i*0x100 */
static uint64_t build(int n)
{
	uint64_t head = 0x10000;

	for (int i = 0; i <= n; i++) {
		uint64_t cur = head + i * 0x100;
		uint64_t next = head + ((i + 1) % (n + 1)) * 0x100;
		uint64_t prev = head + ((i + n) % (n + 1)) * 0x100;

		link(cur, next, prev);
	}
	return head;
}

static int count(struct vmi_ctx *c, uint64_t node, void *arg)
{
	(void)c;
	(void)node;
	++*(int *)arg;
	return 0;
}

static void walks_a_well_formed_list(void **state)
{
	uint64_t where;
	int seen = 0;

	(void)state;
	build(300);
	assert_int_equal(vmi_list_walk(&ctx, KBASE + 0x10000, 1000, 1, count, &seen, &where), 300);
	assert_int_equal(seen, 300);
	build(0);  /* empty list: head points to itself */
	assert_int_equal(vmi_list_walk(&ctx, KBASE + 0x10000, 1000, 1, NULL, NULL, &where), 0);
}

static void a_loop_that_skips_the_head_is_caught(void **state)
{
	uint64_t where;

	(void)state;
	build(50);
	link(0x10000 + 40 * 0x100, 0x10000 + 10 * 0x100, 0x10000 + 39 * 0x100);
	/* Without prev checks only the cycle detector can stop it. */
	assert_int_equal(vmi_list_walk(&ctx, KBASE + 0x10000, 1 << 20, 0, NULL, NULL, &where),
			 VMI_LIST_CYCLE);
	assert_int_equal(vmi_list_walk(&ctx, KBASE + 0x10000, 1 << 20, 1, NULL, NULL, &where),
			 VMI_LIST_BROKEN);
	assert_int_equal(where, KBASE + 0x10000 + 40 * 0x100);
	/* A node pointing at itself. */
	build(5);
	link(0x10000 + 3 * 0x100, 0x10000 + 3 * 0x100, 0x10000 + 2 * 0x100);
	assert_int_equal(vmi_list_walk(&ctx, KBASE + 0x10000, 1 << 20, 0, NULL, NULL, &where),
			 VMI_LIST_CYCLE);
}

static void wild_pointers_and_bounds_fail_cleanly(void **state)
{
	uint64_t where;

	(void)state;
	build(20);
	*(uint64_t *)(mem + 0x10000 + 7 * 0x100) = 0xdead000000000000ULL; /* non-canonical */
	assert_int_equal(vmi_list_walk(&ctx, KBASE + 0x10000, 100, 0, NULL, NULL, &where),
			 VMI_LIST_TRANSLATE);
	assert_int_equal(where, 0xdead000000000000ULL);
	*(uint64_t *)(mem + 0x10000 + 7 * 0x100) = KBASE + MEM + 0x1000;   /* unmapped */
	assert_int_equal(vmi_list_walk(&ctx, KBASE + 0x10000, 100, 0, NULL, NULL, &where),
			 VMI_LIST_TRANSLATE);
	build(20);
	assert_int_equal(vmi_list_walk(&ctx, KBASE + 0x10000, 10, 1, NULL, NULL, &where),
			 VMI_LIST_TOO_LONG);
	assert_string_equal(vmi_list_strerror(VMI_LIST_CYCLE), "list loops without returning to its head");
}

static void reads_cross_page_boundaries(void **state)
{
	uint8_t buf[32];

	(void)state;
	memset(mem + 0x20ff0, 0xab, 16);
	memset(mem + 0x21000, 0xcd, 16);
	assert_int_equal(vmi_read_va(&ctx, KBASE + 0x20ff0, buf, 32), 0);
	assert_int_equal(buf[15], 0xab);
	assert_int_equal(buf[16], 0xcd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walks_a_well_formed_list),
		cmocka_unit_test(a_loop_that_skips_the_head_is_caught),
		cmocka_unit_test(wild_pointers_and_bounds_fail_cleanly),
		cmocka_unit_test(reads_cross_page_boundaries),
	};

	return cmocka_run_group_tests_name("list", tests, setup, teardown);
}
