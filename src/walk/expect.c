/* SPDX-License-Identifier: Apache-2.0 */
/* expect.c: the digest a file's name (a content-addressed blob) or its download record
 * promises, checked on the one read of the file; and Git LFS pointers met in its place. */
#include "config.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/str.h"
#include "walk/hf.h"
#include "walk/name.h"
#include "walk/walk.h"

/* Pointers are about 130 bytes; the spec allows extension lines, never this many. */
#define LFS_POINTER_MAX 1024

static const char lfs_version[] = "version https://git-lfs.github.com/spec/v1\n";

static int
set(struct mv_expect *e, enum mv_expect_kind kind, const char *hex, const char *from)
{
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	memcpy(e->hex, hex, kind == MV_EXPECT_SHA256 ? 64 : 40);
	if ((e->from = mv_strdup(from)) == NULL)
		return -1;
	return 1;
}

int
mv_expect_from_blob(const char *real, struct mv_expect *e)
{
	const char *hex = mv_name_blob_digest(real), *base = strrchr(real, '/');
	size_t dirlen;

	if (hex) {
		char *from = mv_asprintf("content-addressed blob '%s'", hex);
		int r = from ? set(e, MV_EXPECT_SHA256, hex, from) : -1;

		free(from);
		return r;
	}
	/* Files git tracks itself are stored under their git blob SHA-1 in a hub cache. */
	if (base == NULL || !mv_is_lower_hex(base + 1, 40) || base[41] != '\0')
		return 0;
	dirlen = (size_t)(base - real);
	if (dirlen >= 5 && memcmp(base - 5, "blobs", 5) == 0 && (dirlen == 5 || base[-6] == '/')) {
		char *from = mv_asprintf("content-addressed blob '%s' (git blob SHA-1)", base + 1);
		int r = from ? set(e, MV_EXPECT_GIT_SHA1, base + 1, from) : -1;

		free(from);
		return r;
	}
	return 0;
}

int
mv_expect_from_etag(const char *etag, const char *from, struct mv_expect *e)
{
	size_t n = strlen(etag);

	if (n == 64 && mv_is_lower_hex(etag, 64))
		return set(e, MV_EXPECT_SHA256, etag, from);
	if (n == 40 && mv_is_lower_hex(etag, 40))
		return set(e, MV_EXPECT_GIT_SHA1, etag, from);
	return 0;
}

void
mv_expect_free(struct mv_expect *e)
{
	if (e == NULL)
		return;
	free(e->from);
	memset(e, 0, sizeof(*e));
}

int
mv_hex_prefix(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int
mv_lfs_pointer_parse(const unsigned char *p, size_t n, char oid[65], uint64_t *size)
{
	const char *s = (const char *)p, *end = s + n, *line;
	int have_oid = 0, have_size = 0;

	if (n > LFS_POINTER_MAX || n < sizeof(lfs_version) - 1 ||
	    memcmp(p, lfs_version, sizeof(lfs_version) - 1) != 0)
		return 0;
	/* key SP value LF, keys after version in sorted order: ext-N-name, oid, size. */
	for (line = s + sizeof(lfs_version) - 1; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t len;

		if (nl == NULL)
			return 0;
		len = (size_t)(nl - line);
		if (len == 75 && memcmp(line, "oid sha256:", 11) == 0 &&
		    mv_hex_prefix(line + 11, 64)) {
			memcpy(oid, line + 11, 64);
			oid[64] = '\0';
			have_oid = 1;
		} else if (len > 5 && len <= 25 && memcmp(line, "size ", 5) == 0) {
			uint64_t v = 0;

			for (size_t i = 5; i < len; i++) {
				if (line[i] < '0' || line[i] > '9' || v > (UINT64_MAX - 9) / 10)
					return 0;
				v = v * 10 + (uint64_t)(line[i] - '0');
			}
			*size = v;
			have_size = 1;
		} else if (!(len > 4 && memcmp(line, "ext-", 4) == 0 && memchr(line, ' ', len))) {
			return 0;
		}
		line = nl + 1;
	}
	return have_oid && have_size;
}

/* ---- the tee ---- */

struct mv_tee {
	struct mv_blocks b;
	struct mv_blocks *in;
	EVP_MD_CTX *md;                  /* the expectation's digest, when the run's lack it */
	uint64_t n;
	int failed;
	unsigned char head[LFS_POINTER_MAX + 1];
	size_t headlen;
	struct mv_ocilayer *layer;       /* an OCI model layer's claims, checked on the way */
};

static int
tee_next(void *arg, const unsigned char **p, size_t *n)
{
	struct mv_tee *t = arg;
	int r = t->in->next(t->in->arg, p, n);

	if (r < 0) {
		snprintf(t->b.err, sizeof(t->b.err), "%s", t->in->err);
		return r;
	}
	if (r == 0)
		return 0;
	if (t->md && EVP_DigestUpdate(t->md, *p, *n) != 1)
		t->failed = 1;
	if (t->layer)
		mv_ocilayer_feed(t->layer, *p, *n);
	if (t->headlen < sizeof(t->head)) {
		size_t take = sizeof(t->head) - t->headlen < *n ? sizeof(t->head) - t->headlen : *n;

		memcpy(t->head + t->headlen, *p, take);
		t->headlen += take;
	}
	t->n += *n;
	return 1;
}

/* Does the run's own digest serve the expectation (SHA-256 of the whole file)? */
static int
run_digest_serves(const struct mv_run *run, const struct mv_expect *e)
{
	return e->kind == MV_EXPECT_SHA256 && (run->hashes & MV_HASH_SHA256) &&
	    run->shard_size == 0;
}

struct mv_blocks *
mv_tee_new(struct mv_task *t, struct mv_blocks *in, struct mv_tee **out)
{
	struct mv_tee *tee = calloc(1, sizeof(*tee));
	const struct mv_expect *e = t->item->expect;

	*out = NULL;
	if (tee == NULL) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, t->item->top.path, -1,
		    "out of memory: neither a Git LFS pointer nor the digest a name or "
		    "download record promises is checked");
		return in;
	}
	tee->b.next = tee_next;
	tee->b.arg = tee;
	tee->in = in;
	if (e && !run_digest_serves(t->run, e)) {
		tee->md = EVP_MD_CTX_new();
		if (tee->md == NULL || EVP_DigestInit_ex(tee->md, e->kind == MV_EXPECT_SHA256 ?
		    EVP_sha256() : EVP_sha1(), NULL) != 1) {
			tee->failed = 1;
		} else if (e->kind == MV_EXPECT_GIT_SHA1) {
			char hdr[32];
			int k = snprintf(hdr, sizeof(hdr), "blob %llu",
			    (unsigned long long)t->item->top.size);

			/* The header counts its NUL. */
			if (EVP_DigestUpdate(tee->md, hdr, (size_t)k + 1) != 1)
				tee->failed = 1;
		}
	}
	tee->layer = mv_ocilayer_begin(t);
	*out = tee;
	return &tee->b;
}

