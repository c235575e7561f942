/* SPDX-License-Identifier: Apache-2.0 */
/* gguf.c: GGUF files (llama.cpp) read as a stream: header, metadata, tensor infos and data
 * layout checked as strictly as the reference reader and more; chat templates go to
 * template.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cursor.h"
#include "core/str.h"
#include "core/strset.h"
#include "scan/formats.h"
#include "scan/template.h"

enum {
	V_UINT8 = 0, V_INT8, V_UINT16, V_INT16, V_UINT32, V_INT32, V_FLOAT32, V_BOOL, V_STRING,
	V_ARRAY, V_UINT64, V_INT64, V_FLOAT64, V__COUNT
};

static const unsigned vsize[V__COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

/* ggml types: elements per block and bytes per block (ggml.h, ggml.c type_traits); 0 marks
 * ids that were removed. */
static const struct {
	const char *name;
	unsigned blck, size;
} gtypes[] = {
	{"F32", 1, 4}, {"F16", 1, 2}, {"Q4_0", 32, 18}, {"Q4_1", 32, 20}, {"Q4_2", 0, 0},
	{"Q4_3", 0, 0}, {"Q5_0", 32, 22}, {"Q5_1", 32, 24}, {"Q8_0", 32, 34}, {"Q8_1", 32, 36},
	{"Q2_K", 256, 84}, {"Q3_K", 256, 110}, {"Q4_K", 256, 144}, {"Q5_K", 256, 176},
	{"Q6_K", 256, 210}, {"Q8_K", 256, 292}, {"IQ2_XXS", 256, 66}, {"IQ2_XS", 256, 74},
	{"IQ3_XXS", 256, 98}, {"IQ1_S", 256, 50}, {"IQ4_NL", 32, 18}, {"IQ3_S", 256, 110},
	{"IQ2_S", 256, 82}, {"IQ4_XS", 256, 136}, {"I8", 1, 1}, {"I16", 1, 2}, {"I32", 1, 4},
	{"I64", 1, 8}, {"F64", 1, 8}, {"IQ1_M", 256, 56}, {"BF16", 1, 2}, {"Q4_0_4_4", 0, 0},
	{"Q4_0_4_8", 0, 0}, {"Q4_0_8_8", 0, 0}, {"TQ1_0", 256, 54}, {"TQ2_0", 256, 66},
	{"IQ4_NL_4_4", 0, 0}, {"IQ4_NL_4_8", 0, 0}, {"IQ4_NL_8_8", 0, 0}, {"MXFP4", 32, 17},
};
#define NGTYPES (sizeof(gtypes) / sizeof(gtypes[0]))

#define MAX_KEY 65535u
#define MAX_TNAME 64u           /* GGML_MAX_NAME: names must be shorter */
#define MAX_DIMS 4u
#define MAX_NEST 8u
#define DEFAULT_ALIGN 32u

enum {
	G_HEADER = 0, G_KEYLEN, G_KEY, G_VTYPE, G_SCALAR, G_STRLEN, G_STRBODY, G_ARRHDR, G_SKIP,
	G_TNAMELEN, G_TNAME, G_TNDIMS, G_TDIMS, G_TTYPEOFF, G_PAD, G_DATA, G_STOP
};

struct gg {
	struct mv_report rep;
	const struct mv_actx *a;
	int phase;
	uint64_t pos;
	unsigned char tmp[32];
	unsigned have, want;
	uint64_t ntensors, nkv, kv_i, t_i;
	uint32_t version;
	/* the key being read and its value */
	struct mv_buf key;
	int key_long;
	uint32_t vtype;             /* type of the value being read */
	unsigned depth;
	struct {
		uint32_t type;
		uint64_t left;
	} frame[MAX_NEST];
	uint64_t skip;
	int skip_bool;
	int keep;                   /* the string body goes to str */
	struct mv_buf str;
	uint64_t str_len, str_off;
	struct mv_strset keys, tnames;
	uint64_t align;
	int align_set;
	/* tensor infos */
	uint32_t ndims;
	uint64_t ne[MAX_DIMS];
	uint64_t expect_off;        /* where the next tensor must start (relative to data) */
	int sizes_known;
	uint64_t data_start, data_seen, data_need;
	uint64_t data_end;          /* end of the last tensor, without its padding */
	int pad_bad;
};

