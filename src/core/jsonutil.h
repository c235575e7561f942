/* SPDX-License-Identifier: Apache-2.0 */
/* jsonutil.h: loading JSON found inside model files with the scanner's bounds. */
#ifndef MV_CORE_JSONUTIL_H
#define MV_CORE_JSONUTIL_H

#include <stddef.h>
#include <jansson.h>
#include "mavis.h"

/* Flags for mv_json_load. */
#define MV_JSON_DUPLICATES_OK 0x1u  /* do not try the strict reading first */

/*
 * Parse p[0..n) as one JSON text nested at most max_depth deep. Duplicate object keys are
 * looked for first (JSON_REJECT_DUPLICATES); when there are some, *dup is set and the text is
 * read again keeping the last value, as most loaders do, so the caller can go on checking.
 * Returns MV_OK with *out (the caller's reference), MV_ERR_LIMIT when nested too deeply, or
 * MV_ERR_FORMAT; err receives a one-line reason with the byte offset.
 */
mv_status mv_json_load(const void *p, size_t n, unsigned max_depth, unsigned flags, json_t **out,
    int *dup, char *err, size_t errlen);

/* About how many values jansson would make of p[0..n) (one more than the brackets and commas
 * outside strings), counting no further than past limit: a bound on its memory, which is some
 * hundred bytes a value (32 MiB of "[]," would take 1.5 GB), taken before parsing. */
size_t mv_json_values(const unsigned char *p, size_t n, size_t limit);

/* Where the first JSON object or array of p[0..n) starts and ends (one past its closing
 * bracket), skipping strings; -1 when it does not close. Leading white space is skipped. */
int mv_json_extent(const unsigned char *p, size_t n, size_t *start, size_t *end);

#endif
