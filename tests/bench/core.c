// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark of the tracking core (kmod/core: address-space table and
 * accounting), run under callgrind by tests/bench/core-callgrind (make
 * bench-core), which counts the instructions executed inside bench_events()
 * and divides them by the events. One vCPU's events on a table of LIMIT
 * address spaces, already full:
 *   exit    VM exits without an address-space change (exact mode)
 *   switch  CR3 switches among address spaces in the table (entry with
 *           another root after an exit)
 *   new     CR3 switches to address spaces not in the table (each evicts
 *           the least recently seen)
 *   loop, loop-switch, loop-new
 *           the loops alone, with the roots they compute (subtracted)
 *   core-bench PHASE LIMIT [EVENTS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/acct.h"

#define ROOT(i) ((u64)(i) << 12)

static volatile u64 sink;

/* Everything callgrind counts: 'n' events of 'phase'. */
__attribute__((noinline)) void bench_events(struct gs_astab *t, struct gs_vcpu_acct *v,
					   const char *phase, u32 limit, u32 n)
{
	u64 now = 1000000;
	u32 i;

	/* as gsched.ko's probes do (hooks.c): the fast path, else the table */
	if (!strcmp(phase, "exit")) {
		for (i = 0; i < n; i++)
			if (!gs_acct_exit_fast(v, 0, now += 1000))
				gs_acct_exit(t, v, 0, now);
	} else if (!strcmp(phase, "switch")) {
		/* an entry with another known root (the exit before it is
		 * phase "exit", added by the caller) */
		for (i = 0; i < n; i++)
			if (!gs_acct_entry_fast(v, ROOT(1 + (i * 7919u) % limit), now += 1000))
				gs_acct_entry_switch(t, v, ROOT(1 + (i * 7919u) % limit), now);
	} else if (!strcmp(phase, "new")) {
		for (i = 0; i < n; i++)
			if (!gs_acct_entry_fast(v, ROOT(limit + 1 + i), now += 1000))
				gs_acct_entry_switch(t, v, ROOT(limit + 1 + i), now);
	} else if (!strcmp(phase, "loop-switch")) { /* the roots "switch" uses */
		for (i = 0; i < n; i++)
			sink += ROOT(1 + (i * 7919u) % limit) + (now += 1000);
	} else if (!strcmp(phase, "loop-new")) {
		for (i = 0; i < n; i++)
			sink += ROOT(limit + 1 + i) + (now += 1000);
	} else {
		for (i = 0; i < n; i++)
			sink += now += 1000;
	}
}

int main(int argc, char **argv)
{
	u32 limit, n, nslots, i;
	struct gs_vcpu_acct v;
	struct gs_astab t;
	struct gs_as *slots;

	if (argc < 3) {
		fprintf(stderr, "usage: core-bench exit|switch|new|loop|loop-switch|loop-new LIMIT [EVENTS]\n");
		return 2;
	}
	limit = (u32)strtoul(argv[2], NULL, 0);
	n = argc > 3 ? (u32)strtoul(argv[3], NULL, 0) : 200000;
	nslots = gs_astab_slots_for(limit);
	slots = calloc(GS_ASTAB_ENTRIES(nslots), sizeof(*slots));
	if (!slots)
		return 1;
	gs_astab_init(&t, slots, nslots, limit);
	gs_acct_init(&v, 0);
	for (i = 1; i <= limit; i++) /* a full table */
		gs_acct_entry(&t, &v, ROOT(i), i);
	bench_events(&t, &v, argv[1], limit, n);
	printf("%s limit %u: %u events, table %u entries, %llu evictions\n", argv[1], limit, n, t.count,
	       (unsigned long long)t.evictions);
	free(slots);
	return 0;
}
