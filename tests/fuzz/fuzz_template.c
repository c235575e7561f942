/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_template.c: the chat template checks over arbitrary text, directly and as the
 * tokenizer_config.json and .jinja files that carry templates, and the constant folder with
 * every value printed as the dump of tests/unit/template_fold.py prints it. */
#include "config.h"

#include "analyser.h"
#include "scan/formats.h"
#include "scan/template.h"
#include "scan/template_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void
touch(void *arg, size_t s, size_t e, const unsigned char *v, size_t n, int open)
{
	size_t *sum = arg;

	/* Read every byte of the value, so a sanitizer sees a bad length. */
	for (size_t i = 0; i < n; i++)
		*sum += v[i];
	*sum += s + e + (size_t)open;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t sum = 0;
	struct mv_fold_hooks h = { .arg = &sum, .value = touch };

	fuzz_analyser(&mv_analyser_template, "chat_template.jinja", MV_FMT_UNKNOWN, MV_FMT_UNKNOWN,
	    data, size);
	fuzz_analyser(&mv_analyser_template, "tokenizer_config.json", MV_FMT_JSON, MV_FMT_UNKNOWN,
	    data, size);
	(void)mv_template_fold(data, size, &h);
	sink = sum;
	return 0;
}
