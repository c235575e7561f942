/* SPDX-License-Identifier: Apache-2.0 */
/* sumfile.c: checksum lists: writing sha256sum-compatible lines, reading them (and BSD tags,
 * shard lines and JSON inventories) back, and comparing them with a fresh run. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/array.h"
#include "core/codec.h"
#include "core/buf.h"
#include "core/ctx.h"
#include "core/str.h"
#include "hash/digest.h"

/* Longest list line accepted: a path of 64 KiB plus the digest. */
#define MAX_LINE (65536 + 256)
/* Lines in one list. */
#define MAX_LINES 10000000

struct expect {
	char *path;                  /* as listed (shard suffix removed) */
	int shard;                   /* 1 when the line names a byte range */
	uint64_t start, end;
	unsigned alg;
	struct mv_digest d;
	size_t order;                /* position in the list */
};

struct mv_sums {
	struct expect *v;
	size_t n, cap;
	unsigned hashes;
	uint64_t shard_size;
	char **roots;
	size_t nroots;
};

static const struct {
	unsigned alg;
	const char *tag;             /* as coreutils --tag writes it */
} tags[] = {
	{MV_HASH_SHA256, "SHA256"},
	{MV_HASH_SHA384, "SHA384"},
	{MV_HASH_SHA512, "SHA512"},
	{MV_HASH_BLAKE2B, "BLAKE2b"},
	{MV_HASH_BLAKE3, "BLAKE3"},
};

static const char *
tag_of(unsigned alg)
{
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (tags[i].alg == alg)
			return tags[i].tag;
	return "?";
}

/* ---- writing ---- */

/* Tabs and Latin-1 bytes are written as sha256sum writes them, so its -c reads the list. */
#define SUMS_ESC (MV_ESC_KEEP_TAB | MV_ESC_KEEP_BYTES)

size_t
mv_sums_line(char *buf, size_t bufsize, const char *path, const struct mv_digest *d,
    const struct mv_shard *shard, unsigned flags)
{
	struct mv_buf b;
	char hex[2 * MV_DIGEST_MAX + 1], e[MV_ESCAPE_MAX];
	const unsigned char *p = (const unsigned char *)path;
	size_t n, len = strlen(path);
	int esc = 0;

	/* Escaped as coreutils escapes (\\, \n, \r), and beyond it every character that would
	 * act on a terminal (\xNN, \uNNNN), which only mavis hash --check reads back. */
	for (size_t i = 0; i < len && !esc;) {
		i += mv_escape_char(p + i, len - i, SUMS_ESC, e);
		esc = e[0] != '\0';
	}
	mv_buf_init(&b, SIZE_MAX / 2);
	mv_digest_hex(d, hex);
	/* coreutils marks a line whose name needed escaping with a leading backslash. */
	if (esc)
		mv_buf_addc(&b, '\\');
	if (flags & MV_SUMS_TAG)
		mv_buf_printf(&b, "%s (", tag_of(d->alg));
	else
		mv_buf_printf(&b, "%s  ", hex);
	for (size_t i = 0, l; i < len; i += l) {
		l = mv_escape_char(p + i, len - i, SUMS_ESC, e);
		if (e[0])
			mv_buf_add(&b, e, strlen(e));
		else
			mv_buf_add(&b, p + i, l);
	}
	if (shard)
		mv_buf_printf(&b, ":%llu:%llu", (unsigned long long)shard->start,
		    (unsigned long long)shard->end);
	if (flags & MV_SUMS_TAG)
		mv_buf_printf(&b, ") = %s", hex);
	mv_buf_addc(&b, '\n');
	n = b.len;
	if (b.p && n < bufsize) {
		memcpy(buf, b.p, n);
		buf[n] = '\0';
	}
	mv_buf_free(&b);
	return n;
}

/* ---- reading ---- */

const char *
mv_check_name(enum mv_check c)
{
	switch (c) {
	case MV_CHECK_OK: return "OK";
	case MV_CHECK_CHANGED: return "FAILED";
	case MV_CHECK_MISSING: return "MISSING";
	case MV_CHECK_EXTRA: return "EXTRA";
	case MV_CHECK_UNREADABLE: return "FAILED open or read";
	}
	return "?";
}

