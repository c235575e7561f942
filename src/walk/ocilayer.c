/* SPDX-License-Identifier: Apache-2.0 */
/* ocilayer.c: an OCI model layer checked on its one read against what its manifest and the
 * model's config claim (walk/ocimodel.c): the encoding its media type names (a tar, a tar
 * compressed with gzip or zstd, a file of a named format), and the DiffID, the digest of the
 * uncompressed bytes. Compressed layers are decompressed as their bytes pass, hashed and
 * dropped: nothing is kept but the first bytes, to tell a tar. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zlib.h>
#include <zstd.h>

#include "core/finding.h"
#include "core/str.h"
#include "core/sniff.h"
#include "walk/ocimodel.h"
#include "walk/walk.h"

#define OUT_BUF (64 * 1024)
/* zstd frames may ask for a window of up to 2^31 bytes; a layer asking for more than this is
 * not decompressed (its DiffID stays unchecked, which is said). zstd -19 uses 2^23. */
#define ZSTD_WINDOW_LOG_MAX 25

/* One claim's pass over the bytes. */
struct stream {
	const struct mv_oci_claim *c;
	EVP_MD_CTX *md;                  /* the DiffID's algorithm over the uncompressed bytes */
	z_stream z;
	int z_init;
	ZSTD_DStream *zs;
	int member_done;                 /* the last gzip member or zstd frame ended */
	uint64_t in;                     /* compressed bytes taken */
	unsigned char *out;
	unsigned char head[MV_SNIFF_HEAD];
	size_t headlen;
	uint64_t out_total;
	const char *error;               /* why decompressing stopped */
	int over;                        /* stopped at the byte budget */
};

struct mv_ocilayer {
	struct stream *v;
	size_t n;
	uint64_t max_out;
};

static int
compressed(const struct mv_oci_claim *c)
{
	return c->enc == MV_OCI_ENC_GZIP || c->enc == MV_OCI_ENC_ZSTD;
}

static const EVP_MD *
md_of(const char *diffid)
{
	if (strncmp(diffid, "sha256:", 7) == 0)
		return EVP_sha256();
	if (strncmp(diffid, "sha512:", 7) == 0)
		return EVP_sha512();
	return NULL;
}

static void
stream_free(struct stream *s)
{
	EVP_MD_CTX_free(s->md);
	if (s->z_init)
		inflateEnd(&s->z);
	ZSTD_freeDStream(s->zs);
	free(s->out);
}

static int
stream_init(struct stream *s, const struct mv_oci_claim *c)
{
	memset(s, 0, sizeof(*s));
	s->c = c;
	if (c->diffid) {
		const EVP_MD *alg = md_of(c->diffid);

		if (alg == NULL || (s->md = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(s->md, alg, NULL) != 1)
			return -1;
	}
	if (!compressed(c))
		return 0;
	if ((s->out = malloc(OUT_BUF)) == NULL)
		return -1;
	if (c->enc == MV_OCI_ENC_GZIP) {
		/* 16 + window bits: a gzip wrapper, as containerd and Go's gzip reader take. */
		if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK)
			return -1;
		s->z_init = 1;
	} else if ((s->zs = ZSTD_createDStream()) == NULL ||
	    ZSTD_isError(ZSTD_DCtx_setParameter(s->zs, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_MAX))) {
		return -1;
	}
	return 0;
}

struct mv_ocilayer *
mv_ocilayer_begin(struct mv_task *t)
{
	const struct mv_oci_claims *cl = t->item->oci;
	struct mv_ocilayer *l;
	size_t need = 0;

	if (cl == NULL)
		return NULL;
	for (size_t i = 0; i < cl->n; i++)
		need += cl->v[i].diffid || compressed(&cl->v[i]);
	if (need == 0)
		return NULL;
	if ((l = calloc(1, sizeof(*l))) == NULL || (l->v = calloc(need, sizeof(*l->v))) == NULL)
		goto nomem;
	l->max_out = t->run->limit[MV_LIMIT_BYTES];
	for (size_t i = 0; i < cl->n; i++) {
		if (!(cl->v[i].diffid || compressed(&cl->v[i])))
			continue;
		if (stream_init(&l->v[l->n++], &cl->v[i]) != 0)
			goto nomem;
	}
	return l;
nomem:
	for (size_t i = 0; l && i < l->n; i++)
		stream_free(&l->v[i]);
	if (l)
		free(l->v);
	free(l);
	mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, t->item->top.path, -1, "out of "
	    "memory: the layer is not checked against its media type and DiffID");
	return NULL;
}

