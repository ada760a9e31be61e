/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Which VM a user means: a gsched VM id or a VMM pid (exact), or a VM name
 * (QEMU's -name guest=NAME, from each VMM's command line). Any user may start
 * a VMM with any name, so a name must be carried by exactly one VM; the one
 * lookup gschedctl and the lab's helpers share.
 */
#ifndef GSCHED_LIB_VMFIND_H
#define GSCHED_LIB_VMFIND_H
#include <stddef.h>
#include <gsched/abi.h>

struct gsched;

#define GSCHED_VM_NONE (-1)      /* nothing carries that id, pid or name */
#define GSCHED_VM_AMBIGUOUS (-2) /* several VMs carry that name */

/* Index into 'vms' of the VM 'arg' names (a number is tried as an id and a
 * pid before it is tried as a name), or GSCHED_VM_NONE/AMBIGUOUS;
 * names[i] is vms[i]'s name (escaped, "" if unknown); *named gets how many
 * VMs carry 'arg' as their name. Pure: no device, no /proc. */
int gsched_pick_vm(const struct gsched_vm_info *vms, const char *const *names, size_t n,
		   const char *arg, int *named);

/* The same over the module's VM list and the VMMs' command lines: 0 with
 * *out, -ENOENT (no such VM), -ENOTUNIQ (*named > 1) or another -errno of
 * listing the VMs. */
int gsched_find_vm(struct gsched *g, const char *arg, struct gsched_vm_info *out, int *named);

#endif
