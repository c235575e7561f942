/* SPDX-License-Identifier: Apache-2.0 */
/* parquet.c: Parquet files: the footer's key-value metadata, where pyarrow keeps the Arrow
 * schema (ARROW:schema, base64 of an IPC schema message) that it turns back into extension
 * types, checked like an Arrow schema; other values that are pickles. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/codec.h"
#include "core/cursor.h"
#include "scan/arrowmeta.h"
#include "scan/formats.h"
#include "scan/tail.h"
#include "scan/thrift.h"

#define MAGIC "PAR1"
#define MAGIC_ENCRYPTED "PARE"
#define TRAILER 8
/* FileMetaData.key_value_metadata and KeyValue's key and value (parquet.thrift). */
#define FMD_KV 5
#define KV_KEY 1
#define KV_VALUE 2
#define ARROW_SCHEMA_KEY "ARROW:schema"

struct parquet {
	struct mv_report rep;
	const struct mv_actx *a;
	struct mv_arrowmeta m;
	struct mv_tail tail;
};

static int
pq_claim(const struct mv_actx *a)
{
	return !mv_format_is_container(a->format) && a->headlen >= 4 &&
	    memcmp(a->head, MAGIC, 4) == 0;
}

static void *
pq_begin(const struct mv_actx *a)
{
	struct parquet *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	s->m.a = a;
	s->m.rep = &s->rep;
	mv_tail_init(&s->tail, a->size, (size_t)a->limit[MV_LIMIT_HEADER]);
	return s;
}

static mv_status
pq_feed(void *state, const unsigned char *p, size_t n)
{
	struct parquet *s = state;

	return mv_tail_feed(&s->tail, p, n);
}

static void
bad(struct parquet *s, int64_t off, const char *what, const char *why)
{
	mv_report(&s->rep, MV_R_PARQUET_FORMAT_INVALID, off, "Parquet footer: %s%s%s", what,
	    why ? ": " : "", why ? why : "");
}

/* ARROW:schema: what pyarrow decodes and reads as the schema of the table. */
static void
arrow_schema(struct parquet *s, const unsigned char *v, uint32_t n, int64_t at)
{
	unsigned char *dec = NULL;
	size_t dn = 0;

	if (mv_b64_decode((const char *)v, n, &dec, &dn) != 0) {
		bad(s, at, "the value of " ARROW_SCHEMA_KEY " is not base64", NULL);
		return;
	}
	s->m.where = ARROW_SCHEMA_KEY " in the Parquet footer";
	s->m.base = -1;
	s->m.at = at;
	mv_arrow_check_ipc(&s->m, dec, dn);
	free(dec);
}

/* One KeyValue struct. */
static int
keyvalue(struct parquet *s, struct mv_th *t, int64_t base)
{
	const unsigned char *k = NULL, *v = NULL;
	uint32_t kn = 0, vn = 0, voff = 0;
	int16_t last = 0, id;
	uint8_t type;

	for (;;) {
		if (mv_th_field(t, last, &id, &type) != 0)
			return -1;
		if (type == 0)
			break;
		if (id == KV_KEY && type == MV_TH_BINARY) {
			if (mv_th_binary(t, &k, &kn) != 0)
				return -1;
		} else if (id == KV_VALUE && type == MV_TH_BINARY) {
			if (mv_th_binary(t, &v, &vn) != 0)
				return -1;
			voff = (uint32_t)(v - t->start);
		} else if (mv_th_skip(t, type, 0) != 0) {
			return -1;
		}
		last = id;
	}
	if (k == NULL || v == NULL)
		return 0;
	if (kn == strlen(ARROW_SCHEMA_KEY) && memcmp(k, ARROW_SCHEMA_KEY, kn) == 0) {
		arrow_schema(s, v, vn, base + voff);
	} else {
		s->m.where = "Parquet footer";
		s->m.base = base;
		mv_arrow_check_value(&s->m, k, kn, v, vn, voff);
	}
	return 0;
}

/* FileMetaData: every field skipped within the limits but key_value_metadata. */
static void
file_metadata(struct parquet *s, const unsigned char *p, size_t n, int64_t base)
{
	struct mv_th t;
	int16_t last = 0, id;
	uint8_t type, et;
	uint32_t count;

	mv_th_init(&t, p, n);
	for (;;) {
		if (mv_th_field(&t, last, &id, &type) != 0)
			goto fail;
		if (type == 0)
			return;
		if (id == FMD_KV && type == MV_TH_LIST) {
			if (mv_th_list(&t, &et, &count) != 0)
				goto fail;
			if (et != MV_TH_STRUCT) {
				bad(s, base + (int64_t)mv_th_offset(&t),
				    "key_value_metadata is not a list of structs", NULL);
				return;
			}
			t.depth++;
			for (uint32_t i = 0; i < count; i++)
				if (keyvalue(s, &t, base) != 0)
					goto fail;
			t.depth--;
		} else if (mv_th_skip(&t, type, 0) != 0) {
			goto fail;
		}
		last = id;
	}
fail:
	bad(s, base + (int64_t)mv_th_offset(&t), "FileMetaData cannot be read", t.err);
}

static void
pq_end(void *state, int complete)
{
	struct parquet *s = state;
	const unsigned char *t;
	size_t n;
	uint64_t first, end, flen;

	if (!complete)
		return;
	if (s->tail.lost) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "Parquet footer not read: out of memory");
		return;
	}
	t = mv_tail_get(&s->tail, &n, &first);
	end = first + n;
	if (n >= TRAILER && memcmp(t + n - 4, MAGIC_ENCRYPTED, 4) == 0) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path,
		    (int64_t)(end - 4), "Parquet footer is encrypted; its metadata (where an Arrow "
		    "schema would be) was not read");
		return;
	}
	if (n < TRAILER || end < 4 + TRAILER || memcmp(t + n - 4, MAGIC, 4) != 0) {
		bad(s, (int64_t)end, "the file does not end with the footer length and " MAGIC,
		    NULL);
		return;
	}
	flen = mv_le32(t + n - TRAILER);
	if (flen > end - TRAILER - 4) {
		bad(s, (int64_t)(end - TRAILER), "the footer length runs before the start of the "
		    "file", NULL);
		return;
	}
	if (flen > n - TRAILER) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path,
		    (int64_t)(end - TRAILER), "Parquet footer of %llu bytes is larger than the %zu "
		    "bytes kept of the file's end; not checked", (unsigned long long)flen,
		    s->tail.window);
		return;
	}
	file_metadata(s, t + n - TRAILER - flen, (size_t)flen, (int64_t)(end - TRAILER - flen));
}

static void
pq_free(void *state)
{
	struct parquet *s = state;

	mv_tail_free(&s->tail);
	free(s);
}

const struct mv_analyser mv_analyser_parquet = {
	.name = "parquet",
	.claim = pq_claim,
	.begin = pq_begin,
	.feed = pq_feed,
	.end = pq_end,
	.free = pq_free,
};
