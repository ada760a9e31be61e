/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * gsched kernel <-> user ABI: the ioctls of /dev/gsched and their structs.
 * Shared by gsched.ko and userspace; fixed-width fields and explicit padding
 * only, so 32- and 64-bit userspace see the same layout. A change that breaks
 * old users bumps GSCHED_ABI_MAJOR; an addition bumps GSCHED_ABI_MINOR.
 *
 * Vocabulary: an address space is a guest page-table root (CR3 without its
 * PCID and flag bits), what gsched.ko tracks; a task is a guest task_struct
 * (a thread), what the daemon reads from guest memory. ABI 1.4 renamed what
 * 1.0-1.3 called tasks to address spaces: gsched_task_info is
 * gsched_space_info, GSCHED_IOC_LIST_TASKS is GSCHED_IOC_LIST_SPACES,
 * max_tasks and nr_tasks are max_spaces and nr_spaces. Layouts and ioctl
 * numbers are unchanged, so binaries built against 1.0-1.3 still work.
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
#define GSCHED_ABI_MINOR 4
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
	__u32 max_spaces;   /* address spaces kept per VM */
	__u32 pad;
	char kernel[64];    /* release the module was built for */
};

/* Array transfer: userspace gives a buffer of 'capacity' elements of
 * 'elem_size' bytes; the module fills 'count' and reports 'total'. */
struct gsched_list {
	__u64 buf;          /* user pointer to the element array */
	__u32 capacity;     /* in: elements buf can hold */
	__u32 elem_size;    /* in: sizeof the element userspace was built with */
	__u32 vm_id;        /* in: VM to list (vcpus/spaces); ignored for vms */
	__u32 count;        /* out: elements written */
	__u32 total;        /* out: elements available */
	__u32 pad;
	__u64 now_ns;       /* out: module clock (CLOCK_MONOTONIC) at the copy */
};

