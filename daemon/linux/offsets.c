// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The offsets the guest readers use, resolved from the profile once. A
 * member may have several names across kernels (6.12 renamed
 * cfs_rq.h_nr_running to h_nr_queued); sizes are checked against what the
 * readers assume, so a profile of another architecture or a broken one is
 * refused with the member it trips on. Members no reader uses yet are
 * optional (run-queue editing will need them: se.on_rq, se.load.weight,
 * cfs_rq.nr_running and curr, rq.cpu; suspending needs jobctl, sighand,
 * thread_info.flags and sighand_struct.siglock: has_freeze; selecting by
 * cgroup the chain from task_struct.cgroups to kernfs_node: has_cgroup;
 * a process's threads task_struct.signal and thread_node and
 * signal_struct.thread_head: has_threads).
 */
#include <stdio.h>
#include <string.h>
#include "linux/guest.h"

struct need {
	const char *type;
	const char *members; /* alternatives separated by '|' */
	size_t field;        /* offsetof(struct lx_off, x) */
	unsigned size;       /* expected member size; 0: any */
	int optional;
};

#define O(x) offsetof(struct lx_off, x)
static const struct need needs[] = {
	{ "task_struct", "__state|state", O(t_state), 4, 0 },
	{ "task_struct", "exit_state", O(t_exit_state), 4, 0 },
	{ "task_struct", "flags", O(t_flags), 4, 0 },
	{ "task_struct", "pid", O(t_pid), 4, 0 },
	{ "task_struct", "tgid", O(t_tgid), 4, 0 },
	{ "task_struct", "comm", O(t_comm), 16, 0 },
	{ "task_struct", "tasks", O(t_tasks), 16, 0 },
	{ "task_struct", "mm", O(t_mm), 8, 0 },
	{ "task_struct", "on_rq", O(t_on_rq), 4, 0 },
	{ "task_struct", "on_cpu", O(t_on_cpu), 4, 0 },
	{ "task_struct", "cpu|thread_info.cpu", O(t_cpu), 4, 0 },
	{ "task_struct", "prio", O(t_prio), 4, 0 },
	{ "task_struct", "static_prio", O(t_static_prio), 4, 0 },
	{ "task_struct", "policy", O(t_policy), 4, 0 },
	{ "task_struct", "se", O(t_se), 0, 0 },
	{ "task_struct", "pi_lock", O(t_pi_lock), 4, 0 },
	{ "task_struct", "utime", O(t_utime), 8, 0 },
	{ "task_struct", "stime", O(t_stime), 8, 0 },
	{ "task_struct", "start_time", O(t_start_time), 8, 1 },
	{ "task_struct", "jobctl", O(t_jobctl), 8, 1 },
	{ "task_struct", "sighand", O(t_sighand), 8, 1 },
	{ "task_struct", "thread_info.flags", O(t_ti_flags), 8, 1 },
	{ "sighand_struct", "siglock", O(sh_siglock), 4, 1 },
	{ "task_struct", "signal", O(t_signal), 8, 1 },
	{ "task_struct", "thread_node", O(t_thread_node), 16, 1 },
	{ "signal_struct", "thread_head", O(sig_thread_head), 16, 1 },
	{ "task_struct", "cgroups", O(t_cgroups), 8, 1 },
	{ "css_set", "dfl_cgrp", O(cs_dfl_cgrp), 8, 1 },
	{ "cgroup", "kn", O(cg_kn), 8, 1 },
	{ "kernfs_node", "name", O(kn_name), 8, 1 },
	{ "kernfs_node", "parent", O(kn_parent), 8, 1 },
	{ "mm_struct", "pgd", O(mm_pgd), 8, 0 },
	{ "sched_entity", "run_node", O(se_run_node), 24, 0 },
	{ "sched_entity", "on_rq", O(se_on_rq), 0, 1 },
	{ "sched_entity", "vruntime", O(se_vruntime), 8, 0 },
	{ "sched_entity", "deadline", O(se_deadline), 8, 1 },
	{ "sched_entity", "my_q", O(se_my_q), 8, 0 },
	{ "sched_entity", "sum_exec_runtime", O(se_sum_exec), 8, 0 },
	{ "sched_entity", "load.weight", O(se_weight), 8, 1 },
	{ "cfs_rq", "nr_running|nr_queued", O(cfs_nr_running), 4, 1 },
	{ "cfs_rq", "h_nr_running|h_nr_queued", O(cfs_h_nr), 4, 0 },
	{ "cfs_rq", "tasks_timeline.rb_root.rb_node", O(cfs_root), 8, 0 },
	{ "cfs_rq", "curr", O(cfs_curr), 8, 1 },
	{ "cfs_rq", "min_vruntime|zero_vruntime", O(cfs_min_vruntime), 8, 1 },
	{ "rq", "__lock|lock", O(rq_lock), 4, 0 },
	{ "rq", "nr_running", O(rq_nr_running), 4, 0 },
	{ "rq", "curr", O(rq_curr), 8, 0 },
	{ "rq", "idle", O(rq_idle), 8, 0 },
	{ "rq", "cfs", O(rq_cfs), 0, 0 },
	{ "rq", "rt.rt_nr_running", O(rq_rt_nr), 4, 0 },
	{ "rq", "cpu", O(rq_cpu), 4, 1 },
	{ "rq", "nr_switches", O(rq_nr_switches), 8, 0 },
};

