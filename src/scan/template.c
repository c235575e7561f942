/* SPDX-License-Identifier: Apache-2.0 */
/* template.c: chat templates (GGUF metadata, tokenizer_config.json, chat_template.json,
 * *.jinja) read as Jinja source and checked for sandbox escapes without rendering them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/array.h"
#include "core/codec.h"
#include "core/buf.h"
#include "core/jsonutil.h"
#include "core/sha256.h"
#include "core/str.h"
#include "scan/formats.h"
#include "scan/template.h"
#include "scan/template_int.h"

/* Real chat templates, tool-use ones included, stay well under this. */
#define BIG_TEMPLATE (128u * 1024)
/* Base64 runs this long are data, not prose. */
#define BLOB_RUN 100
/* Tokens lexed from one template: some megabytes of code. */
#define MAX_TOKENS (1u << 22)

/* Attribute names that walk from any object to Python's internals. */
static const char *const dunders[] = {
	"__class__", "__mro__", "__subclasses__", "__globals__", "__builtins__", "__import__",
	"__init__", "__base__", "__bases__", "__dict__", "__getattribute__", "__code__",
	"__func__", "__self__", "__module__", "__loader__", "__spec__", "__reduce__",
	"__reduce_ex__", "__getitem__", "__call__", "__closure__", "__new__", NULL
};

/* Jinja, Flask and template-context globals that reach a module's globals in one step. */
static const char *const gadgets[] = {
	"lipsum", "cycler", "joiner", "self", "config", "request", "url_for",
	"get_flashed_messages", NULL
};

/* Names that run code or touch files whatever their context. */
static const char *const exec_names[] = {
	"os", "subprocess", "popen", "eval", "exec", "execfile", "import_module", "check_output",
	"check_call", "spawnl", "spawnv", "execv", "execve", "posix", "pty", "builtins", NULL
};

/* Names that run code when called or reached as an attribute (os.system, open(...)). */
static const char *const exec_calls[] = {
	"system", "open", "compile", "getattr", "setattr", "globals", "locals", "breakpoint",
	NULL
};

static int
in_list(const char *const *list, const char *s, size_t n)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return 1;
	return 0;
}

static const char *
find_dunder(const unsigned char *s, size_t n)
{
	for (size_t i = 0; dunders[i]; i++) {
		size_t m = strlen(dunders[i]);

		for (size_t k = 0; k + m <= n; k++)
			if (memcmp(s + k, dunders[i], m) == 0)
				return dunders[i];
	}
	return NULL;
}

static mv_status
put_utf8(struct mv_buf *b, uint32_t cp)
{
	unsigned char u[4];

	return mv_buf_add(b, u, mv_utf8_put(cp, u));
}

/* Decode a string literal's body (Python unicode-escape rules, as Jinja's lexer applies them)
 * into b; *escaped is set when an escape spells an ASCII character in a roundabout way. */
static mv_status
decode_literal(const unsigned char *s, size_t n, struct mv_buf *b, int *escaped)
{
	size_t i = 0;
	mv_status st = MV_OK;

	*escaped = 0;
	while (i < n && st == MV_OK) {
		unsigned char c = s[i++];
		uint32_t cp = 0;
		int digits = 0, want = 0;

		if (c != '\\' || i >= n) {
			st = mv_buf_addc(b, c);
			continue;
		}
		c = s[i++];
		switch (c) {
		case 'n': st = mv_buf_addc(b, '\n'); continue;
		case 't': st = mv_buf_addc(b, '\t'); continue;
		case 'r': st = mv_buf_addc(b, '\r'); continue;
		case '\\': case '\'': case '"': st = mv_buf_addc(b, c); continue;
		case 'x': want = 2; break;
		case 'u': want = 4; break;
		case 'U': want = 8; break;
		case 'N':
			/* \N{LOW LINE}: a named character; always an obfuscation in a template. */
			*escaped = 1;
			while (i < n && s[i] != '}')
				i++;
			i += i < n;
			continue;
		default:
			if (c >= '0' && c <= '7') {
				cp = (uint32_t)(c - '0');
				for (digits = 1; digits < 3 && i < n && s[i] >= '0' && s[i] <= '7';
				    digits++)
					cp = cp * 8 + (uint32_t)(s[i++] - '0');
				if (cp < 0x80 && cp >= 0x20)
					*escaped = 1;
				st = put_utf8(b, cp);
				continue;
			}
			if ((st = mv_buf_addc(b, '\\')) == MV_OK)
				st = mv_buf_addc(b, c);
			continue;
		}
		for (digits = 0; digits < want && i < n && mv_hex_value(s[i]) >= 0; digits++)
			cp = cp * 16 + (uint32_t)mv_hex_value(s[i++]);
		if (cp < 0x80 && cp >= 0x20)
			*escaped = 1;
		st = put_utf8(b, cp);
	}
	return st;
}

