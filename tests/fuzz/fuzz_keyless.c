/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_keyless.c: what keyless signing reads from outside: a signing_config.json, an OIDC
 * token's claims, Fulcio's and Rekor's (v1 and v2) replies, a timestamp authority's
 * TimeStampResp (also what mavis verify reads from a bundle's rfc3161Timestamps), a
 * certificate's SCT list, a Rekor v2 dsse 0.0.2 body (what mavis verify reads from a bundle's
 * canonicalizedBody). The first byte picks the parser. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include "core/ctx.h"
#include "sign/sign.h"
#include "tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_sigstore_urls u;
	struct mv_oidc_token t;
	json_t *doc = NULL, *e;
	X509 *leaf = NULL;
	char *s = NULL;

	if (ctx == NULL || size == 0)
		goto done;
	switch (data[0] % 8) {
	case 0:
		if (mv_sigstore_urls_load(ctx, fuzz_tmp_write(data + 1, size - 1), 0, &u) ==
		    MV_OK) {
			if (u.fulcio == NULL || u.nrekor == 0 || u.rekor_need == 0 ||
			    u.rekor_need > u.nrekor || u.tsa_need > u.ntsa ||
			    (u.ntsa && u.tsa_need == 0) || (u.rekor_major == 2 && u.ntsa == 0))
				abort();
			mv_sigstore_urls_free(&u);
		}
		break;
	case 1:
		/* A token given on the command line (never "@": that is a file name). */
		if ((s = malloc(size)) == NULL || (size > 1 && data[1] == '@'))
			break;
		memcpy(s, data + 1, size - 1);
		s[size - 1] = '\0';
		if (mv_oidc_token_get(ctx, s, &t) == MV_OK) {
			if (t.raw == NULL || t.issuer == NULL || t.subject == NULL)
				abort();
			mv_oidc_token_free(&t);
		}
		break;
	case 2:
		if ((doc = json_loadb((const char *)data + 1, size - 1, 0, NULL)) == NULL)
			break;
		if ((e = mv_rekor_v1_entry(doc)) != NULL) {
			if (json_object_size(e) != 7)
				abort();
			json_decref(e);
		}
		break;
	case 3:
		if ((doc = json_loadb((const char *)data + 1, size - 1, 0, NULL)) == NULL)
			break;
		if (mv_fulcio_leaf(ctx, doc, &leaf) == MV_OK && leaf == NULL)
			abort();
		break;
	case 5: {
		/* A DER certificate whose SCTs are read and their precertificate rebuilt (no log
		 * to verify them with: none may count). */
		const unsigned char *p = data + 1;
		size_t n = 0;

		if ((leaf = d2i_X509(NULL, &p, (long)(size - 1))) != NULL &&
		    mv_sct_check(leaf, leaf, NULL, 0, &n) == NULL && n != 0)
			abort();
		break;
	}
	case 6:
		if ((doc = json_loadb((const char *)data + 1, size - 1, 0, NULL)) == NULL)
			break;
		if ((e = mv_rekor_v2_entry(doc)) != NULL) {
			/* What it takes has every field a dsse 0.0.2 entry needs, and only those. */
			if (json_object_size(e) != 5 ||
			    json_object_size(json_object_get(e, "inclusionProof")) != 5)
				abort();
			json_decref(e);
		}
		break;
	case 7: {
		/* A DER certificate (two bytes of length first) and a dsse 0.0.2 body to hold
		 * against the envelope of payload "payload" and signature "sig" it signed. */
		const unsigned char *p = data + 3;
		size_t n = size >= 3 ? (size_t)data[1] << 8 | data[2] : 0;

		if (n == 0 || n > size - 3 || (leaf = d2i_X509(NULL, &p, (long)n)) == NULL)
			break;
		(void)mv_rekor_dsse2_check(data + 3 + n, size - 3 - n,
		    (const unsigned char *)"payload", 7, (const unsigned char *)"sig", 3, leaf);
		break;
	}
	default: {
		/* A reply over the signature "sig" (the seeds stamp it). */
		TS_RESP *r = NULL;
		time_t when;

		if (mv_timestamp_read(data + 1, size - 1, (const unsigned char *)"sig", 3, &r,
		    &when) == NULL && r == NULL)
			abort();
		TS_RESP_free(r);
		break;
	}
	}
done:
	X509_free(leaf);
	json_decref(doc);
	free(s);
	mv_ctx_free(ctx);
	return 0;
}
