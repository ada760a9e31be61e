/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * A set of pending writes to guest kernel memory (run-queue edits, Monarch
 * §IV-B): every read of an edit sees the writes before it, nothing reaches
 * the guest until the whole edit was computed without an error, and then
 * every address is translated before the first byte is written, so a
 * malformed guest or a failed read leaves the guest as it was, never half
 * edited. Values are 4 or 8 bytes, naturally aligned; a read that overlaps
 * a pending write of another size is an error. The first error sticks.
 */
#ifndef GSCHED_VMI_EDITS_H
#define GSCHED_VMI_EDITS_H
#include <stddef.h>
#include <stdint.h>

#define VMI_EDITS_MAX 512

struct vmi_edit {
	uint64_t va, val;
	unsigned len;
};

struct vmi_edits {
	/* reads guest kernel virtual memory: 0 or nonzero */
	int (*read)(void *ctx, uint64_t va, void *buf, size_t len);
	void *ctx;
	struct vmi_edit e[VMI_EDITS_MAX];
	size_t n;
	int err;                   /* 0, or the first failure (VMI_EDITS_E*) */
	uint64_t err_va;
};

enum { VMI_EDITS_EREAD = 1, VMI_EDITS_EFULL, VMI_EDITS_EALIGN, VMI_EDITS_EOVERLAP,
       VMI_EDITS_EBAD /* the guest's structures contradict each other */ };

void vmi_edits_init(struct vmi_edits *ed, int (*read)(void *, uint64_t, void *, size_t), void *ctx);
/* The value at va as the edit sees it (0 after an error: check ed->err). */
uint64_t vmi_ed_get64(struct vmi_edits *ed, uint64_t va);
uint32_t vmi_ed_get32(struct vmi_edits *ed, uint64_t va);
void vmi_ed_set64(struct vmi_edits *ed, uint64_t va, uint64_t v);
void vmi_ed_set32(struct vmi_edits *ed, uint64_t va, uint32_t v);
/* "reading guest memory at 0x... failed" and so on, for ed->err. */
const char *vmi_edits_strerror(int err);

#endif
