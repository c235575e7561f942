/* SPDX-License-Identifier: Apache-2.0 */
/* joblib.c: joblib files compressed with zlib (joblib's "z" wrapper, which has no container
 * that libarchive knows): inflated here, bounded, and handed to the pickle machine. The
 * gzip, bz2, xz, lzma and lz4 wrappers are unwrapped by the walker. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "scan/pickle_an.h"

#define OUTBUF (64u << 10)

struct jz {
	const struct mv_actx *a;
	z_stream z;
	int zinit;
	unsigned char *out;
	uint64_t in, produced;
	int ended, failed;
	struct mv_pickle *m;
};

/* A zlib header (RFC 1950: deflate, check bits, no preset dictionary) whose first inflated
 * bytes parse as a pickle. */
static int
jz_claim(const struct mv_actx *a)
{
	unsigned char out[512];
	z_stream z;
	int r, ok = 0;

	if (a->format != MV_FMT_UNKNOWN || a->headlen < 8 || a->head[0] != 0x78 ||
	    ((a->head[0] << 8) | a->head[1]) % 31 != 0 || (a->head[1] & 0x20))
		return 0;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)(uintptr_t)a->head;
	z.avail_in = (uInt)a->headlen;
	z.next_out = out;
	z.avail_out = sizeof(out);
	r = inflate(&z, Z_SYNC_FLUSH);
	if ((r == Z_OK || r == Z_STREAM_END || r == Z_BUF_ERROR) && z.total_out > 0)
		ok = mv_pickle_sniff(out, z.total_out, r == Z_STREAM_END) == 1 ||
		    (z.total_out >= 2 && out[0] == 0x80 && out[1] >= 2 && out[1] <= 5);
	inflateEnd(&z);
	return ok;
}

static void *
jz_begin(const struct mv_actx *a)
{
	struct jz *s = calloc(1, sizeof(*s));

	if (s == NULL || (s->out = malloc(OUTBUF)) == NULL) {
		free(s);
		return NULL;
	}
	s->a = a;
	if (inflateInit(&s->z) == Z_OK)
		s->zinit = 1;
	else
		s->failed = 1;
	s->m = mv_pickle_for(a, MV_PICKLE_PLAIN, 0, -1, "joblib data");
	return s;
}

static void
fail(struct jz *s, const char *why)
{
	mv_findings_add(s->a->findings, MV_R_JOBLIB_ZLIB_INVALID, s->a->path, (int64_t)s->in,
	    "zlib-compressed joblib data: %s; the rest is not analysed", why);
	mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
	    "the compressed pickle was not read to its end");
	s->failed = 1;
}

static mv_status
jz_feed(void *state, const unsigned char *p, size_t n)
{
	struct jz *s = state;
	const uint64_t *lim = s->a->limit;

	if (s->m == NULL || s->failed)
		return MV_ERR_FORMAT;
	if (s->ended) {
		/* joblib writes one zlib stream; bytes after it are no part of the file it loads. */
		s->in += n;
		return MV_OK;
	}
	s->z.next_in = (unsigned char *)(uintptr_t)p;
	s->z.avail_in = (uInt)n;
	while (s->z.avail_in > 0 && !s->ended) {
		uint64_t before = s->z.total_out;
		int r;

		s->z.next_out = s->out;
		s->z.avail_out = OUTBUF;
		r = inflate(&s->z, Z_NO_FLUSH);
		s->produced += s->z.total_out - before;
		if (s->z.total_out > before)
			mv_pickle_feed(s->m, s->out, (size_t)(s->z.total_out - before));
		if (r == Z_STREAM_END) {
			s->ended = 1;
		} else if (r != Z_OK && r != Z_BUF_ERROR) {
			s->in += n - s->z.avail_in;
			fail(s, s->z.msg ? s->z.msg : "corrupt data");
			return MV_ERR_FORMAT;
		}
		/* The same expansion bound as archive members. */
		if (s->produced >= lim[MV_LIMIT_RATIO_FLOOR] &&
		    s->produced / lim[MV_LIMIT_RATIO] > s->in + n) {
			s->in += n - s->z.avail_in;
			fail(s, "expands past the --max-ratio limit");
			return MV_ERR_LIMIT;
		}
		if (r == Z_BUF_ERROR && s->z.avail_out > 0)
			break;
	}
	s->in += n;
	return MV_OK;
}

static void
jz_end(void *state, int complete)
{
	struct jz *s = state;

	if (s->m == NULL)
		return;
	if (!s->failed && !s->ended && complete)
		fail(s, "the zlib stream is cut short");
	mv_pickle_end(s->m, complete && !s->failed);
}

static void
jz_free(void *state)
{
	struct jz *s = state;

	if (s->zinit)
		inflateEnd(&s->z);
	mv_pickle_free(s->m);
	free(s->out);
	free(s);
}

const struct mv_analyser mv_analyser_joblibz = {
	.name = "joblib-zlib",
	.claim = jz_claim,
	.begin = jz_begin,
	.feed = jz_feed,
	.end = jz_end,
	.free = jz_free,
};
