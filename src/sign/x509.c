/* SPDX-License-Identifier: Apache-2.0 */
/* x509.c: certificates of the certificate method: loading, DER for bundles, and path
 * validation to a root CA bundle with OpenSSL, with the code-signing usage checks. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/ctx.h"
#include "core/str.h"
#include "sign/sign.h"

/* A CA bundle the size of a system store is about 200 KiB. */
#define MAX_PEM_FILE (16u << 20)

static int
no_pass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

void
mv_x509_free_all(STACK_OF(X509) *s)
{
	sk_X509_pop_free(s, X509_free);
}

mv_status
mv_x509_load_pem(struct mv_ctx *ctx, const char *const *files, size_t nfiles,
    STACK_OF(X509) **out)
{
	STACK_OF(X509) *all = sk_X509_new_null();
	mv_status st = MV_OK;

	*out = NULL;
	if (all == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < nfiles && st == MV_OK; i++) {
		unsigned char *data = NULL;
		size_t len = 0, before = (size_t)sk_X509_num(all);
		BIO *bio;
		X509 *x;

		if ((st = mv_file_read(ctx, files[i], MAX_PEM_FILE, &data, &len)) != MV_OK)
			break;
		if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
			free(data);
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			break;
		}
		/* Text before and between the blocks (openssl x509 -text dumps) is skipped. */
		while ((x = PEM_read_bio_X509(bio, NULL, no_pass, NULL)) != NULL) {
			if (sk_X509_push(all, x) <= 0) {
				X509_free(x);
				st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
				break;
			}
		}
		ERR_clear_error();
		BIO_free(bio);
		free(data);
		if (st == MV_OK && (size_t)sk_X509_num(all) == before)
			st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: no PEM certificate in it", files[i]);
	}
	if (st != MV_OK) {
		mv_x509_free_all(all);
		return st;
	}
	*out = all;
	return MV_OK;
}

mv_status
mv_x509_der(struct mv_ctx *ctx, STACK_OF(X509) *certs, unsigned char ***der, size_t **len)
{
	size_t n = (size_t)sk_X509_num(certs);
	unsigned char **d = calloc(n ? n : 1, sizeof(*d));
	size_t *l = calloc(n ? n : 1, sizeof(*l));

	*der = NULL;
	*len = NULL;
	if (d == NULL || l == NULL) {
		free(d);
		free(l);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char *p = NULL;
		int k = i2d_X509(sk_X509_value(certs, (int)i), &p);

		if (k <= 0) {
			mv_x509_der_free(d, l, n);
			return mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot encode certificate %zu", i);
		}
		d[i] = p;
		l[i] = (size_t)k;
	}
	*der = d;
	*len = l;
	return MV_OK;
}

void
mv_x509_der_free(unsigned char **der, size_t *len, size_t n)
{
	for (size_t i = 0; der && i < n; i++)
		OPENSSL_free(der[i]);
	free(der);
	free(len);
}

mv_status
mv_x509_parse_chain(struct mv_ctx *ctx, unsigned char *const *der, const size_t *len,
    size_t n, STACK_OF(X509) **out)
{
	STACK_OF(X509) *s = sk_X509_new_null();

	*out = NULL;
	if (s == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = der[i];
		X509 *x = len[i] <= INT32_MAX ? d2i_X509(NULL, &p, (long)len[i]) : NULL;

		/* The whole DER, no trailing bytes: one certificate has one encoding. */
		if (x == NULL || p != der[i] + len[i] || sk_X509_push(s, x) <= 0) {
			X509_free(x);
			mv_x509_free_all(s);
			ERR_clear_error();
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "certificate %zu of the bundle is not "
			    "DER X.509", i);
		}
	}
	*out = s;
	return MV_OK;
}

static char *
name_text(const X509_NAME *nm)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p = NULL, *s = NULL;
	long n;

	if (bio && X509_NAME_print_ex(bio, nm, 0, XN_FLAG_RFC2253) >= 0 &&
	    (n = BIO_get_mem_data(bio, &p)) >= 0)
		s = mv_str_escape(p, (size_t)n);
	BIO_free(bio);
	return s;
}

char *
mv_x509_describe(X509 *cert)
{
	char *sub = name_text(X509_get_subject_name(cert));
	char *iss = name_text(X509_get_issuer_name(cert));
	char *s = sub && iss ? mv_asprintf("certificate subject %s, issuer %s",
	    sub[0] ? sub : "(empty)", iss[0] ? iss : "(empty)") : NULL;

	free(sub);
	free(iss);
	return s;
}

static int
asn1_to_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	*out = timegm(&tm);
	return 0;
}

static mv_status verify_at(struct mv_ctx *ctx, STACK_OF(X509) *chain, STACK_OF(X509) *roots,
    int set, time_t t, enum mv_x509_usage usage);

mv_status
mv_x509_verify(struct mv_ctx *ctx, STACK_OF(X509) *chain, STACK_OF(X509) *roots,
    enum mv_cert_time when)
{
	time_t t = 0;

