// SPDX-License-Identifier: GPL-2.0 OR MIT
/* ISF JSON builder shared by the profile generators. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "profile/isfgen.h"

/* [{"kind": kind, "name": name}] */
static struct json_object *source_list(const char *kind, const char *name)
{
	struct json_object *a = json_object_new_array(), *s = json_object_new_object();

	json_object_object_add(s, "kind", json_object_new_string(kind));
	json_object_object_add(s, "name", json_object_new_string(name));
	json_object_array_add(a, s);
	return a;
}

void isfgen_init(struct isfgen *g, const char *types_kind, const char *types_src,
		 const char *symbols_kind, const char *symbols_src)
{
	struct json_object *meta = json_object_new_object(), *prod = json_object_new_object();
	struct json_object *linux_ = json_object_new_object();

	memset(g, 0, sizeof(*g));
	g->root = json_object_new_object();
	json_object_object_add(prod, "name", json_object_new_string(types_kind ? "gsched-profile" :
								      "gsched-profile (types from btf)"));
	json_object_object_add(prod, "version", json_object_new_string(ISFGEN_VERSION));
	json_object_object_add(meta, "producer", prod);
	json_object_object_add(meta, "format", json_object_new_string("6.2.0"));
	json_object_object_add(linux_, "symbols", source_list(symbols_kind, symbols_src));
	if (types_kind)
		json_object_object_add(linux_, "types", source_list(types_kind, types_src));
	json_object_object_add(meta, "linux", linux_);
	json_object_object_add(g->root, "metadata", meta);
	g->base_types = json_object_new_object();
	g->user_types = json_object_new_object();
	g->enums = json_object_new_object();
	g->symbols = json_object_new_object();
	json_object_object_add(g->root, "base_types", g->base_types);
	json_object_object_add(g->root, "user_types", g->user_types);
	json_object_object_add(g->root, "enums", g->enums);
	json_object_object_add(g->root, "symbols", g->symbols);
	isfgen_base(g, "void", 0, 0, "void");
	isfgen_base(g, "pointer", 8, 0, "int");
}

void isfgen_free(struct isfgen *g)
{
	json_object_put(g->root);
	g->root = NULL;
}

struct json_object *isfgen_ref(const char *kind, const char *name)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "kind", json_object_new_string(kind));
	json_object_object_add(o, "name", json_object_new_string(name));
	return o;
}

struct json_object *isfgen_base(struct isfgen *g, const char *name, uint64_t size,
				int is_signed, const char *kind)
{
	if (!json_object_object_get_ex(g->base_types, name, NULL)) {
		struct json_object *b = json_object_new_object();

		json_object_object_add(b, "size", json_object_new_uint64(size));
		json_object_object_add(b, "signed", json_object_new_boolean(is_signed));
		json_object_object_add(b, "kind", json_object_new_string(kind));
		json_object_object_add(b, "endian", json_object_new_string("little"));
		json_object_object_add(g->base_types, name, b);
	}
	return isfgen_ref("base", name);
}

void isfgen_symbol(struct isfgen *g, const char *name, uint64_t address,
		   struct json_object *type)
{
	struct json_object *s = json_object_new_object();

	json_object_object_add(s, "address", json_object_new_uint64(address));
	if (type)
		json_object_object_add(s, "type", type);
	json_object_object_add(g->symbols, name, s);
}

int isfgen_write(struct isfgen *g, const char *path)
{
	const char *txt = json_object_to_json_string_ext(g->root, JSON_C_TO_STRING_PRETTY |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	int err = 0;

	if (!f)
		return -errno;
	if (fputs(txt, f) < 0 || fputc('\n', f) < 0)
		err = -EIO;
	if (f != stdout && fclose(f))
		err = err ? err : -errno;
	return err;
}
