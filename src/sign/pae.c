/* SPDX-License-Identifier: Apache-2.0 */
/* pae.c: the DSSE pre-authentication encoding, and the variant model_signing 0.2 signed. */
#include "config.h"

#include <string.h>

#include "sign/sign.h"

mv_status
mv_pae(struct mv_buf *out, const char *type, const unsigned char *body, size_t n)
{
	mv_status st;

	if ((st = mv_buf_printf(out, "DSSEv1 %zu %s %zu ", strlen(type), type, n)) != MV_OK)
		return st;
	return mv_buf_add(out, body, n);
}

/*
 * model_signing 0.2 formatted the body into the text with Python's bytes repr and spelled the
 * tag "DSSEV1"; its signatures verify only over that text. The repr picks single quotes unless
 * the bytes hold a single quote and no double quote, and escapes the rest as Python does.
 */
mv_status
mv_pae_compat(struct mv_buf *out, const char *type, const unsigned char *body, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char quote = '\'';
	mv_status st;

	if (memchr(body, '\'', n) && !memchr(body, '"', n))
		quote = '"';
	if ((st = mv_buf_printf(out, "DSSEV1 %zu %s %zu b%c", strlen(type), type, n,
	    quote)) != MV_OK)
		return st;
	for (size_t i = 0; i < n && st == MV_OK; i++) {
		unsigned char c = body[i];
		char esc[4];

		if (c == quote || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			st = mv_buf_add(out, esc, 2);
		} else if (c == '\t' || c == '\n' || c == '\r') {
			esc[0] = '\\';
			esc[1] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
			st = mv_buf_add(out, esc, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			esc[0] = '\\';
			esc[1] = 'x';
			esc[2] = hex[c >> 4];
			esc[3] = hex[c & 15];
			st = mv_buf_add(out, esc, 4);
		} else {
			st = mv_buf_addc(out, c);
		}
	}
	return st == MV_OK ? mv_buf_addc(out, quote) : st;
}
