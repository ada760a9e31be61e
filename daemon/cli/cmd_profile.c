// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * gschedctl profile build VMLINUX [-o FILE]: write a gsched profile (ISF JSON)
 * from a vmlinux with DWARF, e.g. Debian's linux-image-<abi>-dbg
 * /usr/lib/debug/boot/vmlinux-<abi>. Without DWARF:
 * gschedctl profile build VMLINUX --system-map MAP: types from the vmlinux's
 * BTF (the ELF inside a vmlinuz), symbols from System.map. Progress goes to
 * stderr. gschedctl profile fields PROFILE TYPE: a type's members, flattened.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "cli/cli.h"
#include "profile/isf.h"
#include "profile/isfgen.h"
#include "profile/want.h"
#include "lib/clock.h"

static void print_field(const char *name, uint64_t off, uint64_t size, unsigned bit_pos,
			unsigned bit_len, void *arg)
{
	(void)arg;
	if (bit_len)
		printf("%s %llu %llu %u:%u\n", name, (unsigned long long)off,
		       (unsigned long long)size, bit_pos, bit_len);
	else
		printf("%s %llu %llu\n", name, (unsigned long long)off, (unsigned long long)size);
}

/* gschedctl profile fields FILE TYPE: "member offset size [bitpos:bits]" */
static int profile_show(struct cli *c, const char *file, const char *type)
{
	struct profile *p;
	char err[512];
	uint64_t size;
	int n;

	if (profile_load(file, &p, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", c->prog, err);
		return 1;
	}
	if (profile_size(p, type, &size)) {
		fprintf(stderr, "%s: %s: no type %s\n", c->prog, file, type);
		profile_free(p);
		return 1;
	}
	printf("%s size %llu\n", type, (unsigned long long)size);
	n = profile_fields(p, type, print_field, NULL);
	profile_free(p);
	return n < 0;
}

int cmd_profile(struct cli *c, int argc, char **argv)
{
	const char *in = NULL, *out = "-", *map = NULL;
	struct isfgen g;
	double t0 = gs_mono_s();
	int err;

	if (argc == 4 && !strcmp(argv[1], "fields"))
		return profile_show(c, argv[2], argv[3]);
	if (argc == 2 && !strcmp(argv[1], "wanted")) { /* the types a profile holds in full */
		for (int i = 0; profile_want_types[i]; i++)
			printf("%s\n", profile_want_types[i]);
		return 0;
	}

	if (argc < 2 || strcmp(argv[1], "build")) {
		fprintf(stderr, "usage: %s profile build VMLINUX [--system-map MAP] [-o FILE]\n"
			"       %s profile fields PROFILE TYPE\n", c->prog, c->prog);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--system-map") && i + 1 < argc)
			map = argv[++i];
		else if (!in && argv[i][0] != '-')
			in = argv[i];
		else {
			fprintf(stderr, "%s: profile build: unexpected '%s'\n", c->prog, argv[i]);
			return 2;
		}
	}
	if (!in) {
		fprintf(stderr, "usage: %s profile build VMLINUX [--system-map MAP] [-o FILE]\n", c->prog);
		return 2;
	}
	if (map)
		isfgen_init(&g, NULL, in, "system-map", map);
	else
		isfgen_init(&g, "dwarf", in, "dwarf", in);
	if (map) {
		fprintf(stderr, "profile: symbols from %s, banner from %s\n", map, in);
		if (isfgen_map_symbols(&g, map, in))
			goto fail;
		fprintf(stderr, "profile: reading BTF types (%.1fs)\n", gs_mono_s() - t0);
		if (isfgen_btf_types(&g, in))
			goto fail;
	} else {
		fprintf(stderr, "profile: reading symbols of %s\n", in);
		if (isfgen_elf_symbols(&g, in))
			goto fail;
		fprintf(stderr, "profile: reading DWARF types (%.1fs)\n", gs_mono_s() - t0);
		if (isfgen_dwarf_types(&g, in))
			goto fail;
	}
	err = isfgen_write(&g, out);
	if (err) {
		fprintf(stderr, "%s: %s: %s\n", c->prog, out, strerror(-err));
		isfgen_free(&g);
		return 1;
	}
	fprintf(stderr, "profile: %d types, %d symbols written to %s in %.1fs\n",
		json_object_object_length(g.user_types), json_object_object_length(g.symbols),
		strcmp(out, "-") ? out : "stdout", gs_mono_s() - t0);
	isfgen_free(&g);
	return 0;
fail:
	fprintf(stderr, "%s: profile build: %s\n", c->prog, g.err);
	isfgen_free(&g);
	return 1;
}
