// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gsched.ko backend of the guest memory interface: guest physical memory,
 * vCPU registers and pausing of a live VM through /dev/gsched (ABI 1.1),
 * calls made by the guest (ABI 1.2). Reads go straight to the VMM's mapping
 * of guest RAM (process_vm_readv at the slot's hva, ABI 1.3: one system
 * call per read, or per batch of pages for the page cache's working set,
 * no page pinned) when this process may read the VMM's memory, else
 * through the module (an ioctl per page); writes always go
 * through the module, which refuses them while KVM logs dirty pages.
 * Writes and registers need the VM paused by this same open device; the
 * module resumes it if this process dies.
 */
#define _GNU_SOURCE /* process_vm_readv */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include "lib/gsched.h"
#include "vmi/mem.h"

#define KVM_MAX_SLOTS 64
#define PAGE_BYTES 4096

struct vmi_kvm {
	struct gsched *g;
	unsigned int vm_id;
	int paused;
	int pid;                   /* the VMM (0: read through the module only) */
	struct { uint64_t gpa, size, hva; } slot[KVM_MAX_SLOTS];
	int nslots;
	unsigned long long direct_reads, module_reads;
};

/* Copy from the VMM's mapping of guest RAM; 0, or -1 to read through the
 * module instead (no slot with an hva, a range across slots, not allowed). */
static int direct_read(struct vmi_kvm *k, uint64_t pa, void *buf, size_t len)
{
	for (int i = 0; i < k->nslots; i++) {
		struct iovec local = { .iov_base = buf, .iov_len = len }, remote;

		if (pa < k->slot[i].gpa || pa - k->slot[i].gpa >= k->slot[i].size)
			continue;
		if (len > k->slot[i].size - (pa - k->slot[i].gpa) || !k->slot[i].hva)
			return -1;
		remote.iov_base = (void *)(uintptr_t)(k->slot[i].hva + (pa - k->slot[i].gpa));
		remote.iov_len = len;
		if (process_vm_readv(k->pid, &local, 1, &remote, 1, 0) == (ssize_t)len)
			return 0;
		if (errno == EPERM || errno == ESRCH || errno == ENOSYS)
			k->pid = 0;        /* not this VMM's memory: the module from now on */
		return -1;
	}
	return -1;
}

static int kvm_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct vmi_kvm *k = ctx;

	if (k->pid && !direct_read(k, pa, buf, len)) {
		k->direct_reads++;
		return 0;
	}
	k->module_reads++;
	return gsched_mem_rw(k->g, k->vm_id, pa, buf, len, 0);
}

/* A batch of whole pages from the VMM's mapping: process_vm_readv with
 * up to IOV_BATCH pages per call. A page it cannot read ends that call's
 * run; the rest are read by the next call. -ENOTSUP without direct reads. */
#define IOV_BATCH 512
static int kvm_readv(void *ctx, const uint64_t *pa, void *const *buf, unsigned int n,
		     unsigned char *ok)
{
	struct vmi_kvm *k = ctx;
	struct iovec local[IOV_BATCH], remote[IOV_BATCH];
	unsigned int idx[IOV_BATCH];

	if (!k->pid)
		return -ENOTSUP;
	memset(ok, 0, n);
	for (unsigned int i = 0; i < n && k->pid;) {
		unsigned int c = 0;
		ssize_t got;

		for (; i < n && c < IOV_BATCH; i++) {
			int s = 0;

			while (s < k->nslots && (pa[i] < k->slot[s].gpa || pa[i] - k->slot[s].gpa >= k->slot[s].size))
				s++;
			if (s == k->nslots || !k->slot[s].hva || k->slot[s].size - (pa[i] - k->slot[s].gpa) < PAGE_BYTES)
				continue; /* left to the walk's own read */
			local[c].iov_base = buf[i];
			local[c].iov_len = PAGE_BYTES;
			remote[c].iov_base = (void *)(uintptr_t)(k->slot[s].hva + (pa[i] - k->slot[s].gpa));
			remote[c].iov_len = PAGE_BYTES;
			idx[c++] = i;
		}
		for (unsigned int done = 0; done < c;) {
			got = process_vm_readv(k->pid, local + done, c - done, remote + done, c - done, 0);
			if (got < 0) {
				if (errno == EPERM || errno == ESRCH || errno == ENOSYS)
					k->pid = 0;
				break;
			}
			for (ssize_t p = 0; p < got / PAGE_BYTES; p++)
				ok[idx[done + p]] = 1;
			done += got / PAGE_BYTES + 1; /* past the page that stopped it */
		}
	}
	return 0;
}

