/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_safetensors.c: the safetensors analyser over arbitrary bytes. */
#include "config.h"

#include "analyser.h"
#include "scan/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(&mv_analyser_safetensors, "model.safetensors", MV_FMT_SAFETENSORS, MV_FMT_UNKNOWN,
	    data, size);
	return 0;
}
