// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedctl vms: every VM gsched.ko tracks, with its vCPUs. gschedctl state:
 * the module's full state (VMs, vCPUs, address spaces) as JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"

static struct json_object *json_vm_full(struct cli *c, const struct gsched_vm_info *vm,
					bool with_spaces)
{
	struct json_object *o = json_vm(vm), *arr = json_object_new_array();
	struct gsched_vcpu_info *v = NULL;
	struct gsched_space_info *t = NULL;
	unsigned long long now = 0;
	size_t n = 0, i;

	if (!gsched_list_vcpus(&c->g, vm->vm_id, &v, &n))
		for (i = 0; i < n; i++)
			json_object_array_add(arr, json_vcpu(&v[i]));
	json_object_object_add(o, "vcpus", arr);
	free(v);
	if (with_spaces) {
		arr = json_object_new_array();
		if (!gsched_list_spaces(&c->g, vm->vm_id, &t, &n, &now)) {
			sort_spaces(t, n);
			for (i = 0; i < n; i++)
				json_object_array_add(arr, json_space(&t[i], now));
		}
		json_object_object_add(o, "spaces", arr);
		free(t);
	}
	return o;
}

static int list(struct cli *c, bool with_spaces)
{
	struct gsched_vm_info *vms;
	unsigned long long now;
	size_t n, i;
	int err = gsched_list_vms(&c->g, &vms, &n, &now);

	if (err) {
		fprintf(stderr, "%s: listing VMs: %s\n", c->prog, strerror(-err));
		return 1;
	}
	if (c->json || with_spaces) {
		struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

		if (with_spaces) {
			struct json_object *m = json_object_new_object();

			json_object_object_add(m, "abi", json_object_new_string("1"));
			json_object_object_add(m, "kernel", json_object_new_string(c->g.version.kernel));
			json_object_object_add(m, "mode", json_object_new_string(
				c->g.version.mode == GSCHED_MODE_EXACT ? "exact" : "sampling"));
			json_object_object_add(m, "vendor", json_object_new_string(
				c->g.version.vendor == 1 ? "svm" : c->g.version.vendor == 2 ? "vmx" : "unknown"));
			json_object_object_add(m, "max_spaces", json_object_new_int64(c->g.version.max_spaces));
			json_object_object_add(m, "now_ns", json_object_new_uint64(now));
			json_object_object_add(o, "module", m);
		}
		for (i = 0; i < n; i++)
			json_object_array_add(arr, json_vm_full(c, &vms[i], with_spaces));
		json_object_object_add(o, "vms", arr);
		cli_print_json(o);
	} else {
		static const char *const hdr[] = { "ID", "PID", "NAME", "VCPUS", "SPACES",
						   "CPU(s)", "MODE" };
		struct table *t = table_new(hdr, 7);

		for (i = 0; i < n; i++) {
			char id[16], pid[16], vc[16], ts[16], cpu[32], name[64];

			gsched_vm_name(vms[i].pid, name, sizeof(name));
			snprintf(id, sizeof(id), "%u", vms[i].vm_id);
			snprintf(pid, sizeof(pid), "%d", vms[i].pid);
			snprintf(vc, sizeof(vc), "%u", vms[i].nr_vcpus);
			snprintf(ts, sizeof(ts), "%u", vms[i].nr_spaces);
			snprintf(cpu, sizeof(cpu), "%.3f", vms[i].cpu_ns / 1e9);
			table_row(t, id, pid, name, vc, ts, cpu,
				  vms[i].mode == GSCHED_MODE_EXACT ? "exact" : "sampling");
		}
		table_print(t);
		if (!n)
			printf("(no VM has run since gsched.ko was loaded)\n");
	}
	free(vms);
	return 0;
}

int cmd_vms(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: %s vms [--json]\n", c->prog);
		return 2;
	}
	return list(c, false);
}

int cmd_state(struct cli *c, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		fprintf(stderr, "usage: %s state   (always JSON)\n", c->prog);
		return 2;
	}
	return list(c, true);
}
