// SPDX-License-Identifier: GPL-2.0
/*
 * Registry of the VMs and vCPUs gsched has seen. Fixed pools allocated at
 * load (probes run in atomic context and never allocate); a vCPU is found by
 * its struct kvm_vcpu pointer through an RCU hash. A VM is registered at the
 * first VM entry of one of its vCPUs, and pinned then (kvm_get_kvm_safe):
 * every struct kvm and kvm_vcpu pointer gsched keeps stays valid for as
 * long as it keeps it, whatever happens to kprobes or tracing. A poll
 * (every GS_LIVENESS_MS) forgets a VM once gsched's is the only reference
 * left (every VMM fd closed) and drops that reference, which lets KVM
 * destroy it; its slots go back to the pools after an RCU grace period.
 * When the pools are full, discovery is not retried at every VM entry of
 * an untracked vCPU: the failure is remembered until a slot is freed.
 */
#include <linux/hashtable.h>
#include <linux/ktime.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include "gsched.h"

DEFINE_RAW_SPINLOCK(gs_reg_lock);
struct gs_vm *gs_vms;
struct gs_vcpu *gs_vcpus;
static struct gs_as *gs_as_pool;
static u32 gs_as_nslots;
static u32 gs_next_vm_id = 1;
static DEFINE_HASHTABLE(gs_vcpu_hash, 10);

static void gs_reclaim_fn(struct work_struct *w);
static DECLARE_WORK(gs_reclaim_work, gs_reclaim_fn);
#define GS_LIVENESS_MS 200
static void gs_liveness_fn(struct work_struct *w);
static DECLARE_DELAYED_WORK(gs_liveness_work, gs_liveness_fn);
static struct kvm **gs_unpin;          /* the liveness poll's scratch list */
u32 *gs_vm_pos;                         /* gs_snapshot_vms' scratch (gs_reg_lock) */
/* Bumped when slots are freed; discovery that failed for want of a slot
 * is not retried until it changes. */
static atomic_t gs_reg_gen = ATOMIC_INIT(0);
static int gs_full_gen = -1;
/* debugfs: discoveries that took gs_reg_lock, and that found no slot */
atomic64_t gs_discover_scans, gs_discover_full;

int gs_registry_init(void)
{
	gs_as_nslots = gs_astab_slots_for(gs_max_spaces);
	gs_vms = vzalloc(array_size(gs_max_vms, sizeof(*gs_vms)));
	gs_vcpus = vzalloc(array_size(gs_max_vcpus, sizeof(*gs_vcpus)));
	gs_as_pool = vzalloc(array3_size(gs_max_vms, GS_ASTAB_ENTRIES(gs_as_nslots), sizeof(*gs_as_pool)));
	gs_unpin = kvcalloc(gs_max_vms, sizeof(*gs_unpin), GFP_KERNEL);
	gs_vm_pos = kvcalloc(gs_max_vms, sizeof(*gs_vm_pos), GFP_KERNEL);
	if (!gs_vms || !gs_vcpus || !gs_as_pool || !gs_unpin || !gs_vm_pos) {
		gs_registry_exit();
		return -ENOMEM;
	}
	schedule_delayed_work(&gs_liveness_work, msecs_to_jiffies(GS_LIVENESS_MS));
	return 0;
}

/* Called after every probe is gone: no reader or writer remains. The VMs
 * gsched still pins are let go (KVM may destroy them now, here). */
void gs_registry_exit(void)
{
	unsigned int i;

	cancel_delayed_work_sync(&gs_liveness_work);
	cancel_work_sync(&gs_reclaim_work);
	for (i = 0; gs_vms && i < gs_max_vms; i++)
		if (gs_vms[i].pinned) {
			gs_vms[i].pinned = false;
			kvm_put_kvm(gs_vms[i].kvm);
		}
	kvfree(gs_unpin);
	gs_unpin = NULL;
	kvfree(gs_vm_pos);
	gs_vm_pos = NULL;
	vfree(gs_as_pool);
	vfree(gs_vcpus);
	vfree(gs_vms);
	gs_as_pool = NULL;
	gs_vcpus = NULL;
	gs_vms = NULL;
}

/* From probes: they run with preemption disabled, an RCU read-side section. */
struct gs_vcpu *gs_vcpu_lookup(struct kvm_vcpu *kvcpu)
{
	struct gs_vcpu *v;

	hash_for_each_possible_rcu(gs_vcpu_hash, v, hnode, (unsigned long)kvcpu)
		if (v->kvcpu == kvcpu)
			return v;
	return NULL;
}

static struct gs_vm *gs_vm_get_locked(struct kvm *kvm, u64 now)
{
	struct gs_vm *vm, *free = NULL;
	unsigned int i;

	for (i = 0; i < gs_max_vms; i++) {
		vm = &gs_vms[i];
		if (vm->state == GS_LIVE && vm->kvm == kvm)
			return vm;
		if (vm->state == GS_FREE && !free)
			free = vm;
	}
	if (!free || !kvm_get_kvm_safe(kvm)) /* full, or KVM is destroying it */
		return NULL;
	vm = free;
	vm->pinned = true;
	raw_spin_lock_init(&vm->lock);
	gs_astab_init(&vm->tab, gs_as_pool + (size_t)(vm - gs_vms) * GS_ASTAB_ENTRIES(gs_as_nslots),
		      gs_as_nslots, gs_max_spaces);
	vm->kvm = kvm;
	vm->id = gs_next_vm_id++;
	vm->pid = current->tgid;
	vm->nr_vcpus = 0;
	vm->first_seen = now;
	vm->state = GS_LIVE;
	return vm;
}

