// SPDX-License-Identifier: GPL-2.0
/* Read-only debugfs view: /sys/kernel/debug/gsched/state (root only). */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "snapshot.h"

static struct dentry *gs_dir;

static void gs_show_vm(struct seq_file *m, const struct gsched_vm_info *vm,
		       struct gs_as *as, u32 max)
{
	u32 total;
	int n, i;

	seq_printf(m, "vm %u pid %d vcpus %u spaces %u evictions %llu cpu_ns %llu\n",
		   vm->vm_id, vm->pid, vm->nr_vcpus, vm->nr_spaces, vm->evictions,
		   vm->cpu_ns);
	n = gs_snapshot_spaces(vm->vm_id, as, max, &total);
	for (i = 0; i < n; i++)
		seq_printf(m, "  root %#llx cpu_ns %llu switches %llu last_seen %llu vcpu %u\n",
			   as[i].root, as[i].cpu_ns, as[i].switches,
			   as[i].last_seen, as[i].last_vcpu);
}

static int gs_state_show(struct seq_file *m, void *unused)
{
	struct gsched_vm_info *vms;
	struct gs_as *as;
	u32 total, n, i;

	vms = kvcalloc(gs_max_vms, sizeof(*vms), GFP_KERNEL);
	as = kvcalloc(gs_max_spaces, sizeof(*as), GFP_KERNEL);
	if (vms && as) {
		seq_printf(m, "mode %s vendor %d\n",
			   gs_mode == GSCHED_MODE_EXACT ? "exact" : "sampling", gs_vendor);
		/* CR3-write exits of nested guests that their hypervisor did
		 * not ask for: 0 unless gsched's intercept leaked into vmcb02 */
		seq_printf(m, "nested_cr3_exits %lld\n",
			   (long long)atomic64_read(&gs_nested_cr3_exits));
		/* vCPU discoveries that took the registry lock, and those
		 * that found the pools full: not one per VM entry of an
		 * untracked vCPU, once per freed slot at most */
		seq_printf(m, "discover_scans %lld discover_full %lld\n",
			   (long long)atomic64_read(&gs_discover_scans),
			   (long long)atomic64_read(&gs_discover_full));
		n = gs_snapshot_vms(vms, gs_max_vms, &total);
		for (i = 0; i < n; i++)
			gs_show_vm(m, &vms[i], as, gs_max_spaces);
	}
	kvfree(as);
	kvfree(vms);
	return vms && as ? 0 : -ENOMEM;
}
DEFINE_SHOW_ATTRIBUTE(gs_state);

void gs_debugfs_init(void)
{
	gs_dir = debugfs_create_dir(GS_NAME, NULL);
	debugfs_create_file("state", 0400, gs_dir, NULL, &gs_state_fops);
}

void gs_debugfs_exit(void)
{
	debugfs_remove_recursive(gs_dir);
}