static int
is_name_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_name_char(unsigned char c)
{
	return is_name_start(c) || (c >= '0' && c <= '9');
}

static mv_status
blk_push(struct blk *b, const struct tok *t)
{
	if (b->n >= MAX_TOKENS)
		return MV_ERR_LIMIT;
	if (MV_ARRAY_RESERVE(b->v, b->cap, b->n + 1, MAX_TOKENS) != 0)
		return MV_ERR_NOMEM;
	b->v[b->n++] = *t;
	return MV_OK;
}

/* Lex the code between s and e into b; returns -1 when a string does not close. */
static int
lex(const unsigned char *text, size_t s, size_t e, struct blk *b, mv_status *st)
{
	size_t i = s;
	int unterminated = 0;

	*st = MV_OK;
	b->n = 0;
	b->s = s;
	b->e = e;
	mv_buf_reset(&b->lit);
	while (i < e && *st == MV_OK) {
		unsigned char c = text[i];
		struct tok t;

		memset(&t, 0, sizeof(t));
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			i++;
			continue;
		}
		t.s = i;
		if (is_name_start(c)) {
			while (i < e && is_name_char(text[i]))
				i++;
			t.type = T_NAME;
		} else if (c >= '0' && c <= '9') {
			while (i < e && (is_name_char(text[i]) || text[i] == '.'))
				i++;
			t.type = T_NUM;
		} else if (c == '\'' || c == '"') {
			size_t j = i + 1;

			while (j < e && text[j] != c)
				j += text[j] == '\\' ? 2 : 1;
			if (j >= e) {
				unterminated = 1;
				j = e;
			}
			t.type = T_STR;
			t.ls = b->lit.len;
			*st = decode_literal(text + i + 1, (j > e ? e : j) - i - 1, &b->lit, &t.escaped);
			t.le = b->lit.len;
			i = j < e ? j + 1 : e;
		} else {
			t.type = T_OP;
			t.op = (char)c;
			i++;
		}
		t.e = i;
		if (*st == MV_OK)
			*st = blk_push(b, &t);
	}
	return unterminated ? -1 : 0;
}

static int
tok_is(const struct blk *b, size_t k, const unsigned char *text, const char *word)
{
	size_t n = strlen(word);

	return k < b->n && b->v[k].type == T_NAME && b->v[k].e - b->v[k].s == n &&
	    memcmp(text + b->v[k].s, word, n) == 0;
}

static int
tok_op(const struct blk *b, size_t k, char op)
{
	return k < b->n && b->v[k].type == T_OP && b->v[k].op == op;
}

/* The argument tokens of a call whose '(' is at token k: [*first, *last) up to the matching
 * ')'; returns the index of that ')' or b->n. */
static size_t
call_args(const struct blk *b, size_t k, size_t *first)
{
	int depth = 0;

	*first = k + 1;
	for (size_t i = k; i < b->n; i++) {
		if (tok_op(b, i, '(') || tok_op(b, i, '['))
			depth++;
		else if ((tok_op(b, i, ')') || tok_op(b, i, ']')) && --depth == 0)
			return i;
	}
	return b->n;
}

/* One string filter or method applied to cur (format, replace, reverse, * n) when the
 * tokens after j are one, as Jinja would compute it: the result goes to out and the index of
 * the last token used is returned; 0 when the tokens are not such a filter. */
