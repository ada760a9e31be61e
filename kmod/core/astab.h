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
	u32 lru_prev, lru_next; /* slot indices; GS_AS_NIL ends the list */
	u32 held;          /* vCPUs whose current root this is: not evicted */
};

#define GS_AS_NIL 0xffffffffu

struct gs_astab {
	struct gs_as *slots;
	u32 nslots;        /* power of two */
	u32 limit;         /* max live entries (load factor bound) */
	u32 count;
	u32 lru_head, lru_tail; /* most and least recently seen */
	u64 evictions;
};

/* Guest CR3 -> table key: drop PCID (bits 0-11), bit 63 and reserved bits. */
u64 gs_cr3_root(u64 cr3);

/* Slots needed to hold 'limit' entries at a load factor of at most 3/4. */
u32 gs_astab_slots_for(u32 limit);
/* 'nslots' from gs_astab_slots_for(limit). */
void gs_astab_init(struct gs_astab *t, struct gs_as *slots, u32 nslots, u32 limit);
struct gs_as *gs_astab_find(struct gs_astab *t, u64 root);
/* Find or insert 'root' (evicting the least recently seen entry if full);
 * either way it becomes the most recently seen (callers set last_seen). */
struct gs_as *gs_astab_get(struct gs_astab *t, u64 root, u64 now);
/* 'as' (a live entry of t) becomes the most recently seen. */
void gs_astab_touch(struct gs_astab *t, struct gs_as *as);
/* Copy up to 'max' live entries to 'out'; returns how many. */
u32 gs_astab_snapshot(const struct gs_astab *t, struct gs_as *out, u32 max);

#endif