static uint64_t
left(const struct gg *g)
{
	uint64_t size = g->a->size;

	return size == UINT64_MAX ? UINT64_MAX : size > g->pos ? size - g->pos : 0;
}

static void
stop(struct gg *g)
{
	g->phase = G_STOP;
}

static void
want(struct gg *g, int phase, unsigned n)
{
	g->phase = phase;
	g->have = 0;
	g->want = n;
}

static void start_value(struct gg *g, uint32_t type);
static void value_done(struct gg *g);
static void start_tensors(struct gg *g);
static void on_strbody(struct gg *g);

static int
key_is(const struct gg *g, const char *k)
{
	size_t n = strlen(k);

	return !g->key_long && g->key.len == n && memcmp(g->key.p, k, n) == 0;
}

static int
key_is_template(const struct gg *g)
{
	static const char p[] = "tokenizer.chat_template";
	size_t n = sizeof(p) - 1;

	return !g->key_long && g->key.len >= n && memcmp(g->key.p, p, n) == 0 &&
	    (g->key.len == n || g->key.p[n] == '.');
}

static const char *
key_text(const struct gg *g)
{
	return g->key_long ? "(an overlong key)" : (const char *)g->key.p;
}

/* Keys are dotted lower_snake_case ASCII. */
static int
key_shape_ok(const unsigned char *k, size_t n)
{
	int seg = 0;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = k[i];

		if (c == '.') {
			if (seg == 0)
				return 0;
			seg = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
			seg++;
		} else {
			return 0;
		}
	}
	return seg > 0;
}

static void
next_kv(struct gg *g)
{
	g->kv_i++;
	if (g->kv_i < g->nkv)
		want(g, G_KEYLEN, 8);
	else
		start_tensors(g);
}

static void
start_value(struct gg *g, uint32_t type)
{
	g->vtype = type;
	if (type == V_STRING)
		want(g, G_STRLEN, 8);
	else if (type == V_ARRAY)
		want(g, G_ARRHDR, 12);
	else
		want(g, G_SCALAR, vsize[type]);
}

/* A complete value: go on with the enclosing array, or the next key. */
static void
value_done(struct gg *g)
{
	while (g->depth > 0) {
		if (--g->frame[g->depth - 1].left > 0) {
			start_value(g, g->frame[g->depth - 1].type);
			return;
		}
		g->depth--;
	}
	next_kv(g);
}

static void
on_header(struct gg *g)
{
	uint32_t v = mv_le32(g->tmp + 4);
	uint64_t l;

	g->version = v;
	if (v == 0x02000000u || v == 0x03000000u) {
		mv_report(&g->rep, MV_R_GGUF_VERSION, 4,
		    "big-endian GGUF (version %u read backwards); not analysed", v >> 24);
		stop(g);
		return;
	}
	if (v != 2 && v != 3) {
		mv_report(&g->rep, MV_R_GGUF_VERSION, 4, "version %u; readers accept 2 and 3 only",
		    v);
		stop(g);
		return;
	}
	g->ntensors = mv_le64(g->tmp + 8);
	g->nkv = mv_le64(g->tmp + 16);
	l = left(g);
	/* A key-value pair takes at least 13 bytes and a tensor info 24. */
	if ((l != UINT64_MAX && (g->nkv > l / 13 || g->ntensors > l / 24)) ||
	    g->nkv > INT64_MAX / 13 || g->ntensors > INT64_MAX / 24) {
		mv_report(&g->rep, MV_R_GGUF_HEADER_INVALID, 8,
		    "%llu tensors and %llu metadata pairs cannot fit in the file",
		    (unsigned long long)g->ntensors, (unsigned long long)g->nkv);
		stop(g);
		return;
	}
	if (g->nkv == 0)
		start_tensors(g);
	else
		want(g, G_KEYLEN, 8);
}

