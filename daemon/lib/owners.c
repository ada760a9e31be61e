// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Who owned which address-space root, and since when (lib/owners.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/owners.h"
#include "linux/guest.h"

#define PTI_USER 0x1000ULL

int gs_own_pti(const struct gs_own_proc *p, size_t np)
{
	for (size_t i = 0; i < np; i++)
		if (p[i].root & PTI_USER)
			return 0;
	return 1;
}

uint64_t gs_own_root_ns(const struct gsched_space_info *ti, size_t nti, uint64_t root, int pti,
			int *found)
{
	uint64_t ns = 0;
	int any = 0;

	for (size_t i = 0; root && i < nti; i++)
		if (ti[i].root == root || (pti && ti[i].root == (root | PTI_USER))) {
			ns += ti[i].cpu_ns;
			any = 1;
		}
	if (found)
		*found = any;
	return ns;
}

static int by_root(const void *a, const void *b)
{
	const struct gs_owner *x = a, *y = b;

	return x->root < y->root ? -1 : x->root > y->root;
}

static const struct gs_owner *find(const struct gs_owner *r, size_t n, uint64_t root)
{
	struct gs_owner key = { .root = root };

	return n ? bsearch(&key, r, n, sizeof(*r), by_root) : NULL;
}

/* The record of 'p', whose root has c1 now, given the root's record at the
 * last observation ('old', or NULL when it had none: the module did not
 * track the root then and no process had it). */
static void take(const struct gs_owners *h, const struct gs_owner *old, const struct gs_own_proc *p,
		 uint64_t c1, struct gs_owner *out)
{
	uint64_t c0, grew;

	memset(out, 0, sizeof(*out));
	out->root = p->root;
	out->tgid = p->tgid;
	out->start = p->start;
	out->last_ns = c1;
	if (old && old->tgid == p->tgid && old->start == p->start) {
		out->basis = old->basis;
		out->base_ns = old->base_ns;
		if (c1 < old->last_ns) /* the module's entry was made anew (evicted
					* meanwhile) and counts from 0: what it had
					* stays counted */
			out->base_ns = old->base_ns - (int64_t)old->last_ns;
		return;
	}
	if (!h->observations) {
		out->basis = GS_OWN_INHERITED;
		return;
	}
	c0 = old ? old->last_ns : 0;
	if (c1 < c0) /* the module's entry is newer than that observation */
		c0 = 0;
	grew = c1 - c0;
	out->basis = old && old->tgid ? GS_OWN_TAKEN : GS_OWN_FREE;
	out->base_ns = (int64_t)(c0 + (grew > p->guest_ns ? grew - p->guest_ns : 0));
}

int gs_owners_observe(struct gs_owners *h, const struct gs_own_proc *p, size_t np,
		      const struct gsched_space_info *ti, size_t nti)
{
	struct gs_owner *r = calloc(np + nti + 1, sizeof(*r));
	int pti = gs_own_pti(p, np);
	size_t n = 0, owned;

	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < np; i++) {
		int dup = 0;

		if (!p[i].root)
			continue;
		/* two processes on one mm (CLONE_VM without CLONE_THREAD): the
		 * first listed keeps it */
		for (size_t k = 0; k < n && !dup; k++)
			dup = r[k].root == p[i].root;
		if (!dup)
			take(h, find(h->r, h->n, p[i].root), &p[i],
			     gs_own_root_ns(ti, nti, p[i].root, pti, NULL), &r[n++]);
	}
	owned = n;
	qsort(r, owned, sizeof(*r), by_root);
	/* roots the module tracks that no process has now: free */
	for (size_t i = 0; i < nti; i++) {
		uint64_t root = pti ? ti[i].root & ~PTI_USER : ti[i].root;
		int dup = find(r, owned, root) != NULL;

		for (size_t k = owned; k < n && !dup; k++)
			dup = r[k].root == root;
		if (dup || !root)
			continue;
		r[n].root = root;
		r[n].last_ns = gs_own_root_ns(ti, nti, root, pti, NULL);
		n++;
	}
	qsort(r, n, sizeof(*r), by_root);
	free(h->r);
	h->r = r;
	h->n = n;
	h->observations++;
	return 0;
}

uint64_t gs_owners_cpu(const struct gs_owners *h, const struct gs_own_proc *p, uint64_t root_ns,
		       enum gs_own_basis *basis)
{
	struct gs_owner o;
	int64_t t;

	if (!h->observations) {
		*basis = GS_OWN_ROOT;
		return root_ns;
	}
	take(h, find(h->r, h->n, p->root), p, root_ns, &o);
	*basis = o.basis;
	t = (int64_t)root_ns - o.base_ns;
	return t > 0 ? (uint64_t)t : 0;
}

void gs_own_procs(const struct lx_task *t, size_t n, struct gs_own_proc *out)
{
	for (size_t i = 0; i < n; i++) {
		out[i].tgid = t[i].tgid;
		out[i].start = t[i].start_ns;
		out[i].root = t[i].kthread ? 0 : t[i].root;
		out[i].guest_ns = t[i].sum_exec_ns;
	}
}

const char *gs_own_basis_name(enum gs_own_basis b)
{
	static const char *const n[] = { "root", "free", "taken", "inherited" };

	return (unsigned)b < 4 ? n[b] : "?";
}

void gs_owners_free(struct gs_owners *h)
{
	free(h->r);
	memset(h, 0, sizeof(*h));
}
