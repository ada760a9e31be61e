// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedctl status: what gschedd holds (through its control socket): the
 * guest threads it suspended, since when and by whom, and the VMs it has
 * sessions with. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "lib/ctl.h"

int cmd_status(struct cli *c, int argc, char **argv)
{
	struct json_object *req, *out = NULL, *v, *recs, *vms;
	char err[1024];
	int r;

	if (argc > 1) {
		fprintf(stderr, "usage: %s status [--json]\n", c->prog);
		return 2;
	}
	(void)argv;
	req = json_object_new_object();
	J_ADD(req, "cmd", json_object_new_string("status"));
	r = gs_ctl_call(gs_ctl_path(), req, &out, err, sizeof(err));
	json_object_put(req);
	if (r) {
		fprintf(stderr, "%s: %s%s\n", c->prog, err,
			r == -ENOENT || r == -ECONNREFUSED ? " (is gschedd running?)" : "");
		return 1;
	}
	if (!json_object_object_get_ex(out, "ok", &v) || !json_object_get_boolean(v)) {
		fprintf(stderr, "%s: gschedd: %s\n", c->prog,
			json_object_object_get_ex(out, "error", &v) ? json_object_get_string(v) : "?");
		json_object_put(out);
		return 1;
	}
	if (c->json) {
		cli_print_json(out);
		return 0;
	}
	recs = json_object_object_get(out, "suspended");
	vms = json_object_object_get(out, "vms");
	printf("gschedd: gsched.ko ABI %s, journal %s, %zu VM session(s), %zu thread(s) suspended\n",
	       json_object_get_string(json_object_object_get(out, "abi")),
	       json_object_get_string(json_object_object_get(out, "journal")),
	       vms ? json_object_array_length(vms) : 0, recs ? json_object_array_length(recs) : 0);
	if (recs && json_object_array_length(recs)) {
		static const char *const hdr[] = { "VM", "PID", "TGID", "COMM", "SINCE", "BY" };
		struct table *tb = table_new(hdr, 6);

		for (size_t i = 0; i < json_object_array_length(recs); i++) {
			struct json_object *e = json_object_array_get_idx(recs, i);
			char pid[16], tgid[16], since[32], by[32];
			time_t when = (time_t)json_object_get_int64(json_object_object_get(e, "since"));
			struct tm tm;

			snprintf(pid, sizeof(pid), "%d", json_object_get_int(json_object_object_get(e, "pid")));
			snprintf(tgid, sizeof(tgid), "%d", json_object_get_int(json_object_object_get(e, "tgid")));
			strftime(since, sizeof(since), "%F %T", localtime_r(&when, &tm));
			snprintf(by, sizeof(by), "uid %lld",
				 (long long)json_object_get_int64(json_object_object_get(e, "by_uid")));
			table_row(tb, json_object_get_string(json_object_object_get(e, "vm")), pid, tgid,
				  json_object_get_string(json_object_object_get(e, "comm")), since, by);
		}
		table_print(tb);
	}
	json_object_put(out);
	return 0;
}
