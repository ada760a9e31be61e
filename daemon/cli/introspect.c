// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Opening and reading a guest for ps/runqueue (introspect.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli/introspect.h"
#include "lib/clock.h"

#define MAX_TRIES 50     /* reads that found a guest lock held */
#define MAX_EXPIRED 3    /* reads that outlived the module's pause_max_ms */
#define PAGE_CACHE_PAGES 8192 /* 32 MiB */


/* Try one profile file; 0 attached, 1 banner mismatch (try the next), -1 error.
 * Whether the guest runs the profile's kernel is seen without pausing it;
 * only the profile that matches is attached, under one pause. */
static int try_profile(struct isession *s, const char *path, char *why, size_t whylen)
{
	struct profile *p;
	char err[512];
	int r;

	if (profile_load(path, &p, err, sizeof(err))) {
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	r = lx_match(&s->mem, p, why, whylen);
	if (r) {
		profile_free(p);
		return r == LX_EBANNER ? 1 : -1;
	}
	if (s->vm.vm_id && vmi_pause(&s->mem)) {
		snprintf(why, whylen, "cannot pause VM %u: %s", s->vm.vm_id, strerror(errno));
		profile_free(p);
		return -1;
	}
	r = lx_attach(&s->g, &s->mem, p);
	vmi_resume(&s->mem);
	if (r == LX_OK) {
		s->prof = p;
		return 0;
	}
	snprintf(why, whylen, "%s", s->g.err);
	profile_free(p);
	return r == LX_EBANNER ? 1 : -1;
}

static int is_dir(const char *p)
{
	struct stat st;

	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

static int find_profile(struct cli *c, struct isession *s, const char *arg)
{
	char exe[PATH_MAX], repo[PATH_MAX + 32], why[768] = "", first[768] = "";
	const char *dirs[5];
	int nd = 0, tried = 0;
	ssize_t n;

	if (arg && !is_dir(arg)) {
		int r = try_profile(s, arg, why, sizeof(why));

		if (!r)
			return 0;
		fprintf(stderr, "%s: %s\n", c->prog, why);
		if (r > 0) {
			char seen[256];

			lx_guest_banner(&s->mem, seen, sizeof(seen));
			fprintf(stderr, "%s: the guest runs: %s\n", c->prog,
				seen[0] ? seen : "no Linux kernel found in its memory");
		}
		return 1;
	}
	if (arg)
		dirs[nd++] = arg;
	else {
		if (getenv("GSCHED_PROFILES"))
			dirs[nd++] = getenv("GSCHED_PROFILES");
		dirs[nd++] = "/etc/gsched/profiles";
		dirs[nd++] = "/usr/share/gsched/profiles";
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n > 0) {
			exe[n] = 0;
			*strrchr(exe, '/') = 0;
			snprintf(repo, sizeof(repo), "%s/../profiles", exe);
			dirs[nd++] = repo;
		}
	}
	for (int d = 0; d < nd; d++) {
		struct dirent **ents;
		int ne = scandir(dirs[d], &ents, NULL, alphasort);

		for (int i = 0; i < ne; i++) {
			char path[PATH_MAX + 256];
			size_t l = strlen(ents[i]->d_name);
			int r = 1;

			if (l > 5 && !strcmp(ents[i]->d_name + l - 5, ".json")) {
				snprintf(path, sizeof(path), "%s/%s", dirs[d], ents[i]->d_name);
				tried++;
				r = try_profile(s, path, why, sizeof(why));
				if (r && !first[0])
					snprintf(first, sizeof(first), "%s", why);
			}
			if (!r) {
				for (; i < ne; i++)
					free(ents[i]);
				free(ents);
				return 0;
			}
			free(ents[i]);
		}
		if (ne >= 0)
			free(ents);
	}
	if (!tried)
		fprintf(stderr, "%s: no profile found (give --profile FILE|DIR, set GSCHED_PROFILES, or build one: gschedctl profile build VMLINUX -o /etc/gsched/profiles/NAME.json)\n",
			c->prog);
	else {
		char seen[256];

		lx_guest_banner(&s->mem, seen, sizeof(seen));
		fprintf(stderr, "%s: none of %d profiles matches the guest kernel; the guest runs: %s\n"
			"%s: first refusal: %s\n", c->prog, tried,
			seen[0] ? seen : "no Linux kernel found in its memory", c->prog, first);
	}
	return 1;
}

int introspect_open(struct cli *c, int argc, char **argv, const char *usage, struct isession *s)
{
	const char *vmarg = NULL, *profile = NULL;
	int err;

	memset(s, 0, sizeof(*s));
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--profile") && i + 1 < argc)
			profile = argv[++i];
		else if (!strcmp(argv[i], "--image") && i + 1 < argc)
			s->image = argv[++i];
		else if (argv[i][0] != '-' && !vmarg)
			vmarg = argv[i];
		else {
			fprintf(stderr, "%s: unexpected '%s'\nusage: %s %s\n", c->prog, argv[i], c->prog, usage);
			return 2;
		}
	}
	if (!!vmarg == !!s->image) {
		fprintf(stderr, "usage: %s %s\n", c->prog, usage);
		return 2;
	}
	if (s->image) {
		err = vmi_mem_file(&s->mem, s->image, 0);
		if (err) {
			fprintf(stderr, "%s: %s: %s\n", c->prog, s->image, strerror(-err));
			return 1;
		}
	} else {
		if (cli_connect(c) || cli_find_vm(c, vmarg, &s->vm))
			return 1;
		err = vmi_mem_kvm(&s->mem, &c->g, s->vm.vm_id);
		if (err) {
			fprintf(stderr, "%s: VM %u: guest memory: %s%s\n", c->prog, s->vm.vm_id, strerror(-err),
				err == -ENOTTY ? " (gsched.ko older than ABI 1.1?)" : "");
			return 1;
		}
	}
	if (vmi_mem_cache(&s->mem, PAGE_CACHE_PAGES)) {
		fprintf(stderr, "%s: out of memory\n", c->prog);
		return 1;
	}
	return find_profile(c, s, profile);
}

