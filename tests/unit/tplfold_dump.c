/* SPDX-License-Identifier: Apache-2.0 */
/* tplfold_dump.c: print what the chat template folder computes for a template file, one line
 * per expression: start and end byte of the expression, 1 when only a prefix of the value is
 * known, and the value as Jinja prints it (backslash, tab, newline and CR escaped).
 * tests/unit/template_fold.py compares every line with Jinja2's own evaluation. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/file.h"
#include "scan/template_int.h"

static void
dump(void *arg, size_t s, size_t e, const unsigned char *v, size_t n, int open)
{
	(void)arg;
	printf("%zu\t%zu\t%d\t", s, e, open);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '\\')
			fputs("\\\\", stdout);
		else if (v[i] == '\n')
			fputs("\\n", stdout);
		else if (v[i] == '\t')
			fputs("\\t", stdout);
		else if (v[i] == '\r')
			fputs("\\r", stdout);
		else
			putchar(v[i]);
	}
	putchar('\n');
}

int
main(int argc, char **argv)
{
	struct mv_fold_hooks h = { .value = dump };
	struct mv_ctx *ctx = mv_ctx_new();
	unsigned char *text = NULL;
	size_t n = 0;
	int rc = 1;

	if (argc != 2 || ctx == NULL) {
		fprintf(stderr, "usage: tplfold_dump TEMPLATE\n");
		mv_ctx_free(ctx);
		return 2;
	}
	if (mv_file_read(ctx, argv[1], 1u << 24, &text, &n) != MV_OK)
		fprintf(stderr, "tplfold_dump: %s\n", mv_ctx_error(ctx));
	else if (mv_template_fold(text, n, &h) != MV_OK)
		fprintf(stderr, "tplfold_dump: %s: template too large to fold\n", argv[1]);
	else
		rc = 0;
	free(text);
	mv_ctx_free(ctx);
	return rc;
}
