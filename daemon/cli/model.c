// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedctl's shared model code: device connection, VM lookup, JSON objects. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "lib/jsonhex.h"
#include "linux/guest.h"

int cli_connect(struct cli *c)
{
	const char *why = NULL;

	if (gsched_open(&c->g, &why) < 0) {
		fprintf(stderr, "%s: %s\n", c->prog, why);
		return 1;
	}
	return 0;
}

int cli_find_vm(struct cli *c, const char *arg, struct gsched_vm_info *out)
{
	char name[GS_ESCAPED_SIZE(256)];
	int named, err = gsched_find_vm(&c->g, arg, out, &named);

	gs_escape(name, sizeof(name), arg, strlen(arg));
	if (err == -ENOTUNIQ)
		fprintf(stderr, "%s: VM name '%s' is ambiguous: %d VMs carry it; give the gsched VM id or the VMM's pid (see '%s vms')\n",
			c->prog, name, named, c->prog);
	else if (err == -ENOENT)
		fprintf(stderr, "%s: no VM '%s' (give a gsched VM id, the VMM's pid or the VM name; see '%s vms')\n",
			c->prog, name, c->prog);
	else if (err)
		fprintf(stderr, "%s: listing VMs: %s\n", c->prog, strerror(-err));
	return err ? -1 : 0;
}

void cli_print_json(struct json_object *o)
{
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
					       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}


struct json_object *json_vm(const struct gsched_vm_info *vm)
{
	struct json_object *o = json_object_new_object();
	char name[256];

	gsched_vm_name(vm->pid, name, sizeof(name));
	J_ADD(o, "id", json_object_new_int64(vm->vm_id));
	J_ADD(o, "pid", json_object_new_int64(vm->pid));
	J_ADD(o, "name", json_object_new_string(name));
	J_ADD(o, "nr_vcpus", json_object_new_int64(vm->nr_vcpus));
	J_ADD(o, "nr_spaces", json_object_new_int64(vm->nr_spaces));
	J_ADD(o, "cpu_ns", json_object_new_uint64(vm->cpu_ns));
	J_ADD(o, "evictions", json_object_new_uint64(vm->evictions));
	J_ADD(o, "first_seen_ns", json_object_new_uint64(vm->first_seen_ns));
	J_ADD(o, "mode", json_object_new_string(vm->mode == GSCHED_MODE_EXACT ? "exact" : "sampling"));
	return o;
}

struct json_object *json_vcpu(const struct gsched_vcpu_info *v)
{
	struct json_object *o = json_object_new_object();

	J_ADD(o, "vcpu_id", json_object_new_int64(v->vcpu_id));
	J_ADD(o, "tid", json_object_new_int64(v->tid));
	J_ADD(o, "cr3_armed", json_object_new_boolean(v->flags & GSCHED_VCPU_ARMED));
	J_ADD(o, "root", gs_json_hex(v->cr3));
	J_ADD(o, "cpu_ns", json_object_new_uint64(v->cpu_ns));
	J_ADD(o, "entries", json_object_new_uint64(v->entries));
	J_ADD(o, "switches", json_object_new_uint64(v->switches));
	J_ADD(o, "descheds", json_object_new_uint64(v->descheds));
	return o;
}

struct json_object *json_space(const struct gsched_space_info *t, unsigned long long now)
{
	struct json_object *o = json_object_new_object();
	double life = (double)(t->last_seen_ns - t->first_seen_ns) / 1e9;

	J_ADD(o, "root", gs_json_hex(t->root));
	J_ADD(o, "cpu_ns", json_object_new_uint64(t->cpu_ns));
	J_ADD(o, "switches", json_object_new_uint64(t->switches));
	J_ADD(o, "switches_per_s", json_object_new_double(life > 0 ? t->switches / life : 0));
	J_ADD(o, "first_seen_ns", json_object_new_uint64(t->first_seen_ns));
	J_ADD(o, "last_seen_ns", json_object_new_uint64(t->last_seen_ns));
	J_ADD(o, "last_seen_ago_ns", json_object_new_uint64(now > t->last_seen_ns ? now - t->last_seen_ns : 0));
	J_ADD(o, "last_vcpu", json_object_new_int64(t->last_vcpu));
	return o;
}

/* qsort: address spaces by CPU time, largest first. */
static int by_cpu_desc(const void *a, const void *b)
{
	const struct gsched_space_info *x = a, *y = b;

	return x->cpu_ns < y->cpu_ns ? 1 : x->cpu_ns > y->cpu_ns ? -1 : 0;
}

void sort_spaces(struct gsched_space_info *t, size_t n)
{
	qsort(t, n, sizeof(*t), by_cpu_desc);
}
