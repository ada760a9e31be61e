/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * In-order traversal of a guest kernel red-black tree (struct rb_node:
 * __rb_parent_color, rb_right, rb_left) from outside, leftmost first (the
 * order CFS picks from). Bounded by a node count and a depth (a real tree of
 * n nodes is at most 2*log2(n+1) deep), so planted cycles end in an error.
 */
#ifndef GSCHED_VMI_RBTREE_H
#define GSCHED_VMI_RBTREE_H
#include "vmi/list.h"

enum vmi_rb_err {
	VMI_RB_TRANSLATE = -20,   /* a node's address does not translate */
	VMI_RB_TOO_DEEP = -21,    /* deeper than the bound: a cycle or a broken tree */
	VMI_RB_TOO_MANY = -22,    /* more nodes than the bound */
	VMI_RB_STOPPED = -23,     /* the callback asked to stop */
	VMI_RB_PARENT = -24,      /* a child's parent pointer is not its parent */
};

#define VMI_RB_MAX_DEPTH 96

/* Called with each node's virtual address in order; non-zero stops. */
typedef int (*vmi_rb_fn)(struct vmi_ctx *c, uint64_t node, void *arg);

/* Visit the tree whose root node pointer is 'root' (0: empty). Returns the
 * number of nodes or a negative error; '*where' gets the offending node. */
long vmi_rb_walk(struct vmi_ctx *c, uint64_t root, long max, vmi_rb_fn fn, void *arg,
		 uint64_t *where);
const char *vmi_rb_strerror(int err);

#endif
