/* SPDX-License-Identifier: Apache-2.0 */
/* onnx.c: ONNX models walked as protobuf without a schema library: where external data
 * points, and which operator domains need native custom-op libraries. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/strset.h"
#include "scan/formats.h"
#include "scan/pbwalk.h"

enum {
	M_MODEL = 0, M_GRAPH, M_NODE, M_ATTR, M_TENSOR, M_SPARSE, M_FUNC, M_TRAIN, M_ENTRY,
	M_OPSET
};

/* onnx.proto field numbers: ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * SparseTensorProto, FunctionProto, TrainingInfoProto, StringStringEntryProto. */
static const struct mv_pb_field fields[] = {
	{M_MODEL, 7, MV_PB_ENTER, M_GRAPH},
	{M_MODEL, 8, MV_PB_ENTER, M_OPSET},
	{M_MODEL, 20, MV_PB_ENTER, M_TRAIN},
	{M_MODEL, 25, MV_PB_ENTER, M_FUNC},
	{M_GRAPH, 1, MV_PB_ENTER, M_NODE},
	{M_GRAPH, 5, MV_PB_ENTER, M_TENSOR},
	{M_GRAPH, 15, MV_PB_ENTER, M_SPARSE},
	{M_NODE, 4, MV_PB_KEEP, 0},
	{M_NODE, 5, MV_PB_ENTER, M_ATTR},
	{M_NODE, 7, MV_PB_KEEP, 0},
	{M_ATTR, 5, MV_PB_ENTER, M_TENSOR},
	{M_ATTR, 6, MV_PB_ENTER, M_GRAPH},
	{M_ATTR, 10, MV_PB_ENTER, M_TENSOR},
	{M_ATTR, 11, MV_PB_ENTER, M_GRAPH},
	{M_ATTR, 22, MV_PB_ENTER, M_SPARSE},
	{M_ATTR, 23, MV_PB_ENTER, M_SPARSE},
	{M_TENSOR, 1, MV_PB_KEEP, 0},
	{M_TENSOR, 8, MV_PB_KEEP, 0},
	{M_TENSOR, 13, MV_PB_ENTER, M_ENTRY},
	{M_SPARSE, 1, MV_PB_ENTER, M_TENSOR},
	{M_SPARSE, 2, MV_PB_ENTER, M_TENSOR},
	{M_FUNC, 1, MV_PB_KEEP, 0},
	{M_FUNC, 7, MV_PB_ENTER, M_NODE},
	{M_FUNC, 10, MV_PB_KEEP, 0},
	{M_FUNC, 11, MV_PB_ENTER, M_ATTR},
	{M_TRAIN, 1, MV_PB_ENTER, M_GRAPH},
	{M_TRAIN, 2, MV_PB_ENTER, M_GRAPH},
	{M_ENTRY, 1, MV_PB_KEEP, 0},
	{M_ENTRY, 2, MV_PB_KEEP, 0},
};

/* Strings longer than this are not names; they are kept cut to this length. */
#define KEEP_MAX 4096
#define MAX_DIMS 64
#define MAX_OPS 100000

/* Domains served by ONNX itself and by ONNX Runtime's built-in contrib operators. */
static const char *const std_domains[] = {
	"", "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training", "ai.onnx.training",
	"com.microsoft", "com.microsoft.nchwc", "com.microsoft.experimental", NULL
};

struct node {
	char domain[256];
	char op[256];
};

struct onnx {
	struct mv_report rep;
	const struct mv_actx *a;
	struct mv_pb pb;
	int quiet;                       /* claimed on content alone: a parse error means "not
	                                  * ONNX", not a finding */
	int failed;
	struct node nodes[MV_PB_DEPTH_MAX];
	unsigned nnode;
	/* the tensor being read */
	int in_tensor;
	uint64_t tensor_off;
	char tname[256];
	uint64_t dims[MAX_DIMS];
	unsigned ndims;
	int dims_over;
	uint64_t dtype;
	uint64_t location_kind;          /* data_location */
	char *loc;
	size_t loclen;
	int has_loc;
	char offset_s[32], length_s[32];
	int has_offset, has_length, bad_num;
	/* the external_data entry being read */
	char *ekey, *eval;
	size_t ekeylen, evallen;
	uint64_t ekeyfull, evalfull;
	/* the function being read */
	char fdomain[256], fname[256];
	struct mv_strset uses;           /* "domain\nop" of nodes outside the standard domains */
	struct mv_strset funcs;          /* "domain\nname" of the model's own functions */
	int uses_capped;
};