static size_t
apply_filter(const struct blk *b, size_t j, const unsigned char *text,
    const struct mv_buf *cur, struct mv_buf *out)
{
	const unsigned char *lit = b->lit.p ? b->lit.p : (const unsigned char *)"";
	const unsigned char *d = cur->p ? cur->p : (const unsigned char *)"";
	size_t dn = cur->len, first, close;

	if ((tok_op(b, j + 1, '|') || tok_op(b, j + 1, '.')) && tok_op(b, j + 3, '(') &&
	    tok_is(b, j + 2, text, "format")) {
		size_t a;

		close = call_args(b, j + 3, &first);
		a = first;
		for (size_t i = 0; i < dn; i++) {
			int pct = d[i] == '%' && i + 1 < dn && (d[i + 1] == 's' || d[i + 1] == 'c' ||
			    d[i + 1] == 'd');
			int brace = d[i] == '{' && i + 1 < dn && d[i + 1] == '}';

			if (!pct && !brace) {
				mv_buf_addc(out, d[i]);
				continue;
			}
			while (a < close && tok_op(b, a, ','))
				a++;
			if (a < close && b->v[a].type == T_STR) {
				mv_buf_add(out, lit + b->v[a].ls, b->v[a].le - b->v[a].ls);
			} else if (a < close && b->v[a].type == T_NUM) {
				unsigned long v = strtoul((const char *)text + b->v[a].s, NULL, 10);

				if (d[i + 1] == 'c' && v < 128)
					mv_buf_addc(out, (unsigned char)v);
			}
			a++;
			i++;
		}
		return close < b->n ? close : b->n - 1;
	}
	if ((tok_op(b, j + 1, '|') || tok_op(b, j + 1, '.')) && tok_op(b, j + 3, '(') &&
	    tok_is(b, j + 2, text, "replace")) {
		size_t x, y;

		close = call_args(b, j + 3, &first);
		x = first;
		y = x + 2;
		if (y < close && b->v[x].type == T_STR && tok_op(b, x + 1, ',') &&
		    b->v[y].type == T_STR && b->v[x].le > b->v[x].ls) {
			const unsigned char *from = lit + b->v[x].ls, *to = lit + b->v[y].ls;
			size_t fn = b->v[x].le - b->v[x].ls, tn = b->v[y].le - b->v[y].ls;

			for (size_t i = 0; i < dn;) {
				if (i + fn <= dn && memcmp(d + i, from, fn) == 0) {
					mv_buf_add(out, to, tn);
					i += fn;
				} else {
					mv_buf_addc(out, d[i++]);
				}
			}
			return close;
		}
		return 0;
	}
	if (tok_op(b, j + 1, '|') && tok_is(b, j + 2, text, "reverse")) {
		for (size_t i = dn; i > 0; i--)
			mv_buf_addc(out, d[i - 1]);
		return j + 2;
	}
	if (tok_op(b, j + 1, '*') && j + 2 < b->n && b->v[j + 2].type == T_NUM) {
		unsigned long times = strtoul((const char *)text + b->v[j + 2].s, NULL, 10);

		for (unsigned long t = 0; t < times && t < 16; t++)
			mv_buf_add(out, d, dn);
		return j + 2;
	}
	return 0;
}

/* Append to sim what the literal at token k becomes after the chain of string filters
 * applied to it; returns the last token used. */
static size_t
simulate(const struct blk *b, size_t k, const unsigned char *text, struct mv_buf *sim)
{
	struct mv_buf cur, next;
	size_t j = k, used;
	size_t cap = sim->max;

	mv_buf_init(&cur, cap);
	mv_buf_init(&next, cap);
	/* No literal has bytes yet when all of them are empty. */
	if (b->v[k].le > b->v[k].ls)
		mv_buf_add(&cur, b->lit.p + b->v[k].ls, b->v[k].le - b->v[k].ls);
	for (int hops = 0; hops < 16; hops++) {
		struct mv_buf tmp;

		mv_buf_reset(&next);
		if ((used = apply_filter(b, j, text, &cur, &next)) == 0)
			break;
		j = used;
		tmp = cur;
		cur = next;
		next = tmp;
	}
	if (cur.len)
		mv_buf_add(sim, cur.p, cur.len);
	mv_buf_free(&cur);
	mv_buf_free(&next);
	return j;
}

