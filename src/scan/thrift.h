/* SPDX-License-Identifier: Apache-2.0 */
/* thrift.h: a bounded reader of the Thrift compact protocol (the encoding of Parquet's
 * footer): field headers, strings, list headers, and skipping any value within limits. */
#ifndef MV_SCAN_THRIFT_H
#define MV_SCAN_THRIFT_H

#include <stddef.h>
#include <stdint.h>

/* Compact protocol type codes (a field's low nibble, a list's element type). */
enum {
	MV_TH_TRUE = 1, MV_TH_FALSE = 2, MV_TH_I8 = 3, MV_TH_I16 = 4, MV_TH_I32 = 5,
	MV_TH_I64 = 6, MV_TH_DOUBLE = 7, MV_TH_BINARY = 8, MV_TH_LIST = 9, MV_TH_SET = 10,
	MV_TH_MAP = 11, MV_TH_STRUCT = 12, MV_TH_UUID = 13
};

/* Nesting of structs and containers the reader follows; Thrift's own default limit. */
#define MV_TH_DEPTH_MAX 64

struct mv_th {
	const unsigned char *start, *p, *end;
	unsigned depth;
	const char *err;            /* why the last call failed */
};

void mv_th_init(struct mv_th *t, const unsigned char *p, size_t n);
/* Every reader returns 0, or -1 with t->err set and nothing sensible read. */
/* The next field header of a struct: *type 0 at the struct's end (STOP). last is the id of
 * the previous field (0 at the start), as the delta encoding needs. */
int mv_th_field(struct mv_th *t, int16_t last, int16_t *id, uint8_t *type);
int mv_th_binary(struct mv_th *t, const unsigned char **s, uint32_t *n);
/* A list or set header; the count is checked against the bytes left (every element takes
 * at least one byte). */
int mv_th_list(struct mv_th *t, uint8_t *etype, uint32_t *count);
/* Skip one value of the given type (a field's value when in_list is 0, else an element of a
 * list, where booleans take a byte), recursing at most MV_TH_DEPTH_MAX deep. */
int mv_th_skip(struct mv_th *t, uint8_t type, int in_list);
/* Offset of the read position from the start. */
size_t mv_th_offset(const struct mv_th *t);

#endif
