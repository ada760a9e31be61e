// SPDX-License-Identifier: GPL-2.0
/* Guest side of the context-switch benchmark: two processes bounce a byte
 * over two pipes for a fixed time; every round trip is two guest address-space
 * switches on one vCPU. Prints round trips per second. Static, no deps. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 5, t0, t;
	int ab[2], ba[2];
	unsigned long n = 0;
	char c = 0;
	pid_t pid;

	if (pipe(ab) || pipe(ba))
		return 1;
	pid = fork();
	if (pid == 0) {
		while (read(ab[0], &c, 1) == 1 && write(ba[1], &c, 1) == 1)
			;
		_exit(0);
	}
	t0 = now();
	do {
		for (int i = 0; i < 1000; i++, n++)
			if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
				return 1;
		t = now() - t0;
	} while (t < secs);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("pingpong: %lu round trips in %.2f s = %.0f round trips/s\n", n, t, n / t);
	return 0;
}
