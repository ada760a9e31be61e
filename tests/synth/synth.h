/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A synthetic x86-64 Linux guest in a memory buffer, for the introspection
 * unit tests, the fuzzer and the benchmark: a KASLR'd kernel image (chosen
 * physical and virtual shifts) with a banner, init_top_pgt (4-level tables:
 * the image and a direct map), init_task and N processes on its task list,
 * per-CPU run queues whose cfs_rq trees hold queued tasks (some inside a task
 * group), each task's sighand, cgroup (a small cgroup v2 tree) and thread list
 * (a few processes have three threads), native_halt's
 * code and the symbols a resume calls, and a small ISF profile describing the
 * layout, written to a file.
 */
#ifndef GSCHED_TESTS_SYNTH_H
#define GSCHED_TESTS_SYNTH_H
#include <stdint.h>
#include "vmi/mem.h"

#define SYNTH_TASK_SIZE 512
#define SYNTH_PAGE_OFFSET 0xffff888000000000ULL
/* The guest's cgroup v2 groups; task pid P is in synth_cgroups[P % 4]. */
#define SYNTH_NCGROUPS 4
extern const char *const synth_cgroups[SYNTH_NCGROUPS];

struct synth_opts {
	uint64_t poff, voff;  /* physical and virtual shifts (2 MiB multiples) */
	int ntasks;           /* processes besides init_task */
	int ncpus;            /* run queues */
	int queued;           /* tasks queued per CPU (some in a task group) */
	const char *banner;   /* written into guest memory (NULL: the profile's) */
};

#define SYNTH_MAX_THREADS 3

struct synth_task {
	uint64_t va, root;
	int pid, kthread, cpu;
	char comm[16];
	char state;
	/* its threads, itself first (every 7th user process from the 4th
	 * has two more, sleeping, not on init_task.tasks) */
	int nthreads;
	int tid[SYNTH_MAX_THREADS];
	uint64_t tva[SYNTH_MAX_THREADS];
};

struct synth {
	uint8_t *mem;
	uint64_t size;
	struct vmi_mem m;
	char profile[64];     /* temp file holding the profile */
	struct synth_opts o;
	uint64_t init_task;   /* runtime VA */
	struct synth_task *t; /* init_task excluded */
	int n;
	uint64_t rq[64];      /* runtime VA of each CPU's rq */
	int rq_order[64][64]; /* expected pids queued per CPU, in tree order */
	int rq_n[64];
	int rq_curr[64];
	uint64_t grp_se[64];  /* runtime VA of each CPU's task-group entity (0: none) */
	uint64_t css[SYNTH_NCGROUPS]; /* the css_set of each synth_cgroups[] group */
	uint64_t kn[SYNTH_NCGROUPS];  /* its kernfs_node */
	uint64_t heap;        /* next free physical byte */
};

int synth_build(struct synth *s, const struct synth_opts *o);
void synth_free(struct synth *s);
/* Guest physical address of a synthetic kernel virtual address. */
uint64_t synth_pa(const struct synth *s, uint64_t va);
void synth_write(struct synth *s, uint64_t va, const void *buf, size_t len);
void synth_write64(struct synth *s, uint64_t va, uint64_t v);

/* Offsets of the synthetic layout (the profile says the same). */
enum {
	T_STATE = 0, T_EXIT = 4, T_FLAGS = 8, T_PID = 12, T_TGID = 16, T_COMM = 20,
	T_TASKS = 40, T_MM = 56, T_ON_RQ = 64, T_ON_CPU = 68, T_CPU = 72, T_PRIO = 76,
	T_SPRIO = 80, T_POLICY = 84, T_PI_LOCK = 88, T_UTIME = 96, T_STIME = 104, T_SE = 128,
	SE_RUN_NODE = 0, SE_ON_RQ = 24, SE_VRUNTIME = 32, SE_DEADLINE = 40, SE_MY_Q = 48,
	SE_SUM = 56, SE_LOAD = 64,
	CFS_NR = 0, CFS_H_NR = 4, CFS_ROOT = 8, CFS_LEFT = 16, CFS_CURR = 24, CFS_MINV = 32,
	RQ_LOCK = 0, RQ_NR = 4, RQ_CPU = 8, RQ_CURR = 16, RQ_IDLE = 24, RQ_SWITCHES = 32,
	RQ_CFS = 64, RQ_RT = 128, RQ_SIZE = 192,
	T_JOBCTL = 256, T_SIGHAND = 264, T_TI_FLAGS = 272, SH_SIGLOCK = 8,
	T_CGROUPS = 288, CSS_DFL_CGRP = 8, CGRP_KN = 16, KN_PARENT = 8, KN_NAME = 16,
	T_SIGNAL = 304, T_THREAD_NODE = 312, SIG_THREAD_HEAD = 16,
};


#endif
