// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Lab helper (security review, finding 6), run in the emulated host while
 * gsched.ko's VM pool is full (max_vms=1 and a lab guest running): a VM of
 * its own (tests/lab/tinyvm.h) makes N port-I/O exits, each a new VM entry
 * of a vCPU gsched cannot track. gsched.ko must refuse it a slot once and
 * then not retry discovery (and take its global lock) at every entry: the
 * debugfs counters discover_scans/discover_full may grow by a few, not by
 * N. Prints the figures and "pools-full: ok" or "pools-full: FAIL ...".
 *   pools-full [N]
 */
#include <stdlib.h>
#include "tinyvm.h"

#define STATE "/sys/kernel/debug/gsched/state"

static int counters(long long *scans, long long *full)
{
	char line[256];
	FILE *f = fopen(STATE, "r");
	int found = 0;

	if (!f) {
		printf("pools-full: FAIL %s: %s\n", STATE, strerror(errno));
		return -1;
	}
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "discover_scans %lld discover_full %lld", scans, full) == 2;
	fclose(f);
	if (!found)
		printf("pools-full: FAIL no discover_scans line in %s\n", STATE);
	return found ? 0 : -1;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 20000;
	/* 16-bit real mode: mov ecx, n; l: out 0x80, al; dec ecx; jnz l; hlt */
	uint8_t code[] = {
		0x66, 0xb9, 0, 0, 0, 0, /* mov ecx, imm32 */
		0xe6, 0x80,             /* out 0x80, al */
		0x66, 0x49,             /* dec ecx */
		0x75, 0xfa,             /* jnz -6 (to out) */
		0xf4,                   /* hlt */
	};
	long long s0, f0, s1, f1;
	struct tinyvm_result r;

	memcpy(code + 2, &n, 4);
	if (counters(&s0, &f0) || tinyvm_run("pools-full", code, sizeof(code), &r) ||
	    counters(&s1, &f1))
		return 1;
	printf("pools-full: %lu VM entries after port I/O exits in %.2f s; discover_scans +%lld, discover_full +%lld\n",
	       r.io_exits, r.seconds, s1 - s0, f1 - f0);
	if (r.io_exits != n) {
		printf("pools-full: FAIL %lu I/O exits, expected %u\n", r.io_exits, n);
		return 1;
	}
	if (f1 - f0 < 1) {
		printf("pools-full: FAIL the VM was not refused a slot (is the pool full? max_vms=1 with a guest running)\n");
		return 1;
	}
	/* a slot freed meanwhile (another VM gone) allows one more try each */
	if (s1 - s0 > 10) {
		printf("pools-full: FAIL discovery retried %lld times for %u entries\n", s1 - s0, n);
		return 1;
	}
	printf("pools-full: ok\n");
	return 0;
}
