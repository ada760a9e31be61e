// SPDX-License-Identifier: GPL-2.0 OR MIT
/* ISF profile loader (see isf.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "profile/isf.h"

struct profile {
	struct json_object *root, *base_types, *user_types, *symbols;
	char *banner;
	char *path;
};

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

static char *b64dec(const char *in)
{
	size_t n = strlen(in), o = 0;
	char *out = malloc(n / 4 * 3 + 4);
	unsigned v = 0;
	int bits = 0;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		int d = b64val((unsigned char)in[i]);

		if (d < 0)
			continue;
		v = v << 6 | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)(v >> bits & 0xff);
		}
	}
	out[o] = 0;
	return out;
}

int profile_load(const char *path, struct profile **out, char *err, size_t errlen)
{
	struct profile *p = calloc(1, sizeof(*p));
	struct json_object *meta, *lx, *b, *sym, *cd;

	if (!p) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	p->root = json_object_from_file(path);
	if (!p->root) {
		snprintf(err, errlen, "%s: not a readable JSON file (%s)", path, json_util_get_last_err());
		goto bad;
	}
	if (!json_object_object_get_ex(p->root, "user_types", &p->user_types) ||
	    !json_object_object_get_ex(p->root, "symbols", &p->symbols) ||
	    !json_object_object_get_ex(p->root, "base_types", &p->base_types) ||
	    !json_object_is_type(p->user_types, json_type_object) ||
	    !json_object_is_type(p->symbols, json_type_object)) {
		snprintf(err, errlen, "%s: not an ISF profile (needs user_types, base_types and symbols)", path);
		goto bad;
	}
	if (json_object_object_get_ex(p->root, "metadata", &meta) &&
	    json_object_object_get_ex(meta, "linux", &lx) &&
	    json_object_object_get_ex(lx, "banner", &b) && json_object_is_type(b, json_type_string))
		p->banner = strdup(json_object_get_string(b));
	else if (json_object_object_get_ex(p->symbols, "linux_banner", &sym) &&
		 json_object_object_get_ex(sym, "constant_data", &cd))
		p->banner = b64dec(json_object_get_string(cd));
	p->path = strdup(path);
	*out = p;
	return 0;
bad:
	profile_free(p);
	return -1;
}

void profile_free(struct profile *p)
{
	if (!p)
		return;
	json_object_put(p->root);
	free(p->banner);
	free(p->path);
	free(p);
}

const char *profile_banner(const struct profile *p)
{
	return p->banner;
}

const char *profile_path(const struct profile *p)
{
	return p->path;
}

static struct json_object *utype(const struct profile *p, const char *name)
{
	struct json_object *t;

	return json_object_object_get_ex(p->user_types, name, &t) ? t : NULL;
}

static uint64_t u64_of(struct json_object *o)
{
	return o ? json_object_get_uint64(o) : 0;
}

/* The size of a type descriptor ({"kind": ..., "name": ...}); 0 or -1. */
static int desc_size(const struct profile *p, struct json_object *d, uint64_t *size, int depth)
{
	struct json_object *k, *n, *sub, *cnt, *t;
	const char *kind;

	if (depth > 16 || !json_object_object_get_ex(d, "kind", &k))
		return -1;
	kind = json_object_get_string(k);
	if (!strcmp(kind, "pointer")) {
		*size = 8;
		return 0;
	}
	if (!strcmp(kind, "array")) {
		uint64_t es;

		if (!json_object_object_get_ex(d, "count", &cnt) ||
		    !json_object_object_get_ex(d, "subtype", &sub) || desc_size(p, sub, &es, depth + 1))
			return -1;
		*size = es * u64_of(cnt);
		return 0;
	}
	if (!strcmp(kind, "bitfield"))
		return json_object_object_get_ex(d, "type", &sub) ? desc_size(p, sub, size, depth + 1) : -1;
	if (!json_object_object_get_ex(d, "name", &n))
		return -1;
	if (!strcmp(kind, "base")) {
		if (!json_object_object_get_ex(p->base_types, json_object_get_string(n), &t) ||
		    !json_object_object_get_ex(t, "size", &t))
			return -1;
		*size = u64_of(t);
		return 0;
	}
	if (!strcmp(kind, "enum")) {
		struct json_object *enums, *e, *s;

		if (json_object_object_get_ex(p->root, "enums", &enums) &&
		    json_object_object_get_ex(enums, json_object_get_string(n), &e) &&
		    json_object_object_get_ex(e, "size", &s)) {
			*size = u64_of(s);
			return 0;
		}
		*size = 4;
		return 0;
	}
	return profile_size(p, json_object_get_string(n), size);
}