static mv_status
push(struct mv_sums *s, const struct expect *e)
{
	if (s->n >= MAX_LINES)
		return MV_ERR_LIMIT;
	if (MV_ARRAY_RESERVE(s->v, s->cap, s->n + 1, MAX_LINES) != 0)
		return MV_ERR_NOMEM;
	s->v[s->n] = *e;
	s->v[s->n].order = s->n;
	s->n++;
	s->hashes |= e->alg;
	return MV_OK;
}

static int
hexval(const char *s, size_t n, unsigned *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = mv_hex_value((unsigned char)s[i]);

		if (d < 0)
			return -1;
		*v = *v << 4 | (unsigned)d;
	}
	return 0;
}

/* Undo the escapes of mv_sums_line in place: coreutils' \\, \n and \r, and mavis's \t,
 * \xNN and \uNNNN (never longer than what they stand for). */
static int
unescape(char *s)
{
	char *w = s;
	unsigned v;

	for (char *r = s; *r; r++) {
		if (*r != '\\') {
			*w++ = *r;
			continue;
		}
		r++;
		if (*r == '\\')
			*w++ = '\\';
		else if (*r == 'n')
			*w++ = '\n';
		else if (*r == 'r')
			*w++ = '\r';
		else if (*r == 't')
			*w++ = '\t';
		else if (*r == 'x' && hexval(r + 1, 2, &v) == 0 && v != 0) {
			*w++ = (char)v;
			r += 2;
		} else if (*r == 'u' && hexval(r + 1, 4, &v) == 0 && v >= 0x80 &&
		    (v < 0xd800 || v > 0xdfff)) {
			if (v < 0x800) {
				*w++ = (char)(0xc0 | (v >> 6));
			} else {
				*w++ = (char)(0xe0 | (v >> 12));
				*w++ = (char)(0x80 | ((v >> 6) & 0x3f));
			}
			*w++ = (char)(0x80 | (v & 0x3f));
			r += 4;
		} else
			return -1;
	}
	*w = '\0';
	return 0;
}

static int
set_digest(struct expect *e, const char *hex, size_t hexlen, unsigned alg)
{
	char tmp[2 * MV_DIGEST_MAX + 1];
	unsigned len = mv_hash_size(alg);

	if (hexlen != 2 * len)
		return -1;
	memcpy(tmp, hex, hexlen);
	tmp[hexlen] = '\0';
	e->alg = alg;
	e->d.alg = alg;
	e->d.len = len;
	return mv_hex_decode(tmp, e->d.value, len);
}

/* "NAME:START:END" with decimal START < END: split it. */
static int
split_shard(struct expect *e)
{
	char *c2 = strrchr(e->path, ':'), *c1, *end;
	unsigned long long a, b;

	if (c2 == NULL || c2 == e->path)
		return 0;
	*c2 = '\0';
	c1 = strrchr(e->path, ':');
	*c2 = ':';
	if (c1 == NULL || c1 == e->path || c1[1] < '0' || c1[1] > '9' || c2[1] < '0' ||
	    c2[1] > '9')
		return 0;
	a = strtoull(c1 + 1, &end, 10);
	if (end != c2)
		return 0;
	b = strtoull(c2 + 1, &end, 10);
	if (*end != '\0' || b <= a)
		return 0;
	e->shard = 1;
	e->start = a;
	e->end = b;
	*c1 = '\0';
	return 1;
}

static int
is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		    (s[i] >= 'A' && s[i] <= 'F')))
			return 0;
	return 1;
}

