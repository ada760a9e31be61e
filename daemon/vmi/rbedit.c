// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Linux lib/rbtree.c (6.1), non-augmented, ported to nodes in guest memory
 * (rbedit.h). The kernel's names and comments are kept so that the two can
 * be read side by side; a node is its guest virtual address, 0 is NULL.
 * (C) 1999 Andrea Arcangeli, (C) 2002 David Woodhouse, (C) 2012 Michel
 * Lespinasse: the algorithm; its transcription here is gsched's.
 */
#include "vmi/rbedit.h"
#include "vmi/rbtree.h"

#define RB_RED 0
#define RB_BLACK 1

/* field accessors: node + 0, 8, 16 */
static uint64_t pc_of(struct vmi_edits *ed, uint64_t n) { return vmi_ed_get64(ed, n); }
static uint64_t right(struct vmi_edits *ed, uint64_t n) { return vmi_ed_get64(ed, n + 8); }
static uint64_t left(struct vmi_edits *ed, uint64_t n) { return vmi_ed_get64(ed, n + 16); }
static void set_pc(struct vmi_edits *ed, uint64_t n, uint64_t v) { vmi_ed_set64(ed, n, v); }
static void set_right(struct vmi_edits *ed, uint64_t n, uint64_t v) { vmi_ed_set64(ed, n + 8, v); }
static void set_left(struct vmi_edits *ed, uint64_t n, uint64_t v) { vmi_ed_set64(ed, n + 16, v); }

static uint64_t pc_parent(uint64_t pc) { return pc & ~3ULL; }
static int pc_is_black(uint64_t pc) { return pc & 1; }
static uint64_t parent(struct vmi_edits *ed, uint64_t n) { return pc_parent(pc_of(ed, n)); }
static int is_black(struct vmi_edits *ed, uint64_t n) { return pc_is_black(pc_of(ed, n)); }
static int is_red(struct vmi_edits *ed, uint64_t n) { return !is_black(ed, n); }

static void set_parent(struct vmi_edits *ed, uint64_t n, uint64_t p)
{
	set_pc(ed, n, (pc_of(ed, n) & 1) | p);
}

static void set_parent_color(struct vmi_edits *ed, uint64_t n, uint64_t p, int color)
{
	set_pc(ed, n, p | (uint64_t)color);
}

/* Did the edit fail, or has a loop run longer than any real tree allows? */
static int stop(struct vmi_edits *ed, int *steps)
{
	if (ed->err)
		return 1;
	if (++*steps > 2 * VMI_RB_MAX_DEPTH) {
		ed->err = VMI_EDITS_EBAD; /* a cycle: the tree is not a tree */
		return 1;
	}
	return 0;
}

/* __rb_change_child(): root is the rb_root (rb_node pointer at +0) */
static void change_child(struct vmi_edits *ed, uint64_t old, uint64_t new, uint64_t par, uint64_t root)
{
	if (par) {
		if (left(ed, par) == old)
			set_left(ed, par, new);
		else
			set_right(ed, par, new);
	} else {
		vmi_ed_set64(ed, root, new);
	}
}

/* __rb_rotate_set_parents(): old's parent and colour to new; old gets new
 * as its parent and 'color'. */
static void rotate_set_parents(struct vmi_edits *ed, uint64_t old, uint64_t new, uint64_t root, int color)
{
	uint64_t par = parent(ed, old);

	set_pc(ed, new, pc_of(ed, old));
	set_parent_color(ed, old, new, color);
	change_child(ed, old, new, par, root);
}

uint64_t vmi_rbe_next(struct vmi_edits *ed, uint64_t node)
{
	uint64_t par;
	int steps = 0;

	if (pc_parent(pc_of(ed, node)) == node) /* RB_EMPTY_NODE */
		return 0;
	if (right(ed, node)) {
		node = right(ed, node);
		while (left(ed, node) && !stop(ed, &steps))
			node = left(ed, node);
		return ed->err ? 0 : node;
	}
	while ((par = parent(ed, node)) && node == right(ed, par) && !stop(ed, &steps))
		node = par;
	return ed->err ? 0 : par;
}

