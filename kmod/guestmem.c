// SPDX-License-Identifier: GPL-2.0
/*
 * Guest physical memory for the daemon's introspection: the VM's memory slots
 * and page-by-page copies between guest memory and a user buffer. A guest
 * page is a page of the VMM's (QEMU's) address space: gfn -> hva through
 * KVM's memslots (under kvm->srcu), hva -> struct page with
 * get_user_pages_remote on kvm->mm, copied through a bounce page so no user
 * copy happens under the VMM's mmap lock. The VM is pinned with
 * kvm_get_kvm_safe for the whole call.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "compat/compat.h"
#include "gsched.h"

/* The live VM with gsched id 'vm_id', pinned; NULL if none. */
struct kvm *gs_vm_get_kvm(u32 vm_id)
{
	struct kvm *kvm = NULL;
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&gs_reg_lock, flags);
	for (i = 0; i < gs_max_vms; i++) {
		struct gs_vm *vm = &gs_vms[i];

		/* LIVE under gs_reg_lock: kvm_destroy_vm has not begun, so
		 * the struct is there; the refcount says whether it is dying. */
		if (vm->state == GS_LIVE && vm->id == vm_id) {
			if (kvm_get_kvm_safe(vm->kvm))
				kvm = vm->kvm;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&gs_reg_lock, flags);
	return kvm;
}

long gs_memslots(u32 vm_id, struct gsched_memslot *out, u32 cap, u32 *total)
{
	struct kvm *kvm = gs_vm_get_kvm(vm_id);
	struct kvm_memslots *slots;
	struct kvm_memory_slot *ms;
	u32 n = 0, t = 0;
	int idx, bkt;

	if (!kvm)
		return -ENOENT;
	idx = srcu_read_lock(&kvm->srcu);
	slots = kvm_memslots(kvm);
	kvm_for_each_memslot(ms, bkt, slots) {
		if (n < cap) {
			out[n].gpa = ms->base_gfn << PAGE_SHIFT;
			out[n].size = ms->npages << PAGE_SHIFT;
			out[n].flags = ms->flags;
			out[n].pad = 0;
			out[n].hva = ms->userspace_addr;
			n++;
		}
		t++;
	}
	srcu_read_unlock(&kvm->srcu, idx);
	kvm_put_kvm(kvm);
	*total = t;
	return n;
}

/*
 * Copy one piece (within one guest page) between guest memory and 'kbuf'.
 * kvm->srcu is held from the memslot lookup to the end of the copy, so a
 * slot deleted or moved meanwhile (KVM waits for SRCU readers) cannot
 * leave the copy in a range the VMM has reused. No FOLL_FORCE: only what
 * the VMM maps writable is written.
 *
 * A write to a slot whose dirty log is on (a live migration or a snapshot
 * is copying the VM) is refused with -EBUSY: the page would not be marked
 * dirty for KVM's log or ring (mark_page_dirty needs a running vCPU on
 * x86), so the copy would miss it. Writes made before logging starts are
 * covered: KVM waits for this reader before the slot's flags change, and a
 * migration's first pass sends every page.
 */
static int gs_guest_page_rw(struct kvm *kvm, u64 gpa, void *kbuf, size_t len, bool write)
{
	gfn_t gfn = gpa >> PAGE_SHIFT;
	struct kvm_memory_slot *slot;
	unsigned long hva;
	struct page *page;
	void *va;
	long got;
	int idx, err = 0;

	idx = srcu_read_lock(&kvm->srcu);
	slot = gfn_to_memslot(kvm, gfn);
	if (write && slot && kvm_slot_dirty_track_enabled(slot)) {
		err = -EBUSY;
		goto out;
	}
	hva = gfn_to_hva(kvm, gfn);
	if (kvm_is_error_hva(hva)) {
		err = -EFAULT;
		goto out;
	}
	hva += offset_in_page(gpa);
	if (!mmget_not_zero(kvm->mm)) {
		err = -ESRCH;
		goto out;
	}
	mmap_read_lock(kvm->mm);
	got = gs_gup_remote_one(kvm->mm, hva, write ? FOLL_WRITE : 0, &page);
	mmap_read_unlock(kvm->mm);
	mmput(kvm->mm);
	if (got != 1) {
		err = got < 0 ? (int)got : -EFAULT;
		goto out;
	}
	va = kmap_local_page(page);
	if (write) {
		memcpy(va + offset_in_page(hva), kbuf, len);
		set_page_dirty_lock(page);
	} else {
		memcpy(kbuf, va + offset_in_page(hva), len);
	}
	kunmap_local(va);
	put_page(page);
out:
	srcu_read_unlock(&kvm->srcu, idx);
	return err;
}

int gs_guest_write_page(struct kvm *kvm, u64 gpa, const void *kbuf, size_t len)
{
	if (!len || offset_in_page(gpa) + len > PAGE_SIZE)
		return -EINVAL;
	return gs_guest_page_rw(kvm, gpa, (void *)kbuf, len, true);
}

long gs_guest_read(u32 vm_id, u64 gpa, void __user *ubuf, u64 len, u64 *done)
{
	struct kvm *kvm;
	void *bounce;
	int err = 0;

	*done = 0;
	if (!len || len > GSCHED_MEM_MAX || gpa + len < gpa)
		return -EINVAL;
	kvm = gs_vm_get_kvm(vm_id);
	if (!kvm)
		return -ENOENT;
	bounce = (void *)__get_free_page(GFP_KERNEL);
	if (!bounce) {
		kvm_put_kvm(kvm);
		return -ENOMEM;
	}
	while (*done < len) {
		u64 a = gpa + *done;
		size_t n = min_t(u64, len - *done, PAGE_SIZE - offset_in_page(a));

		err = gs_guest_page_rw(kvm, a, bounce, n, false);
		if (err)
			break;
		if (copy_to_user(ubuf + *done, bounce, n)) {
			err = -EFAULT;
			break;
		}
		*done += n;
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}
	free_page((unsigned long)bounce);
	kvm_put_kvm(kvm);
	return err;
}
