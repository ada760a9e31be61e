// SPDX-License-Identifier: GPL-2.0
/* Unit tests of kmod/core/btf.c on BTF blobs built here: lookups in base and
 * split BTF, tracepoint prototypes, and malformed input (bad header,
 * truncation, unknown kind, reference cycles) failing cleanly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "core/btf.h"

struct blob {
	u8 types[1024];
	u32 tlen;
	char strs[512];
	u32 slen;
	u32 str_base;  /* string offsets of a split blob start here */
	u8 out[2048];
};

static void put32(struct blob *b, u32 v)
{
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

static u32 str(struct blob *b, const char *s)
{
	u32 off = b->slen;

	if (!b->slen && !*s)
		return 0;
	memcpy(b->strs + b->slen, s, strlen(s) + 1);
	b->slen += strlen(s) + 1;
	return off + b->str_base;
}

static void type(struct blob *b, const char *name, u32 kind, u32 vlen, u32 st)
{
	put32(b, str(b, name));
	put32(b, kind << 24 | vlen);
	put32(b, st);
}

static void member(struct blob *b, const char *name, u32 t, u32 bits)
{
	put32(b, str(b, name));
	put32(b, t);
	put32(b, bits);
}

static u32 finish(struct blob *b)
{
	u32 hdr[6] = { 0x0001eB9F, 24, 0, b->tlen, b->tlen, b->slen };

	memcpy(b->out, hdr, 24);
	memcpy(b->out + 24, b->types, b->tlen);
	memcpy(b->out + 24 + b->tlen, b->strs, b->slen);
	return 24 + b->tlen + b->slen;
}

/* Base: 1 int, 2 typedef u32, 3 struct kvm_vcpu, 4 ptr->3, 5 ptr->void,
 * 6 proto(void *, struct kvm_vcpu *, u32), 7 ptr->6, 8 typedef btf_trace_kvm_exit,
 * 9 const->3 */
static u32 make_base(struct blob *b)
{
	memset(b, 0, sizeof(*b));
	str(b, "");
	b->strs[0] = 0;
	b->slen = 1;
	type(b, "unsigned int", GS_BTF_INT, 0, 4); put32(b, 32);
	type(b, "u32", GS_BTF_TYPEDEF, 0, 1);
	type(b, "kvm_vcpu", GS_BTF_STRUCT, 2, 6552);
	member(b, "kvm", 5, 0);
	member(b, "cr3", 2, 64 * 8);
	type(b, "", GS_BTF_PTR, 0, 3);
	type(b, "", GS_BTF_PTR, 0, 0);
	type(b, "", GS_BTF_FUNC_PROTO, 3, 0);
	put32(b, str(b, "__data")); put32(b, 5);
	put32(b, str(b, "vcpu")); put32(b, 4);
	put32(b, str(b, "isa")); put32(b, 2);
	type(b, "", GS_BTF_PTR, 0, 6);
	type(b, "btf_trace_kvm_exit", GS_BTF_TYPEDEF, 0, 7);
	type(b, "", GS_BTF_CONST, 0, 3);
	return finish(b);
}

static u32 idx_base[32], idx_split[32];
static struct blob base_blob, split_blob;
static struct gs_btf base, split;

static int setup(void **state)
{
	u32 len = make_base(&base_blob);

	(void)state;
	assert_int_equal(gs_btf_open(&base, base_blob.out, len, NULL, idx_base, 32), 0);
	/* Split: 10 struct vcpu_svm { struct kvm_vcpu vcpu; void *vmcb; } */
	memset(&split_blob, 0, sizeof(split_blob));
	split_blob.str_base = base.strs_len;
	type(&split_blob, "vcpu_svm", GS_BTF_STRUCT, 2, 6600);
	member(&split_blob, "vcpu", 3, 0);
	member(&split_blob, "vmcb", 5, 6552 * 8);
	len = finish(&split_blob);
	/* finish() wrote offsets relative to the split's own string section */
	assert_int_equal(gs_btf_open(&split, split_blob.out, len, &base, idx_split, 32), 0);
	return 0;
}

static void finds_members_in_base_and_split(void **state)
{
	u32 id, bits, tid, size;

	(void)state;
	assert_int_equal(base.nr, 9);
	assert_int_equal(split.first_id, 10);
	assert_int_equal(gs_btf_find(&split, GS_BTF_STRUCT, "kvm_vcpu", &id), 0);
	assert_int_equal(id, 3);
	assert_int_equal(gs_btf_size(&split, id, &size), 0);
	assert_int_equal(size, 6552);
	assert_int_equal(gs_btf_member(&split, id, "cr3", &bits, &tid), 0);
	assert_int_equal(bits, 64 * 8);
	assert_int_equal(gs_btf_find(&split, GS_BTF_STRUCT, "vcpu_svm", &id), 0);
	assert_int_equal(id, 10);
	assert_int_equal(gs_btf_member(&split, id, "vmcb", &bits, &tid), 0);
	assert_int_equal(bits / 8, 6552);
	assert_int_equal(gs_btf_member(&split, id, "nope", &bits, &tid), GS_BTF_ENOENT);
	assert_int_equal(gs_btf_find(&base, GS_BTF_STRUCT, "vcpu_svm", &id), GS_BTF_ENOENT);
}

static void spells_tracepoint_prototypes(void **state)
{
	u32 p[8], n;
	char buf[64];

	(void)state;
	assert_int_equal(gs_btf_typedef_proto(&split, "btf_trace_kvm_exit", p, 8, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(gs_btf_type_str(&split, p[0], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "void *");
	assert_int_equal(gs_btf_type_str(&split, p[1], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "struct kvm_vcpu *");
	assert_int_equal(gs_btf_type_str(&split, p[2], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "u32");
	assert_int_equal(gs_btf_type_str(&split, 9, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "struct kvm_vcpu");
	assert_int_equal(gs_btf_type_str(&split, 4, buf, 8), GS_BTF_ESPACE);
	assert_int_equal(gs_btf_typedef_proto(&split, "btf_trace_nope", p, 8, &n), GS_BTF_ENOENT);
}

static void rejects_malformed_blobs(void **state)
{
	struct blob b;
	u32 len = make_base(&b), nr, idx[32];
	struct gs_btf x;

	(void)state;
	b.out[0] ^= 1;                                    /* magic */
	assert_int_equal(gs_btf_count(b.out, len, &nr), GS_BTF_EHDR);
	b.out[0] ^= 1;
	assert_int_equal(gs_btf_count(b.out, 20, &nr), GS_BTF_EHDR);
	assert_int_equal(gs_btf_count(b.out, len - 1, &nr), GS_BTF_EHDR); /* strings cut */
	b.out[24 + 7] = 31;                               /* unknown kind in type 1 */
	assert_int_equal(gs_btf_count(b.out, len, &nr), GS_BTF_EKIND);
	len = make_base(&b);
	b.out[24 + 12 + 16 + 4] = 0xff;                   /* struct vlen 255 */
	assert_int_equal(gs_btf_count(b.out, len, &nr), GS_BTF_ETRUNC);
	len = make_base(&b);
	assert_int_equal(gs_btf_open(&x, b.out, len, NULL, idx, 4), GS_BTF_ESPACE);
}

static void survives_reference_cycles(void **state)
{
	struct blob b;
	u32 len, idx[8], id, bits, tid;
	struct gs_btf x;
	char buf[64];

	(void)state;
	memset(&b, 0, sizeof(b));
	b.slen = 1;
	type(&b, "a", GS_BTF_TYPEDEF, 0, 2);              /* 1 -> 2 */
	type(&b, "b", GS_BTF_CONST, 0, 1);                /* 2 -> 1 */
	type(&b, "", GS_BTF_PTR, 0, 3);                   /* 3 -> 3 */
	type(&b, "bad", GS_BTF_TYPEDEF, 0, 77);           /* dangling */
	len = finish(&b);
	assert_int_equal(gs_btf_open(&x, b.out, len, NULL, idx, 8), 0);
	assert_int_equal(gs_btf_member(&x, 1, "m", &bits, &tid), GS_BTF_ERANGE);
	assert_int_not_equal(gs_btf_type_str(&x, 3, buf, sizeof(buf)), 0);
	/* A typedef is spelled by its own name, dangling or not... */
	assert_int_equal(gs_btf_type_str(&x, 4, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "bad");
	assert_int_equal(gs_btf_find(&x, GS_BTF_TYPEDEF, "bad", &id), 0);
	/* ...but resolving it fails cleanly. */
	assert_int_equal(gs_btf_size(&x, id, &bits), GS_BTF_ERANGE);
}

/* The accessors the profile generator (daemon/profile/btfgen.c) walks with. */
static void walks_types_and_members(void **state)
{
	struct gs_btf_info in;
	const char *name;
	u32 type, off, bits, enc;

	(void)state;
	assert_int_equal(gs_btf_last_id(&split), 10);
	assert_int_equal(gs_btf_info(&base, 3, &in), 0);
	assert_int_equal(in.kind, GS_BTF_STRUCT);
	assert_string_equal(in.name, "kvm_vcpu");
	assert_int_equal(in.vlen, 2);
	assert_int_equal(in.size_or_type, 6552);
	assert_int_equal(gs_btf_member_at(&base, 3, 1, &name, &type, &off, &bits), 0);
	assert_string_equal(name, "cr3");
	assert_int_equal(type, 2);
	assert_int_equal(off, 64 * 8);
	assert_int_equal(bits, 0);
	assert_int_equal(gs_btf_member_at(&base, 3, 2, &name, &type, &off, &bits), GS_BTF_ENOENT);
	assert_int_equal(gs_btf_member_at(&base, 1, 0, &name, &type, &off, &bits), GS_BTF_ERANGE);
	/* split types reach through to the base */
	assert_int_equal(gs_btf_member_at(&split, 10, 0, &name, &type, &off, &bits), 0);
	assert_string_equal(name, "vcpu");
	assert_int_equal(gs_btf_info(&split, type, &in), 0);
	assert_string_equal(in.name, "kvm_vcpu");
	assert_int_equal(gs_btf_info(&base, 4, &in), 0);
	assert_int_equal(in.kind, GS_BTF_PTR);
	assert_string_equal(in.name, "");
	assert_int_equal(gs_btf_int_enc(&base, 1, &enc), 0);
	assert_int_equal(enc, 0);
	assert_int_equal(gs_btf_int_enc(&base, 2, &enc), GS_BTF_ERANGE);
	assert_int_equal(gs_btf_info(&base, 99, &in), GS_BTF_ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_members_in_base_and_split),
		cmocka_unit_test(walks_types_and_members),
		cmocka_unit_test(spells_tracepoint_prototypes),
		cmocka_unit_test(rejects_malformed_blobs),
		cmocka_unit_test(survives_reference_cycles),
	};

	return cmocka_run_group_tests_name("btf", tests, setup, NULL);
}
