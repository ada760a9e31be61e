// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Profile types from a kernel's BTF, for guest kernels without DWARF: the
 * .BTF section of a vmlinux ELF (e.g. extracted from a vmlinuz), read with
 * gsched's own BTF reader (kmod/core/btf.c, shared with the module). Writes
 * the same ISF as dwarf.c: every wanted struct/union in full, the anonymous
 * ones inside them as "unnamed_<btf id>", the named structs they embed one
 * level deep, the enums they use. Symbols come from System.map (elfsym.c).
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/btf.h"
#include "profile/isfgen.h"
#include "profile/want.h"

#define MAX_PENDING 4096
#define MAX_DEPTH 32
#define VIA_PTR 1000

struct bg {
	struct gs_btf btf;
	struct isfgen *g;
	struct { u32 id; char name[96]; int level; } pending[MAX_PENDING];
	int npending, level;
};

static void pend(struct bg *w, u32 id, const char *name, int level)
{
	for (int i = 0; i < w->npending; i++)
		if (w->pending[i].id == id || !strcmp(w->pending[i].name, name))
			return;
	if (w->npending == MAX_PENDING)
		return;
	w->pending[w->npending].id = id;
	w->pending[w->npending].level = level;
	snprintf(w->pending[w->npending].name, sizeof(w->pending[0].name), "%s", name);
	w->npending++;
}

static struct json_object *void_type(struct bg *w)
{
	return isfgen_base(w->g, "void", 0, 0, "void");
}

/* The complete struct/union named like a forward declaration, if any. */
static u32 complete(struct bg *w, u32 id, struct gs_btf_info *in)
{
	u32 def;

	if (in->kind == GS_BTF_FWD && in->name[0] &&
	    !gs_btf_find(&w->btf, in->kflag ? GS_BTF_UNION : GS_BTF_STRUCT, in->name, &def))
		return def;
	return id;
}

static struct json_object *type_desc(struct bg *w, u32 id, int depth)
{
	struct gs_btf_info in;
	struct json_object *t;
	char buf[96];
	u32 elem, n, enc;

	if (!id || depth % VIA_PTR > MAX_DEPTH || depth > 8 * VIA_PTR || gs_btf_info(&w->btf, id, &in))
		return void_type(w);
	switch (in.kind) {
	case GS_BTF_INT:
		gs_btf_int_enc(&w->btf, id, &enc);
		return isfgen_base(w->g, in.name, in.size_or_type, enc & 1,
				   enc & 4 ? "bool" : enc & 2 ? "char" : "int");
	case GS_BTF_FLOAT:
		return isfgen_base(w->g, in.name, in.size_or_type, 1, "float");
	case GS_BTF_PTR:
		t = json_object_new_object();
		json_object_object_add(t, "kind", json_object_new_string("pointer"));
		json_object_object_add(t, "subtype", type_desc(w, in.size_or_type, depth + VIA_PTR + 1));
		return t;
	case GS_BTF_TYPEDEF: {
		struct gs_btf_info s;

		if (!gs_btf_info(&w->btf, in.size_or_type, &s) &&
		    (s.kind == GS_BTF_STRUCT || s.kind == GS_BTF_UNION) && !s.name[0]) {
			pend(w, in.size_or_type, in.name, w->level);
			return isfgen_ref(s.kind == GS_BTF_UNION ? "union" : "struct", in.name);
		}
		return type_desc(w, in.size_or_type, depth + 1);
	}
	case GS_BTF_CONST: case GS_BTF_VOLATILE: case GS_BTF_RESTRICT: case GS_BTF_TYPE_TAG:
		return type_desc(w, in.size_or_type, depth + 1);
	case GS_BTF_FWD: case GS_BTF_STRUCT: case GS_BTF_UNION: {
		const char *kind = in.kind == GS_BTF_UNION || (in.kind == GS_BTF_FWD && in.kflag) ?
				   "union" : "struct";

		if (!in.name[0]) {
			snprintf(buf, sizeof(buf), "unnamed_%x", id);
			pend(w, id, buf, w->level);
			return isfgen_ref(kind, buf);
		}
		if (w->level == 0 && depth < VIA_PTR)
			pend(w, complete(w, id, &in), in.name, 1);
		return isfgen_ref(kind, in.name);
	}
	case GS_BTF_ENUM: case GS_BTF_ENUM64:
		if (!in.name[0])
			snprintf(buf, sizeof(buf), "unnamed_%x", id);
		else
			snprintf(buf, sizeof(buf), "%s", in.name);
		pend(w, id, buf, w->level);
		return isfgen_ref("enum", buf);
	case GS_BTF_ARRAY:
		if (gs_btf_array(&w->btf, id, &elem, &n))
			return void_type(w);
		t = json_object_new_object();
		json_object_object_add(t, "kind", json_object_new_string("array"));
		json_object_object_add(t, "count", json_object_new_uint64(n));
		json_object_object_add(t, "subtype", type_desc(w, elem, depth + 1));
		return t;
	case GS_BTF_FUNC_PROTO:
		t = json_object_new_object();
		json_object_object_add(t, "kind", json_object_new_string("function"));
		return t;
	}
	return void_type(w);
}

