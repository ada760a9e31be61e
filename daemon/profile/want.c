// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The types and symbols a gsched profile keeps (Monarch §III-A: process list,
 * run queues, locks, address spaces; §IV-B: what enqueue/dequeue touches).
 */
#include <stddef.h>
#include "profile/want.h"

const char *const profile_want_types[] = {
	/* processes */
	"task_struct", "thread_info", "mm_struct", "signal_struct", "pid",
	"sighand_struct",
	/* cgroups (selection by a guest cgroup path) */
	"css_set", "cgroup", "kernfs_node",
	"list_head", "hlist_node", "hlist_head", "callback_head",
	/* CFS and the run queue */
	"rq", "cfs_rq", "rt_rq", "sched_entity", "sched_rt_entity",
	"sched_dl_entity", "load_weight", "sched_avg", "sched_info",
	"task_group", "sched_class",
	/* PSI (what a run-queue edit keeps consistent) */
	"psi_group", "psi_group_cpu",
	"rb_node", "rb_root", "rb_root_cached",
	/* locks checked before reading */
	"raw_spinlock", "spinlock", "qspinlock", "qrwlock",
	/* misc */
	"new_utsname", "uts_namespace", "cpumask",
	NULL,
};

const char *const profile_want_symbols[] = {
	"init_task", "init_mm", "runqueues", "__per_cpu_offset", "__per_cpu_start",
	"linux_banner", "init_top_pgt", "phys_base", "page_offset_base",
	"vmemmap_base", "vmalloc_base", "_text", "_stext", "_etext", "_end",
	"nr_cpu_ids", "__cpu_online_mask", "__cpu_possible_mask",
	"fair_sched_class", "rt_sched_class", "idle_sched_class",
	"dl_sched_class", "stop_sched_class", "init_uts_ns", "root_task_group",
	"pcpu_hot", "current_task", "jiffies", "init_pid_ns", "tasklist_lock",
	/* guest calls (suspend/resume): what the guest is made to call, and
	 * native_halt's HLT for the calls to return to */
	"wake_up_process", "ct_irq_enter", "ct_irq_exit", "native_halt",
	/* run-queue edits (linux/rqedit.c): PSI and uclamp state, and the
	 * functions a task switched out on its way to user mode returns into
	 * (profile_want_ranges) */
	"psi_system", "psi_disabled", "psi_cgroups_enabled", "sched_uclamp_used",
	"schedule", "exit_to_user_mode_prepare", "exit_to_user_mode_loop",
	NULL,
};

/* Functions whose end is written too, as the symbol "NAME$end" (the next
 * symbol's address in a System.map, the ELF symbol's size otherwise). */
const char *const profile_want_ranges[] = {
	"schedule", "exit_to_user_mode_prepare", "exit_to_user_mode_loop",
	NULL,
};

const char *const profile_need_symbols[] = {
	"init_task", "runqueues", "__per_cpu_offset", "linux_banner",
	"init_top_pgt", "_text", "nr_cpu_ids",
	NULL,
};
