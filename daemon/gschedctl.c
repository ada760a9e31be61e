// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedctl: command-line view of gsched.ko (gschedctl <command> [args]). */
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "lib/ctl.h"

static const struct {
	const char *name;
	int (*fn)(struct cli *, int, char **);
	bool device;        /* needs /dev/gsched */
	const char *help;
} cmds[] = {
	{ "vms", cmd_vms, true, "vms                 VMs gsched.ko tracks, with vCPUs and the CPU time they got" },
	{ "spaces", cmd_spaces, true, "spaces VM           guest address spaces (page-table roots) of VM and the CPU time each got" },
	{ "state", cmd_state, true, "state               the module's full state as JSON (VMs, vCPUs, address spaces)" },
	{ "ps", cmd_ps, false, "ps VM|--image FILE [--profile P]  the guest's processes, read from outside, with host CPU time" },
	{ "runqueue", cmd_runqueue, false, "runqueue VM|--image FILE [--profile P]  each guest CPU's run queue, read from outside" },
	{ "suspend", cmd_suspend, false, "suspend VM PID|COMM|/CGROUP [--thread] [--mechanism trap|runqueue] [--direct]  stop a guest process from outside (the guest's freezer trap, or Monarch's run-queue edits on 6.1 guests; through gschedd, journaled, when it runs)" },
	{ "resume", cmd_resume, false, "resume VM PID|COMM|/CGROUP [--thread] [--direct]  let a suspended guest process go on (a wake-up the guest makes)" },
	{ "suspended", cmd_suspended, false, "suspended VM|--image FILE [--direct]  guest threads gsched suspended (trap or runqueue), with since when and by whom (gschedd's journal)" },
	{ "status", cmd_status, false, "status              what gschedd holds: suspended threads, VM sessions" },
	{ "soak", cmd_soak, false, "soak VM PID|COMM|/CGROUP [--cycles N] [--period-ms P]  suspend and resume over and over, one action per period (a lab soak; acts alone; resumes at the end)" },
	{ "bench-cycle", cmd_bench_cycle, false, "bench-cycle VM COMM [N]  cost of N scheduling cycles (find COMM, check locks, set/clear its trap): live (direct and module reads) vs in memory" },
	{ "bench-pause", cmd_bench_pause, true, "bench-pause VM [N]  cost of N pause-read-resume cycles of VM" },
	{ "profile", cmd_profile, false, "profile build VMLINUX [--system-map MAP] [-o FILE] | profile fields PROFILE TYPE  guest kernel profiles (ISF JSON)" },
};

static void usage(FILE *f, const char *prog)
{
	fprintf(f, "usage: %s [--json] <command> [args]\n\ncommands:\n", prog);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %s\n", cmds[i].help);
	fprintf(f, "\noptions:\n  --json     machine-readable output\n  --help     this text (also: %s <command> --help)\n"
		"\nVM is a gsched VM id, the VMM's pid, or the VM's name (QEMU -name).\n"
		"Needs root: %s is opened with CAP_SYS_ADMIN. suspend, resume, suspended and status\n"
		"go through gschedd's socket ($GSCHED_SOCKET or %s) when it listens there.\n",
		prog, GSCHED_DEVICE, GS_CTL_SOCKET);
}

int main(int argc, char **argv)
{
	struct cli c = { .prog = "gschedctl", .g = { .fd = -1 } };
	char *args[64];
	int n = 0, ret = 2;
	const char *cmd = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			c.json = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			for (size_t k = 0; cmd && k < sizeof(cmds) / sizeof(cmds[0]); k++)
				if (!strcmp(cmd, cmds[k].name)) {
					printf("usage: %s [--json] %s\n", c.prog, cmds[k].help);
					return 0;
				}
			usage(stdout, c.prog);
			return 0;
		} else if (argv[i][0] == '-' && argv[i][1] && !cmd) {
			fprintf(stderr, "%s: unknown option '%s'\n", c.prog, argv[i]);
			usage(stderr, c.prog);
			return 2;
		} else if (n < 64) {
			if (!cmd)
				cmd = argv[i];
			args[n++] = argv[i];
		}
	}
	if (!cmd) {
		usage(stderr, c.prog);
		return 2;
	}
	if (!strcmp(cmd, "tasks")) {
		/* its name before ABI 1.4: a task is a guest thread (see ps) */
		fprintf(stderr, "%s: 'tasks' is now 'spaces' (guest address spaces)\n", c.prog);
		cmd = args[0] = "spaces";
	}
	for (size_t k = 0; k < sizeof(cmds) / sizeof(cmds[0]); k++) {
		if (strcmp(cmd, cmds[k].name))
			continue;
		if (cmds[k].device && cli_connect(&c))
			return 1;
		ret = cmds[k].fn(&c, n, args);
		gsched_close(&c.g);
		return ret;
	}
	fprintf(stderr, "%s: unknown command '%s'\n", c.prog, cmd);
	usage(stderr, c.prog);
	return 2;
}
