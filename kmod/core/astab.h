/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Address-space table of one VM: guest page-table root -> CPU time, switches,
 * first/last seen. Open addressing with a bounded size; when full, the least
 * recently seen address space not held by a vCPU is evicted, in O(1) (but
 * for held entries, at most one per vCPU): live entries are kept on
 * a doubly-linked list of slot indices, most recently seen first. Every
 * operation is O(1) but a lookup's probe run (short at load factor <= 3/4).
 * Freestanding (see types.h); the caller provides the slot array and the
 * locking.
 */
#ifndef GS_CORE_ASTAB_H
#define GS_CORE_ASTAB_H
#include "types.h"

struct gs_as {
	u64 root;          /* 0 = free slot */
	u64 cpu_ns;
	u64 switches;
	u64 first_seen;
	u64 last_seen;
	u32 last_vcpu;
	u32 lru_prev, lru_next; /* slot indices; the anchor (slot nslots) ends
				 * the list both ways */
	u32 held;          /* vCPUs whose current root this is: not evicted */
	u64 pad;           /* 64 bytes: one cache line, and an entry's index is
			    * a shift of its offset, not a division */
};

struct gs_astab {
	struct gs_as *slots;
	u32 nslots;        /* power of two */
	u32 shift;         /* 64 - log2(nslots) */
	u32 limit;         /* max live entries (load factor bound) */
	u32 count;
	u64 evictions;
};

/* Guest CR3 -> table key: drop PCID (bits 0-11), bit 63 and reserved bits. */
u64 gs_cr3_root(u64 cr3);

/* Slots needed to hold 'limit' entries at a load factor of at most 3/4. */
u32 gs_astab_slots_for(u32 limit);
/* 'nslots' from gs_astab_slots_for(limit); 'slots' holds nslots + 1
 * entries (GS_ASTAB_ENTRIES): the last anchors the LRU list (its lru_next
 * is the most recently seen entry, its lru_prev the least), so that moving
 * an entry never tests for the list's ends. */
#define GS_ASTAB_ENTRIES(nslots) ((nslots) + 1)
void gs_astab_init(struct gs_astab *t, struct gs_as *slots, u32 nslots, u32 limit);
/* Insert 'root', not in the table (evicting the least recently seen entry
 * if full), as the most recently seen; NULL if root is 0. */
struct gs_as *gs_astab_insert(struct gs_astab *t, u64 root, u64 now);

/* The hot path (a CR3 switch: one lookup, two LRU moves), inline: callers
 * in other files (acct.c) would otherwise pay a call for each. */
/* Fibonacci hashing: the product's top bits (its middle bits clustered
 * neighbouring roots: 2.8 probes per lookup instead of 1.0 for 65536
 * consecutive page-table pages). */
static inline u32 gs_hash(const struct gs_astab *t, u64 root)
{
	return (u32)(((root >> 12) * 0x9e3779b97f4a7c15ULL) >> t->shift);
}

static inline struct gs_as *gs_astab_find(struct gs_astab *t, u64 root)
{
	u32 mask = t->nslots - 1, i = gs_hash(t, root), n;

	if (!root)
		return NULL;
	for (n = 0; n < t->nslots; n++, i = (i + 1) & mask) {
		if (t->slots[i].root == root)
			return &t->slots[i];
		if (!t->slots[i].root)
			return NULL;
	}
	return NULL;
}

static inline void gs_lru_unlink(struct gs_astab *t, u32 i)
{
	struct gs_as *a = &t->slots[i];

	t->slots[a->lru_prev].lru_next = a->lru_next;
	t->slots[a->lru_next].lru_prev = a->lru_prev;
}

static inline void gs_lru_push_head(struct gs_astab *t, u32 i)
{
	struct gs_as *a = &t->slots[i], *anchor = &t->slots[t->nslots];

	a->lru_prev = t->nslots;
	a->lru_next = anchor->lru_next;
	t->slots[anchor->lru_next].lru_prev = i;
	anchor->lru_next = i;
}

/* 'as' (a live entry of t) becomes the most recently seen. */
static inline void gs_astab_touch(struct gs_astab *t, struct gs_as *as)
{
	u32 i = (u32)(as - t->slots);

	if (t->slots[t->nslots].lru_next != i) {
		gs_lru_unlink(t, i);
		gs_lru_push_head(t, i);
	}
}
/* Copy up to 'max' live entries to 'out'; returns how many. */
u32 gs_astab_snapshot(const struct gs_astab *t, struct gs_as *out, u32 max);

/* Find or insert 'root' (gs_astab_insert); either way it becomes the most
 * recently seen (callers set last_seen). */
static inline struct gs_as *gs_astab_get(struct gs_astab *t, u64 root, u64 now)
{
	struct gs_as *as = gs_astab_find(t, root);

	if (as) {
		gs_astab_touch(t, as);
		return as;
	}
	return gs_astab_insert(t, root, now);
}

#endif
