/* SPDX-License-Identifier: Apache-2.0 */
/* buf.h: growable byte buffers with a hard cap, so no input can make one grow without bound. */
#ifndef MV_CORE_BUF_H
#define MV_CORE_BUF_H

#include <stddef.h>
#include "mavis.h"

struct mv_buf {
	unsigned char *p;
	size_t len;
	size_t cap;       /* allocated */
	size_t max;       /* never grows past this; MV_ERR_LIMIT instead */
};

void mv_buf_init(struct mv_buf *b, size_t max);
mv_status mv_buf_add(struct mv_buf *b, const void *data, size_t n);
mv_status mv_buf_addc(struct mv_buf *b, unsigned char c);
mv_status mv_buf_printf(struct mv_buf *b, const char *fmt, ...) MV_PRINTF(2, 3);
/* Make the contents a C string (a NUL after len, not counted). */
mv_status mv_buf_terminate(struct mv_buf *b);
/* Hand the bytes to the caller (who frees them) and reset the buffer. */
unsigned char *mv_buf_steal(struct mv_buf *b);
void mv_buf_reset(struct mv_buf *b);
void mv_buf_free(struct mv_buf *b);

#endif
