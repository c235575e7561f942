/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_walk.c: the walker (every archive format, decompression, nesting, names) over
 * arbitrary bytes held in memory, with tight limits. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mavis.h"
#include "core/str.h"
#include "run/run.h"
#include "walk/walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mv_ctx *
context(void)
{
	static struct mv_ctx *ctx;
	static const struct {
		enum mv_limit lim;
		uint64_t v;
	} tight[] = {
		{MV_LIMIT_DEPTH, 3},
		{MV_LIMIT_ENTRIES, 64},
		{MV_LIMIT_BYTES, 8 << 20},
		{MV_LIMIT_RATIO_FLOOR, 1 << 20},
		{MV_LIMIT_SPOOL, 4 << 20},
		{MV_LIMIT_SPOOL_MEMORY, 4 << 20},   /* nested zips stay in memory */
		{MV_LIMIT_NAME, 256},
	};

	if (ctx)
		return ctx;
	if ((ctx = mv_ctx_new()) == NULL)
		abort();
	for (size_t i = 0; i < sizeof(tight) / sizeof(tight[0]); i++)
		if (mv_ctx_set_limit(ctx, tight[i].lim, tight[i].v) != MV_OK)
			abort();
	if (mv_ctx_set_hashes(ctx, MV_HASH_SHA256 | MV_HASH_BLAKE2B) != MV_OK)
		abort();
	mv_ctx_set_jobs(ctx, 1);
	return ctx;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_result *res = NULL;
	size_t n;

	if (mv_run_memory(context(), "fuzz", data, size, &res) != MV_OK)
		abort();        /* only a missing input or no memory may fail a run */
	n = mv_result_entry_count(res);
	if (n == 0 || n > 64 + 1)
		abort();
	/* The input itself comes first, whole, and every path stays under it. */
	if (strcmp(mv_result_entry(res, 0)->path, "fuzz") != 0 ||
	    mv_result_entry(res, 0)->size != size)
		abort();
	for (size_t i = 0; i < n; i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (strncmp(e->path, "fuzz", 4) != 0 || (i > 0 && strncmp(e->path, "fuzz!/", 6) != 0))
			abort();
		if (e->depth > 3)
			abort();
		if (!(e->flags & MV_ENTRY_INCOMPLETE) && e->type == MV_ENTRY_FILE &&
		    e->ndigest != 2)
			abort();
	}
	for (size_t i = 0; i < mv_result_finding_count(res); i++) {
		const struct mv_finding *f = mv_result_finding(res, i);

		/* Evidence is one printable line. */
		if (strpbrk(f->evidence, "\n\r") || !mv_utf8_valid(f->evidence, strlen(f->evidence)))
			abort();
	}
	mv_result_free(res);
	return 0;
}
