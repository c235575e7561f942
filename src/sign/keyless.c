/* SPDX-License-Identifier: Apache-2.0 */
/* keyless.c: Sigstore keyless signing: an ephemeral P-256 key, a Fulcio certificate binding
 * it to the OIDC identity, the DSSE envelope signed with it, RFC 3161 timestamps over its
 * signature when the signing config names timestamp authorities, and the envelope logged in
 * the Rekor logs it names (rekor.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/ctx.h"
#include "core/str.h"
#include "hash/digest.h"
#include "sign/sign.h"

/* A Fulcio reply, a certificate chain, is a few KiB. */
#define MAX_FULCIO_REPLY (1u << 20)

mv_status
mv_keyless_open(struct mv_ctx *ctx, const struct mv_sign_opts *o, struct mv_keyless *kl)
{
	mv_status st;

	memset(kl, 0, sizeof(*kl));
	if ((st = mv_sigstore_urls_load(ctx, o->signing_config, o->staging, &kl->urls)) != MV_OK ||
	    (st = mv_oidc_token_get(ctx, o->identity_token, &kl->token)) != MV_OK)
		mv_keyless_close(kl);
	return st;
}

void
mv_keyless_close(struct mv_keyless *kl)
{
	mv_sigstore_urls_free(&kl->urls);
	mv_oidc_token_free(&kl->token);
}

mv_status
mv_fulcio_leaf(struct mv_ctx *ctx, void *reply, X509 **leaf)
{
	json_t *chain = json_object_get(json_object_get(reply, "signedCertificateEmbeddedSct"),
	    "chain");
	const char *first;
	BIO *bio = NULL;

	*leaf = NULL;
	if (chain == NULL)
		chain = json_object_get(json_object_get(reply, "signedCertificateDetachedSct"),
		    "chain");
	first = json_string_value(json_array_get(json_object_get(chain, "certificates"), 0));
	if (first != NULL && (bio = BIO_new_mem_buf(first, -1)) != NULL)
		*leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return *leaf ? MV_OK : mv_ctx_fail(ctx, MV_ERR_FORMAT, "Fulcio replied without a "
	    "certificate");
}

/* Fulcio v2 signingCert: the public key and a signature over the token's subject (proof that
 * the caller holds the key), for the leaf certificate of the chain it returns. */
static mv_status
fulcio_cert(struct mv_ctx *ctx, struct mv_keyless *kl, EVP_PKEY *key, X509 **leaf)
{
	json_t *req = NULL;
	void *reply = NULL;
	unsigned char *pop = NULL;
	size_t poplen = 0, pemlen;
	char *pem = NULL, *popb64 = NULL;
	mv_status st;

	*leaf = NULL;
	if ((st = mv_key_pub_pem(ctx, key, &pem, &pemlen)) != MV_OK ||
	    (st = mv_key_sign(ctx, key, "SHA2-256", (const unsigned char *)kl->token.subject,
	    strlen(kl->token.subject), &pop, &poplen)) != MV_OK)
		goto done;
	popb64 = mv_b64_encode(pop, poplen);
	req = popb64 ? json_pack("{s:{s:s},s:{s:{s:s,s:s},s:s}}",
	    "credentials", "oidcIdentityToken", kl->token.raw,
	    "publicKeyRequest", "publicKey", "algorithm", "ECDSA", "content", pem,
	    "proofOfPossession", popb64) : NULL;
	if (req == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = mv_http_json(ctx, "Fulcio", kl->urls.fulcio, "/api/v2/signingCert", req,
	    MAX_FULCIO_REPLY, &reply)) != MV_OK || (st = mv_fulcio_leaf(ctx, reply, leaf)) != MV_OK)
		goto done;
	/* A certificate for some other key would make a bundle that can never verify. */
	if (EVP_PKEY_eq(X509_get0_pubkey(*leaf), key) != 1) {
		st = mv_ctx_fail(ctx, MV_ERR_VERIFY, "Fulcio issued a certificate for another key");
		goto done;
	}
	st = mv_x509_check_usage(ctx, *leaf, MV_X509_USAGE_FULCIO);
done:
	if (st != MV_OK) {
		X509_free(*leaf);
		*leaf = NULL;
	}
	ERR_clear_error();
	json_decref(req);
	json_decref(reply);
	free(pem);
	free(pop);
	free(popb64);
	return st;
}

/* What the timestamp authorities and the logs are asked about. */
struct signed_env {
	struct mv_keyless *kl;
	X509 *leaf;
	const unsigned char *payload, *sig;
	size_t n, siglen;
};

/* need items from n services, asking them in order, each by ask (service i; its item, or a
 * failure on the context); a JSON array of them. Those that failed were worth trying only
 * while enough others could make up. */
