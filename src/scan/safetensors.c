/* SPDX-License-Identifier: Apache-2.0 */
/* safetensors.c: safetensors files checked the way the reference reader validates them, and
 * more strictly; and the shard index of sharded models. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/cursor.h"
#include "core/jsonutil.h"
#include "core/sniff.h"
#include "core/str.h"
#include "core/strset.h"
#include "scan/formats.h"
#include "scan/pickle_int.h"

/* The reference reader's MAX_HEADER_SIZE. */
#define ST_MAX_HEADER 100000000u
/* A zip's end record sits in the last 22 + 65535 bytes. */
#define TAIL 65557u

static const struct {
	const char *name;
	unsigned bits;
} dtypes[] = {
	{"BOOL", 8}, {"F4", 4}, {"F6_E2M3", 6}, {"F6_E3M2", 6}, {"U8", 8}, {"I8", 8},
	{"F8_E5M2", 8}, {"F8_E4M3", 8}, {"F8_E8M0", 8}, {"F8_E4M3FNUZ", 8}, {"F8_E5M2FNUZ", 8},
	{"I16", 16}, {"U16", 16}, {"F16", 16}, {"BF16", 16}, {"I32", 32}, {"U32", 32},
	{"F32", 32}, {"C64", 64}, {"F64", 64}, {"I64", 64}, {"U64", 64},
};

/*
 * A pickle reading of the same bytes: pickle.load starts at byte 0 and runs each opcode as it
 * comes, so the file is a pickle polyglot when the bytes from 0 parse as opcodes, with a
 * stack that never underflows, up to an import (GLOBAL, INST, STACK_GLOBAL) or up to a STOP
 * past the length field. The stack is tracked only as a depth, enough to make random bytes
 * fail within a few opcodes.
 */
enum { SK_RUN = 0, SK_NO, SK_IMPORT, SK_STOP };
enum { K_OP = 0, K_FIX, K_LINE, K_LEN, K_DATA };

struct skim {
	int verdict;
	int state;
	unsigned char op;
	uint64_t need;          /* bytes of argument still to come */
	unsigned char lenb[8];
	unsigned lenhave, lenwant;
	unsigned lines;         /* newline-terminated arguments still to come */
	uint64_t linelen;
	int line_ok;            /* the line so far is a dotted identifier */
	uint64_t depth;
	uint64_t marks[64];
	unsigned nmark;
	unsigned strings;       /* string pushes since the last non-string opcode, capped */
	uint64_t ops;
	uint64_t pos;
	uint64_t op_pos;
};

struct st {
	struct mv_report rep;
	const struct mv_actx *a;
	int index;              /* model.safetensors.index.json */
	int phase;
	unsigned char lenb[8];
	unsigned lenhave;
	uint64_t hlen;
	struct mv_buf hdr;
	int header_ok;
	uint64_t data_len;      /* the byte buffer the header describes */
	uint64_t data_seen;
	uint64_t total;
	unsigned char *tail;
	size_t tailpos, taillen;
	struct skim sk;
};

enum { P_LEN = 0, P_HEADER, P_DATA, P_COUNT };

/* ---- pickle skim ---- */

/* How the skim reads an opcode's argument, from the pickle machine's own table. */
static int
op_kind(unsigned char op, unsigned *fix)
{
	const struct opinfo *oi = &mv_pickle_ops[op];

	*fix = oi->size;
	switch (oi->arg) {
	case A_NONE: return K_OP;
	case A_FIXED: return K_FIX;
	case A_LEN: return K_LEN;
	case A_LINE: case A_LINE2: return K_LINE;
	default: return -1;
	}
}

static int
pop_to_mark(struct skim *k, uint64_t *base)
{
	if (k->nmark == 0)
		return -1;
	*base = k->marks[--k->nmark];
	k->depth = *base;
	return 0;
}

