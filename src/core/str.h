/* SPDX-License-Identifier: Apache-2.0 */
/* str.h: small string helpers shared by every stage. */
#ifndef MV_CORE_STR_H
#define MV_CORE_STR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "mavis.h"

/* The pointer without its const: for interfaces that take a plain pointer and do not write
 * through it (free of a member a public struct shows as const, PKCS#11 templates), and for
 * arena memory a module filled itself behind a const view. One audited conversion rather
 * than casts that -Wcast-qual flags. */
static inline void *
mv_unconst(const void *p)
{
	return (void *)(uintptr_t)p;
}

char *mv_strdup(const char *s);
char *mv_strndup(const char *s, size_t n);
char *mv_asprintf(const char *fmt, ...) MV_PRINTF(1, 2);
/* True when s is exactly len lowercase hexadecimal digits (a digest as content-addressed
 * stores name files). */
int mv_is_lower_hex(const char *s, size_t len);
/* The last part of a path, trailing slashes ignored (a pointer into path). */
const char *mv_base_name(const char *path);
char *mv_vasprintf(const char *fmt, va_list ap) MV_PRINTF(1, 0);
/* Is s[0..n) a module or attribute path: identifier characters and dots, no empty part? */
int mv_pyname_valid(const char *s, size_t n);
/* One printable line from arbitrary bytes: valid UTF-8 kept, control characters, invalid
 * bytes and backslashes escaped (\n, \t, \\, \xNN), and the code points that move or hide
 * text on a terminal (C1 controls, bidirectional controls) as \uNNNN. Returns a new string
 * or NULL. */
char *mv_str_escape(const char *s, size_t n);
/* The character at p (n bytes left): its length, and its escape in out (empty when it is
 * shown as itself). mode: MV_ESC_* below. mv_str_escape and mv_print_name are this with
 * mode 0; checksum lists keep tabs and Latin-1 bytes, as sha256sum writes them. */
#define MV_ESCAPE_MAX 8
#define MV_ESC_KEEP_TAB 0x1u
#define MV_ESC_KEEP_BYTES 0x2u
size_t mv_escape_char(const unsigned char *p, size_t n, unsigned mode, char out[MV_ESCAPE_MAX]);
/* True when s[0..n) is valid UTF-8 (no overlong forms, no surrogates). */
int mv_utf8_valid(const char *s, size_t n);
/* Write code point cp (U+FFFD past U+10FFFF) as UTF-8 into out; returns its length. */
size_t mv_utf8_put(uint32_t cp, unsigned char out[4]);
/* "a" + "/" + "b", or "b" when a is empty. */
char *mv_path_join(const char *a, const char *b);
/* Parse a decimal count with an optional size suffix (k, M, G, T; KiB, MiB, GiB, TiB are
 * the same powers of 1024). Returns 0 on success. */
int mv_parse_size(const char *s, int allow_suffix, uint64_t *out);

#endif