	/* model_signing checks the chain as of the leaf's notBefore: nothing in a key or
	 * certificate bundle records when it was signed. */
	if (when == MV_CERT_TIME_ISSUED && (sk_X509_num(chain) < 1 ||
	    asn1_to_time(X509_get0_notBefore(sk_X509_value(chain, 0)), &t) != 0))
		return mv_ctx_fail(ctx, MV_ERR_VERIFY, "the signing certificate's notBefore cannot "
		    "be read");
	return verify_at(ctx, chain, roots, when == MV_CERT_TIME_ISSUED, t, MV_X509_USAGE_OMS);
}

mv_status
mv_x509_verify_time(struct mv_ctx *ctx, STACK_OF(X509) *chain, STACK_OF(X509) *roots, time_t t)
{
	return verify_at(ctx, chain, roots, 1, t, MV_X509_USAGE_FULCIO);
}

/*
 * What the verifiers of the format accept as a signing certificate. model_signing's
 * certificate verifier takes a leaf whose key usage allows digitalSignature or whose extended
 * key usage lists codeSigning, and nothing else (a leaf with neither extension is refused).
 * sigstore-python wants both of a Fulcio certificate. anyExtendedKeyUsage counts for neither.
 */
mv_status
mv_x509_check_usage(struct mv_ctx *ctx, X509 *leaf, enum mv_x509_usage usage)
{
	uint32_t flags = X509_get_extension_flags(leaf);
	int ds = (flags & EXFLAG_KUSAGE) && (X509_get_key_usage(leaf) & KU_DIGITAL_SIGNATURE);
	int cs = (flags & EXFLAG_XKUSAGE) && (X509_get_extended_key_usage(leaf) & XKU_CODE_SIGN);

	if (usage == MV_X509_USAGE_FULCIO) {
		if (!ds)
			return mv_ctx_fail(ctx, MV_ERR_VERIFY, "the signing certificate's key usage "
			    "does not allow digitalSignature");
		if (!cs)
			return mv_ctx_fail(ctx, MV_ERR_VERIFY, "the signing certificate's extended "
			    "key usage does not include codeSigning");
		return MV_OK;
	}
	if (ds || cs)
		return MV_OK;
	if (!(flags & (EXFLAG_KUSAGE | EXFLAG_XKUSAGE)))
		return mv_ctx_fail(ctx, MV_ERR_VERIFY, "the signing certificate has neither a key "
		    "usage nor an extended key usage extension: model signatures need "
		    "digitalSignature or codeSigning");
	return mv_ctx_fail(ctx, MV_ERR_VERIFY, "the signing certificate's key usage does not "
	    "allow digitalSignature and its extended key usage does not include codeSigning");
}

unsigned
mv_x509_leaf_notes(X509 *leaf)
{
	uint32_t flags = X509_get_extension_flags(leaf);
	unsigned notes = 0;

	if (!(flags & EXFLAG_XKUSAGE))
		notes |= MV_VERIFY_NOTE_CERT_NO_EKU;
	if (flags & EXFLAG_CA)
		notes |= MV_VERIFY_NOTE_CERT_CA;
	return notes;
}

static mv_status
verify_at(struct mv_ctx *ctx, STACK_OF(X509) *chain, STACK_OF(X509) *roots, int set, time_t t,
    enum mv_x509_usage usage)
{
	X509_STORE *store = X509_STORE_new();
	X509_STORE_CTX *sctx = X509_STORE_CTX_new();
	STACK_OF(X509) *untrusted = sk_X509_new_null();
	X509 *leaf = sk_X509_value(chain, 0);
	mv_status st = MV_OK;

	if (store == NULL || sctx == NULL || untrusted == NULL || leaf == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; i < sk_X509_num(roots); i++)
		if (X509_STORE_add_cert(store, sk_X509_value(roots, i)) != 1) {
			/* A root listed twice is not an error. */
			ERR_clear_error();
		}
	for (int i = 1; i < sk_X509_num(chain); i++)
		if (sk_X509_push(untrusted, sk_X509_value(chain, i)) <= 0) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
	if (X509_STORE_CTX_init(sctx, store, leaf, untrusted) != 1) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot set up certificate verification");
		goto done;
	}
	if (set)
		X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(sctx), t);
	if (X509_verify_cert(sctx) != 1) {
		int err = X509_STORE_CTX_get_error(sctx), depth = X509_STORE_CTX_get_error_depth(sctx);
		X509 *bad = X509_STORE_CTX_get_current_cert(sctx);
		char *who = bad ? name_text(X509_get_subject_name(bad)) : NULL;

		st = mv_ctx_fail(ctx, MV_ERR_VERIFY, "certificate chain does not verify: %s (at "
		    "depth %d%s%s)", X509_verify_cert_error_string(err), depth, who ? ", " : "",
		    who ? who : "");
		free(who);
		goto done;
	}
	st = mv_x509_check_usage(ctx, leaf, usage);
done:
	ERR_clear_error();
	sk_X509_free(untrusted);
	X509_STORE_CTX_free(sctx);
	X509_STORE_free(store);
	return st;
}
