// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The history of address-space root owners (daemon/lib/owners.c,
 * owners_json.c): without a history a process gets all its root's time;
 * an owner present when the history began keeps it all (inherited); a
 * process that takes a root freed at the last observation gets only the
 * growth since (at most its own guest run time); one that takes it from
 * another process between two observations gets its guest run time of that
 * interval and all after; a module entry made anew keeps what it had;
 * user halves of PTI roots are folded in only where every root is 8 KiB
 * aligned; a root neither tracked nor owned is dropped; two processes on
 * one mm; 2,000 random roots all found; the JSON form round-trips and a
 * malformed one is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/owners.h"
#include "lib/owners_json.h"

#define S 1000000000ULL
#define R 0x10000ULL
#define R2 0x24000ULL

static struct gs_own_proc proc(int32_t tgid, uint64_t start, uint64_t root, uint64_t guest_ns)
{
	return (struct gs_own_proc){ .tgid = tgid, .start = start, .root = root, .guest_ns = guest_ns };
}

static uint64_t cpu(const struct gs_owners *h, struct gs_own_proc p, uint64_t root_ns,
		    enum gs_own_basis want)
{
	enum gs_own_basis b;
	uint64_t ns = gs_owners_cpu(h, &p, root_ns, &b);

	assert_int_equal(b, want);
	return ns;
}

static void no_history(void **state)
{
	struct gs_owners h = { 0 };

	(void)state;
	assert_int_equal(cpu(&h, proc(5, 100, R, 1 * S), 7 * S, GS_OWN_ROOT), 7 * S);
}

static void inherited_then_freed_then_taken(void **state)
{
	struct gs_owners h = { 0 };
	struct gsched_space_info ti[1] = { { .root = R, .cpu_ns = 5 * S } };
	struct gs_own_proc a = proc(10, 100, R, 6 * S), b = proc(20, 900, R, S / 2);

	(void)state;
	/* A owns R when the history begins: all of R's time is A's */
	assert_int_equal(gs_owners_observe(&h, &a, 1, ti, 1), 0);
	assert_int_equal(cpu(&h, a, 6 * S, GS_OWN_INHERITED), 6 * S);
	/* A exits: R is free at the next observation (the module keeps it) */
	ti[0].cpu_ns = 6 * S;
	assert_int_equal(gs_owners_observe(&h, NULL, 0, ti, 1), 0);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.r[0].tgid, 0);
	/* B takes R: only the growth since is B's, before and after an observation */
	assert_int_equal(cpu(&h, b, 6 * S + S / 5, GS_OWN_FREE), S / 5);
	ti[0].cpu_ns = 6 * S + S / 5;
	assert_int_equal(gs_owners_observe(&h, &b, 1, ti, 1), 0);
	assert_int_equal(cpu(&h, b, 8 * S, GS_OWN_FREE), 2 * S);
	/* and A's old identity on the same root is not B */
	assert_int_equal(cpu(&h, proc(20, 901, R, S / 10), 8 * S, GS_OWN_TAKEN), S / 10);
	gs_owners_free(&h);
}

static void taken_between_observations(void **state)
{
	struct gs_owners h = { 0 };
	struct gsched_space_info ti[1] = { { .root = R, .cpu_ns = 5 * S } };
	struct gs_own_proc a = proc(10, 100, R, 5 * S), b = proc(11, 700, R, 3 * S / 10);

	(void)state;
	assert_int_equal(gs_owners_observe(&h, &a, 1, ti, 1), 0);
	/* A ran on, exited, and B took R, all before the next observation:
	 * R grew 1 s, B's own guest time says 0.3 s of it is B's */
	ti[0].cpu_ns = 6 * S;
	assert_int_equal(gs_owners_observe(&h, &b, 1, ti, 1), 0);
	assert_int_equal(cpu(&h, b, 6 * S, GS_OWN_TAKEN), 3 * S / 10);
	assert_int_equal(cpu(&h, b, 7 * S, GS_OWN_TAKEN), 13 * S / 10);
	/* a guest claiming more than the interval gets the interval only */
	b = proc(12, 800, R, 50 * S);
	assert_int_equal(cpu(&h, b, 8 * S, GS_OWN_TAKEN), 2 * S);
	gs_owners_free(&h);
}

static void module_entry_made_anew(void **state)
{
	struct gs_owners h = { 0 };
	struct gsched_space_info ti[1] = { { .root = R, .cpu_ns = 1 * S } };
	struct gs_own_proc a = proc(10, 100, R, 1 * S);

	(void)state;
	assert_int_equal(gs_owners_observe(&h, NULL, 0, ti, 1), 0); /* free */
	ti[0].cpu_ns = 5 * S;
	assert_int_equal(gs_owners_observe(&h, &a, 1, ti, 1), 0);
	assert_int_equal(cpu(&h, a, 5 * S, GS_OWN_FREE), 1 * S); /* its guest time caps it */
	/* the module evicted R and counts it from 0 again */
	ti[0].cpu_ns = S / 2;
	assert_int_equal(gs_owners_observe(&h, &a, 1, ti, 1), 0);
	assert_int_equal(cpu(&h, a, S / 2, GS_OWN_FREE), S + S / 2);
	/* the module no longer tracks R and A is gone: dropped */
	assert_int_equal(gs_owners_observe(&h, NULL, 0, NULL, 0), 0);
	assert_int_equal(h.n, 0);
	gs_owners_free(&h);
}

