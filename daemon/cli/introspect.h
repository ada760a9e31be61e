/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What ps and runqueue share: open a guest (a live VM through gsched.ko, or a
 * memory image), pick the profile whose banner the guest's kernel carries,
 * and read it consistently: pause, read, resume, and again while a guest
 * lock was held (Monarch's lock check), a bounded number of times.
 */
#ifndef GSCHED_CLI_INTROSPECT_H
#define GSCHED_CLI_INTROSPECT_H
#include "cli/cli.h"
#include "linux/guest.h"

struct isession {
	struct vmi_mem mem;
	struct lx_guest g;
	struct profile *prof;
	struct gsched_vm_info vm;   /* live VM (vm.vm_id 0 for an image) */
	const char *image;
	int tries;                  /* reads made (1 + retries after busy) */
	unsigned long long pause_ns; /* longest pause among the tries */
	unsigned long long wait_ns;  /* time to stop the vCPUs (last try) */
};

/* Parse "VM | --image FILE" and "--profile FILE|DIR" out of argv; 0 or an
 * exit status (after printing why). */
int introspect_open(struct cli *c, int argc, char **argv, const char *usage,
		    struct isession *s);
/* Run 'fn' under a pause (live VM), retrying while it returns LX_EBUSY. */
int introspect_run(struct cli *c, struct isession *s,
		   int (*fn)(struct lx_guest *g, void *arg), void *arg);
void introspect_close(struct isession *s);
struct json_object *introspect_json(struct isession *s);

#endif
