// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sleepers N [PERIOD_MS]: N sleeping processes for the lab's workloads
 * (bench-cycle's cycle-common.sh; suspend.sh's cgroup /many), static for the
 * guest's initramfs. Each is a fork of this one (its own address space)
 * that waits in pause(), or wakes every PERIOD_MS (so that it returns to
 * user mode, where a freezer trap takes it); forking
 * without an exec is what lets an emulated guest start 2,000 of them in
 * seconds (a `sleep &` each took the lab over 360 s). Prints a word every
 * 100 (the emulated host calls a silent guest stuck) and "started N" at the
 * end, then exits; the children sleep on until the guest shuts down.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	long ms = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

	if (n < 1 || n > 100000 || ms < 0 || ms > 100000 || argc > 3) {
		fprintf(stderr, "usage: sleepers N (1-100000) [PERIOD_MS (1-100000)]\n");
		return 2;
	}
	for (long i = 1; i <= n; i++) {
		pid_t p = fork();

		if (p < 0) {
			perror("sleepers: fork");
			return 1;
		}
		if (!p) {
			struct timespec t = { ms / 1000, ms % 1000 * 1000000 };

			for (;;)
				ms ? nanosleep(&t, NULL) : pause();
		}
		if (i % 100 == 0)
			printf("=== cycle: %ld processes started\n", i), fflush(stdout);
	}
	printf("sleepers: started %ld\n", n);
	fflush(stdout);
	return 0;
}
