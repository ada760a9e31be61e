// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit tests of daemon/vmi/rbtree.c: guest rb-trees built in synthetic
 * memory, visited in order; planted cycles, wrong parents, wild pointers and
 * oversized trees end in errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmi/rbtree.h"
#include "directmap.h"

#define MEM (4u << 20)
#define NODE(i) (0x10000ULL + (uint64_t)(i) * 0x40)

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

static void set(int i, uint64_t parent, uint64_t right, uint64_t left)
{
	uint64_t *n = (uint64_t *)(mem + NODE(i));

	n[0] = parent | 1; /* colour bit set: must be masked */
	n[1] = right;
	n[2] = left;
}

/* Balanced tree over nodes lo..hi-1 keyed by index; returns its root VA. */
static uint64_t build(int lo, int hi, uint64_t parent)
{
	int mid = (lo + hi) / 2;

	if (lo >= hi)
		return 0;
	set(mid, parent, 0, 0);
	((uint64_t *)(mem + NODE(mid)))[2] = build(lo, mid, KBASE + NODE(mid));
	((uint64_t *)(mem + NODE(mid)))[1] = build(mid + 1, hi, KBASE + NODE(mid));
	return KBASE + NODE(mid);
}

struct seen { int n; uint64_t v[1024]; };

static int collect(struct vmi_ctx *c, uint64_t node, void *arg)
{
	struct seen *s = arg;

	(void)c;
	s->v[s->n++] = node;
	return 0;
}

static void test_in_order(void **state)
{
	struct seen s = { 0 };
	uint64_t where, root = build(0, 100, 0);

	(void)state;
	assert_int_equal(vmi_rb_walk(&ctx, root, 1000, collect, &s, &where), 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(s.v[i], KBASE + NODE(i));
	assert_int_equal(vmi_rb_walk(&ctx, 0, 10, collect, &s, &where), 0);
}

static void test_cycle_and_parents(void **state)
{
	struct seen s = { 0 };
	uint64_t where, root = build(0, 15, 0);

	(void)state;
	/* leaf 0's left child points back to the root: parent check fires */
	((uint64_t *)(mem + NODE(0)))[2] = root;
	assert_int_equal(vmi_rb_walk(&ctx, root, 1000, collect, &s, &where), VMI_RB_PARENT);
	/* a self-consistent downward chain longer than any real tree */
	for (int i = 0; i < 200; i++)
		set(i, i ? KBASE + NODE(i - 1) : 0, 0, KBASE + NODE(i + 1));
	set(200, KBASE + NODE(199), 0, KBASE + NODE(0)); /* and a loop at the end */
	assert_int_equal(vmi_rb_walk(&ctx, KBASE + NODE(0), 100000, NULL, NULL, &where),
			 VMI_RB_TOO_DEEP);
}

static void test_wild_and_bounds(void **state)
{
	struct seen s = { 0 };
	uint64_t where, root = build(0, 31, 0);

	(void)state;
	assert_int_equal(vmi_rb_walk(&ctx, root, 10, NULL, NULL, &where), VMI_RB_TOO_MANY);
	((uint64_t *)(mem + NODE(30)))[1] = 0xdead000000001000ULL;
	assert_int_equal(vmi_rb_walk(&ctx, root, 1000, collect, &s, &where), VMI_RB_TRANSLATE);
	assert_int_equal(where, 0xdead000000001000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cycle_and_parents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wild_and_bounds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
