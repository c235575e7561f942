/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_statement.c: the in-toto statement reader (both predicates) over arbitrary bytes, and
 * the writer over what it accepts. */
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
	struct mv_manifest m, again;
	struct mv_buf out;
	enum mv_oms_version v, v2;
	unsigned char root[32];

	if (ctx == NULL)
		return 0;
	mv_manifest_init(&m);
	mv_manifest_init(&again);
	mv_buf_init(&out, MV_SIG_MAX_BYTES);
	if (mv_statement_read(ctx, data, size, &m, &v) == MV_OK) {
		if (m.n == 0)
			abort();
		for (size_t i = 0; i < m.n; i++)
			if (!mv_resource_path_ok(m.r[i].path) || m.r[i].len == 0)
				abort();
		/* A v1.0 statement was only accepted with its root digest right. */
		if (v == MV_OMS_V10 && (mv_manifest_root(&m, root) != MV_OK ||
		    memcmp(root, m.root, 32) != 0))
			abort();
		/* Written by mavis (sorted, as it writes), it reads back with the same names. */
		mv_manifest_sort(&m);
		if (mv_statement_write(ctx, &m, &out) == MV_OK) {
			if (mv_statement_read(ctx, out.p, out.len, &again, &v2) != MV_OK ||
			    v2 != MV_OMS_V10 || again.n != m.n)
				abort();
			for (size_t i = 0; i < m.n; i++)
				if (strcmp(again.r[i].name, m.r[i].name) != 0 ||
				    memcmp(again.r[i].digest, m.r[i].digest, m.r[i].len) != 0)
					abort();
		}
	}
	mv_manifest_free(&m);
	mv_manifest_free(&again);
	mv_buf_free(&out);
	mv_ctx_free(ctx);
	return 0;
}
