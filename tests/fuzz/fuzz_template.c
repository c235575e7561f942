/* fuzz_template.c: the chat template checks over arbitrary text, directly and as the
 * tokenizer_config.json and .jinja files that carry templates. */
#include "config.h"

#include "analyser.h"
#include "scan/formats.h"
#include "scan/template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(&mv_analyser_template, "chat_template.jinja", MV_FMT_UNKNOWN, MV_FMT_UNKNOWN,
	    data, size);
	fuzz_analyser(&mv_analyser_template, "tokenizer_config.json", MV_FMT_JSON, MV_FMT_UNKNOWN,
	    data, size);
	return 0;
}
