// SPDX-License-Identifier: GPL-2.0 OR MIT
/* gschedd's journal of suspended guest threads (journal.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <json-c/json.h>
#include "gschedd/journal.h"

#define JOURNAL_MAX_LINE 4096
#define JOURNAL_MAX_RECORDS 1000000

static const char *const keys[] = { "vm_pid", "vm_start", "vm", "pid", "tgid", "task", "comm",
				    "since", "by_uid", "by_pid" };

static int grow(struct gs_journal *j, size_t n)
{
	struct gs_jrec *r;
	size_t cap = j->cap ? j->cap : 16;

	if (n <= j->cap)
		return 0;
	if (n > JOURNAL_MAX_RECORDS)
		return -1;
	while (cap < n)
		cap *= 2;
	r = realloc(j->r, cap * sizeof(*r));
	if (!r)
		return -1;
	j->r = r;
	j->cap = cap;
	return 0;
}

/* One line's record; 0 or -1 with 'what' set. */
static int parse_line(const char *line, struct gs_jrec *r, char *what, size_t wl)
{
	struct json_object *o = json_tokener_parse(line), *v;
	int64_t num[10];
	const char *str[10] = { 0 };
	int ret = -1;

	memset(r, 0, sizeof(*r));
	if (!o || !json_object_is_type(o, json_type_object)) {
		snprintf(what, wl, "not a JSON object");
		goto out;
	}
	json_object_object_foreach(o, k, val) {
		size_t i;

		(void)val;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]) && strcmp(k, keys[i]); i++)
			;
		if (i == sizeof(keys) / sizeof(keys[0])) {
			char ek[GS_ESCAPED_SIZE(32)];

			gs_escape(ek, sizeof(ek), k, strlen(k));
			snprintf(what, wl, "unknown key '%.64s'", ek);
			goto out;
		}
	}
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		int is_str = !strcmp(keys[i], "vm") || !strcmp(keys[i], "comm") || !strcmp(keys[i], "task");

		if (!json_object_object_get_ex(o, keys[i], &v) ||
		    !json_object_is_type(v, is_str ? json_type_string : json_type_int)) {
			snprintf(what, wl, "'%s' missing or not a %s", keys[i], is_str ? "string" : "number");
			goto out;
		}
		if (is_str)
			str[i] = json_object_get_string(v);
		else
			num[i] = json_object_get_int64(v);
	}
	if (num[0] <= 0 || num[0] > INT32_MAX || num[1] < 0 || num[3] <= 0 || num[3] > INT32_MAX ||
	    num[4] <= 0 || num[4] > INT32_MAX || num[8] < 0 || num[8] > UINT32_MAX ||
	    num[9] < 0 || num[9] > INT32_MAX) {
		snprintf(what, wl, "a number out of range");
		goto out;
	}
	if (sscanf(str[5], "0x%" SCNx64, &r->task) != 1 || !r->task) {
		snprintf(what, wl, "'task' is not a hex address");
		goto out;
	}
	if (strlen(str[2]) >= sizeof(r->vm) || strlen(str[6]) >= sizeof(r->comm)) {
		snprintf(what, wl, "'vm' or 'comm' too long");
		goto out;
	}
	r->vm_pid = (int32_t)num[0];
	r->vm_start = (uint64_t)num[1];
	r->pid = (int32_t)num[3];
	r->tgid = (int32_t)num[4];
	r->since = num[7];
	r->by_uid = (uint32_t)num[8];
	r->by_pid = (int32_t)num[9];
	/* what was escaped when written stays as it is (plain ASCII) */
	gs_escape(r->vm, sizeof(r->vm), str[2], strlen(str[2]));
	if (strcmp(r->vm, str[2]))
		gs_escape(r->vm, sizeof(r->vm), "?", 1);
	gs_escape(r->comm, sizeof(r->comm), str[6], strlen(str[6]));
	if (strcmp(r->comm, str[6]))
		gs_escape(r->comm, sizeof(r->comm), "?", 1);
	ret = 0;
out:
	json_object_put(o);
	return ret;
}

