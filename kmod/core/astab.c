// SPDX-License-Identifier: GPL-2.0
/*
 * Address-space table: bounded open-addressing hash keyed by guest page-table
 * root, with least-recently-seen eviction from an intrusive LRU list and
 * backward-shift deletion (no tombstones, so lookups stay short however much
 * the guest churns; an entry that moves takes its list links along).
 */
#include "astab.h"

#define GS_ROOT_MASK 0x000ffffffffff000ULL /* physical address bits 12..51 */

u64 gs_cr3_root(u64 cr3)
{
	return cr3 & GS_ROOT_MASK;
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
	for (t->shift = 64, i = nslots; i > 1; i >>= 1)
		t->shift--;
	t->limit = limit && limit < nslots - nslots / 4 ? limit : nslots - nslots / 4;
	t->count = 0;
	t->evictions = 0;
	for (i = 0; i <= nslots; i++)
		slots[i].root = 0;
	slots[nslots].lru_prev = slots[nslots].lru_next = nslots; /* empty list */
}

/* The entry now in slot 'to' was moved there: repoint its neighbours. */
static void gs_lru_moved(struct gs_astab *t, u32 to)
{
	struct gs_as *a = &t->slots[to];

	t->slots[a->lru_prev].lru_next = to;
	t->slots[a->lru_next].lru_prev = to;
}

/* Remove slot i, shifting later members of its probe run back. */
static void gs_astab_remove(struct gs_astab *t, u32 i)
{
	u32 mask = t->nslots - 1, j = i, home;

	gs_lru_unlink(t, i);
	for (;;) {
		j = (j + 1) & mask;
		if (!t->slots[j].root)
			break;
		home = gs_hash(t, t->slots[j].root);
		/* Move j into the hole i unless its home lies cyclically in (i, j]. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->slots[i] = t->slots[j];
			gs_lru_moved(t, i);
			i = j;
		}
	}
	t->slots[i].root = 0;
	t->count--;
}

/* The least recently seen entry that no vCPU holds (the least recently
 * seen of all if every one is held). */
static void gs_astab_evict_lru(struct gs_astab *t)
{
	u32 anchor = t->nslots, i = t->slots[anchor].lru_prev, n;

	for (n = 0; i != anchor && t->slots[i].held && n < t->count; n++)
		i = t->slots[i].lru_prev;
	if (i == anchor || n == t->count)
		i = t->slots[anchor].lru_prev;
	if (i != anchor) {
		gs_astab_remove(t, i);
		t->evictions++;
	}
}

struct gs_as *gs_astab_insert(struct gs_astab *t, u64 root, u64 now)
{
	u32 mask = t->nslots - 1, i;
	struct gs_as *as;

	if (!root)
		return NULL;
	if (t->count >= t->limit)
		gs_astab_evict_lru(t);
	for (i = gs_hash(t, root); t->slots[i].root; i = (i + 1) & mask)
		;
	as = &t->slots[i];
	as->root = root;
	as->cpu_ns = 0;
	as->switches = 0;
	as->first_seen = now;
	as->last_seen = now;
	as->last_vcpu = 0;
	as->held = 0;
	gs_lru_push_head(t, i);
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
