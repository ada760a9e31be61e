/* SPDX-License-Identifier: GPL-2.0 */
/* Consistent copies of module state for dev.c and debugfs.c (snapshot.c). */
#ifndef GS_SNAPSHOT_H
#define GS_SNAPSHOT_H
#include "gsched.h"

u32 gs_snapshot_vms(struct gsched_vm_info *out, u32 max, u32 *total);
int gs_snapshot_vcpus(u32 vm_id, struct gsched_vcpu_info *out, u32 max, u32 *total);
int gs_snapshot_spaces(u32 vm_id, struct gs_as *out, u32 max, u32 *total);

#endif
