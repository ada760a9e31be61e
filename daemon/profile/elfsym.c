// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Symbols of a vmlinux ELF (libelf): the addresses of profile_want_symbols,
 * a few of their types, and the text of linux_banner as "constant_data"
 * (base64, as Volatility 3 reads it).
 */
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "profile/isfgen.h"
#include "profile/want.h"

static int want_index(const char *name)
{
	for (int i = 0; profile_want_symbols[i]; i++)
		if (!strcmp(profile_want_symbols[i], name))
			return i;
	return -1;
}

static int is_range(const char *name)
{
	for (int i = 0; profile_want_ranges[i]; i++)
		if (!strcmp(profile_want_ranges[i], name))
			return 1;
	return 0;
}

static void range_end(struct isfgen *g, const char *name, uint64_t end)
{
	char n[300];

	snprintf(n, sizeof(n), "%s$end", name);
	if (!json_object_object_get_ex(g->symbols, n, NULL))
		isfgen_symbol(g, n, end, NULL);
}

static char *b64(const unsigned char *in, size_t n)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = in[i] << 16 | (i + 1 < n ? in[i + 1] << 8 : 0) | (i + 2 < n ? in[i + 2] : 0);

		*o++ = t[v >> 18 & 63];
		*o++ = t[v >> 12 & 63];
		*o++ = i + 1 < n ? t[v >> 6 & 63] : '=';
		*o++ = i + 2 < n ? t[v & 63] : '=';
	}
	*o = 0;
	return out;
}

/* Bytes at virtual 'addr' of section 'ndx' (NUL-terminated string, bounded). */
static int read_string(Elf *e, size_t ndx, uint64_t addr, char *buf, size_t len)
{
	Elf_Scn *scn = elf_getscn(e, ndx);
	GElf_Shdr sh;
	Elf_Data *d;
	size_t off, i;

	if (!scn || !gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS)
		return -1;
	d = elf_getdata(scn, NULL);
	if (!d || addr < sh.sh_addr || addr - sh.sh_addr >= d->d_size)
		return -1;
	off = addr - sh.sh_addr;
	for (i = 0; i + 1 < len && off + i < d->d_size; i++) {
		buf[i] = ((const char *)d->d_buf)[off + i];
		if (!buf[i])
			break;
	}
	buf[i] = 0;
	return 0;
}

static struct json_object *symbol_type(const char *name, uint64_t size)
{
	if (!strcmp(name, "init_task"))
		return isfgen_ref("struct", "task_struct");
	if (!strcmp(name, "runqueues"))
		return isfgen_ref("struct", "rq");
	if (!strcmp(name, "init_mm"))
		return isfgen_ref("struct", "mm_struct");
	if (!strcmp(name, "__per_cpu_offset") && size) {
		struct json_object *a = json_object_new_object();

		json_object_object_add(a, "kind", json_object_new_string("array"));
		json_object_object_add(a, "count", json_object_new_uint64(size / 8));
		json_object_object_add(a, "subtype", isfgen_ref("base", "unsigned long"));
		return a;
	}
	return NULL;
}

/* The banner as linux_banner's constant_data, where dwarf2json and
 * Volatility keep it (the ISF schema allows no banner in metadata). */
static void set_banner(struct isfgen *g, const char *banner)
{
	struct json_object *sym;
	char *enc = b64((const unsigned char *)banner, strlen(banner) + 1);

	if (json_object_object_get_ex(g->symbols, "linux_banner", &sym) && enc)
		json_object_object_add(sym, "constant_data", json_object_new_string(enc));
	free(enc);
}

/* The section of 'e' that holds virtual address 'addr' (allocated, with data). */
static size_t section_of(Elf *e, uint64_t addr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_ALLOC) && sh.sh_type != SHT_NOBITS &&
		    addr >= sh.sh_addr && addr - sh.sh_addr < sh.sh_size)
			return elf_ndxscn(scn);
	}
	return 0;
}