static void
on_keylen(struct gg *g)
{
	uint64_t n = mv_le64(g->tmp);

	if (n > left(g)) {
		mv_report(&g->rep, MV_R_GGUF_KV_LENGTH, (int64_t)(g->pos - 8),
		    "key %llu claims %llu bytes, more than the file holds",
		    (unsigned long long)g->kv_i, (unsigned long long)n);
		stop(g);
		return;
	}
	g->key_long = n > MAX_KEY;
	if (g->key_long)
		mv_report(&g->rep, MV_R_GGUF_KV_LENGTH, (int64_t)(g->pos - 8),
		    "key %llu is %llu bytes long (at most %u)", (unsigned long long)g->kv_i,
		    (unsigned long long)n, MAX_KEY);
	mv_buf_reset(&g->key);
	g->skip = n;
	g->keep = !g->key_long;
	g->str_off = g->pos;
	g->phase = G_KEY;
	if (n == 0) {
		mv_report(&g->rep, MV_R_GGUF_KV_KEY, (int64_t)g->pos, "empty key");
		mv_buf_terminate(&g->key);
		want(g, G_VTYPE, 4);
	}
}

static void
on_key(struct gg *g)
{
	int found = 0;

	g->keep = 0;
	if (mv_buf_terminate(&g->key) != MV_OK) {
		stop(g);
		return;
	}
	if (!g->key_long) {
		if (!key_shape_ok(g->key.p, g->key.len)) {
			/* Evidence is escaped when recorded; a NUL ends what is shown. */
			mv_report(&g->rep, MV_R_GGUF_KV_KEY, (int64_t)g->str_off,
			    "key '%s' is not dotted lower_snake_case ASCII", (const char *)g->key.p);
		}
		if (mv_strset_add(&g->keys, (const char *)g->key.p, g->key.len, &found) != MV_OK) {
			stop(g);
			return;
		}
		if (found)
			mv_report(&g->rep, MV_R_GGUF_KV_DUPLICATE, (int64_t)g->str_off,
			    "key '%s' appears more than once", key_text(g));
	}
	want(g, G_VTYPE, 4);
}

static void
on_vtype(struct gg *g)
{
	uint32_t t = mv_le32(g->tmp);

	if (t >= V__COUNT) {
		mv_report(&g->rep, MV_R_GGUF_KV_TYPE, (int64_t)(g->pos - 4),
		    "key '%s' has value type %u; the rest cannot be read", key_text(g), t);
		stop(g);
		return;
	}
	g->depth = 0;
	if (key_is(g, "general.alignment") && t != V_UINT32) {
		mv_report(&g->rep, MV_R_GGUF_ALIGNMENT, (int64_t)(g->pos - 4),
		    "general.alignment has value type %u, not UINT32 (the reference reader "
		    "aborts on this)", t);
		g->align_set = -1;
	}
	start_value(g, t);
}

static void
on_scalar(struct gg *g)
{
	if (g->vtype == V_BOOL && g->tmp[0] > 1)
		mv_report(&g->rep, MV_R_GGUF_KV_BOOL, (int64_t)(g->pos - 1),
		    "key '%s' holds boolean byte %u", key_text(g), g->tmp[0]);
	if (g->depth == 0 && g->vtype == V_UINT32 && key_is(g, "general.alignment")) {
		uint32_t al = mv_le32(g->tmp);

		if (al == 0 || (al & (al - 1)) != 0) {
			mv_report(&g->rep, MV_R_GGUF_ALIGNMENT, (int64_t)(g->pos - 4),
			    "general.alignment is %u, not a power of two", al);
			g->align_set = -1;
		} else if (g->align_set == 0) {
			g->align = al;
			g->align_set = 1;
		}
	}
	value_done(g);
}

