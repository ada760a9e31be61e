// SPDX-License-Identifier: GPL-2.0
/*
 * gsched.ko entry points: module parameters, the choice of tracking mode,
 * and the order of bring-up and tear-down (layout check, registry, user
 * interfaces, hooks; the reverse on unload, with VMs still running).
 */
#include <linux/module.h>
#include <asm/processor.h>
#include "gsched.h"

static char *mode = "auto";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "guest CR3 tracking: auto (exact where supported), exact (AMD SVM + NPT), sampling");
unsigned int gs_max_vms = 64;
module_param_named(max_vms, gs_max_vms, uint, 0444);
MODULE_PARM_DESC(max_vms, "VMs tracked at once (1-4096)");
unsigned int gs_max_vcpus = 1024;
module_param_named(max_vcpus, gs_max_vcpus, uint, 0444);
MODULE_PARM_DESC(max_vcpus, "vCPUs tracked at once (1-65536)");
unsigned int gs_max_spaces = 512;
module_param_named(max_spaces, gs_max_spaces, uint, 0444);
MODULE_PARM_DESC(max_spaces, "guest address spaces kept per VM, least recently seen evicted (16-65536)");
/* its name before ABI 1.4, kept so that existing modprobe.d options work */
module_param_named(max_tasks, gs_max_spaces, uint, 0444);
MODULE_PARM_DESC(max_tasks, "old name of max_spaces");

unsigned int gs_pause_max_ms = 2000;
module_param_named(pause_max_ms, gs_pause_max_ms, uint, 0444);
MODULE_PARM_DESC(pause_max_ms, "longest a VM stays paused for introspection before it resumes by itself (10-60000)");

int gs_mode;
enum gs_vendor gs_vendor;
bool gs_disarming;

static int gs_pick_mode(void)
{
	switch (boot_cpu_data.x86_vendor) {
	case X86_VENDOR_AMD: case X86_VENDOR_HYGON:
		gs_vendor = GS_VENDOR_SVM;
		break;
	case X86_VENDOR_INTEL: case X86_VENDOR_CENTAUR: case X86_VENDOR_ZHAOXIN:
		gs_vendor = GS_VENDOR_VMX;
		break;
	default:
		gs_vendor = GS_VENDOR_NONE;
	}
	if (!strcmp(mode, "auto")) {
		gs_mode = gs_vendor == GS_VENDOR_SVM ? GSCHED_MODE_EXACT : GSCHED_MODE_SAMPLING;
	} else if (!strcmp(mode, "exact")) {
		if (gs_vendor != GS_VENDOR_SVM) {
			pr_err(GS_NAME ": mode=exact needs AMD SVM; Intel VMX supports mode=sampling\n");
			return -EINVAL;
		}
		gs_mode = GSCHED_MODE_EXACT;
	} else if (!strcmp(mode, "sampling")) {
		gs_mode = GSCHED_MODE_SAMPLING;
	} else {
		pr_err(GS_NAME ": mode=%s: expected auto, exact or sampling\n", mode);
		return -EINVAL;
	}
	return 0;
}

static int gs_check_params(void)
{
	if (gs_max_vms < 1 || gs_max_vms > 4096 || gs_max_vcpus < 1 ||
	    gs_max_vcpus > 65536 || gs_max_spaces < 16 || gs_max_spaces > 65536 ||
	    gs_pause_max_ms < 10 || gs_pause_max_ms > 60000) {
		pr_err(GS_NAME ": max_vms (1-4096), max_vcpus (1-65536), max_spaces (16-65536) or pause_max_ms (10-60000) out of range\n");
		return -EINVAL;
	}
	return 0;
}

static int __init gs_init(void)
{
	int err;

	err = gs_check_params();
	if (!err)
		err = gs_pick_mode();
	if (!err)
		err = gs_layout_check();
	if (!err)
		err = gs_registry_init();
	if (err)
		return err;
	gs_debugfs_init();
	err = gs_hooks_init();
	if (err)
		goto out_reg;
	/* /dev/gsched last: once it exists a user can hold the module, and a
	 * failed init frees the module without waiting for its users. */
	err = gs_dev_init();
	if (err)
		goto out_hooks;
	pr_info(GS_NAME ": loaded, %s tracking on %s\n",
		gs_mode == GSCHED_MODE_EXACT ? "exact" : "sampling",
		gs_vendor == GS_VENDOR_SVM ? "AMD SVM" :
		gs_vendor == GS_VENDOR_VMX ? "Intel VMX" : "unknown CPU");
	return 0;
out_hooks:
	gs_hooks_exit();
out_reg:
	gs_debugfs_exit();
	gs_registry_exit();
	return err;
}

static void __exit gs_exit(void)
{
	/* A parked vCPU thread drops its module reference just before it
	 * returns from gs_park_fn: wait until no task can still be preempted
	 * in the module's text. */
	synchronize_rcu_tasks();
	gs_hooks_exit();
	gs_debugfs_exit();
	gs_dev_exit();
	gs_registry_exit();
	pr_info(GS_NAME ": unloaded\n");
}

module_init(gs_init);
module_exit(gs_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("gsched developers");
MODULE_DESCRIPTION("guest-aware CPU scheduling for KVM hosts: guest task tracking");
MODULE_SOFTDEP("pre: kvm");
