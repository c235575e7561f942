/* SPDX-License-Identifier: Apache-2.0 */
/* arrowmeta.h: the Arrow schema metadata that a reader turns into Python objects (extension
 * types, pickled metadata), read from IPC messages, IPC file footers and the ARROW:schema a
 * Parquet footer carries. Shared by the Arrow and Parquet analysers. */
#ifndef MV_SCAN_ARROWMETA_H
#define MV_SCAN_ARROWMETA_H

#include <stddef.h>
#include <stdint.h>

#include "scan/analyse.h"

/* Where a buffer came from, for the findings about it. */
struct mv_arrowmeta {
	const struct mv_actx *a;
	struct mv_report *rep;
	const char *where;          /* "schema message", "file footer", ... */
	int64_t base;               /* offset in the entry of the buffer's first byte, or -1
	                             * when the buffer was decoded (base64) */
	int64_t at;                 /* the offset reported for a decoded buffer */
	uint64_t fields;            /* fields walked, against MV_ARROW_MAX_FIELDS */
	uint64_t kvs;               /* key-value pairs walked, against MV_ARROW_MAX_KVS */
	uint64_t pickles;           /* pickles handed to the pickle machine */
};

/* Fields per schema, nesting of fields, and pickled payloads per entry beyond which the rest
 * is not walked (an analysis.incomplete finding). The reference reader's verifier stops at
 * 64 levels of tables and a million tables. */
#define MV_ARROW_MAX_FIELDS 100000u
#define MV_ARROW_MAX_DEPTH 64u
#define MV_ARROW_MAX_PICKLES 64u
#define MV_ARROW_MAX_KVS 1000000u

/* Bytes of the prefix of an encapsulated IPC message: 0xFFFFFFFF and a 32-bit length (the
 * continuation form), or the length alone (the form before Arrow 0.15). Returns 1 with the
 * prefix length and the metadata length, 0 at an end-of-stream marker, -1 when p[0..n) is
 * too short or the length is negative. */
int mv_arrow_prefix(const unsigned char *p, size_t n, size_t *prefix, uint32_t *len);
/* An encapsulated IPC message whose header must be a Schema (the first of a stream, the
 * ARROW:schema of Parquet): its prefix, then the Message flatbuffer. */
void mv_arrow_check_ipc(struct mv_arrowmeta *m, const unsigned char *p, size_t n);
/* A Message flatbuffer (without the prefix) whose header must be a Schema. */
void mv_arrow_check_message(struct mv_arrowmeta *m, const unsigned char *p, size_t n);
/* One key-value pair of metadata outside a schema (a Parquet footer's): a value that is a
 * pickle is reported and analysed. */
void mv_arrow_check_value(struct mv_arrowmeta *m, const unsigned char *k, uint32_t kn,
    const unsigned char *v, uint32_t vn, uint32_t voff);
/* Is p[0..n) a whole encapsulated Message whose header is a Schema? Used to claim streams,
 * which have no magic. */
int mv_arrow_is_schema_message(const unsigned char *p, size_t n);
/* The Footer flatbuffer of an IPC file: its schema is the one a file reader uses. */
void mv_arrow_check_footer(struct mv_arrowmeta *m, const unsigned char *p, size_t n);

#endif
