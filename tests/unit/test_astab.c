// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kmod/core/astab.c: CR3 normalisation, insert/find, LRU
 * eviction, deletion keeping probe runs intact. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/astab.h"

#define ROOT(i) ((u64)(i) << 12)

static void cr3_root_strips_pcid_and_noflush(void **state)
{
	(void)state;
	assert_int_equal(gs_cr3_root(0x8000000012345abcULL), 0x12345000ULL);
	assert_int_equal(gs_cr3_root(0x4f97000), 0x4f97000);
	assert_int_equal(gs_cr3_root(0xfff), 0);
}

static void slots_for_respects_load_factor(void **state)
{
	(void)state;
	assert_int_equal(gs_astab_slots_for(512), 1024);
	assert_int_equal(gs_astab_slots_for(768), 1024);
	assert_int_equal(gs_astab_slots_for(769), 2048);
	assert_int_equal(gs_astab_slots_for(1), 2);
}

static void get_inserts_once_and_find_returns_it(void **state)
{
	struct gs_as slots[GS_ASTAB_ENTRIES(16)];
	struct gs_astab t;
	struct gs_as *a;

	(void)state;
	gs_astab_init(&t, slots, 16, 12);
	a = gs_astab_get(&t, ROOT(7), 100);
	assert_non_null(a);
	assert_int_equal(a->first_seen, 100);
	a->cpu_ns = 5;
	assert_ptr_equal(gs_astab_get(&t, ROOT(7), 200), a);
	assert_ptr_equal(gs_astab_find(&t, ROOT(7)), a);
	assert_int_equal(a->cpu_ns, 5);
	assert_int_equal(t.count, 1);
	assert_null(gs_astab_find(&t, ROOT(8)));
	assert_null(gs_astab_get(&t, 0, 1)); /* root 0 means "unknown" */
}

static void full_table_evicts_least_recently_seen(void **state)
{
	struct gs_as slots[GS_ASTAB_ENTRIES(16)];
	struct gs_astab t;
	u32 i;

	(void)state;
	gs_astab_init(&t, slots, 16, 12);
	for (i = 1; i <= 12; i++)
		gs_astab_get(&t, ROOT(i), 1000 + i)->last_seen = 1000 + i;
	gs_astab_get(&t, ROOT(1), 5000)->last_seen = 5000; /* 1 is recent now */
	gs_astab_get(&t, ROOT(100), 6000);
	assert_int_equal(t.count, 12);
	assert_int_equal(t.evictions, 1);
	assert_null(gs_astab_find(&t, ROOT(2)));   /* the oldest went */
	assert_non_null(gs_astab_find(&t, ROOT(1)));
	for (i = 3; i <= 12; i++)
		assert_non_null(gs_astab_find(&t, ROOT(i)));
}

/* Against a model: after every get, the live entries are exactly the
 * 'limit' most recently got distinct roots (eviction is exact LRU, O(1)). */
static void eviction_is_exact_lru(void **state)
{
	static struct gs_as slots[GS_ASTAB_ENTRIES(64)];
	static u64 last[256];
	struct gs_astab t;
	u32 seed = 12345, step, r, live, k;

	(void)state;
	gs_astab_init(&t, slots, 64, 48);
	for (step = 1; step <= 20000; step++) {
		seed = seed * 1103515245u + 12345u;
		r = 1 + (seed >> 16) % 200;
		gs_astab_get(&t, ROOT(r), step)->last_seen = step;
		last[r] = step;
		live = 0;
		for (k = 1; k <= 200; k++) {
			/* rank: how many roots were got more recently than k */
			u32 newer = 0, j;

			if (!last[k])
				continue;
			for (j = 1; j <= 200; j++)
				newer += last[j] > last[k];
			if (newer < 48)
				assert_non_null(gs_astab_find(&t, ROOT(k)));
			else
				assert_null(gs_astab_find(&t, ROOT(k)));
			live += newer < 48;
		}
		assert_int_equal(t.count, live);
		if (step > 2000)
			step += 97; /* the model is O(n^2): sample the rest */
	}
}

static void churn_keeps_every_live_entry_findable(void **state)
{
	struct gs_as slots[GS_ASTAB_ENTRIES(64)];
	struct gs_astab t;
	u32 i, j, found;

	(void)state;
	gs_astab_init(&t, slots, 64, 48);
	/* Far more address spaces than slots, each seen once: eviction and
	 * backward-shift deletion run thousands of times. */
	for (i = 1; i <= 5000; i++) {
		struct gs_as *a = gs_astab_get(&t, ROOT(i * 7919), i);

		assert_non_null(a);
		a->last_seen = i;
		assert_true(t.count <= 48);
	}
	/* The 48 most recent are exactly the live ones. */
	for (j = 5000 - 47, found = 0; j <= 5000; j++)
		found += gs_astab_find(&t, ROOT(j * 7919)) != NULL;
	assert_int_equal(found, 48);
	assert_int_equal(t.evictions, 5000 - 48);
}

static void snapshot_copies_live_entries(void **state)
{
	struct gs_as slots[GS_ASTAB_ENTRIES(16)], out[16];
	struct gs_astab t;

	(void)state;
	gs_astab_init(&t, slots, 16, 12);
	gs_astab_get(&t, ROOT(1), 1);
	gs_astab_get(&t, ROOT(2), 1);
	gs_astab_get(&t, ROOT(3), 1);
	assert_int_equal(gs_astab_snapshot(&t, out, 16), 3);
	assert_int_equal(gs_astab_snapshot(&t, out, 2), 2);
	assert_int_equal(gs_astab_snapshot(&t, out, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cr3_root_strips_pcid_and_noflush),
		cmocka_unit_test(slots_for_respects_load_factor),
		cmocka_unit_test(get_inserts_once_and_find_returns_it),
		cmocka_unit_test(full_table_evicts_least_recently_seen),
		cmocka_unit_test(eviction_is_exact_lru),
		cmocka_unit_test(churn_keeps_every_live_entry_findable),
		cmocka_unit_test(snapshot_copies_live_entries),
	};

	return cmocka_run_group_tests_name("astab", tests, NULL, NULL);
}
