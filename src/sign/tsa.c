/* SPDX-License-Identifier: Apache-2.0 */
/* tsa.c: an RFC 3161 timestamp over the signature of a keyless bundle, asked of a timestamp
 * authority as Sigstore clients ask (SHA-256 imprint, a nonce, the certificate requested),
 * and checked before it goes into the bundle. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "core/ctx.h"
#include "core/sha256.h"
#include "core/str.h"
#include "sign/sign.h"

/* A reply holds a token and the authority's certificates: a few KiB. */
#define MAX_TSA_REPLY (256u << 10)
/* JSON numbers are doubles to JavaScript clients and servers: a nonce sent as one stays
 * below 2^53 so that it comes back as sent. */
#define JSON_NONCE_MASK ((UINT64_C(1) << 53) - 1)

/* The DER TimeStampReq: version 1, SHA-256 imprint of the signature, nonce, certReq. */
static unsigned char *
query_der(unsigned char digest[32], uint64_t nonce, size_t *len)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	ASN1_INTEGER *n = ASN1_INTEGER_new();
	unsigned char *der = NULL;
	int dlen = 0;

	if (req && mi && alg && n &&
	    X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) == 1 &&
	    TS_MSG_IMPRINT_set_algo(mi, alg) == 1 && TS_MSG_IMPRINT_set_msg(mi, digest, 32) == 1 && TS_REQ_set_msg_imprint(req, mi) == 1 &&
	    ASN1_INTEGER_set_uint64(n, nonce) == 1 && TS_REQ_set_nonce(req, n) == 1 &&
	    TS_REQ_set_cert_req(req, 1) == 1 && TS_REQ_set_version(req, 1) == 1)
		dlen = i2d_TS_REQ(req, &der);
	TS_REQ_free(req);
	TS_MSG_IMPRINT_free(mi);
	X509_ALGOR_free(alg);
	ASN1_INTEGER_free(n);
	ERR_clear_error();
	if (dlen <= 0) {
		OPENSSL_free(der);
		return NULL;
	}
	*len = (size_t)dlen;
	return der;
}

/* The same request in the JSON form of Sigstore's timestamp-authority service. */
static char *
query_json(const unsigned char digest[32], uint64_t nonce)
{
	char *b64 = mv_b64_encode(digest, 32), *s = NULL;
	json_t *req = b64 ? json_pack("{s:s,s:s,s:I,s:b}", "artifactHash", b64, "hashAlgorithm",
	    "sha256", "nonce", (json_int_t)nonce, "certificates", 1) : NULL;

	if (req)
		s = json_dumps(req, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(req);
	free(b64);
	return s;
}

/* POST one form of the request; *status the HTTP status. */
static mv_status
post(struct mv_ctx *ctx, const char *url, const void *body, size_t n, const char *type,
    struct mv_buf *out, long *status)
{
	struct mv_http_req rq;

	memset(&rq, 0, sizeof(rq));
	rq.what = "the timestamp authority";
	rq.url = url;
	rq.body = body;
	rq.body_len = n;
	rq.content_type = type;
	rq.accept = "Accept: application/timestamp-reply";
	rq.status = status;
	return mv_http(ctx, &rq, out);
}

/* Everything the reply must be before it goes into a bundle. */
static const char *
reply_check(const struct mv_buf *b, const unsigned char *sig, size_t siglen, uint64_t nonce,
    X509 *leaf)
{
	TS_RESP *r = NULL;
	PKCS7 *tok;
	STACK_OF(X509) *certs;
	X509_STORE *store = NULL;
	const ASN1_INTEGER *n;
	const char *why;
	uint64_t got;
	time_t t;

	if ((why = mv_timestamp_read(b->p, b->len, sig, siglen, &r, &t)) != NULL)
		return why;
	n = TS_TST_INFO_get_nonce(TS_RESP_get_tst_info(r));
	if (n == NULL || ASN1_INTEGER_get_uint64(&got, n) != 1 || got != nonce) {
		why = "the timestamp does not carry the nonce asked for";
		goto done;
	}
	/* The certificate was asked for: the signature must verify with it, a time-stamping
	 * certificate. Whether the authority is trusted is the verifier's question (its trusted
	 * root); the signer has none. */
	tok = TS_RESP_get_token(r);
	certs = PKCS7_type_is_signed(tok) && tok->d.sign ? tok->d.sign->cert : NULL;
	if (sk_X509_num(certs) <= 0) {
		why = "the timestamp authority sent no certificate though asked for one";
		goto done;
	}
	if ((store = X509_STORE_new()) == NULL) {
		why = "out of memory";
		goto done;
	}
	for (int i = 0; i < sk_X509_num(certs); i++)
		X509_STORE_add_cert(store, sk_X509_value(certs, i));
	X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
	if ((why = mv_timestamp_signed(r, NULL, store, NULL)) != NULL)
		goto done;
	/* A verifier checks the certificate at the stamped time. */
	if (ASN1_TIME_cmp_time_t(X509_get0_notBefore(leaf), t) > 0 ||
	    ASN1_TIME_cmp_time_t(X509_get0_notAfter(leaf), t) < 0)
		why = "the stamped time is outside the signing certificate's validity";
done:
	X509_STORE_free(store);
	TS_RESP_free(r);
	ERR_clear_error();
	return why;
}

mv_status
mv_tsa_stamp(struct mv_ctx *ctx, const char *url, const unsigned char *sig, size_t siglen,
    X509 *leaf, unsigned char **der, size_t *len)
{
	unsigned char digest[32], *q = NULL;
	char *js = NULL;
	size_t qlen = 0;
	uint64_t nonce;
	long status = 0;
	struct mv_buf out;
	const char *why;
	mv_status st;

	*der = NULL;
	*len = 0;
	mv_buf_init(&out, MAX_TSA_REPLY);
	if (RAND_bytes((unsigned char *)&nonce, sizeof(nonce)) != 1) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot make a nonce for the timestamp");
		goto done;
	}
	nonce &= INT64_MAX;
	if (mv_sha256(sig, siglen, digest) != MV_OK || (q = query_der(digest, nonce, &qlen)) ==
	    NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "cannot encode the timestamp request");
		goto done;
	}
	st = post(ctx, url, q, qlen, "application/timestamp-query", &out, &status);
	/* Sigstore's timestamp-authority takes both forms; an authority that reads only the JSON
	 * one (as @sigstore/mock's does) says the DER body is a bad request. */
	if (st == MV_ERR_VERIFY && (status == 400 || status == 415)) {
		nonce &= JSON_NONCE_MASK;
		if ((js = query_json(digest, nonce)) == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
		st = post(ctx, url, js, strlen(js), "application/json", &out, &status);
	}
	if (st != MV_OK)
		goto done;
	if ((why = reply_check(&out, sig, siglen, nonce, leaf)) != NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_VERIFY, "the timestamp authority at %s: %s", url, why);
		goto done;
	}
	if ((*der = malloc(out.len ? out.len : 1)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	memcpy(*der, out.p, out.len);
	*len = out.len;
done:
	OPENSSL_free(q);
	free(js);
	mv_buf_free(&out);
	return st;
}
