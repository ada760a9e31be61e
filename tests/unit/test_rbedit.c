// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit tests of daemon/vmi/rbedit.c and edits.c: thousands of random inserts
 * and erases through pending edits on a tree in synthetic memory, each
 * committed and the tree then checked against the red-black rules, its
 * parent links, its order, its leftmost pointer and its size; hostile trees
 * (a cycle, an unreadable node) fail the edit and write nothing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmi/rbedit.h"

#define BASE 0xffff888000000000ULL
#define NODES 512
#define ROOT (BASE + 0x100)               /* rb_root_cached */
#define NODE(i) (BASE + 0x1000 + (uint64_t)(i) * 0x40)  /* rb_node at +0, key at +24 */
#define MEMSZ (0x1000 + NODES * 0x40)

static uint8_t mem[MEMSZ];
static int unreadable = -1;               /* node index whose reads fail */

static uint64_t *at(uint64_t va) { return (uint64_t *)(mem + (va - BASE)); }

static int rd(void *ctx, uint64_t va, void *buf, size_t len)
{
	(void)ctx;
	if (va < BASE || va + len > BASE + MEMSZ)
		return -1;
	if (unreadable >= 0 && va >= NODE(unreadable) && va < NODE(unreadable) + 0x40)
		return -1;
	memcpy(buf, mem + (va - BASE), len);
	return 0;
}

static void commit(struct vmi_edits *ed)
{
	assert_int_equal(ed->err, 0);
	for (size_t i = 0; i < ed->n; i++)
		memcpy(mem + (ed->e[i].va - BASE), &ed->e[i].val, ed->e[i].len);
}

static int less(struct vmi_edits *ed, uint64_t a, uint64_t b, void *arg)
{
	(void)arg;
	/* the CFS order: (s64)(a - b) < 0 */
	return (int64_t)(vmi_ed_get64(ed, a + 24) - vmi_ed_get64(ed, b + 24)) < 0;
}

/* Black height of the subtree at n, checking colours, parent links and
 * order on the way; counts nodes; -1 on any violation. */
static int check(uint64_t n, uint64_t par, uint64_t *prev_key, int *have_prev, int *count)
{
	int lh, rh;

	if (!n)
		return 1;
	if ((at(n)[0] & ~3ULL) != par)
		return -1;
	if (!(at(n)[0] & 1) && ((at(n)[1] && !(at(at(n)[1])[0] & 1)) ||
				 (at(n)[2] && !(at(at(n)[2])[0] & 1))))
		return -1; /* red node with a red child */
	lh = check(at(n)[2], n, prev_key, have_prev, count);
	if (lh < 0)
		return -1;
	if (*have_prev && (int64_t)(at(n)[3] - *prev_key) < 0)
		return -1;
	*prev_key = at(n)[3];
	*have_prev = 1;
	(*count)++;
	rh = check(at(n)[1], n, prev_key, have_prev, count);
	if (rh < 0 || rh != lh)
		return -1;
	return lh + (at(n)[0] & 1);
}

static void assert_tree(int expect)
{
	uint64_t root = at(ROOT)[0], leftmost = root, prev = 0;
	int have = 0, count = 0;

	if (root)
		assert_true(at(root)[0] & 1); /* a black root */
	assert_true(check(root, 0, &prev, &have, &count) > 0);
	assert_int_equal(count, expect);
	while (leftmost && at(leftmost)[2])
		leftmost = at(leftmost)[2];
	assert_int_equal(at(ROOT)[1], leftmost);
}

static void test_random_ops(void **state)
{
	int in[NODES] = { 0 }, n = 0;
	struct vmi_edits ed;

	(void)state;
	memset(mem, 0, sizeof(mem));
	srand(7);
	for (int i = 0; i < NODES; i++)
		at(NODE(i))[3] = (uint64_t)(rand() % 97) - 40; /* duplicates and wrap-around */
	for (int step = 0; step < 20000; step++) {
		int i = rand() % NODES;

		vmi_edits_init(&ed, rd, NULL);
		if (in[i]) {
			vmi_rbe_erase_cached(&ed, NODE(i), ROOT);
			n--;
		} else {
			vmi_rbe_add_cached(&ed, NODE(i), ROOT, less, NULL);
			n++;
		}
		commit(&ed);
		in[i] = !in[i];
		if (step % 97 == 0 || n < 8)
			assert_tree(n);
	}
	assert_tree(n);
	/* empty it */
	for (int i = 0; i < NODES; i++) {
		if (!in[i])
			continue;
		vmi_edits_init(&ed, rd, NULL);
		vmi_rbe_erase_cached(&ed, NODE(i), ROOT);
		commit(&ed);
		assert_tree(--n);
	}
	assert_int_equal(at(ROOT)[0], 0);
	assert_int_equal(at(ROOT)[1], 0);
}

