/* SPDX-License-Identifier: Apache-2.0 */
/* arrow.c: Arrow IPC files (Feather v2) and streams (the .arrow files of Hugging Face
 * datasets): the schema at the start and, in a file, the schema of the footer that file
 * readers use, checked for metadata a Python reader unpickles. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cursor.h"
#include "scan/arrowmeta.h"
#include "scan/formats.h"
#include "scan/tail.h"

#define FILE_MAGIC "ARROW1"
/* The magic and its padding to 8 bytes come before the first message of a file. */
#define FILE_HEAD 8
/* A file ends with the footer's 32-bit length and the magic again. */
#define FILE_TRAILER 10

struct arrow {
	struct mv_report rep;
	const struct mv_actx *a;
	struct mv_arrowmeta m;
	int file;                   /* an IPC file (magic at both ends), not a stream */
	int quiet;                  /* claimed on a stream prefix alone: bytes that are no
	                             * schema message mean "not Arrow", not a finding */
	size_t off;                 /* where the first message starts */
	struct mv_buf head;         /* the first message */
	size_t need;                /* its full length once the prefix is read, else 0 */
	int head_done, head_over;
	struct mv_tail tail;
};

static int
arrow_name(const struct mv_actx *a)
{
	return mv_actx_suffix(a, ".arrow") || mv_actx_suffix(a, ".arrows") ||
	    mv_actx_suffix(a, ".feather") || mv_actx_suffix(a, ".ipc");
}

static int
ar_claim(const struct mv_actx *a)
{
	if (mv_format_is_container(a->format))
		return 0;
	if (a->headlen >= 6 && memcmp(a->head, FILE_MAGIC, 6) == 0)
		return 1;
	/* Feather v1 ("FEA1") has a metadata format of its own without custom metadata. */
	if (a->headlen >= 4 && memcmp(a->head, "FEA1", 4) == 0)
		return 0;
	if (arrow_name(a))
		return a->headlen >= 4;
	/* A stream has no magic: the continuation marker and a length, then a Schema message
	 * when it fits in the first bytes. A longer first message is taken on the marker. */
	if (a->headlen >= 8 && mv_le32(a->head) == 0xffffffffu) {
		uint32_t len = mv_le32(a->head + 4);

		if (len < 8 || len > (uint32_t)INT32_MAX)
			return 0;
		if ((size_t)len + 8 <= a->headlen)
			return mv_arrow_is_schema_message(a->head, a->headlen);
		return mv_le32(a->head + 8) < len;
	}
	return 0;
}

static void *
ar_begin(const struct mv_actx *a)
{
	struct arrow *s = calloc(1, sizeof(*s));
	size_t window = (size_t)a->limit[MV_LIMIT_HEADER];

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	s->m.a = a;
	s->m.rep = &s->rep;
	s->file = a->headlen >= 6 && memcmp(a->head, FILE_MAGIC, 6) == 0;
	s->quiet = !s->file && !arrow_name(a);
	s->off = s->file ? FILE_HEAD : 0;
	mv_buf_init(&s->head, window);
	if (s->file)
		mv_tail_init(&s->tail, a->size, window);
	return s;
}

/* Gather the first message: first enough for the longest prefix, then its declared length. */
static void
head_feed(struct arrow *s, const unsigned char *p, size_t n)
{
	while (!s->head_done && n > 0) {
		size_t target = s->need ? s->need : s->off + 8;
		size_t take = target - s->head.len, prefix;
		uint32_t len;

		if (take > n)
			take = n;
		if (mv_buf_add(&s->head, p, take) != MV_OK) {
			s->head_done = s->head_over = 1;
			return;
		}
		p += take;
		n -= take;
		if (s->head.len < target)
			return;
		if (s->need || mv_arrow_prefix(s->head.p + s->off, 8, &prefix, &len) != 1) {
			s->head_done = 1;
			return;
		}
		if ((uint64_t)s->off + prefix + len > s->head.max) {
			s->head_done = s->head_over = 1;
			return;
		}
		s->need = s->off + prefix + len;
		if (s->need <= s->head.len)
			s->head_done = 1;
	}
}

static mv_status
ar_feed(void *state, const unsigned char *p, size_t n)
{
	struct arrow *s = state;

	head_feed(s, p, n);
	if (s->file)
		(void)mv_tail_feed(&s->tail, p, n);
	if (!s->file && s->head_done)
		return MV_ERR_LIMIT;
	return MV_OK;
}

static void
check_footer(struct arrow *s)
{
	const unsigned char *t;
	size_t n;
	uint64_t first, flen, end;

	if (s->tail.lost) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "Arrow file footer not read: out of memory");
		return;
	}
	t = mv_tail_get(&s->tail, &n, &first);
	end = first + n;
	if (n < FILE_TRAILER || memcmp(t + n - 6, FILE_MAGIC, 6) != 0 ||
	    end < FILE_HEAD + FILE_TRAILER) {
		mv_report(&s->rep, MV_R_ARROW_FORMAT_INVALID, (int64_t)end,
		    "Arrow file does not end with its footer and magic; file readers refuse it");
		return;
	}
	flen = mv_le32(t + n - FILE_TRAILER);
	if (flen > (uint32_t)INT32_MAX || flen > end - FILE_TRAILER - FILE_HEAD) {
		mv_report(&s->rep, MV_R_ARROW_FORMAT_INVALID, (int64_t)(end - FILE_TRAILER),
		    "Arrow file footer length %llu runs before the start of the file",
		    (unsigned long long)flen);
		return;
	}
	if (flen > n - FILE_TRAILER) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path,
		    (int64_t)(end - FILE_TRAILER), "Arrow file footer of %llu bytes is larger than "
		    "the %zu bytes kept of the file's end; its schema was not checked",
		    (unsigned long long)flen, s->tail.window);
		return;
	}
	s->m.where = "file footer";
	s->m.base = (int64_t)(end - FILE_TRAILER - flen);
	mv_arrow_check_footer(&s->m, t + n - FILE_TRAILER - flen, (size_t)flen);
}

static void
ar_end(void *state, int complete)
{
	struct arrow *s = state;
	const unsigned char *h = s->head.p ? s->head.p + s->off : NULL;
	size_t hn = s->head.len > s->off ? s->head.len - s->off : 0;

	if (!complete)
		return;
	if (s->quiet && (h == NULL || !mv_arrow_is_schema_message(h, hn)))
		return;
	s->m.where = "schema message";
	s->m.base = (int64_t)s->off;
	if (s->head_over)
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path,
		    (int64_t)s->off, "Arrow schema message larger than --max-header; not checked");
	else
		mv_arrow_check_ipc(&s->m, h ? h : (const unsigned char *)"", hn);
	if (s->file)
		check_footer(s);
}

static void
ar_free(void *state)
{
	struct arrow *s = state;

	mv_buf_free(&s->head);
	if (s->file)
		mv_tail_free(&s->tail);
	free(s);
}

const struct mv_analyser mv_analyser_arrow = {
	.name = "arrow",
	.claim = ar_claim,
	.begin = ar_begin,
	.feed = ar_feed,
	.end = ar_end,
	.free = ar_free,
};