static int
parse_line(char *line, unsigned default_alg, struct expect *e)
{
	int esc = 0;
	size_t hexlen;

	memset(e, 0, sizeof(*e));
	if (line[0] == '\\') {
		esc = 1;
		line++;
	}
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t tl = strlen(tags[i].tag), n = strlen(line);
		char *eq;

		if (strncmp(line, tags[i].tag, tl) != 0 || strncmp(line + tl, " (", 2) != 0)
			continue;
		if ((eq = strstr(line, ") = ")) == NULL)
			return -1;
		/* The name may hold ") = "; the digest is what follows the last one. */
		while (strstr(eq + 1, ") = "))
			eq = strstr(eq + 1, ") = ");
		if (set_digest(e, eq + 4, (size_t)(line + n - (eq + 4)), tags[i].alg) != 0)
			return -1;
		*eq = '\0';
		e->path = line + tl + 2;
		goto name;
	}
	for (hexlen = 0; is_hex(line + hexlen, 1) && line[hexlen]; hexlen++)
		;
	if (line[hexlen] != ' ' || (line[hexlen + 1] != ' ' && line[hexlen + 1] != '*'))
		return -1;
	if (hexlen == 64)
		default_alg = default_alg & MV_HASH_BLAKE3 ? MV_HASH_BLAKE3 : MV_HASH_SHA256;
	else if (hexlen == 96)
		default_alg = MV_HASH_SHA384;
	else if (hexlen == 128)
		default_alg = default_alg & MV_HASH_BLAKE2B ? MV_HASH_BLAKE2B : MV_HASH_SHA512;
	else
		return -1;
	if (set_digest(e, line, hexlen, default_alg) != 0)
		return -1;
	e->path = line + hexlen + 2;
name:
	if (esc && unescape(e->path) != 0)
		return -1;
	if (e->path[0] == '\0')
		return -1;
	if ((e->path = mv_strdup(e->path)) == NULL)
		return -2;
	return 0;
}

static mv_status
add_root(struct mv_sums *s, const char *root, size_t n)
{
	char **v;

	for (size_t i = 0; i < s->nroots; i++)
		if (strlen(s->roots[i]) == n && strncmp(s->roots[i], root, n) == 0)
			return MV_OK;
	if ((v = realloc(s->roots, (s->nroots + 1) * sizeof(*v))) == NULL)
		return MV_ERR_NOMEM;
	s->roots = v;
	if ((s->roots[s->nroots] = mv_strndup(root, n)) == NULL)
		return MV_ERR_NOMEM;
	s->nroots++;
	return MV_OK;
}

/* Roots of a text list: the deepest folder holding every listed file, when there is one;
 * else each listed top-level path (so files in the current folder are checked alone). */
static mv_status
text_roots(struct mv_sums *s)
{
	size_t common = SIZE_MAX;
	const char *first = NULL;
	struct stat st;

	for (size_t i = 0; i < s->n; i++) {
		const char *p = s->v[i].path, *bang = strstr(p, "!/");
		size_t top = bang ? (size_t)(bang - p) : strlen(p), k = 0;

		if (first == NULL) {
			first = p;
			common = top;
			continue;
		}
		while (k < common && k < top && first[k] == p[k])
			k++;
		common = k;
	}
	if (first) {
		/* Back up to a folder boundary that every path continues with a '/'. */
		size_t k = common;
		int ok = 0;

		while (k > 0) {
			int all = 1;

			for (size_t i = 0; i < s->n && all; i++)
				if (s->v[i].path[k] != '/')
					all = 0;
			if (all) {
				ok = 1;
				break;
			}
			k--;
		}
		if (ok) {
			char *dir = mv_strndup(first, k);
			int isdir = dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);

			free(dir);
			if (isdir)
				return add_root(s, first, k);
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		const char *p = s->v[i].path, *bang = strstr(p, "!/");
		mv_status st2 = add_root(s, p, bang ? (size_t)(bang - p) : strlen(p));

		if (st2 != MV_OK)
			return st2;
	}
	return MV_OK;
}

