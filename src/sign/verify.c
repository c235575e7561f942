/* SPDX-License-Identifier: Apache-2.0 */
/* verify.c: mavis verify: find and read the bundle, check its signature with a key or a
 * certificate chain, read the statement, hash the model as the statement says, and name every
 * difference. */
#include "config.h"

#include <errno.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/ctx.h"
#include "core/result.h"
#include "core/str.h"
#include "core/strset.h"
#include "hash/digest.h"
#include "sign/sign.h"

#define SIG_NAME "model.sig"

/* Where the signature came from, and its bytes. */
struct sigsrc {
	unsigned char *data;
	size_t len;
	char *where;                     /* a path, or ARCHIVE!/MEMBER */
	char *member;                    /* the archive member (normalised), or NULL */
};

static void
sigsrc_free(struct sigsrc *s)
{
	free(s->data);
	free(s->where);
	free(s->member);
	memset(s, 0, sizeof(*s));
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Does input i of the run hold a member model.sig (at the root or in one top folder)? */
static int
run_has_sig_member(const struct mv_result *res, size_t input)
{
	const char *in = mv_result_input(res, input);
	const char *topname = NULL;

	for (size_t k = 0; k < mv_result_entry_count(res); k++) {
		const struct mv_entry *e = mv_result_entry(res, k);
		size_t n;
		char *nm;
		int bad, hit;

		if (e->input != in)
			continue;
		if (e->depth == 0) {
			topname = e->name;
			continue;
		}
		if (e->depth != 1 || topname == NULL || e->type != MV_ENTRY_FILE)
			continue;
		n = strlen(topname);
		if (strncmp(e->name, topname, n) != 0 || strncmp(e->name + n, "!/", 2) != 0)
			continue;
		if ((nm = mv_member_name(e->name + n + 2, &bad)) == NULL)
			continue;
		hit = mv_member_is(nm, "*", SIG_NAME);
		free(nm);
		if (hit)
			return 1;
	}
	return 0;
}

/*
 * The signature: the file named, else model.sig in a folder model, else MODEL.sig beside a
 * file, else a member model.sig of an archive, read when it has at most max bytes.
 * MV_ERR_NOTFOUND when there is none; MV_ERR_LIMIT (s->where set) when it is larger.
 */
static mv_status
find_signature(struct mv_ctx *ctx, const struct mv_model *md, const char *named,
    const struct mv_result *reuse, size_t input, size_t max, struct sigsrc *s)
{
	char *path;
	mv_status st;

	memset(s, 0, sizeof(*s));
	path = named ? mv_strdup(named) : mv_sig_default_for(md->path, md->kind == MV_MODEL_DIR);
	if (path == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (named || md->kind == MV_MODEL_DIR || exists(path)) {
		/* A folder that cannot be searched is the problem to name, not the file in it
		 * the user never gave. */
		if (!named && md->kind == MV_MODEL_DIR && access(md->path, X_OK) != 0) {
			st = mv_ctx_fail(ctx, MV_ERR_IO, "%s: cannot look for %s in the folder: %s",
			    md->path, SIG_NAME, strerror(errno));
			free(path);
			return st;
		}
		st = mv_file_read(ctx, path, max, &s->data, &s->len);
		if (st == MV_ERR_NOTFOUND)
			mv_ctx_fail(ctx, st, "no signature: %s does not exist", path);
		if (st == MV_ERR_LIMIT) {
			s->where = path;
			return st;
		}
		if (st != MV_OK) {
			free(path);
			return st;
		}
		s->where = path;
		return MV_OK;
	}
	/* An archive shipped with its signature inside (a signed folder, tarred up). */
	/* What the scan's own walk saw is asked first: the archive is opened again only when
	 * the walk found a member model.sig in it. */
	if ((reuse && !run_has_sig_member(reuse, input)) || mv_archive_format_of(md->path) == 0) {
		mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "no signature: %s does not exist", path);
		free(path);
		return MV_ERR_NOTFOUND;
	}
	st = mv_archive_member_read(ctx, md->path, "*", SIG_NAME, max, &s->data, &s->len,
	    &s->member);
	if (st == MV_ERR_NOTFOUND)
		mv_ctx_fail(ctx, st, "no signature: neither %s nor a member %s in %s", path,
		    SIG_NAME, md->path);
	free(path);
	if (st == MV_ERR_LIMIT &&
	    (s->where = mv_asprintf("%s!/%s", md->path, SIG_NAME)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (st != MV_OK)
		return st;
	if ((s->where = mv_asprintf("%s!/%s", md->path, s->member)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	return MV_OK;
}

mv_status
mv_trust_load(struct mv_ctx *ctx, const struct mv_verify_opts *o, struct mv_trust *t)
{
	mv_status st;

	memset(t, 0, sizeof(*t));
	if (o->public_key) {
		if ((st = mv_key_load_public(ctx, o->public_key, &t->key)) != MV_OK)
			return st;
		if (mv_key_hint(t->key, t->hint) != MV_OK)
			return mv_ctx_fail(ctx, MV_ERR_CRYPTO, "%s: cannot encode the key",
			    o->public_key);
	}
	if (o->nroots && (st = mv_x509_load_pem(ctx, o->roots, o->nroots, &t->roots)) != MV_OK)
		return st;
	if (o->trusted_root && (st = mv_trusted_root_load(ctx, o->trusted_root, &t->tr)) != MV_OK)
		return st;
	return MV_OK;
}

void
mv_trust_free(struct mv_trust *t)
{
	mv_key_free(t->key);
	mv_x509_free_all(t->roots);
	mv_trusted_root_free(t->tr);
	memset(t, 0, sizeof(*t));
}

/* The signature over the standard PAE, else over the form model_signing 0.2 signed (which
 * always hashed with SHA-256). *compat says which verified. */
static int
check_sig(EVP_PKEY *k, const char *mdname, const struct mv_bundle *b, int *compat)
{
	struct mv_buf pae;
	int ok;

	*compat = 0;
	mv_buf_init(&pae, MV_SIG_MAX_BYTES + 128);
	ok = mv_pae(&pae, b->payload_type, b->payload, b->payload_len) == MV_OK &&
	    mv_key_verify(k, mdname, pae.p, pae.len, b->sig, b->sig_len);
	if (!ok && !EVP_PKEY_is_a(k, "ED25519")) {
		mv_buf_reset(&pae);
		ok = mv_pae_compat(&pae, b->payload_type, b->payload, b->payload_len) == MV_OK &&
		    mv_key_verify(k, "SHA2-256", pae.p, pae.len, b->sig, b->sig_len);
		*compat = ok;
	}
	mv_buf_free(&pae);
	return ok;
}

static mv_status
check_key(struct mv_ctx *ctx, const struct mv_trust *t, const struct mv_bundle *b,
    struct mv_verify_report *rep)
{
	const char *mdname;
	char *signer;
	int compat;
	mv_status st;

	signer = mv_asprintf("key %s %s", mv_key_type_name(t->key), t->hint);
	st = signer ? mv_report_set(&rep->signer, signer) : MV_ERR_NOMEM;
	free(signer);
	if (st != MV_OK)
		return st;
	/* model_signing stops at a hint that names another key: so do we, saying so. */
	if (b->key_hint && strcmp(b->key_hint, t->hint) != 0)
		return mv_report_diff(rep, MV_DIFF_WRONG_KEY, "", "signed with the key whose hint "
		    "is %s; the key given has hint %s", b->key_hint, t->hint);
	if (mv_key_digest(ctx, t->key, &mdname) != MV_OK)
		return mv_report_diff(rep, MV_DIFF_UNSUPPORTED, "", "%s keys are not used for "
		    "model signatures", mv_key_type_name(t->key));
	if (check_sig(t->key, mdname, b, &compat))
		return MV_OK;
	/* Older bundles carry the signer's key itself: name the mismatch when it is that. */
	if (b->key_raw) {
		EVP_PKEY *theirs = NULL;
		char hint[65];

		if (mv_key_from_pem(ctx, b->key_raw, b->key_raw_len, &theirs) == MV_OK &&
		    mv_key_hint(theirs, hint) == MV_OK && strcmp(hint, t->hint) != 0) {
			mv_key_free(theirs);
			return mv_report_diff(rep, MV_DIFF_WRONG_KEY, "", "signed with the key whose "
			    "hint is %s; the key given has hint %s", hint, t->hint);
		}
		mv_key_free(theirs);
	}
	return mv_report_diff(rep, MV_DIFF_BAD_SIGNATURE, "", "the envelope's signature does not "
	    "verify with the %s key given", mv_key_type_name(t->key));
}

static mv_status
check_cert(struct mv_ctx *ctx, const struct mv_verify_opts *o, const struct mv_trust *t,
    const struct mv_bundle *b, struct mv_verify_report *rep)
{
	STACK_OF(X509) *chain = NULL;
	EVP_PKEY *leafkey;
	const char *mdname;
	char *desc;
	int compat;
	mv_status st;

	if (mv_x509_parse_chain(ctx, b->cert, b->cert_len, b->ncert, &chain) != MV_OK)
		return mv_report_diff(rep, MV_DIFF_MALFORMED, "", "%s", mv_ctx_error(ctx));
	desc = mv_x509_describe(sk_X509_value(chain, 0));
	st = mv_report_set(&rep->signer, desc);
	free(desc);
	if (st != MV_OK)
		goto done;
	leafkey = X509_get0_pubkey(sk_X509_value(chain, 0));
	if (leafkey == NULL || mv_key_digest(ctx, leafkey, &mdname) != MV_OK) {
		st = mv_report_diff(rep, MV_DIFF_UNSUPPORTED, "", "the signing certificate holds a "
		    "%s key, which model signatures do not use",
		    leafkey ? mv_key_type_name(leafkey) : "unreadable");
		goto done;
	}
	if (mv_x509_verify(ctx, chain, t->roots, o->cert_time) != MV_OK) {
		st = mv_report_diff(rep, MV_DIFF_UNTRUSTED, "", "%s", mv_ctx_error(ctx));
		goto done;
	}
	/* Accepted as model_signing accepts it, and said, so a policy can refuse it. */
	rep->notes = mv_x509_leaf_notes(sk_X509_value(chain, 0));
	if (!check_sig(leafkey, mdname, b, &compat))
		st = mv_report_diff(rep, MV_DIFF_BAD_SIGNATURE, "", "the envelope's signature does "
		    "not verify with the signing certificate's key");
done:
	mv_x509_free_all(chain);
	return st;
}

/* The bundle's signature checked with the trust material that fits its method; problems
 * become differences in rep. */
mv_status
mv_bundle_verify(struct mv_ctx *ctx, const struct mv_verify_opts *o, const struct mv_trust *t,
    const struct mv_bundle *b, struct mv_verify_report *rep)
{
	switch (b->method) {
	case MV_SIG_KEY:
		if (t->key == NULL)
			return mv_report_diff(rep, MV_DIFF_WRONG_METHOD, "", "signed with a key: "
			    "verify with the signer's public key");
		return check_key(ctx, t, b, rep);
	case MV_SIG_CERTIFICATE:
		if (t->roots == NULL)
			return mv_report_diff(rep, MV_DIFF_WRONG_METHOD, "", "signed with a "
			    "certificate chain: verify with its root CA certificate");
		return check_cert(ctx, o, t, b, rep);
	case MV_SIG_SIGSTORE:
		if (t->tr == NULL)
			return mv_report_diff(rep, MV_DIFF_WRONG_METHOD, "", "a Sigstore keyless "
			    "signature (Fulcio certificate, Rekor log entry): verify with a trusted "
			    "root, the signer's identity and its issuer");
		return mv_sigstore_verify(ctx, t->tr, b, o->identity, o->issuer, rep);
	case MV_SIG_NONE:
		break;
	}
	return mv_report_diff(rep, MV_DIFF_MALFORMED, "", "no verification material");
}

static const char *
producer_of(const struct mv_bundle *b, const struct mv_manifest *m, enum mv_oms_version v)
{
	if (v == MV_OMS_V01)
		return "model_signing 0.2";
	if (b->method == MV_SIG_SIGSTORE)
		return b->ntlog && json_object_get(json_object_get((json_t *)b->json,
		    "verificationMaterial"), "timestampVerificationData") &&
		    json_array_size(json_object_get(json_object_get(json_object_get(
		    (json_t *)b->json, "verificationMaterial"), "timestampVerificationData"),
		    "rfc3161Timestamps")) ? "model_signing 1.1 or later (Sigstore, with a timestamp)" :
		    "model_signing 0.3 or later (Sigstore)";
	if (b->method == MV_SIG_KEY && b->key_raw && !b->key_hint)
		return "model_signing 0.3 to 1.0 (key in the bundle)";
	if (m->nignore || b->key_hint || b->has_tlog)
		return "model_signing 1.1 or later, or another OMS v1.0 writer";
	return "model_signing 0.3 to 1.0";
}

/* A resource pointer list sorted by file path, then offset. */
static int
cmp_res(const void *a, const void *b)
{
	const struct mv_resource *x = *(const struct mv_resource *const *)a;
	const struct mv_resource *y = *(const struct mv_resource *const *)b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	return x->start < y->start ? -1 : x->start > y->start;
}

static const struct mv_resource **
sorted(const struct mv_manifest *m)
{
	const struct mv_resource **v = calloc(m->n ? m->n : 1, sizeof(*v));

	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < m->n; i++)
		v[i] = &m->r[i];
	if (m->n > 1)
		qsort(v, m->n, sizeof(*v), cmp_res);
	return v;
}

/* Describe why the resources of one file differ (files: the digests; shards: how many). */
static mv_status
report_changed(struct mv_verify_report *rep, const char *path,
    const struct mv_resource *const *s, size_t ns, const struct mv_resource *const *l, size_t nl)
{
	char sh[2 * MV_DIGEST_MAX + 1], lh[2 * MV_DIGEST_MAX + 1];
	struct mv_digest d;
	size_t bad = 0;

	if (!s[0]->shard) {
		d.len = s[0]->len;
		memcpy(d.value, s[0]->digest, d.len);
		mv_digest_hex(&d, sh);
		d.len = l[0]->len;
		memcpy(d.value, l[0]->digest, d.len);
		mv_digest_hex(&d, lh);
		return mv_report_diff(rep, MV_DIFF_CHANGED, path, "signed %s %s, found %s",
		    mv_hash_name(s[0]->alg), sh, lh);
	}
	if (ns != nl || s[ns - 1]->end != l[nl - 1]->end)
		return mv_report_diff(rep, MV_DIFF_CHANGED, path, "size differs: signed %llu bytes, "
		    "found %llu", (unsigned long long)s[ns - 1]->end,
		    (unsigned long long)l[nl - 1]->end);
	for (size_t i = 0; i < ns; i++)
		if (s[i]->len != l[i]->len || memcmp(s[i]->digest, l[i]->digest, s[i]->len) != 0)
			bad++;
	return mv_report_diff(rep, MV_DIFF_CHANGED, path, "%zu of %zu shards differ (first at "
	    "byte %llu)", bad, ns, (unsigned long long)s[0]->start);
}

static int
same_group(const struct mv_resource *const *s, const struct mv_resource *const *l, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i]->start != l[i]->start || s[i]->end != l[i]->end || s[i]->alg != l[i]->alg ||
		    s[i]->len != l[i]->len || memcmp(s[i]->digest, l[i]->digest, s[i]->len) != 0)
			return 0;
	return 1;
}

/* Compare per file: missing, extra, changed; files with a problem of their own (unreadable,
 * refused) are reported once, as that. */
static mv_status
compare(struct mv_verify_report *rep, const struct mv_manifest *sig,
    const struct mv_manifest *loc, const struct mv_scope_issues *is, int ignore_unsigned)
{
	const struct mv_resource **s = sorted(sig), **l = sorted(loc);
	struct mv_strset bad;
	size_t i = 0, j = 0;
	mv_status st = MV_OK;

	mv_strset_init(&bad);
	if (s == NULL || l == NULL) {
		st = MV_ERR_NOMEM;
		goto done;
	}
	for (size_t k = 0; k < is->n && st == MV_OK; k++) {
		st = mv_report_diff(rep, is->v[k].kind, is->v[k].name, "%s", is->v[k].detail);
		if (st == MV_OK)
			st = mv_strset_add(&bad, is->v[k].name, strlen(is->v[k].name), &(int){0});
	}
	while (st == MV_OK && (i < sig->n || j < loc->n)) {
		const char *p;
		size_t ni = 0, nj = 0;
		int c;

		if (i == sig->n)
			c = 1;
		else if (j == loc->n)
			c = -1;
		else
			c = strcmp(s[i]->path, l[j]->path);
		p = c <= 0 ? s[i]->path : l[j]->path;
		while (c <= 0 && i + ni < sig->n && strcmp(s[i + ni]->path, p) == 0)
			ni++;
		while (c >= 0 && j + nj < loc->n && strcmp(l[j + nj]->path, p) == 0)
			nj++;
		if (mv_strset_has(&bad, p, strlen(p)))
			; /* already reported */
		else if (nj == 0)
			st = mv_report_diff(rep, MV_DIFF_MISSING, p, "signed, not found in the model");
		else if (ni == 0 && !ignore_unsigned)
			st = mv_report_diff(rep, MV_DIFF_EXTRA, p, "in the model, not signed");
		else if (ni && (ni != nj || !same_group(s + i, l + j, ni)))
			st = report_changed(rep, p, s + i, ni, l + j, nj);
		i += ni;
		j += nj;
	}
done:
	mv_strset_free(&bad);
	free(s);
	free(l);
	return st == MV_OK ? MV_OK : MV_ERR_NOMEM;
}

/* How many signed names the local manifest has (to pick how archive names map). */
static size_t
matches(const struct mv_manifest *sig, const struct mv_manifest *loc)
{
	struct mv_strset set;
	size_t n = 0;

	mv_strset_init(&set);
	for (size_t i = 0; i < loc->n; i++)
		if (mv_strset_add(&set, loc->r[i].name, strlen(loc->r[i].name), &(int){0}) != MV_OK)
			break;
	for (size_t i = 0; i < sig->n; i++)
		n += mv_strset_has(&set, sig->r[i].name, strlen(sig->r[i].name));
	mv_strset_free(&set);
	return n;
}

/* Is every signed resource the one file of a one-file model, named "." or by its name? */
static const char *
single_name(const struct mv_manifest *m, const char *base)
{
	int dot = 1, named = 1;

	for (size_t i = 0; i < m->n; i++) {
		dot = dot && strcmp(m->r[i].path, ".") == 0;
		named = named && strcmp(m->r[i].path, base) == 0;
	}
	return dot ? "." : named ? base : NULL;
}

static mv_status
set_status(struct mv_verify_report *rep)
{
	rep->status = MV_VERIFY_VALID;
	for (size_t i = 0; i < rep->ndiff; i++) {
		if (rep->diff[i].kind == MV_DIFF_UNREADABLE)
			rep->status = MV_VERIFY_INCOMPLETE;
		else if (rep->status == MV_VERIFY_VALID)
			rep->status = MV_VERIFY_FAILED;
	}
	return MV_OK;
}

static enum mv_sig_diff_kind
kind_of(mv_status st)
{
	switch (st) {
	case MV_ERR_UNSUPPORTED: return MV_DIFF_UNSUPPORTED;
	case MV_ERR_VERIFY: return MV_DIFF_INCONSISTENT;
	default: return MV_DIFF_MALFORMED;
	}
}

/*
 * A folder checked against the signature of one file (its one resource named "."): comparing
 * names would only say "." is missing. Say what the signature covers instead, and which file
 * of the folder it is when one has the signed digest.
 */
static mv_status
one_file_signature(struct mv_verify_report *rep, const struct mv_model *md,
    const struct sigsrc *src, const struct mv_manifest *m, const struct mv_manifest *lm)
{
	char *file = NULL;
	mv_status st;

	for (size_t i = 0; file == NULL && !m->shards && i < lm->n; i++)
		if (lm->r[i].alg == m->r[0].alg && lm->r[i].len == m->r[0].len &&
		    memcmp(lm->r[i].digest, m->r[0].digest, m->r[0].len) == 0 &&
		    (file = mv_path_join(md->path, lm->r[i].path)) == NULL)
			return MV_ERR_NOMEM;
	if (file)
		st = mv_report_diff(rep, MV_DIFF_WRONG_MODEL, "", "the signature covers one file "
		    "(resource \".\"), not a folder: it is %s; verify that file with the signature "
		    "named (mavis verify --signature %s %s)", file, src->where, file);
	else
		st = mv_report_diff(rep, MV_DIFF_WRONG_MODEL, "", "the signature covers one file "
		    "(resource \".\"), not a folder, and no file of %s has its digest; verify the "
		    "signed file with the signature named (mavis verify --signature %s FILE)",
		    md->path, src->where);
	free(file);
	return st;
}

/* After a trusted signature: hash the model as the statement says and compare. */
static mv_status
check_files(struct mv_ctx *ctx, const struct mv_verify_opts *o, struct mv_model *md,
    const struct sigsrc *src, const struct mv_manifest *m, const struct mv_result *reuse,
    size_t input, struct mv_verify_report *rep)
{
	struct mv_scope sc;
	struct mv_scope_issues is;
	struct mv_manifest lm, alt;
	struct mv_result *own = NULL;
	char *sigrel = NULL;
	const char *one = NULL;
	mv_status st;

	memset(&sc, 0, sizeof(sc));
	memset(&is, 0, sizeof(is));
	mv_manifest_init(&lm);
	mv_manifest_init(&alt);
	if (md->kind == MV_MODEL_FILE) {
		one = single_name(m, md->name);
		if (src->member || (one == NULL && mv_archive_format_of(md->path)))
			md->kind = MV_MODEL_ARCHIVE;
	}
	rep->kind = md->kind;
	if (src->member == NULL && (st = mv_model_rel(ctx, md, src->where, &sigrel)) != MV_OK)
		goto done;
	if ((st = mv_scope_ignores(ctx, &sc, md, !o->no_git_ignores, m->ignore, m->nignore,
	    o->ignore, o->nignore, sigrel)) != MV_OK)
		goto done;
	/* The signer's choice (recorded in the statement) or the verifier's. */
	sc.allow_symlinks = o->allow_symlinks || m->allow_symlinks;
	sc.strip = -1;
	sc.single_name = one ? one : ".";
	sc.only = o->ignore_unsigned ? m : NULL;
	/* The signature inside an archive is not part of what it signs. */
	sc.sig_member = src->member;
	lm.shards = alt.shards = m->shards;
	lm.alg = alt.alg = m->alg;
	lm.shard_size = alt.shard_size = m->shard_size;
	if ((st = mv_model_hash(ctx, md, &sc, reuse, input, &lm, &is, &own)) != MV_OK)
		goto done;
	/* Archive names: below the single top folder, unless the signature names the members
	 * as stored (a model signed as a folder holding one folder, then tarred from inside). */
	if (md->kind == MV_MODEL_ARCHIVE && md->top && matches(m, &lm) < m->n) {
		struct mv_scope_issues is2;
		struct mv_scope sc2 = sc;
		char *top = md->top;

		memset(&is2, 0, sizeof(is2));
		md->top = NULL;
		sc2.strip = 0;
		st = mv_model_build(ctx, md, &sc2, own ? own : reuse, own ? 0 : input, &alt, &is2);
		if (st == MV_OK && matches(m, &alt) > matches(m, &lm)) {
			free(top);
			mv_manifest_free(&lm);
			lm = alt;
			mv_manifest_init(&alt);
			mv_scope_issues_free(&is);
			is = is2;
		} else {
			md->top = top;
			mv_scope_issues_free(&is2);
		}
		if (st != MV_OK)
			goto done;
	}
	if (md->top && (st = mv_report_set(&rep->top, md->top)) != MV_OK)
		goto done;
	if (md->kind == MV_MODEL_DIR && m->n > 0 && single_name(m, "") != NULL) {
		st = one_file_signature(rep, md, src, m, &lm);
		goto done;
	}
	st = compare(rep, m, &lm, &is, o->ignore_unsigned);
done:
	mv_result_free(own);
	mv_manifest_free(&lm);
	mv_manifest_free(&alt);
	mv_scope_issues_free(&is);
	mv_scope_free(&sc);
	free(sigrel);
	return st;
}

/*
 * The whole verification once the signature is in hand. Returns MV_OK with the conclusions in
 * rep, or an error when the trust material cannot be used.
 */
static mv_status
verify_with(struct mv_ctx *ctx, const struct mv_verify_opts *o, struct mv_model *md,
    const struct sigsrc *src, const struct mv_result *reuse, size_t input, int scanning,
    struct mv_verify_report *rep)
{
	struct mv_trust t;
	struct mv_bundle b;
	struct mv_manifest m;
	enum mv_oms_version ver;
	mv_status st, pst;

	memset(&b, 0, sizeof(b));
	mv_manifest_init(&m);
	if ((st = mv_trust_load(ctx, o, &t)) != MV_OK)
		goto done;
	if ((pst = mv_bundle_read(ctx, src->data, src->len, &b)) != MV_OK) {
		rep->method = b.method;
		st = mv_report_diff(rep, pst == MV_ERR_UNSUPPORTED ? MV_DIFF_UNSUPPORTED :
		    MV_DIFF_MALFORMED, "", "%s", mv_ctx_error(ctx));
		goto done;
	}
	rep->method = b.method;
	if ((st = mv_bundle_verify(ctx, o, &t, &b, rep)) != MV_OK)
		goto done;
	/* No statement is trusted, nor any file compared, before its signature verifies. */
	if (st != MV_OK || rep->ndiff)
		goto done;
	if ((pst = mv_statement_read(ctx, b.payload, b.payload_len, &m, &ver)) != MV_OK) {
		st = mv_report_diff(rep, kind_of(pst), "", "%s", mv_ctx_error(ctx));
		goto done;
	}
	if ((st = mv_report_set(&rep->format, ver == MV_OMS_V01 ? "OMS v0.1 (Digests predicate)" :
	    "OMS v1.0")) != MV_OK ||
	    (st = mv_report_set(&rep->producer, producer_of(&b, &m, ver))) != MV_OK)
		goto done;
	rep->nresources = m.n;
	st = check_files(ctx, o, md, src, &m, reuse, input, rep);
	if (st == MV_OK && m.has_root && rep->ndiff == 0) {
		rep->has_root = 1;
		memcpy(rep->root, m.root, 32);
	}
	/* mavis verify (a scan reads attestations itself): what mavis sign --attest wrote. */
	if (st == MV_OK && !scanning && src->member == NULL)
		st = mv_attest_verify_beside(ctx, o, &t, src->where, &m, rep);
done:
	mv_manifest_free(&m);
	mv_bundle_free(&b);
	mv_trust_free(&t);
	if (st == MV_ERR_NOMEM)
		mv_ctx_fail(ctx, st, "out of memory");
	return st;
}

static mv_status
verify_impl(struct mv_ctx *ctx, const struct mv_walker *w, const struct mv_verify_opts *opts,
    const char *model, const struct mv_result *reuse, size_t input, int scanning,
    struct mv_verify_report **out)
{
	struct mv_verify_opts oo, *o = &oo;
	struct mv_verify_report *rep = NULL;
	struct mv_model md;
	struct sigsrc src;
	mv_status st;
	int peek;

	*out = NULL;
	memset(&src, 0, sizeof(src));
	memset(&md, 0, sizeof(md));
	if ((st = mv_opts_read(ctx, opts, o, sizeof(*o), scanning ? "mv_signature_check" :
	    "mv_verify", "MV_VERIFY_OPTS_INIT")) != MV_OK)
		return st;
	if (mv_report_new(&rep) != MV_OK)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if ((st = mv_report_set(&rep->model, model)) != MV_OK)
		goto done;
	if (!scanning && o->public_key == NULL && o->nroots == 0 && o->trusted_root == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "no trust material: give the signer's public "
		    "key, the root CA certificates or a Sigstore trusted root");
		goto done;
	}
	if (o->trusted_root && (o->identity == NULL || o->issuer == NULL)) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "keyless verification needs the signer's "
		    "identity and its OIDC issuer");
		goto done;
	}
	/* An artifact pulled from a registry has no folder for a model.sig; its signatures
	 * would be OCI referrers, which are not looked up: none is found. */
	if (reuse && mv_result_input_is_remote(reuse, input)) {
		if (o->signature || !scanning) {
			st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: signatures of oci:// inputs "
			    "are not verified (neither a detached file nor OCI referrers)", model);
			goto done;
		}
		rep->status = MV_VERIFY_NO_SIGNATURE;
		goto done;
	}
	if ((st = mv_model_open(ctx, w, model, &md)) != MV_OK)
		goto done;
	rep->kind = md.kind;
	/* With nothing to check it against, a scan only says what the signature claims: a
	 * larger one is not read (it would cost its size and more, for a hint). */
	peek = scanning && o->public_key == NULL && o->nroots == 0 && o->trusted_root == NULL;
	st = find_signature(ctx, &md, o->signature, reuse, input, peek ? MV_SIG_PEEK_BYTES :
	    MV_SIG_MAX_BYTES, &src);
	if (st == MV_ERR_NOTFOUND && scanning) {
		rep->status = MV_VERIFY_NO_SIGNATURE;
		st = mv_report_set(&rep->signature, o->signature);
		goto done;
	}
	if (st == MV_ERR_LIMIT && peek) {
		rep->status = MV_VERIFY_UNVERIFIED;
		st = mv_report_set(&rep->signature, src.where);
		goto done;
	}
	if (st != MV_OK)
		goto done;
	if ((st = mv_report_set(&rep->signature, src.where)) != MV_OK)
		goto done;
	if (peek) {
		/* A signature and nothing to check it with: say what it claims, trust nothing. */
		struct mv_bundle b;

		rep->status = MV_VERIFY_UNVERIFIED;
		if (mv_bundle_read(ctx, src.data, src.len, &b) == MV_OK) {
			rep->method = b.method;
			if (b.method == MV_SIG_KEY && b.key_hint) {
				char *s = mv_asprintf("key hint %s (not verified)", b.key_hint);

				st = s ? mv_report_set(&rep->signer, s) : MV_ERR_NOMEM;
				free(s);
			}
		}
		mv_bundle_free(&b);
		goto done;
	}
	if ((st = verify_with(ctx, o, &md, &src, reuse, input, scanning, rep)) != MV_OK)
		goto done;
	set_status(rep);
