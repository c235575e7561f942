/* SPDX-License-Identifier: Apache-2.0 */
/* jsonw.c: the streaming JSON writer (jsonw.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "report/jsonw.h"

static void
flush(struct mv_jw *w)
{
	if (w->n && fwrite(w->buf, 1, w->n, w->out) != w->n)
		w->failed = 1;
	w->n = 0;
}

static void
put(struct mv_jw *w, const char *p, size_t n)
{
	if (n > sizeof(w->buf) - w->n)
		flush(w);
	if (n > sizeof(w->buf)) {
		if (fwrite(p, 1, n, w->out) != n)
			w->failed = 1;
		return;
	}
	memcpy(w->buf + w->n, p, n);
	w->n += n;
}

static void
putc_(struct mv_jw *w, char c)
{
	if (w->n == sizeof(w->buf))
		flush(w);
	w->buf[w->n++] = c;
}

static void
newline(struct mv_jw *w, unsigned depth)
{
	static const char spaces[] = "                                                                ";

	putc_(w, '\n');
	for (unsigned k = 2 * depth; k > 0;) {
		unsigned m = k < sizeof(spaces) - 1 ? k : (unsigned)sizeof(spaces) - 1;

		put(w, spaces, m);
		k -= m;
	}
}

/* What comes before a value: nothing after a key, else the separator and the line. */
static void
before_value(struct mv_jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth == 0)
		return;
	if (w->items[w->depth])
		putc_(w, ',');
	newline(w, w->depth);
	w->items[w->depth] = 1;
}

void
mv_jw_init(struct mv_jw *w, FILE *out)
{
	w->out = out;
	w->failed = 0;
	w->after_key = 0;
	w->depth = 0;
	w->n = 0;
	memset(w->items, 0, sizeof(w->items));
}

void
mv_jw_open(struct mv_jw *w, char c)
{
	before_value(w);
	putc_(w, c);
	if (w->depth + 1 >= MV_JW_DEPTH) {
		w->failed = 1;
		return;
	}
	w->items[++w->depth] = 0;
}

void
mv_jw_close(struct mv_jw *w, char c)
{
	if (w->depth == 0) {
		w->failed = 1;
		return;
	}
	if (w->items[w->depth])
		newline(w, w->depth - 1);
	w->depth--;
	putc_(w, c);
}

/* The bytes jansson's dump escapes: controls, the quote and the backslash. Non-ASCII stays as
 * it is. */
static const unsigned char needs_escape[256] = {
	[0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x05] = 1, [0x06] = 1,
	[0x07] = 1, [0x08] = 1, [0x09] = 1, [0x0a] = 1, [0x0b] = 1, [0x0c] = 1, [0x0d] = 1,
	[0x0e] = 1, [0x0f] = 1, [0x10] = 1, [0x11] = 1, [0x12] = 1, [0x13] = 1, [0x14] = 1,
	[0x15] = 1, [0x16] = 1, [0x17] = 1, [0x18] = 1, [0x19] = 1, [0x1a] = 1, [0x1b] = 1,
	[0x1c] = 1, [0x1d] = 1, [0x1e] = 1, [0x1f] = 1, ['"'] = 1, ['\\'] = 1,
};

static void
string(struct mv_jw *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n, *run = p;

	putc_(w, '"');
	for (; p < end; p++) {
		char esc[8];
		const char *e = NULL;

		if (!needs_escape[*p])
			continue;
		put(w, (const char *)run, (size_t)(p - run));
		switch (*p) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		default:
			snprintf(esc, sizeof(esc), "\\u%04X", *p);
			e = esc;
		}
		put(w, e, strlen(e));
		run = p + 1;
	}
	put(w, (const char *)run, (size_t)(end - run));
	putc_(w, '"');
}

void
mv_jw_key(struct mv_jw *w, const char *key)
{
	if (w->items[w->depth])
		putc_(w, ',');
	newline(w, w->depth);
	w->items[w->depth] = 1;
	string(w, key, strlen(key));
	put(w, ": ", 2);
	w->after_key = 1;
}

void
mv_jw_str(struct mv_jw *w, const char *s)
{
	size_t n = strlen(s);
	char *esc;

	before_value(w);
	if (mv_utf8_valid(s, n)) {
		string(w, s, n);
		return;
	}
	if ((esc = mv_str_escape(s, n)) == NULL) {
		w->failed = 1;
		return;
	}
	string(w, esc, strlen(esc));
	free(esc);
}

/* Two integers an entry; snprintf costs more than the rest of the entry's numbers. */
void
mv_jw_int(struct mv_jw *w, long long v)
{
	char b[24], *p = b + sizeof(b);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	before_value(w);
	put(w, p, (size_t)(b + sizeof(b) - p));
}

void
mv_jw_bool(struct mv_jw *w, int v)
{
	before_value(w);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void
mv_jw_json(struct mv_jw *w, json_t *v)
{
	char *text, *line, *nl;

	before_value(w);
	if (v == NULL || (text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	    JSON_ENCODE_ANY)) == NULL) {
		json_decref(v);
		w->failed = 1;
		return;
	}
	/* Strings hold no raw newline (jansson escapes it): every one starts a line to shift. */
	for (line = text; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
		put(w, line, (size_t)(nl - line));
		newline(w, w->depth);
	}
	put(w, line, strlen(line));
	free(text);
	json_decref(v);
}

void
mv_jw_members(struct mv_jw *w, json_t *o)
{
	const char *key;
	json_t *v;

	json_object_foreach(o, key, v) {
		mv_jw_key(w, key);
		mv_jw_json(w, json_incref(v));
	}
}

mv_status
mv_jw_finish(struct mv_jw *w)
{
	if (w->depth != 0)
		w->failed = 1;
	putc_(w, '\n');
	flush(w);
	return w->failed ? MV_ERR_IO : MV_OK;
}

mv_status
mv_json_dump(json_t *j, FILE *out)
{
	struct mv_jw *w = malloc(sizeof(*w));
	mv_status st;

	if (w == NULL)
		return MV_ERR_NOMEM;
	mv_jw_init(w, out);
	mv_jw_json(w, json_incref(j));
	st = mv_jw_finish(w);
	free(w);
	return st;
}