/* The stack effect of an opcode whose argument has been read; -1 when it cannot run. */
static int
skim_apply(struct skim *k)
{
	unsigned char op = k->op;
	uint64_t base, floor = k->nmark ? k->marks[k->nmark - 1] : 0;
	uint64_t above = k->depth - floor;
	int was_string = 0;

	switch (op) {
	case '(':
		if (k->nmark == 64)
			return -1;
		k->marks[k->nmark++] = k->depth;
		break;
	case '.':
		if (above < 1)
			return -1;
		k->verdict = k->op_pos >= 8 ? SK_STOP : SK_NO;
		return 0;
	case '0':
		if (above >= 1)
			k->depth--;
		else if (pop_to_mark(k, &base) != 0)
			return -1;
		break;
	case '1':
		if (pop_to_mark(k, &base) != 0)
			return -1;
		break;
	case '2': case OP_TUPLE1: case 'Q': case OP_READONLY_BUFFER: case 'p': case 'q': case 'r':
	case OP_MEMOIZE:
		if (above < 1)
			return -1;
		if (op == '2')
			k->depth++;
		break;
	case 'R': case 'b': case OP_NEWOBJ: case 'a': case OP_TUPLE2:
		if (above < 2)
			return -1;
		k->depth--;
		break;
	case OP_STACK_GLOBAL:
		if (above < 2)
			return -1;
		if (k->strings >= 2) {
			k->verdict = SK_IMPORT;
			return 0;
		}
		k->depth--;
		break;
	case OP_NEWOBJ_EX: case 's': case OP_TUPLE3:
		if (above < 3)
			return -1;
		k->depth -= 2;
		break;
	case 'e': case 'u': case OP_ADDITEMS:
		if (pop_to_mark(k, &base) != 0 || base == 0 ||
		    (k->nmark && k->marks[k->nmark - 1] >= base))
			return -1;
		break;
	case 't': case 'l': case 'd': case OP_FROZENSET:
		if (pop_to_mark(k, &base) != 0)
			return -1;
		k->depth++;
		break;
	case 'o':
		if (pop_to_mark(k, &base) != 0 || above < 1)
			return -1;
		k->depth++;
		break;
	case 'c': case 'i':
		/* Two lines that look like a module and a name: an import. */
		k->verdict = SK_IMPORT;
		return 0;
	case OP_PROTO:
		break;
	case OP_FRAME:
		break;
	case 'h': case 'j': case 'g': case OP_EXT1: case OP_EXT2: case OP_EXT4:
		/* Memo or registry look-ups fail on a fresh unpickler unless something was put. */
		return -1;
	case 'U': case OP_SHORT_BINUNICODE: case 'C': case 'T': case 'X': case 'B':
	case OP_BINUNICODE8: case OP_BINBYTES8: case OP_BYTEARRAY8: case 'S': case 'V':
		was_string = 1;
		k->depth++;
		break;
	default:
		k->depth++;
		break;
	}
	k->strings = was_string ? (k->strings < 2 ? k->strings + 1 : 2) : 0;
	return 0;
}