/* __rb_insert() with a no-op augment_rotate */
static void insert_color(struct vmi_edits *ed, uint64_t node, uint64_t root)
{
	uint64_t par = pc_parent(pc_of(ed, node)), gparent, tmp; /* rb_red_parent */
	int steps = 0;

	while (!stop(ed, &steps)) {
		/* Loop invariant: node is red. */
		if (!par) {
			set_parent_color(ed, node, 0, RB_BLACK);
			break;
		}
		if (is_black(ed, par))
			break;
		gparent = pc_parent(pc_of(ed, par)); /* rb_red_parent */
		tmp = right(ed, gparent);
		if (par != tmp) { /* parent == gparent->rb_left */
			if (tmp && is_red(ed, tmp)) {
				/* Case 1 - node's uncle is red (color flips). */
				set_parent_color(ed, tmp, gparent, RB_BLACK);
				set_parent_color(ed, par, gparent, RB_BLACK);
				node = gparent;
				par = parent(ed, node);
				set_parent_color(ed, node, par, RB_RED);
				continue;
			}
			tmp = right(ed, par);
			if (node == tmp) {
				/* Case 2 - left rotate at parent */
				tmp = left(ed, node);
				set_right(ed, par, tmp);
				set_left(ed, node, par);
				if (tmp)
					set_parent_color(ed, tmp, par, RB_BLACK);
				set_parent_color(ed, par, node, RB_RED);
				par = node;
				tmp = right(ed, node);
			}
			/* Case 3 - right rotate at gparent */
			set_left(ed, gparent, tmp); /* == parent->rb_right */
			set_right(ed, par, gparent);
			if (tmp)
				set_parent_color(ed, tmp, gparent, RB_BLACK);
			rotate_set_parents(ed, gparent, par, root, RB_RED);
			break;
		} else {
			tmp = left(ed, gparent);
			if (tmp && is_red(ed, tmp)) {
				/* Case 1 - color flips */
				set_parent_color(ed, tmp, gparent, RB_BLACK);
				set_parent_color(ed, par, gparent, RB_BLACK);
				node = gparent;
				par = parent(ed, node);
				set_parent_color(ed, node, par, RB_RED);
				continue;
			}
			tmp = left(ed, par);
			if (node == tmp) {
				/* Case 2 - right rotate at parent */
				tmp = right(ed, node);
				set_left(ed, par, tmp);
				set_right(ed, node, par);
				if (tmp)
					set_parent_color(ed, tmp, par, RB_BLACK);
				set_parent_color(ed, par, node, RB_RED);
				par = node;
				tmp = left(ed, node);
			}
			/* Case 3 - left rotate at gparent */
			set_right(ed, gparent, tmp); /* == parent->rb_left */
			set_left(ed, par, gparent);
			if (tmp)
				set_parent_color(ed, tmp, gparent, RB_BLACK);
			rotate_set_parents(ed, gparent, par, root, RB_RED);
			break;
		}
	}
}

/* ____rb_erase_color() with a no-op augment_rotate */
static void erase_color(struct vmi_edits *ed, uint64_t par, uint64_t root)
{
	uint64_t node = 0, sibling, tmp1, tmp2;
	int steps = 0;

	while (!stop(ed, &steps)) {
		/*
		 * Loop invariants:
		 * - node is black (or NULL on first iteration)
		 * - node is not the root (parent is not NULL)
		 * - All leaf paths going through parent and node have a
		 *   black node count that is 1 lower than other leaf paths.
		 */
		sibling = right(ed, par);
		if (node != sibling) { /* node == parent->rb_left */
			if (is_red(ed, sibling)) {
				/* Case 1 - left rotate at parent */
				tmp1 = left(ed, sibling);
				set_right(ed, par, tmp1);
				set_left(ed, sibling, par);
				set_parent_color(ed, tmp1, par, RB_BLACK);
				rotate_set_parents(ed, par, sibling, root, RB_RED);
				sibling = tmp1;
			}
			tmp1 = right(ed, sibling);
			if (!tmp1 || is_black(ed, tmp1)) {
				tmp2 = left(ed, sibling);
				if (!tmp2 || is_black(ed, tmp2)) {
					/* Case 2 - sibling color flip */
					set_parent_color(ed, sibling, par, RB_RED);
					if (is_red(ed, par)) {
						set_pc(ed, par, pc_of(ed, par) | RB_BLACK);
					} else {
						node = par;
						par = parent(ed, node);
						if (par)
							continue;
					}
					break;
				}
				/* Case 3 - right rotate at sibling */
				tmp1 = right(ed, tmp2);
				set_left(ed, sibling, tmp1);
				set_right(ed, tmp2, sibling);
				set_right(ed, par, tmp2);
				if (tmp1)
					set_parent_color(ed, tmp1, sibling, RB_BLACK);
				tmp1 = sibling;
				sibling = tmp2;
			}
			/* Case 4 - left rotate at parent + color flips */
			tmp2 = left(ed, sibling);
			set_right(ed, par, tmp2);
			set_left(ed, sibling, par);
			set_parent_color(ed, tmp1, sibling, RB_BLACK);
			if (tmp2)
				set_parent(ed, tmp2, par);
			rotate_set_parents(ed, par, sibling, root, RB_BLACK);
			break;
		} else {
			sibling = left(ed, par);
			if (is_red(ed, sibling)) {
				/* Case 1 - right rotate at parent */
				tmp1 = right(ed, sibling);
				set_left(ed, par, tmp1);
				set_right(ed, sibling, par);
				set_parent_color(ed, tmp1, par, RB_BLACK);
				rotate_set_parents(ed, par, sibling, root, RB_RED);
				sibling = tmp1;
			}
			tmp1 = left(ed, sibling);
			if (!tmp1 || is_black(ed, tmp1)) {
				tmp2 = right(ed, sibling);
				if (!tmp2 || is_black(ed, tmp2)) {
					/* Case 2 - sibling color flip */
					set_parent_color(ed, sibling, par, RB_RED);
					if (is_red(ed, par)) {
						set_pc(ed, par, pc_of(ed, par) | RB_BLACK);
					} else {
						node = par;
						par = parent(ed, node);
						if (par)
							continue;
					}
					break;
				}
				/* Case 3 - left rotate at sibling */
				tmp1 = left(ed, tmp2);
				set_right(ed, sibling, tmp1);
				set_left(ed, tmp2, sibling);
				set_left(ed, par, tmp2);
				if (tmp1)
					set_parent_color(ed, tmp1, sibling, RB_BLACK);
				tmp1 = sibling;
				sibling = tmp2;
			}
			/* Case 4 - right rotate at parent + color flips */
			tmp2 = right(ed, sibling);
			set_left(ed, par, tmp2);
			set_right(ed, sibling, par);
			set_parent_color(ed, tmp1, sibling, RB_BLACK);
			if (tmp2)
				set_parent(ed, tmp2, par);
			rotate_set_parents(ed, par, sibling, root, RB_BLACK);
			break;
		}
	}
}

