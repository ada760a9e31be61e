// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space table: bounded open-addressing hash keyed by guest page-table
 * root, with least-recently-seen eviction and backward-shift deletion (no
 * tombstones, so lookups stay short however much the guest churns).
 */
#include "astab.h"

#define GS_ROOT_MASK 0x000ffffffffff000ULL /* physical address bits 12..51 */

u64 gs_cr3_root(u64 cr3)
{
	return cr3 & GS_ROOT_MASK;
}

static u32 gs_hash(u64 root, u32 mask)
{
	u64 h = (root >> 12) * 0x9e3779b97f4a7c15ULL;

	return (u32)(h >> 32) & mask;
}

u32 gs_astab_slots_for(u32 limit)
{
	u32 n = 2;

	while (n - n / 4 < limit && n < (1u << 30))
		n *= 2;
	return n;
}

void gs_astab_init(struct gs_astab *t, struct gs_as *slots, u32 nslots, u32 limit)
{
	u32 i;

	t->slots = slots;
	t->nslots = nslots;
	t->limit = limit && limit < nslots - nslots / 4 ? limit : nslots - nslots / 4;
	t->count = 0;
	t->evictions = 0;
	for (i = 0; i < nslots; i++)
		slots[i].root = 0;
}

struct gs_as *gs_astab_find(struct gs_astab *t, u64 root)
{
	u32 mask = t->nslots - 1, i = gs_hash(root, mask), n;

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

/* Remove slot i, shifting later members of its probe run back. */
static void gs_astab_remove(struct gs_astab *t, u32 i)
{
	u32 mask = t->nslots - 1, j = i, home;

	for (;;) {
		j = (j + 1) & mask;
		if (!t->slots[j].root)
			break;
		home = gs_hash(t->slots[j].root, mask);
		/* Move j into the hole i unless its home lies cyclically in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slots[i] = t->slots[j];
			i = j;
		}
	}
	t->slots[i].root = 0;
	t->count--;
}

static void gs_astab_evict_lru(struct gs_astab *t)
{
	u32 i, victim = t->nslots;

	for (i = 0; i < t->nslots; i++) {
		if (!t->slots[i].root)
			continue;
		if (victim == t->nslots ||
		    t->slots[i].last_seen < t->slots[victim].last_seen)
			victim = i;
	}
	if (victim < t->nslots) {
		gs_astab_remove(t, victim);
		t->evictions++;
	}
}

struct gs_as *gs_astab_get(struct gs_astab *t, u64 root, u64 now)
{
	u32 mask = t->nslots - 1, i;
	struct gs_as *as;

	if (!root)
		return NULL;
	as = gs_astab_find(t, root);
	if (as)
		return as;
	if (t->count >= t->limit)
		gs_astab_evict_lru(t);
	for (i = gs_hash(root, mask); t->slots[i].root; i = (i + 1) & mask)
		;
	as = &t->slots[i];
	as->root = root;
	as->cpu_ns = 0;
	as->switches = 0;
	as->first_seen = now;
	as->last_seen = now;
	as->last_vcpu = 0;
	as->pad = 0;
	t->count++;
	return as;
}

u32 gs_astab_snapshot(const struct gs_astab *t, struct gs_as *out, u32 max)
{
	u32 i, n = 0;

	for (i = 0; i < t->nslots && n < max; i++)
		if (t->slots[i].root)
			out[n++] = t->slots[i];
	return n;
}
