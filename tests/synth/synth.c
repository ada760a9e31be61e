// SPDX-License-Identifier: GPL-2.0 OR MIT
/* A synthetic Linux guest in memory (synth.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "synth.h"

#define MIB (1ULL << 20)
#define MEM_SIZE (192 * MIB)
#define PT_POOL (52 * MIB)
#define HEAP (64 * MIB)
#define KMAP 0xffffffff80000000ULL
#define TEXT 0xffffffff81000000ULL
#define S_BANNER (TEXT + 0x100000)
#define S_TOP_PGT (TEXT + 0x200000)
#define S_PHYS_BASE (TEXT + 0x201000)
#define S_NR_CPU (TEXT + 0x201008)
#define S_TASKLIST (TEXT + 0x201010)
#define S_PCPU_OFF (TEXT + 0x201100)
#define S_INIT_TASK (TEXT + 0x202000)
#define S_RUNQUEUES 0x2000ULL
/* freeze.c: the symbols a resume calls, and native_halt as Debian 6.1 has it */
#define S_NATIVE_HALT (TEXT + 0x10000)
#define S_WAKE_UP_PROCESS (TEXT + 0x10100)
#define S_CT_IRQ_ENTER (TEXT + 0x10200)
#define S_CT_IRQ_EXIT (TEXT + 0x10300)
#define PF_KTHREAD 0x00200000u

static const char default_banner[] =
	"Linux version 9.9.9-synth (test@gsched) (gcc 12) #1 SMP PREEMPT_DYNAMIC synthetic\n";

uint64_t synth_pa(const struct synth *s, uint64_t va)
{
	if (va >= KMAP)
		return va - KMAP - s->o.voff + s->o.poff;
	return va - SYNTH_PAGE_OFFSET;
}

void synth_write(struct synth *s, uint64_t va, const void *buf, size_t len)
{
	uint64_t pa = synth_pa(s, va);

	if (pa < s->size && len <= s->size - pa)
		memcpy(s->mem + pa, buf, len);
}

void synth_write64(struct synth *s, uint64_t va, uint64_t v)
{
	synth_write(s, va, &v, 8);
}

static void w32(struct synth *s, uint64_t va, uint32_t v)
{
	synth_write(s, va, &v, 4);
}

static uint64_t heap_alloc(struct synth *s, uint64_t size, uint64_t align)
{
	uint64_t pa = (s->heap + align - 1) / align * align;

	s->heap = pa + size;
	if (s->heap > s->size) {
		fprintf(stderr, "synth: heap exhausted\n");
		abort();
	}
	return SYNTH_PAGE_OFFSET + pa;
}

static uint64_t pt_next;

static uint64_t *table(struct synth *s, uint64_t pa)
{
	return (uint64_t *)(s->mem + pa);
}

static uint64_t sub_table(struct synth *s, uint64_t tpa, int idx)
{
	uint64_t *t = table(s, tpa);

	if (!(t[idx] & 1)) {
		t[idx] = pt_next | 0x3;
		pt_next += 4096;
	}
	return t[idx] & 0x000ffffffffff000ULL;
}

static void map_2m(struct synth *s, uint64_t root, uint64_t va, uint64_t pa)
{
	uint64_t l3 = sub_table(s, root, (va >> 39) & 511);
	uint64_t l2 = sub_table(s, l3, (va >> 30) & 511);

	table(s, l2)[(va >> 21) & 511] = pa | 0x83;
}

