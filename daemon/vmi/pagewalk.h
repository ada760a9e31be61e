/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * x86-64 guest virtual -> guest physical translation: 4- and 5-level paging,
 * 2 MiB and 1 GiB pages, with a small translation cache that is valid for
 * one pause (it keys on vmi_mem.generation). The walk is bounded by the
 * paging depth, so malformed tables cannot loop; every failure says where.
 */
#ifndef GSCHED_VMI_PAGEWALK_H
#define GSCHED_VMI_PAGEWALK_H
#include "vmi/mem.h"

enum vmi_walk_err {
	VMI_WALK_OK = 0,
	VMI_WALK_NOTPRESENT = -1,   /* an entry on the way is not present */
	VMI_WALK_READ = -2,         /* a table lies outside guest memory */
	VMI_WALK_RESERVED = -3,     /* a page-size bit where none may be */
	VMI_WALK_NONCANONICAL = -4, /* the address is not canonical */
	VMI_WALK_BADARG = -5,       /* levels other than 4 or 5 */
};

struct vmi_walk {
	uint64_t pa;         /* result */
	uint64_t page_size;  /* 4 KiB, 2 MiB or 1 GiB */
	int level;           /* level that ended the walk (1 = PTE ... 5 = PML5) */
	uint64_t entry;      /* the entry read there */
	uint64_t table;      /* physical address of that level's table */
};

const char *vmi_walk_strerror(int err);
/* Translate 'va' under the page tables rooted at guest CR3 'cr3'. */
int vmi_translate(struct vmi_mem *m, uint64_t cr3, int levels, uint64_t va,
		  struct vmi_walk *w);

#define VMI_TCACHE_SIZE 256
struct vmi_tcache {
	struct {
		uint64_t root, vpn, pfn, generation;
		int valid;
	} e[VMI_TCACHE_SIZE];
	uint64_t hits, misses;
};

/* vmi_translate through the cache; 0 or a vmi_walk_err. */
int vmi_translate_cached(struct vmi_tcache *c, struct vmi_mem *m, uint64_t cr3,
			 int levels, uint64_t va, uint64_t *pa);

#endif
