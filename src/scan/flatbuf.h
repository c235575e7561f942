/* SPDX-License-Identifier: Apache-2.0 */
/* flatbuf.h: a bounded reader of FlatBuffers tables, strings and vectors (the encoding of
 * Arrow's schema, message and footer metadata), checking every offset before it is followed. */
#ifndef MV_SCAN_FLATBUF_H
#define MV_SCAN_FLATBUF_H

#include <stddef.h>
#include <stdint.h>

/* Buffers larger than this are refused: FlatBuffers offsets are 32-bit. */
#define MV_FB_MAX ((size_t)INT32_MAX)

/* A table inside a buffer: where it starts, its vtable and the two sizes the vtable gives. */
struct mv_fbt {
	const unsigned char *p;     /* the whole buffer */
	size_t n;
	uint32_t pos;               /* the table */
	uint32_t vt;                /* its vtable */
	uint16_t vtlen, tlen;
};

/*
 * Every reader returns 1 when the field is present and read, 0 when it is absent (the
 * outputs then hold the schema's default or nothing), and -1 when the buffer is malformed:
 * an offset or a length that points outside it, a vtable that does not fit, a field that
 * runs past its table. Nothing is read before it is checked to lie inside [p, p + n).
 */

/* The root table, whose offset is the buffer's first four bytes. */
int mv_fb_root(const unsigned char *p, size_t n, struct mv_fbt *t);
/* An unsigned little-endian scalar of width 1, 2, 4 or 8 bytes (dflt when absent). */
int mv_fb_scalar(const struct mv_fbt *t, unsigned id, unsigned width, uint64_t dflt,
    uint64_t *v);
/* A sub-table (also the value of a union, whose type is the scalar of field id - 1). */
int mv_fb_table(const struct mv_fbt *t, unsigned id, struct mv_fbt *out);
/* A string or [ubyte]: its bytes (not NUL-terminated) and their offset in the buffer. */
int mv_fb_string(const struct mv_fbt *t, unsigned id, const unsigned char **s, uint32_t *len,
    uint32_t *off);
/* A vector of count elements of elem bytes each; *start is the offset of the first. */
int mv_fb_vector(const struct mv_fbt *t, unsigned id, unsigned elem, uint32_t *start,
    uint32_t *count);
/* Element i of a vector of tables starting at start (the caller keeps i below its count). */
int mv_fb_vector_table(const struct mv_fbt *t, uint32_t start, uint32_t i, struct mv_fbt *out);

#endif