static void
on_strlen(struct gg *g)
{
	uint64_t n = mv_le64(g->tmp);
	int tpl = g->depth == 0 && key_is_template(g);

	if (n > left(g)) {
		mv_report(&g->rep, MV_R_GGUF_KV_LENGTH, (int64_t)(g->pos - 8),
		    "string in '%s' claims %llu bytes, more than the file holds", key_text(g),
		    (unsigned long long)n);
		stop(g);
		return;
	}
	g->keep = 0;
	if (tpl && n > g->a->limit[MV_LIMIT_HEADER]) {
		mv_findings_add(g->a->findings, MV_R_ANALYSIS_INCOMPLETE, g->a->path,
		    (int64_t)g->pos, "chat template '%s' of %llu bytes is over --max-header; not "
		    "checked", key_text(g), (unsigned long long)n);
	} else if (tpl || (g->depth == 0 && key_is(g, "general.architecture") && n <= 4096)) {
		g->keep = 1;
		mv_buf_init(&g->str, (size_t)n);
	}
	g->str_len = n;
	g->str_off = g->pos;
	g->skip = n;
	g->phase = G_STRBODY;
	if (n == 0)
		on_strbody(g);
}

static void
on_strbody(struct gg *g)
{
	if (g->keep) {
		if (key_is_template(g))
			mv_template_check(&g->rep, key_text(g), g->str.p ? g->str.p :
			    (const unsigned char *)"", g->str.len, (int64_t)g->str_off);
		else if (!mv_utf8_valid((const char *)g->str.p, g->str.len))
			mv_report(&g->rep, MV_R_GGUF_KV_UTF8, (int64_t)g->str_off,
			    "value of '%s' is not valid UTF-8", key_text(g));
		mv_buf_free(&g->str);
		g->keep = 0;
	}
	value_done(g);
}

static void
on_arrhdr(struct gg *g)
{
	uint32_t et = mv_le32(g->tmp);
	uint64_t count = mv_le64(g->tmp + 4), min;

	if (et >= V__COUNT) {
		mv_report(&g->rep, MV_R_GGUF_KV_TYPE, (int64_t)(g->pos - 12),
		    "array in '%s' has element type %u; the rest cannot be read", key_text(g), et);
		stop(g);
		return;
	}
	if (et == V_ARRAY)
		mv_report(&g->rep, MV_R_GGUF_KV_NESTED, (int64_t)(g->pos - 12),
		    "key '%s' holds an array of arrays", key_text(g));
	min = et == V_STRING ? 8 : et == V_ARRAY ? 12 : vsize[et];
	if (count > left(g) / min || count > INT64_MAX / min) {
		mv_report(&g->rep, MV_R_GGUF_KV_LENGTH, (int64_t)(g->pos - 12),
		    "array in '%s' claims %llu elements, more than the file holds", key_text(g),
		    (unsigned long long)count);
		stop(g);
		return;
	}
	if (count == 0) {
		value_done(g);
		return;
	}
	if (et != V_STRING && et != V_ARRAY) {
		g->skip = count * vsize[et];
		g->skip_bool = et == V_BOOL;
		g->phase = G_SKIP;
		return;
	}
	if (g->depth >= MAX_NEST) {
		mv_report(&g->rep, MV_R_GGUF_KV_NESTED, (int64_t)(g->pos - 12),
		    "arrays in '%s' nested more than %u deep; the rest is not read", key_text(g),
		    MAX_NEST);
		stop(g);
		return;
	}
	g->frame[g->depth].type = et;
	g->frame[g->depth].left = count;
	g->depth++;
	start_value(g, et);
}

/* ---- tensor infos ---- */

static void
start_tensors(struct gg *g)
{
	if (g->align_set != 1)
		g->align = DEFAULT_ALIGN;
	g->t_i = 0;
	g->sizes_known = 1;
	g->expect_off = 0;
	if (g->ntensors > 0) {
		want(g, G_TNAMELEN, 8);
		return;
	}
	g->data_start = g->pos;
	g->phase = G_DATA;
}

