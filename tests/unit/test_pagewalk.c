// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit tests of daemon/vmi/pagewalk.c on synthetic guest memory: page tables
 * built here for 4- and 5-level paging with 4 KiB, 2 MiB and 1 GiB pages, and
 * malformed ones (absent entries, tables outside memory, reserved bits,
 * self-referencing tables, non-canonical addresses). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmi/pagewalk.h"

#define MEM (8u << 20)
#define P 0x1ULL
#define PS 0x80ULL

struct guest {
	uint8_t *mem;
	uint64_t next;      /* next free page for tables */
	uint64_t root;
	int levels;
	struct vmi_mem m;
};

static uint64_t new_table(struct guest *g)
{
	uint64_t pa = g->next;

	g->next += 4096;
	memset(g->mem + pa, 0, 4096);
	return pa;
}

static uint64_t *entry(struct guest *g, uint64_t table, uint64_t va, int level)
{
	return (uint64_t *)(g->mem + table) + ((va >> (12 + 9 * (level - 1))) & 511);
}

/* Map va -> pa with a page at 'leaf' level (1: 4K, 2: 2M, 3: 1G). */
static void map(struct guest *g, uint64_t va, uint64_t pa, int leaf)
{
	uint64_t table = g->root;

	for (int level = g->levels; level > leaf; level--) {
		uint64_t *e = entry(g, table, va, level);

		if (!(*e & P))
			*e = new_table(g) | P | 0x2;
		table = *e & 0x000ffffffffff000ULL;
	}
	*entry(g, table, va, leaf) = pa | P | 0x2 | (leaf > 1 ? PS : 0) |
				     0x8000000000000000ULL; /* NX is ignored */
}

static struct guest *guest(int levels)
{
	static struct guest g;

	if (!g.mem)
		g.mem = calloc(1, MEM);
	memset(g.mem, 0, MEM);
	g.next = 0x100000;
	g.levels = levels;
	g.root = new_table(&g);
	assert_int_equal(vmi_mem_buffer(&g.m, g.mem, MEM, NULL), 0);
	return &g;
}

static void done(struct guest *g)
{
	vmi_close(&g->m);
}

static void four_level_4k_2m_1g(void **state)
{
	struct guest *g = guest(4);
	struct vmi_walk w;

	(void)state;
	map(g, 0xffff888000001000ULL, 0x5000, 1);
	map(g, 0xffffffff81000000ULL, 0x400000, 2);
	map(g, 0x00007f0000000000ULL, 0x40000000, 3);
	assert_int_equal(vmi_translate(&g->m, g->root | 0x8000000000000005ULL, 4,
				       0xffff888000001234ULL, &w), 0);
	assert_int_equal(w.pa, 0x5234);
	assert_int_equal(w.page_size, 4096);
	assert_int_equal(vmi_translate(&g->m, g->root, 4, 0xffffffff81012345ULL, &w), 0);
	assert_int_equal(w.pa, 0x412345);
	assert_int_equal(w.page_size, 2u << 20);
	assert_int_equal(vmi_translate(&g->m, g->root, 4, 0x00007f0012345678ULL, &w), 0);
	assert_int_equal(w.pa, 0x52345678ULL);
	assert_int_equal(w.page_size, 1u << 30);
	done(g);
}

static void five_level(void **state)
{
	struct guest *g = guest(5);
	struct vmi_walk w;

	(void)state;
	map(g, 0xff11000000003000ULL, 0x7000, 1);   /* needs all 57 bits */
	assert_int_equal(vmi_translate(&g->m, g->root, 5, 0xff11000000003010ULL, &w), 0);
	assert_int_equal(w.pa, 0x7010);
	/* The same address is not canonical under 4-level paging. */
	assert_int_equal(vmi_translate(&g->m, g->root, 4, 0xff11000000003010ULL, &w),
			 VMI_WALK_NONCANONICAL);
	done(g);
}

static void absent_and_malformed_entries_fail_cleanly(void **state)
{
	struct guest *g = guest(4);
	struct vmi_walk w;
	uint64_t va = 0xffff888000200000ULL;

	(void)state;
	assert_int_equal(vmi_translate(&g->m, g->root, 4, va, &w), VMI_WALK_NOTPRESENT);
	assert_int_equal(w.level, 4);
	/* A PML4 entry pointing far outside guest memory. */
	*entry(g, g->root, va, 4) = 0x000ff00000000000ULL | P;
	assert_int_equal(vmi_translate(&g->m, g->root, 4, va, &w), VMI_WALK_READ);
	assert_int_equal(w.level, 3);
	/* A page-size bit in a PML4 entry is reserved. */
	*entry(g, g->root, va, 4) = 0x200000 | P | PS;
	assert_int_equal(vmi_translate(&g->m, g->root, 4, va, &w), VMI_WALK_RESERVED);
	/* A table that points to itself at every level: bounded by the depth. */
	*entry(g, g->root, va, 4) = g->root | P;
	*entry(g, g->root, va, 3) = g->root | P;
	*entry(g, g->root, va, 2) = g->root | P;
	*entry(g, g->root, va, 1) = g->root | P;
	assert_int_equal(vmi_translate(&g->m, g->root, 4, va, &w), VMI_WALK_OK);
	assert_int_equal(w.pa, g->root);
	assert_int_equal(vmi_translate(&g->m, MEM + 0x1000, 4, va, &w), VMI_WALK_READ);
	assert_int_equal(vmi_translate(&g->m, g->root, 3, va, &w), VMI_WALK_BADARG);
	assert_string_equal(vmi_walk_strerror(VMI_WALK_READ), "page table outside guest memory");
	done(g);
}

static void cache_hits_within_a_pause_and_drops_on_resume(void **state)
{
	struct guest *g = guest(4);
	static struct vmi_tcache c;
	uint64_t pa;

	(void)state;
	map(g, 0xffff888000001000ULL, 0x5000, 1);
	assert_int_equal(vmi_translate_cached(&c, &g->m, g->root, 4, 0xffff888000001008ULL, &pa), 0);
	assert_int_equal(pa, 0x5008);
	assert_int_equal(vmi_translate_cached(&c, &g->m, g->root, 4, 0xffff888000001ff0ULL, &pa), 0);
	assert_int_equal(pa, 0x5ff0);
	assert_int_equal(c.hits, 1);
	/* The guest remaps the page while running; after resume the cache
	 * must not return the old frame. */
	map(g, 0xffff888000001000ULL, 0x9000, 1);
	assert_int_equal(vmi_resume(&g->m), 0);
	assert_int_equal(vmi_translate_cached(&c, &g->m, g->root, 4, 0xffff888000001008ULL, &pa), 0);
	assert_int_equal(pa, 0x9008);
	assert_int_equal(c.misses, 2);
	done(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(four_level_4k_2m_1g),
		cmocka_unit_test(five_level),
		cmocka_unit_test(absent_and_malformed_entries_fail_cleanly),
		cmocka_unit_test(cache_hits_within_a_pause_and_drops_on_resume),
	};

	return cmocka_run_group_tests_name("pagewalk", tests, NULL, NULL);
}
