/* SPDX-License-Identifier: Apache-2.0 */
/* timestamp.c: RFC 3161 timestamps over a signature, as Sigstore bundles carry them: a
 * TimeStampResp read for what it stamps and when, and its token's signature checked against
 * a timestamp authority's certificates. */
#include "config.h"

#include <limits.h>
#include <string.h>
#include <time.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/ts.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "sign/sign.h"

/* The imprint must be a SHA-2 hash of data (Sigstore clients use SHA-256). */
static const char *
imprint_check(TS_TST_INFO *ti, const unsigned char *data, size_t dlen)
{
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(ti);
	const ASN1_OCTET_STRING *h = mi ? TS_MSG_IMPRINT_get_msg(mi) : NULL;
	const ASN1_OBJECT *obj = NULL;
	unsigned char md[EVP_MAX_MD_SIZE];
	const char *name;
	size_t mdlen = 0;
	int nid;

	if (h == NULL)
		return "the timestamp has no message imprint";
	X509_ALGOR_get0(&obj, NULL, NULL, TS_MSG_IMPRINT_get_algo(mi));
	nid = obj ? OBJ_obj2nid(obj) : NID_undef;
	name = nid == NID_sha256 ? "SHA2-256" : nid == NID_sha384 ? "SHA2-384" :
	    nid == NID_sha512 ? "SHA2-512" : NULL;
	if (name == NULL)
		return "the timestamp's imprint is not a SHA-2 hash";
	if (!EVP_Q_digest(NULL, name, NULL, data, dlen, md, &mdlen) ||
	    (size_t)ASN1_STRING_length(h) != mdlen ||
	    memcmp(ASN1_STRING_get0_data(h), md, mdlen) != 0)
		return "the timestamp is not over this signature (its message imprint differs)";
	return NULL;
}

const char *
mv_timestamp_read(const unsigned char *der, size_t n, const unsigned char *data, size_t dlen,
    TS_RESP **out, time_t *t)
{
	const unsigned char *p = der;
	TS_RESP *r = n <= LONG_MAX ? d2i_TS_RESP(NULL, &p, (long)n) : NULL;
	TS_STATUS_INFO *si = r ? TS_RESP_get_status_info(r) : NULL;
	TS_TST_INFO *ti = r ? TS_RESP_get_tst_info(r) : NULL;
	const ASN1_GENERALIZEDTIME *gt;
	const char *why = NULL;
	long status;
	struct tm tm;

	*out = NULL;
	if (r == NULL || p != der + n) {
		why = "the timestamp is not a DER TimeStampResp";
		goto done;
	}
	status = si ? ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si)) : -1;
	if (status != TS_STATUS_GRANTED && status != TS_STATUS_GRANTED_WITH_MODS) {
		why = "the timestamp authority did not grant the timestamp";
		goto done;
	}
	if (TS_RESP_get_token(r) == NULL || ti == NULL) {
		why = "the timestamp response holds no token";
		goto done;
	}
	if (TS_TST_INFO_get_version(ti) != 1) {
		why = "the timestamp's TSTInfo is not version 1";
		goto done;
	}
	if ((why = imprint_check(ti, data, dlen)) != NULL)
		goto done;
	memset(&tm, 0, sizeof(tm));
	if ((gt = TS_TST_INFO_get_time(ti)) == NULL || !ASN1_TIME_to_tm(gt, &tm)) {
		why = "the timestamp's time is malformed";
		goto done;
	}
	*t = timegm(&tm);
	*out = r;
	r = NULL;
done:
	ERR_clear_error();
	TS_RESP_free(r);
	return why;
}

const char *
mv_timestamp_signed(TS_RESP *r, STACK_OF(X509) *untrusted, X509_STORE *store, X509 *want)
{
	X509 *signer = NULL;
	const char *why = NULL;

	/* OpenSSL checks the CMS signature over the TSTInfo, the ESS signing-certificate
	 * attribute naming the signer, and the signer's path to store with the time-stamping
	 * purpose (extended key usage timeStamping, critical). */
	if (TS_RESP_verify_signature(TS_RESP_get_token(r), untrusted, store, &signer) != 1)
		why = "the timestamp's signature does not verify with a time-stamping certificate "
		    "of the authority";
	else if (want != NULL && X509_cmp(signer, want) != 0)
		why = "the timestamp is signed by a certificate other than the authority's";
	X509_free(signer);
	ERR_clear_error();
	return why;
}

static int
within(time_t t, time_t start, time_t end)
{
	return t >= start && (end == 0 || t <= end);
}

/* The token signed by authority a, its path checked at the stamped time t. */
static const char *
signed_by(TS_RESP *r, const struct mv_ca_chain *a, time_t t)
{
	X509_STORE *store = X509_STORE_new();
	STACK_OF(X509) *all = sk_X509_dup(a->inter);
	const char *why = "out of memory";
	int ok = store != NULL && all != NULL;

	for (int i = 0; ok && i < sk_X509_num(a->roots); i++)
		ok = X509_STORE_add_cert(store, sk_X509_value(a->roots, i)) == 1 &&
		    sk_X509_push(all, sk_X509_value(a->roots, i)) > 0;
	if (ok) {
		X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), t);
		why = mv_timestamp_signed(r, all, store, a->first);
	}
	sk_X509_free(all);
	X509_STORE_free(store);
	ERR_clear_error();
	return why;
}

const char *
mv_timestamp_verify(const struct mv_ca_chain *tsa, size_t ntsa, const unsigned char *der,
    size_t n, const unsigned char *sig, size_t siglen, time_t *t)
{
	TS_RESP *r = NULL;
	const char *why = mv_timestamp_read(der, n, sig, siglen, &r, t);

	if (why != NULL)
		return why;
	why = ntsa == 0 ? "the trusted root lists no timestamp authority" :
	    "no timestamp authority of the trusted root was valid at the stamped time";
	for (size_t i = 0; i < ntsa; i++) {
		if (!within(*t, tsa[i].start, tsa[i].end) || tsa[i].first == NULL)
			continue;
		if ((why = signed_by(r, &tsa[i], *t)) == NULL)
			break;
	}
	TS_RESP_free(r);
	return why;
}
