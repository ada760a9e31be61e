// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * sleepers [--burn MS] N [PERIOD_MS]: N sleeping processes for the lab's
 * workloads (bench-cycle's cycle-common.sh; suspend.sh's cgroup /many and
 * its root reuse), static for the guest's initramfs. --burn: first a child
 * that spins for MS ms, or until it is killed, and exits ("burner pid=P" as
 * it starts, its pid also in /tmp/burner.pid; "burner done" once reaped);
 * the sleepers forked right after it are the likeliest processes to get its
 * freed page-table root. Each is a fork of this one (its own address space)
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
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int burn(long ms)
{
	pid_t p = fork();
	FILE *f;
	int st;

	if (p < 0) {
		perror("sleepers: fork");
		return 1;
	}
	if (!p) {
		volatile unsigned long x = 0;
		double end = now_ms() + (double)ms;

		while (now_ms() < end)
			for (int i = 0; i < 100000; i++)
				x += (unsigned long)i;
		_exit(0);
	}
	printf("=== gsched-lab: burner pid=%d\n", (int)p);
	fflush(stdout);
	f = fopen("/tmp/burner.pid", "w");
	if (f) {
		fprintf(f, "%d\n", (int)p);
		fclose(f);
	}
	if (waitpid(p, &st, 0) != p) {
		perror("sleepers: waitpid");
		return 1;
	}
	printf("=== gsched-lab: burner done\n");
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	long burn_ms = 0, n, ms;

	if (argc > 2 && !strcmp(argv[1], "--burn")) {
		burn_ms = strtol(argv[2], NULL, 10);
		argc -= 2;
		argv += 2;
	}
	n = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	ms = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
	if (n < 1 || n > 100000 || ms < 0 || ms > 100000 || argc > 3 || burn_ms < 0 || burn_ms > 600000) {
		fprintf(stderr, "usage: sleepers [--burn MS (1-600000)] N (1-100000) [PERIOD_MS (1-100000)]\n");
		return 2;
	}
	if (burn_ms && burn(burn_ms))
		return 1;
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
