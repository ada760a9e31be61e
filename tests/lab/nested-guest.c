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
#include <stdlib.h>
#include "tinyvm.h"

#define NESTED_CR3_BASE 0x5a5a5000u

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
	struct tinyvm_result r;
	uint32_t base = NESTED_CR3_BASE;

	memcpy(code + 2, &n, 4);
	memcpy(code + 8, &base, 4);
	if (tinyvm_run("nested-guest", code, sizeof(code), &r))
		return 1;
	if ((uint32_t)r.regs.rcx != 0 || r.sregs.cr3 != base + (uint64_t)(n - 1) * 0x1000) {
		printf("nested-guest: FAIL ecx %#llx cr3 %#llx after the loop\n",
		       (unsigned long long)r.regs.rcx, (unsigned long long)r.sregs.cr3);
		return 1;
	}
	printf("nested-guest: ok %u CR3 writes in the nested guest (last %#llx) in %.2f s\n", n,
	       (unsigned long long)r.sregs.cr3, r.seconds);
	return 0;
}
