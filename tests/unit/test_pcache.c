// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Unit tests of the page cache's working set (daemon/vmi/mem.c): the pages a
 * pause read are read again, in one batch, at the start of the next pause,
 * with the contents of that pause; pages the batch could not read are read
 * one by one; reads outside a pause, and backends without a batch read, are
 * left as they were. The backend here is a buffer that counts its calls. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "vmi/mem.h"

#define PAGES 64
#define PG 4096u

struct fake {
	uint8_t mem[PAGES * PG];
	unsigned int reads, readv_calls, readv_pages;
	uint64_t bad_pa; /* a page the batch read refuses (0: none) */
};

static int f_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct fake *f = ctx;

	if (pa > sizeof(f->mem) || len > sizeof(f->mem) - pa)
		return -14;
	f->reads++;
	memcpy(buf, f->mem + pa, len);
	return 0;
}

static int f_readv(void *ctx, const uint64_t *pa, void *const *buf, unsigned int n, unsigned char *ok)
{
	struct fake *f = ctx;

	f->readv_calls++;
	for (unsigned int i = 0; i < n; i++) {
		ok[i] = pa[i] != f->bad_pa && pa[i] + PG <= sizeof(f->mem);
		if (ok[i]) {
			memcpy(buf[i], f->mem + pa[i], PG);
			f->readv_pages++;
		}
	}
	return 0;
}

static const struct vmi_mem_ops with_readv = { .name = "fake", .read = f_read, .readv = f_readv };
static const struct vmi_mem_ops without_readv = { .name = "fake-noreadv", .read = f_read };

static struct fake *setup(struct vmi_mem *m, const struct vmi_mem_ops *ops, unsigned int slots)
{
	struct fake *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	for (unsigned int p = 0; p < PAGES; p++)
		memset(f->mem + p * PG, (int)p, PG);
	memset(m, 0, sizeof(*m));
	m->ops = ops;
	m->ctx = f;
	m->size = sizeof(f->mem);
	assert_int_equal(vmi_mem_cache(m, slots), 0);
	return f;
}

static void teardown(struct vmi_mem *m, struct fake *f)
{
	m->ops = NULL; /* nothing to close: f is freed here */
	vmi_close(m);
	free(f);
}

static uint8_t byte_at(struct vmi_mem *m, uint64_t pa)
{
	uint8_t b = 0xee;

	assert_int_equal(vmi_read(m, pa, &b, 1), 0);
	return b;
}

