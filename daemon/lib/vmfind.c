// SPDX-License-Identifier: GPL-2.0 OR MIT
/* VM lookup by id, VMM pid or unique name (vmfind.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "lib/gsched.h"
#include "lib/vmfind.h"

int gsched_pick_vm(const struct gsched_vm_info *vms, const char *const *names, size_t n,
		   const char *arg, int *named)
{
	char *end;
	long num = strtol(arg, &end, 10);
	int found = GSCHED_VM_NONE;

	*named = 0;
	/* an id or a pid first (exact); then names */
	if (*arg && !*end) {
		for (size_t i = 0; i < n; i++)
			if (num == (long)vms[i].vm_id || num == (long)vms[i].pid)
				return (int)i;
	}
	for (size_t i = 0; i < n; i++)
		if (names[i][0] && !strcmp(arg, names[i])) {
			if (!(*named)++)
				found = (int)i;
		}
	return *named > 1 ? GSCHED_VM_AMBIGUOUS : found;
}

int gsched_find_vm(struct gsched *g, const char *arg, struct gsched_vm_info *out, int *named)
{
	struct gsched_vm_info *vms;
	unsigned long long now;
	char (*buf)[256];
	const char **names;
	size_t n;
	int err = gsched_list_vms(g, &vms, &n, &now), i;

	*named = 0;
	if (err)
		return err;
	buf = calloc(n + 1, sizeof(*buf));
	names = calloc(n + 1, sizeof(*names));
	if (!buf || !names) {
		free(buf);
		free(names);
		free(vms);
		return -ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		gsched_vm_name(vms[k].pid, buf[k], sizeof(buf[k]));
		names[k] = buf[k];
	}
	i = gsched_pick_vm(vms, names, n, arg, named);
	if (i >= 0)
		*out = vms[i];
	free(buf);
	free(names);
	free(vms);
	return i >= 0 ? 0 : i == GSCHED_VM_AMBIGUOUS ? -ENOTUNIQ : -ENOENT;
}