int introspect_run(struct cli *c, struct isession *s,
		   int (*fn)(struct lx_guest *g, void *arg), void *arg)
{
	int r = LX_EBUSY, expired = 0;

	for (s->tries = 0; s->tries < MAX_TRIES && r == LX_EBUSY; s->tries++) {
		unsigned long long t0;

		if (s->tries)
			usleep(2000 * s->tries);
		if (s->vm.vm_id) {
			struct gsched_pause p;
			int err = gsched_pause(&c->g, s->vm.vm_id, 1000, &p);

			if (err) {
				fprintf(stderr, "%s: VM %u: pause: %s\n", c->prog, s->vm.vm_id, strerror(-err));
				return 1;
			}
			s->wait_ns = p.wait_ns;
			s->mem.generation++; /* nothing cached before this pause is of it */
		}
		t0 = gs_mono_ns();
		r = fn(&s->g, arg);
		if (s->vm.vm_id) {
			int err = gsched_resume(&c->g, s->vm.vm_id);

			s->mem.generation++;
			if (gs_mono_ns() - t0 > s->pause_ns)
				s->pause_ns = gs_mono_ns() - t0;
			if (err == -ETIMEDOUT && r == LX_OK) {
				/* the module resumed the VM while we read: read again,
				 * a few times (a read that is always too long is not
				 * retried into a VM paused over and over) */
				snprintf(s->g.err, sizeof(s->g.err), "the read outlived the module's pause_max_ms");
				r = ++expired < MAX_EXPIRED ? LX_EBUSY : LX_EMEM;
			}
		} else {
			s->mem.generation++;
		}
	}
	if (r == LX_EBUSY) {
		fprintf(stderr, "%s: busy, retry: %s (after %d tries)\n", c->prog, s->g.err, s->tries);
		return 1;
	}
	if (r) {
		fprintf(stderr, "%s: %s: %s\n", c->prog, lx_strerror(r), s->g.err);
		return 1;
	}
	return 0;
}

void introspect_close(struct isession *s)
{
	vmi_close(&s->mem);
	profile_free(s->prof);
	s->prof = NULL;
}

struct json_object *introspect_json(struct isession *s)
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