static void
copy_str(char *dst, size_t cap, const unsigned char *p, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, p, n);
	dst[n] = '\0';
}

static char *
dup_bytes(const unsigned char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static void
on_begin(void *arg, int msg, uint64_t offset)
{
	struct onnx *o = arg;

	switch (msg) {
	case M_NODE:
		if (o->nnode < MV_PB_DEPTH_MAX)
			memset(&o->nodes[o->nnode], 0, sizeof(o->nodes[0]));
		o->nnode++;
		break;
	case M_TENSOR:
		o->in_tensor = 1;
		o->tensor_off = offset;
		o->tname[0] = '\0';
		o->ndims = 0;
		o->dims_over = 0;
		o->dtype = 0;
		o->location_kind = 0;
		free(o->loc);
		o->loc = NULL;
		o->loclen = 0;
		o->has_loc = o->has_offset = o->has_length = o->bad_num = 0;
		break;
	case M_ENTRY:
		free(o->ekey);
		free(o->eval);
		o->ekey = o->eval = NULL;
		o->ekeylen = o->evallen = 0;
		break;
	case M_FUNC:
		o->fdomain[0] = o->fname[0] = '\0';
		break;
	default:
		break;
	}
}

static int
is_std_domain(const char *d)
{
	for (int i = 0; std_domains[i]; i++)
		if (strcmp(d, std_domains[i]) == 0)
			return 1;
	return 0;
}

static void
add_pair(struct onnx *o, struct mv_strset *set, const char *a, const char *b)
{
	char *k = mv_asprintf("%s\n%s", a, b);
	int found;

	if (k == NULL)
		return;
	if (set == &o->uses && set->n >= MAX_OPS) {
		o->uses_capped = 1;
	} else if (mv_strset_add(set, k, strlen(k), &found) != MV_OK) {
		o->uses_capped = 1;
	}
	free(k);
}

/* Parse a decimal offset or length; -1 when it is not one. */
static int
parse_dec(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

/* Bytes per element of a TensorProto.DataType, in bits (0: variable or unknown). */
static unsigned
dtype_bits(uint64_t t)
{
	static const unsigned bits[] = {0, 32, 8, 8, 16, 16, 32, 64, 0, 8, 16, 64, 32, 64, 64,
	    128, 16, 8, 8, 8, 8, 4, 4, 4, 8};

	return t < sizeof(bits) / sizeof(bits[0]) ? bits[t] : 0;
}

/*
 * The location rules of onnx/checker.cc (resolve_external_data_location), applied without the
 * file system: relative, non-empty, no NUL, no backslash, no leading '#', and still inside
 * the model's folder after lexical normalisation (which is what catches "sub/../../x").
 * On success *norm is the normalised path.
 */
static int
check_location(struct onnx *o, const char *loc, size_t len, char **norm)
{
	char *work = NULL, *out = NULL;
	/* Evidence is escaped when recorded; what follows a NUL is left out. */
	const char *shown = loc;
	int64_t at = (int64_t)o->tensor_off;
	size_t depth = 0, olen = 0;
	int ok = 0;

	*norm = NULL;
	if (len == 0) {
		mv_report(&o->rep, MV_R_ONNX_EXTERNAL_INVALID, at,
		    "tensor '%s' has an empty external data location", o->tname);
		goto done;
	}
	if (memchr(loc, '\0', len)) {
		mv_report(&o->rep, MV_R_ONNX_EXTERNAL_INVALID, at,
		    "tensor '%s': external data location '%s' holds a NUL byte at position %zu",
		    o->tname, shown, strlen(loc));
		goto done;
	}
	if (loc[0] == '/' || (len >= 2 && loc[0] == '\\' && loc[1] == '\\') ||
	    (len >= 2 && loc[1] == ':' && (((unsigned char)loc[0] | 0x20) >= 'a' &&
	    ((unsigned char)loc[0] | 0x20) <= 'z'))) {
		mv_report(&o->rep, MV_R_ONNX_EXTERNAL_ABSOLUTE, at,
		    "tensor '%s': external data location '%s' is absolute", o->tname, shown);
		goto done;
	}
	if ((work = dup_bytes((const unsigned char *)loc, len)) == NULL ||
	    (out = malloc(len + 1)) == NULL)
		goto done;
	for (size_t i = 0; i < len; i++)
		if (work[i] == '\\')
			work[i] = '/';
	for (char *seg = work, *next; seg; seg = next) {
		size_t n;

		next = strchr(seg, '/');
		if (next)
			*next++ = '\0';
		n = strlen(seg);
		if (n == 0 || strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (depth == 0) {
				mv_report(&o->rep, MV_R_ONNX_EXTERNAL_TRAVERSAL, at,
				    "tensor '%s': external data location '%s' leads out of the model's "
				    "folder", o->tname, shown);
				goto done;
			}
			depth--;
			while (olen > 0 && out[olen - 1] != '/')
				olen--;
			if (olen > 0)
				olen--;
			continue;
		}
		if (olen > 0)
			out[olen++] = '/';
		memcpy(out + olen, seg, n);
		olen += n;
		depth++;
	}
	out[olen] = '\0';
	if (memchr(loc, '\\', len)) {
		mv_report(&o->rep, MV_R_ONNX_EXTERNAL_INVALID, at,
		    "tensor '%s': external data location '%s' uses backslashes", o->tname, shown);
		goto done;
	}
	if (loc[0] == '#') {
		mv_report(&o->rep, MV_R_ONNX_EXTERNAL_INVALID, at,
		    "tensor '%s': external data location '%s' starts with '#', which skips the "
		    "checker's file checks", o->tname, shown);
		goto done;
	}
	if (olen == 0) {
		mv_report(&o->rep, MV_R_ONNX_EXTERNAL_INVALID, at,
		    "tensor '%s': external data location '%s' names the model's folder itself",
		    o->tname, shown);
		goto done;
	}
	*norm = out;
	out = NULL;
	ok = 1;
done:
	free(work);
	free(out);
	return ok;
}

static void
tensor_end(struct onnx *o)
{
	static const struct mv_pkgref_rules rules = {MV_R_ONNX_EXTERNAL_MISSING,
	    MV_R_ONNX_EXTERNAL_LINK, MV_R_ONNX_EXTERNAL_RANGE};
	uint64_t off = 0, len = 0, need = 0;
	char *norm = NULL;

	o->in_tensor = 0;
	if (!o->has_loc) {
		if (o->location_kind == 1)
			mv_report(&o->rep, MV_R_ONNX_EXTERNAL_INVALID, (int64_t)o->tensor_off,
			    "tensor '%s' is marked EXTERNAL but names no location", o->tname);
		return;
	}
	if (!check_location(o, o->loc ? o->loc : "", o->loclen, &norm))
		return;
	if ((o->has_offset && parse_dec(o->offset_s, &off) != 0) ||
	    (o->has_length && parse_dec(o->length_s, &len) != 0) || o->bad_num) {
		mv_report(&o->rep, MV_R_ONNX_EXTERNAL_RANGE, (int64_t)o->tensor_off,
		    "tensor '%s': external data offset or length is not a decimal number",
		    o->tname);
	} else if (o->has_length && off > UINT64_MAX - len) {
		mv_report(&o->rep, MV_R_ONNX_EXTERNAL_RANGE, (int64_t)o->tensor_off,
		    "tensor '%s': external data offset + length overflows", o->tname);
	} else {
		unsigned bits = dtype_bits(o->dtype);

		if (o->has_length)
			need = off + len;
		if (o->has_length && bits && !o->dims_over) {
			uint64_t count = 1;
			int over = 0;

			for (unsigned i = 0; i < o->ndims; i++) {
				if (o->dims[i] != 0 && count > UINT64_MAX / 128 / o->dims[i])
					over = 1;
				else
					count *= o->dims[i];
			}
			if (!over && (count * bits + 7) / 8 != len)
				mv_report(&o->rep, MV_R_ONNX_EXTERNAL_RANGE, (int64_t)o->tensor_off,
				    "tensor '%s': external data length %llu does not match its shape "
				    "(%llu bytes)", o->tname, (unsigned long long)len,
				    (unsigned long long)((count * bits + 7) / 8));
		}
	}
	if (mv_pkg_refer(o->a->pkg, &rules, o->a->path, (int64_t)o->tensor_off, norm, need) ==
	    MV_ERR_NOMEM)
		mv_findings_add(o->a->findings, MV_R_ANALYSIS_INCOMPLETE, o->a->path, -1,
		    "out of memory recording external data");
	free(norm);
}

static void
entry_end(struct onnx *o)
{
	if (!o->in_tensor || o->ekey == NULL)
		return;
	if (strcmp(o->ekey, "location") == 0) {
		free(o->loc);
		o->loc = o->eval;
		o->loclen = o->evallen;
		o->eval = NULL;
		o->has_loc = 1;
		if (o->evalfull > KEEP_MAX)
			mv_report(&o->rep, MV_R_ONNX_EXTERNAL_INVALID, (int64_t)o->tensor_off,
			    "tensor '%s': external data location of %llu bytes", o->tname,
			    (unsigned long long)o->evalfull);
	} else if (strcmp(o->ekey, "offset") == 0 || strcmp(o->ekey, "length") == 0) {
		char *dst = o->ekey[0] == 'o' ? o->offset_s : o->length_s;

		if (o->eval == NULL || o->evallen >= sizeof(o->offset_s) ||
		    strlen(o->eval) != o->evallen) {
			o->bad_num = 1;
		} else {
			memcpy(dst, o->eval, o->evallen + 1);
		}
		if (o->ekey[0] == 'o')
			o->has_offset = 1;
		else
			o->has_length = 1;
	}
}

static void
node_end(struct onnx *o)
{
	struct node *n;

	if (o->nnode == 0)
		return;
	o->nnode--;
	if (o->nnode >= MV_PB_DEPTH_MAX)
		return;
	n = &o->nodes[o->nnode];
	if (!is_std_domain(n->domain))
		add_pair(o, &o->uses, n->domain, n->op);
}

static void
on_end(void *arg, int msg)
{
	struct onnx *o = arg;

	switch (msg) {
	case M_NODE:
		node_end(o);
		break;
	case M_TENSOR:
		tensor_end(o);
		break;
	case M_ENTRY:
		entry_end(o);
		break;
	case M_FUNC:
		add_pair(o, &o->funcs, o->fdomain, o->fname);
		break;
	default:
		break;
	}
}

static void
on_varint(void *arg, int msg, uint32_t num, uint64_t v)
{
	struct onnx *o = arg;

	if (msg != M_TENSOR)
		return;
	if (num == 1) {
		if (o->ndims < MAX_DIMS)
			o->dims[o->ndims++] = v;
		else
			o->dims_over = 1;
	} else if (num == 2) {
		o->dtype = v;
	} else if (num == 14) {
		o->location_kind = v;
	}
}

static void
on_bytes(void *arg, int msg, uint32_t num, const unsigned char *p, size_t n, uint64_t full,
    uint64_t offset)
{
	struct onnx *o = arg;
	struct node *nd = o->nnode > 0 && o->nnode <= MV_PB_DEPTH_MAX ?
	    &o->nodes[o->nnode - 1] : NULL;

	switch (msg) {
	case M_NODE:
		if (nd && num == 4)
			copy_str(nd->op, sizeof(nd->op), p, n);
		else if (nd && num == 7)
			copy_str(nd->domain, sizeof(nd->domain), p, n);
		break;
	case M_TENSOR:
		if (num == 8) {
			copy_str(o->tname, sizeof(o->tname), p, n);
		} else if (num == 1) {
			/* Packed dims: a run of varints. */
			uint64_t v = 0;
			unsigned shift = 0;

			if (full > n)
				o->dims_over = 1;
			for (size_t i = 0; i < n; i++) {
				if (shift < 64)
					v |= (uint64_t)(p[i] & 0x7f) << shift;
				shift += 7;
				if (!(p[i] & 0x80)) {
					on_varint(o, M_TENSOR, 1, v);
					v = 0;
					shift = 0;
				}
			}
		}
		break;
	case M_ENTRY:
		if (num == 1) {
			free(o->ekey);
			o->ekey = dup_bytes(p, n);
			o->ekeylen = n;
			o->ekeyfull = full;
		} else {
			free(o->eval);
			o->eval = dup_bytes(p, n);
			o->evallen = n;
			o->evalfull = full;
		}
		break;
	case M_FUNC:
		if (num == 1)
			copy_str(o->fname, sizeof(o->fname), p, n);
		else if (num == 10)
			copy_str(o->fdomain, sizeof(o->fdomain), p, n);
		break;
	default:
		break;
	}
	(void)offset;
}

static const struct mv_pb_ops ops = {on_begin, on_end, on_varint, on_bytes};

/* An ONNX ModelProto opens with ir_version (field 1) and then producer_name or graph. */
static int
looks_like(const struct mv_actx *a)
{
	const unsigned char *h = a->head;

	return a->headlen >= 4 && h[0] == 0x08 && h[1] >= 1 && h[1] <= 15 &&
	    (h[2] == 0x12 || h[2] == 0x3a);
}

static int
onnx_claim(const struct mv_actx *a)
{
	const char *base = mv_actx_base(a);

	if (a->format != MV_FMT_UNKNOWN)
		return 0;
	if (mv_actx_suffix(a, ".onnx"))
		return 1;
	/* TensorFlow protobufs open the same way; savedmodel.c reads those. */
	if (strcmp(base, "saved_model.pb") == 0 || strcmp(base, "keras_metadata.pb") == 0 ||
	    strcmp(base, "fingerprint.pb") == 0)
		return 0;
	return looks_like(a);
}

static void *
onnx_begin(const struct mv_actx *a)
{
	struct onnx *o = calloc(1, sizeof(*o));

	if (o == NULL)
		return NULL;
	mv_report_init(&o->rep, a);
	o->a = a;
	o->quiet = !mv_actx_suffix(a, ".onnx");
	mv_strset_init(&o->uses);
	mv_strset_init(&o->funcs);
	mv_pb_init(&o->pb, fields, sizeof(fields) / sizeof(fields[0]), &ops, o, KEEP_MAX,
	    MV_PB_DEPTH_MAX, a->size);
	return o;
}

static mv_status
onnx_feed(void *state, const unsigned char *p, size_t n)
{
	struct onnx *o = state;

	if (mv_pb_feed(&o->pb, p, n) != MV_OK) {
		o->failed = 1;
		return MV_ERR_FORMAT;
	}
	return MV_OK;
}

static void
report_custom(struct onnx *o)
{
	struct mv_strset done;

	mv_strset_init(&done);
	for (size_t i = 0; i < o->uses.cap; i++) {
		const char *k = o->uses.slot ? o->uses.slot[i] : NULL;
		const char *nl;
		int found = 0;

		if (k == NULL || mv_strset_has(&o->funcs, k, o->uses.len[i]))
			continue;
		nl = strchr(k, '\n');
		if (nl == NULL || mv_strset_add(&done, k, (size_t)(nl - k), &found) != MV_OK ||
		    found)
			continue;
		mv_report(&o->rep, MV_R_ONNX_OP_CUSTOM, -1,
		    "operator '%s' of domain '%.*s' is not defined by ONNX or the model itself",
		    nl + 1, (int)(nl - k), k);
	}
	mv_strset_free(&done);
}

static void
onnx_end(void *state, int complete)
{
	struct onnx *o = state;

	if (!o->failed && complete && mv_pb_finish(&o->pb) != MV_OK)
		o->failed = 1;
	if (o->failed) {
		if (!o->quiet)
			mv_report(&o->rep, MV_R_ONNX_PROTO_INVALID, (int64_t)o->pb.err_offset,
			    "%s", o->pb.err);
		if (o->quiet)
			return;
	}
	report_custom(o);
	if (o->uses_capped)
		mv_findings_add(o->a->findings, MV_R_ANALYSIS_INCOMPLETE, o->a->path, -1,
		    "more than %u distinct custom operators; the rest not checked", MAX_OPS);
}

static void
onnx_free(void *state)
{
	struct onnx *o = state;

	mv_pb_free(&o->pb);
	free(o->loc);
	free(o->ekey);
	free(o->eval);
	mv_strset_free(&o->uses);
	mv_strset_free(&o->funcs);
	free(o);
}

const struct mv_analyser mv_analyser_onnx = {
	.name = "onnx",
	.claim = onnx_claim,
	.begin = onnx_begin,
	.feed = onnx_feed,
	.end = onnx_end,
	.free = onnx_free,
};
