// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Bounded in-order walk of a guest rb-tree with an explicit stack (rbtree.h). */
#include "vmi/rbtree.h"

#define RB_PARENT(pc) ((pc) & ~3ULL)

const char *vmi_rb_strerror(int err)
{
	switch (err) {
	case VMI_RB_TRANSLATE: return "rb-tree node address does not translate";
	case VMI_RB_TOO_DEEP: return "rb-tree deeper than possible (cycle or corrupt links)";
	case VMI_RB_TOO_MANY: return "rb-tree has more nodes than its bound";
	case VMI_RB_STOPPED: return "stopped by the caller";
	case VMI_RB_PARENT: return "rb-tree child does not point back to its parent";
	}
	return vmi_list_strerror(err);
}

static int node_links(struct vmi_ctx *c, uint64_t node, uint64_t l[3])
{
	/* __rb_parent_color, rb_right, rb_left */
	return vmi_read_va(c, node, l, 24) ? VMI_RB_TRANSLATE : 0;
}

long vmi_rb_walk(struct vmi_ctx *c, uint64_t root, long max, vmi_rb_fn fn, void *arg,
		 uint64_t *where)
{
	uint64_t stack[VMI_RB_MAX_DEPTH], links[3], node = root, parent = 0;
	int depth = 0;
	long n = 0;

	*where = root;
	/* Iterative in-order: go left pushing, visit, then go right. */
	while (node || depth) {
		while (node) {
			*where = node;
			if (depth == VMI_RB_MAX_DEPTH)
				return VMI_RB_TOO_DEEP;
			if (node_links(c, node, links))
				return VMI_RB_TRANSLATE;
			if (RB_PARENT(links[0]) != parent)
				return VMI_RB_PARENT;
			stack[depth++] = node;
			parent = node;
			node = links[2];
		}
		node = stack[--depth];
		*where = node;
		if (n >= max)
			return VMI_RB_TOO_MANY;
		if (fn && fn(c, node, arg))
			return VMI_RB_STOPPED;
		n++;
		if (node_links(c, node, links))
			return VMI_RB_TRANSLATE;
		parent = node;
		node = links[1];
	}
	return n;
}
