/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Building a profile in Volatility 3's Intermediate Symbol Format (ISF, the
 * JSON dwarf2json writes): metadata, base_types, user_types, enums, symbols.
 * The generators (dwarf.c, from a vmlinux with DWARF) fill it; elfsym.c adds
 * the symbols and the banner from the same vmlinux.
 */
#ifndef GSCHED_PROFILE_ISFGEN_H
#define GSCHED_PROFILE_ISFGEN_H
#include <stdint.h>
#include <json-c/json.h>

/* The producer's version ("N.N.N", as the schema wants). */
#define ISFGEN_VERSION "0.2.0"

struct isfgen {
	struct json_object *root, *base_types, *user_types, *enums, *symbols;
	char err[256];
};

/* metadata.linux names where the types and the symbols came from, with the
 * kinds Volatility 3's ISF schema allows (dwarf, symtab, system-map):
 * types_kind "dwarf", or NULL for BTF types (the schema has no kind for
 * them; the producer's name says "btf" instead). */
void isfgen_init(struct isfgen *g, const char *types_kind, const char *types_src,
		 const char *symbols_kind, const char *symbols_src);
void isfgen_free(struct isfgen *g);
/* Register a base type (idempotent); returns {"kind":"base","name":name}. */
struct json_object *isfgen_base(struct isfgen *g, const char *name, uint64_t size,
				int is_signed, const char *kind);
struct json_object *isfgen_ref(const char *kind, const char *name);
/* Add symbol 'name' at 'address' (type may be NULL; it is taken over). */
void isfgen_symbol(struct isfgen *g, const char *name, uint64_t address,
		   struct json_object *type);
/* Write to 'path' ("-" is stdout); 0 or -errno. */
int isfgen_write(struct isfgen *g, const char *path);

/* elfsym.c: the symbols of profile_want_symbols and linux_banner's text from
 * the ELF vmlinux at 'path'; 0 or -1 with g->err set. */
int isfgen_elf_symbols(struct isfgen *g, const char *path);

/* elfsym.c: the symbols from a System.map, linux_banner's text from the ELF
 * vmlinux 'elf' (which may have no symbol table); 0 or -1 with g->err set. */
int isfgen_map_symbols(struct isfgen *g, const char *map, const char *elf);

/* dwarf.c: every type of profile_want_types from the vmlinux's DWARF. */
int isfgen_dwarf_types(struct isfgen *g, const char *path);

/* btfgen.c: the same from the .BTF section of an ELF vmlinux. */
int isfgen_btf_types(struct isfgen *g, const char *path);

#endif
