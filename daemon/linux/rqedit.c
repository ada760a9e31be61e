// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Monarch's run-queue mechanism on Linux 6.1 CFS (rqedit.h): the guest's
 * dequeue_task_fair(), dequeue_entity(), account_entity_dequeue(),
 * clear_buddies(), util_est_dequeue() and the PSI part of its sleep,
 * mirrored from outside through pending edits (vmi/edits.h), field by
 * field from Debian's 6.1 kernel/sched/fair.c and psi.c; offsets from the
 * profile. What is left out, and why (guest-runqueue-edits.md §3):
 *  - PELT sums (se->avg, cfs_rq->avg) and group weights (update_cfs_group):
 *    the guest's next update at that level corrects them (a sleeping
 *    entity's contribution decays there anyway);
 *  - min_vruntime: a lower bound the guest's next update_curr() advances;
 *  - the next-buddy hint of a sleep, hrtick, util_est's ewma update;
 *  - PSI's times and state mask: the task's count leaves its groups; the
 *    state mask follows at that CPU's next PSI change (a short skew of
 *    pressure time, no count ever wrong).
 * Refused: bandwidth-limited or throttled groups, uclamp in use, NUMA
 * preferences, a memstall, iowait; kernels with EEVDF.
 */
#include <stdio.h>
#include <string.h>
#include "linux/freeze.h"
#include "linux/rqedit.h"
#include "vmi/edits.h"
#include "vmi/pagewalk.h"
#include "vmi/rbedit.h"

#define TASK_INTERRUPTIBLE 0x1u
#define PF_EXITING 0x4u
#define PF_KTHREAD 0x00200000u
#define PF_IO_WORKER 0x10u
#define SCHED_NORMAL 0u
#define SCHED_BATCH 3u
#define SCHED_IDLE 5u
#define TSK_RUNNING (1u << 2)     /* include/linux/psi_types.h: NR_RUNNING = 2 */
#define NR_RUNNING 2
#define MAX_LEVELS 16             /* task-group depth (a real one is a few) */
#define STACK_WORDS 48


static const struct { const char *type, *member; size_t field; unsigned size; } fields[] = {
#define F(t, m, f) { t, m, offsetof(struct lx_rqoff, f), 0 }
#define Z(t, m, f, z) { t, m, offsetof(struct lx_rqoff, f), z }
	F("task_struct", "se", t_se), Z("task_struct", "on_rq", t_on_rq, 4),
	Z("task_struct", "on_cpu", t_on_cpu, 4),
	Z("task_struct", "policy", t_policy, 4), Z("task_struct", "__state", t_state, 4),
	Z("task_struct", "flags", t_flags, 4), Z("task_struct", "pi_lock", t_pi_lock, 4),
	Z("task_struct", "ptrace", t_ptrace, 4), Z("task_struct", "psi_flags", t_psi_flags, 4),
	Z("task_struct", "numa_preferred_nid", t_numa_nid, 4), Z("task_struct", "thread.sp", t_thread_sp, 8),
	Z("task_struct", "cgroups", t_cgroups, 8), Z("task_struct", "stack", t_stack, 8),
	Z("sched_entity", "run_node", se_run_node, 24), Z("sched_entity", "on_rq", se_on_rq, 4),
	Z("sched_entity", "load.weight", se_weight, 8), Z("sched_entity", "parent", se_parent, 8),
	Z("sched_entity", "cfs_rq", se_cfs_rq, 8), Z("sched_entity", "my_q", se_my_q, 8),
	Z("sched_entity", "group_node", se_group_node, 16),
	Z("sched_entity", "runnable_weight", se_runnable_weight, 8),
	Z("sched_entity", "avg.util_est.enqueued", se_ue_enqueued, 4),
	Z("sched_entity", "avg.util_est.ewma", se_ue_ewma, 4),
	Z("cfs_rq", "tasks_timeline", cfs_root, 16), Z("cfs_rq", "tasks_timeline.rb_leftmost", cfs_leftmost, 8),
	Z("cfs_rq", "nr_running", cfs_nr_running, 4), Z("cfs_rq", "idle_nr_running", cfs_idle_nr, 4),
	Z("cfs_rq", "h_nr_running", cfs_h_nr, 4), Z("cfs_rq", "idle_h_nr_running", cfs_idle_h_nr, 4),
	Z("cfs_rq", "load.weight", cfs_weight, 8), Z("cfs_rq", "load.inv_weight", cfs_inv_weight, 4),
	Z("cfs_rq", "curr", cfs_curr, 8), Z("cfs_rq", "next", cfs_next, 8), Z("cfs_rq", "last", cfs_last, 8),
	Z("cfs_rq", "skip", cfs_skip, 8), Z("cfs_rq", "throttled", cfs_throttled, 4),
	Z("cfs_rq", "throttle_count", cfs_throttle_count, 4),
	Z("cfs_rq", "runtime_enabled", cfs_runtime_enabled, 4), Z("cfs_rq", "idle", cfs_idle, 4),
	Z("cfs_rq", "avg.util_est.enqueued", cfs_ue_enqueued, 4),
	Z("rq", "__lock", rq_lock, 4), Z("rq", "nr_running", rq_nr_running, 4), Z("rq", "curr", rq_curr, 8),
	F("rq", "cfs", rq_cfs), Z("rq", "cfs_tasks", rq_cfs_tasks, 16),
	Z("css_set", "dfl_cgrp", cs_dfl_cgrp, 8), Z("cgroup", "psi", cg_psi, 8), Z("cgroup", "kn", cg_kn, 8),
	Z("kernfs_node", "id", kn_id, 8), Z("psi_group", "parent", psi_parent, 8),
	Z("psi_group", "pcpu", psi_pcpu, 8), Z("psi_group_cpu", "seq", psic_seq, 4),
	Z("psi_group_cpu", "tasks", psic_tasks, 16),
#undef F
#undef Z
};

