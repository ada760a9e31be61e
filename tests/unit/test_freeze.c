// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Suspend and resume through the guest's freezer trap (linux/freeze.c) on a
 * synthetic guest: the bits set and cleared in the task, held locks (the
 * task's siglock and pi_lock, any run queue's) reported busy before anything
 * is written, only interruptible sleepers woken, the wake-up call built from
 * the profile's symbols and native_halt's HLT, a profile without the fields
 * or a native_halt without its HLT refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "linux/freeze.h"
#include "synth.h"
#include "guest_fixture.h"

#define VOFF (8ULL << 21)

static uint64_t r64(struct fx *f, uint64_t va)
{
	uint64_t v;

	assert_int_equal(lx_read(&f->g, va, &v, 8), 0);
	return v;
}

static void w32(struct fx *f, uint64_t va, uint32_t v)
{
	synth_write(&f->s, va, &v, 4);
}

static uint64_t siglock(struct fx *f, uint64_t task)
{
	return r64(f, task + T_SIGHAND) + SH_SIGLOCK;
}

static void test_suspend_sets_trap_and_sigpending(void **state)
{
	struct fx *f = *state;
	uint64_t t = f->s.t[0].va;

	synth_write64(&f->s, t + T_JOBCTL, 1ULL << 17);
	synth_write64(&f->s, t + T_TI_FLAGS, 0x8);
	assert_int_equal(lx_freeze_set(&f->g, t), LX_OK);
	assert_int_equal(r64(f, t + T_JOBCTL), (1ULL << 17) | LX_JOBCTL_TRAP_FREEZE);
	assert_int_equal(r64(f, t + T_TI_FLAGS), 0x8 | LX_TIF_SIGPENDING);
	/* again: nothing changes */
	assert_int_equal(lx_freeze_set(&f->g, t), LX_OK);
	assert_int_equal(r64(f, t + T_JOBCTL), (1ULL << 17) | LX_JOBCTL_TRAP_FREEZE);
}

static void test_held_siglock_writes_nothing(void **state)
{
	struct fx *f = *state;
	uint64_t t = f->s.t[1].va;

	synth_write64(&f->s, t + T_JOBCTL, 0);
	w32(f, siglock(f, t), 1);
	assert_int_equal(lx_freeze_set(&f->g, t), LX_EBUSY);
	assert_non_null(strstr(f->g.err, "siglock"));
	assert_int_equal(r64(f, t + T_JOBCTL), 0);
	w32(f, siglock(f, t), 0);
}

static void test_resume_wakes_interruptible_sleepers_only(void **state)
{
	struct fx *f = *state;
	uint64_t t = f->s.t[2].va;
	struct lx_freeze fr;
	int wake = -1;

	assert_int_equal(lx_freeze_set(&f->g, t), LX_OK);
	w32(f, t + T_STATE, 0x2001);      /* TASK_INTERRUPTIBLE|TASK_FREEZABLE: the trap */
	assert_int_equal(lx_freeze_clear(&f->g, t, &wake), LX_OK);
	assert_int_equal(wake, 1);
	assert_int_equal(lx_freeze_read(&f->g, t, &fr), LX_OK);
	assert_false(fr.trapped);
	/* a second resume: not trapped any more, not woken again */
	assert_int_equal(lx_freeze_clear(&f->g, t, &wake), LX_OK);
	assert_int_equal(wake, 0);
	/* the wake-up could not be made: the trap goes back, nothing else */
	assert_int_equal(lx_freeze_retrap(&f->g, t), LX_OK);
	assert_int_equal(lx_freeze_read(&f->g, t, &fr), LX_OK);
	assert_true(fr.trapped);
	assert_int_equal(fr.state, 0x2001);
	w32(f, t + T_STATE, 0x2);         /* uninterruptible: never woken */
	assert_int_equal(lx_freeze_clear(&f->g, t, &wake), LX_OK);
	assert_int_equal(wake, 0);
	assert_int_equal(lx_freeze_retrap(&f->g, t), LX_OK);
	w32(f, t + T_STATE, 0);           /* running: the cleared bit is enough */
	assert_int_equal(lx_freeze_clear(&f->g, t, &wake), LX_OK);
	assert_int_equal(wake, 0);
}

static void test_resume_refuses_while_wakeup_locks_held(void **state)
{
	struct fx *f = *state;
	uint64_t t = f->s.t[3].va;
	int wake;

	assert_int_equal(lx_freeze_set(&f->g, t), LX_OK);
	w32(f, t + T_STATE, 0x1);
	w32(f, t + T_PI_LOCK, 1);
	assert_int_equal(lx_freeze_clear(&f->g, t, &wake), LX_EBUSY);
	assert_non_null(strstr(f->g.err, "pi_lock"));
	w32(f, t + T_PI_LOCK, 0);
	w32(f, f->s.rq[1] + RQ_LOCK, 1);  /* another CPU's run queue */
	assert_int_equal(lx_freeze_clear(&f->g, t, &wake), LX_EBUSY);
	assert_non_null(strstr(f->g.err, "CPU 1"));
	/* nothing was written while busy */
	assert_int_equal(r64(f, t + T_JOBCTL) & LX_JOBCTL_TRAP_FREEZE, LX_JOBCTL_TRAP_FREEZE);
	w32(f, f->s.rq[1] + RQ_LOCK, 0);
	assert_int_equal(lx_freeze_clear(&f->g, t, &wake), LX_OK);
	assert_int_equal(wake, 1);
}

static void test_wake_call(void **state)
{
	struct fx *f = *state;
	struct vmi_call c;
	uint64_t text = 0xffffffff81000000ULL + VOFF;

	assert_int_equal(lx_wake_call(&f->g, f->s.t[4].va, &c), LX_OK);
	assert_int_equal(c.nr, 3);
	assert_int_equal(c.fn[0], text + 0x10200);   /* ct_irq_enter */
	assert_int_equal(c.fn[1], text + 0x10100);   /* wake_up_process */
	assert_int_equal(c.fn[2], text + 0x10300);   /* ct_irq_exit */
	assert_int_equal(c.arg[1], f->s.t[4].va);
	assert_int_equal(c.hlt, text + 0x10000 + 9); /* after jmp and verw */
	/* a native_halt without 'verw; hlt' is refused, not guessed at */
	synth_write(&f->s, text + 0x10000 + 9, "\x90", 1);
	assert_int_equal(lx_wake_call(&f->g, f->s.t[4].va, &c), LX_EMEM);
	assert_non_null(strstr(f->g.err, "native_halt"));
}

static void test_profile_without_fields_refused(void **state)
{
	struct fx *f = *state;

	f->g.off.has_freeze = 0;
	assert_int_equal(lx_freeze_set(&f->g, f->s.t[5].va), LX_EPROFILE);
	assert_non_null(strstr(f->g.err, "jobctl"));
	f->g.off.has_freeze = 1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_suspend_sets_trap_and_sigpending, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_siglock_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_wakes_interruptible_sleepers_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resume_refuses_while_wakeup_locks_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wake_call, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_without_fields_refused, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
