/* SPDX-License-Identifier: Apache-2.0 */
/* rekor.c: the envelope logged in Rekor for keyless signing, and the log's reply taken into
 * the bundle: a v1 dsse 0.0.1 entry (its LogEntry reply turned into a TransparencyLogEntry)
 * or a v2 dsse 0.0.2 entry (the reply is one); and what a v2 entry's body must say of the
 * envelope, which signing and verification both check. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/ctx.h"
#include "core/sha256.h"
#include "core/str.h"
#include "sign/sign.h"

/* A Rekor entry holds the envelope (the statement, which may be tens of MB for a model of
 * many files) and a proof. */
#define MAX_REKOR_REPLY (MV_SIG_MAX_BYTES + (1u << 20))
/* Inclusion proofs of a log of 2^64 entries hold 64 hashes. */
#define MAX_PROOF 64

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

/* A Rekor v1 proposed dsse 0.0.1 entry: the envelope (a JSON string) with the certificate
 * (PEM, base64) as its verifier; NULL when out of memory. */
static json_t *
request_v1(X509 *leaf, const unsigned char *payload, size_t n, const unsigned char *sig,
    size_t siglen)
{
	json_t *env = NULL, *req = NULL;
	char *payb64 = mv_b64_encode(payload, n), *sigb64 = mv_b64_encode(sig, siglen), *envs = NULL;
	char *verifier = NULL, *p;
	BIO *bio = BIO_new(BIO_s_mem());
	long pemlen;

	if (bio && PEM_write_bio_X509(bio, leaf) == 1 && (pemlen = BIO_get_mem_data(bio, &p)) > 0)
		verifier = mv_b64_encode(p, (size_t)pemlen);
	env = payb64 && sigb64 ? json_pack("{s:s,s:s,s:[{s:s}]}", "payload", payb64,
	    "payloadType", MV_OMS_PAYLOAD_TYPE, "signatures", "sig", sigb64) : NULL;
	envs = env ? json_dumps(env, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	req = envs && verifier ? json_pack("{s:s,s:s,s:{s:{s:s,s:[s]}}}", "apiVersion", "0.0.1",
	    "kind", "dsse", "spec", "proposedContent", "envelope", envs, "verifiers", verifier) :
	    NULL;
	ERR_clear_error();
	BIO_free(bio);
	json_decref(env);
	free(payb64);
	free(sigb64);
	free(envs);
	free(verifier);
	return req;
}

/* ---- Rekor v2 ---- */

/* The bytes of a base64 JSON string; -1 when v is not one. */
static int
b64_of(json_t *v, unsigned char **out, size_t *len)
{
	*out = NULL;
	if (!json_is_string(v))
		return -1;
	return mv_b64_decode(json_string_value(v), json_string_length(v), out, len);
}

/* Is v base64 of n bytes (any length when n is 0)? */
static int
b64_is(json_t *v, size_t n)
{
	unsigned char *raw;
	size_t len;
	int ok = b64_of(v, &raw, &len) == 0 && (n == 0 || len == n);

	free(raw);
	return ok;
}

/* An int64 of the proto3 JSON mapping: a string of decimal digits (a number tolerated; absent,
 * which is how that mapping writes 0, when zero may be), as a new JSON string; NULL when it
 * is none of those. */
static json_t *
i64_of(json_t *v, int zero)
{
	const char *s = json_string_value(v);
	size_t n = s ? strlen(s) : 0;

	if (v == NULL && zero)
		return json_string("0");
	if (json_is_integer(v))
		return int_string(v);
	if (n == 0 || n > 19 || strspn(s, "0123456789") != n)
		return NULL;
	return json_string(s);
}

void *
mv_rekor_v2_entry(void *replyp)
{
	json_t *r = replyp, *kv = json_object_get(r, "kindVersion");
	json_t *proof = json_object_get(r, "inclusionProof"), *hashes = json_object_get(proof,
	    "hashes");
	json_t *e = json_object(), *p = json_object();
	int ok = e && p && (hashes == NULL || json_is_array(hashes)) &&
	    json_array_size(hashes) <= MAX_PROOF;

	/* Only what a dsse 0.0.2 entry is made of, in the message's field order. */
	ok = ok && json_is_string(json_object_get(kv, "kind")) &&
	    strcmp(json_string_value(json_object_get(kv, "kind")), "dsse") == 0 &&
	    json_is_string(json_object_get(kv, "version")) &&
	    strcmp(json_string_value(json_object_get(kv, "version")), "0.0.2") == 0;
	for (size_t i = 0; ok && i < json_array_size(hashes); i++)
		ok = b64_is(json_array_get(hashes, i), 32);
	ok = ok && b64_is(json_object_get(proof, "rootHash"), 32) &&
	    json_is_string(json_object_get(json_object_get(proof, "checkpoint"), "envelope")) &&
	    b64_is(json_object_get(json_object_get(r, "logId"), "keyId"), 0) &&
	    b64_is(json_object_get(r, "canonicalizedBody"), 0);
	/* proto3's JSON leaves out zeros and empty lists: the first entry of a log, the proof
	 * of a tree of one. */
	ok = ok && mv_json_put(p, "logIndex", i64_of(json_object_get(proof, "logIndex"), 1));
	ok = ok && mv_json_put(p, "rootHash", json_incref(json_object_get(proof, "rootHash")));
	ok = ok && mv_json_put(p, "treeSize", i64_of(json_object_get(proof, "treeSize"), 0));
	ok = ok && mv_json_put(p, "hashes", hashes ? json_incref(hashes) : json_array());
	ok = ok && mv_json_put(p, "checkpoint", json_pack("{s:O}", "envelope",
	    json_object_get(json_object_get(proof, "checkpoint"), "envelope")));
	ok = ok && mv_json_put(e, "logIndex", i64_of(json_object_get(r, "logIndex"), 1));
	ok = ok && mv_json_put(e, "logId", json_pack("{s:O}", "keyId",
	    json_object_get(json_object_get(r, "logId"), "keyId")));
	ok = ok && mv_json_put(e, "kindVersion", json_pack("{s:s,s:s}", "kind", "dsse", "version",
	    "0.0.2"));
	ok = ok && mv_json_put(e, "inclusionProof", json_incref(p));
	ok = ok && mv_json_put(e, "canonicalizedBody",
	    json_incref(json_object_get(r, "canonicalizedBody")));
	json_decref(p);
	if (!ok) {
		json_decref(e);
		return NULL;
	}
	return e;
}

const char *
mv_rekor_dsse2_check(const unsigned char *body, size_t n, const unsigned char *payload,
    size_t payload_len, const unsigned char *sig, size_t sig_len, X509 *leaf)
{
	json_error_t err;
	json_t *doc = json_loadb((const char *)body, n, JSON_REJECT_DUPLICATES, &err);
	json_t *spec = json_object_get(json_object_get(doc, "spec"), "dsseV002");
	json_t *ph = json_object_get(spec, "payloadHash"), *sigs = json_object_get(spec,
	    "signatures"), *ver;
	const char *why = NULL, *kind = json_string_value(json_object_get(doc, "kind"));
	const char *api = json_string_value(json_object_get(doc, "apiVersion"));
	const char *alg = json_string_value(json_object_get(ph, "algorithm"));
	unsigned char dg[32], *raw = NULL;
	const unsigned char *q;
	size_t rawlen;
	X509 *x = NULL;

	if (doc == NULL)
		return "the log entry's body is not JSON";
	if (kind == NULL || strcmp(kind, "dsse") != 0 || api == NULL || strcmp(api, "0.0.2") != 0 ||
	    !json_is_object(spec)) {
		why = "the log entry's body is not a dsse 0.0.2 entry";
		goto done;
	}
	mv_sha256(payload, payload_len, dg);
	if (alg == NULL || strcmp(alg, "SHA2_256") != 0 ||
	    b64_of(json_object_get(ph, "digest"), &raw, &rawlen) != 0 || rawlen != 32 ||
	    memcmp(raw, dg, 32) != 0) {
		why = "the log entry's payload hash is not the envelope's payload";
		goto done;
	}
	free(raw);
	raw = NULL;
	if (json_array_size(sigs) != 1 ||
	    b64_of(json_object_get(json_array_get(sigs, 0), "content"), &raw, &rawlen) != 0 ||
	    rawlen != sig_len || memcmp(raw, sig, sig_len) != 0) {
		why = "the log entry's signature is not the envelope's";
		goto done;
	}
	free(raw);
	raw = NULL;
	ver = json_object_get(json_array_get(sigs, 0), "verifier");
	if (b64_of(json_object_get(json_object_get(ver, "x509Certificate"), "rawBytes"), &raw,
	    &rawlen) != 0 || rawlen > MV_BUNDLE_MAX_CERT) {
		why = "the log entry names no certificate as its verifier";
		goto done;
	}
	q = raw;
	x = d2i_X509(NULL, &q, (long)rawlen);
	if (x == NULL || q != raw + rawlen || X509_cmp(x, leaf) != 0)
		why = "the log entry's verifier is not the signing certificate";
done:
	ERR_clear_error();
	X509_free(x);
	free(raw);
	json_decref(doc);
	return why;
}

/* A Rekor v2 CreateEntryRequest of a dsse 0.0.2 entry: the envelope, and the certificate
 * (DER) with its key's details (the ephemeral key is P-256) as the verifier; NULL when out
 * of memory. */
static json_t *
request_v2(X509 *leaf, const unsigned char *payload, size_t n, const unsigned char *sig,
    size_t siglen)
{
	unsigned char *der = NULL;
	int derlen = i2d_X509(leaf, &der);
	json_t *req = derlen > 0 ? json_pack("{s:{s:{s:o*,s:s,s:[{s:o*,s:s}]},s:[{s:{s:o*},s:s}]}}",
	    "dsseRequestV002", "envelope", "payload", mv_json_b64(payload, n), "payloadType",
	    MV_OMS_PAYLOAD_TYPE, "signatures", "sig", mv_json_b64(sig, siglen), "keyid", "",
	    "verifiers", "x509Certificate", "rawBytes", mv_json_b64(der, (size_t)derlen),
	    "keyDetails", "PKIX_ECDSA_P256_SHA_256") : NULL;

	ERR_clear_error();
	OPENSSL_free(der);
	return req;
}

mv_status
mv_rekor_log(struct mv_ctx *ctx, const char *url, int major, X509 *leaf,
    const unsigned char *payload, size_t n, const unsigned char *sig, size_t siglen,
    void **entry)
{
	json_t *req = major == 2 ? request_v2(leaf, payload, n, sig, siglen) :
	    request_v1(leaf, payload, n, sig, siglen);
	json_t *e = NULL;
	void *reply = NULL;
	unsigned char *body = NULL;
	size_t bodylen;
	const char *why;
	mv_status st;

	*entry = NULL;
	if (req == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if ((st = mv_http_json(ctx, "Rekor", url, major == 2 ? "/api/v2/log/entries" :
	    "/api/v1/log/entries", req, MAX_REKOR_REPLY, &reply)) != MV_OK)
		goto done;
	if ((e = major == 2 ? mv_rekor_v2_entry(reply) : mv_rekor_v1_entry(reply)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "Rekor replied with an incomplete log entry%s",
		    major == 2 ? " or one not of kind dsse 0.0.2" : "");
		goto done;
	}
	/* What the log recorded must be this envelope, or the bundle cannot verify. */
	if (b64_of(json_object_get(e, "canonicalizedBody"), &body, &bodylen) != 0)
		why = "its body is not base64";
	else
		why = major == 2 ? mv_rekor_dsse2_check(body, bodylen, payload, n, sig, siglen,
		    leaf) : mv_rekor_dsse_check(body, bodylen, payload, n, sig, siglen, leaf);
	if (why) {
		st = mv_ctx_fail(ctx, MV_ERR_VERIFY, "Rekor logged something else: %s", why);
		goto done;
	}
	*entry = e;
	e = NULL;
done:
	json_decref(e);
	json_decref(req);
	json_decref(reply);
	free(body);
	return st;
}
