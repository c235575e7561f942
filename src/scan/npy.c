/* SPDX-License-Identifier: Apache-2.0 */
/* npy.c: NumPy .npy files (alone or as members of an .npz): the header dict read by a small
 * literal parser (never evaluated), the data size checked against shape and dtype, and the
 * pickle that follows the header of an object array handed to the pickle machine. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "scan/pickle_an.h"

#define HEADER_MAX (1u << 20)
#define NODES_MAX 4096
#define DEPTH_MAX 16

/* ---- the literal parser: dicts, lists, tuples, strings, integers, booleans, None ---- */

enum lt { L_STR, L_INT, L_BOOL, L_NONE, L_TUPLE, L_LIST, L_DICT };

struct lnode {
	enum lt t;
	const char *s;       /* L_STR: the text between the quotes (escapes left as they are) */
	size_t n;            /* L_STR: its length; containers: items (dicts: keys and values) */
	int64_t i;
	int big;
	int kid, next;       /* first item, next sibling: node index or -1 */
};

struct lparser {
	const char *p, *end;
	struct lnode *v;
	int n;
	const char *err;
};

static void
skip_ws(struct lparser *lp)
{
	while (lp->p < lp->end && (*lp->p == ' ' || *lp->p == '\t' || *lp->p == '\n' ||
	    *lp->p == '\r'))
		lp->p++;
}

static int parse_value(struct lparser *lp, int depth);

static int
new_node(struct lparser *lp, enum lt t)
{
	if (lp->n >= NODES_MAX) {
		lp->err = "too many values";
		return -1;
	}
	memset(&lp->v[lp->n], 0, sizeof(lp->v[0]));
	lp->v[lp->n].t = t;
	lp->v[lp->n].kid = lp->v[lp->n].next = -1;
	return lp->n++;
}

static int
parse_seq(struct lparser *lp, enum lt t, char close, int depth)
{
	int me = new_node(lp, t), last = -1;

	if (me < 0)
		return -1;
	lp->p++;
	for (;;) {
		int k;

		skip_ws(lp);
		if (lp->p < lp->end && *lp->p == close) {
			lp->p++;
			break;
		}
		if ((k = parse_value(lp, depth + 1)) < 0)
			return -1;
		if (last < 0)
			lp->v[me].kid = k;
		else
			lp->v[last].next = k;
		last = k;
		lp->v[me].n++;
		skip_ws(lp);
		if (t == L_DICT && lp->v[me].n % 2 == 1) {
			if (lp->p >= lp->end || *lp->p != ':') {
				lp->err = "a dict key without ':'";
				return -1;
			}
			lp->p++;
			continue;
		}
		if (lp->p < lp->end && *lp->p == ',') {
			lp->p++;
			continue;
		}
		if (lp->p < lp->end && *lp->p == close) {
			lp->p++;
			break;
		}
		lp->err = "a missing ',' or closing bracket";
		return -1;
	}
	/* (x) is x in Python, (x,) a tuple: a one-item tuple needs its comma, but shapes are
	 * only read from tuples, so a parenthesised value is kept as a tuple of one. */
	return me;
}

