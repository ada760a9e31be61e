// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Escaping untrusted strings for people and JSON (escape.h). */
#include "lib/escape.h"

size_t gs_escape(char *out, size_t outsz, const void *in, size_t inlen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = in;
	size_t o = 0;

	if (!outsz)
		return 0;
	for (size_t i = 0; i < inlen && s[i]; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= outsz)
				break;
			out[o++] = (char)c;
			continue;
		}
		if (o + 4 >= outsz)
			break;
		out[o++] = '\\';
		out[o++] = 'x';
		out[o++] = hex[c >> 4];
		out[o++] = hex[c & 15];
	}
	out[o] = 0;
	return o;
}
