/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * gschedctl's side of a guest session (lib/session.h): "VM | --image FILE"
 * and "--profile FILE|DIR" from the command line, errors printed, and the
 * session's JSON header (VM, profile, kernel shifts, tries, pause).
 */
#ifndef GSCHED_CLI_INTROSPECT_H
#define GSCHED_CLI_INTROSPECT_H
#include "cli/cli.h"
#include "lib/session.h"

/* Parse "VM | --image FILE" and "--profile FILE|DIR" out of argv and open
 * the guest; 0 or an exit status (after printing why). */
int introspect_open(struct cli *c, int argc, char **argv, const char *usage,
		    struct gs_session *s);
/* gs_session_run, printing why it failed; 0 or an exit status. */
int introspect_run(struct cli *c, struct gs_session *s,
		   int (*fn)(struct lx_guest *g, void *arg), void *arg);
void introspect_close(struct gs_session *s);
struct json_object *introspect_json(struct gs_session *s);

#endif
