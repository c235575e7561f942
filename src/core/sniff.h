/* SPDX-License-Identifier: Apache-2.0 */
/* sniff.h: what a byte stream is, judged by its first bytes and never by its name. */
#ifndef MV_CORE_SNIFF_H
#define MV_CORE_SNIFF_H

#include <stddef.h>
#include <stdint.h>
#include "core/format.h"

/* Bytes of an entry's start that the sniffer looks at (tar's magic sits at 257). */
#define MV_SNIFF_HEAD 4096

/* The format of a stream from its first n bytes (n may be less than MV_SNIFF_HEAD when the
 * stream is shorter) and its total size, or UINT64_MAX when unknown. */
enum mv_format mv_sniff(const unsigned char *head, size_t n, uint64_t size);
/* True when the bytes end with a zip end-of-central-directory record; tail holds the last n
 * bytes of the stream. Catches zips with data prepended (self-extractors, polyglots). */
int mv_sniff_zip_tail(const unsigned char *tail, size_t n);

#endif
