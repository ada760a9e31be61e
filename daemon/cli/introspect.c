// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedctl's side of a guest session (introspect.h). */
#include <stdio.h>
#include <string.h>
#include "cli/introspect.h"

int introspect_open(struct cli *c, int argc, char **argv, const char *usage, struct gs_session *s)
{
	const char *vmarg = NULL, *profile = NULL, *image = NULL;
	struct gsched_vm_info vm;

	memset(s, 0, sizeof(*s));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			profile = argv[++i];
		else if (!strcmp(argv[i], "--image") && i + 1 < argc)
			image = argv[++i];
		else if (argv[i][0] != '-' && !vmarg)
			vmarg = argv[i];
		else {
			fprintf(stderr, "%s: unexpected '%s'\nusage: %s %s\n", c->prog, argv[i], c->prog, usage);
			return 2;
		}
	}
	if (!!vmarg == !!image) {
		fprintf(stderr, "usage: %s %s\n", c->prog, usage);
		return 2;
	}
	if (!image && (cli_connect(c) || cli_find_vm(c, vmarg, &vm)))
		return 1;
	if (image ? gs_session_open_image(s, image, profile) : gs_session_open_vm(s, &c->g, &vm, profile)) {
		fprintf(stderr, "%s: %s\n", c->prog, s->err);
		return 1;
	}
	return 0;
}

int introspect_run(struct cli *c, struct gs_session *s,
		   int (*fn)(struct lx_guest *g, void *arg), void *arg)
{
	if (gs_session_run(s, fn, arg)) {
		fprintf(stderr, "%s: %s\n", c->prog, s->err);
		return 1;
	}
	return 0;
}

void introspect_close(struct gs_session *s)
{
	gs_session_close(s);
}

struct json_object *introspect_json(struct gs_session *s)
{
	struct json_object *o = json_object_new_object(), *k = json_object_new_object();
	char hex[32];

	if (s->vm.vm_id)
		json_object_object_add(o, "vm", json_vm(&s->vm));
	else
		json_object_object_add(o, "image", json_object_new_string(s->image));
	json_object_object_add(o, "profile", json_object_new_string(profile_path(s->prof)));
	json_object_object_add(o, "banner", json_object_new_string(s->g.banner));
	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)s->g.poff);
	json_object_object_add(k, "physical_shift", json_object_new_string(hex));
	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)s->g.voff);
	json_object_object_add(k, "virtual_shift", json_object_new_string(hex));
	json_object_object_add(k, "paging_levels", json_object_new_int(s->g.levels));
	json_object_object_add(o, "kernel", k);
	json_object_object_add(o, "tries", json_object_new_int(s->tries));
	json_object_object_add(o, "pause_ns", json_object_new_uint64(s->pause_ns));
	json_object_object_add(o, "stop_vcpus_ns", json_object_new_uint64(s->wait_ns));
	return o;
}
