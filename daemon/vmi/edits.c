// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Pending guest writes read back before they are made (edits.h). */
#include <string.h>
#include "vmi/edits.h"

void vmi_edits_init(struct vmi_edits *ed, int (*read)(void *, uint64_t, void *, size_t), void *ctx)
{
	memset(ed, 0, sizeof(*ed));
	ed->read = read;
	ed->ctx = ctx;
}

static void fail(struct vmi_edits *ed, int err, uint64_t va)
{
	if (!ed->err) {
		ed->err = err;
		ed->err_va = va;
	}
}

/* The pending write at exactly (va, len), or NULL; an overlap of another
 * size fails the edit. */
static struct vmi_edit *find(struct vmi_edits *ed, uint64_t va, unsigned len)
{
	if (va & (len - 1)) {
		fail(ed, VMI_EDITS_EALIGN, va);
		return NULL;
	}
	for (size_t i = 0; i < ed->n; i++) {
		struct vmi_edit *e = &ed->e[i];

		if (e->va == va && e->len == len)
			return e;
		if (e->va < va + len && va < e->va + e->len)
			fail(ed, VMI_EDITS_EOVERLAP, va);
	}
	return NULL;
}

static uint64_t get(struct vmi_edits *ed, uint64_t va, unsigned len)
{
	struct vmi_edit *e;
	uint64_t v = 0;

	if (ed->err)
		return 0;
	e = find(ed, va, len);
	if (ed->err)
		return 0;
	if (e)
		return e->val;
	if (ed->read(ed->ctx, va, &v, len)) {
		fail(ed, VMI_EDITS_EREAD, va);
		return 0;
	}
	return v;
}

static void set(struct vmi_edits *ed, uint64_t va, uint64_t v, unsigned len)
{
	struct vmi_edit *e;

	if (ed->err)
		return;
	e = find(ed, va, len);
	if (ed->err)
		return;
	if (!e) {
		if (ed->n == VMI_EDITS_MAX) {
			fail(ed, VMI_EDITS_EFULL, va);
			return;
		}
		e = &ed->e[ed->n++];
		e->va = va;
		e->len = len;
	}
	e->val = v;
}

uint64_t vmi_ed_get64(struct vmi_edits *ed, uint64_t va) { return get(ed, va, 8); }
uint32_t vmi_ed_get32(struct vmi_edits *ed, uint64_t va) { return (uint32_t)get(ed, va, 4); }
void vmi_ed_set64(struct vmi_edits *ed, uint64_t va, uint64_t v) { set(ed, va, v, 8); }
void vmi_ed_set32(struct vmi_edits *ed, uint64_t va, uint32_t v) { set(ed, va, v, 4); }

const char *vmi_edits_strerror(int err)
{
	switch (err) {
	case 0: return "no error";
	case VMI_EDITS_EREAD: return "guest memory unreadable";
	case VMI_EDITS_EFULL: return "more writes than one edit holds";
	case VMI_EDITS_EALIGN: return "misaligned guest field";
	case VMI_EDITS_EOVERLAP: return "guest fields overlap";
	case VMI_EDITS_EBAD: return "guest structures inconsistent (a cycle, a broken list, a count below what is queued)";
	}
	return "unknown edit error";
}