/* First sight of a vCPU, from its own thread inside a KVM probe. */
struct gs_vcpu *gs_vcpu_discover(struct kvm_vcpu *kvcpu)
{
	static bool warned;
	struct gs_vcpu *v = NULL;
	struct gs_vm *vm;
	unsigned long flags;
	unsigned int i;
	int gen = atomic_read(&gs_reg_gen);

	if (READ_ONCE(gs_full_gen) == gen)
		return NULL; /* no slot was freed since the last failure */
	atomic64_inc(&gs_discover_scans);
	raw_spin_lock_irqsave(&gs_reg_lock, flags);
	v = gs_vcpu_lookup(kvcpu);
	if (v)
		goto out;
	vm = gs_vm_get_locked(kvcpu->kvm, ktime_get_ns());
	for (i = 0; vm && i < gs_max_vcpus; i++) {
		if (gs_vcpus[i].state != GS_FREE)
			continue;
		v = &gs_vcpus[i];
		v->kvcpu = kvcpu;
		v->vm = vm;
		v->task = current;
		v->tid = current->pid;
		v->flags = 0;
		gs_acct_init(&v->acct, kvcpu->vcpu_id);
		v->state = GS_LIVE;
		vm->nr_vcpus++;
		hash_add_rcu(gs_vcpu_hash, &v->hnode, (unsigned long)kvcpu);
		break;
	}
	if (!v) {
		WRITE_ONCE(gs_full_gen, gen);
		atomic64_inc(&gs_discover_full);
	}
	if (!v && !warned) {
		warned = true;
		pr_warn_ratelimited(GS_NAME ": registry full (max_vms=%u max_vcpus=%u); new VMs are not tracked\n",
				    gs_max_vms, gs_max_vcpus);
	}
out:
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
	return v;
}

/* Forget 'vm' and its vCPUs (under gs_reg_lock). */
static void gs_vm_forget_locked(struct gs_vm *vm)
{
	unsigned int i;

	for (i = 0; i < gs_max_vcpus; i++) {
		struct gs_vcpu *v = &gs_vcpus[i];

		if (v->state == GS_LIVE && v->vm == vm) {
			hash_del_rcu(&v->hnode);
			v->state = GS_DEAD;
		}
	}
	vm->state = GS_DEAD;
	/* No CPU may keep an open interval of a dead vCPU: probes that already
	 * read the pointer finish before the RCU grace period of the reclaim. */
	for_each_possible_cpu(i) {
		struct gs_vcpu **p = per_cpu_ptr(&gs_open_vcpu, i);
		struct gs_vcpu *v = READ_ONCE(*p);

		if (v && v->state == GS_DEAD)
			cmpxchg(p, v, NULL);
	}
}

/* Every GS_LIVENESS_MS: a VM that only gsched still holds (its VMM closed
 * every fd, or exited) is forgotten, then let go. */
static void gs_liveness_fn(struct work_struct *w)
{
	unsigned long flags;
	unsigned int i, n = 0;

	raw_spin_lock_irqsave(&gs_reg_lock, flags);
	for (i = 0; i < gs_max_vms; i++) {
		struct gs_vm *vm = &gs_vms[i];

		if (vm->state != GS_LIVE || refcount_read(&vm->kvm->users_count) != 1)
			continue;
		gs_vm_forget_locked(vm);
		vm->pinned = false;
		gs_unpin[n++] = vm->kvm;
	}
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
	for (i = 0; i < n; i++)
		kvm_put_kvm(gs_unpin[i]); /* KVM destroys the VM here */
	if (n)
		schedule_work(&gs_reclaim_work);
	schedule_delayed_work(&gs_liveness_work, msecs_to_jiffies(GS_LIVENESS_MS));
}

static void gs_mark(enum gs_state from, enum gs_state to)
{
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&gs_reg_lock, flags);
	for (i = 0; i < gs_max_vcpus; i++)
		if (gs_vcpus[i].state == from)
			gs_vcpus[i].state = to;
	for (i = 0; i < gs_max_vms; i++)
		if (gs_vms[i].state == from)
			gs_vms[i].state = to;
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
}

/* Return dead slots to the pools once no probe can still hold them. */
static void gs_reclaim_fn(struct work_struct *w)
{
	unsigned int i;

	gs_mark(GS_DEAD, GS_RECLAIM);
	synchronize_rcu();
	/* a guest call its vCPU thread never finished (the VM went away) */
	for (i = 0; i < gs_max_vcpus; i++)
		if (READ_ONCE(gs_vcpus[i].state) == GS_RECLAIM && READ_ONCE(gs_vcpus[i].call))
			gs_gcall_abandon(&gs_vcpus[i]);
	gs_mark(GS_RECLAIM, GS_FREE);
	atomic_inc(&gs_reg_gen);
}

unsigned int gs_registry_kick_armed(void)
{
	unsigned int i, n = 0;
	unsigned long flags;

	raw_spin_lock_irqsave(&gs_reg_lock, flags);
	for (i = 0; i < gs_max_vcpus; i++) {
		struct gs_vcpu *v = &gs_vcpus[i];

		/* LIVE under gs_reg_lock: KVM has not begun destroying it. */
		if (v->state == GS_LIVE && (READ_ONCE(v->flags) & GSCHED_VCPU_ARMED)) {
			kvm_vcpu_kick(v->kvcpu);
			n++;
		}
	}
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
	return n;
}
