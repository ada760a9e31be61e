/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A cmocka fixture: one synthetic guest (tests/synth: 40 processes, two run
 * queues) with its profile loaded and the kernel found in it, for the tests
 * that suspend and resume its tasks (test_freeze, test_suspend).
 */
#ifndef GSCHED_TESTS_GUEST_FIXTURE_H
#define GSCHED_TESTS_GUEST_FIXTURE_H
#include <stdlib.h>
#include "linux/guest.h"
#include "synth.h"

struct fx {
	struct synth s;
	struct profile *p;
	struct lx_guest g;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct synth_opts o = { .poff = 3ULL << 21, .voff = 8ULL << 21, .ntasks = 40, .ncpus = 2, .queued = 5 };
	char err[256];

	assert_non_null(f);
	assert_int_equal(synth_build(&f->s, &o), 0);
	if (profile_load(f->s.profile, &f->p, err, sizeof(err)))
		fail_msg("synthetic profile: %s", err);
	assert_int_equal(lx_attach(&f->g, &f->s.m, f->p), LX_OK);
	assert_true(f->g.off.has_freeze);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	profile_free(f->p);
	synth_free(&f->s);
	free(f);
	return 0;
}

#endif