static void
skim_feed(struct skim *k, const unsigned char *p, size_t n)
{
	size_t i = 0;

	while (i < n && k->verdict == SK_RUN) {
		unsigned char c = p[i];
		unsigned fix;
		int kind;

		switch (k->state) {
		case K_OP:
			k->op = c;
			k->op_pos = k->pos;
			i++;
			k->pos++;
			if (++k->ops > 1000000 || (kind = op_kind(c, &fix)) < 0) {
				k->verdict = SK_NO;
				break;
			}
			if (kind == K_OP) {
				if (skim_apply(k) != 0)
					k->verdict = SK_NO;
			} else if (kind == K_FIX) {
				k->need = fix;
				k->state = K_DATA;
			} else if (kind == K_LEN) {
				k->lenhave = 0;
				k->lenwant = fix;
				k->state = K_LEN;
			} else {
				k->lines = mv_pickle_ops[c].arg == A_LINE2 ? 2 : 1;
				k->linelen = 0;
				k->line_ok = 1;
				k->state = K_LINE;
			}
			break;
		case K_DATA: {
			size_t take = n - i;

			if (take > k->need)
				take = (size_t)k->need;
			if (k->op == OP_PROTO && take > 0 && p[i] > 5)
				k->verdict = SK_NO;
			i += take;
			k->pos += take;
			k->need -= take;
			if (k->need == 0 && k->verdict == SK_RUN) {
				k->state = K_OP;
				if (skim_apply(k) != 0)
					k->verdict = SK_NO;
			}
			break;
		}
		case K_LEN:
			k->lenb[k->lenhave++] = c;
			i++;
			k->pos++;
			if (k->lenhave == k->lenwant) {
				uint64_t len = 0;

				for (unsigned b = 0; b < k->lenwant; b++)
					len |= (uint64_t)k->lenb[b] << (8 * b);
				/* BINSTRING's length is signed. */
				if (k->op == 'T' && len > INT32_MAX) {
					k->verdict = SK_NO;
					break;
				}
				k->need = len;
				k->state = K_DATA;
				if (len == 0) {
					k->state = K_OP;
					if (skim_apply(k) != 0)
						k->verdict = SK_NO;
				}
			}
			break;
		case K_LINE:
			i++;
			k->pos++;
			if (c == '\n') {
				if (k->linelen == 0 && (k->op == 'c' || k->op == 'i'))
					k->line_ok = 0;
				if ((k->op == 'c' || k->op == 'i') && !k->line_ok) {
					k->verdict = SK_NO;
					break;
				}
				k->linelen = 0;
				if (--k->lines == 0) {
					k->state = K_OP;
					if (skim_apply(k) != 0)
						k->verdict = SK_NO;
				}
				break;
			}
			if (++k->linelen > 4096) {
				k->verdict = SK_NO;
				break;
			}
			if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
			    c == '.' || (c >= '0' && c <= '9')))
				k->line_ok = 0;
			break;
		}
	}
}

/* ---- the file ---- */

static int
looks_like(const struct mv_actx *a)
{
	size_t i = 8;
	uint64_t n;

	if (a->headlen < 10)
		return 0;
	n = mv_le64(a->head);
	if (n < 2 || n > ST_MAX_HEADER)
		return 0;
	while (i < a->headlen && (a->head[i] == ' ' || a->head[i] == '\n' || a->head[i] == '\t' ||
	    a->head[i] == '\r'))
		i++;
	return i < a->headlen && a->head[i] == '{';
}

static int
st_claim(const struct mv_actx *a)
{
	if (a->format == MV_FMT_JSON && mv_actx_suffix(a, ".safetensors.index.json"))
		return 1;
	if (a->format == MV_FMT_SAFETENSORS)
		return 1;
	/* Another format's magic in front of a safetensors header: a polyglot to report. */
	if ((a->format == MV_FMT_ZIP || a->format == MV_FMT_PICKLE) && looks_like(a))
		return 1;
	/* Named safetensors but not recognised: report why the header is not one. */
	return a->format == MV_FMT_UNKNOWN && mv_actx_suffix(a, ".safetensors");
}

static void *
st_begin(const struct mv_actx *a)
{
	struct st *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	s->index = a->format == MV_FMT_JSON;
	if (s->index) {
		mv_buf_init(&s->hdr, (size_t)a->limit[MV_LIMIT_HEADER]);
		return s;
	}
	if ((s->tail = malloc(TAIL)) == NULL) {
		free(s);
		return NULL;
	}
	mv_buf_init(&s->hdr, 0);
	return s;
}

static void
tail_add(struct st *s, const unsigned char *p, size_t n)
{
	if (n >= TAIL) {
		memcpy(s->tail, p + n - TAIL, TAIL);
		s->tailpos = 0;
		s->taillen = TAIL;
		return;
	}
	while (n > 0) {
		size_t take = TAIL - s->tailpos;

		if (take > n)
			take = n;
		memcpy(s->tail + s->tailpos, p, take);
		s->tailpos = (s->tailpos + take) % TAIL;
		if (s->taillen < TAIL)
			s->taillen = s->taillen + take > TAIL ? TAIL : s->taillen + take;
		p += take;
		n -= take;
	}
}

static int
cmp_u64pair(const void *x, const void *y)
{
	const uint64_t *a = x, *b = y;

	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	if (a[1] != b[1])
		return a[1] < b[1] ? -1 : 1;
	return 0;
}