static void write_enum(struct bg *w, u32 id, const char *name, const struct gs_btf_info *in)
{
	struct json_object *e = json_object_new_object(), *cs = json_object_new_object();
	const char *base = in->size_or_type == 8 ? "long unsigned int" : "unsigned int";

	for (u32 i = 0; in->kind == GS_BTF_ENUM && i < in->vlen; i++) {
		const char *cn;
		s32 v;

		if (!gs_btf_enum_at(&w->btf, id, i, &cn, &v))
			json_object_object_add(cs, cn, json_object_new_int64(v));
	}
	json_object_object_add(e, "size", json_object_new_uint64(in->size_or_type));
	json_object_object_add(e, "base", json_object_new_string(base));
	json_object_object_add(e, "constants", cs);
	isfgen_base(w->g, base, in->size_or_type, 0, "int");
	json_object_object_add(w->g->enums, name, e);
}

static void write_type(struct bg *w, u32 id, const char *name)
{
	struct json_object *u, *fields;
	struct gs_btf_info in;

	if (gs_btf_info(&w->btf, id, &in))
		return;
	if (in.kind == GS_BTF_ENUM || in.kind == GS_BTF_ENUM64) {
		if (!json_object_object_get_ex(w->g->enums, name, NULL))
			write_enum(w, id, name, &in);
		return;
	}
	if ((in.kind != GS_BTF_STRUCT && in.kind != GS_BTF_UNION) ||
	    json_object_object_get_ex(w->g->user_types, name, NULL))
		return;
	u = json_object_new_object();
	fields = json_object_new_object();
	for (u32 i = 0; i < in.vlen; i++) {
		struct json_object *f = json_object_new_object(), *t;
		const char *mn;
		char anon[64];
		u32 type, bit_off, bits, size = 0;
		uint64_t off;

		if (gs_btf_member_at(&w->btf, id, i, &mn, &type, &bit_off, &bits)) {
			json_object_put(f);
			continue;
		}
		t = type_desc(w, type, 0);
		off = bit_off / 8;
		if (!mn[0]) {
			snprintf(anon, sizeof(anon), "unnamed_field_%x_%u", id, i);
			mn = anon;
			json_object_object_add(f, "anonymous", json_object_new_boolean(1));
		}
		if (bits || bit_off % 8) {
			struct json_object *bf = json_object_new_object();

			if (gs_btf_size(&w->btf, type, &size) || !size)
				size = 4;
			off = bit_off / (size * 8) * size;
			json_object_object_add(bf, "kind", json_object_new_string("bitfield"));
			json_object_object_add(bf, "bit_length", json_object_new_uint64(bits));
			json_object_object_add(bf, "bit_position", json_object_new_uint64(bit_off - off * 8));
			json_object_object_add(bf, "type", t);
			t = bf;
		}
		json_object_object_add(f, "type", t);
		json_object_object_add(f, "offset", json_object_new_uint64(off));
		json_object_object_add(fields, mn, f);
	}
	json_object_object_add(u, "size", json_object_new_uint64(in.size_or_type));
	json_object_object_add(u, "fields", fields);
	json_object_object_add(u, "kind", json_object_new_string(in.kind == GS_BTF_UNION ? "union" : "struct"));
	json_object_object_add(w->g->user_types, name, u);
}

/* The .BTF section of an ELF file, copied out (caller frees). */
static void *read_btf(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf_Scn *scn = NULL;
	void *out = NULL;
	size_t shstr;
	Elf *e;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %m", path);
		return NULL;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstr)) {
		snprintf(err, errlen, "%s: not an ELF file", path);
		goto out;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		const char *n;

		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(e, shstr, sh.sh_name)) || strcmp(n, ".BTF"))
			continue;
		d = elf_getdata(scn, NULL);
		if (d && d->d_size && (out = malloc(d->d_size))) {
			memcpy(out, d->d_buf, d->d_size);
			*len = d->d_size;
		}
		break;
	}
	if (!out)
		snprintf(err, errlen, "%s: no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF?)", path);
out:
	if (e)
		elf_end(e);
	close(fd);
	return out;
}

int isfgen_btf_types(struct isfgen *g, const char *path)
{
	struct bg *w = calloc(1, sizeof(*w));
	size_t len = 0;
	void *data = read_btf(path, &len, g->err, sizeof(g->err));
	u32 nr = 0, *index = NULL;
	int rc = -1, err;

	if (!w || !data)
		goto out;
	w->g = g;
	err = gs_btf_count(data, (u32)len, &nr);
	if (!err && !(index = calloc(nr ? nr : 1, sizeof(*index))))
		err = GS_BTF_ESPACE;
	if (!err)
		err = gs_btf_open(&w->btf, data, (u32)len, NULL, index, nr);
	if (err) {
		snprintf(g->err, sizeof(g->err), "%s: .BTF: %s", path, gs_btf_strerror(err));
		goto out;
	}
	for (int i = 0; profile_want_types[i]; i++) {
		u32 id;

		if (gs_btf_find(&w->btf, GS_BTF_STRUCT, profile_want_types[i], &id) &&
		    gs_btf_find(&w->btf, GS_BTF_UNION, profile_want_types[i], &id)) {
			fprintf(stderr, "profile: warning: %s: no %s in the BTF\n", path, profile_want_types[i]);
			continue;
		}
		pend(w, id, profile_want_types[i], 0);
	}
	for (int i = 0; i < w->npending; i++) { /* grows while we write */
		w->level = w->pending[i].level;
		write_type(w, w->pending[i].id, w->pending[i].name);
	}
	rc = 0;
out:
	free(index);
	free(data);
	free(w);
	return rc;
}
