// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A nested guest for the lab (security review, finding 1), in the style of
 * KVM's selftests: run inside a lab guest whose vCPU has SVM, it creates a
 * VM of its own through /dev/kvm (a third level under the emulated host)
 * whose one vCPU, in real mode, writes CR3 N times with distinct values
 * (NESTED_CR3_BASE + k * 4 KiB) and halts. Its hypervisor (the lab guest's
 * KVM, with nested paging) does not intercept those writes; if gsched's
 * CR3-write intercept leaked into the nested VMCB, each would exit to the
 * emulated host, be counted there (debugfs nested_cr3_exits) and show up
 * as roots in gsched's table for the lab guest. Prints one result line.
 *   nested-guest [N]
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define NESTED_CR3_BASE 0x5a5a5000u
#define MEM_SIZE 0x10000
#define CODE_AT 0x1000

static int die(const char *what)
{
	printf("nested-guest: FAIL %s: %s\n", what, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	uint32_t n = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 100000;
	/* 16-bit real mode:
	 *   mov ecx, n; mov eax, BASE
	 * l: mov cr3, eax; add eax, 0x1000; dec ecx; jnz l; hlt */
	uint8_t code[] = {
		0x66, 0xb9, 0, 0, 0, 0,               /* mov ecx, imm32 */
		0x66, 0xb8, 0, 0, 0, 0,               /* mov eax, imm32 */
		0x0f, 0x22, 0xd8,                     /* mov cr3, eax */
		0x66, 0x05, 0x00, 0x10, 0x00, 0x00,   /* add eax, 0x1000 */
		0x66, 0x49,                           /* dec ecx */
		0x75, 0xf3,                           /* jnz -13 (to mov cr3) */
		0xf4,                                 /* hlt */
	};
	struct kvm_userspace_memory_region region;
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	struct kvm_run *run;
	struct timespec t0, t1;
	int kvm, vm, vcpu, mmap_size;
	uint8_t *mem;
	uint32_t base = NESTED_CR3_BASE;

	memcpy(code + 2, &n, 4);
	memcpy(code + 8, &base, 4);
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		return die("open /dev/kvm");
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0)
		return die("KVM_CREATE_VM");
	mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return die("mmap");
	memcpy(mem + CODE_AT, code, sizeof(code));
	region = (struct kvm_userspace_memory_region){ .slot = 0, .guest_phys_addr = 0,
		.memory_size = MEM_SIZE, .userspace_addr = (uintptr_t)mem };
	if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return die("KVM_SET_USER_MEMORY_REGION");
	vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
	if (vcpu < 0)
		return die("KVM_CREATE_VCPU");
	mmap_size = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		return die("mmap kvm_run");
	if (ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return die("KVM_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	if (ioctl(vcpu, KVM_SET_SREGS, &sregs) < 0)
		return die("KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = CODE_AT;
	regs.rflags = 2;
	if (ioctl(vcpu, KVM_SET_REGS, &regs) < 0)
		return die("KVM_SET_REGS");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR)
				continue;
			return die("KVM_RUN");
		}
		if (run->exit_reason == KVM_EXIT_HLT)
			break;
		printf("nested-guest: FAIL unexpected exit %u\n", run->exit_reason);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (ioctl(vcpu, KVM_GET_REGS, &regs) < 0 || ioctl(vcpu, KVM_GET_SREGS, &sregs) < 0)
		return die("KVM_GET_REGS");
	if ((uint32_t)regs.rcx != 0 || sregs.cr3 != base + (uint64_t)(n - 1) * 0x1000) {
		printf("nested-guest: FAIL ecx %#llx cr3 %#llx after the loop\n",
		       (unsigned long long)regs.rcx, (unsigned long long)sregs.cr3);
		return 1;
	}
	printf("nested-guest: ok %u CR3 writes in the nested guest (last %#llx) in %.2f s\n", n,
	       (unsigned long long)sregs.cr3,
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
