// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Guest page-table walker and translation cache (see pagewalk.h). */
#include <string.h>
#include "vmi/pagewalk.h"

#define PTE_PRESENT 0x1ULL
#define PTE_PS 0x80ULL
#define PHYS_MASK 0x000ffffffffff000ULL
#define PAGE_1G_MASK 0x000fffffc0000000ULL
#define PAGE_2M_MASK 0x000fffffffe00000ULL

const char *vmi_walk_strerror(int err)
{
	switch (err) {
	case VMI_WALK_OK: return "ok";
	case VMI_WALK_NOTPRESENT: return "page not present";
	case VMI_WALK_READ: return "page table outside guest memory";
	case VMI_WALK_RESERVED: return "page-size bit set in a top-level entry";
	case VMI_WALK_NONCANONICAL: return "non-canonical address";
	case VMI_WALK_BADARG: return "paging levels must be 4 or 5";
	}
	return "unknown page-walk error";
}

static int canonical(uint64_t va, int levels)
{
	int bits = levels == 5 ? 57 : 48;
	int64_t s = (int64_t)(va << (64 - bits)) >> (64 - bits);

	return (uint64_t)s == va;
}

int vmi_translate(struct vmi_mem *m, uint64_t cr3, int levels, uint64_t va,
		  struct vmi_walk *w)
{
	uint64_t table = cr3 & PHYS_MASK;
	int level;

	memset(w, 0, sizeof(*w));
	if (levels != 4 && levels != 5)
		return VMI_WALK_BADARG;
	if (!canonical(va, levels))
		return VMI_WALK_NONCANONICAL;
	for (level = levels; level >= 1; level--) {
		unsigned int idx = (va >> (12 + 9 * (level - 1))) & 511;
		uint64_t e;

		w->level = level;
		w->table = table;
		if (vmi_read(m, table + idx * 8, &e, sizeof(e)))
			return VMI_WALK_READ;
		w->entry = e;
		if (!(e & PTE_PRESENT))
			return VMI_WALK_NOTPRESENT;
		if (level == 1) {
			w->pa = (e & PHYS_MASK) | (va & 0xfff);
			w->page_size = 1ULL << 12;
			return VMI_WALK_OK;
		}
		if (e & PTE_PS) {
			if (level == 3) {
				w->pa = (e & PAGE_1G_MASK) | (va & ((1ULL << 30) - 1));
				w->page_size = 1ULL << 30;
				return VMI_WALK_OK;
			}
			if (level == 2) {
				w->pa = (e & PAGE_2M_MASK) | (va & ((1ULL << 21) - 1));
				w->page_size = 1ULL << 21;
				return VMI_WALK_OK;
			}
			return VMI_WALK_RESERVED;
		}
		table = e & PHYS_MASK;
	}
	return VMI_WALK_NOTPRESENT; /* not reached: level 1 always returns */
}

int vmi_translate_cached(struct vmi_tcache *c, struct vmi_mem *m, uint64_t cr3,
			 int levels, uint64_t va, uint64_t *pa)
{
	uint64_t root = cr3 & PHYS_MASK, vpn = va >> 12;
	unsigned int slot = (unsigned int)((vpn ^ (root >> 12)) * 0x9e3779b1u) % VMI_TCACHE_SIZE;
	struct vmi_walk w;
	int err;

	if (c->e[slot].valid && c->e[slot].root == root && c->e[slot].vpn == vpn &&
	    c->e[slot].generation == m->generation) {
		c->hits++;
		*pa = (c->e[slot].pfn << 12) | (va & 0xfff);
		return VMI_WALK_OK;
	}
	c->misses++;
	err = vmi_translate(m, cr3, levels, va, &w);
	if (err)
		return err;
	c->e[slot].root = root;
	c->e[slot].vpn = vpn;
	c->e[slot].pfn = w.pa >> 12;
	c->e[slot].generation = m->generation;
	c->e[slot].valid = 1;
	*pa = w.pa;
	return VMI_WALK_OK;
}
