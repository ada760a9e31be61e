// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedctl spaces VM: the guest's address spaces (page-table roots) with
 * the CPU time each really received on a host CPU, switch counts and rates,
 * last seen. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

int cmd_spaces(struct cli *c, int argc, char **argv)
{
	struct gsched_space_info *t;
	struct gsched_vm_info vm;
	unsigned long long now, total = 0;
	size_t n, i;
	int err;

	if (argc != 2) {
		fprintf(stderr, "usage: %s spaces VM [--json]   (VM: gsched id, VMM pid or name)\n", c->prog);
		return 2;
	}
	if (cli_find_vm(c, argv[1], &vm))
		return 1;
	err = gsched_list_spaces(&c->g, vm.vm_id, &t, &n, &now);
	if (err) {
		fprintf(stderr, "%s: VM %u: %s\n", c->prog, vm.vm_id,
			err == -ENOENT ? "it has gone" : strerror(-err));
		return 1;
	}
	sort_spaces(t, n);
	if (c->json) {
		struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

		json_object_object_add(o, "vm", json_vm(&vm));
		for (i = 0; i < n; i++)
			json_object_array_add(arr, json_space(&t[i], now));
		json_object_object_add(o, "spaces", arr);
		cli_print_json(o);
	} else {
		static const char *const hdr[] = { "ROOT", "CPU(s)", "CPU%", "SWITCHES",
						   "SW/s", "LAST-SEEN", "VCPU" };
		struct table *tb = table_new(hdr, 7);

		for (i = 0; i < n; i++)
			total += t[i].cpu_ns;
		for (i = 0; i < n; i++) {
			char root[32], cpu[32], pct[16], sw[32], rate[32], seen[32], vc[16];
			double life = (t[i].last_seen_ns - t[i].first_seen_ns) / 1e9;

			snprintf(root, sizeof(root), "0x%llx", (unsigned long long)t[i].root);
			snprintf(cpu, sizeof(cpu), "%.3f", t[i].cpu_ns / 1e9);
			snprintf(pct, sizeof(pct), "%.1f", total ? 100.0 * t[i].cpu_ns / total : 0);
			snprintf(sw, sizeof(sw), "%llu", (unsigned long long)t[i].switches);
			snprintf(rate, sizeof(rate), "%.1f", life > 0 ? t[i].switches / life : 0);
			snprintf(seen, sizeof(seen), "%.1fs ago",
				 now > t[i].last_seen_ns ? (now - t[i].last_seen_ns) / 1e9 : 0);
			snprintf(vc, sizeof(vc), "%u", t[i].last_vcpu);
			table_row(tb, root, cpu, pct, sw, rate, seen, vc);
		}
		table_print(tb);
	}
	free(t);
	return 0;
}
