/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Loading a profile: Volatility 3 ISF JSON (gsched's own profiles, or a
 * dwarf2json file unchanged) parsed with json-c. Lookups by type and member
 * name ("se.run_node" goes through nested structs; members of anonymous
 * structs and unions are found as if they were direct ones, as C does).
 */
#ifndef GSCHED_PROFILE_ISF_H
#define GSCHED_PROFILE_ISF_H
#include <stddef.h>
#include <stdint.h>

struct profile;

/* 0, or -1 with 'err' saying what is wrong with which file. */
int profile_load(const char *path, struct profile **out, char *err, size_t errlen);
/* The same from a buffer ('name' stands for the file in messages). */
int profile_load_buf(const char *name, const char *buf, size_t len, struct profile **out,
		     char *err, size_t errlen);
void profile_free(struct profile *p);

/* 0 or -1 (no such type / member / symbol). */
int profile_size(const struct profile *p, const char *type, uint64_t *size);
int profile_offset(const struct profile *p, const char *type, const char *member,
		   uint64_t *off);
/* Size of a member's type (base, pointer, struct, array); 0 or -1. */
int profile_member_size(const struct profile *p, const char *type, const char *member,
			uint64_t *size);
int profile_symbol(const struct profile *p, const char *name, uint64_t *addr);
/* Every named member of 'type' (members of anonymous structs/unions flattened,
 * with offsets from the start of 'type'); bit_len is 0 for whole members.
 * Returns the number of members or -1 if there is no such type. */
typedef void (*profile_field_fn)(const char *name, uint64_t off, uint64_t size,
				 unsigned bit_pos, unsigned bit_len, void *arg);
int profile_fields(const struct profile *p, const char *type, profile_field_fn fn, void *arg);
/* The kernel banner the profile was made from ("Linux version ..."), or NULL. */
const char *profile_banner(const struct profile *p);
const char *profile_path(const struct profile *p);

#endif
