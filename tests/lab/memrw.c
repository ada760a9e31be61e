// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Lab helper: one guest-memory access through /dev/gsched, as the daemon
 * will make them (libgsched). For tests/lab/migrate-check.
 *   memrw write VM GPA BYTE   pause the VM, fill the page at GPA with BYTE, resume
 *   memrw read VM GPA BYTE    read the page at GPA, check every byte is BYTE
 * VM is a gsched id, a VMM pid or a VM name. Prints one line; exits 0 on
 * success, else with the errno of the failing call (read: 1 on mismatch).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/gsched.h"
#include "lib/vmfind.h"

static unsigned find_vm(struct gsched *g, const char *arg)
{
	struct gsched_vm_info vm;
	int named;

	return gsched_find_vm(g, arg, &vm, &named) ? 0 : vm.vm_id;
}

int main(int argc, char **argv)
{
	static unsigned char page[4096];
	unsigned long long gpa;
	struct gsched g;
	const char *why;
	unsigned vm;
	int byte, err, bad = 0;

	if (argc != 5 || (strcmp(argv[1], "write") && strcmp(argv[1], "read"))) {
		fprintf(stderr, "usage: memrw write|read VM GPA BYTE\n");
		return 2;
	}
	gpa = strtoull(argv[3], NULL, 0);
	byte = (int)strtol(argv[4], NULL, 0);
	if (gsched_open(&g, &why)) {
		printf("memrw: %s\n", why);
		return 2;
	}
	vm = find_vm(&g, argv[2]);
	if (!vm) {
		printf("memrw: no VM %s\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "write")) {
		memset(page, byte, sizeof(page));
		err = gsched_pause(&g, vm, 2000, NULL);
		if (!err) {
			err = gsched_mem_rw(&g, vm, gpa, page, sizeof(page), 1);
			gsched_resume(&g, vm);
		}
		printf("memrw: write VM %u gpa %#llx byte %#x: %s\n", vm, gpa, byte,
		       err ? strerror(-err) : "ok");
		return -err;
	}
	err = gsched_mem_rw(&g, vm, gpa, page, sizeof(page), 0);
	for (size_t i = 0; !err && i < sizeof(page); i++)
		bad += page[i] != byte;
	printf("memrw: read VM %u gpa %#llx: %s%s (first byte %#x, %d bytes differ from %#x)\n", vm, gpa,
	       err ? strerror(-err) : "ok", err || bad ? "" : ", pattern found", page[0], bad, byte);
	return err ? -err : bad != 0;
}
