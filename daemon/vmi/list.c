// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Bounded, cycle-safe list_head traversal over guest memory (see list.h). */
#include "vmi/list.h"

const char *vmi_list_strerror(int err)
{
	switch (err) {
	case VMI_LIST_OK: return "ok";
	case VMI_LIST_TRANSLATE: return "list node address does not translate";
	case VMI_LIST_CYCLE: return "list loops without returning to its head";
	case VMI_LIST_TOO_LONG: return "list longer than its bound";
	case VMI_LIST_BROKEN: return "list links inconsistent (next->prev != node)";
	case VMI_LIST_STOPPED: return "stopped by the caller";
	}
	return vmi_walk_strerror(err);
}

int vmi_read_va(struct vmi_ctx *c, uint64_t va, void *buf, size_t len)
{
	uint8_t *out = buf;

	while (len) {
		size_t chunk = 4096 - (va & 0xfff);
		uint64_t pa;
		struct vmi_walk w;
		int err;

		if (chunk > len)
			chunk = len;
		if (c->cache) {
			err = vmi_translate_cached(c->cache, c->mem, c->cr3, c->levels, va, &pa);
		} else {
			err = vmi_translate(c->mem, c->cr3, c->levels, va, &w);
			pa = w.pa;
		}
		if (err)
			return err;
		if (vmi_read(c->mem, pa, out, chunk))
			return VMI_WALK_READ;
		out += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}

static int read_ptr(struct vmi_ctx *c, uint64_t va, uint64_t *v)
{
	return vmi_read_va(c, va, v, sizeof(*v)) ? VMI_LIST_TRANSLATE : 0;
}

long vmi_list_walk(struct vmi_ctx *c, uint64_t head, long max, int check_prev,
		   vmi_list_fn fn, void *arg, uint64_t *where)
{
	uint64_t node, next, prev, tortoise;
	long n = 0, power = 1, lam = 0;

	*where = head;
	if (read_ptr(c, head, &node))
		return VMI_LIST_TRANSLATE;
	tortoise = head;
	while (node != head) {
		*where = node;
		if (n >= max)
			return VMI_LIST_TOO_LONG;
		/* Brent: a node seen again before the head means a loop. */
		if (node == tortoise)
			return VMI_LIST_CYCLE;
		if (++lam == power) {
			tortoise = node;
			power *= 2;
			lam = 0;
		}
		if (read_ptr(c, node, &next))
			return VMI_LIST_TRANSLATE;
		if (check_prev) {
			if (read_ptr(c, next + 8, &prev))
				return VMI_LIST_TRANSLATE;
			if (prev != node)
				return VMI_LIST_BROKEN;
		}
		if (fn && fn(c, node, arg))
			return VMI_LIST_STOPPED;
		n++;
		node = next;
	}
	return n;
}
