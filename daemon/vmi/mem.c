// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Guest memory interface: NULL-checking wrappers, the page cache with its
 * per-pause working set (read again in batches at the next pause), and the
 * buffer backend.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "vmi/mem.h"

#define PC_PAGE 4096u

struct vmi_pcache {
	unsigned int n;
	struct pc_slot {
		uint64_t pfn, generation;
		uint64_t used;  /* the generation (pause) that last read it */
		int valid;
		uint8_t data[PC_PAGE];
	} *slot;
	/* pfns the current pause read (ws), and the batch being read in */
	uint64_t *ws, *batch;
	void **buf;
	unsigned char *ok;
	unsigned int nws;
};

static void pc_free(struct vmi_pcache *pc)
{
	if (!pc)
		return;
	free(pc->slot);
	free(pc->ws);
	free(pc->batch);
	free(pc->buf);
	free(pc->ok);
	free(pc);
}

int vmi_mem_cache(struct vmi_mem *m, unsigned int pages)
{
	struct vmi_pcache *pc = calloc(1, sizeof(*pc));

	if (!pc || !pages || !(pc->slot = calloc(pages, sizeof(*pc->slot))) ||
	    !(pc->ws = calloc(pages, sizeof(*pc->ws))) || !(pc->batch = calloc(pages, sizeof(*pc->batch))) ||
	    !(pc->buf = calloc(pages, sizeof(*pc->buf))) || !(pc->ok = calloc(pages, 1))) {
		pc_free(pc);
		return -ENOMEM;
	}
	pc->n = pages;
	m->pc = pc;
	return 0;
}

/* A page's slot: the pfn hashed (Fibonacci), so that pages at a power-of-two
 * stride (the 2 MiB steps of the banner search) spread over every slot
 * instead of sharing a few. */
static struct pc_slot *slot_of(struct vmi_pcache *pc, uint64_t pfn)
{
	return &pc->slot[((pfn * 0x9e3779b97f4a7c15ULL) >> 32) % pc->n];
}

static int backend_read(struct vmi_mem *m, uint64_t pa, void *buf, size_t len)
{
	m->backend_reads++;
	return m->ops->read ? m->ops->read(m->ctx, pa, buf, len) : -ENOTSUP;
}

int vmi_read(struct vmi_mem *m, uint64_t pa, void *buf, size_t len)
{
	uint8_t *out = buf;

	if (!m->pc)
		return backend_read(m, pa, buf, len);
	while (len) {
		uint64_t pfn = pa / PC_PAGE, off = pa % PC_PAGE;
		size_t n = len < PC_PAGE - off ? len : PC_PAGE - off;
		struct pc_slot *s = slot_of(m->pc, pfn);

		if (s->valid && s->pfn == pfn && s->generation == m->generation) {
			m->cache_hits++;
			if (m->paused && s->used != m->generation) {
				/* read in ahead by this pause, and wanted */
				m->prefetch_used++;
				if (m->pc->nws < m->pc->n)
					m->pc->ws[m->pc->nws++] = pfn;
			}
			s->used = m->generation;
		} else if (backend_read(m, pfn * PC_PAGE, s->data, PC_PAGE) == 0) {
			s->valid = 1;
			s->pfn = pfn;
			s->generation = m->generation;
			s->used = m->generation;
			if (m->paused && m->pc->nws < m->pc->n)
				m->pc->ws[m->pc->nws++] = pfn;
		} else {
			/* the page is not whole guest memory: read just the piece */
			s->valid = 0;
			int err = backend_read(m, pa, out, n);

			if (err)
				return err;
			goto next;
		}
		memcpy(out, s->data + off, n);
next:
		out += n;
		pa += n;
		len -= n;
	}
	return 0;
}

int vmi_write(struct vmi_mem *m, uint64_t pa, const void *buf, size_t len)
{
	if (m->pc) /* drop the pages written */
		for (uint64_t p = pa / PC_PAGE; p <= (pa + len - 1) / PC_PAGE && len; p++)
			slot_of(m->pc, p)->valid = 0;
	return m->ops->write ? m->ops->write(m->ctx, pa, buf, len) : -ENOTSUP;
}

int vmi_regs(struct vmi_mem *m, unsigned int vcpu, struct vmi_regs *out)
{
	return m->ops->regs ? m->ops->regs(m->ctx, vcpu, out) : -ENOTSUP;
}

/* Read the last pause's working set into the cache, stamped with this
 * pause's generation; a page the walk then reads is a hit. Two pages of the
 * set that share a slot: the first is read, the other waits for the walk. */
static void prefetch(struct vmi_mem *m)
{
	struct vmi_pcache *pc = m->pc;
	unsigned int nb = 0, nws = pc->nws;

	pc->nws = 0; /* this pause's set starts empty */
	if (!m->ops->readv)
		return;
	for (unsigned int i = 0; i < nws; i++) {
		struct pc_slot *s = slot_of(pc, pc->ws[i]);

		if (s->generation == m->generation)
			continue; /* taken by an earlier page of the set */
		s->valid = 0;
		s->pfn = pc->ws[i];
		s->generation = m->generation;
		pc->batch[nb] = pc->ws[i] * PC_PAGE;
		pc->buf[nb++] = s->data;
	}
	if (!nb || m->ops->readv(m->ctx, pc->batch, pc->buf, nb, pc->ok))
		return;
	for (unsigned int i = 0; i < nb; i++) {
		if (!pc->ok[i])
			continue;
		slot_of(pc, pc->batch[i] / PC_PAGE)->valid = 1;
		m->prefetched++;
	}
}

void vmi_mem_paused(struct vmi_mem *m)
{
	/* pages cached while the guest ran (the banner search) are not read
	 * again as if they were of the pause */
	m->generation++;
	m->paused = 1;
	if (m->pc)
		prefetch(m);
}

void vmi_mem_resumed(struct vmi_mem *m)
{
	m->generation++;
	m->paused = 0;
}

int vmi_pause(struct vmi_mem *m)
{
	int err = m->ops->pause ? m->ops->pause(m->ctx) : 0;

	if (!err)
		vmi_mem_paused(m);
	else
		m->generation++;
	return err;
}

int vmi_resume(struct vmi_mem *m)
{
	int err = m->ops->resume ? m->ops->resume(m->ctx) : 0;

	vmi_mem_resumed(m);
	return err;
}

int vmi_call(struct vmi_mem *m, struct vmi_call *c)
{
	return m->ops->call ? m->ops->call(m->ctx, c) : -ENOTSUP;
}

void vmi_close(struct vmi_mem *m)
{
	if (m->ops && m->ops->close)
		m->ops->close(m->ctx);
	pc_free(m->pc);
	m->pc = NULL;
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
	memset(m, 0, sizeof(*m));
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
	m->pc = NULL;
	m->ranges[0].start = 0;
	m->ranges[0].end = size;
	m->nranges = 1;
	return 0;
}
