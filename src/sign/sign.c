/* SPDX-License-Identifier: Apache-2.0 */
/* sign.c: mavis sign: hash the model, build the statement, sign its DSSE encoding with a key
 * (and certificate chain), and write the bundle atomically. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/ctx.h"
#include "core/str.h"
#include "sign/sign.h"

/* The certificate method's material: the leaf (from --cert, else the token's certificate for
 * the key) and the chain after it, leaf first. */
static mv_status
load_chain(struct mv_ctx *ctx, const struct mv_sign_opts *o, const struct mv_signer *sg,
    STACK_OF(X509) **out)
{
	STACK_OF(X509) *leaf = NULL, *rest = NULL;
	const char *from = o->cert ? o->cert : "the token's certificate";
	mv_status st;

	*out = NULL;
	if (o->cert) {
		if ((st = mv_x509_load_pem(ctx, &o->cert, 1, &leaf)) != MV_OK)
			return st;
	} else {
		X509 *dup = X509_dup(sg->cert);

		if (dup == NULL || (leaf = sk_X509_new_null()) == NULL ||
		    sk_X509_push(leaf, dup) <= 0) {
			X509_free(dup);
			sk_X509_free(leaf);
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		}
	}
	if (o->nchain && (st = mv_x509_load_pem(ctx, o->chain, o->nchain, &rest)) != MV_OK)
		goto done;
	/* The first certificate of the file is the signing one; it must hold our key. */
	if (EVP_PKEY_eq(X509_get0_pubkey(sk_X509_value(leaf, 0)), sg->key) != 1) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: the certificate is not for the private "
		    "key given", from);
		goto done;
	}
	/* Refuse before signing what no verifier would take: a signature made with such a
	 * certificate could never verify. */
	if (mv_x509_check_usage(ctx, sk_X509_value(leaf, 0), MV_X509_USAGE_OMS) != MV_OK) {
		char why[512];

		snprintf(why, sizeof(why), "%s", mv_ctx_error(ctx));
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: cannot sign models: %s", from, why);
		goto done;
	}
	if (ASN1_TIME_compare(X509_get0_notAfter(sk_X509_value(leaf, 0)),
	    X509_get0_notBefore(sk_X509_value(leaf, 0))) < 0) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: the certificate is valid at no time (its "
		    "notAfter is before its notBefore, or unreadable)", from);
		goto done;
	}
	while (sk_X509_num(leaf) > 1)
		X509_free(sk_X509_pop(leaf));
	while (rest && sk_X509_num(rest) > 0) {
		X509 *x = sk_X509_shift(rest);

		if (sk_X509_push(leaf, x) <= 0) {
			X509_free(x);
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	*out = leaf;
	leaf = NULL;
done:
	mv_x509_free_all(leaf);
	mv_x509_free_all(rest);
	return st;
}

/* Refuse with the first problem named, and how many more there are. */
static mv_status
refuse(struct mv_ctx *ctx, const struct mv_model *md, const struct mv_scope_issues *is)
{
	const struct mv_scope_issue *x = &is->v[0];
	char more[64] = "";

	if (is->n > 1)
		snprintf(more, sizeof(more), " (and %zu more)", is->n - 1);
	if (x->name[0] == '\0')
		return mv_ctx_fail(ctx, MV_ERR_IO, "cannot sign: %s%s", x->detail, more);
	return mv_ctx_fail(ctx, x->kind == MV_DIFF_UNREADABLE ? MV_ERR_IO : MV_ERR_UNSUPPORTED,
	    "cannot sign %s: %s %s%s", md->path, x->name, x->detail, more);
}

/* Open the model and decide how an archive given as the model is read. */
static mv_status
model_open(struct mv_ctx *ctx, const struct mv_walker *w, const struct mv_sign_opts *o,
    const char *model, struct mv_model *md)
{
	mv_status st;

	if ((st = mv_model_open(ctx, w, model, md)) != MV_OK)
		return st;
	if (md->kind == MV_MODEL_FILE && o->archive != MV_SIG_ARCHIVE_WHOLE) {
		int fmt = mv_archive_format_of(md->path);

		if (o->archive == MV_SIG_ARCHIVE_MEMBERS && fmt == 0)
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: not an archive mavis can read",
			    md->path);
		if (fmt && (o->archive == MV_SIG_ARCHIVE_MEMBERS || mv_archive_kind_auto(fmt)))
			md->kind = MV_MODEL_ARCHIVE;
	}
	return MV_OK;
}

/* Hash the model into m as a signature written to sigpath would cover it: what mv_sign signs
 * and mv_sign_digest prints. */