static void
next_tensor(struct gg *g)
{
	uint64_t pad;

	if (++g->t_i < g->ntensors) {
		want(g, G_TNAMELEN, 8);
		return;
	}
	pad = (g->align - g->pos % g->align) % g->align;
	g->data_start = g->pos + pad;
	g->data_need = g->expect_off;
	g->skip = pad;
	g->phase = pad ? G_PAD : G_DATA;
}

static void
on_tnamelen(struct gg *g)
{
	uint64_t n = mv_le64(g->tmp);

	if (n > left(g)) {
		mv_report(&g->rep, MV_R_GGUF_TENSOR_INVALID, (int64_t)(g->pos - 8),
		    "tensor %llu's name claims %llu bytes, more than the file holds",
		    (unsigned long long)g->t_i, (unsigned long long)n);
		stop(g);
		return;
	}
	if (n >= MAX_TNAME)
		mv_report(&g->rep, MV_R_GGUF_TENSOR_INVALID, (int64_t)(g->pos - 8),
		    "tensor %llu's name is %llu bytes long; readers refuse %u or more",
		    (unsigned long long)g->t_i, (unsigned long long)n, MAX_TNAME);
	mv_buf_reset(&g->key);
	g->key_long = n > MAX_KEY;
	g->keep = !g->key_long;
	g->skip = n;
	g->str_off = g->pos;
	g->phase = G_TNAME;
	if (n == 0) {
		mv_buf_terminate(&g->key);
		want(g, G_TNDIMS, 4);
	}
}

static void
on_tname(struct gg *g)
{
	int found = 0;

	g->keep = 0;
	if (mv_buf_terminate(&g->key) != MV_OK) {
		stop(g);
		return;
	}
	if (!g->key_long) {
		if (mv_strset_add(&g->tnames, (const char *)g->key.p, g->key.len, &found) != MV_OK) {
			stop(g);
			return;
		}
		if (found) {
			mv_report(&g->rep, MV_R_GGUF_TENSOR_DUPLICATE, (int64_t)g->str_off,
			    "tensor name '%s' appears more than once", (const char *)g->key.p);
		}
	}
	want(g, G_TNDIMS, 4);
}

static void
on_tndims(struct gg *g)
{
	g->ndims = mv_le32(g->tmp);
	if (g->ndims > MAX_DIMS) {
		mv_report(&g->rep, MV_R_GGUF_TENSOR_INVALID, (int64_t)(g->pos - 4),
		    "tensor %llu has %u dimensions (at most %u); the rest cannot be read",
		    (unsigned long long)g->t_i, g->ndims, MAX_DIMS);
		stop(g);
		return;
	}
	if (g->ndims == 0)
		want(g, G_TTYPEOFF, 12);
	else
		want(g, G_TDIMS, 8 * g->ndims);
}

static void
on_tdims(struct gg *g)
{
	for (unsigned i = 0; i < g->ndims; i++)
		g->ne[i] = mv_le64(g->tmp + 8 * i);
	want(g, G_TTYPEOFF, 12);
}

