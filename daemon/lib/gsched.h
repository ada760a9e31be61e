/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * libgsched: userspace access to gsched.ko through /dev/gsched. Opens the
 * device, checks the ABI version, and fetches the VM, vCPU and address-space
 * tables with buffers that grow until the whole table fits.
 */
#ifndef GSCHED_LIB_H
#define GSCHED_LIB_H
#include <stddef.h>
#include <gsched/abi.h>

struct gsched {
	int fd;
	struct gsched_version version;
};

/* Returns 0 or -errno; on error *why says what went wrong. */
int gsched_open(struct gsched *g, const char **why);
void gsched_close(struct gsched *g);

/* Fetch a whole table into a malloc'd array (*out, *count); 'now_ns' gets the
 * module clock. Return 0 or -errno. */
int gsched_list_vms(struct gsched *g, struct gsched_vm_info **out, size_t *count,
		    unsigned long long *now_ns);
int gsched_list_vcpus(struct gsched *g, unsigned int vm_id,
		      struct gsched_vcpu_info **out, size_t *count);
int gsched_list_spaces(struct gsched *g, unsigned int vm_id,
		       struct gsched_space_info **out, size_t *count,
		       unsigned long long *now_ns);

/* ABI 1.1: guest memory, registers and pauses (see abi.h); 0 or -errno. */
int gsched_list_memslots(struct gsched *g, unsigned int vm_id,
			 struct gsched_memslot **out, size_t *count);
int gsched_mem_rw(struct gsched *g, unsigned int vm_id, unsigned long long gpa,
		  void *buf, size_t len, int write);
int gsched_pause(struct gsched *g, unsigned int vm_id, unsigned int timeout_ms,
		 struct gsched_pause *out);
int gsched_resume(struct gsched *g, unsigned int vm_id);
/* ABI 1.2: make the guest call c->fn[] (abi.h); 0 or -errno. */
int gsched_call(struct gsched *g, struct gsched_call *c);
int gsched_vcpu_regs(struct gsched *g, unsigned int vm_id, unsigned int index,
		     struct gsched_vcpu_regs *out);

/* Name of the VM run by 'pid' (QEMU's -name guest=NAME), or the process
 * name, escaped (lib/escape.h: any user can start a VMM with any name);
 * writes "" if unknown. */
void gsched_vm_name(int pid, char *buf, size_t len);
/* Start time of process 'pid' (/proc/PID/stat field 22, clock ticks since
 * boot): with the pid, names a VMM for good (pids are reused, this pair
 * is not). 0 if there is no such process. */
unsigned long long gsched_proc_start(int pid);
/* A numeric parameter of the loaded module (/sys/module/gsched/parameters/
 * NAME), or 0 when it cannot be read. */
unsigned int gsched_param(const char *name);

#endif