static int kvm_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct vmi_kvm *k = ctx;

	return gsched_mem_rw(k->g, k->vm_id, pa, (void *)buf, len, 1);
}

static int kvm_regs(void *ctx, unsigned int vcpu, struct vmi_regs *out)
{
	struct vmi_kvm *k = ctx;
	struct gsched_vcpu_regs r;
	int err = gsched_vcpu_regs(k->g, k->vm_id, vcpu, &r);

	if (err)
		return err;
	out->cr3 = r.cr3;
	out->cr4 = r.cr4;
	out->gs_base = r.gs_base;
	out->efer = r.efer;
	return 0;
}

static int kvm_pause(void *ctx)
{
	struct vmi_kvm *k = ctx;
	int err = gsched_pause(k->g, k->vm_id, 1000, NULL);

	k->paused = !err;
	return err;
}

static int kvm_resume(void *ctx)
{
	struct vmi_kvm *k = ctx;

	if (!k->paused)
		return 0;
	k->paused = 0;
	return gsched_resume(k->g, k->vm_id);
}

static int kvm_call(void *ctx, struct vmi_call *c)
{
	struct vmi_kvm *k = ctx;
	struct gsched_call gc;
	int err;

	if (c->nr < 1 || c->nr > GSCHED_CALL_MAX)
		return -EINVAL;
	memset(&gc, 0, sizeof(gc));
	gc.vm_id = k->vm_id;
	gc.nr = c->nr;
	for (unsigned int i = 0; i < c->nr; i++) {
		gc.fn[i] = c->fn[i];
		gc.arg[i] = c->arg[i];
	}
	gc.hlt_rip = c->hlt;
	err = gsched_call(k->g, &gc);
	c->vcpu = gc.vcpu;
	c->wait_ns = gc.wait_ns;
	for (unsigned int i = 0; i < c->nr; i++)
		c->ret[i] = gc.ret[i];
	return err;
}

static void kvm_close(void *ctx)
{
	kvm_resume(ctx);
	free(ctx);
}

static const struct vmi_mem_ops kvm_ops = {
	.name = "kvm",
	.read = kvm_read,
	.write = kvm_write,
	.regs = kvm_regs,
	.pause = kvm_pause,
	.resume = kvm_resume,
	.call = kvm_call,
	.readv = kvm_readv,
	.close = kvm_close,
};

int vmi_mem_kvm(struct vmi_mem *m, struct gsched *g, unsigned int vm_id)
{
	struct gsched_memslot *s;
	struct gsched_vm_info *vms;
	struct vmi_kvm *k;
	size_t n, nv;
	int err = gsched_list_memslots(g, vm_id, &s, &n);

	if (err)
		return err;
	k = calloc(1, sizeof(*k));
	if (!k) {
		free(s);
		return -ENOMEM;
	}
	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		if (s[i].gpa + s[i].size > m->size)
			m->size = s[i].gpa + s[i].size;
		if (m->nranges < (int)(sizeof(m->ranges) / sizeof(m->ranges[0]))) {
			m->ranges[m->nranges].start = s[i].gpa;
			m->ranges[m->nranges++].end = s[i].gpa + s[i].size;
		}
		if (k->nslots < KVM_MAX_SLOTS) {
			k->slot[k->nslots].gpa = s[i].gpa;
			k->slot[k->nslots].size = s[i].size;
			k->slot[k->nslots++].hva = s[i].hva;
		}
	}
	free(s);
	/* the VMM whose memory the slots' hva are in (GSCHED_NO_DIRECT: the
	 * module only, for comparing the two) */
	if (!getenv("GSCHED_NO_DIRECT") && !gsched_list_vms(g, &vms, &nv, NULL)) {
		for (size_t i = 0; i < nv; i++)
			if (vms[i].vm_id == vm_id)
				k->pid = vms[i].pid;
		free(vms);
	}
	k->g = g;
	k->vm_id = vm_id;
	m->ops = &kvm_ops;
	m->ctx = k;
	return 0;
}