static void pti_halves(void **state)
{
	struct gsched_space_info ti[3] = { { .root = R, .cpu_ns = 2 * S },
					  { .root = R | 0x1000, .cpu_ns = 3 * S },
					  { .root = R2, .cpu_ns = 1 * S } };
	struct gs_own_proc even[2] = { proc(1, 1, R, 0), proc(2, 2, R2, 0) };
	struct gs_own_proc odd[3] = { proc(1, 1, R, 0), proc(2, 2, R2, 0), proc(3, 3, R | 0x1000, 0) };

	int found;

	(void)state;
	assert_true(gs_own_pti(even, 2));
	assert_int_equal(gs_own_root_ns(ti, 3, R, 1, &found), 5 * S);
	assert_true(found);
	assert_false(gs_own_pti(odd, 3));
	assert_int_equal(gs_own_root_ns(ti, 3, R, 0, NULL), 2 * S);
	assert_int_equal(gs_own_root_ns(ti, 3, R | 0x1000, 0, NULL), 3 * S);
	assert_int_equal(gs_own_root_ns(ti, 3, 0, 1, &found), 0);
	assert_false(found);
	assert_int_equal(gs_own_root_ns(ti, 3, 0x99000, 1, &found), 0);
	assert_false(found);
}

static void shared_mm_and_kernel_threads(void **state)
{
	struct gs_owners h = { 0 };
	struct gsched_space_info ti[1] = { { .root = R, .cpu_ns = 4 * S } };
	struct gs_own_proc p[3] = { proc(2, 1, 0, 9 * S), proc(30, 50, R, S), proc(31, 60, R, S) };

	(void)state;
	assert_int_equal(gs_owners_observe(&h, p, 3, ti, 1), 0);
	assert_int_equal(h.n, 1); /* the kernel thread has no root */
	assert_int_equal(h.r[0].tgid, 30);
	assert_int_equal(cpu(&h, p[1], 5 * S, GS_OWN_INHERITED), 5 * S);
	gs_owners_free(&h);
}

static void many_roots(void **state)
{
	enum { N = 2000 };
	struct gs_owners h = { 0 };
	struct gs_own_proc *p = calloc(N, sizeof(*p));
	struct gsched_space_info *ti = calloc(N, sizeof(*ti));

	(void)state;
	srand(7);
	for (int i = 0; i < N; i++) {
		uint64_t root = ((uint64_t)rand() << 13) ^ ((uint64_t)i << 40);

		p[i] = proc(i + 1, i, root, 0);
		ti[N - 1 - i] = (struct gsched_space_info){ .root = root, .cpu_ns = (uint64_t)i * 1000 };
	}
	assert_int_equal(gs_owners_observe(&h, p, N, ti, N), 0);
	assert_int_equal(h.n, N);
	for (int i = 0; i < N; i++) {
		p[i].guest_ns = 1;
		assert_int_equal(cpu(&h, p[i], (uint64_t)i * 1000 + 7, GS_OWN_INHERITED), (uint64_t)i * 1000 + 7);
	}
	gs_owners_free(&h);
	free(p);
	free(ti);
}

static void json_round_trip(void **state)
{
	struct gs_owners h = { 0 }, back;
	struct gsched_space_info ti[2] = { { .root = R, .cpu_ns = 5 * S }, { .root = R2, .cpu_ns = S } };
	struct gs_own_proc a = proc(10, 100, R, S);
	struct json_object *o, *bad;
	char err[256];

	(void)state;
	assert_int_equal(gs_owners_observe(&h, &a, 1, ti, 2), 0);
	assert_int_equal(gs_owners_observe(&h, &a, 1, ti, 2), 0);
	o = gs_owners_json(&h);
	assert_int_equal(gs_owners_from_json(o, &back, err, sizeof(err)), 0);
	assert_int_equal(back.n, h.n);
	assert_int_equal(back.observations, 2);
	assert_memory_equal(back.r, h.r, h.n * sizeof(*h.r));
	gs_owners_free(&back);
	json_object_put(o);
	bad = json_tokener_parse("{\"observations\": 1, \"owners\": [{\"root\": 5}]}");
	assert_int_not_equal(gs_owners_from_json(bad, &back, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "owner 0 malformed"));
	json_object_put(bad);
	gs_owners_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_history),
		cmocka_unit_test(inherited_then_freed_then_taken),
		cmocka_unit_test(taken_between_observations),
		cmocka_unit_test(module_entry_made_anew),
		cmocka_unit_test(pti_halves),
		cmocka_unit_test(shared_mm_and_kernel_threads),
		cmocka_unit_test(many_roots),
		cmocka_unit_test(json_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