/* What the literals of all code blocks spell when put together, which internals a single
 * literal already names (those are reported as template.dunder), and which ones the folder
 * saw an expression compute. */
struct built {
	struct mv_buf sim;
	unsigned char named[sizeof(dunders) / sizeof(dunders[0])];
	unsigned char folded[sizeof(dunders) / sizeof(dunders[0])];
	size_t folded_at[sizeof(dunders) / sizeof(dunders[0])];
};

static void
check_block(struct mv_report *rep, const char *label, const unsigned char *text, struct blk *b,
    int64_t base, struct built *bt)
{
	const unsigned char *lit = b->lit.p ? b->lit.p : (const unsigned char *)"";

	for (size_t k = 0; k < b->n; k++) {
		const struct tok *t = &b->v[k];
		const unsigned char *s = text + t->s;
		size_t n = t->e - t->s;
		int attr = k > 0 && tok_op(b, k - 1, '.');
		int64_t off = base >= 0 ? base + (int64_t)t->s : -1;

		if (t->type == T_STR) {
			const unsigned char *d = lit + t->ls;
			size_t dn = t->le - t->ls;
			const char *du = find_dunder(d, dn);

			if (t->escaped)
				mv_report(rep, MV_R_TEMPLATE_ESCAPE, off,
				    "%s: string literal spells characters with escapes: %.*s", label,
				    (int)(n < 80 ? n : 80), (const char *)s);
			for (size_t i = 0; dunders[i]; i++)
				if (memmem(d, dn, dunders[i], strlen(dunders[i])))
					bt->named[i] = 1;
			if (du)
				mv_report(rep, MV_R_TEMPLATE_DUNDER, off,
				    "%s: string literal names %s", label, du);
			/* x['popen']: a dangerous name used as a key ('system' is a common role
			 * name, so only attr() below counts it). */
			if (k > 0 && (tok_op(b, k - 1, '[') || tok_op(b, k - 1, '(')) &&
			    in_list(exec_names, (const char *)d, dn))
				mv_report(rep, MV_R_TEMPLATE_EXEC, off, "%s: looks up '%.*s' by name",
				    label, (int)(dn < 40 ? dn : 40), (const char *)d);
			continue;
		}
		if (t->type != T_NAME)
			continue;
		if (n >= 2 && memmem(s, n, "__", 2) != NULL) {
			mv_report(rep, MV_R_TEMPLATE_DUNDER, off, "%s: reaches '%.*s'", label,
			    (int)(n < 60 ? n : 60), (const char *)s);
			continue;
		}
		if (!attr && in_list(gadgets, (const char *)s, n) && !tok_op(b, k + 1, '=') &&
		    !(k > 0 && tok_is(b, k - 1, text, "set")) &&
		    !(k > 0 && tok_is(b, k - 1, text, "for")))
			mv_report(rep, MV_R_TEMPLATE_GADGET, off,
			    "%s: uses the global '%.*s'", label, (int)n, (const char *)s);
		if (in_list(exec_names, (const char *)s, n) ||
		    (in_list(exec_calls, (const char *)s, n) && (attr || tok_op(b, k + 1, '('))))
			mv_report(rep, MV_R_TEMPLATE_EXEC, off, "%s: %s '%.*s'", label,
			    attr ? "reaches the attribute" : "uses", (int)n, (const char *)s);
		/* |attr(...): a literal argument alone is odd; anything else builds a name. */
		if (tok_is(b, k, text, "attr") && k > 0 && tok_op(b, k - 1, '|') &&
		    tok_op(b, k + 1, '(')) {
			const struct tok *arg = k + 2 < b->n ? &b->v[k + 2] : NULL;
			int plain = arg && arg->type == T_STR && tok_op(b, k + 3, ')') && !arg->escaped &&
			    find_dunder(lit + arg->ls, arg->le - arg->ls) == NULL &&
			    memchr(lit + arg->ls, '_', arg->le - arg->ls) == NULL;

			if (plain && (in_list(exec_names, (const char *)lit + arg->ls,
			    arg->le - arg->ls) || in_list(exec_calls, (const char *)lit + arg->ls,
			    arg->le - arg->ls)))
				mv_report(rep, MV_R_TEMPLATE_EXEC, off, "%s: attr('%.*s')", label,
				    (int)(arg->le - arg->ls), (const char *)lit + arg->ls);
			else if (plain)
				mv_report(rep, MV_R_TEMPLATE_ATTR_LITERAL, off,
				    "%s: attr('%.*s') where plain attribute access would do", label,
				    (int)(arg->le - arg->ls < 40 ? arg->le - arg->ls : 40),
				    (const char *)lit + arg->ls);
			else
				mv_report(rep, MV_R_TEMPLATE_ATTR, off,
				    "%s: attr() with a computed or underscore name", label);
		}
	}
	/* Names put together from pieces: "__cla" ~ "ss__", ['_','_base','__']|join,
	 * "%s%sclass%s%s"|format('_','_','_','_'): what the literals spell in order, after the
	 * string filters applied to them. */
	for (size_t k = 0; k < b->n; k++)
		if (b->v[k].type == T_STR)
			k = simulate(b, k, text, &bt->sim);
}

