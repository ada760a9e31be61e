/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest kernel's own red-black tree operations, run from outside on a
 * tree in guest memory through a set of pending edits (edits.h): what a
 * run-queue edit does to cfs_rq->tasks_timeline (Monarch §IV-B). A port of
 * Linux lib/rbtree.c and include/linux/rbtree{,_augmented}.h (6.1; the
 * non-augmented tree CFS uses there), colours and all, so that the guest's
 * next insert or erase finds a tree it could have made itself.
 * Layouts: struct rb_node { __rb_parent_color; rb_right; rb_left } and
 * struct rb_root_cached { rb_root.rb_node; rb_leftmost }, 8 bytes each.
 * Every loop is bounded by VMI_RB_MAX_DEPTH: a tree deeper than any real one
 * fails the edit (ed->err) instead of looping.
 */
#ifndef GSCHED_VMI_RBEDIT_H
#define GSCHED_VMI_RBEDIT_H
#include "vmi/edits.h"

/* "less(a, b)" on two nodes, as rb_add_cached's operator. */
typedef int (*vmi_rb_less)(struct vmi_edits *ed, uint64_t a, uint64_t b, void *arg);

/* rb_next(): the in-order successor of node, or 0. */
uint64_t vmi_rbe_next(struct vmi_edits *ed, uint64_t node);
/* rb_erase_cached(): node taken out of the tree rooted at root_cached. */
void vmi_rbe_erase_cached(struct vmi_edits *ed, uint64_t node, uint64_t root_cached);
/* rb_add_cached(): node linked where less() puts it (equal keys go right)
 * and the tree rebalanced; 1 if it became the leftmost. */
int vmi_rbe_add_cached(struct vmi_edits *ed, uint64_t node, uint64_t root_cached,
		       vmi_rb_less less, void *arg);

#endif