static int
parse_value(struct lparser *lp, int depth)
{
	int k;

	if (depth > DEPTH_MAX) {
		lp->err = "nested too deeply";
		return -1;
	}
	skip_ws(lp);
	if (lp->p >= lp->end) {
		lp->err = "a value is missing";
		return -1;
	}
	switch (*lp->p) {
	case '{':
		return parse_seq(lp, L_DICT, '}', depth);
	case '[':
		return parse_seq(lp, L_LIST, ']', depth);
	case '(':
		return parse_seq(lp, L_TUPLE, ')', depth);
	case '\'':
	case '"': {
		char q = *lp->p++;
		const char *s = lp->p;

		while (lp->p < lp->end && *lp->p != q) {
			if (*lp->p == '\\' && lp->p + 1 < lp->end)
				lp->p++;
			if (*lp->p == '\n') {
				lp->err = "a string runs past the line";
				return -1;
			}
			lp->p++;
		}
		if (lp->p >= lp->end) {
			lp->err = "an unterminated string";
			return -1;
		}
		if ((k = new_node(lp, L_STR)) < 0)
			return -1;
		lp->v[k].s = s;
		lp->v[k].n = (size_t)(lp->p - s);
		lp->p++;
		return k;
	}
	default:
		break;
	}
	if ((*lp->p >= '0' && *lp->p <= '9') || *lp->p == '-' || *lp->p == '+') {
		int neg = *lp->p == '-', digits = 0;
		uint64_t v = 0;

		if (*lp->p == '-' || *lp->p == '+')
			lp->p++;
		if ((k = new_node(lp, L_INT)) < 0)
			return -1;
		while (lp->p < lp->end && *lp->p >= '0' && *lp->p <= '9') {
			if (v > (UINT64_MAX - 9) / 10)
				lp->v[k].big = 1;
			else
				v = v * 10 + (uint64_t)(*lp->p - '0');
			lp->p++;
			digits++;
		}
		/* Python 2 headers spell long integers 3L. */
		if (lp->p < lp->end && (*lp->p == 'L' || *lp->p == 'l'))
			lp->p++;
		if (digits == 0) {
			lp->err = "a number without digits";
			return -1;
		}
		if (v > INT64_MAX)
			lp->v[k].big = 1;
		lp->v[k].i = lp->v[k].big ? 0 : neg ? -(int64_t)v : (int64_t)v;
		return k;
	}
	if (lp->end - lp->p >= 4 && memcmp(lp->p, "True", 4) == 0) {
		lp->p += 4;
		if ((k = new_node(lp, L_BOOL)) >= 0)
			lp->v[k].i = 1;
		return k;
	}
	if (lp->end - lp->p >= 5 && memcmp(lp->p, "False", 5) == 0) {
		lp->p += 5;
		return new_node(lp, L_BOOL);
	}
	if (lp->end - lp->p >= 4 && memcmp(lp->p, "None", 4) == 0) {
		lp->p += 4;
		return new_node(lp, L_NONE);
	}
	lp->err = "a value that is not a literal";
	return -1;
}

/* ---- dtypes ---- */

struct dt {
	uint64_t size;
	int object;
	const char *err;
};

static int
str_is(const struct lnode *n, const char *s)
{
	return n != NULL && n->t == L_STR && n->n == strlen(s) && memcmp(n->s, s, n->n) == 0;
}

/* A dtype string: byte order, kind, size ('<f4', '|O', '<U10', '|V16', '<M8[ns]'). */
static void
dtype_str(const struct lnode *n, struct dt *d, uint64_t *size)
{
	size_t i = 0;
	uint64_t v = 0;
	int digits = 0;
	char kind;

	*size = 0;
	if (n->n && (n->s[0] == '<' || n->s[0] == '>' || n->s[0] == '|' || n->s[0] == '='))
		i++;
	if (i >= n->n) {
		d->err = "an empty dtype";
		return;
	}
	kind = n->s[i++];
	for (; i < n->n && n->s[i] >= '0' && n->s[i] <= '9'; i++, digits++) {
		if (v > (UINT64_C(1) << 40)) {
			d->err = "a dtype size out of range";
			return;
		}
		v = v * 10 + (uint64_t)(n->s[i] - '0');
	}
	if (i < n->n && n->s[i] != '[') {
		d->err = "a dtype string numpy does not write";
		return;
	}
	switch (kind) {
	case 'O':
		d->object = 1;
		*size = 8;
		return;
	case 'U':
		*size = v * 4;
		return;
	case 'b': case 'i': case 'u': case 'f': case 'c': case 'm': case 'M': case 'S':
	case 'V': case 'a': case '?':
		if (digits == 0 && kind != '?') {
			d->err = "a dtype without a size";
			return;
		}
		*size = kind == '?' ? 1 : v;
		return;
	default:
		d->err = "an unknown dtype kind";
	}
}

static const struct lnode *
kid(const struct lparser *lp, const struct lnode *n, size_t i)
{
	int k = n->kid;

	while (k >= 0 && i-- > 0)
		k = lp->v[k].next;
	return k >= 0 ? &lp->v[k] : NULL;
}

/* Elements in a shape tuple; 0 with *bad set when it is not one. */
static uint64_t
shape_count(const struct lparser *lp, const struct lnode *n, int *bad)
{
	uint64_t count = 1;

	if (n->t != L_TUPLE && n->t != L_INT) {
		*bad = 1;
		return 0;
	}
	if (n->t == L_INT)
		return n->big || n->i < 0 ? (*bad = 1, 0) : (uint64_t)n->i;
	for (size_t i = 0; i < n->n; i++) {
		const struct lnode *d = kid(lp, n, i);

		if (d == NULL || d->t != L_INT || d->big || d->i < 0 ||
		    (d->i && count > UINT64_MAX / (uint64_t)d->i)) {
			*bad = 1;
			return 0;
		}
		count *= (uint64_t)d->i;
	}
	return count;
}

