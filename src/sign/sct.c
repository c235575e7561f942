/* SPDX-License-Identifier: Apache-2.0 */
/* sct.c: the certificate transparency promises a Fulcio certificate carries: its embedded
 * signed certificate timestamps (RFC 6962 3.2 and 3.3), each verified with the key of the CT
 * log it names in a trusted root. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ct.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/buf.h"
#include "core/sha256.h"
#include "sign/sign.h"

/* The precertificate's TBSCertificate: the leaf's without its SCT list extension (what the
 * log signed before the list existed). */
static unsigned char *
precert_tbs(X509 *leaf, int *len)
{
	X509 *pre = X509_dup(leaf);
	int idx = pre ? X509_get_ext_by_NID(pre, NID_ct_precert_scts, -1) : -1;
	unsigned char *tbs = NULL;

	*len = 0;
	if (idx >= 0) {
		X509_EXTENSION_free(X509_delete_ext(pre, idx));
		*len = i2d_re_X509_tbs(pre, &tbs);
	}
	X509_free(pre);
	if (*len <= 0) {
		OPENSSL_free(tbs);
		return NULL;
	}
	return tbs;
}

/* RFC 6962 3.2's digitally-signed struct for a precert entry. */
static mv_status
signed_struct(struct mv_buf *b, const SCT *s, const unsigned char ikh[32],
    const unsigned char *tbs, size_t tbslen)
{
	unsigned char *ext = NULL;
	size_t extlen = SCT_get0_extensions(s, &ext);
	uint64_t ts = SCT_get_timestamp(s);
	mv_status st = MV_OK;

	if (tbslen >= (1u << 24) || extlen >= (1u << 16))
		return MV_ERR_LIMIT;
	/* version v1, signature_type certificate_timestamp */
	st = st == MV_OK ? mv_buf_addc(b, 0) : st;
	st = st == MV_OK ? mv_buf_addc(b, 0) : st;
	for (int k = 7; k >= 0 && st == MV_OK; k--)
		st = mv_buf_addc(b, (unsigned char)(ts >> (8 * k)));
	/* entry_type precert_entry, issuer_key_hash, the TBS (24-bit length) */
	st = st == MV_OK ? mv_buf_addc(b, 0) : st;
	st = st == MV_OK ? mv_buf_addc(b, 1) : st;
	st = st == MV_OK ? mv_buf_add(b, ikh, 32) : st;
	for (int k = 2; k >= 0 && st == MV_OK; k--)
		st = mv_buf_addc(b, (unsigned char)(tbslen >> (8 * k)));
	st = st == MV_OK ? mv_buf_add(b, tbs, tbslen) : st;
	/* CtExtensions (16-bit length) */
	st = st == MV_OK ? mv_buf_addc(b, (unsigned char)(extlen >> 8)) : st;
	st = st == MV_OK ? mv_buf_addc(b, (unsigned char)extlen) : st;
	st = st == MV_OK && extlen ? mv_buf_add(b, ext, extlen) : st;
	return st;
}

const char *
mv_sct_check(X509 *leaf, X509 *issuer, const struct mv_log_key *logs, size_t nlogs,
    size_t *nvalid)
{
	STACK_OF(SCT) *scts = X509_get_ext_d2i(leaf, NID_ct_precert_scts, NULL, NULL);
	unsigned char *tbs = NULL, *spki = NULL, ikh[32];
	int tbslen = 0, spkilen;
	const char *why = NULL;
	struct mv_buf b;

	*nvalid = 0;
	mv_buf_init(&b, MV_BUNDLE_MAX_CERT + 1024);
	if (sk_SCT_num(scts) <= 0) {
		why = "the certificate carries no signed certificate timestamp";
		goto done;
	}
	if ((tbs = precert_tbs(leaf, &tbslen)) == NULL ||
	    (spkilen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(issuer), &spki)) <= 0 ||
	    mv_sha256(spki, (size_t)spkilen, ikh) != MV_OK) {
		why = "the certificate's precertificate cannot be rebuilt";
		goto done;
	}
	for (int i = 0; i < sk_SCT_num(scts); i++) {
		SCT *s = sk_SCT_value(scts, i);
		unsigned char *id = NULL, *sig = NULL;
		size_t idlen = SCT_get0_log_id(s, &id), siglen = SCT_get0_signature(s, &sig);
		time_t t = (time_t)(SCT_get_timestamp(s) / 1000);

		if (SCT_get_version(s) != SCT_VERSION_V1)
			continue;
		for (size_t k = 0; k < nlogs; k++) {
			const struct mv_log_key *l = &logs[k];

			if (l->keyidlen != idlen || memcmp(l->keyid, id, idlen) != 0 ||
			    t < l->start || (l->end != 0 && t > l->end))
				continue;
			mv_buf_reset(&b);
			if (signed_struct(&b, s, ikh, tbs, (size_t)tbslen) == MV_OK &&
			    mv_key_verify(l->key, "SHA2-256", b.p, b.len, sig, siglen))
				(*nvalid)++;
			break;
		}
	}
done:
	SCT_LIST_free(scts);
	OPENSSL_free(tbs);
	OPENSSL_free(spki);
	mv_buf_free(&b);
	ERR_clear_error();
	return why;
}
