// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl bench-cycle VM COMM [N]: what one scheduling cycle of gschedd
 * costs the guest (Monarch: a decision every 10 ms). A cycle, under one
 * pause of every vCPU: walk the guest's process list (tasklist_lock and
 * each task's pi_lock checked), find the first process named COMM, read its
 * threads, check each one's siglock and set their freezer traps (odd
 * cycles) or clear them (even ones; no guest call), as a suspend or resume
 * does. Measured side by
 * side in one run: N cycles on the live VM with guest RAM read from the
 * VMM's mapping (process_vm_readv), N with every page read through the
 * module (ioctl), and N on a copy, in this process's memory, of every page
 * the cycle touches (the in-memory walk of the same guest image, the
 * floor). COMM is resumed properly at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "cli/introspect.h"
#include "lib/clock.h"
#include "linux/freeze.h"

struct cyc {
	const char *comm;
	int set, found;
	size_t ntasks;
};

static int cycle(struct lx_guest *g, void *arg)
{
	struct cyc *c = arg;
	struct lx_task *t = NULL;
	size_t n = 0;
	struct lx_task *th = NULL;
	size_t nth = 0;
	int wake, err = lx_tasks(g, &t, &n, LX_MAX_TASKS);

	c->ntasks = n;
	c->found = 0;
	for (size_t i = 0; i < n && !err && !c->found; i++) {
		if (t[i].kthread || strcmp(t[i].comm, c->comm))
			continue;
		c->found = 1;
		err = lx_threads_of(g, t[i].va, &th, &nth, LX_MAX_TASKS);
		for (size_t k = 0; k < nth && !err; k++)
			err = c->set ? lx_freeze_set(g, th[k].va) : lx_freeze_clear(g, th[k].va, &wake);
	}
	free(th);
	free(t);
	return err;
}

/* Reads through the live backend, each also copied into 'img' at its address. */
struct recorder {
	const struct vmi_mem_ops *ops;
	void *ctx;
	unsigned char *img;
	uint64_t size;
};

static int rec_read(void *ctx, uint64_t pa, void *buf, size_t len)
{
	struct recorder *r = ctx;
	int err = r->ops->read(r->ctx, pa, buf, len);

	if (!err && pa < r->size && len <= r->size - pa)
		memcpy(r->img + pa, buf, len);
	return err;
}

static int rec_write(void *ctx, uint64_t pa, const void *buf, size_t len)
{
	struct recorder *r = ctx;

	return r->ops->write(r->ctx, pa, buf, len);
}

static int rec_pause(void *ctx)
{
	struct recorder *r = ctx;

	return r->ops->pause ? r->ops->pause(r->ctx) : 0;
}

static int rec_resume(void *ctx)
{
	struct recorder *r = ctx;

	return r->ops->resume ? r->ops->resume(r->ctx) : 0;
}

static const struct vmi_mem_ops rec_ops = {
	.name = "recorder", .read = rec_read, .write = rec_write,
	.pause = rec_pause, .resume = rec_resume,
};

struct series {
	const char *name;
	unsigned long long sum, min, max, stop;
	unsigned long long reads, prefetched; /* pages, all cycles */
	int n;
};

static void add(struct series *s, unsigned long long ns, unsigned long long stop)
{
	s->sum += ns;
	s->stop += stop;
	s->min = !s->n || ns < s->min ? ns : s->min;
	s->max = ns > s->max ? ns : s->max;
	s->n++;
}

/* N live cycles on an open session; 0 or an exit status. */
static int live(struct cli *c, struct gs_session *s, struct cyc *cy, int n, struct series *out)
{
	for (int i = 0; i < n; i++) {
		uint64_t r0 = s->mem.backend_reads, p0 = s->mem.prefetched;

		cy->set = !(i & 1);
		s->pause_ns = 0;
		if (introspect_run(c, s, cycle, cy))
			return 1;
		out->reads += s->mem.backend_reads - r0;
		out->prefetched += s->mem.prefetched - p0;
		if (!cy->found) {
			fprintf(stderr, "%s: no process '%s' in the guest\n", c->prog, cy->comm);
			return 1;
		}
		add(out, s->pause_ns, s->wait_ns);
	}
	return 0;
}

static struct json_object *series_json(const struct series *s)
{
	struct json_object *o = json_object_new_object();

	J_ADD(o, "cycles", json_object_new_int(s->n));
	J_ADD(o, "mean_ns", json_object_new_uint64(s->n ? s->sum / s->n : 0));
	J_ADD(o, "min_ns", json_object_new_uint64(s->min));
	J_ADD(o, "max_ns", json_object_new_uint64(s->max));
	if (s->stop)
		J_ADD(o, "mean_stop_vcpus_ns", json_object_new_uint64(s->stop / s->n));
	if (s->n && (s->reads || s->prefetched)) {
		J_ADD(o, "pages_read_per_cycle", json_object_new_uint64(s->reads / s->n));
		J_ADD(o, "pages_prefetched_per_cycle", json_object_new_uint64(s->prefetched / s->n));
	}
	return o;
}