static const struct { const char *name; size_t field; } symbols[] = {
#define S(n, f) { n, offsetof(struct lx_rqoff, f) }
	S("runqueues", sym_runqueues), S("__per_cpu_offset", sym_pcpu_off),
	S("psi_system", sym_psi_system), S("psi_disabled", sym_psi_disabled),
	S("psi_cgroups_enabled", sym_psi_cgroups), S("sched_uclamp_used", sym_uclamp_used),
	S("schedule", sym_schedule), S("schedule$end", sym_schedule_end),
	S("exit_to_user_mode_prepare", sym_exit), S("exit_to_user_mode_prepare$end", sym_exit_end),
	S("_stext", sym_stext), S("_etext", sym_etext),
#undef S
};

static void find_bits(const char *name, uint64_t off, uint64_t size, unsigned pos, unsigned len,
		      void *arg)
{
	struct lx_rqoff *o = arg;
	struct lx_rqbit *b = !strcmp(name, "sched_contributes_to_load") ? &o->contrib :
			!strcmp(name, "in_iowait") ? &o->iowait :
			!strcmp(name, "in_memstall") ? &o->memstall : NULL;

	(void)size;
	if (b && len == 1) {
		b->off = off + pos / 8;
		b->pos = pos % 8;
		b->found = 1;
	}
}

