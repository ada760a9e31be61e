/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Walking a guest kernel's circular doubly linked list (struct list_head)
 * from outside: bounded, cycle-safe (Brent's algorithm catches loops that
 * never return to the head), and each failure says what was wrong where.
 */
#ifndef GSCHED_VMI_LIST_H
#define GSCHED_VMI_LIST_H
#include "vmi/pagewalk.h"

enum vmi_list_err {
	VMI_LIST_OK = 0,
	VMI_LIST_TRANSLATE = -10,  /* a node's address does not translate */
	VMI_LIST_CYCLE = -11,      /* the list loops without returning to its head */
	VMI_LIST_TOO_LONG = -12,   /* more nodes than the caller's bound */
	VMI_LIST_BROKEN = -13,     /* node->next->prev != node */
	VMI_LIST_STOPPED = -14,    /* the callback asked to stop */
};

struct vmi_ctx {
	struct vmi_mem *mem;
	uint64_t cr3;
	int levels;
	struct vmi_tcache *cache;   /* may be NULL */
};

/* Read 'len' bytes at guest virtual 'va' (may cross pages). 0 or an error. */
int vmi_read_va(struct vmi_ctx *c, uint64_t va, void *buf, size_t len);

/* Called for every node (the list_head's virtual address); non-zero stops. */
typedef int (*vmi_list_fn)(struct vmi_ctx *c, uint64_t node, void *arg);

/*
 * Visit the nodes of the list whose head is at 'head' (excluded), at most
 * 'max' of them. 'check_prev' also verifies next->prev links. Returns the
 * number of nodes visited (>= 0) or a negative vmi_list_err / vmi_walk_err;
 * '*where' gets the address of the offending node.
 */
long vmi_list_walk(struct vmi_ctx *c, uint64_t head, long max, int check_prev,
		   vmi_list_fn fn, void *arg, uint64_t *where);
const char *vmi_list_strerror(int err);

#endif
