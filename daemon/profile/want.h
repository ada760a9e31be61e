/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * What a gsched profile holds: the kernel types and symbols the daemon's
 * introspection (and the later enqueue/dequeue of Monarch) reads. One table,
 * shared by the DWARF generator, the loader's checks and the pahole test.
 */
#ifndef GSCHED_PROFILE_WANT_H
#define GSCHED_PROFILE_WANT_H

/* Structs and unions written whole (every member, nested anonymous ones too). */
extern const char *const profile_want_types[];
/* Symbols whose addresses are written ("constant_data" for linux_banner). */
extern const char *const profile_want_symbols[];
/* Those of them whose end address is written too, as "NAME$end". */
extern const char *const profile_want_ranges[];
/* Symbols a profile must have to be usable by gschedctl's readers. */
extern const char *const profile_need_symbols[];

#endif
