/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_envelope.c: a DSSE envelope as a bundle carries it: parsed, both pre-authentication
 * encodings built, and its signature checked against a key that never signed it. */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/ctx.h"
#include "sign/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char head[] = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\","
    "\"verificationMaterial\":{\"publicKey\":{\"hint\":\"x\"}},\"dsseEnvelope\":";

static EVP_PKEY *key;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
make_key(void)
{
	key = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_bundle b;
	struct mv_buf doc, pae, compat;

	pthread_once(&once, make_key);
	if (ctx == NULL || key == NULL) {
		mv_ctx_free(ctx);
		return 0;
	}
	mv_buf_init(&doc, (size_t)1 << 26);
	mv_buf_init(&pae, (size_t)1 << 27);
	mv_buf_init(&compat, (size_t)1 << 29);
	if (mv_buf_add(&doc, head, sizeof(head) - 1) == MV_OK && mv_buf_add(&doc, data, size) ==
	    MV_OK && mv_buf_addc(&doc, '}') == MV_OK &&
	    mv_bundle_read(ctx, doc.p, doc.len, &b) == MV_OK) {
		if (mv_pae(&pae, b.payload_type, b.payload, b.payload_len) != MV_OK ||
		    pae.len < b.payload_len ||
		    memcmp(pae.p + pae.len - b.payload_len, b.payload, b.payload_len) != 0)
			abort();
		if (mv_pae_compat(&compat, b.payload_type, b.payload, b.payload_len) != MV_OK)
			abort();
		/* A key that signed nothing verifies nothing. */
		if (mv_key_verify(key, "SHA2-256", pae.p, pae.len, b.sig, b.sig_len) ||
		    mv_key_verify(key, "SHA2-256", compat.p, compat.len, b.sig, b.sig_len))
			abort();
		mv_bundle_free(&b);
	} else {
		mv_bundle_free(&b);
	}
	mv_buf_free(&doc);
	mv_buf_free(&pae);
	mv_buf_free(&compat);
	mv_ctx_free(ctx);
	return 0;
}