int lx_rq_layout(struct lx_guest *g, struct lx_rqoff *o)
{
	uint64_t v;

	memset(o, 0, sizeof(*o));
	if (g->off.has_deadline) {
		snprintf(g->err, sizeof(g->err),
			 "the run-queue mechanism edits Linux 6.1's CFS; this guest's kernel schedules with EEVDF (sched_entity.deadline), whose augmented tree and lag sums gsched does not edit: use --mechanism trap");
		return LX_EPROFILE;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (profile_offset(g->prof, fields[i].type, fields[i].member,
				   (uint64_t *)((char *)o + fields[i].field))) {
			snprintf(g->err, sizeof(g->err),
				 "profile %s: no %s.%s, which the run-queue mechanism edits (rebuild the profile with this gschedctl; refused)",
				 profile_path(g->prof), fields[i].type, fields[i].member);
			return LX_EPROFILE;
		}
		if (fields[i].size &&
		    (profile_member_size(g->prof, fields[i].type, fields[i].member, &v) || v != fields[i].size)) {
			snprintf(g->err, sizeof(g->err),
				 "profile %s: %s.%s is not the %u bytes the run-queue mechanism edits: a layout it does not know (refused)",
				 profile_path(g->prof), fields[i].type, fields[i].member, fields[i].size);
			return LX_EPROFILE;
		}
	}
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		if (symbols[i].field == offsetof(struct lx_rqoff, sym_runqueues)) {
			/* per-CPU: an offset from each CPU's __per_cpu_offset */
			if (profile_symbol(g->prof, "runqueues", &v) || v >= LX_START_KERNEL_MAP) {
				snprintf(g->err, sizeof(g->err), "profile %s: no per-CPU symbol runqueues",
					 profile_path(g->prof));
				return LX_EPROFILE;
			}
		} else if (symbols[i].field == offsetof(struct lx_rqoff, sym_uclamp_used) && lx_symbol(g, symbols[i].name, &v)) {
			v = 0; /* a kernel without CONFIG_UCLAMP_TASK */
		} else if (lx_symbol(g, symbols[i].name, &v)) {
			snprintf(g->err, sizeof(g->err),
				 "profile %s: no symbol %s, which the run-queue mechanism needs (rebuild the profile with this gschedctl)",
				 profile_path(g->prof), symbols[i].name);
			return LX_EPROFILE;
		}
		*(uint64_t *)((char *)o + symbols[i].field) = v;
	}
	profile_fields(g->prof, "task_struct", find_bits, o);
	if (!o->contrib.found || !o->iowait.found || !o->memstall.found) {
		snprintf(g->err, sizeof(g->err),
			 "profile %s: no task_struct bits sched_contributes_to_load, in_iowait, in_memstall",
			 profile_path(g->prof));
		return LX_EPROFILE;
	}
	return LX_OK;
}

static int rd(void *ctx, uint64_t va, void *buf, size_t len)
{
	return lx_read(ctx, va, buf, len);
}

static int busy(struct lx_guest *g, const char *why, uint64_t task)
{
	snprintf(g->err, sizeof(g->err), "task 0x%llx: %s", (unsigned long long)task, why);
	return LX_EBUSY;
}

static int refuse(struct lx_guest *g, const char *why, uint64_t task)
{
	snprintf(g->err, sizeof(g->err), "task 0x%llx: %s (refused by the run-queue mechanism)",
		 (unsigned long long)task, why);
	return LX_EMEM;
}

/* Was the ready task switched out on its way back to user mode? Its
 * kernel stack, from thread.sp: the inactive_task_frame (six saved
 * registers and the return into __schedule), then the return into
 * schedule(), then the next kernel-text word must return into the
 * exit-to-user loop (exit_to_user_mode_prepare, where 6.1 inlines
 * exit_to_user_mode_loop). A task preempted anywhere else may hold a
 * kernel lock. */
static int on_way_to_user(struct lx_guest *g, const struct lx_rqoff *o, uint64_t task)
{
	uint64_t sp, stack, w[STACK_WORDS];
	int i, n;

	/* the frames near the top of the 16 KiB stack (THREAD_SIZE, x86-64
	 * without KASAN): the window ends there */
	if (lx_read(g, task + o->t_thread_sp, &sp, 8) || lx_read(g, task + o->t_stack, &stack, 8) ||
	    sp & 7 || sp < stack || sp >= stack + 16384)
		return 0;
	n = (int)((stack + 16384 - sp) / 8);
	n = n < STACK_WORDS ? n : STACK_WORDS;
	if (n < 9 || lx_read(g, sp, w, (size_t)n * 8))
		return 0;
	for (i = 6; i < n; i++)
		if (w[i] > o->sym_schedule && w[i] < o->sym_schedule_end)
			break;
	for (i++; i < n; i++)
		if (w[i] >= o->sym_stext && w[i] < o->sym_etext)
			return w[i] > o->sym_exit && w[i] < o->sym_exit_end;
	return 0;
}

static uint32_t bit_get(struct vmi_edits *ed, uint64_t task, struct lx_rqbit b)
{
	uint64_t word = (task + b.off) & ~3ULL;

	return vmi_ed_get32(ed, word) >> (((task + b.off) & 3) * 8 + b.pos) & 1;
}

static void bit_clear(struct vmi_edits *ed, uint64_t task, struct lx_rqbit b)
{
	uint64_t word = (task + b.off) & ~3ULL;

	vmi_ed_set32(ed, word, vmi_ed_get32(ed, word) & ~(1u << (((task + b.off) & 3) * 8 + b.pos)));
}

