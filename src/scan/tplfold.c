/* SPDX-License-Identifier: Apache-2.0 */
/* tplfold.c: constant folding of chat templates. Every expression a template can evaluate
 * without input (literals, the Jinja globals, {% set %} variables bound to constants, and the
 * filters, operators and string methods over them) is computed with Jinja2's semantics, as
 * ImmutableSandboxedEnvironment renders it, so that a name assembled from filter output
 * ("(()|select|string)[24]" is "_") is seen as the name it becomes. What cannot be known
 * (input, random text, an object's address) stays unknown: only a prefix of an object's
 * printed form is kept. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "scan/template_int.h"

/* Bounds: no template can make the folder allocate or work without limit. */
#define STR_MAX (64u * 1024)        /* longest string value kept */
#define ITEMS_MAX 4096              /* longest list, range or iteration kept */
#define ARENA_MAX (8u << 20)        /* all values of one template */
#define DEPTH_MAX 48                /* expression nesting */
#define VARS_MAX 1024
#define FRAMES_MAX 64               /* nested if, for, macro ... blocks followed */

enum { V_UNK, V_NONE, V_BOOL, V_INT, V_STR, V_LIST, V_TUPLE, V_DICT, V_OBJ };

/* Objects: the globals of a sandboxed environment and what filters return. */
enum { O_LIPSUM = 1, O_RANGEFN, O_DICTCLS, O_CYCLERCLS, O_JOINERCLS, O_NSCLS, O_ITER, O_RANGE,
	O_VIEW, O_OTHER };

struct val {
	int t;
	int open;               /* V_STR, V_OBJ: only s[0..n) of the text is known */
	int lit;                /* V_STR written as one literal */
	int obj;                /* V_OBJ: O_* */
	int64_t i;              /* V_INT, V_BOOL */
	const unsigned char *s; /* V_STR bytes; V_OBJ: its printed form */
	size_t n;
	struct val *v;          /* V_LIST, V_TUPLE, V_DICT (key, value pairs), O_ITER items */
	size_t nv;
	int known;              /* O_ITER: v holds the items */
	int fromobj;            /* V_STR: an object's printed form, or made from one */
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	unsigned char data[];
};

struct var {
	const unsigned char *name;
	size_t n;
	struct val v;
};

struct mv_fold {
	const unsigned char *text;
	size_t tn;
	struct mv_fold_hooks h;
	struct chunk *arena;
	size_t total;
	struct var *vars;
	size_t nvars;
	/* Variables set inside an if, for or macro are unknown after it (and in the other
	 * branches): touched lists them, frame[d] is where depth d's entries start. */
	struct var *touched;
	size_t ntouched;
	size_t frame[FRAMES_MAX];
	unsigned depth, lost;       /* lost: opened past FRAMES_MAX */
};

/* One parse of a block's tokens. */
struct ps {
	struct mv_fold *f;
	const struct blk *b;
	size_t k, end;          /* next token, one past the last */
	int err;                /* a syntax the folder does not follow: stop this block */
	int depth;
};

static const struct val unk = { .t = V_UNK };

/* ---- arena ---- */

static void *
arena_get(struct mv_fold *f, size_t n)
{
	struct chunk *c = f->arena;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (n > ARENA_MAX || f->total + n > ARENA_MAX)
		return NULL;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		if ((c = malloc(sizeof(*c) + cap)) == NULL)
			return NULL;
		c->next = f->arena;
		c->used = 0;
		c->cap = cap;
		f->arena = c;
	}
	p = c->data + c->used;
	c->used += n;
	f->total += n;
	return p;
}

static struct val
mkstr(struct mv_fold *f, const unsigned char *s, size_t n, int open)
{
	struct val r = { .t = V_STR, .open = open };
	unsigned char *p;

	if (n > STR_MAX || (p = arena_get(f, n + 1)) == NULL)
		return unk;
	if (n)
		memcpy(p, s, n);
	p[n] = 0;
	r.s = p;
	r.n = n;
	return r;
}

static struct val
mkbuf(struct mv_fold *f, struct mv_buf *b, int ok, int open)
{
	struct val r = ok ? mkstr(f, b->p, b->len, open) : unk;

	mv_buf_free(b);
	return r;
}

static struct val
mkint(int64_t i)
{
	struct val r = { .t = V_INT, .i = i };

	return r;
}

static struct val
mkbool(int b)
{
	struct val r = { .t = V_BOOL, .i = b != 0 };

	return r;
}

static struct val
mkobj(int kind, const char *repr, int open)
{
	struct val r = { .t = V_OBJ, .obj = kind, .open = open };

	r.s = (const unsigned char *)repr;
	r.n = strlen(repr);
	return r;
}

static struct val *
items_new(struct mv_fold *f, size_t n)
{
	if (n > 2 * ITEMS_MAX)
		return NULL;
	return arena_get(f, (n ? n : 1) * sizeof(struct val));
}

/* ---- printing values as Python does ---- */

static int put_repr(struct mv_buf *o, const struct val *v, int *open);

/* Python's repr of a str: single quotes unless the text has one and no double quote. */
static int
put_str_repr(struct mv_buf *o, const unsigned char *s, size_t n, int open)
{
	char q = memchr(s, '\'', n) && !memchr(s, '"', n) ? '"' : '\'';
	int ok = mv_buf_addc(o, (unsigned char)q) == MV_OK;

	for (size_t i = 0; i < n && ok; i++) {
		unsigned char c = s[i];

		if (c == '\\' || c == (unsigned char)q)
			ok = mv_buf_addc(o, '\\') == MV_OK && mv_buf_addc(o, c) == MV_OK;
		else if (c == '\n')
			ok = mv_buf_add(o, "\\n", 2) == MV_OK;
		else if (c == '\r')
			ok = mv_buf_add(o, "\\r", 2) == MV_OK;
		else if (c == '\t')
			ok = mv_buf_add(o, "\\t", 2) == MV_OK;
		else if (c < 0x20 || c == 0x7f)
			ok = mv_buf_printf(o, "\\x%02x", c) == MV_OK;
		else
			ok = mv_buf_addc(o, c) == MV_OK;
	}
	if (ok && !open)
		ok = mv_buf_addc(o, (unsigned char)q) == MV_OK;
	return ok;
}

/* str() of v into o; *open is set when only a prefix could be written. 0 when unknown. */
static int
put_str(struct mv_buf *o, const struct val *v, int *open)
{
	switch (v->t) {
	case V_STR:
		*open = v->open;
		return mv_buf_add(o, v->s, v->n) == MV_OK;
	case V_OBJ:
		*open = v->open;
		return mv_buf_add(o, v->s, v->n) == MV_OK;
	default:
		return put_repr(o, v, open);
	}
}

static int
put_repr(struct mv_buf *o, const struct val *v, int *open)
{
	const char *sep = "";
	size_t step = 1;

	*open = 0;
	switch (v->t) {
	case V_NONE:
		return mv_buf_add(o, "None", 4) == MV_OK;
	case V_BOOL:
		return mv_buf_add(o, v->i ? "True" : "False", v->i ? 4 : 5) == MV_OK;
	case V_INT:
		return mv_buf_printf(o, "%lld", (long long)v->i) == MV_OK;
	case V_STR:
		*open = v->open;
		return put_str_repr(o, v->s, v->n, v->open);
	case V_OBJ:
		*open = v->open;
		return mv_buf_add(o, v->s, v->n) == MV_OK;
	case V_LIST:
	case V_TUPLE:
	case V_DICT:
		break;
	default:
		return 0;
	}
	if (mv_buf_addc(o, v->t == V_LIST ? '[' : v->t == V_TUPLE ? '(' : '{') != MV_OK)
		return 0;
	if (v->t == V_DICT)
		step = 2;
	for (size_t i = 0; i + step <= v->nv; i += step) {
		if (mv_buf_add(o, sep, strlen(sep)) != MV_OK || !put_repr(o, &v->v[i], open))
			return 0;
		if (*open)
			return 1;
		if (step == 2 && (mv_buf_add(o, ": ", 2) != MV_OK ||
		    !put_repr(o, &v->v[i + 1], open)))
			return 0;
		if (*open)
			return 1;
		sep = ", ";
	}
	if (v->t == V_TUPLE && v->nv == 1 && mv_buf_addc(o, ',') != MV_OK)
		return 0;
	return mv_buf_addc(o, v->t == V_LIST ? ']' : v->t == V_TUPLE ? ')' : '}') == MV_OK;
}

/* str(v) as a string value (itself for a string). */
static struct val
to_str(struct mv_fold *f, const struct val *v)
{
	struct mv_buf o;
	struct val r;
	int open = 0, ok;

	if (v->t == V_STR)
		return *v;
	if (v->t == V_UNK)
		return unk;
	mv_buf_init(&o, STR_MAX);
	ok = put_str(&o, v, &open);
	r = mkbuf(f, &o, ok, open);
	r.fromobj = v->t == V_OBJ;
	return r;
}

/* ---- helpers over values ---- */

static int
truthy(const struct val *v)
{
	switch (v->t) {
	case V_NONE: return 0;
	case V_BOOL: case V_INT: return v->i != 0;
	case V_STR: return v->n > 0 || v->open ? 1 : 0;
	case V_LIST: case V_TUPLE: case V_DICT: return v->nv > 0;
	case V_OBJ: return 1;
	default: return -1;
	}
}