static void
check_built(struct mv_report *rep, const char *label, const unsigned char *t, size_t n,
    struct built *bt, int64_t offset)
{
	for (size_t i = 0; dunders[i]; i++) {
		if (bt->named[i])
			continue;
		if (bt->folded[i]) {
			size_t s = bt->folded_at[i], m = n - s < 60 ? n - s : 60;

			mv_report(rep, MV_R_TEMPLATE_DUNDER_BUILT, offset >= 0 ? offset + (int64_t)s :
			    -1, "%s: an expression computes the name %s: %.*s", label, dunders[i],
			    (int)m, (const char *)t + s);
		} else if (bt->sim.len && memmem(bt->sim.p, bt->sim.len, dunders[i],
		    strlen(dunders[i]))) {
			mv_report(rep, MV_R_TEMPLATE_DUNDER_BUILT, offset,
			    "%s: builds the name %s from string pieces", label, dunders[i]);
		}
	}
}

static int
is_b64(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    c == '+' || c == '/' || c == '-' || c == '_';
}

/* URLs and long base64 runs anywhere in the text: a prompt-level payload. */
static void
check_text(struct mv_report *rep, const char *label, const unsigned char *t, size_t n,
    int64_t base)
{
	static const char *const schemes[] = {"http://", "https://", "ftp://", "file://", NULL};
	size_t run = 0;
	int up = 0, lo = 0, dig = 0, blob_done = 0, url_done = 0;

	for (size_t i = 0; i < n; i++) {
		if (!url_done && (t[i] | 0x20) >= 'f' && (t[i] | 0x20) <= 'h') {
			for (int k = 0; schemes[k]; k++) {
				size_t m = strlen(schemes[k]);
				size_t j;

				if (i + m > n)
					continue;
				for (j = 0; j < m && (t[i + j] | (schemes[k][j] >= 'a' ? 0x20 : 0)) ==
				    (unsigned char)schemes[k][j]; j++)
					;
				if (j == m) {
					size_t e = i + m;

					while (e < n && e - i < 120 && t[e] > ' ' && t[e] != '"' &&
					    t[e] != '\'' && t[e] != '<' && t[e] != '>')
						e++;
					mv_report(rep, MV_R_TEMPLATE_URL, base >= 0 ? base + (int64_t)i : -1,
					    "%s: contains the URL %.*s", label, (int)(e - i),
					    (const char *)t + i);
					url_done = 1;
					break;
				}
			}
		}
		if (is_b64(t[i])) {
			run++;
			up |= t[i] >= 'A' && t[i] <= 'Z';
			lo |= t[i] >= 'a' && t[i] <= 'z';
			dig |= t[i] >= '0' && t[i] <= '9';
			if (!blob_done && run >= BLOB_RUN && up && lo && dig) {
				mv_report(rep, MV_R_TEMPLATE_BLOB,
				    base >= 0 ? base + (int64_t)(i + 1 - run) : -1,
				    "%s: holds a base64-like run starting %.40s", label,
				    (const char *)t + i + 1 - run);
				blob_done = 1;
			}
		} else {
			run = 0;
			up = lo = dig = 0;
		}
	}
}

/* The end of a Jinja tag opened at i (after "{{" or "{%"): the index of its closing pair,
 * skipping string literals; n when it does not close. */