static int write_profile(struct synth *s)
{
	int fd;
	FILE *f;

	snprintf(s->profile, sizeof(s->profile), "/tmp/gsched-synth-XXXXXX");
	fd = mkstemp(s->profile);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return -1;
#define B(n) "{\"kind\":\"base\",\"name\":\"" n "\"}"
#define P "{\"kind\":\"pointer\",\"subtype\":" B("void") "}"
#define S(n) "{\"kind\":\"struct\",\"name\":\"" n "\"}"
#define F(name, type, off) "\"" name "\":{\"type\":" type ",\"offset\":" #off "}"
	fprintf(f, "{\"metadata\":{\"format\":\"6.2.0\",\"linux\":{\"banner\":\"%.*s\\n\"}},\n",
		(int)strlen(default_banner) - 1, default_banner);
	fprintf(f, "\"base_types\":{\"void\":{\"size\":0,\"signed\":false,\"kind\":\"void\",\"endian\":\"little\"},"
		"\"pointer\":{\"size\":8,\"signed\":false,\"kind\":\"int\",\"endian\":\"little\"},"
		"\"int\":{\"size\":4,\"signed\":true,\"kind\":\"int\",\"endian\":\"little\"},"
		"\"unsigned int\":{\"size\":4,\"signed\":false,\"kind\":\"int\",\"endian\":\"little\"},"
		"\"char\":{\"size\":1,\"signed\":true,\"kind\":\"char\",\"endian\":\"little\"},"
		"\"long unsigned int\":{\"size\":8,\"signed\":false,\"kind\":\"int\",\"endian\":\"little\"},"
		"\"long long unsigned int\":{\"size\":8,\"signed\":false,\"kind\":\"int\",\"endian\":\"little\"}},\n");
	fprintf(f, "\"user_types\":{\n"
		"\"task_struct\":{\"size\":512,\"kind\":\"struct\",\"fields\":{"
		F("__state", B("unsigned int"), 0) "," F("exit_state", B("int"), 4) ","
		F("flags", B("unsigned int"), 8) "," F("pid", B("int"), 12) "," F("tgid", B("int"), 16) ","
		F("comm", "{\"kind\":\"array\",\"count\":16,\"subtype\":" B("char") "}", 20) ","
		F("tasks", S("list_head"), 40) "," F("mm", P, 56) "," F("on_rq", B("int"), 64) ","
		F("on_cpu", B("int"), 68) "," F("cpu", B("unsigned int"), 72) "," F("prio", B("int"), 76) ","
		F("static_prio", B("int"), 80) "," F("policy", B("unsigned int"), 84) ","
		F("pi_lock", S("raw_spinlock"), 88) "," F("utime", B("long long unsigned int"), 96) ","
		F("stime", B("long long unsigned int"), 104) "," F("se", S("sched_entity"), 128) ","
		F("jobctl", B("long unsigned int"), 256) "," F("sighand", P, 264) ","
		F("thread_info", S("thread_info"), 272) "," F("cgroups", P, 288) "," F("signal", P, 304) ","
		F("thread_node", S("list_head"), 312) "}},\n"
		"\"signal_struct\":{\"size\":64,\"kind\":\"struct\",\"fields\":{" F("thread_head", S("list_head"), 16) "}},\n"
		"\"css_set\":{\"size\":64,\"kind\":\"struct\",\"fields\":{" F("dfl_cgrp", P, 8) "}},\n"
		"\"cgroup\":{\"size\":64,\"kind\":\"struct\",\"fields\":{" F("kn", P, 16) "}},\n"
		"\"kernfs_node\":{\"size\":64,\"kind\":\"struct\",\"fields\":{" F("parent", P, 8) ","
		F("name", P, 16) "}},\n"
		"\"thread_info\":{\"size\":16,\"kind\":\"struct\",\"fields\":{" F("flags", B("long unsigned int"), 0) "}},\n"
		"\"sighand_struct\":{\"size\":64,\"kind\":\"struct\",\"fields\":{" F("siglock", S("raw_spinlock"), 8) "}},\n"
		"\"list_head\":{\"size\":16,\"kind\":\"struct\",\"fields\":{" F("next", P, 0) "," F("prev", P, 8) "}},\n"
		"\"raw_spinlock\":{\"size\":4,\"kind\":\"struct\",\"fields\":{" F("raw_lock", B("unsigned int"), 0) "}},\n"
		"\"mm_struct\":{\"size\":64,\"kind\":\"struct\",\"fields\":{"
		"\"unnamed_field_0\":{\"anonymous\":true,\"type\":" S("unnamed_mm") ",\"offset\":0}}},\n"
		"\"unnamed_mm\":{\"size\":64,\"kind\":\"struct\",\"fields\":{" F("pgd", P, 0) "}},\n"
		"\"rb_node\":{\"size\":24,\"kind\":\"struct\",\"fields\":{" F("__rb_parent_color", B("long unsigned int"), 0) ","
		F("rb_right", P, 8) "," F("rb_left", P, 16) "}},\n"
		"\"rb_root\":{\"size\":8,\"kind\":\"struct\",\"fields\":{" F("rb_node", P, 0) "}},\n"
		"\"rb_root_cached\":{\"size\":16,\"kind\":\"struct\",\"fields\":{" F("rb_root", S("rb_root"), 0) ","
		F("rb_leftmost", P, 8) "}},\n"
		"\"load_weight\":{\"size\":16,\"kind\":\"struct\",\"fields\":{" F("weight", B("long unsigned int"), 0) "}},\n"
		"\"sched_entity\":{\"size\":128,\"kind\":\"struct\",\"fields\":{" F("run_node", S("rb_node"), 0) ","
		F("on_rq", B("unsigned int"), 24) "," F("vruntime", B("long long unsigned int"), 32) ","
		F("deadline", B("long long unsigned int"), 40) "," F("my_q", P, 48) ","
		F("sum_exec_runtime", B("long long unsigned int"), 56) "," F("load", S("load_weight"), 64) "}},\n"
		"\"cfs_rq\":{\"size\":64,\"kind\":\"struct\",\"fields\":{" F("nr_running", B("unsigned int"), 0) ","
		F("h_nr_running", B("unsigned int"), 4) "," F("tasks_timeline", S("rb_root_cached"), 8) ","
		F("curr", P, 24) "," F("min_vruntime", B("long long unsigned int"), 32) "}},\n"
		"\"rt_rq\":{\"size\":64,\"kind\":\"struct\",\"fields\":{" F("rt_nr_running", B("unsigned int"), 0) "}},\n"
		"\"rq\":{\"size\":192,\"kind\":\"struct\",\"fields\":{" F("__lock", S("raw_spinlock"), 0) ","
		F("nr_running", B("unsigned int"), 4) "," F("cpu", B("int"), 8) "," F("curr", P, 16) ","
		F("idle", P, 24) "," F("nr_switches", B("long long unsigned int"), 32) ","
		F("cfs", S("cfs_rq"), 64) "," F("rt", S("rt_rq"), 128) "}}},\n");
	fprintf(f, "\"enums\":{},\n\"symbols\":{"
		"\"_text\":{\"address\":%llu},\"linux_banner\":{\"address\":%llu},\"init_top_pgt\":{\"address\":%llu},"
		"\"phys_base\":{\"address\":%llu},\"nr_cpu_ids\":{\"address\":%llu},\"tasklist_lock\":{\"address\":%llu},"
		"\"__per_cpu_offset\":{\"address\":%llu},\"init_task\":{\"address\":%llu},\"runqueues\":{\"address\":%llu},"
		"\"native_halt\":{\"address\":%llu},\"wake_up_process\":{\"address\":%llu},"
		"\"ct_irq_enter\":{\"address\":%llu},\"ct_irq_exit\":{\"address\":%llu}}}\n",
		TEXT, S_BANNER, S_TOP_PGT, S_PHYS_BASE, S_NR_CPU, S_TASKLIST, S_PCPU_OFF, S_INIT_TASK,
		S_RUNQUEUES, S_NATIVE_HALT, S_WAKE_UP_PROCESS, S_CT_IRQ_ENTER, S_CT_IRQ_EXIT);
	return fclose(f);
}

