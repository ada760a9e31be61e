// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Profile types from a vmlinux's DWARF (libdwarf): one pass over the
 * top-level DIEs of every compilation unit finds the first complete
 * definition of each wanted struct/union; each is then written with all its
 * members (offset, type, bit fields), and the anonymous structs and unions
 * they contain are written as "unnamed_<die offset>" types, as dwarf2json
 * does. Named types a member merely refers to are referred to by name.
 */
#include <fcntl.h>
#include <libdwarf/dwarf.h>
#include <libdwarf/libdwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "profile/isfgen.h"
#include "profile/want.h"

#define MAX_WANT 64
#define MAX_PENDING 4096
#define MAX_DEPTH 32
#define VIA_PTR 1000  /* added to depth below a pointer: not embedded */

#define DEFS_SLOTS (1u << 17)

struct dw {
	Dwarf_Debug dbg;
	struct isfgen *g;
	Dwarf_Off found[MAX_WANT];
	int nwant, nfound;
	struct { Dwarf_Off off; char name[96]; int level; } pending[MAX_PENDING];
	int npending;
	int level;   /* of the type being written: 0 wanted, 1 referenced by one */
	unsigned long units, dies;
	/* first complete definition of every named struct/union: name -> DIE */
	struct { char *name; Dwarf_Off off; } *defs;
};

