/* SPDX-License-Identifier: Apache-2.0 */
/* str.c: string helpers: copies, formatting, escaping, sizes. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/str.h"

char *
mv_strdup(const char *s)
{
	return mv_strndup(s, strlen(s));
}

char *
mv_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
mv_vasprintf(const char *fmt, va_list ap)
{
	va_list aq;
	int n;
	char *p;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0 || (p = malloc((size_t)n + 1)) == NULL)
		return NULL;
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
mv_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = mv_vasprintf(fmt, ap);
	va_end(ap);
	return p;
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not one. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

size_t
mv_utf8_put(uint32_t cp, unsigned char out[4])
{
	if (cp > 0x10ffff)
		cp = 0xfffd;
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xc0 | (cp >> 6));
		out[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xe0 | (cp >> 12));
		out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (unsigned char)(0xf0 | (cp >> 18));
	out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

int
mv_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t l = utf8_seq(p + i, n - i);

		if (l == 0)
			return 0;
		i += l;
	}
	return 1;
}

/* Code points that move or hide text on a terminal although they are valid UTF-8: the C1
 * controls (U+009B is CSI, as ESC [ is), the bidirectional overrides, embeddings and isolates
 * that make a name read otherwise than it sorts, and the line and paragraph separators. */
static int
hidden_cp(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

static uint32_t
utf8_cp(const unsigned char *s, size_t len)
{
	static const unsigned char lead[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	uint32_t cp = s[0] & lead[len];

	for (size_t i = 1; i < len; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

size_t
mv_escape_char(const unsigned char *p, size_t n, unsigned mode, char out[MV_ESCAPE_MAX])
{
	size_t l = utf8_seq(p, n);

	out[0] = '\0';
	if (l > 1) {
		uint32_t cp = utf8_cp(p, l);

		if (hidden_cp(cp))
			snprintf(out, MV_ESCAPE_MAX, "\\u%04x", (unsigned)cp);
		return l;
	}
	switch (p[0]) {
	case '\\': memcpy(out, "\\\\", 3); break;
	case '\n': memcpy(out, "\\n", 3); break;
	case '\r': memcpy(out, "\\r", 3); break;
	case '\t':
		if (!(mode & MV_ESC_KEEP_TAB))
			memcpy(out, "\\t", 3);
		break;
	default:
		/* A byte outside UTF-8 is shown as itself only where a list of names must keep
		 * Latin-1 names checkable, and never in the C1 range a terminal obeys. */
		if (p[0] < 0x20 || p[0] == 0x7f || (p[0] >= 0x80 && (p[0] <= 0x9f ||
		    !(mode & MV_ESC_KEEP_BYTES))))
			snprintf(out, MV_ESCAPE_MAX, "\\x%02x", p[0]);
	}
	return 1;
}

char *
mv_str_escape(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	struct mv_buf b;
	mv_status st = MV_OK;

	mv_buf_init(&b, 6 * n + 1);
	for (size_t i = 0; i < n && st == MV_OK;) {
		char esc[MV_ESCAPE_MAX];
		size_t l = mv_escape_char(p + i, n - i, 0, esc);

		st = esc[0] ? mv_buf_add(&b, esc, strlen(esc)) : mv_buf_add(&b, p + i, l);
		i += l;
	}
	if (st == MV_OK)
		st = mv_buf_terminate(&b);
	if (st != MV_OK) {
		mv_buf_free(&b);
		return NULL;
	}
	if (b.p == NULL)
		return mv_strdup("");
	return (char *)mv_buf_steal(&b);
}

void
mv_print_name(FILE *out, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n = strlen(name);

	for (size_t i = 0; i < n;) {
		char esc[MV_ESCAPE_MAX];
		size_t l = mv_escape_char(p + i, n - i, 0, esc);

		if (esc[0])
			fputs(esc, out);
		else
			fwrite(p + i, 1, l, out);
		i += l;
	}
}

char *
mv_path_join(const char *a, const char *b)
{
	size_t la = strlen(a);

	if (la == 0)
		return mv_strdup(b);
	if (a[la - 1] == '/')
		return mv_asprintf("%s%s", a, b);
	return mv_asprintf("%s/%s", a, b);
}

int
mv_parse_size(const char *s, int allow_suffix, uint64_t *out)
{
	static const struct {
		const char *sfx;
		unsigned shift;
	} sfx[] = {
		{"", 0}, {"k", 10}, {"K", 10}, {"KiB", 10}, {"M", 20}, {"MiB", 20},
		{"G", 30}, {"GiB", 30}, {"T", 40}, {"TiB", 40},
	};
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if (strcmp(end, sfx[i].sfx) != 0)
			continue;
		if (sfx[i].shift && !allow_suffix)
			return -1;
		if (sfx[i].shift && v > (UINT64_MAX >> sfx[i].shift))
			return -1;
		*out = (uint64_t)v << sfx[i].shift;
		return 0;
	}
	return -1;
}

int
mv_is_lower_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return i == len;
}

int
mv_pyname_valid(const char *s, size_t n)
{
	if (n == 0 || s[0] == '.' || s[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.' && s[i + 1] == '.')
			return 0;
		if (!(c == '.' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z')))
			return 0;
	}
	return 1;
}

const char *
mv_base_name(const char *path)
{
	size_t n = strlen(path);
	const char *p;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (p = path + n; p > path && p[-1] != '/'; p--)
		;
	return p;
}