int gs_journal_load(struct gs_journal *j, const char *path, char *err, size_t errlen)
{
	char line[JOURNAL_MAX_LINE + 2], what[128];
	FILE *f;
	int ln = 0;

	memset(j, 0, sizeof(*j));
	if (snprintf(j->path, sizeof(j->path), "%s", path) >= (int)sizeof(j->path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);

		ln++;
		if (l && line[l - 1] == '\n')
			line[--l] = 0;
		else if (!feof(f)) {
			snprintf(err, errlen, "%s:%d: line longer than %d bytes", path, ln, JOURNAL_MAX_LINE);
			goto bad;
		} else {
			/* a last line without its newline: the write that made it
			 * did not finish, yet rename() made it whole: refuse */
			snprintf(err, errlen, "%s:%d: last line not terminated", path, ln);
			goto bad;
		}
		if (!l)
			continue;
		if (grow(j, j->n + 1)) {
			snprintf(err, errlen, "%s:%d: too many records", path, ln);
			goto bad;
		}
		if (parse_line(line, &j->r[j->n], what, sizeof(what))) {
			snprintf(err, errlen, "%s:%d: %s", path, ln, what);
			goto bad;
		}
		j->n++;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto bad;
	}
	fclose(f);
	return 0;
bad:
	fclose(f);
	gs_journal_free(j);
	return -1;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(fd, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

int gs_journal_save(struct gs_journal *j, char *err, size_t errlen)
{
	char tmp[PATH_MAX + 8], dir[PATH_MAX], *slash;
	int fd, dfd, e;

	snprintf(tmp, sizeof(tmp), "%s.new", j->path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < j->n; i++) {
		const struct gs_jrec *r = &j->r[i];
		struct json_object *o = json_object_new_object();
		char hex[24];
		const char *s;
		int bad;

		snprintf(hex, sizeof(hex), "0x%" PRIx64, r->task);
		json_object_object_add(o, "vm_pid", json_object_new_int(r->vm_pid));
		json_object_object_add(o, "vm_start", json_object_new_int64((int64_t)r->vm_start));
		json_object_object_add(o, "vm", json_object_new_string(r->vm));
		json_object_object_add(o, "pid", json_object_new_int(r->pid));
		json_object_object_add(o, "tgid", json_object_new_int(r->tgid));
		json_object_object_add(o, "task", json_object_new_string(hex));
		json_object_object_add(o, "comm", json_object_new_string(r->comm));
		json_object_object_add(o, "since", json_object_new_int64(r->since));
		json_object_object_add(o, "by_uid", json_object_new_int64(r->by_uid));
		json_object_object_add(o, "by_pid", json_object_new_int(r->by_pid));
		s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
		bad = write_all(fd, s, strlen(s)) || write_all(fd, "\n", 1);
		json_object_put(o);
		if (bad)
			goto fail;
	}
	if (fsync(fd))
		goto fail;
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, j->path))
		goto fail;
	snprintf(dir, sizeof(dir), "%s", j->path);
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = 0;
	else
		snprintf(dir, sizeof(dir), ".");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd)) {
		e = errno;
		if (dfd >= 0)
			close(dfd);
		snprintf(err, errlen, "%s: fsync: %s", dir, strerror(e));
		return -1;
	}
	close(dfd);
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	snprintf(err, errlen, "%s: %s", tmp, strerror(e ? e : EIO));
	return -1;
}

static int same(const struct gs_jrec *a, const struct gs_jrec *b)
{
	return a->vm_pid == b->vm_pid && a->vm_start == b->vm_start && a->pid == b->pid &&
	       a->task == b->task;
}

int gs_journal_add(struct gs_journal *j, const struct gs_jrec *r, size_t n, char *err, size_t errlen)
{
	size_t old = j->n;
	struct gs_jrec *keep;

	if (grow(j, j->n + n)) {
		snprintf(err, errlen, "journal: out of memory");
		return -1;
	}
	keep = malloc((old ? old : 1) * sizeof(*keep));
	if (!keep) {
		snprintf(err, errlen, "journal: out of memory");
		return -1;
	}
	memcpy(keep, j->r, old * sizeof(*keep));
	for (size_t i = 0; i < n; i++) {
		size_t k;

		for (k = 0; k < j->n && !same(&j->r[k], &r[i]); k++)
			;
		if (k == j->n)   /* new; a thread already there keeps its first suspend's time */
			j->r[j->n++] = r[i];
		j->r[k].release = 0;
	}
	if (gs_journal_save(j, err, errlen)) {
		memcpy(j->r, keep, old * sizeof(*keep));
		j->n = old;
		free(keep);
		return -1;
	}
	free(keep);
	return 0;
}

long gs_journal_drop_if(struct gs_journal *j, int (*drop)(void *ctx, const struct gs_jrec *r),
			void *ctx, char *err, size_t errlen)
{
	size_t w = 0, old = j->n;
	struct gs_jrec *keep = malloc((old ? old : 1) * sizeof(*keep));

	if (!keep) {
		snprintf(err, errlen, "journal: out of memory");
		return -1;
	}
	memcpy(keep, j->r, old * sizeof(*keep));
	for (size_t i = 0; i < old; i++)
		if (!drop(ctx, &keep[i]))
			j->r[w++] = keep[i];
	j->n = w;
	if (w != old && gs_journal_save(j, err, errlen)) {
		memcpy(j->r, keep, old * sizeof(*keep));
		j->n = old;
		free(keep);
		return -1;
	}
	free(keep);
	return (long)(old - w);
}

static int of_vm(void *ctx, const struct gs_jrec *r)
{
	const struct gs_vm_key *k = ctx;

	return r->vm_pid == k->pid && r->vm_start == k->start;
}

long gs_journal_drop_dead(struct gs_journal *j, int (*alive)(int32_t pid, uint64_t start),
			  void (*gone)(void *ctx, const struct gs_jrec *r, long n), void *ctx,
			  char *err, size_t errlen)
{
	long total = 0;

	for (size_t i = 0; i < j->n;) {
		struct gs_jrec first = j->r[i];
		struct gs_vm_key k = { first.vm_pid, first.vm_start };
		long n;

		if (alive(first.vm_pid, first.vm_start)) {
			i++;
			continue;
		}
		n = gs_journal_drop_if(j, of_vm, &k, err, errlen);
		if (n < 0)
			return -1;
		if (gone)
			gone(ctx, &first, n);
		total += n;
		i = 0;   /* the records shifted */
	}
	return total;
}

void gs_journal_free(struct gs_journal *j)
{
	free(j->r);
	j->r = NULL;
	j->n = j->cap = 0;
}