/* list_del_init() of the list_head at 'e' */
static void list_del_init(struct vmi_edits *ed, uint64_t e)
{
	uint64_t next = vmi_ed_get64(ed, e), prev = vmi_ed_get64(ed, e + 8);

	if (!ed->err && (vmi_ed_get64(ed, next + 8) != e || vmi_ed_get64(ed, prev) != e)) {
		ed->err = VMI_EDITS_EBAD; /* a corrupt list: never write through it */
		return;
	}
	vmi_ed_set64(ed, next + 8, prev);
	vmi_ed_set64(ed, prev, next);
	vmi_ed_set64(ed, e, e);
	vmi_ed_set64(ed, e + 8, e);
}

static void sub32(struct vmi_edits *ed, uint64_t va, uint32_t d)
{
	uint32_t v;

	if (!d)
		return; /* (an idle count a normal task does not touch) */
	v = vmi_ed_get32(ed, va);

	if (!ed->err && v < d)
		ed->err = VMI_EDITS_EBAD; /* a count below what is queued: not a consistent queue */
	vmi_ed_set32(ed, va, v - d);
}

/* clear_buddies(): each of next, last, skip that is se, and above it while
 * the parent level's buddy is se's parent. */
static void clear_buddies(struct vmi_edits *ed, const struct lx_rqoff *o, uint64_t cfs, uint64_t se)
{
	const uint64_t which[3] = { o->cfs_last, o->cfs_next, o->cfs_skip };

	for (int b = 0; b < 3; b++) {
		uint64_t s = se;

		if (vmi_ed_get64(ed, cfs + which[b]) != se)
			continue;
		for (int lvl = 0; s && lvl < MAX_LEVELS; lvl++) {
			uint64_t c = vmi_ed_get64(ed, s + o->se_cfs_rq);

			if (vmi_ed_get64(ed, c + which[b]) != s)
				break;
			vmi_ed_set64(ed, c + which[b], 0);
			s = vmi_ed_get64(ed, s + o->se_parent);
		}
	}
}

/* PSI: the task no longer counts as runnable in its groups on that CPU
 * (psi_task_change(p, TSK_RUNNING, 0)'s counts). */
static int psi_dequeue(struct lx_guest *g, struct vmi_edits *ed, const struct lx_rqoff *o, uint64_t task,
		       uint64_t pcpu_off)
{
	uint32_t disabled = 0, cgroups = 0, flags = vmi_ed_get32(ed, task + o->t_psi_flags);
	uint64_t grp, cgrp, kn, id;

	if (lx_read(g, o->sym_psi_disabled, &disabled, 4) || lx_read(g, o->sym_psi_cgroups, &cgroups, 4))
		return refuse(g, "PSI's static keys unreadable", task);
	if (disabled && !flags)
		return LX_OK;
	if (flags != TSK_RUNNING)
		return busy(g, "its PSI state is not plain runnable (on a CPU, in a memory stall or iowait)", task);
	grp = o->sym_psi_system;
	if (cgroups) {
		cgrp = vmi_ed_get64(ed, vmi_ed_get64(ed, task + o->t_cgroups) + o->cs_dfl_cgrp);
		kn = vmi_ed_get64(ed, cgrp + o->cg_kn);
		id = vmi_ed_get64(ed, kn + o->kn_id);
		if (id != 1) /* cgroup_psi(): the root group's is psi_system */
			grp = vmi_ed_get64(ed, cgrp + o->cg_psi);
	}
	for (int lvl = 0; grp && !ed->err; lvl++) {
		uint64_t c = vmi_ed_get64(ed, grp + o->psi_pcpu) + pcpu_off;

		if (lvl == 64)
			return refuse(g, "PSI group chain longer than 64", task);
		if (vmi_ed_get32(ed, c + o->psic_seq) & 1)
			return busy(g, "a PSI group is being updated", task);
		sub32(ed, c + o->psic_tasks + 4 * NR_RUNNING, 1);
		grp = vmi_ed_get64(ed, grp + o->psi_parent);
	}
	vmi_ed_set32(ed, task + o->t_psi_flags, flags & ~TSK_RUNNING);
	return LX_OK;
}