static int
val_eq(const struct val *a, const struct val *b)
{
	if (a->t == V_STR && b->t == V_STR && !a->open && !b->open)
		return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
	if ((a->t == V_INT || a->t == V_BOOL) && (b->t == V_INT || b->t == V_BOOL))
		return a->i == b->i;
	if (a->t == V_NONE || b->t == V_NONE)
		return a->t == b->t;
	if ((a->t == V_STR && !a->open && (b->t == V_INT || b->t == V_BOOL)) ||
	    (b->t == V_STR && !b->open && (a->t == V_INT || a->t == V_BOOL)))
		return 0;
	return -1;
}

/* Byte offsets of the code points of s (UTF-8); cp[count] = n. NULL when out of memory. */
static size_t *
cp_offsets(struct mv_fold *f, const unsigned char *s, size_t n, size_t *count)
{
	size_t *cp = arena_get(f, (n + 1) * sizeof(size_t)), c = 0;

	if (cp == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			cp[c++] = i;
	cp[c] = n;
	*count = c;
	return cp;
}

/* The items a for loop, |list or |join would see; 0 when unknown. */
static int
iter_items(struct mv_fold *f, const struct val *v, struct val **out, size_t *n)
{
	switch (v->t) {
	case V_LIST:
	case V_TUPLE:
		*out = v->v;
		*n = v->nv;
		return 1;
	case V_DICT: {
		struct val *it = items_new(f, v->nv / 2);

		if (it == NULL)
			return 0;
		for (size_t i = 0; i < v->nv / 2; i++)
			it[i] = v->v[2 * i];
		*out = it;
		*n = v->nv / 2;
		return 1;
	}
	case V_OBJ:
		if (!v->known)
			return 0;
		*out = v->v;
		*n = v->nv;
		return 1;
	case V_STR: {
		size_t c, *cp;
		struct val *it;

		if (v->open || (cp = cp_offsets(f, v->s, v->n, &c)) == NULL || c > ITEMS_MAX ||
		    (it = items_new(f, c)) == NULL)
			return 0;
		for (size_t i = 0; i < c; i++)
			if ((it[i] = mkstr(f, v->s + cp[i], cp[i + 1] - cp[i], 0)).t == V_UNK)
				return 0;
		*out = it;
		*n = c;
		return 1;
	}
	default:
		return 0;
	}
}

static struct val
mklist(int t, struct val *it, size_t n)
{
	struct val r = { .t = t, .v = it, .nv = n };

	return r;
}

/* A generator or iterator object, printed as Python prints it; its items when known. */
static struct val
mkiter(const char *repr, struct val *it, size_t n, int known)
{
	struct val r = mkobj(O_ITER, repr, 1);

	r.v = it;
	r.nv = n;
	r.known = known;
	return r;
}

/* ---- string operations ---- */

static int
ascii_only(const struct val *v)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->s[i] >= 0x80)
			return 0;
	return 1;
}

enum { C_LOWER, C_UPPER, C_TITLE, C_CAPITALIZE };

static struct val
str_case(struct mv_fold *f, const struct val *in, int how)
{
	struct val v = to_str(f, in), r;
	unsigned char *p;
	int prev_letter = 0;

	/* Unicode case rules are Python's; only ASCII is mapped here. */
	if (v.t != V_STR || !ascii_only(&v) || (how >= C_TITLE && v.open))
		return unk;
	r = mkstr(f, v.s, v.n, v.open);
	if (r.t != V_STR)
		return r;
	p = mv_unconst(r.s);
	for (size_t i = 0; i < r.n; i++) {
		unsigned char c = p[i];
		int letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
		int up = how == C_UPPER || (how == C_TITLE && !prev_letter) ||
		    (how == C_CAPITALIZE && i == 0);

		if (letter)
			p[i] = up ? (unsigned char)(c & ~0x20) : (unsigned char)(c | 0x20);
		/* str.title: a letter after a letter is lower case (digits and quotes break). */
		prev_letter = letter;
	}
	return r;
}

static struct val
str_replace(struct mv_fold *f, const struct val *in, const struct val *from,
    const struct val *to, int64_t count)
{
	struct val v = to_str(f, in);
	struct mv_buf o;
	int ok = 1;

	if (v.t != V_STR || v.open || from->t != V_STR || from->open || from->n == 0 ||
	    to->t != V_STR || to->open)
		return unk;
	mv_buf_init(&o, STR_MAX);
	for (size_t i = 0; i < v.n && ok;) {
		if (count != 0 && i + from->n <= v.n && memcmp(v.s + i, from->s, from->n) == 0) {
			ok = mv_buf_add(&o, to->s, to->n) == MV_OK;
			i += from->n;
			count -= count > 0;
		} else {
			ok = mv_buf_addc(&o, v.s[i++]) == MV_OK;
		}
	}
	return mkbuf(f, &o, ok, 0);
}

/* Python's printf-style formatting (fmt % args, and Jinja's |format): %s %r %c %d %i %%. */
static struct val
str_percent(struct mv_fold *f, const struct val *fmt, const struct val *args, size_t nargs)
{
	struct mv_buf o;
	size_t a = 0;
	int ok = 1, open = 0;

	if (fmt->t != V_STR || fmt->open)
		return unk;
	mv_buf_init(&o, STR_MAX);
	for (size_t i = 0; i < fmt->n && ok; i++) {
		unsigned char c = fmt->s[i], d;

		if (c != '%') {
			ok = mv_buf_addc(&o, c) == MV_OK;
			continue;
		}
		if (++i >= fmt->n) {
			ok = 0;
			break;
		}
		d = fmt->s[i];
		if (d == '%') {
			ok = mv_buf_addc(&o, '%') == MV_OK;
			continue;
		}
		if (a >= nargs) {
			ok = 0;
			break;
		}
		if (d == 's' || d == 'r') {
			ok = (d == 's' ? put_str : put_repr)(&o, &args[a], &open) && !open;
		} else if (d == 'd' || d == 'i') {
			ok = (args[a].t == V_INT || args[a].t == V_BOOL) &&
			    mv_buf_printf(&o, "%lld", (long long)args[a].i) == MV_OK;
		} else if (d == 'c' && args[a].t == V_INT && args[a].i >= 0 && args[a].i < 0x110000) {
			unsigned char u[4];
			size_t un = mv_utf8_put((uint32_t)args[a].i, u);

			ok = mv_buf_add(&o, u, un) == MV_OK;
		} else if (d == 'c' && args[a].t == V_STR && !args[a].open) {
			size_t c1;

			ok = cp_offsets(f, args[a].s, args[a].n, &c1) != NULL && c1 == 1 &&
			    mv_buf_add(&o, args[a].s, args[a].n) == MV_OK;
		} else {
			/* Widths, flags, floats, mapping keys: not followed. */
			ok = 0;
		}
		a++;
	}
	/* Python refuses arguments left over. */
	return mkbuf(f, &o, ok && a == nargs, 0);
}

/* str.format with "{}", "{0}", "{{" and "}}" fields. */
static struct val
str_format(struct mv_fold *f, const struct val *fmt, const struct val *args, size_t nargs)
{
	struct mv_buf o;
	size_t autoi = 0;
	int ok = 1, open = 0;

	if (fmt->t != V_STR || fmt->open)
		return unk;
	mv_buf_init(&o, STR_MAX);
	for (size_t i = 0; i < fmt->n && ok; i++) {
		unsigned char c = fmt->s[i];
		size_t idx = 0, j;

		if ((c == '{' || c == '}') && i + 1 < fmt->n && fmt->s[i + 1] == c) {
			ok = mv_buf_addc(&o, c) == MV_OK;
			i++;
			continue;
		}
		if (c == '}') {
			ok = 0;
			break;
		}
		if (c != '{') {
			ok = mv_buf_addc(&o, c) == MV_OK;
			continue;
		}
		for (j = i + 1; j < fmt->n && fmt->s[j] >= '0' && fmt->s[j] <= '9' && j - i < 6; j++)
			idx = idx * 10 + (size_t)(fmt->s[j] - '0');
		if (j >= fmt->n || fmt->s[j] != '}') {
			ok = 0;
			break;
		}
		if (j == i + 1)
			idx = autoi++;
		ok = idx < nargs && put_str(&o, &args[idx], &open) && !open;
		i = j;
	}
	return mkbuf(f, &o, ok, 0);
}

static struct val
str_join(struct mv_fold *f, const struct val *seq, const struct val *sep)
{
	struct val *it;
	size_t n;
	struct mv_buf o;
	int ok = 1, open = 0;

	if (sep->t != V_STR || sep->open || !iter_items(f, seq, &it, &n))
		return unk;
	mv_buf_init(&o, STR_MAX);
	for (size_t i = 0; i < n && ok && !open; i++) {
		if (i)
			ok = mv_buf_add(&o, sep->s, sep->n) == MV_OK;
		ok = ok && put_str(&o, &it[i], &open);
	}
	return mkbuf(f, &o, ok, open);
}