static mv_status
model_manifest(struct mv_ctx *ctx, const struct mv_sign_opts *o, struct mv_model *md,
    const char *sigpath, struct mv_manifest *m)
{
	struct mv_scope sc;
	struct mv_scope_issues issues;
	struct mv_result *res = NULL;
	char *sigrel = NULL, *attpath = NULL, *attrel = NULL;
	mv_status st;

	memset(&sc, 0, sizeof(sc));
	memset(&issues, 0, sizeof(issues));
	if ((st = mv_model_rel(ctx, md, sigpath, &sigrel)) != MV_OK)
		goto done;
	/* The attestation written beside the signature is no more part of what is signed. */
	if (o->attest && ((st = mv_attest_default_path(ctx, sigpath, &attpath)) != MV_OK ||
	    (st = mv_model_rel(ctx, md, attpath, &attrel)) != MV_OK))
		goto done;
	/* In an archive, model.sig at the root is where a signature travels with the model
	 * (mavis verify looks there), so it is never part of what is signed, as in a folder. */
	if (md->kind == MV_MODEL_ARCHIVE && sigrel == NULL &&
	    (sigrel = mv_strdup("model.sig")) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = mv_scope_ignores(ctx, &sc, md, !o->no_git_ignores, &attrel, attrel != NULL,
	    o->ignore, o->nignore, sigrel)) != MV_OK)
		goto done;
	sc.allow_symlinks = o->allow_symlinks;
	sc.strip = -1;
	/* model_signing names a one-file model's resource "."; its verifier needs that. */
	sc.single_name = ".";
	m->alg = o->hash ? o->hash : MV_HASH_SHA256;
	/* model_signing serializes BLAKE3 by files whatever shard size it is given (BLAKE3
	 * spreads one file over the cores itself), and so does mavis. */
	m->shards = o->shard_size > 0 && m->alg != MV_HASH_BLAKE3;
	m->shard_size = m->shards ? o->shard_size : 0;
	m->allow_symlinks = o->allow_symlinks;
	for (size_t i = 0; i < sc.nignore; i++)
		if ((st = mv_manifest_add_ignore(m, sc.ignore[i])) != MV_OK) {
			st = mv_ctx_fail(ctx, st, "out of memory");
			goto done;
		}
	if ((st = mv_model_hash(ctx, md, &sc, NULL, 0, m, &issues, &res)) != MV_OK)
		goto done;
	if (issues.n) {
		st = refuse(ctx, md, &issues);
		goto done;
	}
	if (m->n == 0) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: nothing to sign: no files %s", md->path,
		    sc.nignore ? "left after the ignore paths" : "in the model");
		goto done;
	}
	if (o->model_name)
		m->model_name = mv_strdup(o->model_name);
	else if (md->kind == MV_MODEL_ARCHIVE)
		m->model_name = mv_strdup(md->top ? md->top : md->stem);
	else
		m->model_name = mv_strdup(md->name);
	if (m->model_name == NULL)
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
done:
	free(sigrel);
	free(attpath);
	free(attrel);
	mv_scope_issues_free(&issues);
	mv_scope_free(&sc);
	mv_result_free(res);
	return st;
}

static mv_status
check_hash(struct mv_ctx *ctx, const struct mv_sign_opts *o)
{
	unsigned hash = o->hash ? o->hash : MV_HASH_SHA256;

	if (hash != MV_HASH_SHA256 && hash != MV_HASH_BLAKE2B && hash != MV_HASH_BLAKE3)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "OMS signatures hash with sha256, blake2b or "
		    "blake3");
	return MV_OK;
}

/* The signature file, and so the one file left out of what is hashed. */
static mv_status
sig_path(struct mv_ctx *ctx, const struct mv_sign_opts *o, const char *model,
    const struct mv_model *md, char **out)
{
	*out = o->signature ? mv_strdup(o->signature) :
	    mv_sig_default_for(model, md->kind == MV_MODEL_DIR);
	return *out ? MV_OK : mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
}

/* mavis sign --attest: the caller's predicate over the signature's subject, signed by the
 * same signer into a bundle with the same verification material, as one JSON line. */
