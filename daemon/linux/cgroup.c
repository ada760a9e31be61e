// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A guest task's cgroup v2 path, read from outside: task->cgroups (its
 * css_set) ->dfl_cgrp (its group in the default hierarchy) ->kn (the group's
 * kernfs directory), then kernfs_node.parent up to the hierarchy's root,
 * whose node has no parent (its own name is not part of the path, as in
 * fs/kernfs/dir.c's kernfs_name_locked). The same members in Debian's 6.1
 * and 6.12 headers (include/linux/sched.h, cgroup-defs.h, kernfs.h).
 * Everything read is untrusted: the chain is bounded in depth and by the
 * read's node budget, names in length, and every byte is escaped.
 */
#include <stdio.h>
#include <string.h>
#include "linux/cgroup.h"

static int ptr(struct lx_guest *g, uint64_t va, uint64_t *v, const char *what)
{
	if (lx_read(g, va, v, 8)) {
		snprintf(g->err, sizeof(g->err), "%s at 0x%llx unreadable", what, (unsigned long long)va);
		return LX_EMEM;
	}
	return LX_OK;
}

/* A NUL-terminated name of at most LX_CGROUP_NAME bytes, page by page (a
 * short name may end just before an unmapped page). */
static int name_at(struct lx_guest *g, uint64_t va, char *buf, size_t *len)
{
	size_t got = 0;

	while (got <= LX_CGROUP_NAME) {
		size_t chunk = 4096 - ((va + got) & 4095);
		char *nul;

		if (chunk > LX_CGROUP_NAME + 1 - got)
			chunk = LX_CGROUP_NAME + 1 - got;
		if (lx_read(g, va + got, buf + got, chunk)) {
			snprintf(g->err, sizeof(g->err), "cgroup name at 0x%llx unreadable",
				 (unsigned long long)va);
			return LX_EMEM;
		}
		nul = memchr(buf + got, 0, chunk);
		if (nul) {
			*len = (size_t)(nul - buf);
			return LX_OK;
		}
		got += chunk;
	}
	snprintf(g->err, sizeof(g->err), "cgroup name at 0x%llx longer than %d bytes",
		 (unsigned long long)va, LX_CGROUP_NAME);
	return LX_EMEM;
}

int lx_cgroup_path(struct lx_guest *g, uint64_t task, char *out, size_t outlen)
{
	uint64_t css, cg, kn, parent, names[LX_CGROUP_DEPTH];
	int depth = 0, err = lx_need(g, g->off.has_cgroup,
				     "task_struct.cgroups, css_set.dfl_cgrp, cgroup.kn or kernfs_node.name/parent");
	size_t w = 0;

	if (err)
		return err;
	if ((err = ptr(g, task + g->off.t_cgroups, &css, "task_struct.cgroups")) ||
	    (err = ptr(g, css + g->off.cs_dfl_cgrp, &cg, "css_set.dfl_cgrp")) ||
	    (err = ptr(g, cg + g->off.cg_kn, &kn, "cgroup.kn")))
		return err;
	for (;;) {
		if ((err = lx_budget_take(g, "cgroup kernfs nodes")))
			return err;
		if ((err = ptr(g, kn + g->off.kn_parent, &parent, "kernfs_node.parent")))
			return err;
		if (!parent)
			break;                /* the root: not part of the path */
		if (depth == LX_CGROUP_DEPTH) {
			snprintf(g->err, sizeof(g->err), "task 0x%llx: cgroup deeper than %d levels",
				 (unsigned long long)task, LX_CGROUP_DEPTH);
			return LX_EMEM;
		}
		if ((err = ptr(g, kn + g->off.kn_name, &names[depth++], "kernfs_node.name")))
			return err;
		kn = parent;
	}
	if (!depth) {
		snprintf(out, outlen, "/");
		return LX_OK;
	}
	out[0] = 0;
	while (depth--) {
		char raw[LX_CGROUP_NAME + 1], esc[GS_ESCAPED_SIZE(LX_CGROUP_NAME)];
		size_t len, elen;

		if ((err = name_at(g, names[depth], raw, &len)))
			return err;
		elen = gs_escape(esc, sizeof(esc), raw, len);
		if (w + 1 + elen + 1 > outlen) {
			snprintf(g->err, sizeof(g->err), "task 0x%llx: cgroup path longer than %zu bytes",
				 (unsigned long long)task, outlen - 1);
			return LX_EMEM;
		}
		out[w++] = '/';
		memcpy(out + w, esc, elen + 1);
		w += elen;
	}
	return LX_OK;
}

int lx_cgroup_under(const char *path, const char *top)
{
	size_t n = strlen(top);

	while (n > 1 && top[n - 1] == '/')
		n--;                          /* "/a/b/" is "/a/b" */
	if (n == 1 && top[0] == '/')
		return path[0] == '/';
	return !strncmp(path, top, n) && (path[n] == 0 || path[n] == '/');
}
