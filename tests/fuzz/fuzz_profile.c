// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target: a hostile or corrupt profile (security review, finding
 * 15). Each input is ISF JSON; it is loaded (profile_load_buf), every
 * lookup the readers make is run on it (offsets, member sizes, symbols,
 * field lists, banner), and, where it loads, it is used to read a synthetic
 * guest (tests/synth): the kernel found, the process list and the run queues
 * read with whatever offsets the profile claims. Any crash, sanitizer report,
 * leak or run past libFuzzer's -timeout is a bug; refusals are expected.
 * The synthetic guest's own profile is written into the corpus directory
 * (the first argument that is not an option) as a seed.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "linux/guest.h"
#include "synth.h"

static struct synth s;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct synth_opts o = { .poff = 3 << 21, .voff = 40 << 21, .ntasks = 48, .ncpus = 2, .queued = 5 };
	char path[4096], buf[65536];
	size_t n;
	FILE *in, *out;

	if (synth_build(&s, &o))
		abort();
	for (int i = 1; i < *argc; i++) {
		if ((*argv)[i][0] == '-')
			continue;
		snprintf(path, sizeof(path), "%s/seed-synth.json", (*argv)[i]);
		in = fopen(s.profile, "r");
		out = fopen(path, "w");
		if (in && out && (n = fread(buf, 1, sizeof(buf), in)) > 0)
			fwrite(buf, 1, n, out);
		if (in)
			fclose(in);
		if (out)
			fclose(out);
		break;
	}
	return 0;
}

static void on_field(const char *name, uint64_t off, uint64_t size, unsigned bp, unsigned bl, void *arg)
{
	(void)name, (void)off, (void)size, (void)bp, (void)bl;
	++*(int *)arg;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = { "task_struct", "mm_struct", "sched_entity", "cfs_rq",
					     "rq", "list_head", "rb_node", "unnamed_mm" };
	struct profile *p;
	struct lx_guest *g;
	char err[256];
	uint64_t v;
	int nf = 0;

	if (profile_load_buf("fuzz.json", (const char *)data, size, &p, err, sizeof(err)))
		return 0;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		profile_size(p, types[i], &v);
		profile_fields(p, types[i], on_field, &nf);
	}
	profile_symbol(p, "init_task", &v);
	profile_member_size(p, "rq", "cfs.tasks_timeline.rb_root.rb_node", &v);
	if (profile_banner(p) && strlen(profile_banner(p)) > size)
		abort(); /* the banner comes from the input */
	g = calloc(1, sizeof(*g));
	if (!g)
		abort();
	s.m.generation++;
	if (lx_attach(g, &s.m, p) == LX_OK) {
		struct lx_task *t = NULL;
		struct lx_rq *rq = NULL;
		size_t n = 0;

		if (lx_tasks(g, &t, &n, 4096) == LX_OK)
			free(t);
		if (lx_runqueues(g, &rq, &n) == LX_OK)
			lx_runqueues_free(rq, n);
	}
	free(g);
	profile_free(p);
	return 0;
}
