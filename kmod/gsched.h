/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gsched.ko internals shared between its files: the registry of VMs and vCPUs
 * (registry.c), the vendor-specific CR3 access (svm.c, vmx.c), the KVM hooks
 * (hooks.c), the load-time layout check (layout.c) and the user interfaces
 * (dev.c, debugfs.c).
 */
#ifndef GS_GSCHED_H
#define GS_GSCHED_H
#include <linux/kvm_host.h>
#include <linux/spinlock.h>
#include "core/acct.h"
#include "../include/gsched/abi.h"

#define GS_NAME "gsched"

enum gs_vendor { GS_VENDOR_NONE = 0, GS_VENDOR_SVM = 1, GS_VENDOR_VMX = 2 };
enum gs_state { GS_FREE = 0, GS_LIVE, GS_DEAD, GS_RECLAIM };

struct gs_vm {
	struct kvm *kvm;          /* key; pinned (kvm_get_kvm_safe) while pinned is set */
	raw_spinlock_t lock;      /* tab and every vCPU's acct */
	struct gs_astab tab;
	u32 id;
	pid_t pid;
	u32 nr_vcpus;
	u64 first_seen;
	bool pinned;              /* gsched holds a reference on kvm */
	enum gs_state state;      /* under gs_reg_lock */
};

struct gs_vcpu {
	struct hlist_node hnode;  /* gs_vcpu_hash, RCU */
	struct kvm_vcpu *kvcpu;   /* key; dereferenced only in its own probes */
	struct gs_vm *vm;
	struct gs_vcpu_acct acct; /* its thread's; table updates under vm->lock */
	u64 lent;                 /* a snapshot's loan (acct.h), under vm->lock */
	struct task_struct *task; /* thread that last entered it; compared, never dereferenced */
	pid_t tid;
	u32 flags;                /* GSCHED_VCPU_*; written by the vCPU thread */
	enum gs_state state;      /* under gs_reg_lock */
	struct gs_gcall *call;    /* a guest call running on it (gcall.c); its thread's */
};

/* Module parameters and what load time decided. */
extern int gs_mode;              /* enum gsched_track_mode */
extern enum gs_vendor gs_vendor;
extern unsigned int gs_max_vms, gs_max_vcpus, gs_max_spaces, gs_pause_max_ms;
extern bool gs_disarming;        /* unload: drop CR3 intercepts we set */

/* registry.c */
extern raw_spinlock_t gs_reg_lock;
extern struct gs_vm *gs_vms;
extern struct gs_vcpu *gs_vcpus;
int gs_registry_init(void);
void gs_registry_exit(void);
struct gs_vcpu *gs_vcpu_lookup(struct kvm_vcpu *kvcpu);
struct gs_vcpu *gs_vcpu_discover(struct kvm_vcpu *kvcpu);
extern atomic64_t gs_discover_scans, gs_discover_full;
extern u32 *gs_vm_pos;
/* The vCPU whose accounting interval is open on this CPU (hooks.c). */
DECLARE_PER_CPU(struct gs_vcpu *, gs_open_vcpu);
/* Kick every live vCPU we armed so its next entry disarms; returns how many. */
unsigned int gs_registry_kick_armed(void);

/* svm.c / vmx.c: guest root at entry, exit and deschedule (0: unknown). */
void gs_svm_entry(struct gs_vcpu *v, struct kvm_vcpu *kvcpu);
u64 gs_svm_cr3_exited(struct kvm_vcpu *kvcpu);
u64 gs_svm_cr3_entry(struct kvm_vcpu *kvcpu);
void gs_svm_exit(struct kvm_vcpu *kvcpu);
extern u32 gs_svm_nested_intercepts_off;
extern atomic64_t gs_nested_cr3_exits;
u64 gs_vmx_cr3_exited(void);
void gs_svm_regs(struct kvm_vcpu *kvcpu, struct gsched_vcpu_regs *r);

/* guestmem.c: guest physical memory of a VM (by gsched id). */
struct kvm *gs_vm_get_kvm(u32 vm_id);  /* pinned; kvm_put_kvm when done */
long gs_memslots(u32 vm_id, struct gsched_memslot *out, u32 cap, u32 *total);
long gs_guest_read(u32 vm_id, u64 gpa, void __user *ubuf, u64 len, u64 *done);
/* One write within one guest page (the caller holds a complete pause);
 * -EBUSY while the slot's dirty log is on. */
int gs_guest_write_page(struct kvm *kvm, u64 gpa, const void *kbuf, size_t len);

/* pause.c: pauses belong to the /dev/gsched file that took them. */
struct gs_pause;
struct gs_gcall;
void gs_pause_get(struct gs_pause *p);
void gs_pause_put(struct gs_pause *p);
struct kvm_vcpu *gs_pause_vcpu(struct gs_pause *p, u32 idx);
struct gs_gcall *gs_park_hold(struct gs_pause *p, u32 idx);
long gs_pause_call(struct file *f, struct gsched_call *c);
long gs_pause(struct file *f, struct gsched_pause *a);
long gs_resume(struct file *f, u32 vm_id);
void gs_pause_release(struct file *f);
long gs_pause_write(struct file *f, struct gsched_mem *m);
long gs_pause_regs(struct file *f, struct gsched_vcpu_regs *r);

/* gcall.c: calls made by the guest's kernel for gsched. */
struct gs_gcall *gs_gcall_new(struct gs_pause *p, u32 idx, const struct gsched_call *c);
long gs_gcall_wait(struct gs_gcall *g, u32 timeout_ms, struct gsched_call *c);
void gs_gcall_put(struct gs_gcall *g);
void gs_gcall_start(struct gs_gcall *g);
void gs_gcall_exit(struct gs_vcpu *v, struct kvm_vcpu *kvcpu);
void gs_gcall_abandon(struct gs_vcpu *v);
/* svm.c: could the guest take an interrupt where this parked vCPU is?
 * Did it exit on a HLT at rip with this rsp and interrupts off? */
bool gs_svm_callable(struct kvm_vcpu *kvcpu);
bool gs_svm_hlt_at(struct kvm_vcpu *kvcpu, u64 rip, u64 rsp, u64 *rax);

/* hooks.c */
int gs_hooks_init(void);
void gs_hooks_exit(void);

/* layout.c */
int gs_layout_check(void);

/* dev.c, debugfs.c */
int gs_dev_init(void);
void gs_dev_exit(void);
void gs_debugfs_init(void);
void gs_debugfs_exit(void);

#endif
