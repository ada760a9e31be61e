// SPDX-License-Identifier: GPL-2.0
/* BTF reader (see btf.h). Format: include/uapi/linux/btf.h of the kernel. */
#include "btf.h"

#define GS_BTF_MAGIC 0xeB9F
#define GS_BTF_MAX_DEPTH 16

/* A type record: u32 name_off, u32 info (vlen 0-15, kind 24-28, kind_flag
 * 31), u32 size_or_type, then kind-specific data; read with rd32 (the
 * buffer need not be aligned). */
static u32 rd32(const u8 *p)
{
	return (u32)p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static u32 t_kind(const u8 *t) { return (rd32(t + 4) >> 24) & 0x1f; }
static u32 t_vlen(const u8 *t) { return rd32(t + 4) & 0xffff; }
static bool t_kflag(const u8 *t) { return rd32(t + 4) >> 31; }

const char *gs_btf_strerror(int err)
{
	switch (err) {
	case 0: return "ok";
	case GS_BTF_EHDR: return "bad BTF header";
	case GS_BTF_ETRUNC: return "truncated BTF type section";
	case GS_BTF_EKIND: return "unknown BTF kind";
	case GS_BTF_ESPACE: return "BTF index too small";
	case GS_BTF_ENOENT: return "no such BTF type or member";
	case GS_BTF_ERANGE: return "BTF id or string offset out of range";
	}
	return "unknown BTF error";
}

/* Bytes of kind-specific data following a type, or negative. */
static int t_extra(const u8 *t)
{
	u32 v = t_vlen(t);

	switch (t_kind(t)) {
	case GS_BTF_INT: case GS_BTF_VAR: case GS_BTF_DECL_TAG:
		return 4;
	case GS_BTF_PTR: case GS_BTF_FWD: case GS_BTF_TYPEDEF:
	case GS_BTF_VOLATILE: case GS_BTF_CONST: case GS_BTF_RESTRICT:
	case GS_BTF_FUNC: case GS_BTF_FLOAT: case GS_BTF_TYPE_TAG:
		return 0;
	case GS_BTF_ARRAY:
		return 12;
	case GS_BTF_STRUCT: case GS_BTF_UNION: case GS_BTF_DATASEC:
	case GS_BTF_ENUM64:
		return (int)(12 * v);
	case GS_BTF_ENUM: case GS_BTF_FUNC_PROTO:
		return (int)(8 * v);
	}
	return GS_BTF_EKIND;
}

/* Walk the header and type section; record offsets when index != NULL. */
static int gs_btf_walk(const void *data, u32 len, u32 *index, u32 cap,
		       u32 *nr, const u8 **types, u32 *tlen,
		       const char **strs, u32 *slen)
{
	const u8 *d = data;
	u32 hdr_len, type_off, type_len, str_off, str_len, off = 0, n = 0;

	if (len < 24 || (d[0] | d[1] << 8) != GS_BTF_MAGIC || d[2] != 1)
		return GS_BTF_EHDR;
	hdr_len = rd32(d + 4);
	type_off = rd32(d + 8);
	type_len = rd32(d + 12);
	str_off = rd32(d + 16);
	str_len = rd32(d + 20);
	if (hdr_len < 24 || hdr_len > len ||
	    type_off > len - hdr_len || type_len > len - hdr_len - type_off ||
	    str_off > len - hdr_len || str_len > len - hdr_len - str_off ||
	    (str_len && d[hdr_len + str_off + str_len - 1] != 0))
		return GS_BTF_EHDR;
	*types = d + hdr_len + type_off;
	*tlen = type_len;
	*strs = (const char *)(d + hdr_len + str_off);
	*slen = str_len;
	while (off < type_len) {
		const u8 *t = *types + off;
		int extra;

		if (type_len - off < 12)
			return GS_BTF_ETRUNC;
		extra = t_extra(t);
		if (extra < 0)
			return extra;
		if ((u32)extra > type_len - off - 12)
			return GS_BTF_ETRUNC;
		if (index) {
			if (n >= cap)
				return GS_BTF_ESPACE;
			index[n] = off;
		}
		n++;
		off += 12 + (u32)extra;
	}
	*nr = n;
	return 0;
}

int gs_btf_count(const void *data, u32 len, u32 *nr)
{
	const u8 *types;
	const char *strs;
	u32 tlen, slen;

	return gs_btf_walk(data, len, NULL, 0, nr, &types, &tlen, &strs, &slen);
}

int gs_btf_open(struct gs_btf *b, const void *data, u32 len,
		const struct gs_btf *base, u32 *index, u32 index_cap)
{
	int err = gs_btf_walk(data, len, index, index_cap, &b->nr, &b->types,
			      &b->types_len, &b->strs, &b->strs_len);

	if (err)
		return err;
	b->index = index;
	b->base = base;
	b->first_id = base ? base->first_id + base->nr : 1;
	b->str_base = base ? base->str_base + base->strs_len : 0;
	return 0;
}

static const u8 *gs_btf_type(const struct gs_btf *b, u32 id)
{
	while (b && id < b->first_id)
		b = b->base;
	if (!b || id == 0 || id - b->first_id >= b->nr)
		return NULL;
	return b->types + b->index[id - b->first_id];
}

static const char *gs_btf_str(const struct gs_btf *b, u32 off)
{
	while (b && off < b->str_base)
		b = b->base;
	if (!b || off - b->str_base >= b->strs_len)
		return NULL;
	return b->strs + (off - b->str_base);
}

static bool gs_streq(const char *a, const char *b)
{
	if (!a || !b)
		return false;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int gs_btf_find(const struct gs_btf *b, u32 kind, const char *name, u32 *id)
{
	for (; b; b = b->base) {
		u32 i;

		for (i = 0; i < b->nr; i++) {
			const u8 *t = b->types + b->index[i];

			if (t_kind(t) == kind &&
			    gs_streq(gs_btf_str(b, rd32(t)), name)) {
				*id = b->first_id + i;
				return 0;
			}
		}
	}
	return GS_BTF_ENOENT;
}

/* Follow typedefs and qualifiers to the underlying type. */
static const u8 *gs_btf_resolve(const struct gs_btf *b, u32 *id)
{
	const u8 *t = gs_btf_type(b, *id);
	int depth;

	for (depth = 0; t && depth < GS_BTF_MAX_DEPTH; depth++) {
		switch (t_kind(t)) {
		case GS_BTF_TYPEDEF: case GS_BTF_VOLATILE: case GS_BTF_CONST:
		case GS_BTF_RESTRICT: case GS_BTF_TYPE_TAG:
			*id = rd32(t + 8);
			t = gs_btf_type(b, *id);
			continue;
		}
		return t;
	}
	return NULL;
}

int gs_btf_size(const struct gs_btf *b, u32 id, u32 *size)
{
	const u8 *t = gs_btf_resolve(b, &id);

	if (!t)
		return GS_BTF_ERANGE;
	switch (t_kind(t)) {
	case GS_BTF_STRUCT: case GS_BTF_UNION: case GS_BTF_INT:
	case GS_BTF_ENUM: case GS_BTF_ENUM64: case GS_BTF_FLOAT:
		*size = rd32(t + 8);
		return 0;
	}
	return GS_BTF_ENOENT;
}

int gs_btf_member(const struct gs_btf *b, u32 id, const char *member,
		  u32 *bit_off, u32 *type_id)
{
	const u8 *t = gs_btf_resolve(b, &id), *m;
	u32 i;

	if (!t)
		return GS_BTF_ERANGE;
	if (t_kind(t) != GS_BTF_STRUCT && t_kind(t) != GS_BTF_UNION)
		return GS_BTF_ENOENT;
	for (i = 0, m = t + 12; i < t_vlen(t); i++, m += 12) {
		if (!gs_streq(gs_btf_str(b, rd32(m)), member))
			continue;
		*type_id = rd32(m + 4);
		*bit_off = t_kflag(t) ? rd32(m + 8) & 0xffffff : rd32(m + 8);
		return 0;
	}
	return GS_BTF_ENOENT;
}

struct gs_sbuf {
	char *p;
	u32 len, used;
	bool full;
};

static void gs_sput(struct gs_sbuf *s, const char *str)
{
	while (str && *str) {
		if (s->used + 1 >= s->len) {
			s->full = true;
			break;
		}
		s->p[s->used++] = *str++;
	}
	s->p[s->used] = 0;
}

static int gs_btf_type_str_rec(const struct gs_btf *b, u32 id,
			       struct gs_sbuf *s, int depth)
{
	const u8 *t;

	if (depth > GS_BTF_MAX_DEPTH)
		return GS_BTF_ERANGE;
	if (id == 0) {
		gs_sput(s, "void");
		return 0;
	}
	t = gs_btf_type(b, id);
	if (!t)
		return GS_BTF_ERANGE;
	switch (t_kind(t)) {
	case GS_BTF_PTR: {
		int err = gs_btf_type_str_rec(b, rd32(t + 8), s, depth + 1);

		gs_sput(s, " *");
		return err;
	}
	case GS_BTF_VOLATILE: case GS_BTF_CONST: case GS_BTF_RESTRICT:
	case GS_BTF_TYPE_TAG:
		return gs_btf_type_str_rec(b, rd32(t + 8), s, depth + 1);
	case GS_BTF_STRUCT:
		gs_sput(s, "struct ");
		break;
	case GS_BTF_UNION:
		gs_sput(s, "union ");
		break;
	case GS_BTF_ENUM: case GS_BTF_ENUM64:
		gs_sput(s, "enum ");
		break;
	case GS_BTF_FWD:
		gs_sput(s, t_kflag(t) ? "union " : "struct ");
		break;
	}
	gs_sput(s, gs_btf_str(b, rd32(t)));
	return 0;
}

int gs_btf_type_str(const struct gs_btf *b, u32 id, char *buf, u32 len)
{
	struct gs_sbuf s = { buf, len, 0, false };
	int err;

	if (!len)
		return GS_BTF_ESPACE;
	buf[0] = 0;
	err = gs_btf_type_str_rec(b, id, &s, 0);
	return err ? err : s.full ? GS_BTF_ESPACE : 0;
}

int gs_btf_typedef_proto(const struct gs_btf *b, const char *name,
			 u32 *params, u32 max, u32 *nparams)
{
	const u8 *t, *p;
	u32 id, i;
	int err = gs_btf_find(b, GS_BTF_TYPEDEF, name, &id);

	if (err)
		return err;
	t = gs_btf_type(b, rd32(gs_btf_type(b, id) + 8));
	if (t && t_kind(t) == GS_BTF_PTR)
		t = gs_btf_type(b, rd32(t + 8));
	if (!t || t_kind(t) != GS_BTF_FUNC_PROTO)
		return GS_BTF_ENOENT;
	*nparams = t_vlen(t);
	for (i = 0, p = t + 12; i < t_vlen(t) && i < max; i++, p += 8)
		params[i] = rd32(p + 4);
	return 0;
}

int gs_btf_info(const struct gs_btf *b, u32 id, struct gs_btf_info *out)
{
	const u8 *t = gs_btf_type(b, id);
	const char *n;

	if (!t)
		return GS_BTF_ERANGE;
	n = gs_btf_str(b, rd32(t));
	out->kind = t_kind(t);
	out->vlen = t_vlen(t);
	out->size_or_type = rd32(t + 8);
	out->kflag = t_kflag(t);
	out->name = n ? n : "";
	return 0;
}

int gs_btf_member_at(const struct gs_btf *b, u32 id, u32 idx, const char **name,
		     u32 *type_id, u32 *bit_off, u32 *bits)
{
	const u8 *t = gs_btf_type(b, id), *m;
	const char *n;

	if (!t || (t_kind(t) != GS_BTF_STRUCT && t_kind(t) != GS_BTF_UNION))
		return GS_BTF_ERANGE;
	if (idx >= t_vlen(t))
		return GS_BTF_ENOENT;
	m = t + 12 + 12 * idx;
	n = gs_btf_str(b, rd32(m));
	*name = n ? n : "";
	*type_id = rd32(m + 4);
	*bit_off = t_kflag(t) ? rd32(m + 8) & 0xffffff : rd32(m + 8);
	*bits = t_kflag(t) ? rd32(m + 8) >> 24 : 0;
	return 0;
}

int gs_btf_array(const struct gs_btf *b, u32 id, u32 *elem, u32 *nelems)
{
	const u8 *t = gs_btf_type(b, id);

	if (!t || t_kind(t) != GS_BTF_ARRAY)
		return GS_BTF_ERANGE;
	*elem = rd32(t + 12);
	*nelems = rd32(t + 20);
	return 0;
}

int gs_btf_int_enc(const struct gs_btf *b, u32 id, u32 *enc)
{
	const u8 *t = gs_btf_type(b, id);

	if (!t || t_kind(t) != GS_BTF_INT)
		return GS_BTF_ERANGE;
	*enc = (rd32(t + 12) >> 24) & 0xf;
	return 0;
}

int gs_btf_enum_at(const struct gs_btf *b, u32 id, u32 idx, const char **name, s32 *val)
{
	const u8 *t = gs_btf_type(b, id), *e;
	const char *n;

	if (!t || t_kind(t) != GS_BTF_ENUM)
		return GS_BTF_ERANGE;
	if (idx >= t_vlen(t))
		return GS_BTF_ENOENT;
	e = t + 12 + 8 * idx;
	n = gs_btf_str(b, rd32(e));
	*name = n ? n : "";
	*val = (s32)rd32(e + 4);
	return 0;
}

u32 gs_btf_last_id(const struct gs_btf *b)
{
	return b->first_id + b->nr - 1;
}