static struct val
str_concat(struct mv_fold *f, const struct val *a, const struct val *b)
{
	struct val x = to_str(f, a), y;
	struct mv_buf o;
	int ok;

	if (x.t != V_STR)
		return unk;
	if (x.open)
		return x;
	if ((y = to_str(f, b)).t != V_STR)
		return unk;
	mv_buf_init(&o, STR_MAX);
	ok = mv_buf_add(&o, x.s, x.n) == MV_OK && mv_buf_add(&o, y.s, y.n) == MV_OK;
	return mkbuf(f, &o, ok, y.open);
}

static struct val
str_strip(struct mv_fold *f, const struct val *in, const struct val *chars, int left, int right)
{
	struct val v = to_str(f, in);
	const unsigned char *set = (const unsigned char *)" \t\n\r\v\f";
	size_t setn = 6, s = 0, e;

	if (v.t != V_STR || v.open)
		return unk;
	if (chars && chars->t != V_NONE) {
		if (chars->t != V_STR || chars->open || !ascii_only(chars))
			return unk;
		set = chars->s;
		setn = chars->n;
	}
	e = v.n;
	while (left && s < e && memchr(set, v.s[s], setn))
		s++;
	while (right && e > s && memchr(set, v.s[e - 1], setn))
		e--;
	return mkstr(f, v.s + s, e - s, 0);
}

static struct val
html_escape(struct mv_fold *f, const struct val *in)
{
	struct val v = to_str(f, in);
	struct mv_buf o;
	int ok = 1;

	if (v.t != V_STR || v.open)
		return unk;
	mv_buf_init(&o, STR_MAX);
	for (size_t i = 0; i < v.n && ok; i++) {
		const char *r = v.s[i] == '&' ? "&amp;" : v.s[i] == '<' ? "&lt;" : v.s[i] == '>' ?
		    "&gt;" : v.s[i] == '"' ? "&#34;" : v.s[i] == '\'' ? "&#39;" : NULL;

		ok = (r ? mv_buf_add(&o, r, strlen(r)) : mv_buf_addc(&o, v.s[i])) == MV_OK;
	}
	return mkbuf(f, &o, ok, 0);
}

/* s * k, list * k. */
static struct val
repeat(struct mv_fold *f, const struct val *a, int64_t k)
{
	if (k < 0)
		k = 0;
	if (a->t == V_STR && !a->open) {
		struct mv_buf o;
		int ok = 1;

		if (a->n && (uint64_t)k > STR_MAX / a->n)
			return unk;
		mv_buf_init(&o, STR_MAX);
		for (int64_t i = 0; i < k && ok; i++)
			ok = mv_buf_add(&o, a->s, a->n) == MV_OK;
		return mkbuf(f, &o, ok, 0);
	}
	if (a->t == V_LIST || a->t == V_TUPLE) {
		struct val *it;

		if (a->nv && (uint64_t)k > ITEMS_MAX / a->nv)
			return unk;
		if ((it = items_new(f, a->nv * (size_t)k)) == NULL)
			return unk;
		for (int64_t i = 0; i < k; i++)
			memcpy(it + (size_t)i * a->nv, a->v, a->nv * sizeof(*it));
		return mklist(a->t, it, a->nv * (size_t)k);
	}
	return unk;
}

/* Python's slice.indices. */
static void
slice_norm(int64_t len, int has_a, int64_t a, int has_b, int64_t b, int64_t step, int64_t *pa,
    int64_t *pb)
{
	int64_t lo = step < 0 ? -1 : 0, hi = step < 0 ? len - 1 : len;

	if (!has_a) {
		a = step < 0 ? hi : lo;
	} else {
		if (a < 0)
			a += len;
		a = a < lo ? lo : a > hi ? hi : a;
	}
	if (!has_b) {
		b = step < 0 ? lo : hi;
	} else {
		if (b < 0)
			b += len;
		b = b < lo ? lo : b > hi ? hi : b;
	}
	*pa = a;
	*pb = b;
}

/* x[i] and x[a:b:c] over strings, lists and tuples; x[key] over dicts. */
static struct val
subscript(struct mv_fold *f, const struct val *x, int slice, const struct val *sv)
{
	int64_t len, a, b, step = 1;
	size_t *cp = NULL, c;
	int has_a, has_b;

	if (!slice && x->t == V_DICT) {
		for (size_t i = 0; i + 1 < x->nv; i += 2)
			if (val_eq(&x->v[i], &sv[0]) == 1)
				return x->v[i + 1];
		return unk;
	}
	if (x->t == V_STR) {
		if ((cp = cp_offsets(f, x->s, x->n, &c)) == NULL)
			return unk;
		len = (int64_t)c;
	} else if (x->t == V_LIST || x->t == V_TUPLE) {
		len = (int64_t)x->nv;
	} else {
		return unk;
	}
	if (!slice) {
		if (sv[0].t != V_INT)
			return unk;
		a = sv[0].i < 0 ? sv[0].i + len : sv[0].i;
		if (a < 0 || a >= len || (x->t == V_STR && x->open && sv[0].i < 0))
			return unk;
		if (x->t == V_STR)
			return mkstr(f, x->s + cp[a], cp[a + 1] - cp[a], 0);
		return x->v[a];
	}
	for (int i = 0; i < 3; i++)
		if (sv[i].t != V_NONE && sv[i].t != V_INT)
			return unk;
	if (sv[2].t == V_INT && (step = sv[2].i) == 0)
		return unk;
	has_a = sv[0].t == V_INT;
	has_b = sv[1].t == V_INT;
	/* Of an open string only slices inside the known prefix are known. */
	if (x->open && (step < 0 || !has_b || sv[1].i < 0 || (has_a && sv[0].i < 0) ||
	    sv[1].i > len))
		return unk;
	slice_norm(len, has_a, has_a ? sv[0].i : 0, has_b, has_b ? sv[1].i : 0, step, &a, &b);
	{
		struct mv_buf o;
		struct val *it = NULL;
		size_t n = 0;
		int ok = 1;

		mv_buf_init(&o, STR_MAX);
		if (x->t != V_STR && (it = items_new(f, (size_t)len)) == NULL)
			ok = 0;
		for (int64_t i = a; ok && (step > 0 ? i < b : i > b); i += step) {
			if (x->t == V_STR)
				ok = mv_buf_add(&o, x->s + cp[i], cp[i + 1] - cp[i]) == MV_OK;
			else
				it[n++] = x->v[i];
		}
		if (x->t == V_STR) {
			struct val r = mkbuf(f, &o, ok, 0);

			r.fromobj = x->fromobj;
			return r;
		}
		mv_buf_free(&o);
		return ok ? mklist(x->t, it, n) : unk;
	}
}

/* ---- variables ---- */

static struct var *
var_find(struct mv_fold *f, const unsigned char *name, size_t n)
{
	for (size_t i = f->nvars; i > 0; i--)
		if (f->vars[i - 1].n == n && memcmp(f->vars[i - 1].name, name, n) == 0)
			return &f->vars[i - 1];
	return NULL;
}

static void
var_set(struct mv_fold *f, const unsigned char *name, size_t n, const struct val *v)
{
	struct var *x = var_find(f, name, n);

	if (x == NULL) {
		if (f->nvars >= VARS_MAX)
			return;
		x = &f->vars[f->nvars++];
		x->name = name;
		x->n = n;
	}
	x->v = *v;
	if (f->depth > 0 && f->ntouched < VARS_MAX) {
		f->touched[f->ntouched].name = name;
		f->touched[f->ntouched++].n = n;
	}
}

/* A branch ends (else, elif, endif, endfor, ...): what it set is no longer sure. */
static void
frame_forget(struct mv_fold *f)
{
	size_t from = f->depth ? f->frame[f->depth - 1] : 0;

	for (size_t i = from; i < f->ntouched; i++) {
		struct var *x = var_find(f, f->touched[i].name, f->touched[i].n);

		if (x)
			x->v = unk;
	}
}

/* ---- the parser: Jinja's grammar, evaluated as it is read ---- */

static const struct tok *
cur(const struct ps *p)
{
	return p->k < p->end ? &p->b->v[p->k] : NULL;
}

static int
is_op(const struct ps *p, size_t k, char op)
{
	return k < p->end && p->b->v[k].type == T_OP && p->b->v[k].op == op;
}

/* Two operator characters written together ("**", "//", "==", "!=", "<=", ">="). */
static int
is_op2(const struct ps *p, size_t k, char a, char b)
{
	return is_op(p, k, a) && is_op(p, k + 1, b) && p->b->v[k].e == p->b->v[k + 1].s;
}

static int
is_name(const struct ps *p, size_t k, const char *w)
{
	const struct tok *t = k < p->end ? &p->b->v[k] : NULL;
	size_t n = strlen(w);

	return t && t->type == T_NAME && t->e - t->s == n && memcmp(p->f->text + t->s, w, n) == 0;
}

static int
name_eq(const struct ps *p, const struct tok *t, const char *w)
{
	size_t n = strlen(w);

	return t->type == T_NAME && t->e - t->s == n && memcmp(p->f->text + t->s, w, n) == 0;
}

static int
expect(struct ps *p, char op)
{
	if (!is_op(p, p->k, op)) {
		p->err = 1;
		return 0;
	}
	p->k++;
	return 1;
}