/* Uncompressed bytes: hashed, the first kept. */
static void
emit(struct stream *s, const unsigned char *p, size_t n, uint64_t max_out)
{
	if (s->headlen < sizeof(s->head)) {
		size_t take = sizeof(s->head) - s->headlen < n ? sizeof(s->head) - s->headlen : n;

		memcpy(s->head + s->headlen, p, take);
		s->headlen += take;
	}
	if (s->md && EVP_DigestUpdate(s->md, p, n) != 1)
		s->error = "the digest could not be computed";
	s->out_total += n;
	if (compressed(s->c) && s->out_total > max_out)
		s->over = 1;
}

static void
feed_gzip(struct stream *s, const unsigned char *p, size_t n, uint64_t max_out)
{
	s->z.next_in = mv_unconst(p);
	s->z.avail_in = (uInt)n;
	while (s->z.avail_in > 0 && s->error == NULL && !s->over) {
		uInt before = s->z.avail_in;
		int r;

		/* Members one after another are one stream, as Go's gzip reader reads them; a
		 * next member that is not gzip is an error there too. */
		if (s->member_done) {
			if (inflateReset(&s->z) != Z_OK) {
				s->error = "the gzip reader failed";
				break;
			}
			s->member_done = 0;
		}
		s->z.next_out = s->out;
		s->z.avail_out = OUT_BUF;
		r = inflate(&s->z, Z_NO_FLUSH);
		if (OUT_BUF - s->z.avail_out > 0)
			emit(s, s->out, OUT_BUF - s->z.avail_out, max_out);
		if (r == Z_STREAM_END)
			s->member_done = 1;
		else if ((r != Z_OK && r != Z_BUF_ERROR) ||
		    (r == Z_BUF_ERROR && s->z.avail_in == before && s->z.avail_out == OUT_BUF))
			s->error = s->z.msg ? s->z.msg : "not a valid gzip stream";
	}
}

static void
feed_zstd(struct stream *s, const unsigned char *p, size_t n, uint64_t max_out)
{
	ZSTD_inBuffer in = {p, n, 0};

	while (s->error == NULL && !s->over) {
		ZSTD_outBuffer out = {s->out, OUT_BUF, 0};
		size_t r = ZSTD_decompressStream(s->zs, &out, &in);

		if (ZSTD_isError(r)) {
			s->error = ZSTD_getErrorName(r);
			break;
		}
		if (out.pos > 0)
			emit(s, s->out, out.pos, max_out);
		s->member_done = r == 0;
		/* All input taken and the output not full: nothing is held back. */
		if (in.pos == in.size && out.pos < out.size)
			break;
	}
}

void
mv_ocilayer_feed(struct mv_ocilayer *l, const unsigned char *p, size_t n)
{
	for (size_t i = 0; l && i < l->n; i++) {
		struct stream *s = &l->v[i];

		if (s->error || s->over || n == 0)
			continue;
		s->in += n;
		if (s->c->enc == MV_OCI_ENC_GZIP)
			feed_gzip(s, p, n, l->max_out);
		else if (s->c->enc == MV_OCI_ENC_ZSTD)
			feed_zstd(s, p, n, l->max_out);
		else
			emit(s, p, n, l->max_out);
	}
}

static void
mismatch(struct mv_task *t, const struct mv_oci_claim *c, const char *fmt, ...) MV_PRINTF(3, 4);

static void
mismatch(struct mv_task *t, const struct mv_oci_claim *c, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	mv_findings_add(t->findings, MV_R_OCI_MODEL_CONTENT_MISMATCH, t->item->top.path, -1,
	    "%s has media type %.200s, but %s", c->where, c->media_type, what);
}

