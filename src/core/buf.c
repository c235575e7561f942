/* SPDX-License-Identifier: Apache-2.0 */
/* buf.c: capped growable buffers. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"

void
mv_buf_init(struct mv_buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

static mv_status
reserve(struct mv_buf *b, size_t extra)
{
	size_t need, ncap;
	unsigned char *p;

	/* One byte more than asked, so mv_buf_terminate never needs to grow past max. */
	if (extra > b->max || b->len > b->max - extra)
		return MV_ERR_LIMIT;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return MV_OK;
	ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if (ncap > b->max + 1)
		ncap = b->max + 1;
	p = realloc(b->p, ncap);
	if (p == NULL)
		return MV_ERR_NOMEM;
	b->p = p;
	b->cap = ncap;
	return MV_OK;
}

mv_status
mv_buf_add(struct mv_buf *b, const void *data, size_t n)
{
	mv_status st = reserve(b, n);

	if (st != MV_OK)
		return st;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	return MV_OK;
}

mv_status
mv_buf_addc(struct mv_buf *b, unsigned char c)
{
	return mv_buf_add(b, &c, 1);
}

mv_status
mv_buf_printf(struct mv_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	mv_status st;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return MV_ERR_FORMAT;
	if ((st = reserve(b, (size_t)n)) != MV_OK)
		return st;
	va_start(ap, fmt);
	vsnprintf((char *)b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return MV_OK;
}

mv_status
mv_buf_terminate(struct mv_buf *b)
{
	mv_status st = reserve(b, 0);

	if (st != MV_OK)
		return st;
	b->p[b->len] = '\0';
	return MV_OK;
}

unsigned char *
mv_buf_steal(struct mv_buf *b)
{
	unsigned char *p = b->p;

	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}

void
mv_buf_reset(struct mv_buf *b)
{
	b->len = 0;
}

void
mv_buf_free(struct mv_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