static void next_pause_reads_the_last_pauses_pages_in_one_batch(void **state)
{
	struct vmi_mem m;
	struct fake *f = setup(&m, &with_readv, 256);
	const uint64_t pages[] = { 3, 17, 40, 41 };

	(void)state;
	vmi_mem_paused(&m);
	assert_int_equal(f->readv_calls, 0); /* nothing read before */
	for (int i = 0; i < 4; i++)
		assert_int_equal(byte_at(&m, pages[i] * PG + 5), pages[i]);
	assert_int_equal(f->reads, 4);
	vmi_mem_resumed(&m);
	/* the guest runs and changes a page of the set */
	memset(f->mem + 17 * PG, 0x99, PG);
	vmi_mem_paused(&m);
	assert_int_equal(f->readv_calls, 1);
	assert_int_equal(f->readv_pages, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(byte_at(&m, pages[i] * PG + 7), pages[i] == 17 ? 0x99 : pages[i]);
	assert_int_equal(f->reads, 4); /* none read one by one */
	assert_int_equal(m.prefetched, 4);
	assert_int_equal(m.prefetch_used, 4);
	vmi_mem_resumed(&m);
	/* what was read in is of that pause only */
	assert_int_equal(byte_at(&m, 3 * PG), 3);
	assert_int_equal(f->reads, 5);
	teardown(&m, f);
}

static void working_set_follows_what_the_pause_used(void **state)
{
	struct vmi_mem m;
	struct fake *f = setup(&m, &with_readv, 256);

	(void)state;
	vmi_mem_paused(&m);
	byte_at(&m, 1 * PG);
	byte_at(&m, 2 * PG);
	vmi_mem_resumed(&m);
	vmi_mem_paused(&m);      /* reads 1 and 2 ahead; only 2 and 9 are used */
	byte_at(&m, 2 * PG);
	byte_at(&m, 9 * PG);
	vmi_mem_resumed(&m);
	f->readv_pages = 0;
	vmi_mem_paused(&m);
	assert_int_equal(f->readv_pages, 2);
	assert_int_equal(m.prefetch_used, 1);
	byte_at(&m, 2 * PG);
	byte_at(&m, 9 * PG);
	assert_int_equal(m.prefetch_used, 3);
	vmi_mem_resumed(&m);
	teardown(&m, f);
}

static void a_page_the_batch_misses_is_read_by_the_walk(void **state)
{
	struct vmi_mem m;
	struct fake *f = setup(&m, &with_readv, 256);
	unsigned int reads;

	(void)state;
	vmi_mem_paused(&m);
	byte_at(&m, 5 * PG);
	byte_at(&m, 6 * PG);
	vmi_mem_resumed(&m);
	f->bad_pa = 6 * PG;
	memset(f->mem + 6 * PG, 0x66, PG);
	vmi_mem_paused(&m);
	reads = f->reads;
	assert_int_equal(f->readv_pages, 1);
	assert_int_equal(byte_at(&m, 5 * PG), 5);
	assert_int_equal(f->reads, reads);
	assert_int_equal(byte_at(&m, 6 * PG + 100), 0x66);
	assert_int_equal(f->reads, reads + 1);
	vmi_mem_resumed(&m);
	teardown(&m, f);
}

static void reads_outside_a_pause_are_not_in_the_set(void **state)
{
	struct vmi_mem m;
	struct fake *f = setup(&m, &with_readv, 256);

	(void)state;
	byte_at(&m, 11 * PG); /* the guest runs: a banner search, say */
	vmi_mem_paused(&m);
	assert_int_equal(f->readv_calls, 0);
	vmi_mem_resumed(&m);
	vmi_mem_paused(&m);   /* the last pause read nothing */
	assert_int_equal(f->readv_calls, 0);
	vmi_mem_resumed(&m);
	teardown(&m, f);
}

static void a_backend_without_batches_reads_as_before(void **state)
{
	struct vmi_mem m;
	struct fake *f = setup(&m, &without_readv, 256);

	(void)state;
	for (int round = 0; round < 3; round++) {
		vmi_mem_paused(&m);
		assert_int_equal(byte_at(&m, 12 * PG), 12);
		assert_int_equal(byte_at(&m, 12 * PG + 1), 12); /* a hit */
		vmi_mem_resumed(&m);
	}
	assert_int_equal(f->reads, 3);
	assert_int_equal(m.prefetched, 0);
	teardown(&m, f);
}

static void the_set_is_bounded_by_the_cache_and_shared_slots_stay_right(void **state)
{
	struct vmi_mem m;
	struct fake *f = setup(&m, &with_readv, 4); /* 4 slots: pages share them */

	(void)state;
	for (int round = 0; round < 3; round++) {
		vmi_mem_paused(&m);
		for (uint64_t p = 0; p < PAGES; p++)
			assert_int_equal(byte_at(&m, p * PG + 9), p);
		vmi_mem_resumed(&m);
		assert_true(f->readv_pages <= 4 * (unsigned int)round);
	}
	teardown(&m, f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(next_pause_reads_the_last_pauses_pages_in_one_batch),
		cmocka_unit_test(working_set_follows_what_the_pause_used),
		cmocka_unit_test(a_page_the_batch_misses_is_read_by_the_walk),
		cmocka_unit_test(reads_outside_a_pause_are_not_in_the_set),
		cmocka_unit_test(a_backend_without_batches_reads_as_before),
		cmocka_unit_test(the_set_is_bounded_by_the_cache_and_shared_slots_stay_right),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