static mv_status
load_json(struct mv_ctx *ctx, const char *file, struct mv_sums *s)
{
	json_error_t jerr;
	json_t *root = json_load_file(file, JSON_REJECT_DUPLICATES, &jerr), *ents, *ins, *v;
	size_t i;
	mv_status st = MV_OK;

	if (root == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%d: %s", file, jerr.line, jerr.text);
	ents = json_object_get(root, "entries");
	ins = json_object_get(root, "inputs");
	if (!json_is_array(ents) || !json_is_array(ins)) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: not a mavis inventory (no entries or "
		    "inputs)", file);
		goto done;
	}
	json_array_foreach(ins, i, v) {
		if (!json_is_string(v) || (st = add_root(s, json_string_value(v),
		    json_string_length(v))) != MV_OK) {
			st = st != MV_OK ? st : mv_ctx_fail(ctx, MV_ERR_FORMAT,
			    "%s: inputs[%zu] is not a string", file, i);
			goto done;
		}
	}
	json_array_foreach(ents, i, v) {
		json_t *path = json_object_get(v, "path"), *dg = json_object_get(v, "digests");
		json_t *shards = json_object_get(v, "shards");
		const char *alg;
		json_t *hex;

		if (!json_is_string(path)) {
			st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: entries[%zu] has no path", file, i);
			goto done;
		}
		json_object_foreach(dg, alg, hex) {
			struct expect e = {0};
			unsigned a;

			if (mv_hash_lookup(alg, &a) != MV_OK || !json_is_string(hex) ||
			    set_digest(&e, json_string_value(hex), json_string_length(hex), a) != 0) {
				st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: entries[%zu] has a bad %s "
				    "digest", file, i, alg);
				goto done;
			}
			if ((e.path = mv_strdup(json_string_value(path))) == NULL ||
			    (st = push(s, &e)) != MV_OK) {
				free(e.path);
				st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
				goto done;
			}
		}
		if (json_is_array(shards)) {
			size_t k;
			json_t *sh;

			json_array_foreach(shards, k, sh) {
				json_t *start = json_object_get(sh, "start"), *end = json_object_get(sh,
				    "end");

				json_object_foreach(json_object_get(sh, "digests"), alg, hex) {
					struct expect e = {0};
					unsigned a;

					if (!json_is_integer(start) || !json_is_integer(end) ||
					    json_integer_value(start) < 0 ||
					    json_integer_value(end) <= json_integer_value(start) ||
					    mv_hash_lookup(alg, &a) != MV_OK || !json_is_string(hex) ||
					    set_digest(&e, json_string_value(hex), json_string_length(hex),
					    a) != 0) {
						st = mv_ctx_fail(ctx, MV_ERR_FORMAT,
						    "%s: entries[%zu] has a bad shard", file, i);
						goto done;
					}
					e.shard = 1;
					e.start = (uint64_t)json_integer_value(start);
					e.end = (uint64_t)json_integer_value(end);
					if (e.end - e.start > s->shard_size)
						s->shard_size = e.end - e.start;
					if ((e.path = mv_strdup(json_string_value(path))) == NULL ||
					    (st = push(s, &e)) != MV_OK) {
						free(e.path);
						st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
						goto done;
					}
				}
			}
		}
	}
	if (json_is_integer(json_object_get(root, "shard_size")))
		s->shard_size = (uint64_t)json_integer_value(json_object_get(root, "shard_size"));
done:
	json_decref(root);
	return st;
}

static mv_status
load_text(struct mv_ctx *ctx, const char *file, FILE *fp, unsigned default_alg,
    struct mv_sums *s)
{
	char *line = malloc(MAX_LINE + 2);
	size_t lineno = 0;
	int all_shards = 1;
	mv_status st = MV_OK;