done:
	sigsrc_free(&src);
	mv_model_close(&md);
	if (st != MV_OK) {
		mv_verify_report_free(rep);
		return st;
	}
	*out = rep;
	return MV_OK;
}

/* A caller that only tests the status must not take a forged or changed model for a
 * verified one: anything short of valid is MV_ERR_VERIFY, with the report still given. */
static mv_status
verdict(struct mv_ctx *ctx, mv_status st, const char *model, struct mv_verify_report *rep)
{
	if (st != MV_OK || rep == NULL || rep->status == MV_VERIFY_VALID)
		return st;
	return mv_ctx_fail(ctx, MV_ERR_VERIFY, "%s: %s", model,
	    mv_verify_status_name(rep->status));
}

mv_status
mv_verify_model(struct mv_ctx *ctx, const struct mv_walker *w, const struct mv_verify_opts *o,
    const char *model, struct mv_verify_report **out)
{
	/* The report is read after it is made: an argument list has no order. */
	mv_status st = verify_impl(ctx, w, o, model, NULL, 0, 0, out);

	return verdict(ctx, st, model, *out);
}

mv_status
mv_verify_model_result(struct mv_ctx *ctx, const struct mv_walker *w,
    const struct mv_verify_opts *o, const struct mv_result *res, size_t input,
    struct mv_verify_report **out)
{
	const char *in = mv_result_input(res, input);
	mv_status st;