static size_t
tag_end(const unsigned char *t, size_t i, size_t n, char close)
{
	char q = 0;

	for (; i + 1 < n; i++) {
		if (q) {
			if (t[i] == '\\')
				i++;
			else if (t[i] == (unsigned char)q)
				q = 0;
			continue;
		}
		if (t[i] == '\'' || t[i] == '"')
			q = (char)t[i];
		else if (t[i] == (unsigned char)close && t[i + 1] == '}')
			return i;
	}
	return n;
}

/* Is the statement in [s, e) the word w (after whitespace control marks)? */
static int
stmt_is(const unsigned char *t, size_t s, size_t e, const char *w)
{
	size_t m = strlen(w);

	while (s < e && (t[s] == '-' || t[s] == '+' || t[s] == ' ' || t[s] == '\t' ||
	    t[s] == '\n' || t[s] == '\r'))
		s++;
	while (e > s && (t[e - 1] == '-' || t[e - 1] == '+' || t[e - 1] == ' ' ||
	    t[e - 1] == '\t' || t[e - 1] == '\n' || t[e - 1] == '\r'))
		e--;
	return e - s == m && memcmp(t + s, w, m) == 0;
}

typedef void (*block_fn)(void *arg, struct blk *b, int stmt);

/* Lex every code block of the template in order and hand it to fn; returns -1 when a tag,
 * comment or string does not close, 0 otherwise. *st is set when a block was too large. */
static int
walk_blocks(const unsigned char *t, size_t n, struct blk *b, block_fn fn, void *arg,
    mv_status *st)
{
	size_t i = 0;
	int syntax = 0;

	*st = MV_OK;
	while (i + 1 < n) {
		size_t s, e;

		if (t[i] != '{' || (t[i + 1] != '{' && t[i + 1] != '%' && t[i + 1] != '#')) {
			i++;
			continue;
		}
		if (t[i + 1] == '#') {
			const unsigned char *c = memmem(t + i + 2, n - i - 2, "#}", 2);

			if (c == NULL) {
				syntax = 1;
				break;
			}
			i = (size_t)(c - t) + 2;
			continue;
		}
		s = i + 2;
		e = tag_end(t, s, n, t[i + 1] == '{' ? '}' : '%');
		if (e >= n)
			syntax = 1;
		/* {% raw %} ... {% endraw %}: the content is text, not code. */
		if (t[i + 1] == '%' && e < n && stmt_is(t, s, e, "raw")) {
			size_t j = e + 2;

			for (;;) {
				const unsigned char *o = memmem(t + j, n - j, "{%", 2);
				size_t ce;

				if (o == NULL) {
					syntax = 1;
					j = n;
					break;
				}
				ce = tag_end(t, (size_t)(o - t) + 2, n, '%');
				if (ce >= n) {
					/* No tag closes after this: neither can an endraw. */
					syntax = 1;
					j = n;
					break;
				}
				if (stmt_is(t, (size_t)(o - t) + 2, ce, "endraw")) {
					j = ce + 2;
					break;
				}
				j = ce + 2;
			}
			i = j;
			continue;
		}
		if (lex(t, s, e, b, st) != 0)
			syntax = 1;
		if (*st != MV_OK)
			break;
		fn(arg, b, t[i + 1] == '%');
		i = e < n ? e + 2 : n;
	}
	return syntax ? -1 : 0;
}

struct check {
	struct mv_report *rep;
	const char *label;
	const unsigned char *t;
	size_t n;
	int64_t offset;
	struct built bt;
	struct mv_fold *fold;
};

/* A string the folder computed: which internals it names. */
static void
on_built(void *arg, size_t s, const unsigned char *v, size_t n)
{
	struct check *c = arg;

	for (size_t i = 0; dunders[i]; i++)
		if (!c->bt.folded[i] && memmem(v, n, dunders[i], strlen(dunders[i]))) {
			c->bt.folded[i] = 1;
			c->bt.folded_at[i] = s;
		}
}

/* A folded string used as an attribute name or a key; one literal as written was checked
 * where it stands. */