int cmd_bench_cycle(struct cli *c, int argc, char **argv)
{
	static const char usage[] = "bench-cycle VM COMM [N (1-10000, default 100)] [--profile P]";
	struct gs_session s, sm;
	struct series sd = { .name = "live, direct reads" }, smod = { .name = "live, module reads" },
		      sim = { .name = "in memory" };
	struct cyc cy = { 0 };
	struct recorder rec = { 0 };
	struct vmi_mem bm;
	struct lx_guest g2;
	char *args[8], err[256];
	int na = 0, n = 100, ret = 1;
	struct gs_sus a = { .mode = GS_SUS_RESUME };

	for (int i = 0; i < argc && na < 8; i++) {
		if (i && !strcmp(argv[i - 1], "--profile"))
			args[na++] = argv[i];
		else if (i > 1 && argv[i][0] != '-' && !cy.comm)
			cy.comm = argv[i];
		else if (i > 2 && argv[i][0] != '-' && cy.comm)
			n = atoi(argv[i]);
		else
			args[na++] = argv[i];
	}
	if (!cy.comm || n < 1 || n > 10000) {
		fprintf(stderr, "usage: %s %s\n", c->prog, usage);
		return 2;
	}
	if (introspect_open(c, na, args, usage, &s))
		return 1;
	if (!s.vm.vm_id) {
		fprintf(stderr, "%s: bench-cycle measures a live VM\n", c->prog);
		goto out;
	}
	/* the image: every page one cycle reads, copied as it is read */
	rec.size = s.mem.size;
	/* as big as guest physical memory (ROM at 4 GiB included); only the
	 * pages a cycle touches are ever allocated */
	rec.img = mmap(NULL, rec.size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (rec.img == MAP_FAILED) {
		rec.img = NULL;
		fprintf(stderr, "%s: out of memory for a %llu-byte image\n", c->prog, (unsigned long long)rec.size);
		goto out;
	}
	/* 4 KiB pages: a huge page zeroed at each first touch made the
	 * recording pass of 2,000 processes outlast the module's pause (lab) */
	madvise(rec.img, rec.size, MADV_NOHUGEPAGE);
	rec.ops = s.mem.ops;
	rec.ctx = s.mem.ctx;
	s.mem.ops = &rec_ops;
	s.mem.ctx = &rec;
	cy.set = 0;
	if (introspect_run(c, &s, cycle, &cy))
		goto out_ops;
	s.mem.ops = rec.ops;
	s.mem.ctx = rec.ctx;
	if (!cy.found) {
		fprintf(stderr, "%s: no process '%s' in the guest\n", c->prog, cy.comm);
		goto out;
	}
	if (live(c, &s, &cy, n, &sd))
		goto out;
	setenv("GSCHED_NO_DIRECT", "1", 1);
	ret = introspect_open(c, na, args, usage, &sm);
	unsetenv("GSCHED_NO_DIRECT");
	if (!ret)
		ret = live(c, &sm, &cy, n, &smod);
	introspect_close(&sm);
	if (ret)
		goto out;
	ret = 1;
	if (vmi_mem_buffer(&bm, rec.img, rec.size, NULL))
		goto out;
	g2 = s.g;
	g2.mem = &bm;
	for (int i = 0; i < n; i++) {
		unsigned long long t0 = gs_mono_ns();
		int r;

		bm.generation++;   /* as a pause would: no translation kept */
		cy.set = !(i & 1);
		r = cycle(&g2, &cy);
		if (r) {
			fprintf(stderr, "%s: in-memory cycle: %s: %s\n", c->prog, lx_strerror(r), g2.err);
			bm.ops->close(bm.ctx);
			goto out;
		}
		add(&sim, gs_mono_ns() - t0, 0);
	}
	bm.ops->close(bm.ctx);
	ret = 0;
	if (c->json) {
		struct json_object *o = introspect_json(&s);

		J_ADD(o, "comm", json_object_new_string(cy.comm));
		J_ADD(o, "processes", json_object_new_uint64(cy.ntasks));
		J_ADD(o, "live_direct", series_json(&sd));
		J_ADD(o, "live_module", series_json(&smod));
		J_ADD(o, "in_memory", series_json(&sim));
		J_ADD(o, "ratio_direct_to_memory", json_object_new_double((double)sd.sum / sim.sum));
		J_ADD(o, "ratio_module_to_memory", json_object_new_double((double)smod.sum / sim.sum));
		J_ADD(o, "memory_ns_per_process", json_object_new_double((double)sim.sum / n / cy.ntasks));
		cli_print_json(o);
	} else {
		const struct series *all[] = { &sd, &smod, &sim };

		printf("%zu processes, %d cycles each (find %s, check locks, set or clear its threads' traps):\n",
		       cy.ntasks, n, cy.comm);
		for (int i = 0; i < 3; i++)
			printf("  %-20s mean %8.1f us  min %8.1f us  max %8.1f us%s\n", all[i]->name,
			       all[i]->sum / 1e3 / n, all[i]->min / 1e3, all[i]->max / 1e3,
			       all[i]->stop ? "  (VM paused: the cycle and the resume)" : "");
		for (int i = 0; i < 2; i++)
			printf("  %-20s pages per cycle: %llu read one by one, %llu read in batches ahead\n",
			       all[i]->name, all[i]->reads / n, all[i]->prefetched / n);
		printf("  pause / in-memory walk: %.2fx with direct reads, %.2fx through the module; in memory %.1f ns per process\n",
		       (double)sd.sum / sim.sum, (double)smod.sum / sim.sum, (double)sim.sum / n / cy.ntasks);
	}
out:
	/* COMM goes on, whatever happened (a guest call if it sleeps) */
	if (cy.comm && !gs_sus_target(&a, cy.comm, 0, err, sizeof(err)) && s.vm.vm_id &&
	    introspect_run(c, &s, gs_sus_act, &a))
		ret = 1;
	gs_sus_free(&a);
	introspect_close(&s);
	if (rec.img)
		munmap(rec.img, rec.size);
	return ret;
out_ops:
	s.mem.ops = rec.ops;
	s.mem.ctx = rec.ctx;
	goto out;
}
