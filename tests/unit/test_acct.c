// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kmod/core/acct.c: which CPU time is charged to which guest
 * address space, in exact and sampling mode, across exits, address-space
 * switches, host deschedules and fastpath re-entries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "core/acct.h"

#define A 0x1000ULL
#define B 0x2000ULL

struct fx {
	struct gs_as slots[GS_ASTAB_ENTRIES(16)];
	struct gs_astab t;
	struct gs_vcpu_acct v;
};

static int setup(void **state)
{
	static struct fx f;

	gs_astab_init(&f.t, f.slots, 16, 12);
	gs_acct_init(&f.v, 3);
	*state = &f;
	return 0;
}

static u64 cpu(struct fx *f, u64 root)
{
	struct gs_as *a = gs_astab_find(&f->t, root);

	return a ? a->cpu_ns : 0;
}

static void exact_charges_until_the_root_changes(void **state)
{
	struct fx *f = *state;

	gs_acct_entry(&f->t, &f->v, A, 100);
	gs_acct_exit(&f->t, &f->v, 0, 150);      /* timer exit */
	gs_acct_entry(&f->t, &f->v, A, 160);     /* KVM handled it: 10 ns, still A */
	gs_acct_exit(&f->t, &f->v, 0, 200);      /* the guest writes CR3 */
	gs_acct_entry(&f->t, &f->v, B, 230);     /* handling of that exit: A's */
	gs_acct_sched_out(&f->t, &f->v, 0, 300); /* B ran 70 ns, thread leaves */
	assert_int_equal(cpu(f, A), 130);
	assert_int_equal(cpu(f, B), 70);
	assert_int_equal(f->v.run_ns, 200);
	assert_int_equal(f->v.switches, 2);
	assert_int_equal(gs_astab_find(&f->t, B)->switches, 1);
	assert_int_equal(gs_astab_find(&f->t, B)->last_vcpu, 3);
}

static void host_deschedule_is_not_charged(void **state)
{
	struct fx *f = *state;

	gs_acct_entry(&f->t, &f->v, A, 1000);
	gs_acct_exit(&f->t, &f->v, 0, 1100);
	gs_acct_sched_out(&f->t, &f->v, 0, 1120);  /* preempted for 10 ms */
	gs_acct_entry(&f->t, &f->v, A, 10001120);
	gs_acct_sched_out(&f->t, &f->v, 0, 10001200);
	assert_int_equal(cpu(f, A), 200);
	assert_int_equal(f->v.descheds, 2);
	/* Descheduled twice in a row (e.g. halted): nothing more charged. */
	gs_acct_sched_out(&f->t, &f->v, 0, 20000000);
	assert_int_equal(cpu(f, A), 200);
	assert_int_equal(f->v.descheds, 2);
}

static void fastpath_reentry_keeps_charging(void **state)
{
	struct fx *f = *state;

	gs_acct_entry(&f->t, &f->v, A, 0);
	gs_acct_entry(&f->t, &f->v, A, 70);  /* no kvm_exit seen: fastpath */
	gs_acct_sched_out(&f->t, &f->v, 0, 100);
	assert_int_equal(cpu(f, A), 100);
	assert_int_equal(f->v.entries, 2);
	assert_int_equal(f->v.switches, 1);
}

static void sampling_charges_the_root_seen_at_exit(void **state)
{
	struct fx *f = *state;

	gs_acct_entry(&f->t, &f->v, 0, 0);       /* root unknown at entry */
	gs_acct_exit(&f->t, &f->v, A, 40);       /* exit saw A: 0-40 is A's */
	gs_acct_entry(&f->t, &f->v, 0, 50);
	gs_acct_exit(&f->t, &f->v, B, 80);       /* guest switched: 40-80 is B's */
	gs_acct_sched_out(&f->t, &f->v, B, 90);
	assert_int_equal(cpu(f, A), 40);
	assert_int_equal(cpu(f, B), 50);
	assert_int_equal(f->v.switches, 2);
}

static void time_going_backwards_charges_nothing(void **state)
{
	struct fx *f = *state;

	gs_acct_entry(&f->t, &f->v, A, 500);
	gs_acct_sched_out(&f->t, &f->v, 0, 400);
	assert_int_equal(cpu(f, A), 0);
	assert_int_equal(f->v.open, 0);
}

/* The hot path leaves the table alone: exits and same-root entries only
 * grow the vCPU's pending time, which readers lend to the table. */
static void exits_stay_on_the_vcpu_until_a_switch(void **state)
{
	struct fx *f = *state;
	u64 lent;

	gs_acct_entry(&f->t, &f->v, A, 0);
	for (u64 now = 10; now <= 1000; now += 10) {
		assert_true(gs_acct_exit_fast(&f->v, 0, now));
		assert_true(gs_acct_entry_fast(&f->v, A, now + 1));
	}
	assert_int_equal(cpu(f, A), 0);           /* nothing folded yet */
	assert_int_equal(f->v.pending, 1000);
	lent = gs_acct_lend(&f->t, &f->v);        /* a reader's view */
	assert_int_equal(lent, 1000);
	assert_int_equal(cpu(f, A), 1000);
	gs_acct_unlend(&f->t, &f->v, lent);
	assert_int_equal(cpu(f, A), 0);
	assert_false(gs_acct_entry_fast(&f->v, B, 1100)); /* a switch needs the table */
	gs_acct_entry(&f->t, &f->v, B, 1100);
	assert_int_equal(cpu(f, A), 1100);        /* folded at the switch */
	assert_int_equal(f->v.pending, 0);
	assert_false(gs_acct_exit_fast(&f->v, A, 1200)); /* sampling saw another root */
}

/* A root a vCPU runs is not evicted while it is held (a deschedule keeps
 * it held), however many other address spaces come and go; once the vCPU
 * switches away, it ages out as usual. */
static void held_roots_survive_eviction(void **state)
{
	struct fx *f = *state;
	struct gs_vcpu_acct w;

	gs_acct_init(&w, 4);
	gs_acct_entry(&f->t, &f->v, A, 0);         /* vCPU 3 runs A for long */
	for (u64 r = 1; r <= 100; r++)             /* vCPU 4 churns */
		gs_acct_entry(&f->t, &w, (r + 16) << 12, r * 10);
	assert_non_null(gs_astab_find(&f->t, A));
	assert_true(f->t.evictions > 0);
	gs_acct_sched_out(&f->t, &f->v, 0, 5000);
	assert_int_equal(cpu(f, A), 5000);
	gs_acct_entry(&f->t, &f->v, B, 5000);      /* vCPU 3 moves on: A is let go */
	for (u64 r = 101; r <= 120; r++)
		gs_acct_entry(&f->t, &w, (r + 16) << 12, 5000 + r);
	assert_null(gs_astab_find(&f->t, A));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(exact_charges_until_the_root_changes, setup),
		cmocka_unit_test_setup(host_deschedule_is_not_charged, setup),
		cmocka_unit_test_setup(fastpath_reentry_keeps_charging, setup),
		cmocka_unit_test_setup(sampling_charges_the_root_seen_at_exit, setup),
		cmocka_unit_test_setup(time_going_backwards_charges_nothing, setup),
		cmocka_unit_test_setup(exits_stay_on_the_vcpu_until_a_switch, setup),
		cmocka_unit_test_setup(held_roots_survive_eviction, setup),
	};

	return cmocka_run_group_tests_name("acct", tests, NULL, NULL);
}
