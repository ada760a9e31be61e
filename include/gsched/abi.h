/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * gsched kernel <-> user ABI: the ioctls of /dev/gsched and their structs.
 * Shared by gsched.ko and userspace; fixed-width fields and explicit padding
 * only, so 32- and 64-bit userspace see the same layout. A change that breaks
 * old users bumps GSCHED_ABI_MAJOR; an addition bumps GSCHED_ABI_MINOR.
 */
#ifndef GSCHED_ABI_H
#define GSCHED_ABI_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/ioctl.h>
#else
#include <linux/types.h>
#include <sys/ioctl.h>
#endif

#define GSCHED_ABI_MAJOR 1
#define GSCHED_ABI_MINOR 0
#define GSCHED_DEVICE "/dev/gsched"

/* How guest address-space switches are observed. */
enum gsched_track_mode {
	GSCHED_MODE_SAMPLING = 0, /* guest CR3 read at every exit and deschedule */
	GSCHED_MODE_EXACT = 1,    /* every guest CR3 write exits (AMD SVM + NPT) */
};

struct gsched_version {
	__u32 major;
	__u32 minor;
	__u32 mode;         /* enum gsched_track_mode in force */
	__u32 vendor;       /* 1 = AMD SVM, 2 = Intel VMX, 0 = unknown */
	__u32 max_vms;
	__u32 max_vcpus;
	__u32 max_tasks;    /* address spaces kept per VM */
	__u32 pad;
	char kernel[64];    /* release the module was built for */
};

/* Array transfer: userspace gives a buffer of 'capacity' elements of
 * 'elem_size' bytes; the module fills 'count' and reports 'total'. */
struct gsched_list {
	__u64 buf;          /* user pointer to the element array */
	__u32 capacity;     /* in: elements buf can hold */
	__u32 elem_size;    /* in: sizeof the element userspace was built with */
	__u32 vm_id;        /* in: VM to list (vcpus/tasks); ignored for vms */
	__u32 count;        /* out: elements written */
	__u32 total;        /* out: elements available */
	__u32 pad;
	__u64 now_ns;       /* out: module clock (CLOCK_MONOTONIC) at the copy */
};

struct gsched_vm_info {
	__u32 vm_id;        /* gsched's id, stable for the VM's life */
	__s32 pid;          /* tgid of the VMM process (e.g. QEMU) */
	__u32 nr_vcpus;
	__u32 nr_tasks;     /* address spaces in the table now */
	__u64 first_seen_ns;
	__u64 cpu_ns;       /* CPU time its vCPU threads got (see gsched_task_info) */
	__u64 evictions;    /* address spaces dropped because the table was full */
	__u32 mode;         /* enum gsched_track_mode */
	__u32 pad;
};

struct gsched_vcpu_info {
	__u32 vm_id;
	__u32 vcpu_id;      /* KVM's vcpu_id */
	__s32 tid;          /* host thread that last ran it */
	__u32 flags;        /* GSCHED_VCPU_* */
	__u64 cr3;          /* current guest address space (normalised root) */
	__u64 cpu_ns;       /* CPU time this vCPU's thread got while running it */
	__u64 entries;      /* VM entries seen */
	__u64 switches;     /* guest address-space switches seen */
	__u64 descheds;     /* host deschedules (preemption, halt) of its thread */
};
#define GSCHED_VCPU_ARMED 0x1 /* CR3-write intercept armed by gsched */

struct gsched_task_info {
	__u64 root;         /* guest page-table root: CR3 without PCID/flag bits */
	__u64 cpu_ns;       /* CPU time the vCPU threads really got on host CPUs
			     * while this space was loaded (guest mode and KVM's
			     * handling of its exits; host preemption and halts
			     * excluded) */
	__u64 switches;     /* times a vCPU switched into it */
	__u64 first_seen_ns;
	__u64 last_seen_ns;
	__u32 last_vcpu;
	__u32 pad;
};

#define GSCHED_IOC_MAGIC 0xB7
#define GSCHED_IOC_VERSION     _IOR(GSCHED_IOC_MAGIC, 0x00, struct gsched_version)
#define GSCHED_IOC_LIST_VMS    _IOWR(GSCHED_IOC_MAGIC, 0x01, struct gsched_list)
#define GSCHED_IOC_LIST_VCPUS  _IOWR(GSCHED_IOC_MAGIC, 0x02, struct gsched_list)
#define GSCHED_IOC_LIST_TASKS  _IOWR(GSCHED_IOC_MAGIC, 0x03, struct gsched_list)

#endif /* GSCHED_ABI_H */
