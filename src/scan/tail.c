/* SPDX-License-Identifier: Apache-2.0 */
/* tail.c: keeping the end of a stream. With the size known, bytes before the window are never
 * copied; without it, the buffer is compacted once it holds twice the window, so each byte is
 * moved at most once more. */
#include "config.h"

#include <string.h>

#include "scan/tail.h"

void
mv_tail_init(struct mv_tail *t, uint64_t size, size_t window)
{
	memset(t, 0, sizeof(*t));
	t->size = size;
	t->window = window < MV_TAIL_KEEP ? window : MV_TAIL_KEEP;
	mv_buf_init(&t->b, 2 * t->window);
}

mv_status
mv_tail_feed(struct mv_tail *t, const unsigned char *p, size_t n)
{
	uint64_t at = t->pos;

	t->pos += n;
	if (t->lost)
		return MV_ERR_NOMEM;
	if (t->window == 0)
		return MV_OK;
	/* Bytes before the last window of a known size are never needed. */
	if (t->size != UINT64_MAX && t->size > t->window && at < t->size - t->window) {
		uint64_t skip = t->size - t->window - at;

		if (skip >= n)
			return MV_OK;
		p += skip;
		n -= (size_t)skip;
		at += skip;
	}
	if (n >= t->window) {
		mv_buf_reset(&t->b);
		at += n - t->window;
		p += n - t->window;
		n = t->window;
	}
	if (t->b.len == 0)
		t->first = at;
	if (t->b.len + n > t->b.max) {
		size_t drop = t->b.len + n - t->window;

		memmove(t->b.p, t->b.p + drop, t->b.len - drop);
		t->b.len -= drop;
		t->first += drop;
	}
	if (mv_buf_add(&t->b, p, n) != MV_OK) {
		t->lost = 1;
		return MV_ERR_NOMEM;
	}
	return MV_OK;
}

const unsigned char *
mv_tail_get(const struct mv_tail *t, size_t *n, uint64_t *first)
{
	size_t len = t->b.len;
	const unsigned char *p = t->b.p;

	/* Without a size the buffer may hold more than the window: hand out its last window. */
	if (len > t->window) {
		p += len - t->window;
		*first = t->first + (len - t->window);
		len = t->window;
	} else {
		*first = t->first;
	}
	*n = len;
	return p;
}

void
mv_tail_free(struct mv_tail *t)
{
	mv_buf_free(&t->b);
}
