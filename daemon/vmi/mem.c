// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Guest memory interface: NULL-checking wrappers and the buffer backend. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vmi/mem.h"

int vmi_read(struct vmi_mem *m, uint64_t pa, void *buf, size_t len)
{
	return m->ops->read ? m->ops->read(m->ctx, pa, buf, len) : -ENOTSUP;
}

int vmi_write(struct vmi_mem *m, uint64_t pa, const void *buf, size_t len)
{
	return m->ops->write ? m->ops->write(m->ctx, pa, buf, len) : -ENOTSUP;
}

int vmi_regs(struct vmi_mem *m, unsigned int vcpu, struct vmi_regs *out)
{
	return m->ops->regs ? m->ops->regs(m->ctx, vcpu, out) : -ENOTSUP;
}

int vmi_pause(struct vmi_mem *m)
{
	return m->ops->pause ? m->ops->pause(m->ctx) : 0;
}

int vmi_resume(struct vmi_mem *m)
{
	int err = m->ops->resume ? m->ops->resume(m->ctx) : 0;

	m->generation++;
	return err;
}

void vmi_close(struct vmi_mem *m)
{
	if (m->ops && m->ops->close)
		m->ops->close(m->ctx);
	m->ops = NULL;
	m->ctx = NULL;
}

struct vmi_buffer {
	uint8_t *buf;
	uint64_t size;
	struct vmi_regs regs;
	int has_regs;
};

static int buf_range(struct vmi_buffer *b, uint64_t pa, size_t len)
{
	return pa <= b->size && len <= b->size - pa ? 0 : -EFAULT;
}

static int buf_read(void *ctx, uint64_t pa, void *out, size_t len)
{
	struct vmi_buffer *b = ctx;

	if (buf_range(b, pa, len))
		return -EFAULT;
	memcpy(out, b->buf + pa, len);
	return 0;
}

static int buf_write(void *ctx, uint64_t pa, const void *in, size_t len)
{
	struct vmi_buffer *b = ctx;

	if (buf_range(b, pa, len))
		return -EFAULT;
	memcpy(b->buf + pa, in, len);
	return 0;
}

static int buf_regs(void *ctx, unsigned int vcpu, struct vmi_regs *out)
{
	struct vmi_buffer *b = ctx;

	if (!b->has_regs || vcpu != 0)
		return -ENOENT;
	*out = b->regs;
	return 0;
}

static const struct vmi_mem_ops buffer_ops = {
	.name = "buffer",
	.read = buf_read,
	.write = buf_write,
	.regs = buf_regs,
	.close = free,
};

int vmi_mem_buffer(struct vmi_mem *m, void *buf, uint64_t size,
		   const struct vmi_regs *regs)
{
	struct vmi_buffer *b = calloc(1, sizeof(*b));

	if (!b)
		return -ENOMEM;
	b->buf = buf;
	b->size = size;
	if (regs) {
		b->regs = *regs;
		b->has_regs = 1;
	}
	m->ops = &buffer_ops;
	m->ctx = b;
	m->size = size;
	m->generation = 0;
	return 0;
}
