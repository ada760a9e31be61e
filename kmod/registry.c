// SPDX-License-Identifier: GPL-2.0
/*
 * Registry of the VMs and vCPUs gsched has seen. Fixed pools allocated at
 * load (probes run in atomic context and never allocate); a vCPU is found by
 * its struct kvm_vcpu pointer through an RCU hash. A VM is registered at the
 * first VM entry of one of its vCPUs and forgotten when KVM destroys it;
 * its slots go back to the pools after an RCU grace period.
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

int gs_registry_init(void)
{
	gs_as_nslots = gs_astab_slots_for(gs_max_tasks);
	gs_vms = vzalloc(array_size(gs_max_vms, sizeof(*gs_vms)));
	gs_vcpus = vzalloc(array_size(gs_max_vcpus, sizeof(*gs_vcpus)));
	gs_as_pool = vzalloc(array3_size(gs_max_vms, gs_as_nslots, sizeof(*gs_as_pool)));
	if (!gs_vms || !gs_vcpus || !gs_as_pool) {
		gs_registry_exit();
		return -ENOMEM;
	}
	return 0;
}

/* Called after every probe is gone: no reader or writer remains. */
void gs_registry_exit(void)
{
	cancel_work_sync(&gs_reclaim_work);
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
	if (!free)
		return NULL;
	vm = free;
	raw_spin_lock_init(&vm->lock);
	gs_astab_init(&vm->tab, gs_as_pool + (size_t)(vm - gs_vms) * gs_as_nslots,
		      gs_as_nslots, gs_max_tasks);
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
	if (!v && !warned) {
		warned = true;
		pr_warn_ratelimited(GS_NAME ": registry full (max_vms=%u max_vcpus=%u); new VMs are not tracked\n",
				    gs_max_vms, gs_max_vcpus);
	}
out:
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
	return v;
}

/* KVM is destroying 'kvm' (kprobe, atomic): unlink it and its vCPUs. */
void gs_vm_destroyed(struct kvm *kvm)
{
	unsigned long flags;
	bool found = false;
	unsigned int i;

	raw_spin_lock_irqsave(&gs_reg_lock, flags);
	for (i = 0; i < gs_max_vcpus; i++) {
		struct gs_vcpu *v = &gs_vcpus[i];

		if (v->state == GS_LIVE && v->vm->kvm == kvm) {
			hash_del_rcu(&v->hnode);
			v->state = GS_DEAD;
		}
	}
	for (i = 0; i < gs_max_vms; i++) {
		if (gs_vms[i].state == GS_LIVE && gs_vms[i].kvm == kvm) {
			gs_vms[i].state = GS_DEAD;
			found = true;
		}
	}
	/* No CPU may keep an open interval of a dead vCPU: probes that already
	 * read the pointer finish before the RCU grace period of the reclaim. */
	for_each_possible_cpu(i) {
		struct gs_vcpu **p = per_cpu_ptr(&gs_open_vcpu, i);
		struct gs_vcpu *v = READ_ONCE(*p);

		if (v && v->state == GS_DEAD)
			cmpxchg(p, v, NULL);
	}
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
	if (found)
		schedule_work(&gs_reclaim_work);
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
	gs_mark(GS_DEAD, GS_RECLAIM);
	synchronize_rcu();
	gs_mark(GS_RECLAIM, GS_FREE);
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
