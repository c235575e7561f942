/* SPDX-License-Identifier: Apache-2.0 */
/* scan-folder.c: the smallest program on libmavis, built by tests/cli/install.sh against an
 * installed copy with pkg-config: scan a folder, print one line per finding. */
#include <stdio.h>

#include <mavis.h>

int
main(int argc, char **argv)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	const char *in[1] = {argc > 1 ? argv[1] : "."};
	int rc = 2;

	if (ctx == NULL)
		return 2;
	mv_ctx_set_flags(ctx, MV_RUN_ANALYSE);
	if (mv_run(ctx, in, 1, &res) != MV_OK) {
		fprintf(stderr, "scan-folder: %s\n", mv_ctx_error(ctx));
		goto done;
	}
	for (size_t i = 0; i < mv_result_finding_count(res); i++) {
		const struct mv_finding *f = mv_result_finding(res, i);

		printf("%s: %s %s\n", f->path, mv_severity_name(f->severity), f->rule);
	}
	printf("%zu entries, libmavis %s\n", mv_result_entry_count(res), mv_version());
	rc = 0;
done:
	mv_result_free(res);
	mv_ctx_free(ctx);
	return rc;
}
