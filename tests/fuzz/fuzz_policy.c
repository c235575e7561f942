/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_policy.c: the policy file parser (judge/policy.c) over arbitrary text. A policy that
 * loads must leave a usable policy behind; one that does not must say why on the context. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mavis.h"
#include "tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mv_ctx *ctx;
	static struct mv_rules *rules;
	struct mv_policy *pol = NULL;
	const char *file = fuzz_tmp_write(data, size);
	mv_status st;

	if (ctx == NULL && ((ctx = mv_ctx_new()) == NULL || mv_rules_load(ctx, &rules) != MV_OK))
		abort();
	if (mv_policy_new(ctx, rules, &pol) != MV_OK)
		abort();
	st = mv_policy_load(ctx, pol, file);
	if (st != MV_OK) {
		const char *e = mv_ctx_error(ctx);

		/* Every refusal names the file and the problem on one line. */
		if (e == NULL || *e == '\0' || strchr(e, '\n') != NULL)
			abort();
	} else if (mv_policy_fail_on(pol) > MV_SEV_CRITICAL) {
		abort();
	}
	mv_policy_free(pol);
	return 0;
}