static void
on_name(void *arg, size_t s, const unsigned char *v, size_t n, int lit, int attr)
{
	struct check *c = arg;

	if (lit)
		return;
	if (in_list(exec_names, (const char *)v, n) ||
	    (attr && in_list(exec_calls, (const char *)v, n)))
		mv_report(c->rep, MV_R_TEMPLATE_EXEC, c->offset >= 0 ? c->offset + (int64_t)s : -1,
		    "%s: %s the name '%.*s', which an expression computes", c->label,
		    attr ? "reaches the attribute" : "looks up", (int)n, (const char *)v);
}

static void
on_repr(void *arg, size_t s)
{
	struct check *c = arg;
	size_t n = c->n - s < 60 ? c->n - s : 60;

	mv_report(c->rep, MV_R_TEMPLATE_REPR, c->offset >= 0 ? c->offset + (int64_t)s : -1,
	    "%s: takes characters out of an object's printed form: %.*s", c->label, (int)n,
	    (const char *)c->t + s);
}

static void
check_one(void *arg, struct blk *b, int stmt)
{
	struct check *c = arg;

	check_block(c->rep, c->label, c->t, b, c->offset, &c->bt);
	if (c->fold)
		mv_fold_block(c->fold, b, stmt);
}

void
mv_template_check(struct mv_report *rep, const char *label, const unsigned char *t, size_t n,
    int64_t offset)
{
	unsigned char md[32];
	char hex[65];
	struct blk b;
	struct check c;
	struct mv_fold_hooks h;
	mv_status st;
	int syntax;

	memset(&b, 0, sizeof(b));
	memset(&c, 0, sizeof(c));
	memset(&h, 0, sizeof(h));
	c.rep = rep;
	c.label = label;
	c.t = t;
	c.n = n;
	c.offset = offset;
	h.arg = &c;
	h.built = on_built;
	h.name = on_name;
	h.repr = on_repr;
	mv_buf_init(&b.lit, n + 64);
	/* format() and "* n" can make the spelled text longer than the template. */
	mv_buf_init(&c.bt.sim, 16 * n + 64);
	if (mv_sha256(t, n, md) == MV_OK) {
		for (int k = 0; k < 32; k++) {
			hex[2 * k] = "0123456789abcdef"[md[k] >> 4];
			hex[2 * k + 1] = "0123456789abcdef"[md[k] & 15];
		}
		hex[64] = '\0';
		mv_report(rep, MV_R_TEMPLATE_PROVENANCE, offset, "%s: chat template of %zu bytes, "
		    "sha256 %s", label, n, hex);
	}
	if (n > BIG_TEMPLATE)
		mv_report(rep, MV_R_TEMPLATE_SIZE, offset,
		    "%s: chat template of %zu bytes (real ones stay under %u)", label, n,
		    BIG_TEMPLATE);
	check_text(rep, label, t, n, offset);
	if ((c.fold = mv_fold_new(t, n, &h)) == NULL)
		mv_findings_add(rep->a->findings, MV_R_ANALYSIS_INCOMPLETE, rep->a->path, offset,
		    "%s: out of memory; constant expressions not folded", label);
	syntax = walk_blocks(t, n, &b, check_one, &c, &st);
	if (st != MV_OK)
		mv_findings_add(rep->a->findings, MV_R_ANALYSIS_INCOMPLETE, rep->a->path,
		    offset, "%s: template too large to analyse in memory", label);
	check_built(rep, label, t, n, &c.bt, offset);
	if (syntax)
		mv_report(rep, MV_R_TEMPLATE_SYNTAX, offset,
		    "%s: an unterminated tag, comment or string; the rest was read as code", label);
	mv_fold_free(c.fold);
	free(b.v);
	mv_buf_free(&b.lit);
	mv_buf_free(&c.bt.sim);
}

static void
fold_one(void *arg, struct blk *b, int stmt)
{
	mv_fold_block(arg, b, stmt);
}

mv_status
mv_template_fold(const unsigned char *t, size_t n, const struct mv_fold_hooks *h)
{
	struct blk b;
	struct mv_fold *f;
	mv_status st;

	memset(&b, 0, sizeof(b));
	mv_buf_init(&b.lit, n + 64);
	if ((f = mv_fold_new(t, n, h)) == NULL)
		return MV_ERR_NOMEM;
	(void)walk_blocks(t, n, &b, fold_one, f, &st);
	mv_fold_free(f);
	free(b.v);
	mv_buf_free(&b.lit);
	return st;
}