	*out = NULL;
	if (in == NULL)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "no input %zu in the run", input);
	st = verify_impl(ctx, w, o, in, res, input, 0, out);
	return verdict(ctx, st, in, *out);
}

mv_status
mv_signature_model_check(struct mv_ctx *ctx, const struct mv_walker *w,
    const struct mv_verify_opts *o, struct mv_result *res, size_t input,
    struct mv_verify_report **out)
{
	const char *in = mv_result_input(res, input);
	struct mv_verify_report *rep = NULL;
	struct stat sb;
	mv_status st;

	if (out)
		*out = NULL;
	if (in == NULL)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "no input %zu in the run", input);
	/* A stream (standard input, a pipe, a device) has no place for a signature beside it. */
	if (mv_result_input_is_stdin(res, input) || (stat(in, &sb) == 0 &&
	    !S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode)))
		return MV_OK;
	if ((st = verify_impl(ctx, w, o, in, res, input, 1, &rep)) != MV_OK)
		return st;
	if ((st = mv_verify_report_findings(rep, res, input)) != MV_OK) {
		mv_verify_report_free(rep);
		return mv_ctx_fail(ctx, st, "out of memory");
	}
	if (out)
		*out = rep;
	else
		mv_verify_report_free(rep);
	return MV_OK;
}
