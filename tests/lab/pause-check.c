// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Lab check of pausing (run inside the emulated host against a live guest):
 * a paused VM makes no progress and resumes when told; a second pauser is
 * refused; writes and registers need the caller's own pause; the VM resumes
 * by itself when the pausing process is killed (SIGKILL) or terminated
 * (SIGTERM), and when a pause outlives pause_max_ms (RESUME then says
 * ETIMEDOUT); a VM whose VMM is stopped (SIGSTOP) can be paused over and
 * over without parks piling up (gsched.ko's reference count stays put), and
 * runs again after SIGCONT. Progress = VM entries the module counted for the
 * VM's vCPUs.
 * Usage: pause-check VM-NAME   (prints one line per check; exit 1 on failure)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lib/gsched.h"
#include "lib/vmfind.h"

static int failures;

static void check(int ok, const char *what, const char *detail)
{
	printf("%s %s%s%s\n", ok ? "ok  " : "FAIL", what, detail ? ": " : "", detail ? detail : "");
	failures += !ok;
}

static unsigned long long entries(struct gsched *g, unsigned vm)
{
	struct gsched_vcpu_info *v;
	unsigned long long n = 0;
	size_t cnt;

	if (gsched_list_vcpus(g, vm, &v, &cnt))
		return 0;
	for (size_t i = 0; i < cnt; i++)
		n += v[i].entries;
	free(v);
	return n;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static long module_refcnt(void)
{
	FILE *f = fopen("/sys/module/gsched/refcnt", "r");
	long n = -1;

	if (f) {
		if (fscanf(f, "%ld", &n) != 1)
			n = -1;
		fclose(f);
	}
	return n;
}

/* A VM suspended by its VMM (the threads asleep in userspace): pauses
 * succeed (the vCPUs are stopped) but no park can run; 20 of them must not
 * leave 20 parks (and module references) per vCPU behind. */
static void pause_stopped_vmm(struct gsched *g, unsigned vm, int vmm_pid)
{
	struct gsched_pause p = { 0 };
	unsigned long long e0, e1;
	long r0, r1;
	int ok = 1;
	char d[160];

	if (kill(vmm_pid, SIGSTOP)) {
		check(0, "stop the VMM (SIGSTOP)", strerror(errno));
		return;
	}
	msleep(300);
	/* its vCPU threads sleep in the VMM: stopped, but not parked by gsched,
	 * so they are not held: a write is refused */
	if (!gsched_pause(g, vm, 1000, &p)) {
		static char page[4096];
		int werr = gsched_mem_rw(g, vm, 0x100000, page, sizeof(page), 0);

		if (!werr)
			werr = gsched_mem_rw(g, vm, 0x100000, page, sizeof(page), 1);
		gsched_resume(g, vm);
		snprintf(d, sizeof(d), "write: %s", werr ? strerror(-werr) : "done");
		check(werr == -EBUSY, "write to a VM whose VMM is stopped refused (EBUSY: vCPUs not parked)", d);
	} else {
		check(0, "pause a VM whose VMM is stopped", NULL);
	}
	r0 = module_refcnt();
	for (int i = 0; i < 20 && ok; i++)
		ok = !gsched_pause(g, vm, 1000, &p) && !gsched_resume(g, vm);
	r1 = module_refcnt();
	snprintf(d, sizeof(d), "module refcount %ld before, %ld after, %u vCPU(s)", r0, r1, p.nr_vcpus);
	check(ok && r0 >= 0 && r1 <= r0 + (long)p.nr_vcpus,
	      "20 pauses of a VM whose VMM is stopped: at most one park per vCPU thread", d);
	kill(vmm_pid, SIGCONT);
	e0 = entries(g, vm);
	msleep(500);
	e1 = entries(g, vm);
	snprintf(d, sizeof(d), "%llu entries in 500 ms", e1 - e0);
	check(e1 > e0, "VMM continued (SIGCONT): VM runs", d);
}

/* A child pauses the VM, says so, then dies by 'sig' (or lives on). */
static void die_while_paused(struct gsched *g, unsigned vm, int sig, const char *what)
{
	int p[2];
	char c;
	pid_t pid;
	unsigned long long e0, e1, e2;

	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		struct gsched cg;
		const char *why;

		close(p[0]);
		if (gsched_open(&cg, &why) || gsched_pause(&cg, vm, 1000, NULL))
			_exit(1);
		(void)!write(p[1], "p", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1) {
		check(0, what, "child could not pause the VM");
		close(p[0]);
		waitpid(pid, NULL, 0);
		return;
	}
	close(p[0]);
	e0 = entries(g, vm);
	msleep(300);
	e1 = entries(g, vm);
	kill(pid, sig);
	waitpid(pid, NULL, 0);
	msleep(500);
	e2 = entries(g, vm);
	{
		char d[160];

		snprintf(d, sizeof(d), "entries while paused +%llu, after the pauser died +%llu",
			 e1 - e0, e2 - e1);
		check(e1 == e0 && e2 > e1, what, d);
	}
}

int main(int argc, char **argv)
{
	struct gsched g, g2;
	struct gsched_vm_info info;
	struct gsched_pause p;
	struct gsched_vcpu_regs r;
	unsigned long long e0, e1, e2;
	const char *why;
	char page[4096], d[200];
	unsigned vm = 0;
	int err, vmm_pid = 0, named;

	if (argc != 2 || gsched_open(&g, &why) || gsched_open(&g2, &why)) {
		fprintf(stderr, "usage: pause-check VM-NAME (as root, gsched.ko loaded)\n");
		return 2;
	}
	if (!gsched_find_vm(&g, argv[1], &info, &named)) {
		vm = info.vm_id;
		vmm_pid = info.pid;
	}
	if (!vm) {
		fprintf(stderr, "pause-check: no VM %s\n", argv[1]);
		return 2;
	}
	err = gsched_pause(&g, vm, 1000, &p);
	snprintf(d, sizeof(d), "%u vCPUs, %u parked, out of guest mode in %llu us", p.nr_vcpus,
		 p.nr_parked, p.wait_ns / 1000);
	check(!err && p.nr_vcpus >= 1, "pause", err ? strerror(-err) : d);
	e0 = entries(&g, vm);
	msleep(200);
	e1 = entries(&g, vm);
	snprintf(d, sizeof(d), "%llu entries in 200 ms", e1 - e0);
	check(e1 == e0, "paused VM makes no progress", d);
	check(gsched_pause(&g2, vm, 100, NULL) == -EBUSY, "second pauser refused (EBUSY)", NULL);
	check(gsched_mem_rw(&g, vm, 0x100000, page, sizeof(page), 0) == 0, "read under pause", NULL);
	check(gsched_mem_rw(&g, vm, 0x100000, page, sizeof(page), 1) == 0, "write (same bytes) under own pause", NULL);
	check(gsched_mem_rw(&g2, vm, 0x100000, page, sizeof(page), 1) == -EPERM,
	      "write under another's pause refused (EPERM)", NULL);
	err = gsched_vcpu_regs(&g, vm, 0, &r);
	snprintf(d, sizeof(d), "cr3 0x%llx cr4 0x%llx efer 0x%llx gs_base 0x%llx",
		 (unsigned long long)r.cr3, (unsigned long long)r.cr4, (unsigned long long)r.efer,
		 (unsigned long long)r.gs_base);
	check(!err && r.cr3 && (r.cr4 & 0x20) && (r.efer & 0x400), "registers of a paused vCPU",
	      err ? strerror(-err) : d);
	check(gsched_vcpu_regs(&g2, vm, 0, &r) == -EPERM, "registers without own pause refused", NULL);
	check(gsched_resume(&g, vm) == 0, "resume", NULL);
	msleep(300);
	e2 = entries(&g, vm);
	snprintf(d, sizeof(d), "%llu entries in 300 ms", e2 - e1);
	check(e2 > e1, "resumed VM runs", d);
	check(gsched_mem_rw(&g, vm, 0x100000, page, sizeof(page), 1) == -EPERM,
	      "write without a pause refused (EPERM)", NULL);
	check(gsched_resume(&g, vm) == -ENOENT, "resume without a pause: ENOENT", NULL);
	die_while_paused(&g, vm, SIGKILL, "pauser killed (SIGKILL): VM resumes");
	die_while_paused(&g, vm, SIGTERM, "pauser terminated (SIGTERM): VM resumes");
	pause_stopped_vmm(&g, vm, vmm_pid);
	/* the module's own limit: pause_max_ms (the lab loads 2000 ms) */
	if (!gsched_pause(&g, vm, 1000, NULL)) {
		e0 = entries(&g, vm);
		msleep(3000);
		e1 = entries(&g, vm);
		err = gsched_resume(&g, vm);
		snprintf(d, sizeof(d), "entries +%llu during a 3 s hold, resume: %s", e1 - e0,
			 err ? strerror(-err) : "ok");
		check(e1 > e0 && err == -ETIMEDOUT, "pause held past pause_max_ms ends by itself", d);
	}
	gsched_close(&g2);
	gsched_close(&g);
	printf("pause-check: %d failure(s)\n", failures);
	return failures ? 1 : 0;
}
