/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * gschedd's control socket as its clients see it: one JSON object per line
 * over a unix stream socket, one request and one reply per connection.
 * Requests: {"cmd": "suspend"|"resume", "vm": VM, "target": PID|COMM,
 * "thread": bool}, {"cmd": "suspended", "vm": VM}, {"cmd": "status"},
 * {"cmd": "owners", "vm": VM} (lib/owners_json.h).
 * Replies: {"ok": true, ...} or {"ok": false, "error": "...", "busy": bool}.
 */
#ifndef GSCHED_LIB_CTL_H
#define GSCHED_LIB_CTL_H
#include <stddef.h>
#include <json-c/json.h>

#define GS_CTL_SOCKET "/run/gsched/gschedd.sock"
#define GS_CTL_MAX_MSG (16u << 20)   /* bytes in one message */
#define GS_CTL_TIMEOUT_MS 120000     /* a reply (a suspend retries while busy) */

/* $GSCHED_SOCKET, else GS_CTL_SOCKET. */
const char *gs_ctl_path(void);
/* Send 'req' to gschedd at 'path' and read its reply into *reply.
 * 0; -ENOENT or -ECONNREFUSED when no gschedd listens there (the caller
 * may act itself); another -errno with 'err' set. */
int gs_ctl_call(const char *path, struct json_object *req, struct json_object **reply,
		char *err, size_t errlen);
/* One message read from 'fd' (up to a newline or EOF, at most
 * GS_CTL_MAX_MSG bytes, within timeout_ms): 0 with *o, or -errno
 * (-EMSGSIZE, -ETIMEDOUT, -EBADMSG for what is not a JSON object). */
int gs_ctl_read(int fd, struct json_object **o, int timeout_ms);
/* 'o' written to 'fd' as one line; 0 or -errno. */
int gs_ctl_write(int fd, struct json_object *o);

#endif
