// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Attaching to a Linux guest and reading its kernel memory (guest.h). */
#include <stdio.h>
#include <string.h>
#include "linux/guest.h"
#include "lib/clock.h"

void lx_budget_start(struct lx_guest *g)
{
	g->walk_left = LX_WALK_NODES;
	g->walk_deadline_ns = gs_mono_ns() + (g->walk_ms ? g->walk_ms : LX_WALK_MS) * 1000000ULL;
}

int lx_budget_take(struct lx_guest *g, const char *what)
{
	/* the clock is read every 64 nodes */
	if (g->walk_left > 0 && (g->walk_left-- % 64 || gs_mono_ns() < g->walk_deadline_ns))
		return LX_OK;
	snprintf(g->err, sizeof(g->err), "%s: the read's budget (%d guest structures, %d ms) is spent: guest memory malformed or hostile",
		 what, LX_WALK_NODES, g->walk_ms ? g->walk_ms : LX_WALK_MS);
	g->walk_left = 0;
	return LX_EMEM;
}

int lx_find_kernel(struct lx_guest *g); /* kaslr.c */

const char *lx_strerror(int err)
{
	switch (err) {
	case LX_OK: return "ok";
	case LX_EPROFILE: return "profile unusable";
	case LX_EBANNER: return "profile does not match the guest kernel";
	case LX_EKASLR: return "kernel virtual shift not found";
	case LX_EINIT: return "init_task check failed";
	case LX_EBUSY: return "guest lock held: busy, retry";
	case LX_EMEM: return "guest memory unreadable or malformed";
	case LX_ENOENT: return "no such guest process";
	}
	return vmi_rb_strerror(err);
}

int lx_read(struct lx_guest *g, uint64_t va, void *buf, size_t len)
{
	return vmi_read_va(&g->ctx, va, buf, len);
}

int lx_pa(struct lx_guest *g, uint64_t va, uint64_t *pa)
{
	return vmi_translate_cached(&g->tc, g->mem, g->kroot, g->levels, va, pa);
}

int lx_symbol(struct lx_guest *g, const char *name, uint64_t *va)
{
	uint64_t a;

	if (profile_symbol(g->prof, name, &a) || a < LX_START_KERNEL_MAP)
		return -1;
	*va = a + g->voff;
	return 0;
}

int lx_attach(struct lx_guest *g, struct vmi_mem *m, const struct profile *p)
{
	char comm[16], shown[GS_ESCAPED_SIZE(16)];
	int32_t pid;
	int err;

	memset(g, 0, sizeof(*g));
	g->mem = m;
	g->prof = p;
	err = lx_offsets(g);
	if (err)
		return err;
	err = lx_find_kernel(g);
	if (err)
		return err;
	g->ctx.mem = m;
	g->ctx.cr3 = g->kroot;
	g->ctx.levels = g->levels;
	g->ctx.cache = &g->tc;
	if (lx_symbol(g, "init_task", &g->init_task) ||
	    lx_read(g, g->init_task + g->off.t_pid, &pid, 4) ||
	    lx_read(g, g->init_task + g->off.t_comm, comm, 16)) {
		snprintf(g->err, sizeof(g->err), "init_task unreadable at 0x%llx",
			 (unsigned long long)g->init_task);
		return LX_EINIT;
	}
	if (pid != 0 || strncmp(comm, "swapper", 7)) {
		gs_escape(shown, sizeof(shown), comm, sizeof(comm));
		snprintf(g->err, sizeof(g->err), "init_task at 0x%llx reads pid %d comm \"%s\", not pid 0 \"swapper\": wrong profile or corrupt guest",
			 (unsigned long long)g->init_task, pid, shown);
		return LX_EINIT;
	}
	return LX_OK;
}