/* Report a folded node: its value to the dump hook, a computed string to the check hook. */
static struct val
note(struct ps *p, size_t first, const struct val *v)
{
	struct mv_fold *f = p->f;
	size_t s, e;

	if (v->t == V_UNK || p->err || first >= p->k)
		return *v;
	s = p->b->v[first].s;
	e = p->b->v[p->k - 1].e;
	if (v->t == V_STR && !v->lit && f->h.built)
		f->h.built(f->h.arg, s, v->s, v->n);
	if (f->h.value) {
		struct mv_buf o;
		int open = 0;

		mv_buf_init(&o, STR_MAX);
		if (put_str(&o, v, &open))
			f->h.value(f->h.arg, s, e, o.p ? o.p : (const unsigned char *)"", o.len,
			    open);
		mv_buf_free(&o);
	}
	return *v;
}

static void
use_name(struct ps *p, size_t at, const struct val *v, int attr)
{
	struct mv_fold *f = p->f;
	/* One literal written in place (x['a'], attr('a')): template.c checks it where it
	 * stands. */
	int single = v->lit && at > 0 && at < p->end && p->b->v[at].type == T_STR &&
	    (is_op(p, at - 1, '[') || is_op(p, at - 1, '(')) &&
	    (is_op(p, at + 1, ',') || is_op(p, at + 1, ')') || is_op(p, at + 1, ']'));

	if (v->t == V_STR && !v->open && f->h.name)
		f->h.name(f->h.arg, p->b->v[at].s, v->s, v->n, single, attr);
}

static struct val expr(struct ps *p);
static struct val unary(struct ps *p, int with_filter);

#define ARGS_MAX 16

struct args {
	struct val pos[ARGS_MAX];
	size_t npos;
	struct {
		const struct tok *name;
		struct val v;
		size_t at;
	} kw[ARGS_MAX];
	size_t nkw;
	int star;               /* *args or **kwargs: unknown arguments */
	size_t first;           /* token of the first argument */
	size_t at[ARGS_MAX];    /* token of each positional argument */
};

/* Call arguments after '(' up to and including ')'. */
static void
call_args(struct ps *p, struct args *a)
{
	memset(a, 0, sizeof(*a));
	a->first = p->k;
	while (!p->err && cur(p) && !is_op(p, p->k, ')')) {
		if (is_op(p, p->k, '*')) {
			p->k += 1 + is_op(p, p->k + 1, '*');
			(void)expr(p);
			a->star = 1;
		} else if (cur(p)->type == T_NAME && is_op(p, p->k + 1, '=') &&
		    !is_op2(p, p->k + 1, '=', '=')) {
			const struct tok *nm = cur(p);
			size_t at;

			p->k += 2;
			at = p->k;
			if (a->nkw < ARGS_MAX) {
				a->kw[a->nkw].name = nm;
				a->kw[a->nkw].at = at;
				a->kw[a->nkw++].v = expr(p);
			} else {
				(void)expr(p);
				a->star = 1;
			}
		} else {
			size_t at = p->k;
			struct val v = expr(p);

			if (a->npos < ARGS_MAX) {
				a->at[a->npos] = at;
				a->pos[a->npos++] = v;
			} else {
				a->star = 1;
			}
		}
		if (!is_op(p, p->k, ','))
			break;
		p->k++;
	}
	expect(p, ')');
}

static const struct val *
kwarg(const struct ps *p, const struct args *a, const char *name, size_t *at)
{
	for (size_t i = 0; i < a->nkw; i++)
		if (name_eq(p, a->kw[i].name, name)) {
			if (at)
				*at = a->kw[i].at;
			return &a->kw[i].v;
		}
	return NULL;
}

static int
all_known(const struct args *a)
{
	if (a->star)
		return 0;
	for (size_t i = 0; i < a->npos; i++)
		if (a->pos[i].t == V_UNK)
			return 0;
	for (size_t i = 0; i < a->nkw; i++)
		if (a->kw[i].v.t == V_UNK)
			return 0;
	return 1;
}

static struct val apply_filter(struct ps *p, const unsigned char *fname, size_t fn,
    const struct val *v, struct args *a);

/* A string method called on a known value. */
static struct val
call_method(struct ps *p, const struct val *x, const struct tok *m, struct args *a)
{
	struct mv_fold *f = p->f;
	const struct val *a0 = a->npos > 0 ? &a->pos[0] : NULL;

	if (!all_known(a) || a->nkw)
		return unk;
	if (x->t == V_STR) {
		if (name_eq(p, m, "upper") && a->npos == 0)
			return str_case(f, x, C_UPPER);
		if (name_eq(p, m, "lower") && a->npos == 0)
			return str_case(f, x, C_LOWER);
		if (name_eq(p, m, "title") && a->npos == 0)
			return str_case(f, x, C_TITLE);
		if (name_eq(p, m, "capitalize") && a->npos == 0)
			return str_case(f, x, C_CAPITALIZE);
		if (name_eq(p, m, "replace") && (a->npos == 2 || (a->npos == 3 &&
		    a->pos[2].t == V_INT)))
			return str_replace(f, x, &a->pos[0], &a->pos[1], a->npos == 3 ?
			    a->pos[2].i : -1);
		if (name_eq(p, m, "format"))
			return str_format(f, x, a->pos, a->npos);
		if (name_eq(p, m, "join") && a->npos == 1)
			return str_join(f, a0, x);
		if ((name_eq(p, m, "strip") || name_eq(p, m, "lstrip") || name_eq(p, m, "rstrip")) &&
		    a->npos <= 1)
			return str_strip(f, x, a0, m->e - m->s == 5 || p->f->text[m->s] == 'l',
			    m->e - m->s == 5 || p->f->text[m->s] == 'r');
		if ((name_eq(p, m, "startswith") || name_eq(p, m, "endswith")) && a->npos == 1 &&
		    a0->t == V_STR && !a0->open && !x->open) {
			int start = name_eq(p, m, "startswith");

			return mkbool(a0->n <= x->n && memcmp(x->s + (start ? 0 : x->n - a0->n),
			    a0->s, a0->n) == 0);
		}
		return unk;
	}
	if (x->t == V_DICT && a->npos == 0 && (name_eq(p, m, "keys") || name_eq(p, m, "values") ||
	    name_eq(p, m, "items"))) {
		const char *w = name_eq(p, m, "keys") ? "dict_keys(" : name_eq(p, m, "values") ?
		    "dict_values(" : "dict_items(";
		struct val *it = items_new(f, x->nv / 2);
		size_t n = x->nv / 2;
		struct mv_buf o;
		struct val lst, r;
		int open = 0, ok;

		if (it == NULL)
			return unk;
		for (size_t i = 0; i < n; i++) {
			if (w[5] == 'i') {
				struct val *pair = items_new(f, 2);

				if (pair == NULL)
					return unk;
				pair[0] = x->v[2 * i];
				pair[1] = x->v[2 * i + 1];
				it[i] = mklist(V_TUPLE, pair, 2);
			} else {
				it[i] = x->v[2 * i + (w[5] == 'v')];
			}
		}
		lst = mklist(V_LIST, it, n);
		mv_buf_init(&o, STR_MAX);
		ok = mv_buf_add(&o, w, strlen(w)) == MV_OK && put_repr(&o, &lst, &open) && !open &&
		    mv_buf_addc(&o, ')') == MV_OK;
		r = mkbuf(f, &o, ok, 0);
		if (r.t != V_STR)
			return unk;
		r.t = V_OBJ;
		r.obj = O_VIEW;
		r.v = it;
		r.nv = n;
		r.known = 1;
		return r;
	}
	if (x->t == V_DICT && name_eq(p, m, "get") && (a->npos == 1 || a->npos == 2)) {
		struct val none = { .t = V_NONE }, r = subscript(f, x, 0, a0);

		return r.t != V_UNK ? r : a->npos == 2 ? a->pos[1] : none;
	}
	return unk;
}