/* __rb_erase_augmented() with no-op callbacks; returns the node to
 * rebalance at, or 0 */
static uint64_t erase_links(struct vmi_edits *ed, uint64_t node, uint64_t root)
{
	uint64_t child = right(ed, node), tmp = left(ed, node), par, rebalance, pc;
	int steps = 0;

	if (!tmp) {
		/* Case 1: node to erase has no more than 1 child (easy!) */
		pc = pc_of(ed, node);
		par = pc_parent(pc);
		change_child(ed, node, child, par, root);
		if (child) {
			set_pc(ed, child, pc);
			rebalance = 0;
		} else {
			rebalance = pc_is_black(pc) ? par : 0;
		}
	} else if (!child) {
		/* Still case 1, but this time the child is node->rb_left */
		pc = pc_of(ed, node);
		set_pc(ed, tmp, pc);
		par = pc_parent(pc);
		change_child(ed, node, tmp, par, root);
		rebalance = 0;
	} else {
		uint64_t successor = child, child2;

		tmp = left(ed, child);
		if (!tmp) {
			/* Case 2: node's successor is its right child */
			par = successor;
			child2 = right(ed, successor);
		} else {
			/* Case 3: node's successor is leftmost under
			 * node's right child subtree */
			do {
				par = successor;
				successor = tmp;
				tmp = left(ed, tmp);
			} while (tmp && !stop(ed, &steps));
			child2 = right(ed, successor);
			set_left(ed, par, child2);
			set_right(ed, successor, child);
			set_parent(ed, child, successor);
		}
		tmp = left(ed, node);
		set_left(ed, successor, tmp);
		set_parent(ed, tmp, successor);

		pc = pc_of(ed, node);
		tmp = pc_parent(pc);
		change_child(ed, node, successor, tmp, root);

		if (child2) {
			set_parent_color(ed, child2, par, RB_BLACK);
			rebalance = 0;
		} else {
			rebalance = is_black(ed, successor) ? par : 0;
		}
		set_pc(ed, successor, pc);
	}
	return rebalance;
}

void vmi_rbe_erase_cached(struct vmi_edits *ed, uint64_t node, uint64_t root_cached)
{
	uint64_t rebalance;

	if (vmi_ed_get64(ed, root_cached + 8) == node)
		vmi_ed_set64(ed, root_cached + 8, vmi_rbe_next(ed, node));
	rebalance = erase_links(ed, node, root_cached);
	if (rebalance && !ed->err)
		erase_color(ed, rebalance, root_cached);
}

int vmi_rbe_add_cached(struct vmi_edits *ed, uint64_t node, uint64_t root_cached,
		       vmi_rb_less less, void *arg)
{
	uint64_t link = root_cached, par = 0; /* link: the address of the pointer to follow */
	int leftmost = 1, steps = 0;

	while (vmi_ed_get64(ed, link) && !stop(ed, &steps)) {
		par = vmi_ed_get64(ed, link);
		if (less(ed, node, par, arg)) {
			link = par + 16;
		} else {
			link = par + 8;
			leftmost = 0;
		}
	}
	if (ed->err)
		return 0;
	/* rb_link_node() */
	set_pc(ed, node, par);
	set_left(ed, node, 0);
	set_right(ed, node, 0);
	vmi_ed_set64(ed, link, node);
	insert_color(ed, node, root_cached);
	if (leftmost)
		vmi_ed_set64(ed, root_cached + 8, node);
	return leftmost;
}
