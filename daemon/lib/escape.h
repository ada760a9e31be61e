/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * The one sanitiser for untrusted strings shown to people or put in JSON:
 * guest memory (process names, kernel banners), profiles and other
 * processes' command lines (VM names). Printable ASCII is kept; a backslash
 * and every other byte (controls, DEL, C1, any byte >= 0x80) is written as
 * \xNN. The result is plain ASCII: safe on any terminal, valid UTF-8 in
 * JSON, and unambiguous (the original bytes can be recovered).
 */
#ifndef GSCHED_LIB_ESCAPE_H
#define GSCHED_LIB_ESCAPE_H
#include <stddef.h>

/* Room for 'n' escaped bytes and the NUL. */
#define GS_ESCAPED_SIZE(n) ((n) * 4 + 1)

/* Escape 'in' (at most 'inlen' bytes, up to its first NUL) into 'out'
 * ('outsz' > 0 bytes, always NUL-terminated; an escape is never cut in
 * half). Returns the length written. */
size_t gs_escape(char *out, size_t outsz, const void *in, size_t inlen);

#endif
