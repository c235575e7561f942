/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_sums.c: the checksum list reader of `mavis hash --check` (hash/sumfile.c), text and
 * JSON, then the comparison of the list with a fixed walk of two files. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mavis.h"
#include "tmpfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char walk_dir[] = "/tmp/mavis-fuzz-sums.XXXXXX";

static void
put(const char *name, const char *text)
{
	char path[sizeof(walk_dir) + 16];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", walk_dir, name);
	if ((fp = fopen(path, "w")) == NULL || fputs(text, fp) == EOF || fclose(fp) != 0)
		abort();
}

static void
remove_dir(void)
{
	char path[sizeof(walk_dir) + 16];

	snprintf(path, sizeof(path), "%s/a", walk_dir);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/b.bin", walk_dir);
	(void)unlink(path);
	(void)rmdir(walk_dir);
}

static void
check_cb(void *arg, const char *path, enum mv_check what, const char *detail)
{
	(void)arg;
	(void)detail;
	if (path == NULL || mv_check_name(what) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mv_ctx *ctx;
	static struct mv_result *res;
	const char *file = fuzz_tmp_write(data, size);
	struct mv_sums *sums = NULL;
	size_t ndiff = 0;

	if (ctx == NULL) {
		const char *inputs[1] = {walk_dir};

		if (mkdtemp(walk_dir) == NULL)
			abort();
		atexit(remove_dir);
		put("a", "a\n");
		put("b.bin", "b\n");
		if ((ctx = mv_ctx_new()) == NULL)
			abort();
		mv_ctx_set_jobs(ctx, 1);
		if (mv_run(ctx, inputs, 1, &res) != MV_OK)
			abort();
	}
	for (int alg = 0; alg < 2; alg++) {
		if (mv_sums_load(ctx, file, alg ? MV_HASH_BLAKE2B : MV_HASH_SHA512, &sums) != MV_OK)
			continue;
		if (mv_sums_root_count(sums) == 0)
			abort();        /* a list that loads names what to walk */
		for (size_t i = 0; i < mv_sums_root_count(sums); i++)
			if (mv_sums_root(sums, i) == NULL)
				abort();
		if (mv_sums_check(sums, res, check_cb, NULL, &ndiff) != MV_OK)
			ndiff = 0;      /* a list the walk cannot be matched with is refused, not a crash */
		mv_sums_free(sums);
	}
	return 0;
}