static unsigned hash_name(const char *s)
{
	unsigned h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static void def_add(struct dw *w, const char *name, Dwarf_Off off)
{
	for (unsigned i = hash_name(name) & (DEFS_SLOTS - 1), n = 0; n < DEFS_SLOTS;
	     i = (i + 1) & (DEFS_SLOTS - 1), n++) {
		if (!w->defs[i].name) {
			w->defs[i].name = strdup(name);
			w->defs[i].off = off;
			return;
		}
		if (!strcmp(w->defs[i].name, name))
			return;
	}
}

static int def_find(struct dw *w, const char *name, Dwarf_Off *off)
{
	for (unsigned i = hash_name(name) & (DEFS_SLOTS - 1), n = 0; n < DEFS_SLOTS && w->defs[i].name;
	     i = (i + 1) & (DEFS_SLOTS - 1), n++)
		if (!strcmp(w->defs[i].name, name)) {
			*off = w->defs[i].off;
			return 0;
		}
	return -1;
}

static Dwarf_Die die_at(struct dw *w, Dwarf_Off off)
{
	Dwarf_Die d = NULL;

	if (dwarf_offdie_b(w->dbg, off, 1, &d, NULL) != DW_DLV_OK)
		return NULL;
	return d;
}

static int attr_u(Dwarf_Die d, Dwarf_Half at, Dwarf_Unsigned *v)
{
	Dwarf_Attribute a;
	Dwarf_Signed s;
	int ok = -1;

	if (dwarf_attr(d, at, &a, NULL) != DW_DLV_OK)
		return -1;
	if (dwarf_formudata(a, v, NULL) == DW_DLV_OK) {
		ok = 0;
	} else if (dwarf_formsdata(a, &s, NULL) == DW_DLV_OK) {
		*v = (Dwarf_Unsigned)s;
		ok = 0;
	}
	dwarf_dealloc_attribute(a);
	return ok;
}

static int attr_ref(Dwarf_Die d, Dwarf_Half at, Dwarf_Off *off)
{
	Dwarf_Attribute a;
	int ok;

	if (dwarf_attr(d, at, &a, NULL) != DW_DLV_OK)
		return -1;
	ok = dwarf_global_formref(a, off, NULL) == DW_DLV_OK ? 0 : -1;
	dwarf_dealloc_attribute(a);
	return ok;
}

static int attr_flag(Dwarf_Die d, Dwarf_Half at)
{
	Dwarf_Bool b = 0;

	return dwarf_hasattr(d, at, &b, NULL) == DW_DLV_OK && b;
}

static const char *die_name(Dwarf_Die d)
{
	char *n = NULL;

	return dwarf_diename(d, &n, NULL) == DW_DLV_OK ? n : NULL;
}

static int die_tag(Dwarf_Die d)
{
	Dwarf_Half t = 0;

	dwarf_tag(d, &t, NULL);
	return t;
}

/* Queue a struct/union/enum for writing under 'name' at 'level'. */
static void pend_level(struct dw *w, Dwarf_Off off, const char *name, int level)
{
	for (int i = 0; i < w->npending; i++)
		if (w->pending[i].off == off || !strcmp(w->pending[i].name, name))
			return;
	if (w->npending == MAX_PENDING)
		return;
	w->pending[w->npending].off = off;
	w->pending[w->npending].level = level;
	snprintf(w->pending[w->npending].name, sizeof(w->pending[0].name), "%s", name);
	w->npending++;
}

/* Anonymous parts belong to the type being written (same level). */
static void pend(struct dw *w, Dwarf_Off off, const char *name)
{
	pend_level(w, off, name, w->level);
}

static struct json_object *type_desc(struct dw *w, Dwarf_Off off, int depth);

/* Call 'fn' on each child DIE of 'd' in order; each is freed after its call. */
typedef void (*child_fn)(struct dw *w, Dwarf_Die c, void *arg);
static void each_child(struct dw *w, Dwarf_Die d, child_fn fn, void *arg)
{
	Dwarf_Die c = NULL, next;

	if (dwarf_child(d, &c, NULL) != DW_DLV_OK)
		return;
	do {
		fn(w, c, arg);
		next = NULL;
		if (dwarf_siblingof_b(w->dbg, c, 1, &next, NULL) != DW_DLV_OK)
			next = NULL;
		dwarf_dealloc_die(c);
		c = next;
	} while (c);
}

static struct json_object *void_type(struct dw *w)
{
	return isfgen_base(w->g, "void", 0, 0, "void");
}

static struct json_object *base_type(struct dw *w, Dwarf_Die d)
{
	Dwarf_Unsigned size = 0, enc = 0;
	const char *name = die_name(d);
	const char *kind = "int";
	int sign = 0;

	attr_u(d, DW_AT_byte_size, &size);
	attr_u(d, DW_AT_encoding, &enc);
	switch (enc) {
	case DW_ATE_boolean: kind = "bool"; break;
	case DW_ATE_float: kind = "float"; sign = 1; break;
	case DW_ATE_signed_char: kind = "char"; sign = 1; break;
	case DW_ATE_unsigned_char: kind = "char"; break;
	case DW_ATE_signed: sign = 1; break;
	default: break;
	}
	return isfgen_base(w->g, name ? name : "void", size, sign, kind);
}

struct dims { Dwarf_Unsigned count[8]; int n; };

static void subrange(struct dw *w, Dwarf_Die c, void *arg)
{
	struct dims *dm = arg;
	Dwarf_Unsigned v = 0, ub;

	(void)w;
	if (die_tag(c) != DW_TAG_subrange_type || dm->n == 8)
		return;
	if (attr_u(c, DW_AT_count, &v) && !attr_u(c, DW_AT_upper_bound, &ub))
		v = ub + 1;
	dm->count[dm->n++] = v;
}

static struct json_object *array_type(struct dw *w, Dwarf_Die d, int depth)
{
	struct dims dm = { .n = 0 };
	struct json_object *t;
	Dwarf_Off sub;

	t = attr_ref(d, DW_AT_type, &sub) ? void_type(w) : type_desc(w, sub, depth + 1);
	each_child(w, d, subrange, &dm);
	if (!dm.n)
		dm.count[dm.n++] = 0;
	while (dm.n--) {
		struct json_object *a = json_object_new_object();

		json_object_object_add(a, "kind", json_object_new_string("array"));
		json_object_object_add(a, "count", json_object_new_uint64(dm.count[dm.n]));
		json_object_object_add(a, "subtype", t);
		t = a;
	}
	return t;
}

static struct json_object *type_desc(struct dw *w, Dwarf_Off off, int depth)
{
	Dwarf_Die d = die_at(w, off);
	struct json_object *t = NULL;
	Dwarf_Off sub;
	const char *name;
	char buf[96];

	if (!d || depth % VIA_PTR > MAX_DEPTH || depth > 8 * VIA_PTR) {
		if (d)
			dwarf_dealloc_die(d);
		return void_type(w);
	}
	name = die_name(d);
	switch (die_tag(d)) {
	case DW_TAG_base_type:
		t = base_type(w, d);
		break;
	case DW_TAG_pointer_type:
		t = json_object_new_object();
		json_object_object_add(t, "kind", json_object_new_string("pointer"));
		json_object_object_add(t, "subtype", attr_ref(d, DW_AT_type, &sub) ?
				       void_type(w) : type_desc(w, sub, depth + VIA_PTR + 1));
		break;
	case DW_TAG_typedef:
		if (attr_ref(d, DW_AT_type, &sub)) {
			t = void_type(w);
		} else {
			Dwarf_Die s = die_at(w, sub);
			int tag = s ? die_tag(s) : 0;

			if (s && (tag == DW_TAG_structure_type || tag == DW_TAG_union_type) &&
			    !die_name(s) && name) {
				pend(w, sub, name);
				t = isfgen_ref(tag == DW_TAG_union_type ? "union" : "struct", name);
			} else {
				t = type_desc(w, sub, depth + 1);
			}
			if (s)
				dwarf_dealloc_die(s);
		}
		break;
	case DW_TAG_const_type: case DW_TAG_volatile_type:
	case DW_TAG_restrict_type: case DW_TAG_atomic_type:
		t = attr_ref(d, DW_AT_type, &sub) ? void_type(w) : type_desc(w, sub, depth + 1);
		break;
	case DW_TAG_structure_type: case DW_TAG_union_type: case DW_TAG_enumeration_type: {
		int tag = die_tag(d);
		const char *kind = tag == DW_TAG_union_type ? "union" :
				   tag == DW_TAG_enumeration_type ? "enum" : "struct";

		if (!name) {
			snprintf(buf, sizeof(buf), "unnamed_%llx", (unsigned long long)off);
			name = buf;
			pend(w, off, name);
		} else if (tag == DW_TAG_enumeration_type) {
			pend(w, off, name);
		} else if (w->level == 0 && depth < VIA_PTR) {
			/* a named struct a wanted type embeds: written too (its
			 * complete definition; this DIE may be a declaration) */
			Dwarf_Off def;

			if (!def_find(w, name, &def))
				pend_level(w, def, name, 1);
		}
		t = isfgen_ref(kind, name);
		break;
	}
	case DW_TAG_array_type:
		t = array_type(w, d, depth);
		break;
	case DW_TAG_subroutine_type:
		t = json_object_new_object();
		json_object_object_add(t, "kind", json_object_new_string("function"));
		break;
	default:
		t = void_type(w);
	}
	dwarf_dealloc_die(d);
	return t;
}

static void enumerator(struct dw *w, Dwarf_Die c, void *arg)
{
	Dwarf_Attribute a;
	Dwarf_Signed v = 0;
	Dwarf_Unsigned u;
	const char *cn = die_name(c);

	(void)w;
	if (!cn || dwarf_attr(c, DW_AT_const_value, &a, NULL) != DW_DLV_OK)
		return;
	if (dwarf_formsdata(a, &v, NULL) != DW_DLV_OK && dwarf_formudata(a, &u, NULL) == DW_DLV_OK)
		v = (Dwarf_Signed)u;
	dwarf_dealloc_attribute(a);
	json_object_object_add(arg, cn, json_object_new_int64(v));
}

static void write_enum(struct dw *w, Dwarf_Die d, const char *name)
{
	struct json_object *e = json_object_new_object(), *cs = json_object_new_object();
	Dwarf_Unsigned size = 4;

	attr_u(d, DW_AT_byte_size, &size);
	each_child(w, d, enumerator, cs);
	json_object_object_add(e, "size", json_object_new_uint64(size));
	json_object_object_add(e, "base", json_object_new_string(size == 8 ? "long unsigned int" : "unsigned int"));
	json_object_object_add(e, "constants", cs);
	isfgen_base(w->g, size == 8 ? "long unsigned int" : "unsigned int", size, 0, "int");
	json_object_object_add(w->g->enums, name, e);
}

static struct json_object *member(struct dw *w, Dwarf_Die m, int is_union, const char **name,
				  char *anon, size_t anon_len)
{
	Dwarf_Off moff = 0;

	struct json_object *f = json_object_new_object(), *t;
	Dwarf_Unsigned off = 0, bits = 0, bitoff = 0, bytes = 0;
	Dwarf_Off sub;
	int bitfield = !attr_u(m, DW_AT_bit_size, &bits);

	if (attr_u(m, DW_AT_data_member_location, &off) && !is_union)
		off = 0;
	t = attr_ref(m, DW_AT_type, &sub) ? void_type(w) : type_desc(w, sub, 0);
	*name = die_name(m);
	if (!*name) {
		dwarf_dieoffset(m, &moff, NULL);
		snprintf(anon, anon_len, "unnamed_field_%llx", (unsigned long long)moff);
		*name = anon;
		json_object_object_add(f, "anonymous", json_object_new_boolean(1));
	}
	if (bitfield) {
		struct json_object *bf = json_object_new_object(), *bt;
		Dwarf_Die td = attr_ref(m, DW_AT_type, &sub) ? NULL : die_at(w, sub);
		Dwarf_Unsigned dbo;

		/* storage unit: the member type's size (through typedefs) */
		for (int i = 0; td && i < 8 && attr_u(td, DW_AT_byte_size, &bytes); i++) {
			Dwarf_Die n = attr_ref(td, DW_AT_type, &sub) ? NULL : die_at(w, sub);

			dwarf_dealloc_die(td);
			td = n;
		}
		if (td)
			dwarf_dealloc_die(td);
		if (!bytes)
			bytes = 4;
		if (!attr_u(m, DW_AT_data_bit_offset, &dbo)) {
			off = dbo / (bytes * 8) * bytes;
			bitoff = dbo - off * 8;
		} else if (!attr_u(m, DW_AT_bit_offset, &dbo)) {
			/* DWARF 2/3, big-endian numbering within the storage unit */
			bitoff = bytes * 8 - dbo - bits;
		}
		bt = t;
		json_object_object_add(bf, "kind", json_object_new_string("bitfield"));
		json_object_object_add(bf, "bit_length", json_object_new_uint64(bits));
		json_object_object_add(bf, "bit_position", json_object_new_uint64(bitoff));
		json_object_object_add(bf, "type", bt);
		t = bf;
	}
	json_object_object_add(f, "type", t);
	json_object_object_add(f, "offset", json_object_new_uint64(off));
	return f;
}

struct members { struct json_object *fields; int is_union; };

static void add_member(struct dw *w, Dwarf_Die c, void *arg)
{
	struct members *ma = arg;
	const char *mn;
	char anon[64];

	if (die_tag(c) == DW_TAG_member) {
		struct json_object *f = member(w, c, ma->is_union, &mn, anon, sizeof(anon));

		json_object_object_add(ma->fields, mn, f);
	}
}

static int write_type(struct dw *w, Dwarf_Off off, const char *name)
{
	Dwarf_Die d = die_at(w, off);
	struct members ma;
	struct json_object *u, *fields;
	Dwarf_Unsigned size = 0;
	int tag, is_union;

	if (!d)
		return -1;
	tag = die_tag(d);
	if (tag == DW_TAG_enumeration_type) {
		if (!json_object_object_get_ex(w->g->enums, name, NULL))
			write_enum(w, d, name);
		dwarf_dealloc_die(d);
		return 0;
	}
	if (json_object_object_get_ex(w->g->user_types, name, NULL)) {
		dwarf_dealloc_die(d);
		return 0;
	}
	is_union = tag == DW_TAG_union_type;
	u = json_object_new_object();
	fields = json_object_new_object();
	ma.fields = fields;
	ma.is_union = is_union;
	attr_u(d, DW_AT_byte_size, &size);
	each_child(w, d, add_member, &ma);
	json_object_object_add(u, "size", json_object_new_uint64(size));
	json_object_object_add(u, "fields", fields);
	json_object_object_add(u, "kind", json_object_new_string(is_union ? "union" : "struct"));
	json_object_object_add(w->g->user_types, name, u);
	dwarf_dealloc_die(d);
	return 0;
}

static int want_slot(struct dw *w, const char *name)
{
	for (int i = 0; i < w->nwant; i++)
		if (!w->found[i] && !strcmp(profile_want_types[i], name))
			return i;
	return -1;
}

/* A top-level DIE: record complete struct/union definitions by name. */
static void scan_die(struct dw *w, Dwarf_Die c, void *arg)
{
	int tag = die_tag(c);
	const char *n;
	Dwarf_Off off;
	int i;

	(void)arg;
	w->dies++;
	if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
		return;
	n = die_name(c);
	if (!n || attr_flag(c, DW_AT_declaration))
		return;
	dwarf_dieoffset(c, &off, NULL);
	def_add(w, n, off);
	i = want_slot(w, n);
	if (i >= 0) {
		w->found[i] = off;
		w->nfound++;
	}
}

/* libdwarf calls this for errors of calls made without a Dwarf_Error (which
 * then return DW_DLV_ERROR) instead of aborting. */
static unsigned long dwarf_errors;
static void on_dwarf_error(Dwarf_Error e, Dwarf_Ptr arg)
{
	(void)arg;
	dwarf_errors++;
	(void)e;
}

int isfgen_dwarf_types(struct isfgen *g, const char *path)
{
	struct dw *w = calloc(1, sizeof(*w));
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc = -1, res;
	Dwarf_Error err = NULL;

	if (!w || fd < 0) {
		snprintf(g->err, sizeof(g->err), "%s: %m", path);
		goto out;
	}
	w->g = g;
	w->defs = calloc(DEFS_SLOTS, sizeof(*w->defs));
	if (!w->defs) {
		snprintf(g->err, sizeof(g->err), "out of memory");
		goto out;
	}
	while (profile_want_types[w->nwant] && w->nwant < MAX_WANT)
		w->nwant++;
	res = dwarf_init_b(fd, DW_DLC_READ, DW_GROUPNUMBER_ANY, on_dwarf_error, NULL, &w->dbg, &err);
	if (res != DW_DLV_OK) {
		snprintf(g->err, sizeof(g->err), "%s: no DWARF debug information (%s); use a vmlinux from linux-image-<abi>-dbg",
			 path, res == DW_DLV_ERROR ? dwarf_errmsg(err) : "no .debug_info");
		goto out;
	}
	for (;;) {
		Dwarf_Unsigned hdr_len, abbrev, next_off;
		Dwarf_Half ver, asz, osz, ext, hdr_type;
		Dwarf_Sig8 sig;
		Dwarf_Unsigned tyoff;
		Dwarf_Die cu = NULL;

		res = dwarf_next_cu_header_d(w->dbg, 1, &hdr_len, &ver, &abbrev, &asz, &osz, &ext,
					     &sig, &tyoff, &next_off, &hdr_type, NULL);
		if (res == DW_DLV_ERROR) {
			snprintf(g->err, sizeof(g->err), "%s: DWARF unit header unreadable after %lu units",
				 path, w->units);
			goto out;
		}
		if (res != DW_DLV_OK)
			break;
		w->units++;
		if (dwarf_siblingof_b(w->dbg, NULL, 1, &cu, NULL) == DW_DLV_OK) {
			each_child(w, cu, scan_die, NULL);
			dwarf_dealloc_die(cu);
		}
	}
	fprintf(stderr, "profile: %lu compilation units, %lu top-level entries\n", w->units, w->dies);
	for (int i = 0; i < w->nwant; i++) {
		if (!w->found[i])
			fprintf(stderr, "profile: warning: %s: no definition of %s in the DWARF\n",
				path, profile_want_types[i]);
		else if (write_type(w, w->found[i], profile_want_types[i]))
			goto out;
	}
	for (int i = 0; i < w->npending; i++) { /* grows while we write */
		w->level = w->pending[i].level;
		if (write_type(w, w->pending[i].off, w->pending[i].name))
			goto out;
	}
	rc = 0;
out:
	if (w && w->dbg)
		dwarf_finish(w->dbg, NULL);
	if (fd >= 0)
		close(fd);
	if (w && w->defs) {
		for (unsigned i = 0; i < DEFS_SLOTS; i++)
			free(w->defs[i].name);
		free(w->defs);
	}
	free(w);
	return rc;
}
