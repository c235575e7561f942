/* SPDX-License-Identifier: Apache-2.0 */
/* b64.c: base64 for the byte fields of bundles and envelopes (RFC 4648). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/codec.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *
mv_b64_encode(const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t outlen, i, o = 0;
	char *out;

	if (n > (SIZE_MAX - 1) / 4 * 3 - 3)
		return NULL;
	outlen = (n + 2) / 3 * 4;
	if ((out = malloc(outlen + 1)) == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = alphabet[(v >> 6) & 63];
		out[o++] = alphabet[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)s[i] << 16 | (i + 1 < n ? (uint32_t)s[i + 1] << 8 : 0);

		out[o++] = alphabet[v >> 18];
		out[o++] = alphabet[(v >> 12) & 63];
		out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
	return out;
}

/* Both alphabets: DSSE verifiers must accept URL-safe base64 as well. */
int
mv_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

int
mv_b64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen)
{
	unsigned char *buf;
	uint32_t acc = 0;
	size_t o = 0, pad = 0, bits = 0;

	*out = NULL;
	*outlen = 0;
	while (pad < 2 && n > 0 && s[n - 1] == '=') {
		n--;
		pad++;
	}
	/* A lone trailing symbol carries fewer than 8 bits: not base64. Padding, when present,
	 * must complete the last group. */
	if (n % 4 == 1 || (pad && (n + pad) % 4 != 0))
		return -1;
	if ((buf = malloc(n / 4 * 3 + 3)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int v = mv_b64_value((unsigned char)s[i]);

		if (v < 0) {
			free(buf);
			return -1;
		}
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			buf[o++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* Leftover bits must be zero, so each byte string has one encoding. */
	if (acc != 0) {
		free(buf);
		return -1;
	}
	buf[o] = '\0';
	*out = buf;
	*outlen = o;
	return 0;
}
