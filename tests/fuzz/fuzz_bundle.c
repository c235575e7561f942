/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_bundle.c: the Sigstore bundle reader over arbitrary bytes, and the writer over what
 * it accepts. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "sign/sign.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_bundle b, again;
	struct mv_buf out;

	if (ctx == NULL)
		return 0;
	mv_buf_init(&out, MV_SIG_MAX_BYTES);
	if (mv_bundle_read(ctx, data, size, &b) == MV_OK) {
		/* What the reader accepts is complete: an envelope with one signature and one
		 * kind of verification material. */
		if (b.payload == NULL || b.payload_len == 0 || b.sig == NULL || b.sig_len == 0 ||
		    b.method == MV_SIG_NONE || strcmp(b.payload_type, MV_OMS_PAYLOAD_TYPE) != 0)
			abort();
		if (b.method != MV_SIG_KEY && (b.ncert == 0 || b.cert == NULL))
			abort();
		/* Written back by mavis, it reads again to the same envelope. */
		if (mv_bundle_write(ctx, "hint", (const unsigned char *const *)b.cert, b.cert_len,
		    b.method == MV_SIG_CERTIFICATE ? b.ncert : 0, b.payload, b.payload_len, b.sig,
		    b.sig_len, &out) != MV_OK)
			abort();
		if (mv_bundle_read(ctx, out.p, out.len, &again) != MV_OK ||
		    again.payload_len != b.payload_len ||
		    memcmp(again.payload, b.payload, b.payload_len) != 0 ||
		    again.sig_len != b.sig_len || memcmp(again.sig, b.sig, b.sig_len) != 0)
			abort();
		mv_bundle_free(&again);
	}
	mv_bundle_free(&b);
	mv_buf_free(&out);
	mv_ctx_free(ctx);
	return 0;
}
