// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl bench-pause VM [N]: the cost of N pause-read-resume cycles of a
 * live VM (pause every vCPU, read one page of guest memory, resume): mean,
 * min and max per cycle, and how long the vCPUs took to leave guest mode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "lib/clock.h"

int cmd_bench_pause(struct cli *c, int argc, char **argv)
{
	struct gsched_vm_info vm;
	unsigned long long sum = 0, min = ~0ULL, max = 0, stop = 0;
	int n = argc > 2 ? atoi(argv[2]) : 100;
	char page[4096];

	if (argc < 2 || argc > 3 || n < 1 || n > 100000) {
		fprintf(stderr, "usage: %s bench-pause VM [N (1-100000, default 100)]\n", c->prog);
		return 2;
	}
	if (cli_find_vm(c, argv[1], &vm))
		return 1;
	for (int i = 0; i < n; i++) {
		struct gsched_pause p;
		unsigned long long t0 = gs_mono_ns(), t;
		int err = gsched_pause(&c->g, vm.vm_id, 1000, &p);

		if (!err)
			err = gsched_mem_rw(&c->g, vm.vm_id, 0x100000, page, sizeof(page), 0);
		if (!err)
			err = gsched_resume(&c->g, vm.vm_id);
		if (err) {
			fprintf(stderr, "%s: VM %u: cycle %d: %s\n", c->prog, vm.vm_id, i, strerror(-err));
			gsched_resume(&c->g, vm.vm_id);
			return 1;
		}
		t = gs_mono_ns() - t0;
		sum += t;
		stop += p.wait_ns;
		min = t < min ? t : min;
		max = t > max ? t : max;
	}
	if (c->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "vm", json_vm(&vm));
		json_object_object_add(o, "cycles", json_object_new_int(n));
		json_object_object_add(o, "mean_ns", json_object_new_uint64(sum / n));
		json_object_object_add(o, "min_ns", json_object_new_uint64(min));
		json_object_object_add(o, "max_ns", json_object_new_uint64(max));
		json_object_object_add(o, "mean_stop_vcpus_ns", json_object_new_uint64(stop / n));
		cli_print_json(o);
	} else {
		printf("VM %u (%u vCPUs): %d pause-read-resume cycles: mean %.1f us, min %.1f us, max %.1f us; vCPUs out of guest mode after %.1f us on average\n",
		       vm.vm_id, vm.nr_vcpus, n, sum / n / 1e3, min / 1e3, max / 1e3, stop / n / 1e3);
	}
	return 0;
}
