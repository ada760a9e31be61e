// SPDX-License-Identifier: GPL-2.0 OR MIT
#define _GNU_SOURCE /* accept4, struct ucred */
/* gschedd's control socket (lib/ctl.h for the protocol): a unix socket,
 * mode 0660 with the readers' group; each peer's credentials from the
 * kernel (SO_PEERCRED and its groups): changing guests is root's, reading
 * is also the readers group's. */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "gschedd/gschedd.h"
#include "lib/ctl.h"

#define REQUEST_TIMEOUT_MS 5000  /* a peer that connects and says nothing */
#define MAX_GROUPS 256

int gd_control_listen(struct gd *d, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)], *slash;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0755) && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	/* a socket left by a gschedd that died goes; a live one's stays */
	if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		snprintf(err, errlen, "%s: another gschedd is listening there", path);
		close(fd);
		return -1;
	}
	if (errno == ECONNREFUSED)
		unlink(path);
	close(fd);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(path, d->readers == (gid_t)-1 ? 0600 : 0660) ||
	    (d->readers != (gid_t)-1 && chown(path, 0, d->readers)) || listen(fd, 16)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	d->listen_fd = fd;
	return 0;
}

/* The peer's supplementary groups, from /proc/PID/status (0 if unknown). */
static int peer_groups(pid_t pid, gid_t *groups, int max)
{
	char path[64], line[4096];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		char *p = line + 7, *end;

		if (strncmp(line, "Groups:", 7))
			continue;
		while (n < max) {
			unsigned long g = strtoul(p, &end, 10);

			if (end == p)
				break;
			groups[n++] = (gid_t)g;
			p = end;
		}
		break;
	}
	fclose(f);
	return n;
}

void gd_control_serve(struct gd *d)
{
	struct json_object *req = NULL, *reply, *cmd;
	struct ucred cr;
	socklen_t len = sizeof(cr);
	gid_t groups[MAX_GROUPS];
	int fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC), ng, r;
	const char *c;

	if (fd < 0)
		return;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len)) {
		close(fd);
		return;
	}
	r = gs_ctl_read(fd, &req, REQUEST_TIMEOUT_MS);
	if (r) {
		reply = json_object_new_object();
		json_object_object_add(reply, "ok", json_object_new_boolean(0));
		json_object_object_add(reply, "error", json_object_new_string(
			r == -EBADMSG ? "request is not a JSON object" : r == -EMSGSIZE ? "request too long" :
			"no request"));
		goto send;
	}
	c = json_object_object_get_ex(req, "cmd", &cmd) ? json_object_get_string(cmd) : "";
	ng = peer_groups(cr.pid, groups, MAX_GROUPS);
	if (!gd_control_may(c ? c : "", cr.uid, cr.gid, groups, ng, d->readers)) {
		reply = json_object_new_object();
		json_object_object_add(reply, "ok", json_object_new_boolean(0));
		json_object_object_add(reply, "error", json_object_new_string(
			gd_request_changes(c ? c : "") ? "permission denied: only root suspends and resumes" :
			"permission denied: root or the readers group (gschedd --group) only"));
		gd_log(5, "refused '%s' from uid %u pid %d", gd_request_changes(c ? c : "") ? c : "request",
		       (unsigned)cr.uid, (int)cr.pid);
		goto send;
	}
	reply = gd_request(d, req, cr.uid, cr.pid);
send:
	gs_ctl_write(fd, reply);
	json_object_put(reply);
	json_object_put(req);
	close(fd);
}
