/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Synthetic guest memory for the walker tests: 'size' bytes (a multiple of
 * 2 MiB, at most 1 GiB) whose 4-level page tables, at 0x1000-0x3fff, map a
 * kernel direct map KBASE + pa -> pa with 2 MiB pages.
 */
#ifndef GSCHED_TESTS_DIRECTMAP_H
#define GSCHED_TESTS_DIRECTMAP_H
#include <stdint.h>
#include <stdlib.h>
#include "vmi/list.h"

#define KBASE 0xffff888000000000ULL

static inline uint8_t *directmap_new(struct vmi_mem *m, struct vmi_ctx *ctx, uint64_t size)
{
	uint64_t pml4 = 0x1000, pdpt = 0x2000, pd = 0x3000;
	uint8_t *mem = calloc(1, size);

	if (!mem)
		return NULL;
	*(uint64_t *)(mem + pml4 + ((KBASE >> 39) & 511) * 8) = pdpt | 3;
	*(uint64_t *)(mem + pdpt + ((KBASE >> 30) & 511) * 8) = pd | 3;
	for (uint64_t i = 0; i < size >> 21; i++)
		*(uint64_t *)(mem + pd + i * 8) = (i << 21) | 0x83;
	if (vmi_mem_buffer(m, mem, size, NULL)) {
		free(mem);
		return NULL;
	}
	*ctx = (struct vmi_ctx){ .mem = m, .cr3 = pml4, .levels = 4 };
	return mem;
}

#endif