static int
u64_of(const json_t *v, uint64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return -1;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* One tensor entry; on success its [begin, end) goes to range. */
static int
check_tensor(struct st *s, const char *name, json_t *t, uint64_t range[2])
{
	json_t *dt = json_object_get(t, "dtype"), *shape = json_object_get(t, "shape");
	json_t *offs = json_object_get(t, "data_offsets");
	const char *key;
	json_t *v;
	unsigned bits = 0;
	uint64_t count = 1, nbits;
	int overflow = 0;
	size_t i;
	int64_t at = 8;

	if (!json_is_object(t)) {
		mv_report(&s->rep, MV_R_SAFETENSORS_TENSOR_INVALID, at,
		    "tensor '%s' is a JSON %s, not an object", name,
		    json_is_array(t) ? "array" : "value");
		return -1;
	}
	json_object_foreach(t, key, v) {
		if (strcmp(key, "dtype") != 0 && strcmp(key, "shape") != 0 &&
		    strcmp(key, "data_offsets") != 0)
			mv_report(&s->rep, MV_R_SAFETENSORS_TENSOR_FIELD, at,
			    "tensor '%s' has the unknown field '%s'", name, key);
	}
	if (!json_is_string(dt) || !json_is_array(shape) || !json_is_array(offs) ||
	    json_array_size(offs) != 2) {
		mv_report(&s->rep, MV_R_SAFETENSORS_TENSOR_INVALID, at,
		    "tensor '%s' lacks a string dtype, an array shape or a two-number data_offsets",
		    name);
		return -1;
	}
	if (u64_of(json_array_get(offs, 0), &range[0]) != 0 ||
	    u64_of(json_array_get(offs, 1), &range[1]) != 0) {
		mv_report(&s->rep, MV_R_SAFETENSORS_TENSOR_INVALID, at,
		    "tensor '%s' has data_offsets that are not non-negative integers", name);
		return -1;
	}
	json_array_foreach(shape, i, v) {
		uint64_t d;

		if (u64_of(v, &d) != 0) {
			mv_report(&s->rep, MV_R_SAFETENSORS_TENSOR_INVALID, at,
			    "tensor '%s' has a shape entry that is not a non-negative integer", name);
			return -1;
		}
		if (d != 0 && count > UINT64_MAX / d)
			overflow = 1;
		else
			count *= d;
	}
	for (size_t k = 0; k < sizeof(dtypes) / sizeof(dtypes[0]); k++)
		if (strcmp(json_string_value(dt), dtypes[k].name) == 0)
			bits = dtypes[k].bits;
	if (bits == 0) {
		mv_report(&s->rep, MV_R_SAFETENSORS_DTYPE_UNKNOWN, at,
		    "tensor '%s' has the unknown dtype '%s'", name, json_string_value(dt));
		return 0;
	}
	if (overflow || count > UINT64_MAX / bits) {
		mv_report(&s->rep, MV_R_SAFETENSORS_TENSOR_SIZE, at,
		    "tensor '%s': the size of its shape overflows 64 bits", name);
		return 0;
	}
	nbits = count * bits;
	if (nbits % 8 != 0) {
		mv_report(&s->rep, MV_R_SAFETENSORS_TENSOR_SIZE, at,
		    "tensor '%s' holds %llu bits, not a whole number of bytes", name,
		    (unsigned long long)nbits);
		return 0;
	}
	if (range[1] >= range[0] && range[1] - range[0] != nbits / 8)
		mv_report(&s->rep, MV_R_SAFETENSORS_TENSOR_SIZE, at,
		    "tensor '%s' spans %llu bytes but its shape and dtype need %llu", name,
		    (unsigned long long)(range[1] - range[0]), (unsigned long long)(nbits / 8));
	return 0;
}

static void
check_metadata(struct st *s, json_t *m)
{
	const char *key;
	json_t *v;

	if (!json_is_object(m)) {
		mv_report(&s->rep, MV_R_SAFETENSORS_METADATA_INVALID, 8,
		    "__metadata__ is not an object");
		return;
	}
	json_object_foreach(m, key, v) {
		if (!json_is_string(v))
			mv_report(&s->rep, MV_R_SAFETENSORS_METADATA_INVALID, 8,
			    "__metadata__ value of '%s' is not a string", key);
	}
}

static void
check_header(struct st *s)
{
	const unsigned char *h = s->hdr.p;
	size_t n = s->hdr.len, start = 0, end = 0;
	json_t *root = NULL, *v;
	const char *key;
	char err[256];
	int dup = 0;
	uint64_t (*ranges)[2] = NULL;
	size_t nr = 0;
	mv_status st;

	if (mv_json_extent(h, n, &start, &end) != 0 || h[start] != '{') {
		mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_JSON, 8,
		    "header of %zu bytes does not hold a complete JSON object", n);
		return;
	}
	if (start > 0)
		mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_LEADING, 8,
		    "%zu bytes of white space before the header's '{'", start);
	for (size_t i = end; i < n; i++) {
		if (h[i] != ' ') {
			mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_PADDING, (int64_t)(8 + i),
			    "header padding holds byte 0x%02x at offset %zu; writers pad with spaces",
			    h[i], 8 + i);
			break;
		}
	}
	if (!mv_utf8_valid((const char *)h + start, end - start)) {
		mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_JSON, 8, "header is not valid UTF-8");
		return;
	}
	st = mv_json_load(h + start, end - start, (unsigned)s->a->limit[MV_LIMIT_JSON_DEPTH], 0,
	    &root, &dup, err, sizeof(err));
	if (dup)
		mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_DUPLICATE, 8, "%s", err);
	if (st != MV_OK) {
		mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_JSON, 8, "header JSON: %s", err);
		return;
	}
	if ((8 + s->hlen) % 8 != 0)
		mv_report(&s->rep, MV_R_SAFETENSORS_DATA_ALIGN, (int64_t)(8 + s->hlen),
		    "tensor data starts at offset %llu, not a multiple of 8",
		    (unsigned long long)(8 + s->hlen));
	if ((ranges = calloc(json_object_size(root) + 1, sizeof(*ranges))) == NULL) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "out of memory checking the safetensors header");
		goto done;
	}
	s->header_ok = 1;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "__metadata__") == 0) {
			check_metadata(s, v);
			continue;
		}
		if (check_tensor(s, key, v, ranges[nr]) == 0)
			nr++;
		else
			s->header_ok = 0;
	}
	if (nr > 1)
		qsort(ranges, nr, sizeof(*ranges), cmp_u64pair);
	s->data_len = 0;
	for (size_t i = 0; i < nr; i++) {
		uint64_t b = ranges[i][0], e = ranges[i][1];
		uint64_t prev = i ? ranges[i - 1][1] : 0;

		if (e < b) {
			mv_report(&s->rep, MV_R_SAFETENSORS_OFFSETS_INVALID, 8,
			    "a tensor ends (%llu) before it begins (%llu)", (unsigned long long)e,
			    (unsigned long long)b);
			s->header_ok = 0;
		} else if (b != prev) {
			mv_report(&s->rep, MV_R_SAFETENSORS_OFFSETS_INVALID, 8,
			    "%s at byte %llu of the data: a tensor starts at %llu where the previous "
			    "ends at %llu", b > prev ? "gap" : "overlap", (unsigned long long)prev,
			    (unsigned long long)b, (unsigned long long)prev);
			s->header_ok = 0;
		}
		if (e > s->data_len)
			s->data_len = e;
	}