/* A structured dtype: [(name, format[, shape]), ...]. */
static void
dtype_of(const struct lparser *lp, const struct lnode *n, struct dt *d, uint64_t *size,
    int depth)
{
	*size = 0;
	if (depth > DEPTH_MAX) {
		d->err = "a dtype nested too deeply";
		return;
	}
	if (n->t == L_STR) {
		dtype_str(n, d, size);
		return;
	}
	if (n->t != L_LIST) {
		d->err = "a descr that is neither a string nor a list of fields";
		return;
	}
	for (size_t i = 0; i < n->n && !d->err; i++) {
		const struct lnode *f = kid(lp, n, i), *fmt, *shape;
		uint64_t fs, count = 1;
		int bad = 0;

		if (f == NULL || f->t != L_TUPLE || f->n < 2 || f->n > 3) {
			d->err = "a field that is not (name, format[, shape])";
			return;
		}
		if ((fmt = kid(lp, f, 1)) == NULL) {
			d->err = "a field without a format";
			return;
		}
		dtype_of(lp, fmt, d, &fs, depth + 1);
		if ((shape = kid(lp, f, 2)) != NULL)
			count = shape_count(lp, shape, &bad);
		if (bad || (count && fs > UINT64_MAX / count) ||
		    *size > UINT64_MAX - fs * count) {
			d->err = "a field size out of range";
			return;
		}
		*size += fs * count;
	}
}

/* ---- the analyser ---- */

struct npy {
	const struct mv_actx *a;
	unsigned char pre[12];
	size_t npre, prelen;
	uint32_t hlen;
	char *hdr;
	size_t nhdr;
	int state;           /* 0 preamble, 1 header, 2 raw data, 3 pickle, 4 stopped */
	uint64_t data_start, expect, got;
	struct mv_pickle *m;
};

static int
np_claim(const struct mv_actx *a)
{
	return a->format == MV_FMT_NPY;
}

static void *
np_begin(const struct mv_actx *a)
{
	struct npy *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->a = a;
	s->prelen = 10;
	return s;
}

static void
bad_header(struct npy *s, const char *why)
{
	mv_findings_add(s->a->findings, MV_R_NUMPY_HEADER_INVALID, s->a->path, 0,
	    "the .npy header %s; numpy refuses the file, other readers may not", why);
	s->state = 4;
}

static void
header_done(struct npy *s)
{
	struct lparser lp;
	const struct lnode *dict, *descr = NULL, *shape = NULL, *fortran = NULL;
	struct dt d;
	uint64_t item, count;
	int bad = 0, keys = 0;

	memset(&lp, 0, sizeof(lp));
	if ((lp.v = calloc(NODES_MAX, sizeof(*lp.v))) == NULL) {
		bad_header(s, "could not be read (out of memory)");
		return;
	}
	lp.p = s->hdr;
	lp.end = s->hdr + s->nhdr;
	if (parse_value(&lp, 0) != 0 || lp.v[0].t != L_DICT) {
		char why[160];

		snprintf(why, sizeof(why), "is not a Python dict literal (%s)",
		    lp.err ? lp.err : "another kind of value");
		bad_header(s, why);
		goto done;
	}
	skip_ws(&lp);
	if (lp.p != lp.end) {
		bad_header(s, "has bytes after its dict");
		goto done;
	}
	dict = &lp.v[0];
	for (size_t i = 0; i + 1 < dict->n; i += 2) {
		const struct lnode *k = kid(&lp, dict, i), *v = kid(&lp, dict, i + 1);

		if (v == NULL)
			break;
		keys++;
		if (str_is(k, "descr"))
			descr = v;
		else if (str_is(k, "shape"))
			shape = v;
		else if (str_is(k, "fortran_order"))
			fortran = v;
		else
			keys = 100;
	}
	if (keys != 3 || !descr || !shape || !fortran) {
		bad_header(s, "does not hold exactly the keys descr, fortran_order and shape");
		goto done;
	}
	if (fortran->t != L_BOOL) {
		bad_header(s, "has a fortran_order that is not True or False");
		goto done;
	}
	memset(&d, 0, sizeof(d));
	dtype_of(&lp, descr, &d, &item, 0);
	count = shape->t == L_TUPLE ? shape_count(&lp, shape, &bad) : (bad = 1, 0);
	if (d.err || bad) {
		char why[160];

		snprintf(why, sizeof(why), "has %s", d.err ? d.err : "a shape that is not a tuple "
		    "of non-negative integers");
		bad_header(s, why);
		goto done;
	}
	s->data_start = s->prelen + s->hlen;
	if (d.object) {
		mv_findings_add(s->a->findings, MV_R_NUMPY_OBJECT_ARRAY, s->a->path,
		    (int64_t)s->data_start, "an object array: its data is a pickle that "
		    "np.load(allow_pickle=True) runs (CVE-2019-6446)");
		s->m = mv_pickle_for(s->a, MV_PICKLE_NPY, s->data_start, -1, "object array");
		if (s->m == NULL) {
			s->state = 4;
			goto done;
		}
		s->state = 3;
		goto done;
	}
	if (count && item > UINT64_MAX / count) {
		bad_header(s, "describes more data than can exist");
		goto done;
	}
	s->expect = count * item;
	s->state = 2;
done:
	free(lp.v);
}