/* A call of a known callable: the Jinja globals. */
static struct val
call_value(struct ps *p, const struct val *fn, struct args *a)
{
	struct mv_fold *f = p->f;

	if (fn->t != V_OBJ)
		return unk;
	switch (fn->obj) {
	case O_RANGEFN: {
		int64_t r[3] = {0, 0, 1};
		struct val *it;
		struct mv_buf o;
		struct val rv;
		size_t n = 0;
		int ok;

		if (!all_known(a) || a->nkw || a->npos < 1 || a->npos > 3)
			return unk;
		for (size_t i = 0; i < a->npos; i++)
			if (a->pos[i].t != V_INT && a->pos[i].t != V_BOOL)
				return unk;
		if (a->npos == 1) {
			r[1] = a->pos[0].i;
		} else {
			r[0] = a->pos[0].i;
			r[1] = a->pos[1].i;
			if (a->npos == 3)
				r[2] = a->pos[2].i;
		}
		if (r[2] == 0 || r[0] < -(INT64_C(1) << 40) || r[0] > (INT64_C(1) << 40) ||
		    r[1] < -(INT64_C(1) << 40) || r[1] > (INT64_C(1) << 40) ||
		    r[2] < -(INT64_C(1) << 40) || r[2] > (INT64_C(1) << 40))
			return unk;
		for (int64_t i = r[0]; r[2] > 0 ? i < r[1] : i > r[1]; i += r[2])
			if (++n > ITEMS_MAX)
				return unk;
		if ((it = items_new(f, n)) == NULL)
			return unk;
		n = 0;
		for (int64_t i = r[0]; r[2] > 0 ? i < r[1] : i > r[1]; i += r[2])
			it[n++] = mkint(i);
		mv_buf_init(&o, 128);
		ok = (r[2] == 1 ? mv_buf_printf(&o, "range(%lld, %lld)", (long long)r[0],
		    (long long)r[1]) : mv_buf_printf(&o, "range(%lld, %lld, %lld)", (long long)r[0],
		    (long long)r[1], (long long)r[2])) == MV_OK;
		rv = mkbuf(f, &o, ok, 0);
		if (rv.t != V_STR)
			return unk;
		rv.t = V_OBJ;
		rv.obj = O_RANGE;
		rv.v = it;
		rv.nv = n;
		rv.known = 1;
		return rv;
	}
	case O_DICTCLS: {
		struct val *it;

		if (!all_known(a) || a->npos)
			return unk;
		if ((it = items_new(f, 2 * a->nkw)) == NULL)
			return unk;
		for (size_t i = 0; i < a->nkw; i++) {
			const struct tok *nm = a->kw[i].name;

			it[2 * i] = mkstr(f, f->text + nm->s, nm->e - nm->s, 0);
			it[2 * i + 1] = a->kw[i].v;
		}
		return mklist(V_DICT, it, 2 * a->nkw);
	}
	case O_CYCLERCLS:
		return a->npos ? mkobj(O_OTHER, "<jinja2.utils.Cycler object at 0x", 1) : unk;
	case O_JOINERCLS:
		return mkobj(O_OTHER, "<jinja2.utils.Joiner object at 0x", 1);
	case O_NSCLS:
		/* A namespace's attributes change with {% set ns.x %}: only its kind is sure. */
		return mkobj(O_OTHER, "<Namespace {", 1);
	default:
		/* lipsum() is random text. */
		return unk;
	}
}

static struct val
attribute(struct ps *p, const struct val *x, const struct tok *name)
{
	static const char *const dict_methods[] = {"items", "keys", "values", "get", "pop",
		"update", "copy", "clear", "setdefault", "popitem", "fromkeys", NULL};

	if (x->t != V_DICT)
		return unk;
	/* Jinja tries the Python attribute first: a dict's methods win over its keys. */
	for (int i = 0; dict_methods[i]; i++)
		if (name_eq(p, name, dict_methods[i]))
			return unk;
	for (size_t i = 0; i + 1 < x->nv; i += 2)
		if (x->v[i].t == V_STR && !x->v[i].open && x->v[i].n == name->e - name->s &&
		    memcmp(x->v[i].s, p->f->text + name->s, x->v[i].n) == 0)
			return x->v[i + 1];
	return unk;
}

/* The methods that leave their object as it was; any other call may change a list, a dict
 * or a namespace in place (an unsandboxed environment allows append, update, ...). */
static int
pure_method(const struct ps *p, const struct tok *m)
{
	static const char *const pure[] = {"upper", "lower", "title", "capitalize", "replace",
		"format", "join", "strip", "lstrip", "rstrip", "startswith", "endswith", "split",
		"keys", "values", "items", "get", "count", "index", "find", NULL};

	for (int i = 0; pure[i]; i++)
		if (name_eq(p, m, pure[i]))
			return 1;
	return 0;
}

/* Subscript after '[' up to and including ']'. */
static struct val
subscript_expr(struct ps *p, const struct val *x)
{
	struct val sv[3] = { { .t = V_NONE }, { .t = V_NONE }, { .t = V_NONE } };
	int slice = 0, part = 0;
	size_t at = p->k;

	while (!p->err && cur(p) && !is_op(p, p->k, ']')) {
		if (is_op(p, p->k, ':')) {
			slice = 1;
			if (++part > 2) {
				p->err = 1;
				return unk;
			}
			p->k++;
			continue;
		}
		if (is_op(p, p->k, ',')) {
			/* x[a, b]: a tuple key */
			p->k++;
			sv[0] = unk;
			continue;
		}
		sv[part] = expr(p);
		if (sv[part].t == V_NONE)
			sv[part].t = V_UNK;
	}
	expect(p, ']');
	if (x->t == V_STR && x->fromobj && p->f->h.repr)
		p->f->h.repr(p->f->h.arg, p->b->v[at > 0 ? at - 1 : 0].s);
	if (!slice) {
		use_name(p, at, &sv[0], 0);
		if (sv[0].t == V_NONE)
			return unk;
	}
	for (int i = 0; i < 3; i++)
		if (slice && sv[i].t == V_UNK)
			return unk;
	return subscript(p->f, x, slice, sv);
}

static struct val
postfix(struct ps *p, struct val v, size_t first, const struct tok *base)
{
	while (!p->err && cur(p)) {
		if (is_op(p, p->k, '.')) {
			const struct tok *nm;

			p->k++;
			if ((nm = cur(p)) == NULL || (nm->type != T_NAME && nm->type != T_NUM)) {
				p->err = 1;
				break;
			}
			p->k++;
			if (is_op(p, p->k, '(')) {
				struct args a;

				p->k++;
				call_args(p, &a);
				/* A method that may change a variable in place forgets its value. */
				if (base && (v.t == V_LIST || v.t == V_DICT || v.t == V_OBJ) &&
				    !pure_method(p, nm))
					var_set(p->f, p->f->text + base->s, base->e - base->s, &unk);
				v = v.t == V_UNK ? unk : call_method(p, &v, nm, &a);
			} else {
				v = v.t == V_UNK ? unk : attribute(p, &v, nm);
			}
		} else if (is_op(p, p->k, '[')) {
			p->k++;
			v = subscript_expr(p, &v);
		} else if (is_op(p, p->k, '(')) {
			struct args a;

			p->k++;
			call_args(p, &a);
			v = call_value(p, &v, &a);
		} else {
			break;
		}
		base = NULL;
		v = note(p, first, &v);
	}
	return v;
}