/* dequeue_task_fair(rq, p, DEQUEUE_SLEEP) and deactivate_task()'s on_rq. */
static int dequeue(struct lx_guest *g, struct vmi_edits *ed, const struct lx_rqoff *o, uint64_t task,
		   uint64_t rq)
{
	uint64_t se = task + o->t_se, cfs, ue = rq + o->rq_cfs + o->cfs_ue_enqueued;
	uint32_t idle_h = vmi_ed_get32(ed, task + o->t_policy) == SCHED_IDLE, enq, est, ewma;
	int lvl = 0;

	/* util_est_dequeue(&rq->cfs, p) */
	est = vmi_ed_get32(ed, se + o->se_ue_enqueued) & ~0x80000000u; /* UTIL_AVG_UNCHANGED */
	ewma = vmi_ed_get32(ed, se + o->se_ue_ewma);
	est = ewma > est ? ewma : est;
	enq = vmi_ed_get32(ed, ue);
	vmi_ed_set32(ed, ue, enq - (est < enq ? est : enq));

	/* entities that leave their cfs_rq */
	for (; se && !ed->err; lvl++) {
		uint64_t w = vmi_ed_get64(ed, se + o->se_weight), my_q = vmi_ed_get64(ed, se + o->se_my_q);
		int is_task = lvl == 0;

		if (lvl == MAX_LEVELS)
			return refuse(g, "task-group hierarchy deeper than 16", task);
		cfs = vmi_ed_get64(ed, se + o->se_cfs_rq);
		if (vmi_ed_get32(ed, se + o->se_on_rq) != 1)
			return refuse(g, "an entity on its way up is not queued", task);
		if (!is_task) /* se_update_runnable() */
			vmi_ed_set64(ed, se + o->se_runnable_weight, vmi_ed_get32(ed, my_q + o->cfs_h_nr));
		clear_buddies(ed, o, cfs, se);
		if (vmi_ed_get64(ed, cfs + o->cfs_curr) != se)
			vmi_rbe_erase_cached(ed, se + o->se_run_node, cfs + o->cfs_root);
		vmi_ed_set32(ed, se + o->se_on_rq, 0);
		/* account_entity_dequeue() */
		if (!ed->err && vmi_ed_get64(ed, cfs + o->cfs_weight) < w)
			return refuse(g, "a cfs_rq's load is below its entity's weight", task);
		vmi_ed_set64(ed, cfs + o->cfs_weight, vmi_ed_get64(ed, cfs + o->cfs_weight) - w);
		vmi_ed_set32(ed, cfs + o->cfs_inv_weight, 0);
		if (is_task)
			list_del_init(ed, se + o->se_group_node);
		sub32(ed, cfs + o->cfs_nr_running, 1);
		if (is_task ? idle_h : vmi_ed_get32(ed, my_q + o->cfs_idle) > 0)
			sub32(ed, cfs + o->cfs_idle_nr, 1);
		/* back in dequeue_task_fair() */
		sub32(ed, cfs + o->cfs_h_nr, 1);
		sub32(ed, cfs + o->cfs_idle_h_nr, idle_h);
		if (vmi_ed_get32(ed, cfs + o->cfs_idle) > 0)
			idle_h = 1;
		se = vmi_ed_get64(ed, se + o->se_parent);
		if (vmi_ed_get64(ed, cfs + o->cfs_weight))
			break; /* the parent keeps other entities: it stays queued */
	}
	/* entities that stay queued */
	for (; se && !ed->err; lvl++) {
		if (lvl == MAX_LEVELS)
			return refuse(g, "task-group hierarchy deeper than 16", task);
		cfs = vmi_ed_get64(ed, se + o->se_cfs_rq);
		vmi_ed_set64(ed, se + o->se_runnable_weight,
			     vmi_ed_get32(ed, vmi_ed_get64(ed, se + o->se_my_q) + o->cfs_h_nr));
		sub32(ed, cfs + o->cfs_h_nr, 1);
		sub32(ed, cfs + o->cfs_idle_h_nr, idle_h);
		if (vmi_ed_get32(ed, cfs + o->cfs_idle) > 0)
			idle_h = 1;
		se = vmi_ed_get64(ed, se + o->se_parent);
	}
	/* sub_nr_running(rq, 1); deactivate_task(): on_rq = 0 */
	sub32(ed, rq + o->rq_nr_running, 1);
	vmi_ed_set32(ed, task + o->t_on_rq, 0);
	return LX_OK;
}