static mv_status
np_feed(void *state, const unsigned char *p, size_t n)
{
	struct npy *s = state;

	while (n > 0) {
		size_t take;

		switch (s->state) {
		case 0: {
			size_t want = s->npre < 8 ? 8 : s->prelen;

			take = want - s->npre < n ? want - s->npre : n;
			memcpy(s->pre + s->npre, p, take);
			s->npre += take;
			p += take;
			n -= take;
			if (s->npre == 8 && s->pre[6] != 1) {
				if (s->pre[6] != 2 && s->pre[6] != 3) {
					bad_header(s, "has an unknown format version");
					break;
				}
				s->prelen = 12;
			}
			if (s->npre < s->prelen)
				break;
			if (memcmp(s->pre, "\x93NUMPY", 6) != 0 || s->pre[7] != 0) {
				bad_header(s, "has a bad magic or minor version");
				break;
			}
			s->hlen = s->prelen == 10 ? mv_le16(s->pre + 8) : mv_le32(s->pre + 8);
			if (s->hlen > HEADER_MAX) {
				bad_header(s, "is longer than mavis reads");
				break;
			}
			if ((s->hdr = malloc(s->hlen ? s->hlen : 1)) == NULL) {
				bad_header(s, "could not be read (out of memory)");
				break;
			}
			s->state = 1;
			if (s->hlen == 0)
				header_done(s);
			break;
		}
		case 1:
			take = s->hlen - s->nhdr < n ? s->hlen - s->nhdr : n;
			memcpy(s->hdr + s->nhdr, p, take);
			s->nhdr += take;
			p += take;
			n -= take;
			if (s->nhdr == s->hlen)
				header_done(s);
			break;
		case 2:
			s->got += n;
			n = 0;
			break;
		case 3:
			mv_pickle_feed(s->m, p, n);
			n = 0;
			break;
		default:
			return MV_ERR_FORMAT;
		}
	}
	return MV_OK;
}

static void
np_end(void *state, int complete)
{
	struct npy *s = state;

	if (!complete && s->state != 3)
		return;
	switch (s->state) {
	case 0:
	case 1:
		bad_header(s, "is cut short");
		break;
	case 2:
		if (s->got != s->expect)
			mv_findings_add(s->a->findings, MV_R_NUMPY_SIZE_MISMATCH, s->a->path,
			    (int64_t)(s->data_start + (s->got < s->expect ? s->got : s->expect)),
			    "the header describes %llu bytes of data, the file holds %llu (%s)",
			    (unsigned long long)s->expect, (unsigned long long)s->got,
			    s->got < s->expect ? "truncated" : "data after the array");
		break;
	case 3:
		mv_pickle_end(s->m, complete);
		break;
	default:
		break;
	}
}

static void
np_free(void *state)
{
	struct npy *s = state;

	mv_pickle_free(s->m);
	free(s->hdr);
	free(s);
}

const struct mv_analyser mv_analyser_npy = {
	.name = "npy",
	.claim = np_claim,
	.begin = np_begin,
	.feed = np_feed,
	.end = np_end,
	.free = np_free,
};