static struct val
primary(struct ps *p)
{
	struct mv_fold *f = p->f;
	const struct tok *t = cur(p);
	size_t first = p->k;
	struct val v = unk;

	if (t == NULL) {
		p->err = 1;
		return unk;
	}
	if (t->type == T_STR) {
		/* Adjacent literals are one string, as in Python. */
		struct mv_buf o;
		int ok = 1, count = 0;

		mv_buf_init(&o, STR_MAX);
		while (cur(p) && cur(p)->type == T_STR) {
			const struct tok *s = cur(p);

			if (s->le > s->ls)
				ok = ok && mv_buf_add(&o, p->b->lit.p + s->ls, s->le - s->ls) == MV_OK;
			p->k++;
			count++;
		}
		v = mkbuf(f, &o, ok, 0);
		v.lit = count == 1 && !t->escaped;
	} else if (t->type == T_NUM) {
		const unsigned char *s = f->text + t->s;
		size_t n = t->e - t->s, i = 0;
		int base = 10;
		uint64_t x = 0;
		int ok = 1;

		p->k++;
		if (n > 2 && s[0] == '0' && ((s[1] | 0x20) == 'x' || (s[1] | 0x20) == 'o' ||
		    (s[1] | 0x20) == 'b')) {
			base = (s[1] | 0x20) == 'x' ? 16 : (s[1] | 0x20) == 'o' ? 8 : 2;
			i = 2;
		}
		for (; i < n && ok; i++) {
			int d = s[i] >= '0' && s[i] <= '9' ? s[i] - '0' :
			    (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f' ? (s[i] | 0x20) - 'a' + 10 :
			    s[i] == '_' ? -2 : -1;

			if (d == -2)
				continue;
			if (d < 0 || d >= base || x > (UINT64_C(1) << 62) / (uint64_t)base)
				ok = 0;
			else
				x = x * (uint64_t)base + (uint64_t)d;
		}
		/* Floats (1.5, 1e3) are not folded. */
		v = ok ? mkint((int64_t)x) : unk;
	} else if (t->type == T_NAME) {
		struct var *x;

		p->k++;
		if (name_eq(p, t, "true") || name_eq(p, t, "True"))
			v = mkbool(1);
		else if (name_eq(p, t, "false") || name_eq(p, t, "False"))
			v = mkbool(0);
		else if (name_eq(p, t, "none") || name_eq(p, t, "None"))
			v.t = V_NONE;
		else if ((x = var_find(f, f->text + t->s, t->e - t->s)) != NULL)
			v = x->v;
		else if (name_eq(p, t, "lipsum"))
			v = mkobj(O_LIPSUM, "<function generate_lorem_ipsum at 0x", 1);
		/* safe_range in a sandbox, the builtin class elsewhere: only "<" is sure. */
		else if (name_eq(p, t, "range"))
			v = mkobj(O_RANGEFN, "<", 1);
		else if (name_eq(p, t, "dict"))
			v = mkobj(O_DICTCLS, "<class 'dict'>", 0);
		else if (name_eq(p, t, "cycler"))
			v = mkobj(O_CYCLERCLS, "<class 'jinja2.utils.Cycler'>", 0);
		else if (name_eq(p, t, "joiner"))
			v = mkobj(O_JOINERCLS, "<class 'jinja2.utils.Joiner'>", 0);
		else if (name_eq(p, t, "namespace"))
			v = mkobj(O_NSCLS, "<class 'jinja2.utils.Namespace'>", 0);
		v = note(p, first, &v);
		return postfix(p, v, first, t);
	} else if (is_op(p, p->k, '(') || is_op(p, p->k, '[')) {
		int tuple = is_op(p, p->k, '('), comma = 0;
		char close = tuple ? ')' : ']';
		struct val it[ITEMS_MAX / 16];
		size_t n = 0, more = 0;

		p->k++;
		while (!p->err && cur(p) && !is_op(p, p->k, close)) {
			struct val e = expr(p);

			if (n < sizeof(it) / sizeof(it[0]))
				it[n++] = e;
			else
				more = 1;
			if (!is_op(p, p->k, ','))
				break;
			comma = 1;
			p->k++;
		}
		expect(p, close);
		if (tuple && n == 1 && !comma) {
			v = it[0];
			v.lit = 0;
		} else if (!more) {
			struct val *c = items_new(f, n);
			int known = c != NULL;

			for (size_t i = 0; i < n && known; i++)
				known = it[i].t != V_UNK;
			if (known) {
				memcpy(c, it, n * sizeof(*c));
				v = mklist(tuple ? V_TUPLE : V_LIST, c, n);
			}
		}
	} else if (is_op(p, p->k, '{')) {
		struct val it[2 * 64];
		size_t n = 0;
		int known = 1;

		p->k++;
		while (!p->err && cur(p) && !is_op(p, p->k, '}')) {
			struct val key = expr(p), val;

			expect(p, ':');
			val = expr(p);
			if (n + 2 <= sizeof(it) / sizeof(it[0]) && key.t != V_UNK && val.t != V_UNK) {
				size_t j;

				/* A repeated key keeps its first place and takes the last value. */
				for (j = 0; j < n && val_eq(&it[j], &key) != 1; j += 2)
					;
				it[j] = key;
				it[j + 1] = val;
				n += j == n ? 2 : 0;
			} else {
				known = 0;
			}
			if (!is_op(p, p->k, ','))
				break;
			p->k++;
		}
		expect(p, '}');
		if (known) {
			struct val *c = items_new(f, n);

			if (c != NULL) {
				memcpy(c, it, n * sizeof(*c));
				v = mklist(V_DICT, c, n);
			}
		}
	} else {
		p->err = 1;
		return unk;
	}
	v = note(p, first, &v);
	return postfix(p, v, first, NULL);
}

/* Filters that take a string apart into its characters. */
static int
picks_items(const struct ps *p, const struct tok *nm)
{
	static const char *const w[] = {"list", "first", "last", "reverse", "batch", "slice",
		"select", "reject", "map", "unique", "random", NULL};

	for (int i = 0; w[i]; i++)
		if (name_eq(p, nm, w[i]))
			return 1;
	return 0;
}

/* A filter after '|': name and arguments. */
static struct val
filter_expr(struct ps *p, struct val v, size_t first)
{
	while (!p->err && cur(p)) {
		if (is_op(p, p->k, '|')) {
			const struct tok *nm;
			struct args a;

			p->k++;
			if ((nm = cur(p)) == NULL || nm->type != T_NAME) {
				p->err = 1;
				break;
			}
			p->k++;
			/* Dotted filter names come from extensions: nothing to fold. */
			while (is_op(p, p->k, '.') && p->k + 1 < p->end) {
				p->k += 2;
				v = unk;
			}
			memset(&a, 0, sizeof(a));
			if (is_op(p, p->k, '(')) {
				p->k++;
				call_args(p, &a);
			}
			if (v.t == V_STR && v.fromobj && p->f->h.repr && picks_items(p, nm))
				p->f->h.repr(p->f->h.arg, nm->s);
			v = apply_filter(p, p->f->text + nm->s, nm->e - nm->s, &v, &a);
		} else if (is_name(p, p->k, "is")) {
			struct args a;

			p->k++;
			if (is_name(p, p->k, "not"))
				p->k++;
			p->k++;         /* the test's name */
			while (is_op(p, p->k, '.') && p->k + 1 < p->end)
				p->k += 2;
			if (is_op(p, p->k, '(')) {
				p->k++;
				call_args(p, &a);
			} else if (cur(p) && (cur(p)->type != T_OP || is_op(p, p->k, '[') ||
			    is_op(p, p->k, '{')) && !is_name(p, p->k, "else") &&
			    !is_name(p, p->k, "or") && !is_name(p, p->k, "and") &&
			    !is_name(p, p->k, "if") && !is_name(p, p->k, "is")) {
				(void)unary(p, 0);
			}
			v = unk;
		} else if (is_op(p, p->k, '(')) {
			struct args a;

			p->k++;
			call_args(p, &a);
			v = call_value(p, &v, &a);
		} else {
			break;
		}
		v = note(p, first, &v);
	}
	return v;
}

static struct val
unary(struct ps *p, int with_filter)
{
	size_t first = p->k;
	struct val v;

	if (++p->depth > DEPTH_MAX) {
		p->err = 1;
		return unk;
	}
	if (is_op(p, p->k, '-') || is_op(p, p->k, '+')) {
		int neg = is_op(p, p->k, '-');

		p->k++;
		v = unary(p, 0);
		if (v.t == V_INT || v.t == V_BOOL)
			v = mkint(neg ? -v.i : v.i);
		else
			v = unk;
		v = note(p, first, &v);
	} else {
		v = primary(p);
	}
	if (with_filter)
		v = filter_expr(p, v, first);
	p->depth--;
	return v;
}

static int
mul_ok(int64_t a, int64_t b, int64_t *r)
{
	return !__builtin_mul_overflow(a, b, r) && *r > -(INT64_C(1) << 62) &&
	    *r < (INT64_C(1) << 62);
}

/* Binary operators, Jinja's levels from tightest: ** ; * / // % ; ~ ; + - */
static struct val binop(struct ps *p, int level);

static struct val
arith(struct ps *p, const char *op, const struct val *a, const struct val *b)
{
	int64_t r;
	int ai = a->t == V_INT || a->t == V_BOOL, bi = b->t == V_INT || b->t == V_BOOL;

	if (strcmp(op, "~") == 0)
		return str_concat(p->f, a, b);
	if (strcmp(op, "+") == 0) {
		if (ai && bi && !__builtin_add_overflow(a->i, b->i, &r))
			return mkint(r);
		if (a->t == V_STR && b->t == V_STR)
			return str_concat(p->f, a, b);
		if ((a->t == V_LIST || a->t == V_TUPLE) && a->t == b->t &&
		    a->nv + b->nv <= ITEMS_MAX) {
			struct val *it = items_new(p->f, a->nv + b->nv);

			if (it == NULL)
				return unk;
			memcpy(it, a->v, a->nv * sizeof(*it));
			memcpy(it + a->nv, b->v, b->nv * sizeof(*it));
			return mklist(a->t, it, a->nv + b->nv);
		}
		return unk;
	}
	if (strcmp(op, "-") == 0)
		return ai && bi && !__builtin_sub_overflow(a->i, b->i, &r) ? mkint(r) : unk;
	if (strcmp(op, "*") == 0) {
		if (ai && bi)
			return mul_ok(a->i, b->i, &r) ? mkint(r) : unk;
		if (bi && a->t != V_UNK)
			return repeat(p->f, a, b->i);
		if (ai && b->t != V_UNK)
			return repeat(p->f, b, a->i);
		return unk;
	}
	if (strcmp(op, "//") == 0 || strcmp(op, "%") == 0) {
		if (a->t == V_STR && op[0] == '%') {
			if (b->t == V_TUPLE)
				return str_percent(p->f, a, b->v, b->nv);
			return b->t == V_UNK || b->t == V_DICT ? unk : str_percent(p->f, a, b, 1);
		}
		if (!ai || !bi || b->i == 0 || (a->i == INT64_MIN && b->i == -1))
			return unk;
		{
			/* Python floors toward minus infinity. */
			int64_t q = a->i / b->i, m = a->i % b->i;

			if (m != 0 && ((m < 0) != (b->i < 0))) {
				q--;
				m += b->i;
			}
			return mkint(op[0] == '%' ? m : q);
		}
	}
	if (strcmp(op, "**") == 0) {
		int64_t x = 1;

		if (!ai || !bi || b->i < 0 || b->i > 64)
			return unk;
		for (int64_t i = 0; i < b->i; i++)
			if (!mul_ok(x, a->i, &x))
				return unk;
		return mkint(x);
	}
	return unk;         /* '/' gives a float */
}

static const char *
level_op(struct ps *p, int level, size_t *len)
{
	*len = 1;
	switch (level) {
	case 0:
		if (is_op2(p, p->k, '*', '*')) {
			*len = 2;
			return "**";
		}
		return NULL;
	case 1:
		if (is_op2(p, p->k, '/', '/')) {
			*len = 2;
			return "//";
		}
		if (is_op2(p, p->k, '*', '*'))
			return NULL;
		return is_op(p, p->k, '*') ? "*" : is_op(p, p->k, '/') ? "/" :
		    is_op(p, p->k, '%') ? "%" : NULL;
	case 2:
		return is_op(p, p->k, '~') ? "~" : NULL;
	default:
		return is_op(p, p->k, '+') ? "+" : is_op(p, p->k, '-') ? "-" : NULL;
	}
}

static struct val
binop(struct ps *p, int level)
{
	size_t first = p->k, len;
	struct val a = level == 0 ? unary(p, 1) : binop(p, level - 1);
	const char *op;

	while (!p->err && (op = level_op(p, level, &len)) != NULL) {
		struct val b;

		p->k += len;
		b = level == 0 ? unary(p, 1) : binop(p, level - 1);
		a = a.t == V_UNK || b.t == V_UNK ? unk : arith(p, op, &a, &b);
		a.lit = 0;
		a = note(p, first, &a);
	}
	return a;
}

static struct val
compare(struct ps *p)
{
	size_t first = p->k;
	struct val a = binop(p, 3);
	int ops = 0;

	for (;;) {
		int eq = is_op2(p, p->k, '=', '='), ne = is_op2(p, p->k, '!', '=');
		int in = is_name(p, p->k, "in"), notin = is_name(p, p->k, "not") &&
		    is_name(p, p->k + 1, "in");
		int rel = !eq && !ne && (is_op(p, p->k, '<') || is_op(p, p->k, '>'));
		struct val b;

		if (p->err || (!eq && !ne && !in && !notin && !rel))
			break;
		p->k += eq || ne || notin ? 2 : 1;
		if (rel && is_op(p, p->k, '=') && p->b->v[p->k - 1].e == p->b->v[p->k].s)
			p->k++;
		b = binop(p, 3);
		if (++ops > 1 || a.t == V_UNK || b.t == V_UNK) {
			a = unk;
			continue;
		}
		if (eq || ne) {
			int r = val_eq(&a, &b);

			a = r < 0 ? unk : mkbool(eq ? r : !r);
		} else if ((in || notin) && b.t == V_STR && a.t == V_STR && !a.open && !b.open) {
			int r = memmem(b.s, b.n, a.s, a.n) != NULL || a.n == 0;

			a = mkbool(in ? r : !r);
		} else {
			a = unk;
		}
		a = note(p, first, &a);
	}
	return a;
}

static struct val
not_expr(struct ps *p)
{
	size_t first = p->k;

	if (is_name(p, p->k, "not") && !is_name(p, p->k + 1, "in")) {
		struct val v;
		int t;

		p->k++;
		if (++p->depth > DEPTH_MAX) {
			p->err = 1;
			return unk;
		}
		v = not_expr(p);
		p->depth--;
		t = truthy(&v);
		v = t < 0 ? unk : mkbool(!t);
		return note(p, first, &v);
	}
	return compare(p);
}

static struct val
andor(struct ps *p, int is_or)
{
	size_t first = p->k;
	struct val a = is_or ? andor(p, 0) : not_expr(p);

	while (!p->err && is_name(p, p->k, is_or ? "or" : "and")) {
		struct val b;
		int t = truthy(&a);

		p->k++;
		b = is_or ? andor(p, 0) : not_expr(p);
		/* Python keeps the operand that decided. */
		if (t < 0)
			a = unk;
		else if (is_or ? !t : t)
			a = b;
		a = note(p, first, &a);
	}
	return a;
}

static struct val
expr(struct ps *p)
{
	size_t first = p->k;
	struct val a;

	if (++p->depth > DEPTH_MAX) {
		p->err = 1;
		return unk;
	}
	a = andor(p, 1);
	while (!p->err && is_name(p, p->k, "if")) {
		struct val c, b = unk;
		int t;

		p->k++;
		c = andor(p, 1);
		if (is_name(p, p->k, "else")) {
			p->k++;
			b = expr(p);
		}
		t = truthy(&c);
		/* Without else, a false condition gives an undefined value. */
		a = t < 0 ? unk : t ? a : b;
		a = note(p, first, &a);
	}
	p->depth--;
	return a;
}

/* Filters, with Jinja2 3.1's semantics for what each returns. */
#define IS(w) (fn == sizeof(w) - 1 && memcmp(fname, w, fn) == 0)

static struct val
apply_filter(struct ps *p, const unsigned char *fname, size_t fn, const struct val *v,
    struct args *a)
{
	struct mv_fold *f = p->f;
	const struct val *a0 = a->npos > 0 ? &a->pos[0] : NULL;
	struct val *it;
	size_t n, at;
	const struct val *attrkw = kwarg(p, a, "attribute", &at);

	/* Filters that look up attributes by name: the names are checked even when nothing
	 * else is known. */
	if (attrkw)
		use_name(p, at, attrkw, 1);
	if (IS("attr") || IS("selectattr") ||
	    IS("rejectattr") || IS("groupby")) {
		if (a0)
			use_name(p, a->at[0], a0, 1);
	}
	if (IS("map") && a0 && a0->t == V_STR && a0->n == 4 &&
	    memcmp(a0->s, "attr", 4) == 0 && a->npos > 1)
		use_name(p, a->at[1], &a->pos[1], 1);
	if (v->t == V_UNK || !all_known(a))
		return unk;
	if (IS("string"))
		return to_str(f, v);
	if (IS("safe"))
		return to_str(f, v);
	if (IS("e") || IS("escape") || IS("forceescape"))
		return html_escape(f, v);
	if (IS("lower") || IS("upper") || IS("title") ||
	    IS("capitalize")) {
		int how = IS("lower") ? C_LOWER : IS("upper") ? C_UPPER :
		    IS("title") ? C_TITLE : C_CAPITALIZE;

		return a->npos || a->nkw ? unk : str_case(f, v, how);
	}
	if (IS("trim"))
		return a->nkw || a->npos > 1 ? unk : str_strip(f, v, a0, 1, 1);
	if (IS("replace")) {
		if (a->nkw || a->npos < 2 || a->npos > 3 || (a->npos == 3 && a->pos[2].t != V_INT))
			return unk;
		return str_replace(f, v, &a->pos[0], &a->pos[1], a->npos == 3 ? a->pos[2].i : -1);
	}
	if (IS("format")) {
		struct val s = to_str(f, v);

		return a->nkw ? unk : str_percent(f, &s, a->pos, a->npos);
	}
	if (IS("join")) {
		struct val empty = mkstr(f, (const unsigned char *)"", 0, 0);

		if (attrkw || a->npos > 1 || (a->nkw && !kwarg(p, a, "d", NULL)))
			return unk;
		return str_join(f, v, a0 ? a0 : kwarg(p, a, "d", NULL) ? kwarg(p, a, "d", NULL) :
		    &empty);
	}
	if (IS("list")) {
		struct val *c;

		if (!iter_items(f, v, &it, &n) || (c = items_new(f, n)) == NULL)
			return unk;
		memcpy(c, it, n * sizeof(*c));
		return mklist(V_LIST, c, n);
	}
	if (IS("first") || IS("last")) {
		if (!iter_items(f, v, &it, &n) || n == 0)
			return unk;
		return it[IS("first") ? 0 : n - 1];
	}
	if (IS("length") || IS("count")) {
		if (v->t == V_OBJ || !iter_items(f, v, &it, &n))
			return unk;
		return mkint((int64_t)n);
	}
	if (IS("int")) {
		if (v->t == V_INT || v->t == V_BOOL)
			return mkint(v->i);
		return unk;
	}
	if (IS("abs"))
		return v->t == V_INT && v->i != INT64_MIN ? mkint(v->i < 0 ? -v->i : v->i) : unk;
	if (IS("default") || IS("d"))
		return *v;
	if (IS("reverse")) {
		struct val *c;

		if (v->t == V_STR) {
			struct val s;
			size_t k;

			if (v->open || !iter_items(f, v, &it, &n))
				return unk;
			s = mkstr(f, v->s, v->n, 0);
			if (s.t != V_STR)
				return unk;
			k = 0;
			for (size_t i = n; i > 0; i--) {
				memcpy((unsigned char *)mv_unconst(s.s) + k, it[i - 1].s, it[i - 1].n);
				k += it[i - 1].n;
			}
			return s;
		}
		if (!iter_items(f, v, &it, &n) || (c = items_new(f, n)) == NULL)
			return unk;
		for (size_t i = 0; i < n; i++)
			c[i] = it[n - 1 - i];
		if (v->t == V_LIST)
			return mkiter("<list_reverseiterator object at 0x", c, n, 1);
		if (v->t == V_TUPLE)
			return mkiter("<reversed object at 0x", c, n, 1);
		if (v->t == V_DICT)
			return mkiter("<dict_reversekeyiterator object at 0x", c, n, 1);
		if (v->t == V_OBJ && v->obj == O_RANGE)
			return mkiter("<range_iterator object at 0x", c, n, 1);
		/* Not reversible: Jinja makes a list and reverses it. */
		return v->t == V_OBJ && v->obj == O_ITER ? mklist(V_LIST, c, n) : unk;
	}
	if (IS("select") || IS("reject")) {
		int sel = IS("select");
		struct val *c = NULL;
		size_t k = 0;
		int known = a->npos == 0 && a->nkw == 0 && iter_items(f, v, &it, &n) &&
		    (c = items_new(f, n)) != NULL;

		for (size_t i = 0; known && i < n; i++) {
			int t = truthy(&it[i]);

			if (t < 0)
				known = 0;
			else if (t == sel)
				c[k++] = it[i];
		}
		return mkiter("<generator object select_or_reject at 0x", c, k, known);
	}
	if (IS("selectattr") || IS("rejectattr"))
		return mkiter("<generator object select_or_reject at 0x", NULL, 0, 0);
	if (IS("map")) {
		struct val *c = NULL;
		int known = !attrkw && a->npos >= 1 && a0->t == V_STR && !a0->open &&
		    iter_items(f, v, &it, &n) && (c = items_new(f, n)) != NULL;

		/* map('upper'): the named filter on every item, without arguments. */
		for (size_t i = 0; known && i < n; i++) {
			struct args sub;

			if (a->npos > 1 || (a0->n == 3 && memcmp(a0->s, "map", 3) == 0)) {
				known = 0;
				break;
			}
			memset(&sub, 0, sizeof(sub));
			c[i] = apply_filter(p, a0->s, a0->n, &it[i], &sub);
			known = c[i].t != V_UNK;
		}
		return mkiter("<generator object sync_do_map at 0x", c, n, known);
	}
	/* do_unique in Jinja2 3.1.2, sync_do_unique in 3.1.6. */
	if (IS("unique"))
		return mkiter("<generator object ", NULL, 0, 0);
	if (IS("batch"))
		return mkiter("<generator object do_batch at 0x", NULL, 0, 0);
	if (IS("slice"))
		return mkiter("<generator object sync_do_slice at 0x", NULL, 0, 0);
	if (IS("items") && v->t == V_DICT) {
		struct val *c = items_new(f, v->nv / 2);

		for (size_t i = 0; c && i < v->nv / 2; i++) {
			struct val *pair = items_new(f, 2);

			if (pair == NULL)
				return unk;
			pair[0] = v->v[2 * i];
			pair[1] = v->v[2 * i + 1];
			c[i] = mklist(V_TUPLE, pair, 2);
		}
		return c ? mkiter("<generator object do_items at 0x", c, v->nv / 2, 1) : unk;
	}
	return unk;
}

/* ---- statements ---- */

/* Bind the names of a target list (for a, b in ..., set a, b = ...) to unknown. */
static void
forget_targets(struct ps *p, size_t from, size_t to)
{
	for (size_t k = from; k < to; k++)
		if (p->b->v[k].type == T_NAME && !is_op(p, k - 1, '.'))
			var_set(p->f, p->f->text + p->b->v[k].s, p->b->v[k].e - p->b->v[k].s, &unk);
}

/* Fold every expression of a statement list that starts at p->k. */
static void
fold_exprs(struct ps *p)
{
	while (!p->err && p->k < p->end) {
		size_t k = p->k;

		(void)expr(p);
		if (is_op(p, p->k, ',') || is_op(p, p->k, '='))
			p->k++;
		else if (p->k == k)
			break;
	}
}

static const char *const openers[] = {"if", "for", "macro", "call", "filter", "with", "block",
	"autoescape", "trans", NULL};

static int
block_start(const struct ps *p, const struct tok *kw)
{
	for (int i = 0; openers[i]; i++)
		if (name_eq(p, kw, openers[i]))
			return 1;
	/* {% set x %} without '=' captures a block. */
	if (name_eq(p, kw, "set")) {
		for (size_t k = p->k; k < p->end; k++)
			if (is_op(p, k, '='))
				return 0;
		return 1;
	}
	return 0;
}

static int
block_end(const struct ps *p, const struct tok *kw)
{
	const unsigned char *w = p->f->text + kw->s;
	size_t n = kw->e - kw->s;

	if (kw->type != T_NAME || n < 4 || memcmp(w, "end", 3) != 0)
		return 0;
	for (int i = 0; openers[i]; i++)
		if (strlen(openers[i]) == n - 3 && memcmp(w + 3, openers[i], n - 3) == 0)
			return 1;
	return n == 6 && memcmp(w + 3, "set", 3) == 0;
}

static void
frame_open(struct mv_fold *f)
{
	if (f->depth >= FRAMES_MAX) {
		f->lost++;
		return;
	}
	f->frame[f->depth++] = f->ntouched;
}

static void
fold_stmt(struct ps *p)
{
	const struct tok *kw = cur(p);
	size_t k;

	if (kw == NULL || kw->type != T_NAME)
		return;
	p->k++;
	if (block_end(p, kw)) {
		frame_forget(p->f);
		if (p->f->lost)
			p->f->lost--;
		else if (p->f->depth)
			p->f->depth--;
		return;
	}
	if (name_eq(p, kw, "else") || name_eq(p, kw, "elif"))
		frame_forget(p->f);
	else if (block_start(p, kw))
		frame_open(p->f);
	if (name_eq(p, kw, "set")) {
		const struct tok *t = cur(p);

		/* set x = expr binds x; set ns.x = expr and set a, b = expr fold only. */
		if (t && t->type == T_NAME && is_op(p, p->k + 1, '=') &&
		    !is_op2(p, p->k + 1, '=', '=')) {
			struct val v;

			p->k += 2;
			v = expr(p);
			if (p->err || p->k != p->end)
				v = unk;
			v.lit = v.lit && !p->err;
			var_set(p->f, p->f->text + t->s, t->e - t->s, &v);
			return;
		}
		for (k = p->k; k < p->end && !(is_op(p, k, '=') && !is_op2(p, k, '=', '=')); k++)
			;
		/* {% set x %}...{% endset %} captures text: its value is not followed. */
		forget_targets(p, p->k, k);
		if (k < p->end) {
			p->k = k + 1;
			(void)expr(p);
		}
		return;
	}
	if (name_eq(p, kw, "for")) {
		for (k = p->k; k < p->end && !is_name(p, k, "in"); k++)
			;
		forget_targets(p, p->k, k);
		if (k >= p->end)
			return;
		p->k = k + 1;
		/* The condition and the body see the loop variables, forgotten above. */
		fold_exprs(p);
		if (is_name(p, p->k, "if")) {
			p->k++;
			fold_exprs(p);
		}
		return;
	}
	if (name_eq(p, kw, "macro") || name_eq(p, kw, "call")) {
		/* The parameters shadow any variable of the same name. */
		if (name_eq(p, kw, "macro") && cur(p))
			p->k++;
		if (is_op(p, p->k, '(')) {
			int depth = 0;

			for (k = p->k; k < p->end; k++) {
				depth += is_op(p, k, '(') - is_op(p, k, ')');
				if (p->b->v[k].type == T_NAME && (is_op(p, k + 1, ',') ||
				    is_op(p, k + 1, ')') || (is_op(p, k + 1, '=') &&
				    !is_op2(p, k + 1, '=', '='))) && depth == 1 &&
				    name_eq(p, kw, "macro"))
					var_set(p->f, p->f->text + p->b->v[k].s,
					    p->b->v[k].e - p->b->v[k].s, &unk);
				if (depth == 0)
					break;
			}
		}
		return;
	}
	if (name_eq(p, kw, "if") || name_eq(p, kw, "elif") || name_eq(p, kw, "do")) {
		fold_exprs(p);
		return;
	}
	if (name_eq(p, kw, "with")) {
		for (k = p->k; k < p->end; k++)
			if (p->b->v[k].type == T_NAME && is_op(p, k + 1, '=') &&
			    !is_op2(p, k + 1, '=', '='))
				var_set(p->f, p->f->text + p->b->v[k].s, p->b->v[k].e - p->b->v[k].s,
				    &unk);
		return;
	}
}

struct mv_fold *
mv_fold_new(const unsigned char *text, size_t n, const struct mv_fold_hooks *h)
{
	struct mv_fold *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	if ((f->vars = calloc(VARS_MAX, sizeof(*f->vars))) == NULL ||
	    (f->touched = calloc(VARS_MAX, sizeof(*f->touched))) == NULL) {
		free(f->vars);
		free(f);
		return NULL;
	}
	f->text = text;
	f->tn = n;
	if (h)
		f->h = *h;
	return f;
}

void
mv_fold_block(struct mv_fold *f, const struct blk *b, int stmt)
{
	struct ps p;

	memset(&p, 0, sizeof(p));
	p.f = f;
	p.b = b;
	p.end = b->n;
	/* Whitespace control: "{{-", "{%+", "-}}", "-%}" touch the delimiters. */
	if (p.end > 0 && b->v[0].type == T_OP && (b->v[0].op == '-' || b->v[0].op == '+') &&
	    b->v[0].s == b->s)
		p.k = 1;
	if (p.end > p.k && b->v[p.end - 1].type == T_OP && (b->v[p.end - 1].op == '-' ||
	    b->v[p.end - 1].op == '+') && b->v[p.end - 1].e == b->e)
		p.end--;
	if (stmt)
		fold_stmt(&p);
	else
		fold_exprs(&p);
}

void
mv_fold_free(struct mv_fold *f)
{
	struct chunk *c, *next;

	if (f == NULL)
		return;
	for (c = f->arena; c; c = next) {
		next = c->next;
		free(c);
	}
	free(f->vars);
	free(f->touched);
	free(f);
}
