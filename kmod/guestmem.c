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
			n++;
		}
		t++;
	}
	srcu_read_unlock(&kvm->srcu, idx);
	kvm_put_kvm(kvm);
	*total = t;
	return n;
}

/* Copy one piece (within one guest page) between guest memory and 'kbuf'. */
static int gs_guest_page_rw(struct kvm *kvm, u64 gpa, void *kbuf, size_t len, bool write)
{
	unsigned long hva;
	struct page *page;
	void *va;
	long got;
	int idx;

	idx = srcu_read_lock(&kvm->srcu);
	hva = gfn_to_hva(kvm, gpa >> PAGE_SHIFT);
	srcu_read_unlock(&kvm->srcu, idx);
	if (kvm_is_error_hva(hva))
		return -EFAULT;
	hva += offset_in_page(gpa);
	if (!mmget_not_zero(kvm->mm))
		return -ESRCH;
	mmap_read_lock(kvm->mm);
	got = gs_gup_remote_one(kvm->mm, hva, FOLL_FORCE | (write ? FOLL_WRITE : 0), &page);
	mmap_read_unlock(kvm->mm);
	mmput(kvm->mm);
	if (got != 1)
		return got < 0 ? (int)got : -EFAULT;
	va = kmap_local_page(page);
	if (write) {
		memcpy(va + offset_in_page(hva), kbuf, len);
		set_page_dirty_lock(page);
	} else {
		memcpy(kbuf, va + offset_in_page(hva), len);
	}
	kunmap_local(va);
	put_page(page);
	return 0;
}

long gs_guest_rw(u32 vm_id, u64 gpa, void __user *ubuf, u64 len, bool write, u64 *done)
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

		if (write && copy_from_user(bounce, ubuf + *done, n)) {
			err = -EFAULT;
			break;
		}
		err = gs_guest_page_rw(kvm, a, bounce, n, write);
		if (err)
			break;
		if (!write && copy_to_user(ubuf + *done, bounce, n)) {
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
