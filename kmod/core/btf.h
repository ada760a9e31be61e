/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small reader of the kernel's BTF type format (base and split/module BTF),
 * enough to check struct layouts and tracepoint prototypes gsched relies on
 * against the running kernel (kmod/layout.c). Freestanding, bounds-checked:
 * malformed input yields an error code, never an out-of-bounds read.
 */
#ifndef GS_CORE_BTF_H
#define GS_CORE_BTF_H
#include "types.h"

enum gs_btf_kind {
	GS_BTF_INT = 1, GS_BTF_PTR, GS_BTF_ARRAY, GS_BTF_STRUCT, GS_BTF_UNION,
	GS_BTF_ENUM, GS_BTF_FWD, GS_BTF_TYPEDEF, GS_BTF_VOLATILE, GS_BTF_CONST,
	GS_BTF_RESTRICT, GS_BTF_FUNC, GS_BTF_FUNC_PROTO, GS_BTF_VAR,
	GS_BTF_DATASEC, GS_BTF_FLOAT, GS_BTF_DECL_TAG, GS_BTF_TYPE_TAG,
	GS_BTF_ENUM64,
};

enum gs_btf_err {
	GS_BTF_EHDR = -1,     /* bad magic, version or section bounds */
	GS_BTF_ETRUNC = -2,   /* a type runs past its section */
	GS_BTF_EKIND = -3,    /* unknown kind */
	GS_BTF_ESPACE = -4,   /* index buffer too small */
	GS_BTF_ENOENT = -5,   /* no such type or member */
	GS_BTF_ERANGE = -6,   /* bad type id or string offset */
};

struct gs_btf {
	const u8 *types;
	u32 types_len;
	const char *strs;
	u32 strs_len;
	u32 *index;           /* byte offset of each own type within 'types' */
	u32 nr;               /* own types */
	u32 first_id;         /* id of the first own type */
	u32 str_base;         /* string offsets below this are the base's */
	const struct gs_btf *base;
};

const char *gs_btf_strerror(int err);
/* Number of types in a BTF blob (to size the index), or a negative error. */
int gs_btf_count(const void *data, u32 len, u32 *nr);
/* Parse 'data'; 'base' is the vmlinux BTF for module (split) BTF, else NULL. */
int gs_btf_open(struct gs_btf *b, const void *data, u32 len,
		const struct gs_btf *base, u32 *index, u32 index_cap);
/* Id of the type of 'kind' named 'name' (own types first, then base). */
int gs_btf_find(const struct gs_btf *b, u32 kind, const char *name, u32 *id);
/* Size in bytes of a struct/union/int type. */
int gs_btf_size(const struct gs_btf *b, u32 id, u32 *size);
/* Bit offset and type of a direct member of a struct/union. */
int gs_btf_member(const struct gs_btf *b, u32 id, const char *member,
		  u32 *bit_off, u32 *type_id);
/* C spelling of a type, qualifiers dropped: "struct kvm_vcpu *", "u32". */
int gs_btf_type_str(const struct gs_btf *b, u32 id, char *buf, u32 len);
/* Everything about one type, for walkers that write types out (profiles). */
struct gs_btf_info {
	u32 kind;          /* enum gs_btf_kind */
	u32 vlen;          /* members, enumerators, params */
	u32 size_or_type;  /* size (int, struct, union, enum) or referenced type */
	bool kflag;
	const char *name;  /* "" when anonymous */
};
int gs_btf_info(const struct gs_btf *b, u32 id, struct gs_btf_info *out);
/* Member 'idx' of struct/union 'id' (no typedef resolution): its name ("" if
 * anonymous), type, bit offset and bit-field size (0: not a bit field). */
int gs_btf_member_at(const struct gs_btf *b, u32 id, u32 idx, const char **name,
		     u32 *type_id, u32 *bit_off, u32 *bits);
/* Element type and count of array 'id'. */
int gs_btf_array(const struct gs_btf *b, u32 id, u32 *elem, u32 *nelems);
/* Encoding of int 'id': signedness, char, bool (BTF_INT_SIGNED/CHAR/BOOL). */
int gs_btf_int_enc(const struct gs_btf *b, u32 id, u32 *enc);
/* Enumerator 'idx' of enum 'id' (32-bit enums). */
int gs_btf_enum_at(const struct gs_btf *b, u32 id, u32 idx, const char **name, s32 *val);
/* Number of types in 'b' and its bases: ids are 1 .. gs_btf_last_id(). */
u32 gs_btf_last_id(const struct gs_btf *b);

/*
 * Parameters of the function prototype behind typedef 'name' (the
 * btf_trace_<tracepoint> typedefs): fills up to 'max' param type ids.
 */
int gs_btf_typedef_proto(const struct gs_btf *b, const char *name,
			 u32 *params, u32 max, u32 *nparams);

#endif