static mv_status
gather(struct mv_ctx *ctx, size_t n, size_t need, const char *what,
    mv_status (*ask)(struct mv_ctx *, const struct signed_env *, size_t, json_t **),
    const struct signed_env *se, json_t **out)
{
	json_t *arr;
	mv_status st = MV_OK;
	size_t got = 0;

	*out = NULL;
	if ((arr = json_array()) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n && got < need; i++) {
		json_t *item = NULL;

		if ((st = ask(ctx, se, i, &item)) == MV_OK) {
			if (json_array_append_new(arr, item) != 0)
				st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			else
				got++;
		}
		if (st == MV_ERR_NOMEM)
			break;
	}
	if (got < need) {
		if (st == MV_OK)
			st = mv_ctx_fail(ctx, MV_ERR_VERIFY, "%zu of the %zu %s asked for were made",
			    got, need, what);
		json_decref(arr);
		return st;
	}
	*out = arr;
	return MV_OK;
}

/* A timestamp over the signature from authority i, as an RFC3161SignedTimestamp. */
static mv_status
stamp(struct mv_ctx *ctx, const struct signed_env *se, size_t i, json_t **item)
{
	unsigned char *der = NULL;
	size_t len = 0;
	mv_status st = mv_tsa_stamp(ctx, se->kl->urls.tsa[i], se->sig, se->siglen, se->leaf, &der,
	    &len);

	if (st == MV_OK && (*item = json_pack("{s:o*}", "signedTimestamp",
	    mv_json_b64(der, len))) == NULL)
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	free(der);
	return st;
}

/* The envelope logged in log i, as a TransparencyLogEntry. */
static mv_status
log_entry(struct mv_ctx *ctx, const struct signed_env *se, size_t i, json_t **item)
{
	void *e = NULL;
	mv_status st = mv_rekor_log(ctx, se->kl->urls.rekor[i], se->kl->urls.rekor_major,
	    se->leaf, se->payload, se->n, se->sig, se->siglen, &e);

	*item = e;
	return st;
}

mv_status
mv_keyless_sign(struct mv_ctx *ctx, struct mv_keyless *kl, const unsigned char *payload,
    size_t n, struct mv_buf *out)
{
	EVP_PKEY *key = NULL;
	X509 *leaf = NULL;
	json_t *entries = NULL, *stamps = NULL;
	struct signed_env se;
	struct mv_buf pae;
	unsigned char *sig = NULL, *der = NULL;
	size_t siglen = 0;
	int derlen;
	mv_status st;

	mv_buf_init(&pae, MV_SIG_MAX_BYTES + 128);
	/* Hashing a large model may have outlived the token. */
	if ((st = mv_oidc_token_alive(ctx, &kl->token)) != MV_OK)
		goto done;
	if ((key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot make an ephemeral key");
		goto done;
	}
	if ((st = fulcio_cert(ctx, kl, key, &leaf)) != MV_OK)
		goto done;
	if (mv_pae(&pae, MV_OMS_PAYLOAD_TYPE, payload, n) != MV_OK) {
		st = mv_ctx_fail(ctx, MV_ERR_LIMIT, "statement too large");
		goto done;
	}
	if ((st = mv_key_sign(ctx, key, "SHA2-256", pae.p, pae.len, &sig, &siglen)) != MV_OK)
		goto done;
	if (!mv_key_verify(key, "SHA2-256", pae.p, pae.len, sig, siglen)) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "the signature just made does not verify");
		goto done;
	}
	/* Timestamps first (as many as the signing config asks for, none when it names no
	 * authority): nothing is logged for good when an authority refuses. */
	se.kl = kl;
	se.leaf = leaf;
	se.payload = payload;
	se.n = n;
	se.sig = sig;
	se.siglen = siglen;
	if ((kl->urls.ntsa && (st = gather(ctx, kl->urls.ntsa, kl->urls.tsa_need, "timestamps",
	    stamp, &se, &stamps)) != MV_OK) ||
	    (st = gather(ctx, kl->urls.nrekor, kl->urls.rekor_need, "log entries", log_entry,
	    &se, &entries)) != MV_OK)
		goto done;
	if ((derlen = i2d_X509(leaf, &der)) <= 0) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot encode the certificate");
		goto done;
	}
	st = mv_bundle_write_keyless(ctx, der, (size_t)derlen, entries, stamps, payload, n, sig,
	    siglen, out);
done:
	ERR_clear_error();
	OPENSSL_free(der);
	json_decref(entries);
	json_decref(stamps);
	X509_free(leaf);
	EVP_PKEY_free(key);
	free(sig);
	mv_buf_free(&pae);
	return st;
}