/* Equal keys go right: nodes inserted with one key come out in insertion
 * order, as the guest's rb_add_cached leaves them. */
static void test_equal_keys_fifo(void **state)
{
	struct vmi_edits ed;
	uint64_t n;
	int seen = 0;

	(void)state;
	memset(mem, 0, sizeof(mem));
	for (int i = 0; i < 40; i++) {
		at(NODE(i))[3] = 5;
		vmi_edits_init(&ed, rd, NULL);
		assert_int_equal(vmi_rbe_add_cached(&ed, NODE(i), ROOT, less, NULL), i == 0);
		commit(&ed);
	}
	assert_tree(40);
	vmi_edits_init(&ed, rd, NULL);
	for (n = at(ROOT)[1]; n; n = vmi_rbe_next(&ed, n))
		assert_int_equal(n, NODE(seen++));
	assert_int_equal(seen, 40);
}

/* Nodes 0..15 keyed by their index, inserted in order. */
static void build16(void)
{
	struct vmi_edits ed;

	memset(mem, 0, sizeof(mem));
	for (int i = 0; i < 16; i++) {
		at(NODE(i))[3] = (uint64_t)i;
		vmi_edits_init(&ed, rd, NULL);
		vmi_rbe_add_cached(&ed, NODE(i), ROOT, less, NULL);
		commit(&ed);
	}
}

/* A planted cycle or an unreadable node fails the edit: nothing to commit. */
static void test_hostile(void **state)
{
	struct vmi_edits ed;

	(void)state;
	build16();
	/* the largest node's right child points back at the root */
	for (uint64_t n = at(ROOT)[0]; n; n = at(n)[1])
		if (!at(n)[1]) {
			at(n)[1] = at(ROOT)[0];
			break;
		}
	vmi_edits_init(&ed, rd, NULL);
	vmi_rbe_add_cached(&ed, NODE(100), ROOT, less, NULL);
	at(NODE(100))[3] = 1000;
	vmi_edits_init(&ed, rd, NULL);
	vmi_rbe_add_cached(&ed, NODE(100), ROOT, less, NULL);
	assert_int_not_equal(ed.err, 0);
	/* a left chain that cycles under a right child: rb_next ends, failed */
	at(NODE(200))[1] = NODE(201);
	at(NODE(201))[2] = NODE(202);
	at(NODE(202))[2] = NODE(201);
	vmi_edits_init(&ed, rd, NULL);
	assert_int_equal(vmi_rbe_next(&ed, NODE(200)), 0);
	assert_int_not_equal(ed.err, 0);

	build16();
	unreadable = 8;
	vmi_edits_init(&ed, rd, NULL);
	vmi_rbe_erase_cached(&ed, NODE(9), ROOT);
	assert_int_equal(ed.err, VMI_EDITS_EREAD);
	unreadable = -1;
	assert_tree(16);
}

/* The overlay: reads see pending writes; sizes may not overlap. */
static void test_overlay(void **state)
{
	struct vmi_edits ed;

	(void)state;
	memset(mem, 0, sizeof(mem));
	at(NODE(0))[0] = 0x1122334455667788ULL;
	vmi_edits_init(&ed, rd, NULL);
	assert_int_equal(vmi_ed_get32(&ed, NODE(0)), 0x55667788);
	vmi_ed_set32(&ed, NODE(0) + 4, 7);
	assert_int_equal(vmi_ed_get32(&ed, NODE(0) + 4), 7);
	assert_int_equal(at(NODE(0))[0], 0x1122334455667788ULL); /* nothing written yet */
	assert_int_equal(ed.n, 1);
	vmi_ed_get64(&ed, NODE(0));
	assert_int_equal(ed.err, VMI_EDITS_EOVERLAP);
	vmi_edits_init(&ed, rd, NULL);
	vmi_ed_get64(&ed, NODE(0) + 4);
	assert_int_equal(ed.err, VMI_EDITS_EALIGN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_ops),
		cmocka_unit_test(test_equal_keys_fifo),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_overlay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