static uint64_t rt(const struct synth *s, uint64_t link)
{
	return link + s->o.voff;
}

static void set_task(struct synth *s, uint64_t va, int pid, const char *comm, uint32_t state,
		     uint32_t exit_state, int kthread, int cpu)
{
	char c[16] = { 0 };

	w32(s, va + T_STATE, state);
	w32(s, va + T_EXIT, exit_state);
	w32(s, va + T_FLAGS, kthread ? PF_KTHREAD : 0x400000);
	w32(s, va + T_PID, (uint32_t)pid);
	w32(s, va + T_TGID, (uint32_t)pid);
	strncpy(c, comm, 15);
	synth_write(s, va + T_COMM, c, 16);
	w32(s, va + T_CPU, (uint32_t)cpu);
	w32(s, va + T_PRIO, 120);
	w32(s, va + T_SPRIO, 120);
	synth_write64(s, va + T_UTIME, (uint64_t)pid * 1000000);
	synth_write64(s, va + T_SE + SE_SUM, (uint64_t)pid * 1000000);
	synth_write64(s, va + T_SIGHAND, heap_alloc(s, 64, 64));
	synth_write64(s, va + T_CGROUPS, s->css[pid % SYNTH_NCGROUPS]);
}

/* A process's signal_struct and thread list: the leader (already set) and
 * n - 1 more threads (sleeping; the leader's tgid, comm, mm and cgroup). */