/* ---- the analyser: tokenizer_config.json, chat_template.json, *.jinja ---- */

struct tpl {
	struct mv_report rep;
	const struct mv_actx *a;
	int json;
	struct mv_buf buf;
	int gave_up;
};

static int
tpl_claim(const struct mv_actx *a)
{
	const char *base = mv_actx_base(a);

	if (a->format == MV_FMT_JSON &&
	    (strcmp(base, "tokenizer_config.json") == 0 || strcmp(base, "chat_template.json") == 0))
		return 1;
	return mv_actx_suffix(a, ".jinja") && !mv_format_is_container(a->format);
}

static void *
tpl_begin(const struct mv_actx *a)
{
	struct tpl *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	s->json = !mv_actx_suffix(a, ".jinja");
	mv_buf_init(&s->buf, (size_t)a->limit[MV_LIMIT_HEADER]);
	return s;
}

static mv_status
tpl_feed(void *state, const unsigned char *p, size_t n)
{
	struct tpl *s = state;

	if (mv_buf_add(&s->buf, p, n) != MV_OK) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "chat template file larger than --max-header; not checked");
		mv_buf_free(&s->buf);
		s->gave_up = 1;
		return MV_ERR_LIMIT;
	}
	return MV_OK;
}

static void
check_value(struct tpl *s, json_t *v, const char *key)
{
	size_t i;
	json_t *e;

	if (json_is_string(v)) {
		mv_template_check(&s->rep, key, (const unsigned char *)json_string_value(v),
		    json_string_length(v), -1);
		return;
	}
	if (!json_is_array(v)) {
		if (!json_is_null(v))
			mv_report(&s->rep, MV_R_TEMPLATE_CONFIG_INVALID, -1,
			    "%s is neither a string nor a list of named templates", key);
		return;
	}
	json_array_foreach(v, i, e) {
		json_t *name = json_object_get(e, "name"), *tpl = json_object_get(e, "template");
		char *label;

		if (!json_is_string(tpl)) {
			mv_report(&s->rep, MV_R_TEMPLATE_CONFIG_INVALID, -1,
			    "%s[%zu] has no template string", key, i);
			continue;
		}
		label = mv_asprintf("%s[%s]", key, json_is_string(name) ? json_string_value(name) :
		    "?");
		mv_template_check(&s->rep, label ? label : key,
		    (const unsigned char *)json_string_value(tpl), json_string_length(tpl), -1);
		free(label);
	}
}

static void
tpl_end(void *state, int complete)
{
	struct tpl *s = state;
	json_t *root = NULL;
	char err[256];
	int dup = 0;
	mv_status st;

	if (!complete || s->gave_up)
		return;
	if (!s->json) {
		mv_template_check(&s->rep, mv_actx_base(s->a), s->buf.p ? s->buf.p :
		    (const unsigned char *)"", s->buf.len, 0);
		return;
	}
	st = mv_json_load(s->buf.p ? s->buf.p : (const unsigned char *)"", s->buf.len,
	    (unsigned)s->a->limit[MV_LIMIT_JSON_DEPTH], 0, &root, &dup, err, sizeof(err));
	if (dup)
		mv_report(&s->rep, MV_R_TEMPLATE_CONFIG_INVALID, -1, "%s", err);
	if (st != MV_OK) {
		mv_report(&s->rep, MV_R_TEMPLATE_CONFIG_INVALID, -1, "%s", err);
		return;
	}
	if (json_is_object(root) && json_object_get(root, "chat_template"))
		check_value(s, json_object_get(root, "chat_template"), "chat_template");
	json_decref(root);
}

static void
tpl_free(void *state)
{
	struct tpl *s = state;

	mv_buf_free(&s->buf);
	free(s);
}

const struct mv_analyser mv_analyser_template = {
	.name = "template",
	.claim = tpl_claim,
	.begin = tpl_begin,
	.feed = tpl_feed,
	.end = tpl_end,
	.free = tpl_free,
};