done:
	free(ranges);
	json_decref(root);
}

static void
parse_len(struct st *s)
{
	uint64_t size = s->a->size;

	s->hlen = mv_le64(s->lenb);
	if (s->hlen < 2 || s->hlen > ST_MAX_HEADER ||
	    (size != UINT64_MAX && size >= 8 && s->hlen > size - 8)) {
		mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_SIZE, 0,
		    "header length %llu is %s", (unsigned long long)s->hlen,
		    s->hlen < 2 ? "too small for a JSON object" : s->hlen > ST_MAX_HEADER ?
		    "over the reference reader's 100000000" : "past the end of the file");
		s->phase = P_COUNT;
		return;
	}
	if (s->hlen > s->a->limit[MV_LIMIT_HEADER]) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, 0,
		    "safetensors header of %llu bytes is over --max-header (%llu); not checked",
		    (unsigned long long)s->hlen,
		    (unsigned long long)s->a->limit[MV_LIMIT_HEADER]);
		s->phase = P_COUNT;
		return;
	}
	mv_buf_init(&s->hdr, (size_t)s->hlen);
	s->phase = P_HEADER;
}

static mv_status
st_feed(void *state, const unsigned char *p, size_t n)
{
	struct st *s = state;

	if (s->index) {
		if (mv_buf_add(&s->hdr, p, n) != MV_OK) {
			mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
			    "shard index larger than --max-header; not checked");
			return MV_ERR_LIMIT;
		}
		return MV_OK;
	}
	s->total += n;
	tail_add(s, p, n);
	skim_feed(&s->sk, p, n);
	while (n > 0) {
		size_t take;

		switch (s->phase) {
		case P_LEN:
			take = 8 - s->lenhave < n ? 8 - s->lenhave : n;
			memcpy(s->lenb + s->lenhave, p, take);
			s->lenhave += (unsigned)take;
			p += take;
			n -= take;
			if (s->lenhave == 8)
				parse_len(s);
			break;
		case P_HEADER:
			take = (size_t)(s->hlen - s->hdr.len) < n ? (size_t)(s->hlen - s->hdr.len) : n;
			if (mv_buf_add(&s->hdr, p, take) != MV_OK) {
				mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, 8,
				    "out of memory reading the safetensors header");
				s->phase = P_COUNT;
				break;
			}
			p += take;
			n -= take;
			if (s->hdr.len == s->hlen) {
				check_header(s);
				mv_buf_free(&s->hdr);
				s->phase = P_DATA;
			}
			break;
		case P_DATA:
			s->data_seen += n;
			n = 0;
			break;
		default:
			n = 0;
			break;
		}
	}
	return MV_OK;
}