/* Every cfs_rq from the task's up to the root: no bandwidth limit, not
 * throttled; the root must be the rq's own. */
static int check_levels(struct lx_guest *g, const struct lx_rqoff *o, uint64_t task, uint64_t rq)
{
	uint64_t se = task + o->t_se, cfs = 0;

	for (int lvl = 0; se; lvl++) {
		int32_t thr = 1, cnt = 1, rt = 1;

		if (lvl == MAX_LEVELS)
			return refuse(g, "task-group hierarchy deeper than 16", task);
		if (lx_read(g, se + o->se_cfs_rq, &cfs, 8) || lx_read(g, cfs + o->cfs_throttled, &thr, 4) ||
		    lx_read(g, cfs + o->cfs_throttle_count, &cnt, 4) ||
		    lx_read(g, cfs + o->cfs_runtime_enabled, &rt, 4) || lx_read(g, se + o->se_parent, &se, 8))
			return refuse(g, "a cfs_rq of its hierarchy is unreadable", task);
		if (thr || cnt || rt)
			return refuse(g, "its task group has a CPU bandwidth limit (cpu.max)", task);
	}
	if (cfs != rq + o->rq_cfs)
		return refuse(g, "its group hierarchy does not end at its CPU's run queue", task);
	return LX_OK;
}

static int commit(struct lx_guest *g, struct vmi_edits *ed, uint64_t task)
{
	uint64_t pa[VMI_EDITS_MAX];

	if (ed->err) {
		snprintf(g->err, sizeof(g->err),
			 "task 0x%llx: run-queue edit abandoned, nothing written: %s at 0x%llx",
			 (unsigned long long)task, vmi_edits_strerror(ed->err),
			 (unsigned long long)ed->err_va);
		return LX_EMEM;
	}
	for (size_t i = 0; i < ed->n; i++)
		if (lx_pa(g, ed->e[i].va, &pa[i])) {
			snprintf(g->err, sizeof(g->err), "task 0x%llx: 0x%llx does not translate; nothing written",
				 (unsigned long long)task, (unsigned long long)ed->e[i].va);
			return LX_EMEM;
		}
	for (size_t i = 0; i < ed->n; i++)
		if (vmi_write(g->mem, pa[i], &ed->e[i].val, ed->e[i].len)) {
			snprintf(g->err, sizeof(g->err),
				 "task 0x%llx: guest write failed after %zu of %zu (the VM stays paused until the session ends)",
				 (unsigned long long)task, i, ed->n);
			return LX_EMEM;
		}
	g->mem->generation++;
	return LX_OK;
}

