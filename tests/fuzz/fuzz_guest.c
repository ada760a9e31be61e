// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target: a hostile guest. A synthetic Linux guest (tests/synth) is
 * built once; each input is a list of patches (offset, length, bytes) written
 * over its kernel image (page tables, banner, phys_base, per-CPU offsets,
 * init_task) and its heap (task_structs, task list, mm, run queues, rb-trees),
 * then the daemon's whole reading path runs on it: finding the kernel
 * (KASLR), the process list and the run queues. Any crash, sanitizer report,
 * leak or run past libFuzzer's -timeout is a bug; errors are expected.
 * The patched bytes are restored after each input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "linux/guest.h"
#include "synth.h"

static struct synth s;
static struct profile *prof;
static uint8_t *pristine;

#define IMAGE_PA(s) ((16ULL << 20) + (s).o.poff)
#define IMAGE_LEN (4ULL << 20)
#define HEAP_PA (64ULL << 20)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct { uint64_t pa; uint32_t len; } done[64];
	struct lx_guest g;
	int nd = 0;

	if (!prof) {
		struct synth_opts o = { .poff = 6 << 21, .voff = 100 << 21, .ntasks = 48,
					.ncpus = 2, .queued = 5 };
		char err[256];

		if (synth_build(&s, &o) || profile_load(s.profile, &prof, err, sizeof(err)))
			abort();
		pristine = malloc(s.size);
		if (!pristine)
			abort();
		memcpy(pristine, s.mem, s.size);
	}
	/* patches: u8 area, u24 offset, u8 len, len bytes */
	while (size >= 5 && nd < 64) {
		uint64_t off = data[1] | data[2] << 8 | (uint64_t)data[3] << 16;
		size_t len = data[4];
		uint64_t pa;

		if (data[0] & 1)
			pa = IMAGE_PA(s) + (off * 8) % IMAGE_LEN;
		else
			pa = HEAP_PA + off % (s.heap - HEAP_PA);
		data += 5;
		size -= 5;
		if (len > size)
			len = size;
		if (pa + len > s.size)
			len = s.size - pa;
		memcpy(s.mem + pa, data, len);
		done[nd].pa = pa;
		done[nd++].len = (uint32_t)len;
		data += len;
		size -= len;
	}
	s.m.generation++;
	if (lx_attach(&g, &s.m, prof) == LX_OK) {
		struct lx_task *t = NULL;
		struct lx_rq *rq = NULL;
		size_t n = 0;

		if (lx_tasks(&g, &t, &n, 4096) == LX_OK)
			free(t);
		if (lx_runqueues(&g, &rq, &n) == LX_OK)
			lx_runqueues_free(rq, n);
	}
	while (nd--)
		memcpy(s.mem + done[nd].pa, pristine + done[nd].pa, done[nd].len);
	return 0;
}