	if (line == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (;;) {
		size_t n = 0;
		struct expect e;
		int c = EOF, rc;

		/* By hand rather than fgets, which cannot tell a NUL byte from the line's end
		 * (the rest of the line would go unseen). */
		while (n <= MAX_LINE && (c = getc(fp)) != EOF && c != '\n')
			line[n++] = (char)c;
		if (n == 0 && c == EOF)
			break;
		line[n] = '\0';
		lineno++;
		if (n > MAX_LINE) {
			st = mv_ctx_fail(ctx, MV_ERR_LIMIT, "%s:%zu: line too long", file, lineno);
			goto done;
		}
		if (n == 0 || line[0] == '#')
			continue;
		if (memchr(line, '\0', n) != NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: NUL byte in line", file, lineno);
			goto done;
		}
		rc = parse_line(line, default_alg, &e);
		if (rc == -2) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
		if (rc != 0) {
			st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: not a checksum line", file,
			    lineno);
			goto done;
		}
		if ((st = push(s, &e)) != MV_OK) {
			free(e.path);
			st = mv_ctx_fail(ctx, st, "%s:%zu: %s", file, lineno, mv_strerror(st));
			goto done;
		}
	}
	if (ferror(fp)) {
		st = mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", file, strerror(errno));
		goto done;
	}
	if (s->n == 0) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: no checksum lines", file);
		goto done;
	}
	/* Shard lists name every range: when every name ends in ":START:END" they are shards,
	 * and the largest range is the shard size. */
	for (size_t i = 0; i < s->n && all_shards; i++) {
		char *copy = mv_strdup(s->v[i].path);
		struct expect t = {.path = copy};

		if (copy == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
		all_shards = split_shard(&t);
		free(copy);
	}
	for (size_t i = 0; i < s->n && all_shards; i++) {
		split_shard(&s->v[i]);
		if (s->v[i].end - s->v[i].start > s->shard_size)
			s->shard_size = s->v[i].end - s->v[i].start;
	}
	st = text_roots(s);
done:
	free(line);
	return st;
}

mv_status
mv_sums_load(struct mv_ctx *ctx, const char *file, unsigned default_alg, struct mv_sums **out)
{
	struct mv_sums *s = calloc(1, sizeof(*s));
	FILE *fp = NULL;
	int c;
	mv_status st;

	*out = NULL;
	if (s == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (strcmp(file, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(file, "r")) == NULL) {
		st = mv_ctx_fail(ctx, errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO, "%s: %s", file,
		    strerror(errno));
		goto done;
	}
	/* A JSON inventory opens with '{'; checksum lines never do. */
	while ((c = getc(fp)) == ' ' || c == '\n' || c == '\t' || c == '\r')
		;
	if (c == '{' && fp != stdin) {
		fclose(fp);
		fp = NULL;
		st = load_json(ctx, file, s);
	} else {
		if (c != EOF)
			ungetc(c, fp);
		if (c == '{')
			st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "JSON inventories must be read from "
			    "a file, not standard input");
		else
			st = load_text(ctx, file, fp, default_alg, s);
	}
	if (st == MV_OK && s->nroots == 0)
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: lists no input", file);
done:
	if (fp && fp != stdin)
		fclose(fp);
	if (st != MV_OK) {
		mv_sums_free(s);
		return st;
	}
	*out = s;
	return MV_OK;
}

unsigned
mv_sums_hashes(const struct mv_sums *s)
{
	return s->hashes;
}

uint64_t
mv_sums_shard_size(const struct mv_sums *s)
{
	return s->shard_size;
}

size_t
mv_sums_root_count(const struct mv_sums *s)
{
	return s->nroots;
}

const char *
mv_sums_root(const struct mv_sums *s, size_t i)
{
	return i < s->nroots ? s->roots[i] : NULL;
}

/* ---- comparing ---- */

static int
cmp_path(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (x->order < y->order ? -1 : x->order > y->order);
}

static int
cmp_order(const void *a, const void *b)
{
	const struct expect *x = a, *y = b;

	return x->order < y->order ? -1 : x->order > y->order;
}

static const struct mv_digest *
digest_of(const struct mv_entry *e, const struct expect *x)
{
	if (!x->shard) {
		for (unsigned i = 0; i < e->ndigest; i++)
			if (e->digest[i].alg == x->alg)
				return &e->digest[i];
		return NULL;
	}
	for (size_t k = 0; k < e->nshard; k++) {
		if (e->shard[k].start != x->start || e->shard[k].end != x->end)
			continue;
		for (unsigned i = 0; i < MV_HASH_MAX; i++)
			if (e->shard[k].digest[i].alg == x->alg)
				return &e->shard[k].digest[i];
	}
	return NULL;
}