static void
on_ttypeoff(struct gg *g)
{
	uint32_t type = mv_le32(g->tmp);
	uint64_t off = mv_le64(g->tmp + 4), count = 1, size;
	int64_t at = (int64_t)(g->pos - 12);
	const char *name = (const char *)g->key.p;
	int bad = 0;

	for (unsigned i = 0; i < g->ndims; i++) {
		if (g->ne[i] > INT64_MAX) {
			mv_report(&g->rep, MV_R_GGUF_TENSOR_INVALID, at,
			    "tensor '%s' has a negative dimension", name);
			bad = 1;
			break;
		}
		if (g->ne[i] != 0 && count > INT64_MAX / g->ne[i]) {
			mv_report(&g->rep, MV_R_GGUF_TENSOR_INVALID, at,
			    "tensor '%s': the element count overflows", name);
			bad = 1;
			break;
		}
		count *= g->ne[i];
	}
	if (type >= NGTYPES || gtypes[type].blck == 0) {
		mv_report(&g->rep, MV_R_GGUF_TENSOR_TYPE, at, "tensor '%s' has %s ggml type %u",
		    name, type >= NGTYPES ? "the unknown" : "the removed", type);
		bad = 1;
	} else if (!bad && g->ndims > 0 && g->ne[0] % gtypes[type].blck != 0) {
		mv_report(&g->rep, MV_R_GGUF_TENSOR_INVALID, at,
		    "tensor '%s': %llu elements per row is not a multiple of the %s block of %u",
		    name, (unsigned long long)g->ne[0], gtypes[type].name, gtypes[type].blck);
		bad = 1;
	}
	if (off % g->align != 0)
		mv_report(&g->rep, MV_R_GGUF_TENSOR_OFFSET, at,
		    "tensor '%s' starts at data offset %llu, not a multiple of the alignment %llu",
		    name, (unsigned long long)off, (unsigned long long)g->align);
	if (bad) {
		g->sizes_known = 0;
		next_tensor(g);
		return;
	}
	size = count / gtypes[type].blck;
	if (size > INT64_MAX / gtypes[type].size) {
		mv_report(&g->rep, MV_R_GGUF_TENSOR_INVALID, at,
		    "tensor '%s': its byte size overflows", name);
		g->sizes_known = 0;
		next_tensor(g);
		return;
	}
	size *= gtypes[type].size;
	if (g->sizes_known) {
		uint64_t padded = size + (g->align - size % g->align) % g->align;

		if (off != g->expect_off)
			mv_report(&g->rep, MV_R_GGUF_TENSOR_OFFSET, at,
			    "tensor '%s' starts at data offset %llu where the previous tensor ends "
			    "at %llu (data must be contiguous and in order)", name,
			    (unsigned long long)off, (unsigned long long)g->expect_off);
		if (off > INT64_MAX - padded || padded < size) {
			mv_report(&g->rep, MV_R_GGUF_TENSOR_OFFSET, at,
			    "tensor '%s' ends past 2^63 bytes", name);
			g->sizes_known = 0;
		} else if (left(g) != UINT64_MAX && off + size > left(g)) {
			mv_report(&g->rep, MV_R_GGUF_TENSOR_OFFSET, at,
			    "tensor '%s' (data offset %llu, %llu bytes) ends past the end of the file",
			    name, (unsigned long long)off, (unsigned long long)size);
			g->expect_off = off + padded;
		} else {
			g->expect_off = off + padded;
		}
		if (g->sizes_known && off + size > g->data_end)
			g->data_end = off + size;
	}
	next_tensor(g);
}

/* ---- the analyser ---- */

static int
gg_claim(const struct mv_actx *a)
{
	return a->format == MV_FMT_GGUF;
}

static void *
gg_begin(const struct mv_actx *a)
{
	struct gg *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	mv_report_init(&g->rep, a);
	g->a = a;
	mv_buf_init(&g->key, MAX_KEY);
	mv_buf_init(&g->str, 0);
	mv_strset_init(&g->keys);
	mv_strset_init(&g->tnames);
	want(g, G_HEADER, 24);
	return g;
}

static void
dispatch(struct gg *g)
{
	switch (g->phase) {
	case G_HEADER: on_header(g); break;
	case G_KEYLEN: on_keylen(g); break;
	case G_VTYPE: on_vtype(g); break;
	case G_SCALAR: on_scalar(g); break;
	case G_STRLEN: on_strlen(g); break;
	case G_ARRHDR: on_arrhdr(g); break;
	case G_TNAMELEN: on_tnamelen(g); break;
	case G_TNDIMS: on_tndims(g); break;
	case G_TDIMS: on_tdims(g); break;
	case G_TTYPEOFF: on_ttypeoff(g); break;
	default: stop(g); break;
	}
}

