// SPDX-License-Identifier: GPL-2.0
/*
 * Consistent copies of the module state for the user interfaces (dev.c,
 * debugfs.c): VMs, vCPUs and address spaces are copied under the registry
 * and per-VM locks into caller buffers; nothing here sleeps.
 */
#include <linux/ktime.h>
#include "gsched.h"
#include "snapshot.h"

static void gs_vm_info(struct gs_vm *vm, struct gsched_vm_info *o)
{
	unsigned long flags;

	memset(o, 0, sizeof(*o));
	o->vm_id = vm->id;
	o->pid = vm->pid;
	o->nr_vcpus = vm->nr_vcpus;
	o->first_seen_ns = vm->first_seen;
	o->mode = gs_mode;
	raw_spin_lock_irqsave(&vm->lock, flags);
	o->nr_spaces = vm->tab.count;
	o->evictions = vm->tab.evictions;
	raw_spin_unlock_irqrestore(&vm->lock, flags);
}

/* One pass over the VMs and one over the vCPUs (O(max_vms + max_vcpus)
 * with interrupts off, not their product): each live vCPU's CPU time is
 * added to its VM's copy, found through gs_vm_pos. */
u32 gs_snapshot_vms(struct gsched_vm_info *out, u32 max, u32 *total)
{
	unsigned long flags;
	unsigned int i;
	u32 n = 0, p;

	*total = 0;
	raw_spin_lock_irqsave(&gs_reg_lock, flags);
	for (i = 0; i < gs_max_vms; i++) {
		gs_vm_pos[i] = U32_MAX;
		if (gs_vms[i].state != GS_LIVE)
			continue;
		if (n < max) {
			gs_vm_info(&gs_vms[i], &out[n]);
			gs_vm_pos[i] = n++;
		}
		(*total)++;
	}
	for (i = 0; i < gs_max_vcpus; i++) {
		struct gs_vcpu *v = &gs_vcpus[i];

		if (v->state != GS_LIVE)
			continue;
		p = gs_vm_pos[v->vm - gs_vms];
		if (p != U32_MAX)
			out[p].cpu_ns += READ_ONCE(v->acct.run_ns);
	}
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
	return n;
}

/* Find live VM 'id' and take gs_reg_lock and its lock; NULL (no lock) if none. */
static struct gs_vm *gs_vm_lock(u32 id, unsigned long *flags, unsigned long *vflags)
{
	unsigned int i;

	raw_spin_lock_irqsave(&gs_reg_lock, *flags);
	for (i = 0; i < gs_max_vms; i++) {
		if (gs_vms[i].state == GS_LIVE && gs_vms[i].id == id) {
			raw_spin_lock_irqsave(&gs_vms[i].lock, *vflags);
			return &gs_vms[i];
		}
	}
	raw_spin_unlock_irqrestore(&gs_reg_lock, *flags);
	return NULL;
}

static void gs_vm_unlock(struct gs_vm *vm, unsigned long flags, unsigned long vflags)
{
	raw_spin_unlock_irqrestore(&vm->lock, vflags);
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
}

int gs_snapshot_vcpus(u32 vm_id, struct gsched_vcpu_info *out, u32 max, u32 *total)
{
	unsigned long flags, vflags;
	struct gs_vm *vm = gs_vm_lock(vm_id, &flags, &vflags);
	unsigned int i;
	int n = 0;

	*total = 0;
	if (!vm)
		return -ENOENT;
	for (i = 0; i < gs_max_vcpus; i++) {
		struct gs_vcpu *v = &gs_vcpus[i];
		struct gsched_vcpu_info *o;

		if (v->state != GS_LIVE || v->vm != vm)
			continue;
		(*total)++;
		if (n >= max)
			continue;
		o = &out[n++];
		memset(o, 0, sizeof(*o));
		o->vm_id = vm->id;
		o->vcpu_id = v->acct.vcpu_id;
		o->tid = v->tid;
		o->flags = READ_ONCE(v->flags);
		o->cr3 = v->acct.root;
		o->cpu_ns = v->acct.run_ns;
		o->entries = v->acct.entries;
		o->switches = v->acct.switches;
		o->descheds = v->acct.descheds;
	}
	gs_vm_unlock(vm, flags, vflags);
	return n;
}

/* The VM's address spaces, each with the time its vCPUs have charged to it
 * and not yet folded into the table (lent for the copy). */
int gs_snapshot_spaces(u32 vm_id, struct gs_as *out, u32 max, u32 *total)
{
	unsigned long flags, vflags;
	struct gs_vm *vm = gs_vm_lock(vm_id, &flags, &vflags);
	unsigned int i;
	int n;

	if (!vm)
		return -ENOENT;
	for (i = 0; i < gs_max_vcpus; i++)
		if (gs_vcpus[i].state == GS_LIVE && gs_vcpus[i].vm == vm)
			gs_vcpus[i].lent = gs_acct_lend(&vm->tab, &gs_vcpus[i].acct);
	*total = vm->tab.count;
	n = gs_astab_snapshot(&vm->tab, out, max);
	for (i = 0; i < gs_max_vcpus; i++)
		if (gs_vcpus[i].state == GS_LIVE && gs_vcpus[i].vm == vm)
			gs_acct_unlend(&vm->tab, &gs_vcpus[i].acct, gs_vcpus[i].lent);
	gs_vm_unlock(vm, flags, vflags);
	return n;
}