static void build_threads(struct synth *s, struct synth_task *t, int n, uint64_t mm)
{
	uint64_t sig = heap_alloc(s, 64, 64), head = sig + SIG_THREAD_HEAD, prev = head;

	t->nthreads = n;
	for (int k = 0; k < n; k++) {
		uint64_t va = k ? heap_alloc(s, SYNTH_TASK_SIZE, 512) : t->va;

		t->tva[k] = va;
		t->tid[k] = k ? 100000 + t->pid * 4 + k : t->pid;
		if (k) {
			set_task(s, va, t->tid[k], t->comm, 1, 0, 0, 0);
			w32(s, va + T_TGID, (uint32_t)t->pid);
			synth_write64(s, va + T_MM, mm);
			synth_write64(s, va + T_CGROUPS, s->css[t->pid % SYNTH_NCGROUPS]);
		}
		synth_write64(s, va + T_SIGNAL, sig);
		synth_write64(s, prev, va + T_THREAD_NODE);
		synth_write64(s, va + T_THREAD_NODE + 8, prev);
		prev = va + T_THREAD_NODE;
	}
	synth_write64(s, prev, head);
	synth_write64(s, head + 8, prev);
}

const char *const synth_cgroups[SYNTH_NCGROUPS] = {
	"/", "/system.slice", "/system.slice/web.service", "/lab",
};

/* The groups of synth_cgroups[], each with its css_set, cgroup, kernfs
 * node and name (the root's node has no parent and an empty name). */
static void build_cgroups(struct synth *s)
{
	static const int parent[SYNTH_NCGROUPS] = { -1, 0, 1, 0 };

	for (int i = 0; i < SYNTH_NCGROUPS; i++) {
		const char *base = strrchr(synth_cgroups[i], '/') + 1;
		uint64_t name = heap_alloc(s, 64, 8), cg = heap_alloc(s, 64, 64);

		synth_write(s, name, base, strlen(base) + 1);
		s->kn[i] = heap_alloc(s, 64, 64);
		synth_write64(s, s->kn[i] + KN_NAME, name);
		synth_write64(s, s->kn[i] + KN_PARENT, parent[i] < 0 ? 0 : s->kn[parent[i]]);
		synth_write64(s, cg + CGRP_KN, s->kn[i]);
		s->css[i] = heap_alloc(s, 64, 64);
		synth_write64(s, s->css[i] + CSS_DFL_CGRP, cg);
	}
}

/* Balanced tree over se run_nodes n[0..k) (sorted); returns the root node. */
static uint64_t build_tree(struct synth *s, const uint64_t *n, int k, uint64_t parent)
{
	int mid = k / 2;

	if (k <= 0)
		return 0;
	synth_write64(s, n[mid], parent | 1);
	synth_write64(s, n[mid] + 16, build_tree(s, n, mid, n[mid]));
	synth_write64(s, n[mid] + 8, build_tree(s, n + mid + 1, k - mid - 1, n[mid]));
	return n[mid];
}

static uint64_t new_cfs(struct synth *s, const uint64_t *nodes, int k)
{
	uint64_t cfs = heap_alloc(s, 64, 64);

	w32(s, cfs + CFS_NR, (uint32_t)k);
	w32(s, cfs + CFS_H_NR, (uint32_t)k);
	synth_write64(s, cfs + CFS_ROOT, build_tree(s, nodes, k, 0));
	synth_write64(s, cfs + CFS_LEFT, k ? nodes[0] : 0);
	return cfs;
}