int lx_rq_suspend(struct lx_guest *g, const struct lx_rqoff *o, uint64_t task, enum lx_rq_how *how)
{
	struct vmi_edits ed;
	uint32_t state, flags, policy, on_rq, on_cpu, cpu, ptrace, uclamp = 0;
	int32_t nid;
	uint64_t pcpu_off, rq, curr;
	int err;

	if (lx_read(g, task + o->t_state, &state, 4) || lx_read(g, task + o->t_flags, &flags, 4) ||
	    lx_read(g, task + o->t_policy, &policy, 4) || lx_read(g, task + o->t_on_rq, &on_rq, 4) ||
	    lx_read(g, task + o->t_on_cpu, &on_cpu, 4) || lx_read(g, task + g->off.t_cpu, &cpu, 4) ||
	    lx_read(g, task + o->t_ptrace, &ptrace, 4) || lx_read(g, task + o->t_numa_nid, &nid, 4) ||
	    cpu >= LX_MAX_CPUS || lx_read(g, o->sym_pcpu_off + 8ULL * cpu, &pcpu_off, 8) ||
	    (o->sym_uclamp_used && lx_read(g, o->sym_uclamp_used, &uclamp, 4)))
		return refuse(g, "unreadable", task);
	rq = o->sym_runqueues + pcpu_off;
	if (state == LX_RQ_SUSPENDED && !on_rq) {
		*how = LX_RQ_ASLEEP; /* already: a retry after it was done */
		return LX_OK;
	}
	if (flags & (PF_KTHREAD | PF_EXITING | PF_IO_WORKER))
		return refuse(g, "a kernel thread or an exiting task", task);
	if (ptrace)
		return refuse(g, "traced", task);
	err = lx_lock_free(g, task + o->t_pi_lock, "the task's pi_lock");
	if (!err)
		err = lx_lock_free(g, rq + o->rq_lock, "its run queue's lock");
	if (err)
		return err;
	if (on_cpu || lx_read(g, rq + o->rq_curr, &curr, 8) || curr == task)
		return busy(g, "running (taken when it is next preempted)", task);
	vmi_edits_init(&ed, rd, g);
	if (on_rq == 0 && state == TASK_INTERRUPTIBLE) {
		/* asleep: its next wake-up finds a state it does not match */
		vmi_ed_set32(&ed, task + o->t_state, LX_RQ_SUSPENDED);
		*how = LX_RQ_ASLEEP;
		return commit(g, &ed, task);
	}
	if (on_rq != 1 || state != 0)
		return busy(g, "neither queued nor asleep interruptibly (waking, migrating or in an uninterruptible sleep)", task);
	if (policy != SCHED_NORMAL && policy != SCHED_BATCH && policy != SCHED_IDLE)
		return refuse(g, "not scheduled by CFS (a real-time or deadline policy)", task);
	if (uclamp)
		return refuse(g, "utilization clamping is in use in the guest", task);
	if (nid != -1)
		return refuse(g, "it has a NUMA node preference", task);
	err = check_levels(g, o, task, rq);
	if (err)
		return err;
	if (!on_way_to_user(g, o, task))
		return busy(g, "preempted inside the kernel, where it may hold a lock (taken when it is switched out on its way to user mode)", task);
	if (bit_get(&ed, task, o->iowait) || bit_get(&ed, task, o->memstall))
		return busy(g, "in iowait or a memory stall", task);
	bit_clear(&ed, task, o->contrib); /* a stale bit would make the wake-up uncount a D sleep */
	err = psi_dequeue(g, &ed, o, task, pcpu_off);
	if (!err)
		err = dequeue(g, &ed, o, task, rq);
	if (err)
		return err;
	vmi_ed_set32(&ed, task + o->t_state, LX_RQ_SUSPENDED);
	*how = LX_RQ_DEQUEUED;
	return commit(g, &ed, task);
}

/* __state from 'from' to 'to', off its run queue, its pi_lock free (the
 * readers' own offsets: no layout needed for the resume). */
static int state_rw(struct lx_guest *g, uint64_t task, uint32_t from, uint32_t to)
{
	struct vmi_edits ed;
	uint32_t state = 0, on_rq = 1;
	int err;

	if (lx_read(g, task + g->off.t_state, &state, 4) || lx_read(g, task + g->off.t_on_rq, &on_rq, 4))
		return refuse(g, "unreadable", task);
	if (state != from || on_rq)
		return refuse(g, "no longer suspended by the run-queue mechanism", task);
	err = lx_lock_free(g, task + g->off.t_pi_lock, "the task's pi_lock");
	if (err)
		return err;
	vmi_edits_init(&ed, rd, g);
	vmi_ed_set32(&ed, task + g->off.t_state, to);
	return commit(g, &ed, task);
}

int lx_rq_is_suspended(struct lx_guest *g, uint64_t task, int *yes)
{
	uint32_t state = 0, on_rq = 1;

	if (lx_read(g, task + g->off.t_state, &state, 4) || lx_read(g, task + g->off.t_on_rq, &on_rq, 4)) {
		snprintf(g->err, sizeof(g->err), "task 0x%llx unreadable", (unsigned long long)task);
		return LX_EMEM;
	}
	*yes = state == LX_RQ_SUSPENDED && !on_rq;
	return LX_OK;
}

int lx_rq_prepare_wake(struct lx_guest *g, uint64_t task)
{
	int err = lx_rq_locks_free(g);

	return err ? err : state_rw(g, task, LX_RQ_SUSPENDED, TASK_INTERRUPTIBLE);
}

int lx_rq_unwake(struct lx_guest *g, uint64_t task)
{
	return state_rw(g, task, TASK_INTERRUPTIBLE, LX_RQ_SUSPENDED);
}
