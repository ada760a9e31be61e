// SPDX-License-Identifier: GPL-2.0 OR MIT
/* The VMs gschedd has sessions with (gschedd.h): opened on first use, kept
 * across requests (profile, KASLR shifts, translations), closed when the
 * module no longer tracks the VM. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gschedd/gschedd.h"
#include "lib/vmfind.h"

static struct gd_vm *vm_slot(struct gd *d, const struct gsched_vm_info *info)
{
	struct gd_vm *v, **nv;

	for (size_t i = 0; i < d->nvms; i++)
		if (d->vms[i]->info.vm_id == info->vm_id && d->vms[i]->info.pid == info->pid) {
			d->vms[i]->info = *info;
			return d->vms[i];
		}
	v = calloc(1, sizeof(*v));
	nv = v ? realloc(d->vms, (d->nvms + 1) * sizeof(*nv)) : NULL;
	if (!nv) {
		free(v);
		return NULL;
	}
	d->vms = nv;
	v->info = *info;
	v->start = gsched_proc_start(info->pid);
	gsched_vm_name(info->pid, v->name, sizeof(v->name));
	d->vms[d->nvms++] = v;
	return v;
}

int gd_vm_open(struct gd *d, struct gd_vm *v, char *err, size_t errlen)
{
	if (v->open)
		return 0;
	if (gs_session_open_vm(&v->s, &d->dev, &v->info, d->profiles)) {
		snprintf(err, errlen, "VM %u (%s): %s", v->info.vm_id, v->name, v->s.err);
		gs_session_close(&v->s);
		return -1;
	}
	v->open = 1;
	return 0;
}

int gd_vm_find(struct gd *d, const char *arg, struct gd_vm **out, char *err, size_t errlen)
{
	struct gsched_vm_info info;
	char name[GS_ESCAPED_SIZE(64)];
	int named, r = gsched_find_vm(&d->dev, arg, &info, &named);

	gs_escape(name, sizeof(name), arg, strlen(arg));
	if (r == -ENOTUNIQ) {
		snprintf(err, errlen, "VM name '%s' is ambiguous: %d VMs carry it; give the gsched VM id or the VMM's pid",
			 name, named);
		return -1;
	}
	if (r == -ENOENT) {
		snprintf(err, errlen, "no VM '%s' (give a gsched VM id, the VMM's pid or the VM name)", name);
		return -1;
	}
	if (r) {
		snprintf(err, errlen, "listing VMs: %s", strerror(-r));
		return -1;
	}
	*out = vm_slot(d, &info);
	if (!*out) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return gd_vm_open(d, *out, err, errlen);
}

static void vm_free(struct gd_vm *v)
{
	if (v->open)
		gs_session_close(&v->s);
	gs_owners_free(&v->own);
	free(v);
}

int gd_vms_refresh(struct gd *d)
{
	struct gsched_vm_info *vms = NULL;
	size_t n = 0, w = 0;
	int r = gsched_list_vms(&d->dev, &vms, &n, NULL);

	if (r)
		return r;
	for (size_t i = 0; i < d->nvms; i++)
		d->vms[i]->seen = 0;
	for (size_t i = 0; i < n; i++) {
		struct gd_vm *v = vm_slot(d, &vms[i]);

		if (v)
			v->seen = 1;
	}
	for (size_t i = 0; i < d->nvms; i++) {
		/* gone from the module, or its VMM is another process now */
		if (!d->vms[i]->seen || gsched_proc_start(d->vms[i]->info.pid) != d->vms[i]->start)
			vm_free(d->vms[i]);
		else
			d->vms[w++] = d->vms[i];
	}
	d->nvms = w;
	free(vms);
	return 0;
}

struct gd_vm *gd_vm_by_vmm(struct gd *d, int32_t pid, uint64_t start)
{
	for (size_t i = 0; i < d->nvms; i++)
		if (d->vms[i]->info.pid == pid && d->vms[i]->start == start && start)
			return d->vms[i];
	return NULL;
}

void gd_vms_free(struct gd *d)
{
	for (size_t i = 0; i < d->nvms; i++)
		vm_free(d->vms[i]);
	free(d->vms);
	d->vms = NULL;
	d->nvms = 0;
}