int profile_size(const struct profile *p, const char *type, uint64_t *size)
{
	struct json_object *t = utype(p, type), *s;

	if (!t || !json_object_object_get_ex(t, "size", &s))
		return -1;
	*size = u64_of(s);
	return 0;
}

/* Find member 'name' of type 't' (searching anonymous members); its offset
 * and type descriptor. */
static int find_member(const struct profile *p, struct json_object *t, const char *name,
		       uint64_t *off, struct json_object **desc, int depth)
{
	struct json_object *fields, *f, *o, *d, *n, *a;

	if (depth > 8 || !t || !json_object_object_get_ex(t, "fields", &fields))
		return -1;
	if (json_object_object_get_ex(fields, name, &f) &&
	    json_object_object_get_ex(f, "offset", &o) && json_object_object_get_ex(f, "type", &d)) {
		*off = u64_of(o);
		*desc = d;
		return 0;
	}
	json_object_object_foreach(fields, fname, fv) {
		uint64_t sub;

		(void)fname;
		if (!json_object_object_get_ex(fv, "anonymous", &a) || !json_object_get_boolean(a) ||
		    !json_object_object_get_ex(fv, "type", &d) || !json_object_object_get_ex(d, "name", &n) ||
		    !json_object_object_get_ex(fv, "offset", &o))
			continue;
		if (!find_member(p, utype(p, json_object_get_string(n)), name, &sub, desc, depth + 1)) {
			*off = u64_of(o) + sub;
			return 0;
		}
	}
	return -1;
}

static int resolve(const struct profile *p, const char *type, const char *member,
		   uint64_t *off, struct json_object **desc)
{
	char buf[256], *save = NULL, *part;
	struct json_object *t = utype(p, type), *d = NULL, *n, *k;
	uint64_t total = 0;

	if (snprintf(buf, sizeof(buf), "%s", member) >= (int)sizeof(buf))
		return -1;
	for (part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
		uint64_t o;

		if (!t && d) { /* descend into the previous member's struct type */
			if (!json_object_object_get_ex(d, "kind", &k) ||
			    (strcmp(json_object_get_string(k), "struct") &&
			     strcmp(json_object_get_string(k), "union")) ||
			    !json_object_object_get_ex(d, "name", &n))
				return -1;
			t = utype(p, json_object_get_string(n));
		}
		if (find_member(p, t, part, &o, &d, 0))
			return -1;
		total += o;
		t = NULL;
	}
	*off = total;
	if (desc)
		*desc = d;
	return 0;
}

int profile_offset(const struct profile *p, const char *type, const char *member, uint64_t *off)
{
	return resolve(p, type, member, off, NULL);
}

int profile_member_size(const struct profile *p, const char *type, const char *member,
			uint64_t *size)
{
	struct json_object *d;
	uint64_t off;

	if (resolve(p, type, member, &off, &d))
		return -1;
	return desc_size(p, d, size, 0);
}

int profile_symbol(const struct profile *p, const char *name, uint64_t *addr)
{
	struct json_object *s, *a;

	if (!json_object_object_get_ex(p->symbols, name, &s) ||
	    !json_object_object_get_ex(s, "address", &a))
		return -1;
	*addr = u64_of(a);
	return 0;
}

static int fields_of(const struct profile *p, struct json_object *t, uint64_t base,
		     profile_field_fn fn, void *arg, int depth)
{
	struct json_object *fields, *o, *d, *a, *k, *n, *bl, *bp;
	int count = 0;

	if (depth > 8 || !t || !json_object_object_get_ex(t, "fields", &fields))
		return depth ? 0 : -1;
	json_object_object_foreach(fields, fname, fv) {
		uint64_t size = 0;

		if (!json_object_object_get_ex(fv, "offset", &o) ||
		    !json_object_object_get_ex(fv, "type", &d))
			continue;
		if (json_object_object_get_ex(fv, "anonymous", &a) && json_object_get_boolean(a)) {
			if (json_object_object_get_ex(d, "name", &n))
				count += fields_of(p, utype(p, json_object_get_string(n)),
						   base + u64_of(o), fn, arg, depth + 1);
			continue;
		}
		desc_size(p, d, &size, 0);
		if (json_object_object_get_ex(d, "kind", &k) &&
		    !strcmp(json_object_get_string(k), "bitfield") &&
		    json_object_object_get_ex(d, "bit_length", &bl) &&
		    json_object_object_get_ex(d, "bit_position", &bp))
			fn(fname, base + u64_of(o), size, (unsigned)u64_of(bp), (unsigned)u64_of(bl), arg);
		else
			fn(fname, base + u64_of(o), size, 0, 0, arg);
		count++;
	}
	return count;
}

int profile_fields(const struct profile *p, const char *type, profile_field_fn fn, void *arg)
{
	return fields_of(p, utype(p, type), 0, fn, arg, 0);
}