static mv_status
attestation(struct mv_ctx *ctx, const struct mv_sign_opts *o, const struct mv_signer *sg,
    const struct mv_manifest *m, const char *hint, const unsigned char *const *der,
    const size_t *derlen, size_t nder, const char *sigpath, struct mv_buf *out, char **path)
{
	struct mv_buf stmt, pae;
	unsigned char *data = NULL, *sig = NULL;
	size_t len = 0, siglen = 0;
	mv_status st;

	mv_buf_init(&stmt, MV_SIG_MAX_BYTES);
	mv_buf_init(&pae, MV_SIG_MAX_BYTES);
	if ((st = mv_attest_default_path(ctx, sigpath, path)) != MV_OK ||
	    (st = mv_file_read(ctx, o->attest, MV_SIG_MAX_BYTES, &data, &len)) != MV_OK ||
	    (st = mv_statement_attest(ctx, m, o->attest, data, len, &stmt)) != MV_OK)
		goto done;
	if ((st = mv_pae(&pae, MV_OMS_PAYLOAD_TYPE, stmt.p, stmt.len)) != MV_OK) {
		st = mv_ctx_fail(ctx, st, "%s: attestation too large", o->attest);
		goto done;
	}
	if ((st = mv_signer_sign(ctx, sg, pae.p, pae.len, &sig, &siglen)) != MV_OK ||
	    (st = mv_bundle_write(ctx, hint, der, derlen, nder, stmt.p, stmt.len, sig, siglen,
	    out)) != MV_OK)
		goto done;
	if ((st = mv_buf_addc(out, '\n')) != MV_OK)
		st = mv_ctx_fail(ctx, st, "attestation too large");
done:
	free(data);
	free(sig);
	mv_buf_free(&stmt);
	mv_buf_free(&pae);
	return st;
}

mv_status
mv_sign_model_digest(struct mv_ctx *ctx, const struct mv_walker *w,
    const struct mv_sign_opts *opts, const char *model, unsigned char root[32],
    size_t *nresources)
{
	struct mv_sign_opts oo, *o = &oo;
	struct mv_model md;
	struct mv_manifest m;
	char *sigpath = NULL;
	mv_status st;

	memset(&md, 0, sizeof(md));
	mv_manifest_init(&m);
	if (nresources)
		*nresources = 0;
	if ((st = mv_opts_read(ctx, opts, o, sizeof(*o), "mv_sign_digest",
	    "MV_SIGN_OPTS_INIT")) != MV_OK)
		goto done;
	if ((st = check_hash(ctx, o)) != MV_OK || (st = model_open(ctx, w, o, model, &md)) != MV_OK)
		goto done;
	if ((st = sig_path(ctx, o, model, &md, &sigpath)) != MV_OK ||
	    (st = model_manifest(ctx, o, &md, sigpath, &m)) != MV_OK)
		goto done;
	if ((st = mv_manifest_root(&m, root)) != MV_OK) {
		st = mv_ctx_fail(ctx, st, "cannot compute the root digest");
		goto done;
	}
	if (nresources)
		*nresources = m.n;
done:
	free(sigpath);
	mv_manifest_free(&m);
	mv_model_close(&md);
	return st;
}

/* Keyless: the identity token first (an expired one should not wait for a hundred
 * gigabytes), then the model, then Fulcio and Rekor. */
static mv_status
sign_keyless(struct mv_ctx *ctx, const struct mv_walker *w, const struct mv_sign_opts *o,
    const char *model, size_t *nresources)
{
	struct mv_model md;
	struct mv_manifest m;
	struct mv_keyless kl;
	struct mv_buf payload, bundle;
	char *sigpath = NULL;
	int open = 0;
	mv_status st;

	memset(&md, 0, sizeof(md));
	mv_manifest_init(&m);
	mv_buf_init(&payload, MV_SIG_MAX_BYTES);
	mv_buf_init(&bundle, MV_SIG_MAX_BYTES);
	if (o->key || o->cert || o->nchain) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "keyless signing takes no key or certificate");
		goto done;
	}
	if ((st = check_hash(ctx, o)) != MV_OK || (st = model_open(ctx, w, o, model, &md)) != MV_OK)
		goto done;
	if ((st = mv_keyless_open(ctx, o, &kl)) != MV_OK)
		goto done;
	open = 1;
	if ((st = sig_path(ctx, o, model, &md, &sigpath)) != MV_OK ||
	    (st = model_manifest(ctx, o, &md, sigpath, &m)) != MV_OK ||
	    (st = mv_statement_write(ctx, &m, &payload)) != MV_OK ||
	    (st = mv_keyless_sign(ctx, &kl, payload.p, payload.len, &bundle)) != MV_OK)
		goto done;
	if ((st = mv_file_write(ctx, sigpath, bundle.p, bundle.len, 0666, 0)) != MV_OK)
		goto done;
	if (nresources)
		*nresources = m.n;
	if (o->method)
		*o->method = MV_SIG_SIGSTORE;
done:
	if (open)
		mv_keyless_close(&kl);
	free(sigpath);
	mv_buf_free(&payload);
	mv_buf_free(&bundle);
	mv_manifest_free(&m);
	mv_model_close(&md);
	return st;
}

