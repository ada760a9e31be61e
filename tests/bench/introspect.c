// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Benchmark: the cost per guest process of reading the process list from
 * outside (Monarch reports 36 ns per process on Xen), on a synthetic guest
 * memory image of N processes (tests/synth): in memory (buffer backend), and
 * as an image file (file backend behind gschedctl's page cache, as
 * `gschedctl ps --image` reads it). "cold" drops the caches before every
 * traversal, as a resume does; "warm" keeps them, as repeated reads within
 * one pause do. Prints figures; asserts nothing.
 * Usage: introspect [N...]   (default 2000 5000)
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "linux/guest.h"
#include "synth.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void run(struct lx_guest *g, struct vmi_mem *m, const char *what, int reps)
{
	for (int warm = 0; warm < 2; warm++) {
		double t0 = now(), t;
		size_t got = 0;

		for (int r = 0; r < reps; r++) {
			struct lx_task *t;

			if (!warm)
				m->generation++;
			if (lx_tasks(g, &t, &got, LX_MAX_TASKS)) {
				fprintf(stderr, "introspect: %s\n", g->err);
				exit(1);
			}
			free(t);
		}
		t = (now() - t0) / reps;
		printf("introspect: %zu processes, %s: process list in %.1f us, %.1f ns per process (%s caches)\n",
		       got, what, t * 1e6, t * 1e9 / got, warm ? "warm" : "cold");
	}
}

static int bench(int n)
{
	struct synth_opts o = { .poff = 4 << 21, .voff = 42 << 21, .ntasks = n, .ncpus = 4, .queued = 8 };
	struct synth s;
	struct profile *p;
	struct lx_guest g;
	char err[256];
	int reps = 2000000 / n + 5;

	if (synth_build(&s, &o) || profile_load(s.profile, &p, err, sizeof(err)) ||
	    lx_attach(&g, &s.m, p)) {
		fprintf(stderr, "introspect: cannot build a %d-process guest\n", n);
		return 1;
	}
	run(&g, &s.m, "memory", reps);
	{
		char path[] = "/tmp/gsched-bench-XXXXXX";
		int fd = mkstemp(path);
		struct vmi_mem fm;
		struct lx_guest fg;

		if (fd < 0 || write(fd, s.mem, s.size) != (ssize_t)s.size || vmi_mem_file(&fm, path, 0) ||
		    vmi_mem_cache(&fm, 8192) || lx_attach(&fg, &fm, p)) {
			fprintf(stderr, "introspect: image file failed\n");
			return 1;
		}
		close(fd);
		run(&fg, &fm, "image file + page cache", reps);
		vmi_close(&fm);
		unlink(path);
	}
	profile_free(p);
	synth_free(&s);
	return 0;
}

int main(int argc, char **argv)
{
	int err = 0;

	/* keep glibc from mmap/munmap-ing the result array on every traversal
	 * (its size crosses the mmap threshold): measure the walk, not that */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 128 << 20);
	if (argc < 2) {
		err |= bench(2000);
		err |= bench(5000);
	}
	for (int i = 1; i < argc; i++)
		err |= bench(atoi(argv[i]));
	return err;
}
