/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_gguf.c: the gguf analyser over arbitrary bytes. */
#include "config.h"

#include "analyser.h"
#include "scan/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(&mv_analyser_gguf, "model.gguf", MV_FMT_GGUF, MV_FMT_UNKNOWN, data, size);
	return 0;
}