/* The tail as one run of bytes, oldest first. */
static int
tail_is_zip(struct st *s)
{
	unsigned char *lin;
	int r;

	if (s->taillen < TAIL)
		return mv_sniff_zip_tail(s->tail, s->taillen);
	if ((lin = malloc(TAIL)) == NULL)
		return 0;
	memcpy(lin, s->tail + s->tailpos, TAIL - s->tailpos);
	memcpy(lin + TAIL - s->tailpos, s->tail, s->tailpos);
	r = mv_sniff_zip_tail(lin, TAIL);
	free(lin);
	return r;
}

static int
bad_shard_name(const char *s)
{
	if (*s == '\0' || *s == '/' || strchr(s, '\\') || strchr(s, '/') ||
	    (((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z') && s[1] == ':'))
		return 1;
	return strcmp(s, "..") == 0 || strcmp(s, ".") == 0;
}

static void
index_end(struct st *s)
{
	static const struct mv_pkgref_rules rules = {MV_R_SAFETENSORS_INDEX_SHARD_MISSING,
	    MV_R_SAFETENSORS_INDEX_SHARD_LINK, MV_R_SAFETENSORS_INDEX_SHARD_MISSING};
	json_t *root = NULL, *wm, *v;
	const char *key;
	char err[256];
	int dup = 0;
	struct mv_strset seen;
	mv_status st;

	mv_strset_init(&seen);
	st = mv_json_load(s->hdr.p ? s->hdr.p : (const unsigned char *)"", s->hdr.len,
	    (unsigned)s->a->limit[MV_LIMIT_JSON_DEPTH], 0, &root, &dup, err, sizeof(err));
	if (dup)
		mv_report(&s->rep, MV_R_SAFETENSORS_INDEX_INVALID, -1, "%s", err);
	if (st != MV_OK) {
		mv_report(&s->rep, MV_R_SAFETENSORS_INDEX_INVALID, -1, "%s", err);
		goto done;
	}
	wm = json_object_get(root, "weight_map");
	if (!json_is_object(wm)) {
		mv_report(&s->rep, MV_R_SAFETENSORS_INDEX_INVALID, -1,
		    "no weight_map object in the shard index");
		goto done;
	}
	json_object_foreach(wm, key, v) {
		const char *shard;
		size_t len;
		int found = 0;

		if (!json_is_string(v)) {
			mv_report(&s->rep, MV_R_SAFETENSORS_INDEX_INVALID, -1,
			    "weight_map entry '%s' is not a file name", key);
			continue;
		}
		shard = json_string_value(v);
		len = json_string_length(v);
		if (strlen(shard) != len || bad_shard_name(shard) || strstr(shard, "..")) {
			mv_report(&s->rep, MV_R_SAFETENSORS_INDEX_SHARD_PATH, -1,
			    "tensor '%s' is stored in '%s'%s, which is not a plain file name beside the "
			    "index", key, shard, strlen(shard) != len ? " (cut at a NUL byte)" : "");
			continue;
		}
		if (mv_strset_add(&seen, shard, len, &found) != MV_OK)
			break;
		if (!found && mv_pkg_refer(s->a->pkg, &rules, s->a->path, -1, shard, 0) ==
		    MV_ERR_NOMEM)
			break;
	}
done:
	mv_strset_free(&seen);
	json_decref(root);
}

static void
st_end(void *state, int complete)
{
	struct st *s = state;

	if (s->index) {
		if (complete)
			index_end(s);
		return;
	}
	if (s->a->headlen >= 4 && memcmp(s->a->head, "PK\003\004", 4) == 0)
		mv_report(&s->rep, MV_R_SAFETENSORS_POLYGLOT, 0,
		    "the header length bytes are a zip local header signature: torch.load and "
		    "zip readers take the file for a zip");
	else if (complete && tail_is_zip(s))
		mv_report(&s->rep, MV_R_SAFETENSORS_POLYGLOT, -1,
		    "the file ends with a zip end-of-central-directory record: zip readers "
		    "(torch.load, numpy.load) read a different content");
	if (s->sk.verdict == SK_IMPORT || s->sk.verdict == SK_STOP)
		mv_report(&s->rep, MV_R_SAFETENSORS_POLYGLOT, (int64_t)s->sk.op_pos,
		    "the bytes from offset 0 are also a pickle that %s at offset %llu",
		    s->sk.verdict == SK_IMPORT ? "imports a callable" : "loads completely",
		    (unsigned long long)s->sk.op_pos);
	if (!complete)
		return;
	if (s->phase == P_LEN) {
		mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_SIZE, 0,
		    "file of %llu bytes is too short for the 8-byte header length",
		    (unsigned long long)s->total);
	} else if (s->phase == P_HEADER) {
		mv_report(&s->rep, MV_R_SAFETENSORS_HEADER_SIZE, 0,
		    "header length %llu runs past the end of the file (%llu bytes)",
		    (unsigned long long)s->hlen, (unsigned long long)s->total);
	} else if (s->phase == P_DATA && s->header_ok) {
		if (s->data_seen > s->data_len)
			mv_report(&s->rep, MV_R_SAFETENSORS_DATA_TRAILING,
			    (int64_t)(8 + s->hlen + s->data_len),
			    "%llu bytes follow the last tensor, which ends at offset %llu",
			    (unsigned long long)(s->data_seen - s->data_len),
			    (unsigned long long)(8 + s->hlen + s->data_len));
		else if (s->data_seen < s->data_len)
			mv_report(&s->rep, MV_R_SAFETENSORS_DATA_TRUNCATED, (int64_t)s->total,
			    "the tensors need %llu bytes of data; the file holds %llu",
			    (unsigned long long)s->data_len, (unsigned long long)s->data_seen);
	}
}

static void
st_free(void *state)
{
	struct st *s = state;

	mv_buf_free(&s->hdr);
	free(s->tail);
	free(s);
}

const struct mv_analyser mv_analyser_safetensors = {
	.name = "safetensors",
	.claim = st_claim,
	.begin = st_begin,
	.feed = st_feed,
	.end = st_end,
	.free = st_free,
};
