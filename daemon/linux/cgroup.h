/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The guest cgroup a task is in (cgroup.c): its path in the guest's cgroup
 * v2 hierarchy, read from outside, for selecting processes by cgroup (a
 * systemd unit's processes: /system.slice/NAME.service).
 */
#ifndef GSCHED_LINUX_CGROUP_H
#define GSCHED_LINUX_CGROUP_H
#include "linux/guest.h"

#define LX_CGROUP_DEPTH 64        /* components; deeper is refused (a cycle?) */
#define LX_CGROUP_NAME 255        /* bytes of one component (kernfs: NAME_MAX) */
#define LX_CGROUP_PATH 1024       /* room for a path, escaped */

/* The path of the cgroup v2 group 'task' is in ("/" for the root; each
 * component escaped, lib/escape.h), into 'out' (outlen >= 2). Each kernfs
 * node visited takes one node of the read's budget. LX_OK; LX_EPROFILE when
 * the profile lacks the members; LX_EMEM with g->err set when the chain is
 * unreadable, deeper than LX_CGROUP_DEPTH or longer than 'outlen'. */
int lx_cgroup_path(struct lx_guest *g, uint64_t task, char *out, size_t outlen);
/* Is 'path' the group 'top' or below it ("/" is above every group)? */
int lx_cgroup_under(const char *path, const char *top);

#endif
