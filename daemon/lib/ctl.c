// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedd's control socket, client and framing (ctl.h). */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "lib/ctl.h"
#include "lib/clock.h"

const char *gs_ctl_path(void)
{
	const char *p = getenv("GSCHED_SOCKET");

	return p && p[0] ? p : GS_CTL_SOCKET;
}

int gs_ctl_read(int fd, struct json_object **o, int timeout_ms)
{
	unsigned long long end = gs_mono_ns() + (unsigned long long)timeout_ms * 1000000ULL;
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	int err = 0;

	*o = NULL;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		unsigned long long now = gs_mono_ns();
		ssize_t r;

		if (now >= end) {
			err = -ETIMEDOUT;
			break;
		}
		r = poll(&p, 1, (int)((end - now) / 1000000ULL) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (!r)
			continue;
		if (len + 1 >= cap) {
			char *nb;

			if (cap >= GS_CTL_MAX_MSG) {
				err = -EMSGSIZE;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (!r || memchr(buf + len, '\n', (size_t)r)) {
			len += (size_t)r;
			break;
		}
		len += (size_t)r;
	}
	if (!err) {
		struct json_tokener *tok = json_tokener_new();

		buf[len] = 0;
		*o = tok ? json_tokener_parse_ex(tok, buf, (int)len) : NULL;
		if (tok)
			json_tokener_free(tok);
		if (!*o || !json_object_is_type(*o, json_type_object)) {
			json_object_put(*o);
			*o = NULL;
			err = -EBADMSG;
		}
	}
	free(buf);
	return err;
}

int gs_ctl_write(int fd, struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s);
	char *line = malloc(len + 1), *p = line;
	int err = 0;

	if (!line)
		return -ENOMEM;
	memcpy(line, s, len);
	line[len++] = '\n';
	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = -errno;
			break;
		}
		p += w;
		len -= (size_t)w;
	}
	free(line);
	return err;
}

int gs_ctl_call(const char *path, struct json_object *req, struct json_object **reply,
		char *err, size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, r;

	*reply = NULL;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -errno;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		r = -errno;
		snprintf(err, errlen, "gschedd at %s: %s", path, strerror(-r));
		close(fd);
		return r;
	}
	r = gs_ctl_write(fd, req);
	if (!r)
		r = gs_ctl_read(fd, reply, GS_CTL_TIMEOUT_MS);
	if (r) {
		snprintf(err, errlen, "gschedd at %s: %s", path,
			 r == -EBADMSG ? "reply is not a JSON object" : strerror(-r));
		/* never mistaken for "no gschedd": it is there */
		if (r == -ENOENT || r == -ECONNREFUSED)
			r = -EIO;
	}
	close(fd);
	return r;
}
