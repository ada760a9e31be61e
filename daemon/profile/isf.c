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

/*
 * A profile is a file anyone may have written (gschedctl searches several
 * directories): every value is type-checked before use, offsets and sizes
 * are bounded (PROFILE_MAX_OFFSET), and every lookup has a step budget, so
 * a corrupt or hostile profile is refused, never followed.
 */
#define PROFILE_MAX_OFFSET (1ULL << 20) /* no kernel struct is 1 MiB */
#define LOOKUP_STEPS 4096               /* members visited by one lookup */

/* o[key] if o is an object and the value has type 'type', else NULL. */
static struct json_object *get(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static const char *get_str(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

/* A non-negative integer value; 0 or -1. */
static int get_u64(struct json_object *o, const char *key, uint64_t *out)
{
	struct json_object *v = get(o, key, json_type_int);

	if (!v || json_object_get_int64(v) < 0) /* a uint64 above INT64_MAX reads INT64_MAX */
		return -1;
	*out = json_object_get_uint64(v);
	return 0;
}

/* A non-negative integer no larger than PROFILE_MAX_OFFSET; 0 or -1. */
static int get_small(struct json_object *o, const char *key, uint64_t *out)
{
	return get_u64(o, key, out) || *out > PROFILE_MAX_OFFSET ? -1 : 0;
}

static int get_bool(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key, json_type_boolean);

	return v && json_object_get_boolean(v);
}

static int profile_from(struct json_object *root, const char *name, struct profile **out,
			char *err, size_t errlen)
{
	struct profile *p = calloc(1, sizeof(*p));
	const char *b;

	if (!p) {
		json_object_put(root);
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	p->root = root;
	p->user_types = get(root, "user_types", json_type_object);
	p->symbols = get(root, "symbols", json_type_object);
	p->base_types = get(root, "base_types", json_type_object);
	if (!p->user_types || !p->symbols || !p->base_types) {
		snprintf(err, errlen, "%s: not an ISF profile (needs the objects user_types, base_types and symbols)", name);
		goto bad;
	}
	/* The banner: linux_banner's constant_data (as dwarf2json writes it),
	 * or metadata.linux.banner (gsched's profiles before 0.2). */
	if ((b = get_str(get(p->symbols, "linux_banner", json_type_object), "constant_data")))
		p->banner = b64dec(b);
	else if ((b = get_str(get(get(root, "metadata", json_type_object), "linux", json_type_object), "banner")))
		p->banner = strdup(b);
	p->path = strdup(name);
	if (!p->path) {
		snprintf(err, errlen, "%s: out of memory", name);
		goto bad;
	}
	*out = p;
	return 0;
bad:
	profile_free(p);
	return -1;
}

int profile_load(const char *path, struct profile **out, char *err, size_t errlen)
{
	struct json_object *root = json_object_from_file(path);

	if (!root) {
		snprintf(err, errlen, "%s: not a readable JSON file (%s)", path, json_util_get_last_err());
		return -1;
	}
	return profile_from(root, path, out, err, errlen);
}

int profile_load_buf(const char *name, const char *buf, size_t len, struct profile **out,
		     char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;

	if (!tok) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	root = json_tokener_parse_ex(tok, buf, (int)(len > INT32_MAX ? INT32_MAX : len));
	if (!root || json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(err, errlen, "%s: not JSON (%s)", name,
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		json_object_put(root);
		json_tokener_free(tok);
		return -1;
	}
	json_tokener_free(tok);
	return profile_from(root, name, out, err, errlen);
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
	return name ? get(p->user_types, name, json_type_object) : NULL;
}

/* The size of a type descriptor ({"kind": ..., "name": ...}); 0 or -1. */
static int desc_size(const struct profile *p, struct json_object *d, uint64_t *size, int depth)
{
	struct json_object *sub, *t;
	const char *kind = get_str(d, "kind"), *name = get_str(d, "name");
	uint64_t es, cnt;

	if (depth > 16 || !kind)
		return -1;
	if (!strcmp(kind, "pointer")) {
		*size = 8;
		return 0;
	}
	if (!strcmp(kind, "array")) {
		if (get_small(d, "count", &cnt) || !(sub = get(d, "subtype", json_type_object)) ||
		    desc_size(p, sub, &es, depth + 1) || es * cnt > PROFILE_MAX_OFFSET)
			return -1;
		*size = es * cnt;
		return 0;
	}
	if (!strcmp(kind, "bitfield"))
		return (sub = get(d, "type", json_type_object)) ? desc_size(p, sub, size, depth + 1) : -1;
	if (!name)
		return -1;
	if (!strcmp(kind, "base")) {
		t = get(p->base_types, name, json_type_object);
		return get_small(t, "size", size);
	}
	if (!strcmp(kind, "enum")) {
		t = get(get(p->root, "enums", json_type_object), name, json_type_object);
		if (t && !get_small(t, "size", size))
			return 0;
		*size = 4;
		return 0;
	}
	return profile_size(p, name, size);
}

int profile_size(const struct profile *p, const char *type, uint64_t *size)
{
	return get_small(utype(p, type), "size", size);
}

/* Find member 'name' of type 't' (searching anonymous members, at most
 * 8 deep and *steps members in all: a type that contains itself, or a
 * fan-out of anonymous members, ends the search); its offset and type
 * descriptor. */
static int find_member(const struct profile *p, struct json_object *t, const char *name,
		       uint64_t *off, struct json_object **desc, int depth, int *steps)
{
	struct json_object *fields = get(t, "fields", json_type_object), *f, *d;

	if (depth > 8 || !fields)
		return -1;
	f = get(fields, name, json_type_object);
	if (f && !get_small(f, "offset", off) && (d = get(f, "type", json_type_object))) {
		*desc = d;
		return 0;
	}
	json_object_object_foreach(fields, fname, fv) {
		uint64_t o, sub;

		(void)fname;
		if (--*steps < 0)
			return -1;
		if (!get_bool(fv, "anonymous") || get_small(fv, "offset", &o) ||
		    !(d = get(fv, "type", json_type_object)))
			continue;
		if (!find_member(p, utype(p, get_str(d, "name")), name, &sub, desc, depth + 1, steps) &&
		    o + sub <= PROFILE_MAX_OFFSET) {
			*off = o + sub;
			return 0;
		}
	}
	return -1;
}

static int resolve(const struct profile *p, const char *type, const char *member,
		   uint64_t *off, struct json_object **desc)
{
	char buf[256], *save = NULL, *part;
	struct json_object *t = utype(p, type), *d = NULL;
	uint64_t total = 0;
	int steps = LOOKUP_STEPS;

	if (snprintf(buf, sizeof(buf), "%s", member) >= (int)sizeof(buf))
		return -1;
	for (part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
		uint64_t o;

		if (!t && d) { /* descend into the previous member's struct type */
			const char *k = get_str(d, "kind");

			if (!k || (strcmp(k, "struct") && strcmp(k, "union")))
				return -1;
			t = utype(p, get_str(d, "name"));
		}
		if (find_member(p, t, part, &o, &d, 0, &steps))
			return -1;
		total += o;
		if (total > PROFILE_MAX_OFFSET)
			return -1;
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
	return get_u64(get(p->symbols, name, json_type_object), "address", addr);
}

static int fields_of(const struct profile *p, struct json_object *t, uint64_t base,
		     profile_field_fn fn, void *arg, int depth, int *steps)
{
	struct json_object *fields = get(t, "fields", json_type_object), *d;
	int count = 0;

	if (depth > 8 || !fields)
		return depth ? 0 : -1;
	json_object_object_foreach(fields, fname, fv) {
		uint64_t size = 0, o, bl, bp;
		const char *k;

		if (--*steps < 0)
			break;
		if (get_small(fv, "offset", &o) || !(d = get(fv, "type", json_type_object)) ||
		    base + o > PROFILE_MAX_OFFSET)
			continue;
		if (get_bool(fv, "anonymous")) {
			count += fields_of(p, utype(p, get_str(d, "name")), base + o, fn, arg, depth + 1, steps);
			continue;
		}
		desc_size(p, d, &size, 0);
		k = get_str(d, "kind");
		if (k && !strcmp(k, "bitfield") && !get_small(d, "bit_length", &bl) &&
		    !get_small(d, "bit_position", &bp))
			fn(fname, base + o, size, (unsigned)bp, (unsigned)bl, arg);
		else
			fn(fname, base + o, size, 0, 0, arg);
		count++;
	}
	return count;
}

int profile_fields(const struct profile *p, const char *type, profile_field_fn fn, void *arg)
{
	int steps = LOOKUP_STEPS * 4;

	return fields_of(p, utype(p, type), 0, fn, arg, 0, &steps);
}