static mv_status
gg_feed(void *state, const unsigned char *p, size_t n)
{
	struct gg *g = state;

	while (n > 0) {
		size_t take;

		switch (g->phase) {
		case G_KEY:
		case G_TNAME:
		case G_STRBODY:
		case G_SKIP:
		case G_PAD:
			take = g->skip < n ? (size_t)g->skip : n;
			if (g->phase == G_SKIP && g->skip_bool) {
				for (size_t i = 0; i < take; i++) {
					if (p[i] > 1) {
						mv_report(&g->rep, MV_R_GGUF_KV_BOOL, (int64_t)(g->pos + i),
						    "key '%s' holds boolean byte %u", key_text(g), p[i]);
						g->skip_bool = 0;
						break;
					}
				}
			}
			if (g->phase == G_PAD && !g->pad_bad) {
				for (size_t i = 0; i < take; i++) {
					if (p[i] != 0) {
						mv_report(&g->rep, MV_R_GGUF_PADDING, (int64_t)(g->pos + i),
						    "alignment padding holds byte 0x%02x", p[i]);
						g->pad_bad = 1;
						break;
					}
				}
			}
			if (g->keep && (g->phase == G_KEY || g->phase == G_TNAME ||
			    g->phase == G_STRBODY) && mv_buf_add(g->phase == G_STRBODY ? &g->str :
			    &g->key, p, take) != MV_OK) {
				mv_findings_add(g->a->findings, MV_R_ANALYSIS_INCOMPLETE, g->a->path,
				    (int64_t)g->pos, "out of memory reading GGUF metadata");
				stop(g);
				break;
			}
			p += take;
			n -= take;
			g->pos += take;
			g->skip -= take;
			if (g->skip > 0)
				break;
			if (g->phase == G_KEY)
				on_key(g);
			else if (g->phase == G_TNAME)
				on_tname(g);
			else if (g->phase == G_STRBODY)
				on_strbody(g);
			else if (g->phase == G_SKIP)
				value_done(g);
			else
				g->phase = G_DATA;
			break;
		case G_DATA:
			g->data_seen += n;
			g->pos += n;
			n = 0;
			break;
		case G_STOP:
			g->pos += n;
			n = 0;
			break;
		default:
			take = g->want - g->have < n ? g->want - g->have : n;
			memcpy(g->tmp + g->have, p, take);
			g->have += (unsigned)take;
			p += take;
			n -= take;
			g->pos += take;
			if (g->have == g->want)
				dispatch(g);
			break;
		}
	}
	return MV_OK;
}

static void
gg_end(void *state, int complete)
{
	struct gg *g = state;

	if (!complete)
		return;
	if (g->phase == G_DATA) {
		/* llama.cpp maps tensors without the last one's padding; gguf_init reads it. */
		if (g->ntensors > 0 && g->sizes_known && g->data_seen < g->data_end)
			mv_report(&g->rep, MV_R_GGUF_TRUNCATED, (int64_t)g->pos,
			    "the tensors need %llu bytes of data; the file holds %llu",
			    (unsigned long long)g->data_end, (unsigned long long)g->data_seen);
		else if (g->sizes_known && g->data_seen > g->data_need &&
		    !(g->ntensors == 0 && g->data_seen < g->align))
			mv_report(&g->rep, MV_R_GGUF_DATA_TRAILING,
			    (int64_t)(g->data_start + g->data_need),
			    "%llu bytes follow the last tensor's data",
			    (unsigned long long)(g->data_seen - g->data_need));
	} else if (g->phase != G_STOP) {
		mv_report(&g->rep, MV_R_GGUF_TRUNCATED, (int64_t)g->pos,
		    "the file ends inside its %s", g->phase <= G_ARRHDR || g->phase == G_SKIP ?
		    "metadata" : g->phase == G_PAD ? "alignment padding" : "tensor infos");
	}
}

static void
gg_free(void *state)
{
	struct gg *g = state;

	mv_buf_free(&g->key);
	mv_buf_free(&g->str);
	mv_strset_free(&g->keys);
	mv_strset_free(&g->tnames);
	free(g);
}

const struct mv_analyser mv_analyser_gguf = {
	.name = "gguf",
	.claim = gg_claim,
	.begin = gg_begin,
	.feed = gg_feed,
	.end = gg_end,
	.free = gg_free,
};
