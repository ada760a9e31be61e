/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* The history of root owners (lib/owners.h) in JSON: gschedd's reply to
 * {"cmd": "owners", "vm": VM} carries it, gschedctl ps reads it back. */
#ifndef GSCHED_LIB_OWNERS_JSON_H
#define GSCHED_LIB_OWNERS_JSON_H
#include <stddef.h>
#include <json-c/json.h>
#include "lib/owners.h"

/* {"observations": N, "owners": [{"root": "0x..", "tgid", "start_ns",
 * "base_ns", "last_ns", "basis"}]} */
struct json_object *gs_owners_json(const struct gs_owners *h);
/* The same back into 'h' (freed by gs_owners_free); 0, or -errno with
 * 'err' set. */
int gs_owners_from_json(struct json_object *o, struct gs_owners *h, char *err, size_t errlen);

#endif
