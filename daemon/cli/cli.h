/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Shared pieces of gschedctl's commands: options, tables, JSON objects. */
#ifndef GSCHED_CLI_H
#define GSCHED_CLI_H
#include <stdbool.h>
#include <json-c/json.h>
#include "lib/gsched.h"
#include "lib/vmfind.h"
#include "lib/suspend.h"

struct cli {
	bool json;
	struct gsched g;
	const char *prog;
};

/* Each command: returns the process exit status (0 ok, 1 failure, 2 usage). */
int cmd_vms(struct cli *c, int argc, char **argv);
int cmd_spaces(struct cli *c, int argc, char **argv);
int cmd_state(struct cli *c, int argc, char **argv);
int cmd_profile(struct cli *c, int argc, char **argv);
int cmd_ps(struct cli *c, int argc, char **argv);
int cmd_bench_pause(struct cli *c, int argc, char **argv);
int cmd_bench_cycle(struct cli *c, int argc, char **argv);
int cmd_runqueue(struct cli *c, int argc, char **argv);
int cmd_suspend(struct cli *c, int argc, char **argv);
int cmd_resume(struct cli *c, int argc, char **argv);
int cmd_suspended(struct cli *c, int argc, char **argv);
int cmd_soak(struct cli *c, int argc, char **argv);
int cmd_status(struct cli *c, int argc, char **argv);

/* Open the device or print why not; returns 0 or an exit status. */
int cli_connect(struct cli *c);
/* Find a VM by gsched id, VMM pid or name; prints an error if none. */
int cli_find_vm(struct cli *c, const char *arg, struct gsched_vm_info *out);
void cli_print_json(struct json_object *o);
#define J_ADD(o, k, v) json_object_object_add(o, k, v)

struct json_object *json_vm(const struct gsched_vm_info *vm);
struct json_object *json_vcpu(const struct gsched_vcpu_info *v);
struct json_object *json_space(const struct gsched_space_info *t, unsigned long long now);
/* Sort address spaces by CPU time, largest first. */
void sort_spaces(struct gsched_space_info *t, size_t n);

/* table.c: aligned text tables for people. */
struct table;
struct table *table_new(const char *const *headers, int ncols);
void table_row(struct table *t, ...);  /* ncols strings */
void table_print(struct table *t);     /* prints and frees */

#endif
