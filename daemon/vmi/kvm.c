// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gsched.ko backend of the guest memory interface: guest physical memory,
 * vCPU registers and pausing of a live VM through /dev/gsched (ABI 1.1),
 * calls made by the guest (ABI 1.2).
 * Writes and registers need the VM paused by this same open device; the
 * module resumes it if this process dies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/gsched.h"
#include "vmi/mem.h"

struct vmi_kvm {
	struct gsched *g;
	unsigned int vm_id;
	int paused;
};

static int kvm_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct vmi_kvm *k = ctx;

	return gsched_mem_rw(k->g, k->vm_id, pa, buf, len, 0);
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
	.close = kvm_close,
};

int vmi_mem_kvm(struct vmi_mem *m, struct gsched *g, unsigned int vm_id)
{
	struct gsched_memslot *s;
	struct vmi_kvm *k;
	size_t n;
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
	}
	free(s);
	k->g = g;
	k->vm_id = vm_id;
	m->ops = &kvm_ops;
	m->ctx = k;
	return 0;
}