int isfgen_map_symbols(struct isfgen *g, const char *map, const char *elf)
{
	FILE *f = fopen(map, "r");
	char line[512], name[256], type[8], banner[512] = "";
	unsigned long long addr, lb = 0, open_addr = 0;
	char open_name[256] = ""; /* a range whose end is the next higher address */
	int found = 0, fd, lineno = 0;
	Elf *e;

	if (!f) {
		snprintf(g->err, sizeof(g->err), "%s: %m", map);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (strstr(line, "The real System.map is in")) { /* Debian's /boot stub */
			snprintf(g->err, sizeof(g->err), "%s is a stub: %s", map, strstr(line, "The real"));
			g->err[strcspn(g->err, "\n")] = 0;
			fclose(f);
			return -1;
		}
		if (sscanf(line, "%llx %7s %255s", &addr, type, name) != 3) {
			snprintf(g->err, sizeof(g->err), "%s:%d: not a System.map line", map, lineno);
			fclose(f);
			return -1;
		}
		if (open_name[0] && addr > open_addr) {
			range_end(g, open_name, addr);
			open_name[0] = 0;
		}
		if (want_index(name) < 0 || json_object_object_get_ex(g->symbols, name, NULL))
			continue;
		isfgen_symbol(g, name, addr, symbol_type(name, 0));
		if (is_range(name)) {
			snprintf(open_name, sizeof(open_name), "%s", name);
			open_addr = addr;
		}
		found++;
		if (!strcmp(name, "linux_banner"))
			lb = addr;
	}
	fclose(f);
	if (!found || !lb) {
		snprintf(g->err, sizeof(g->err), "%s: no linux_banner (not a kernel System.map?)", map);
		return -1;
	}
	fd = open(elf, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(g->err, sizeof(g->err), "%s: %m", elf);
		return -1;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (e && elf_kind(e) == ELF_K_ELF)
		read_string(e, section_of(e, lb), lb, banner, sizeof(banner));
	if (e)
		elf_end(e);
	close(fd);
	if (strncmp(banner, "Linux version ", 14)) {
		snprintf(g->err, sizeof(g->err), "%s: no Linux banner at linux_banner (0x%llx): System.map of another kernel?",
			 elf, lb);
		return -1;
	}
	set_banner(g, banner);
	return 0;
}

int isfgen_elf_symbols(struct isfgen *g, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), found = 0, rc = -1;
	Elf *e = NULL;
	Elf_Scn *scn = NULL;
	char banner[512] = "";

	if (fd < 0) {
		snprintf(g->err, sizeof(g->err), "%s: %m", path);
		return -1;
	}
	elf_version(EV_CURRENT);
	e = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		snprintf(g->err, sizeof(g->err), "%s: not an ELF file (%s)", path, elf_errmsg(-1));
		goto out;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;
			int w;

			if (!gelf_getsym(d, (int)i, &s) || !(name = elf_strptr(e, sh.sh_link, s.st_name)))
				continue;
			w = want_index(name);
			if (w < 0 || json_object_object_get_ex(g->symbols, name, NULL))
				continue;
			isfgen_symbol(g, name, s.st_value, symbol_type(name, s.st_size));
			if (is_range(name) && s.st_size)
				range_end(g, name, s.st_value + s.st_size);
			found++;
			if (!strcmp(name, "linux_banner"))
				read_string(e, s.st_shndx, s.st_value, banner, sizeof(banner));
		}
	}
	if (!found) {
		snprintf(g->err, sizeof(g->err), "%s: no symbol table (stripped vmlinux?)", path);
		goto out;
	}
	if (banner[0]) {
		set_banner(g, banner);
	} else {
		snprintf(g->err, sizeof(g->err), "%s: linux_banner has no contents in the file", path);
		goto out;
	}
	rc = 0;
out:
	if (e)
		elf_end(e);
	close(fd);
	return rc;
}
