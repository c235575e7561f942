/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_p11uri.c: the PKCS#11 URI parser (RFC 7512) over arbitrary bytes. */
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
	struct mv_p11_uri u;
	char *s = malloc(size + 1);

	if (ctx == NULL || s == NULL)
		goto done;
	memcpy(s, data, size);
	s[size] = '\0';
	if (mv_p11_uri_parse(ctx, s, &u) == MV_OK) {
		/* Accepted only as a pkcs11: URI; labels hold no NUL; an id is at most as long as
		 * the text it was decoded from. */
		if (!mv_p11_key(s) || (u.object && strlen(u.object) > size) ||
		    (u.token && strlen(u.token) > size) || u.id_len > size ||
		    (u.id == NULL && u.id_len != 0) || (u.pin_value && u.pin_source))
			abort();
		mv_p11_uri_free(&u);
		if (u.token || u.object || u.id || u.pin_value)
			abort();
	}
done:
	free(s);
	mv_ctx_free(ctx);
	return 0;
}
