// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Finding a KASLR'd x86-64 Linux kernel in guest physical memory, with no
 * help from the guest (no nokaslr) and no vCPU registers needed:
 *  1. physical shift: the kernel image is placed 2 MiB-aligned, so the
 *     profile's linux_banner can only be at its link-time physical address
 *     plus a multiple of 2 MiB; compare there.
 *  2. virtual shift: the image's virtual offset is also a multiple of 2 MiB
 *     below 1 GiB; guess it from the guest's phys_base, check it, else try
 *     each candidate: the right one translates linux_banner's runtime
 *     address, through init_top_pgt (whose physical address step 1 gave),
 *     onto the banner found in step 1.
 *  3. init_task at its runtime address must read pid 0, comm "swapper...".
 * When no banner matches, the guest's own banner is searched for and shown,
 * so a wrong profile is refused with what the guest runs.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux/guest.h"

#define ALIGN_2M (2ULL << 20)
#define KERNEL_IMAGE_SIZE (1ULL << 30)

static int find_banner_pa(struct lx_guest *g, const char *banner, uint64_t lphys, uint64_t *pa)
{
	size_t blen = strlen(banner);
	char buf[512];

	if (blen >= sizeof(buf))
		blen = sizeof(buf) - 1;
	for (int r = 0; r < g->mem->nranges; r++) {
		uint64_t start = g->mem->ranges[r].start, end = g->mem->ranges[r].end;
		uint64_t a = lphys % ALIGN_2M;

		if (a < start)
			a += (start - a + ALIGN_2M - 1) / ALIGN_2M * ALIGN_2M;
		for (; a + blen <= end && a >= lphys % ALIGN_2M; a += ALIGN_2M) {
			if (vmi_read(g->mem, a, buf, blen))
				continue;
			if (!memcmp(buf, banner, blen)) {
				*pa = a;
				return 0;
			}
		}
	}
	return -1;
}

/* Search guest memory for any "Linux version " banner (bounded, chunked). */
void lx_guest_banner(struct vmi_mem *m, char *out, size_t outlen)
{
	static const char needle[] = "Linux version ";
	static char chunk[(1 << 20) + 512];

	out[0] = 0;
	for (int r = 0; r < m->nranges; r++) {
		for (uint64_t a = m->ranges[r].start; a < m->ranges[r].end; a += 1 << 20) {
			uint64_t n = m->ranges[r].end - a;
			char *p, *end;

			if (n > sizeof(chunk) - 1)
				n = sizeof(chunk) - 1;
			if (vmi_read(m, a, chunk, n))
				continue;
			chunk[n] = 0;
			for (p = chunk; (p = memmem(p, chunk + n - p, needle, sizeof(needle) - 1)); p++) {
				/* the real banner: "Linux version X (...) #N ..." ends in a newline */
				char *hash;

				end = memchr(p, '\n', chunk + n - p);
				if (!end || end - p > 400 || !memchr(p, '(', end - p) ||
				    !(hash = memchr(p, '#', end - p)) || hash[1] < '0' || hash[1] > '9')
					continue;
				gs_escape(out, outlen, p, (size_t)(end - p)); /* guest bytes */
				return;
			}
		}
	}
}

static int check_voff(struct lx_guest *g, uint64_t voff, uint64_t banner_va, uint64_t banner_pa)
{
	struct vmi_walk w;

	if (voff >= KERNEL_IMAGE_SIZE || voff % ALIGN_2M)
		return -1;
	if (vmi_translate(g->mem, g->kroot, g->levels, banner_va + voff, &w))
		return -1;
	return w.pa == banner_pa ? 0 : -1;
}

/* Step 1: where the profile's banner lies in guest memory (LX_OK), or
 * LX_EBANNER / LX_EPROFILE with g->err set. */
static int match_banner(struct lx_guest *g, uint64_t *lb, uint64_t *ltop, uint64_t *banner_pa)
{
	const char *banner = profile_banner(g->prof);

	if (!banner || profile_symbol(g->prof, "linux_banner", lb) ||
	    profile_symbol(g->prof, "init_top_pgt", ltop) || *lb < LX_START_KERNEL_MAP ||
	    *ltop < LX_START_KERNEL_MAP) {
		snprintf(g->err, sizeof(g->err), "profile %s: no banner, linux_banner or init_top_pgt",
			 profile_path(g->prof));
		return LX_EPROFILE;
	}
	if (find_banner_pa(g, banner, *lb - LX_START_KERNEL_MAP, banner_pa)) {
		/* The caller may search the guest's own banner (lx_guest_banner)
		 * once it has tried all its profiles. */
		char shown[GS_ESCAPED_SIZE(200)];

		gs_escape(shown, sizeof(shown), banner, strcspn(banner, "\n"));
		snprintf(g->err, sizeof(g->err), "profile %s is for \"%.240s\", which the guest does not run",
			 profile_path(g->prof), shown);
		return LX_EBANNER;
	}
	gs_escape(g->banner, sizeof(g->banner), banner, strcspn(banner, "\n"));
	return LX_OK;
}

int lx_match(struct vmi_mem *m, const struct profile *p, char *err, size_t errlen)
{
	struct lx_guest *g = calloc(1, sizeof(*g));
	uint64_t lb, ltop, pa;
	int r;

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return LX_EMEM;
	}
	g->mem = m;
	g->prof = p;
	r = match_banner(g, &lb, &ltop, &pa);
	if (r)
		snprintf(err, errlen, "%s", g->err);
	free(g);
	return r;
}

int lx_find_kernel(struct lx_guest *g)
{
	uint64_t lb, ltop, lpb, banner_pa, pb;
	struct vmi_regs regs;
	int lv[2] = { 4, 5 }, nlv = 2, r = match_banner(g, &lb, &ltop, &banner_pa);

	if (r)
		return r;
	g->poff = banner_pa - (lb - LX_START_KERNEL_MAP);
	g->kroot = ltop - LX_START_KERNEL_MAP + g->poff;
	/* Paging depth: CR4.LA57 of a vCPU when registers can be had. */
	if (!vmi_regs(g->mem, 0, &regs)) {
		lv[0] = regs.cr4 & (1ULL << 12) ? 5 : 4;
		nlv = 1;
	}
	for (int i = 0; i < nlv; i++) {
		g->levels = lv[i];
		/* phys_base = physical shift - virtual shift, as head64.c sets it */
		if (!profile_symbol(g->prof, "phys_base", &lpb) && lpb >= LX_START_KERNEL_MAP &&
		    !vmi_read(g->mem, lpb - LX_START_KERNEL_MAP + g->poff, &pb, 8) &&
		    !check_voff(g, g->poff - pb, lb, banner_pa)) {
			g->voff = g->poff - pb;
			return LX_OK;
		}
		for (uint64_t v = 0; v < KERNEL_IMAGE_SIZE; v += ALIGN_2M)
			if (!check_voff(g, v, lb, banner_pa)) {
				g->voff = v;
				return LX_OK;
			}
	}
	snprintf(g->err, sizeof(g->err), "kernel found at physical shift 0x%llx but no virtual shift maps linux_banner through init_top_pgt (page tables unreadable or corrupt)",
		 (unsigned long long)g->poff);
	return LX_EKASLR;
}