static void
check_expect(struct mv_tee *tee, struct mv_task *t)
{
	const struct mv_expect *e = t->item->expect;
	const struct mv_entry *top = &t->item->top;
	char hex[2 * MV_DIGEST_MAX + 1] = "";
	const char *alg = e->kind == MV_EXPECT_SHA256 ? "sha256" : "git blob SHA-1";

	if (top->flags & MV_ENTRY_INCOMPLETE)
		return;  /* the read error is reported; no digest to compare */
	if (tee->md == NULL) {
		for (unsigned i = 0; i < top->ndigest; i++)
			if (top->digest[i].alg == MV_HASH_SHA256)
				mv_digest_hex(&top->digest[i], hex);
	} else {
		struct mv_digest d = {0};

		if (!tee->failed && EVP_DigestFinal_ex(tee->md, d.value, &d.len) == 1)
			mv_digest_hex(&d, hex);
	}
	if (hex[0] == '\0') {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, top->path, -1, "the %s of "
		    "the content could not be computed to check %s", alg, e->from);
		return;
	}
	if (e->kind == MV_EXPECT_GIT_SHA1 && tee->n != top->size) {
		mv_findings_add(t->findings, MV_R_INTEGRITY_DIGEST_MISMATCH, top->path, -1,
		    "%s: the file changed size while it was read (%llu bytes, then %llu)", e->from,
		    (unsigned long long)top->size, (unsigned long long)tee->n);
		return;
	}
	if (strcmp(hex, e->hex) != 0)
		mv_findings_add(t->findings, MV_R_INTEGRITY_DIGEST_MISMATCH, top->path, -1,
		    "%s hashes to %s %s", e->from, alg, hex);
}

static void
check_pointer(struct mv_tee *tee, struct mv_task *t)
{
	char oid[65];
	uint64_t size;

	if (tee->n != tee->headlen || !mv_lfs_pointer_parse(tee->head, tee->headlen, oid, &size))
		return;
	mv_findings_add(t->findings, MV_R_LFS_POINTER, t->item->top.path, -1, "Git LFS pointer "
	    "(oid sha256:%s, %llu bytes) in place of the file: its content was never downloaded",
	    oid, (unsigned long long)size);
}

void
mv_tee_finish(struct mv_tee *tee, struct mv_task *t)
{
	if (tee == NULL)
		return;
	if (t->item->expect)
		check_expect(tee, t);
	check_pointer(tee, t);
	mv_ocilayer_end(tee->layer, t);
	EVP_MD_CTX_free(tee->md);
	free(tee);
}
