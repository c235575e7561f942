/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_hfcode.c: the Hugging Face remote-code analyser over arbitrary bytes, read both as a
 * config.json (auto_map) and as a Python file (dataset loading scripts). */
#include "config.h"

#include "analyser.h"
#include "scan/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(&mv_analyser_hfcode, "config.json", MV_FMT_UNKNOWN, MV_FMT_UNKNOWN, data,
	    size);
	fuzz_analyser(&mv_analyser_hfcode, "script.py", MV_FMT_UNKNOWN, MV_FMT_UNKNOWN, data,
	    size);
	return 0;
}