mv_status
mv_sums_check(const struct mv_sums *s, const struct mv_result *res, mv_check_fn fn, void *arg,
    size_t *ndiff)
{
	size_t nent = mv_result_entry_count(res);
	struct expect *byp = NULL;
	const struct mv_entry **found = NULL;
	unsigned char *listed = NULL;
	int members = 0;

	*ndiff = 0;
	/* A list without archive members (mavis hash's default text, sha256sum's) checks each
	 * archive whole: its members are not extras. */
	for (size_t i = 0; i < s->n && !members; i++)
		members = strstr(s->v[i].path, "!/") != NULL;
	if (s->n && (byp = malloc(s->n * sizeof(*byp))) == NULL)
		return MV_ERR_NOMEM;
	if (s->n && (found = calloc(s->n, sizeof(*found))) == NULL)
		goto nomem;
	if (nent && (listed = calloc(nent, 1)) == NULL)
		goto nomem;
	if (s->n) {              /* an empty list has no array to copy or sort */
		memcpy(byp, s->v, s->n * sizeof(*byp));
		qsort(byp, s->n, sizeof(*byp), cmp_path);
	}
	for (size_t i = 0; i < nent; i++) {
		const struct mv_entry *e = mv_result_entry(res, i);
		struct expect key = {.path = mv_unconst(e->path), .order = 0};
		size_t lo = 0, hi = s->n;

		/* First listed line for this path, then every line with the same path. */
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;

			if (strcmp(byp[mid].path, key.path) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < s->n && strcmp(byp[lo].path, key.path) == 0; lo++) {
			found[byp[lo].order] = e;
			listed[i] = 1;
		}
	}
	/* Report in list order. */
	if (s->n)
		qsort(byp, s->n, sizeof(*byp), cmp_order);
	for (size_t i = 0; i < s->n; i++) {
		const struct expect *x = &byp[i];
		const struct mv_entry *e = found[x->order];
		const struct mv_digest *d;
		char shown[64] = "";
		char *label;

		if (x->shard)
			snprintf(shown, sizeof(shown), ":%llu:%llu", (unsigned long long)x->start,
			    (unsigned long long)x->end);
		if ((label = mv_asprintf("%s%s", x->path, shown)) == NULL)
			goto nomem;
		if (e == NULL) {
			fn(arg, label, MV_CHECK_MISSING, NULL);
			++*ndiff;
		} else if (e->flags & MV_ENTRY_INCOMPLETE) {
			fn(arg, label, MV_CHECK_UNREADABLE, NULL);
			++*ndiff;
		} else if ((d = digest_of(e, x)) == NULL) {
			fn(arg, label, x->shard ? MV_CHECK_CHANGED : MV_CHECK_MISSING,
			    x->shard ? "no such byte range now" : "not a regular file now");
			++*ndiff;
		} else if (d->len != x->d.len || memcmp(d->value, x->d.value, d->len) != 0) {
			fn(arg, label, MV_CHECK_CHANGED, NULL);
			++*ndiff;
		} else {
			fn(arg, label, MV_CHECK_OK, NULL);
		}
		free(label);
	}
	for (size_t i = 0; i < nent; i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (listed[i] || e->type != MV_ENTRY_FILE || (e->depth > 0 && !members))
			continue;
		/* In shard mode an empty file has nothing to list. */
		if (s->shard_size && e->nshard == 0 && !(e->flags & MV_ENTRY_INCOMPLETE))
			continue;
		fn(arg, e->path, MV_CHECK_EXTRA, NULL);
		++*ndiff;
	}
	free(byp);
	free(found);
	free(listed);
	return MV_OK;
nomem:
	free(byp);
	free(found);
	free(listed);
	return MV_ERR_NOMEM;
}

void
mv_sums_free(struct mv_sums *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	for (size_t i = 0; i < s->nroots; i++)
		free(s->roots[i]);
	free(s->roots);
	free(s);
}