int synth_build(struct synth *s, const struct synth_opts *o)
{
	uint64_t root, prev, head, mm;
	const char *banner = o->banner ? o->banner : default_banner;
	int next_user = 0;

	memset(s, 0, sizeof(*s));
	s->o = *o;
	if (o->ncpus < 1 || o->ncpus > 64 || o->queued > 60 || o->poff > 32 * MIB ||
	    (o->poff | o->voff) % (2 * MIB) || o->voff >= (1ULL << 30) ||
	    o->ntasks < o->ncpus * (o->queued + 1))
		return -1;
	s->size = MEM_SIZE;
	s->mem = calloc(1, s->size);
	s->t = calloc((size_t)o->ntasks + 1, sizeof(*s->t));
	if (!s->mem || !s->t || write_profile(s))
		return -1;
	s->heap = HEAP;
	pt_next = PT_POOL;
	/* kernel image: link phys [16, 20) MiB at +poff, virtual +voff */
	root = synth_pa(s, rt(s, S_TOP_PGT));
	for (uint64_t x = 16 * MIB; x < 20 * MIB; x += 2 * MIB)
		map_2m(s, root, KMAP + x + o->voff, x + o->poff);
	for (uint64_t pa = 0; pa < s->size; pa += 2 * MIB)
		map_2m(s, root, SYNTH_PAGE_OFFSET + pa, pa);
	synth_write(s, rt(s, S_BANNER), banner, strlen(banner) + 1);
	{	/* jmp +7; verw 0x5b04f9(%rip); hlt; jmp __x86_return_thunk */
		static const uint8_t halt[] = { 0xeb, 0x07, 0x0f, 0x00, 0x2d, 0xf9, 0x04, 0x5b, 0x00,
						0xf4, 0xe9, 0x31, 0x8a, 0x3a, 0x00, 0xcc };

		synth_write(s, rt(s, S_NATIVE_HALT), halt, sizeof(halt));
	}
	synth_write64(s, rt(s, S_PHYS_BASE), o->poff - o->voff);
	w32(s, rt(s, S_NR_CPU), (uint32_t)o->ncpus);
	build_cgroups(s);
	/* init_task and the task list */
	s->init_task = rt(s, S_INIT_TASK);
	set_task(s, s->init_task, 0, "swapper/0", 0, 0, 1, 0);
	head = s->init_task + T_TASKS;
	prev = head;
	for (int i = 0; i < o->ntasks; i++) {
		struct synth_task *t = &s->t[i];
		static const uint32_t states[] = { 1, 1, 1, 0, 2, 4 };
		uint64_t va = heap_alloc(s, SYNTH_TASK_SIZE, 512);
		uint32_t st = states[i % 6], ex = 0;

		t->va = va;
		t->pid = i + 1;
		t->kthread = i % 10 == 1;
		if (t->kthread)
			snprintf(t->comm, sizeof(t->comm), "kworker/%d", i % 100000);
		else
			snprintf(t->comm, sizeof(t->comm), "p%x-%d", i * 2654435761u % 0xffff, i % 100000);
		if (t->kthread)
			st = 0x402;
		if (i % 37 == 36)
			ex = 0x20, st = 0;
		t->state = "RSDTtXZPI"[0];
		{
			uint32_t v = (st | ex) & 0x7f;
			int idx = v ? 32 - __builtin_clz(v) : 0;

			if ((st & 0x402) == 0x402)
				idx = 8;
			t->state = "RSDTtXZPI"[idx];
		}
		set_task(s, va, t->pid, t->comm, st, ex, t->kthread, 0);
		mm = 0;
		if (!t->kthread) {
			uint64_t pgd = heap_alloc(s, 4096, 4096);

			mm = heap_alloc(s, 64, 64);
			synth_write64(s, va + T_MM, mm);
			synth_write64(s, mm, pgd);
			t->root = synth_pa(s, pgd);
		}
		build_threads(s, t, !t->kthread && i % 7 == 3 && !ex ? 3 : 1, mm);
		synth_write64(s, prev, va + T_TASKS);
		synth_write64(s, va + T_TASKS + 8, prev);
		prev = va + T_TASKS;
	}
	synth_write64(s, prev, head);
	synth_write64(s, head + 8, prev);
	s->n = o->ntasks;
	/* run queues: each CPU runs one user task and queues o->queued more,
	 * the last two of them inside a task group */
	for (int c = 0; c < o->ncpus; c++) {
		uint64_t area = heap_alloc(s, 0x4000, 4096), rq = area + S_RUNQUEUES;
		uint64_t nodes[64], gnodes[2], idle = s->init_task, grp_se = 0;
		int k = 0, g = 0, q = 0, ntop;

		synth_write64(s, rt(s, S_PCPU_OFF) + 8ULL * c, area);
		s->rq[c] = rq;
		if (c) {
			char name[24];

			snprintf(name, sizeof(name), "swapper/%d", c & 63);
			idle = heap_alloc(s, SYNTH_TASK_SIZE, 512);
			set_task(s, idle, 0, name, 0, 0, 1, c);
		}
		while (next_user < o->ntasks && (s->t[next_user].kthread || s->t[next_user].state != 'S'))
			next_user++;
		if (next_user >= o->ntasks)
			return -1; /* too few sleeping user tasks to queue */
		s->rq_curr[c] = s->t[next_user].pid;
		w32(s, s->t[next_user].va + T_STATE, 0);
		s->t[next_user].state = 'R';
		synth_write64(s, rq + RQ_CURR, s->t[next_user].va);
		synth_write64(s, rq + RQ_IDLE, idle);
		next_user++;
		ntop = o->queued >= 3 ? o->queued - 2 : o->queued;
		for (; q < o->queued; q++) {
			struct synth_task *t;
			uint64_t se;

			while (next_user < o->ntasks && (s->t[next_user].kthread || s->t[next_user].state != 'S'))
				next_user++;
			if (next_user >= o->ntasks)
				return -1;
			t = &s->t[next_user++];
			w32(s, t->va + T_STATE, 0);
			w32(s, t->va + T_ON_RQ, 1);
			w32(s, t->va + T_CPU, (uint32_t)c);
			t->state = 'R';
			t->cpu = c;
			se = t->va + T_SE;
			synth_write64(s, se + SE_VRUNTIME, 1000ULL * (uint64_t)(q + 1));
			if (q < ntop)
				nodes[k++] = se + SE_RUN_NODE;
			else
				gnodes[g++] = se + SE_RUN_NODE;
			s->rq_order[c][q] = t->pid;
		}
		if (g) { /* the group entity sorts last in the root tree */
			grp_se = heap_alloc(s, 128, 64);
			synth_write64(s, grp_se + SE_VRUNTIME, 1000000);
			synth_write64(s, grp_se + SE_MY_Q, new_cfs(s, gnodes, g));
			nodes[k++] = grp_se + SE_RUN_NODE;
			s->grp_se[c] = grp_se;
		}
		s->rq_n[c] = q;
		{
			uint64_t cfs = new_cfs(s, nodes, k);
			uint8_t buf[64];

			/* the rq embeds its cfs_rq: copy the one new_cfs made */
			memcpy(buf, s->mem + synth_pa(s, cfs), 64);
			synth_write(s, rq + RQ_CFS, buf, 64);
			if (k) /* root's parent is the rq's embedded tree, not 'cfs' */
				synth_write64(s, rq + RQ_CFS + CFS_ROOT, build_tree(s, nodes, k, 0));
		}
		w32(s, rq + RQ_NR, (uint32_t)q + 1);
		w32(s, rq + RQ_CPU, (uint32_t)c);
	}
	if (vmi_mem_buffer(&s->m, s->mem, s->size, NULL))
		return -1;
	return 0;
}

void synth_free(struct synth *s)
{
	vmi_close(&s->m);
	if (s->profile[0])
		unlink(s->profile);
	free(s->mem);
	free(s->t);
	s->mem = NULL;
	s->t = NULL;
}
