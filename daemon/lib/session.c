// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Opening a guest, finding its profile, acting under a pause (session.h). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/session.h"
#include "lib/clock.h"

/* Reads that found the guest busy (a lock held, or no vCPU at a point
 * where the guest could take a call) are tried again, with growing pauses
 * between them (2 ms more each time, up to 20 ms), for up to BUSY_MS: a
 * one-vCPU guest kept busy in user mode offers a callable point only by
 * chance (the lab saw up to 24 tries of the first 50; one in 40 resumes
 * ran out of them). MAX_TRIES bounds the pauses as well. */
#define BUSY_MS 10000
#define MAX_TRIES 1000
#define BACKOFF_MAX_US 20000
#define MAX_EXPIRED 3    /* reads that outlived the module's pause_max_ms */
#define PAGE_CACHE_PAGES 8192 /* 32 MiB */

static int fail(struct gs_session *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* Try one profile file; 0 attached, 1 banner mismatch (try the next), -1 error.
 * Whether the guest runs the profile's kernel is seen without pausing it;
 * only the profile that matches is attached, under one pause. */
static int try_profile(struct gs_session *s, const char *path, char *why, size_t whylen)
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
		/* a read may last as long as the module lets a pause last */
		if (s->vm.vm_id)
			s->g.walk_ms = gsched_param("pause_max_ms");
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

static int find_profile(struct gs_session *s, const char *arg)
{
	char exe[PATH_MAX], repo[PATH_MAX + 32], why[512] = "", first[512] = "", seen[256];
	const char *dirs[5];
	int nd = 0, tried = 0;
	ssize_t n;

	if (arg && !is_dir(arg)) {
		int r = try_profile(s, arg, why, sizeof(why));

		if (!r)
			return 0;
		if (r < 0)
			return fail(s, "%s", why);
		lx_guest_banner(&s->mem, seen, sizeof(seen));
		return fail(s, "%s; the guest runs: %s", why, seen[0] ? seen : "no Linux kernel found in its memory");
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
		return fail(s, "no profile found (give --profile FILE|DIR, set GSCHED_PROFILES, or build one: gschedctl profile build VMLINUX -o /etc/gsched/profiles/NAME.json)");
	lx_guest_banner(&s->mem, seen, sizeof(seen));
	return fail(s, "none of %d profiles matches the guest kernel; the guest runs: %s; first refusal: %s",
		    tried, seen[0] ? seen : "no Linux kernel found in its memory", first);
}

int gs_session_open_vm(struct gs_session *s, struct gsched *dev,
		       const struct gsched_vm_info *vm, const char *profile)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->dev = dev;
	s->vm = *vm;
	err = vmi_mem_kvm(&s->mem, dev, vm->vm_id);
	if (err)
		return fail(s, "VM %u: guest memory: %s%s", vm->vm_id, strerror(-err),
			    err == -ENOTTY ? " (gsched.ko older than ABI 1.1?)" : "");
	if (vmi_mem_cache(&s->mem, PAGE_CACHE_PAGES))
		return fail(s, "out of memory");
	return find_profile(s, profile);
}

int gs_session_open_image(struct gs_session *s, const char *image, const char *profile)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->image = image;
	err = vmi_mem_file(&s->mem, image, 0);
	if (err)
		return fail(s, "%s: %s", image, strerror(-err));
	if (vmi_mem_cache(&s->mem, PAGE_CACHE_PAGES))
		return fail(s, "out of memory");
	return find_profile(s, profile);
}

int gs_session_run(struct gs_session *s, int (*fn)(struct lx_guest *g, void *arg), void *arg)
{
	int r = LX_EBUSY, expired = 0;
	unsigned long long until = gs_mono_ns() + BUSY_MS * 1000000ULL;

	s->busy = 0;
	for (s->tries = 0; s->tries < MAX_TRIES && r == LX_EBUSY; s->tries++) {
		unsigned long long t0;

		if (s->tries && (gs_mono_ns() >= until || !s->vm.vm_id || s->one_try))
			break; /* (an image does not change: one try) */
		if (s->tries)
			usleep(s->tries < BACKOFF_MAX_US / 2000 ? 2000 * s->tries : BACKOFF_MAX_US);
		if (s->vm.vm_id) {
			struct gsched_pause p;
			int err = gsched_pause(s->dev, s->vm.vm_id, 1000, &p);

			if (err == -EBUSY) {
				/* another gsched user (gschedd's observation, a
				 * gschedctl --direct) has the VM paused: its turn
				 * ends within the module's pause_max_ms */
				snprintf(s->g.err, sizeof(s->g.err), "VM %u is paused by another gsched user",
					 s->vm.vm_id);
				r = s->result = LX_EBUSY;
				continue;
			}
			if (err)
				return fail(s, "VM %u: pause: %s", s->vm.vm_id, strerror(-err));
			s->wait_ns = p.wait_ns;
		}
		t0 = gs_mono_ns();
		if (s->vm.vm_id) /* nothing cached before is of this pause; the last
				  * pause's pages read in at once (counted in the pause) */
			vmi_mem_paused(&s->mem);
		r = fn(&s->g, arg);
		s->result = r;
		if (s->vm.vm_id) {
			int err = gsched_resume(s->dev, s->vm.vm_id);

			vmi_mem_resumed(&s->mem);
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
		s->busy = 1;
		return fail(s, "busy, retry: %s (after %d tries)", s->g.err, s->tries);
	}
	if (r)
		return fail(s, "%s: %s", lx_strerror(r), s->g.err);
	return 0;
}

void gs_session_close(struct gs_session *s)
{
	vmi_close(&s->mem);
	profile_free(s->prof);
	s->prof = NULL;
}
