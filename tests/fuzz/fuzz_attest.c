/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_attest.c: an attestation line as mavis reads one: a bare DSSE envelope (any number
 * of signatures), then the in-toto Statement of any predicate inside it, or the bytes taken
 * as a statement themselves, and the SLSA provenance read from it. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "sign/sign.h"
#include "core/result.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
statement(struct mv_ctx *ctx, const unsigned char *p, size_t n)
{
	struct mv_intoto s;
	struct mv_provenance pr;

	if (mv_intoto_read(ctx, p, n, &s) != MV_OK)
		return;
	/* Accepted: subjects, each with a digest, and a predicate type. */
	if (s.nsubject == 0 || s.predicate_type == NULL || s.predicate_type[0] == '\0')
		abort();
	for (size_t i = 0; i < s.nsubject; i++)
		if (s.subject[i].name == NULL || s.subject[i].ndigest == 0)
			abort();
	memset(&pr, 0, sizeof(pr));
	if (mv_provenance_read(&s, &pr) == MV_OK) {
		if (strcmp(pr.predicate_type, s.predicate_type) != 0)
			abort();
		for (size_t i = 0; i < pr.ndeps; i++)
			if (pr.deps[i].kind == NULL)
				abort();
	}
	mv_provenance_clear(&pr);
	mv_intoto_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_bundle b;
	size_t nsig;

	if (ctx == NULL)
		return 0;
	if (mv_envelope_read(ctx, data, size, &b, &nsig) == MV_OK) {
		if (b.payload == NULL || b.payload_len == 0 || (nsig > 0) != (b.sig != NULL))
			abort();
		for (size_t i = 1; i < nsig; i++) {
			unsigned char *sig;
			size_t len;

			if (mv_envelope_sig(ctx, &b, i, &sig, &len) == MV_OK && len == 0)
				abort();
			free(sig);
		}
		statement(ctx, b.payload, b.payload_len);
	}
	mv_bundle_free(&b);
	statement(ctx, data, size);
	mv_ctx_free(ctx);
	return 0;
}