mv_status
mv_sign_model(struct mv_ctx *ctx, const struct mv_walker *w, const struct mv_sign_opts *opts,
    const char *model, size_t *nresources)
{
	struct mv_sign_opts oo, *o = &oo;
	struct mv_model md;
	struct mv_manifest m;
	struct mv_buf payload, pae, bundle;
	struct mv_signer sg;
	STACK_OF(X509) *chain = NULL;
	unsigned char **der = NULL, *sig = NULL;
	size_t *derlen = NULL, nder = 0, siglen = 0;
	char *sigpath = NULL, *attpath = NULL, hint[65];
	struct mv_buf att;
	mv_status st;

	memset(&md, 0, sizeof(md));
	memset(&sg, 0, sizeof(sg));
	mv_manifest_init(&m);
	mv_buf_init(&att, MV_SIG_MAX_BYTES);
	mv_buf_init(&payload, MV_SIG_MAX_BYTES);
	mv_buf_init(&pae, MV_SIG_MAX_BYTES);
	mv_buf_init(&bundle, MV_SIG_MAX_BYTES);
	if (nresources)
		*nresources = 0;
	if ((st = mv_opts_read(ctx, opts, o, sizeof(*o), "mv_sign", "MV_SIGN_OPTS_INIT")) !=
	    MV_OK)
		goto done;
	/* A keyless attestation would need a certificate and a log entry of its own; refused
	 * rather than signed without it or left out in silence. */
	if (o->keyless && o->attest) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "--attest cannot be used with keyless signing "
		    "(sigstore): sign the attestation with a key or a certificate");
		goto done;
	}
	if (o->keyless) {
		st = sign_keyless(ctx, w, o, model, nresources);
		goto done;
	}
	if (o->key == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "no private key given");
		goto done;
	}
	if ((st = check_hash(ctx, o)) != MV_OK)
		goto done;
	if (o->nchain && o->cert == NULL && !mv_p11_key(o->key)) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "a certificate chain needs the signing "
		    "certificate too");
		goto done;
	}
	if ((st = model_open(ctx, w, o, model, &md)) != MV_OK)
		goto done;
	/* The key first: a wrong passphrase or PIN should not wait for a hundred gigabytes. */
	if ((st = mv_signer_open(ctx, o, &sg)) != MV_OK)
		goto done;
	if (o->nchain && o->cert == NULL && sg.cert == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "a certificate chain needs the signing "
		    "certificate too (the token holds none for the key)");
		goto done;
	}
	if ((o->cert || sg.cert) && (st = load_chain(ctx, o, &sg, &chain)) != MV_OK)
		goto done;
	if ((st = sig_path(ctx, o, model, &md, &sigpath)) != MV_OK ||
	    (st = model_manifest(ctx, o, &md, sigpath, &m)) != MV_OK)
		goto done;
	if ((st = mv_statement_write(ctx, &m, &payload)) != MV_OK)
		goto done;
	if ((st = mv_pae(&pae, MV_OMS_PAYLOAD_TYPE, payload.p, payload.len)) != MV_OK) {
		st = mv_ctx_fail(ctx, st, "statement too large");
		goto done;
	}
	if ((st = mv_signer_sign(ctx, &sg, pae.p, pae.len, &sig, &siglen)) != MV_OK)
		goto done;
	if (chain) {
		if ((st = mv_x509_der(ctx, chain, &der, &derlen)) != MV_OK)
			goto done;
		nder = (size_t)sk_X509_num(chain);
	} else if (mv_key_hint(sg.key, hint) != MV_OK) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot encode the public key");
		goto done;
	}
	if ((st = mv_bundle_write(ctx, hint, (const unsigned char *const *)der, derlen, nder,
	    payload.p, payload.len, sig, siglen, &bundle)) != MV_OK)
		goto done;
	/* The attestation is made whole before anything is written. */
	if (o->attest && (st = attestation(ctx, o, &sg, &m, chain ? NULL : hint,
	    (const unsigned char *const *)der, derlen, nder, sigpath, &att, &attpath)) != MV_OK)
		goto done;
	if ((st = mv_file_write(ctx, sigpath, bundle.p, bundle.len, 0666, 0)) != MV_OK)
		goto done;
	if (o->attest && (st = mv_file_write(ctx, attpath, att.p, att.len, 0666, 0)) != MV_OK)
		goto done;
	if (nresources)
		*nresources = m.n;
	if (o->method)
		*o->method = chain ? MV_SIG_CERTIFICATE : MV_SIG_KEY;
done:
	mv_x509_der_free(der, derlen, nder);
	mv_x509_free_all(chain);
	mv_signer_close(&sg);
	free(sig);
	free(sigpath);
	mv_buf_free(&payload);
	mv_buf_free(&pae);
	mv_buf_free(&bundle);
	mv_buf_free(&att);
	free(attpath);
	mv_manifest_free(&m);
	mv_model_close(&md);
	return st;
}