struct gsched_vm_info {
	__u32 vm_id;        /* gsched's id, stable for the VM's life */
	__s32 pid;          /* tgid of the VMM process (e.g. QEMU) */
	__u32 nr_vcpus;
	__u32 nr_spaces;    /* address spaces in the table now */
	__u64 first_seen_ns;
	__u64 cpu_ns;       /* CPU time its vCPU threads got (see gsched_space_info) */
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

/* One guest address space of a VM (GSCHED_IOC_LIST_SPACES). */
struct gsched_space_info {
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

/* --- ABI 1.1: guest memory, vCPU registers, pausing (introspection) --- */

/* A range of guest physical memory (KVM memory slot, address space 0). */
struct gsched_memslot {
	__u64 gpa;
	__u64 size;
	__u32 flags;        /* KVM_MEM_* of the slot (e.g. read-only) */
	__u32 pad;
	/* ABI 1.3: where the VMM maps the slot (its userspace address), so
	 * that a reader with ptrace rights over the VMM (root) can copy guest
	 * memory with process_vm_readv instead of an ioctl per page. Lists
	 * asked with elem_size GSCHED_MEMSLOT_V1_SIZE (ABI 1.1) get no hva. */
	__u64 hva;
};
#define GSCHED_MEMSLOT_V1_SIZE 24

/* Read or write guest physical memory. Writes need a pause of that VM held
 * by the same open file. 'done' says how many bytes were copied when the
 * copy stopped early (a hole in guest memory: -EFAULT). */
struct gsched_mem {
	__u32 vm_id;
	__u32 pad;
	__u64 gpa;
	__u64 buf;          /* user pointer */
	__u64 len;          /* at most GSCHED_MEM_MAX */
	__u64 done;         /* out */
};
#define GSCHED_MEM_MAX (1u << 20)

/*
 * Pause every vCPU of a VM (each vCPU thread parks in the kernel before it
 * can enter the guest again) and wait until all are out of guest mode, or
 * resume one. A pause belongs to the open file that took it: closing the
 * file (the daemon exiting or crashing) resumes the VM, and the module
 * resumes it by itself after pause_max_ms (module parameter) whatever
 * userspace does. RESUME fails with ETIMEDOUT if that happened first.
 */
struct gsched_pause {
	__u32 vm_id;
	__u32 timeout_ms;   /* in: how long to wait for the vCPUs (0: 1000) */
	__u32 nr_vcpus;     /* out: vCPUs of the VM */
	__u32 nr_parked;    /* out: parked in gsched (the rest were already
			     * blocked outside guest mode with the park pending) */
	__u64 wait_ns;      /* out: time until every vCPU was out of guest mode */
	__u64 max_ns;       /* out: the pause ends by itself after this long */
};

/* Registers of a paused vCPU (the Nth vCPU of the VM, in KVM's order). */
struct gsched_vcpu_regs {
	__u32 vm_id;
	__u32 index;        /* in: 0 .. nr_vcpus-1 */
	__u32 vcpu_id;      /* out: KVM's vcpu_id */
	__u32 flags;        /* out: GSCHED_REGS_* */
	__u64 cr0, cr3, cr4, efer;
	__u64 gs_base, kernel_gs_base, rip;
};
#define GSCHED_REGS_CR3_EXACT 0x1 /* cr3 read from the vCPU's saved state
				   * (AMD); else the root gsched last saw */
#define GSCHED_REGS_SEGS      0x2 /* gs_base, kernel_gs_base valid (AMD) */

/* --- ABI 1.2: calls made by the guest (Monarch's resume: wake_up_process) --- */

/*
 * Make the guest call up to GSCHED_CALL_MAX functions of its own kernel, in
 * order, on one vCPU, each with one argument, as an interrupt handler would:
 * interrupts off, at a point where that vCPU ran kernel code with interrupts
 * on (so it held no interrupt-safe lock) or was halted in its idle loop.
 * Needs a pause of the VM held by the same open file with every vCPU parked;
 * the other vCPUs stay parked throughout. Each call returns to 'hlt_rip', a
 * HLT instruction in guest kernel text, whose exit gives the vCPU back to
 * gsched, which restores what it interrupted. AMD SVM only (EOPNOTSUPP on
 * VMX); ENODEV if no vCPU is at such a point (resume, try again later);
 * ETIMEDOUT if the calls did not return within timeout_ms (they finish and
 * the vCPU is restored by itself when they do).
 */
#define GSCHED_CALL_MAX 3
struct gsched_call {
	__u32 vm_id;
	__u32 nr;                    /* in: calls in fn[], 1 .. GSCHED_CALL_MAX */
	__u64 fn[GSCHED_CALL_MAX];   /* in: guest kernel virtual addresses */
	__u64 arg[GSCHED_CALL_MAX];  /* in: first argument (rdi) of each */
	__u64 ret[GSCHED_CALL_MAX];  /* out: rax each call returned */
	__u64 hlt_rip;               /* in: guest address of a HLT instruction */
	__u32 timeout_ms;            /* in: wait this long (0: 100, at most 1000) */
	__s32 vcpu;                  /* out: index of the vCPU that made the calls */
	__u64 wait_ns;               /* out: request to last return */
};

#define GSCHED_IOC_MAGIC 0xB7
#define GSCHED_IOC_VERSION     _IOR(GSCHED_IOC_MAGIC, 0x00, struct gsched_version)
#define GSCHED_IOC_LIST_VMS    _IOWR(GSCHED_IOC_MAGIC, 0x01, struct gsched_list)
#define GSCHED_IOC_LIST_VCPUS  _IOWR(GSCHED_IOC_MAGIC, 0x02, struct gsched_list)
#define GSCHED_IOC_LIST_SPACES _IOWR(GSCHED_IOC_MAGIC, 0x03, struct gsched_list)
#define GSCHED_IOC_LIST_MEMSLOTS _IOWR(GSCHED_IOC_MAGIC, 0x04, struct gsched_list)
#define GSCHED_IOC_MEM_READ    _IOWR(GSCHED_IOC_MAGIC, 0x05, struct gsched_mem)
#define GSCHED_IOC_MEM_WRITE   _IOWR(GSCHED_IOC_MAGIC, 0x06, struct gsched_mem)
#define GSCHED_IOC_PAUSE       _IOWR(GSCHED_IOC_MAGIC, 0x07, struct gsched_pause)
#define GSCHED_IOC_RESUME      _IOW(GSCHED_IOC_MAGIC, 0x08, struct gsched_pause)
#define GSCHED_IOC_VCPU_REGS   _IOWR(GSCHED_IOC_MAGIC, 0x09, struct gsched_vcpu_regs)
#define GSCHED_IOC_CALL        _IOWR(GSCHED_IOC_MAGIC, 0x0a, struct gsched_call)

#endif /* GSCHED_ABI_H */