/* The bytes against the encoding and format the claim names. */
static void
check_content(struct mv_task *t, const struct mv_oci_claim *c, const struct stream *s)
{
	enum mv_format fmt = t->item->fmt;
	const char *zname = c->enc == MV_OCI_ENC_GZIP ? "gzip" : "zstd";

	switch (c->enc) {
	case MV_OCI_ENC_RAW:
		if (c->want != MV_FMT_UNKNOWN && fmt != c->want)
			mismatch(t, c, "the content is %s, not %s", mv_format_name(fmt),
			    mv_format_name(c->want));
		else if (c->no_pickle && fmt == MV_FMT_PICKLE)
			mismatch(t, c, "the content is a %s, which runs code when loaded, where the "
			    "model config names a format that is none", mv_format_name(fmt));
		break;
	case MV_OCI_ENC_TAR:
		if (fmt != MV_FMT_TAR)
			mismatch(t, c, "the content is %s, not a tar", mv_format_name(fmt));
		break;
	case MV_OCI_ENC_GZIP:
	case MV_OCI_ENC_ZSTD:
		if (s == NULL)
			break;
		if (fmt != (c->enc == MV_OCI_ENC_GZIP ? MV_FMT_GZIP : MV_FMT_ZSTD))
			mismatch(t, c, "the content is %s, not %s", mv_format_name(fmt), zname);
		else if (s->error)
			mismatch(t, c, "it is not a valid %s stream: %s", zname, s->error);
		else if (!s->member_done)
			mismatch(t, c, "its %s stream is cut short", zname);
		else if (!s->over && mv_sniff(s->head, s->headlen, s->out_total) != MV_FMT_TAR)
			mismatch(t, c, "it decompresses to %s, not a tar",
			    mv_format_name(mv_sniff(s->head, s->headlen, s->out_total)));
		break;
	default:
		break;
	}
}

static void
check_diffid(struct mv_task *t, const struct mv_oci_claim *c, struct stream *s)
{
	struct mv_digest d = {0};
	char hex[2 * MV_DIGEST_MAX + 1];
	const char *alg_end = strchr(c->diffid, ':');

	if (s->over) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, t->item->top.path, -1, "%s "
		    "decompresses to more than %llu bytes (--max-bytes): its DiffID is not checked",
		    c->where, (unsigned long long)t->run->limit[MV_LIMIT_BYTES]);
		return;
	}
	if (s->error && !compressed(c)) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, t->item->top.path, -1, "%s: "
		    "%s; its DiffID is not checked", c->where, s->error);
		return;
	}
	if (s->error || (!s->member_done && compressed(c)))
		return;         /* the content finding says why */
	if (EVP_DigestFinal_ex(s->md, d.value, &d.len) != 1) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, t->item->top.path, -1, "%s: "
		    "the digest could not be computed; its DiffID is not checked", c->where);
		return;
	}
	mv_digest_hex(&d, hex);
	if (alg_end && strcmp(alg_end + 1, hex) != 0)
		mv_findings_add(t->findings, MV_R_OCI_MODEL_DIFFID_MISMATCH, t->item->top.path, -1,
		    "%s: its uncompressed content hashes to %.*s:%s, but the model config's DiffID "
		    "for it is %s", c->where, (int)(alg_end - c->diffid), c->diffid, hex, c->diffid);
}

void
mv_ocilayer_end(struct mv_ocilayer *l, struct mv_task *t)
{
	const struct mv_oci_claims *cl = t->item->oci;
	size_t k = 0;

	for (size_t i = 0; cl && i < cl->n; i++) {
		const struct mv_oci_claim *c = &cl->v[i];
		struct stream *s = NULL;

		if (l && k < l->n && l->v[k].c == c)
			s = &l->v[k++];
		if (t->item->top.flags & MV_ENTRY_INCOMPLETE)
			continue;        /* the read error is reported; nothing to compare */
		if (s && s->over && compressed(c) && c->diffid == NULL)
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, t->item->top.path, -1,
			    "%s decompresses to more than %llu bytes (--max-bytes): not checked to be "
			    "a tar", c->where, (unsigned long long)t->run->limit[MV_LIMIT_BYTES]);
		check_content(t, c, s);
		if (s && c->diffid)
			check_diffid(t, c, s);
	}
	for (size_t i = 0; l && i < l->n; i++)
		stream_free(&l->v[i]);
	if (l)
		free(l->v);
	free(l);
}