int lx_offsets(struct lx_guest *g)
{
	int freeze = 0, cgroup = 0, threads = 0;

	memset(&g->off, 0, sizeof(g->off));
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		const struct need *n = &needs[i];
		char alts[128], *save = NULL, *m;
		uint64_t off, size;
		int found = 0;

		snprintf(alts, sizeof(alts), "%s", n->members);
		for (m = strtok_r(alts, "|", &save); m && !found; m = strtok_r(NULL, "|", &save)) {
			if (profile_offset(g->prof, n->type, m, &off))
				continue;
			if (n->size && (profile_member_size(g->prof, n->type, m, &size) || size != n->size)) {
				snprintf(g->err, sizeof(g->err),
					 "profile %s: %s.%s is %llu bytes, gsched reads %u",
					 profile_path(g->prof), n->type, m, (unsigned long long)size, n->size);
				return LX_EPROFILE;
			}
			*(uint64_t *)((char *)&g->off + n->field) = off;
			found = 1;
		}
		if (!found && !n->optional) {
			snprintf(g->err, sizeof(g->err), "profile %s: no member %s.%s",
				 profile_path(g->prof), n->type, n->members);
			return LX_EPROFILE;
		}
		if (n->field == O(se_deadline))
			g->off.has_deadline = found;
		if (n->field == O(t_start_time))
			g->off.has_start = found;
		if (n->field == O(cfs_min_vruntime))
			g->off.has_min_vruntime = found;
		if (n->field == O(t_jobctl) || n->field == O(t_sighand) ||
		    n->field == O(t_ti_flags) || n->field == O(sh_siglock))
			freeze += found;
		if (n->field == O(t_cgroups) || n->field == O(cs_dfl_cgrp) || n->field == O(cg_kn) ||
		    n->field == O(kn_name) || n->field == O(kn_parent))
			cgroup += found;
		if (n->field == O(t_signal) || n->field == O(t_thread_node) || n->field == O(sig_thread_head))
			threads += found;
	}
	g->off.has_freeze = freeze == 4;
	g->off.has_cgroup = cgroup == 5;
	g->off.has_threads = threads == 3;
	return LX_OK;
}

int lx_need(struct lx_guest *g, int has, const char *members)
{
	if (has)
		return LX_OK;
	snprintf(g->err, sizeof(g->err), "profile %s lacks %s (rebuild it with this gschedctl)",
		 profile_path(g->prof), members);
	return LX_EPROFILE;
}
