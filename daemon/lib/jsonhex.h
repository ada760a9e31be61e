/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/* Addresses and roots in JSON: "0x..." strings (a JSON number loses the
 * upper bits of a 64-bit value in most readers); one form for gschedctl's
 * tables and gschedd's replies alike. */
#ifndef GSCHED_LIB_JSONHEX_H
#define GSCHED_LIB_JSONHEX_H
#include <stdio.h>
#include <json-c/json.h>

static inline struct json_object *gs_json_hex(unsigned long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	return json_object_new_string(buf);
}

#endif
