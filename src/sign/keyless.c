/* SPDX-License-Identifier: Apache-2.0 */
/* keyless.c: Sigstore keyless signing: an ephemeral P-256 key, a Fulcio certificate binding
 * it to the OIDC identity, the DSSE envelope signed with it, RFC 3161 timestamps over its
 * signature when the signing config names timestamp authorities, and the envelope logged in
 * Rekor (v1, a dsse entry) with the log's promise, inclusion proof and checkpoint. */
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

/* Replies: a certificate chain is a few KiB; a Rekor entry holds the envelope (the
 * statement, which may be tens of MB for a model of many files) and a proof. */
#define MAX_FULCIO_REPLY (1u << 20)
#define MAX_REKOR_REPLY (MV_SIG_MAX_BYTES + (1u << 20))

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

/* POST a JSON document; the reply parsed. */
static mv_status
post_json(struct mv_ctx *ctx, const char *what, const char *base, const char *path,
    json_t *req, size_t max, json_t **reply)
{
	char *url = mv_asprintf("%s%s", base, path), *body = json_dumps(req, JSON_COMPACT);
	struct mv_http_req rq;
	struct mv_buf out;
	json_error_t err;
	mv_status st;

	*reply = NULL;
	mv_buf_init(&out, max);
	if (url == NULL || body == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	memset(&rq, 0, sizeof(rq));
	rq.what = what;
	rq.url = url;
	rq.body = body;
	rq.body_len = strlen(body);
	rq.content_type = "application/json";
	if ((st = mv_http(ctx, &rq, &out)) != MV_OK)
		goto done;
	if ((*reply = json_loadb((const char *)out.p, out.len, JSON_REJECT_DUPLICATES, &err)) ==
	    NULL)
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s replied with something not JSON: %s",
		    what, err.text);
done:
	mv_buf_free(&out);
	free(url);
	free(body);
	return st;
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
	json_t *req = NULL, *reply = NULL;
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
	if ((st = post_json(ctx, "Fulcio", kl->urls.fulcio, "/api/v2/signingCert", req,
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

/* A JSON string holding a decimal integer (the proto3 mapping of int64); NULL when v is not
 * a non-negative integer. */
static json_t *
int_string(json_t *v)
{
	char buf[32];

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return NULL;
	snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
	return json_string(buf);
}

/* Lowercase or uppercase hex to a base64 JSON string; NULL when not hex of at most 64
 * bytes. */
static json_t *
hex_b64(json_t *v)
{
	const char *h = json_string_value(v);
	unsigned char raw[64];
	size_t n = h ? strlen(h) : 1;

	if (h == NULL || n % 2 || n / 2 > sizeof(raw) || n == 0 || mv_hex_decode(h, raw, n / 2))
		return NULL;
	return mv_json_b64(raw, n / 2);
}

void *
mv_rekor_v1_entry(void *replyp)
{
	json_t *reply = replyp;
	json_t *le = json_object_size(reply) == 1 ? json_object_iter_value(json_object_iter(
	    reply)) : NULL;
	json_t *ver = json_object_get(le, "verification");
	json_t *proof = json_object_get(ver, "inclusionProof");
	json_t *hashes = json_object_get(proof, "hashes");
	json_t *e = json_object(), *hs = json_array();
	int ok = e && hs && json_is_object(proof) && json_is_array(hashes) &&
	    json_is_string(json_object_get(le, "body")) &&
	    json_is_string(json_object_get(ver, "signedEntryTimestamp")) &&
	    json_is_string(json_object_get(proof, "checkpoint"));

	for (size_t i = 0; ok && i < json_array_size(hashes); i++)
		ok = json_array_append_new(hs, hex_b64(json_array_get(hashes, i))) == 0 &&
		    json_string_value(json_array_get(hs, i)) != NULL;
	ok = ok && mv_json_put(e, "logIndex", int_string(json_object_get(le, "logIndex")));
	ok = ok && mv_json_put(e, "logId", json_pack("{s:o*}", "keyId",
	    hex_b64(json_object_get(le, "logID"))));
	ok = ok && json_object_get(json_object_get(e, "logId"), "keyId") != NULL;
	ok = ok && mv_json_put(e, "kindVersion", json_pack("{s:s,s:s}", "kind", "dsse", "version",
	    "0.0.1"));
	ok = ok && mv_json_put(e, "integratedTime", int_string(json_object_get(le, "integratedTime")));
	ok = ok && mv_json_put(e, "inclusionPromise", json_pack("{s:O}", "signedEntryTimestamp",
	    json_object_get(ver, "signedEntryTimestamp")));
	ok = ok && mv_json_put(e, "inclusionProof", json_pack("{s:o*,s:o*,s:o*,s:O,s:{s:O}}",
	    "logIndex", int_string(json_object_get(proof, "logIndex")),
	    "rootHash", hex_b64(json_object_get(proof, "rootHash")),
	    "treeSize", int_string(json_object_get(proof, "treeSize")),
	    "hashes", hs, "checkpoint", "envelope", json_object_get(proof, "checkpoint")));
	ok = ok && json_object_size(json_object_get(e, "inclusionProof")) == 5;
	ok = ok && mv_json_put(e, "canonicalizedBody", json_incref(json_object_get(le, "body")));
	json_decref(hs);
	if (!ok) {
		json_decref(e);
		return NULL;
	}
	return e;
}

/* Log the envelope as a Rekor dsse 0.0.1 entry with the certificate as its verifier; the
 * entry as the bundle carries it, checked to describe this envelope. */
static mv_status
rekor_entry(struct mv_ctx *ctx, struct mv_keyless *kl, X509 *leaf,
    const unsigned char *payload, size_t n, const unsigned char *sig, size_t siglen,
    json_t **entry)
{
	json_t *env = NULL, *req = NULL, *reply = NULL;
	char *payb64 = mv_b64_encode(payload, n), *sigb64 = mv_b64_encode(sig, siglen), *envs = NULL;
	char *verifier = NULL, *p;
	unsigned char *body = NULL;
	size_t bodylen;
	const char *why, *cb;
	BIO *bio = BIO_new(BIO_s_mem());
	long pemlen;
	mv_status st = MV_OK;

	*entry = NULL;
	if (bio && PEM_write_bio_X509(bio, leaf) == 1 && (pemlen = BIO_get_mem_data(bio, &p)) > 0)
		verifier = mv_b64_encode(p, (size_t)pemlen);
	env = payb64 && sigb64 ? json_pack("{s:s,s:s,s:[{s:s}]}", "payload", payb64,
	    "payloadType", MV_OMS_PAYLOAD_TYPE, "signatures", "sig", sigb64) : NULL;
	envs = env ? json_dumps(env, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	req = envs && verifier ? json_pack("{s:s,s:s,s:{s:{s:s,s:[s]}}}", "apiVersion", "0.0.1",
	    "kind", "dsse", "spec", "proposedContent", "envelope", envs, "verifiers", verifier) :
	    NULL;
	if (req == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = post_json(ctx, "Rekor", kl->urls.rekor, "/api/v1/log/entries", req,
	    MAX_REKOR_REPLY, &reply)) != MV_OK)
		goto done;
	if ((*entry = mv_rekor_v1_entry(reply)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "Rekor replied with an incomplete log entry");
		goto done;
	}
	/* What the log recorded must be this envelope, or the bundle cannot verify. */
	cb = json_string_value(json_object_get(*entry, "canonicalizedBody"));
	if (mv_b64_decode(cb, strlen(cb), &body, &bodylen) != 0)
		why = "its body is not base64";
	else
		why = mv_rekor_dsse_check(body, bodylen, payload, n, sig, siglen, leaf);
	if (why) {
		st = mv_ctx_fail(ctx, MV_ERR_VERIFY, "Rekor logged something else: %s", why);
		json_decref(*entry);
		*entry = NULL;
	}
done:
	ERR_clear_error();
	BIO_free(bio);
	json_decref(env);
	json_decref(req);
	json_decref(reply);
	free(payb64);
	free(sigb64);
	free(envs);
	free(verifier);
	free(body);
	return st;
}

/* Timestamps over the signature from as many authorities as the signing config asks for,
 * trying them in order; a JSON array of RFC3161SignedTimestamp objects (NULL: none asked
 * for). */
static mv_status
timestamps(struct mv_ctx *ctx, struct mv_keyless *kl, X509 *leaf, const unsigned char *sig,
    size_t siglen, json_t **out)
{
	json_t *arr;
	mv_status st = MV_OK;
	size_t got = 0;

	*out = NULL;
	if (kl->urls.ntsa == 0)
		return MV_OK;
	if ((arr = json_array()) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < kl->urls.ntsa && got < kl->urls.tsa_need; i++) {
		unsigned char *der = NULL;
		size_t len = 0;

		if ((st = mv_tsa_stamp(ctx, kl->urls.tsa[i], sig, siglen, leaf, &der, &len)) ==
		    MV_OK) {
			if (json_array_append_new(arr, json_pack("{s:o*}", "signedTimestamp",
			    mv_json_b64(der, len))) != 0 ||
			    json_object_size(json_array_get(arr, got)) != 1)
				st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			else
				got++;
		}
		free(der);
		if (st == MV_ERR_NOMEM)
			break;
	}
	/* Those that failed were worth trying only while enough others could make up. */
	if (got < kl->urls.tsa_need) {
		if (st == MV_OK)
			st = mv_ctx_fail(ctx, MV_ERR_VERIFY, "%zu of the %zu timestamps asked for were "
			    "made", got, kl->urls.tsa_need);
		json_decref(arr);
		return st;
	}
	*out = arr;
	return MV_OK;
}

mv_status
mv_keyless_sign(struct mv_ctx *ctx, struct mv_keyless *kl, const unsigned char *payload,
    size_t n, struct mv_buf *out)
{
	EVP_PKEY *key = NULL;
	X509 *leaf = NULL;
	json_t *entry = NULL, *stamps = NULL;
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
	/* Timestamps first: nothing is logged for good when an authority refuses. */
	if ((st = timestamps(ctx, kl, leaf, sig, siglen, &stamps)) != MV_OK ||
	    (st = rekor_entry(ctx, kl, leaf, payload, n, sig, siglen, &entry)) != MV_OK)
		goto done;
	if ((derlen = i2d_X509(leaf, &der)) <= 0) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot encode the certificate");
		goto done;
	}
	st = mv_bundle_write_keyless(ctx, der, (size_t)derlen, entry, stamps, payload, n, sig,
	    siglen, out);
done:
	ERR_clear_error();
	OPENSSL_free(der);
	json_decref(entry);
	json_decref(stamps);
	X509_free(leaf);
	EVP_PKEY_free(key);
	free(sig);
	mv_buf_free(&pae);
	return st;
}
