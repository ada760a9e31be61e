/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A one-vCPU VM through /dev/kvm for the lab's helpers, in the style of KVM's
 * selftests: 64 KiB of memory, 16-bit real-mode code at 0x1000, run until
 * it halts. Port I/O exits (KVM_EXIT_IO) are counted and resumed, each one a
 * return to userspace and a new VM entry. Header-only (static functions).
 */
#ifndef GSCHED_TINYVM_H
#define GSCHED_TINYVM_H
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define TINYVM_MEM 0x10000
#define TINYVM_CODE_AT 0x1000

struct tinyvm_result {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	unsigned long io_exits;
	double seconds;
};

/* Runs 'code' until hlt; 0, or -1 with "PROG: FAIL what: why" printed. */
static int tinyvm_run(const char *prog, const uint8_t *code, size_t len, struct tinyvm_result *r)
{
	struct kvm_userspace_memory_region region;
	struct timespec t0, t1;
	struct kvm_run *run;
	int kvm, vm, vcpu, mmap_size;
	const char *what;
	uint8_t *mem;

	memset(r, 0, sizeof(*r));
	what = "open /dev/kvm";
	if ((kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC)) < 0)
		goto fail;
	what = "KVM_CREATE_VM";
	if ((vm = ioctl(kvm, KVM_CREATE_VM, 0)) < 0)
		goto fail;
	what = "mmap";
	mem = mmap(NULL, TINYVM_MEM, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		goto fail;
	memcpy(mem + TINYVM_CODE_AT, code, len);
	region = (struct kvm_userspace_memory_region){ .slot = 0, .guest_phys_addr = 0,
		.memory_size = TINYVM_MEM, .userspace_addr = (uintptr_t)mem };
	what = "KVM_SET_USER_MEMORY_REGION";
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		goto fail;
	what = "KVM_CREATE_VCPU";
	if ((vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0)
		goto fail;
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	what = "mmap kvm_run";
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		goto fail;
	what = "KVM_GET_SREGS";
	if (ioctl(vcpu, KVM_GET_SREGS, &r->sregs) < 0)
		goto fail;
	r->sregs.cs.base = 0;
	r->sregs.cs.selector = 0;
	what = "KVM_SET_SREGS";
	if (ioctl(vcpu, KVM_SET_SREGS, &r->sregs) < 0)
		goto fail;
	r->regs.rip = TINYVM_CODE_AT;
	r->regs.rflags = 2;
	what = "KVM_SET_REGS";
	if (ioctl(vcpu, KVM_SET_REGS, &r->regs) < 0)
		goto fail;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			what = "KVM_RUN";
			goto fail;
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		if (run->exit_reason == KVM_EXIT_IO) {
			r->io_exits++;
			continue;
		}
		printf("%s: FAIL unexpected exit %u\n", prog, run->exit_reason);
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	r->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	what = "KVM_GET_REGS";
	if (ioctl(vcpu, KVM_GET_REGS, &r->regs) < 0 || ioctl(vcpu, KVM_GET_SREGS, &r->sregs) < 0)
		goto fail;
	close(vcpu);
	close(vm);
	close(kvm);
	munmap(mem, TINYVM_MEM);
	return 0;
fail:
	printf("%s: FAIL %s: %s\n", prog, what, strerror(errno));
	return -1;
}

#endif
