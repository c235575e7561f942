/* SPDX-License-Identifier: Apache-2.0 */
/* pbwalk.c: protobuf wire format, one byte stream at a time, with bounded lengths and depth. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scan/pbwalk.h"

enum {
	ST_TAG = 0,
	ST_VARINT,      /* the value of a varint field */
	ST_LEN,         /* the length of a length-delimited field */
	ST_SKIP,
	ST_KEEP,
	ST_FAILED
};

void
mv_pb_init(struct mv_pb *pb, const struct mv_pb_field *tab, size_t ntab,
    const struct mv_pb_ops *ops, void *arg, size_t keep_max, unsigned depth_max, uint64_t size)
{
	memset(pb, 0, sizeof(*pb));
	pb->tab = tab;
	pb->ntab = ntab;
	pb->ops = ops;
	pb->arg = arg;
	pb->keep_max = keep_max;
	pb->depth_max = depth_max < MV_PB_DEPTH_MAX ? depth_max : MV_PB_DEPTH_MAX;
	pb->size = size;
	pb->stack[0].msg = 0;
	pb->stack[0].end = size;
	mv_buf_init(&pb->keep, keep_max);
}

void
mv_pb_free(struct mv_pb *pb)
{
	mv_buf_free(&pb->keep);
}

static mv_status
fail(struct mv_pb *pb, uint64_t at, const char *fmt, ...) MV_PRINTF(3, 4);

static mv_status
fail(struct mv_pb *pb, uint64_t at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pb->err, sizeof(pb->err), fmt, ap);
	va_end(ap);
	pb->err_offset = at;
	pb->failed = 1;
	pb->state = ST_FAILED;
	return MV_ERR_FORMAT;
}

static const struct mv_pb_field *
lookup(const struct mv_pb *pb, int msg, uint32_t num)
{
	for (size_t i = 0; i < pb->ntab; i++)
		if (pb->tab[i].msg == msg && pb->tab[i].num == num)
			return &pb->tab[i];
	return NULL;
}

/* A field ended at pb->pos: close every message that ends here too. */
static mv_status
field_done(struct mv_pb *pb)
{
	pb->state = ST_TAG;
	pb->acc = 0;
	pb->shift = 0;
	pb->fields++;
	while (pb->depth > 0 && pb->pos == pb->stack[pb->depth].end) {
		if (pb->ops->end)
			pb->ops->end(pb->arg, pb->stack[pb->depth].msg);
		pb->depth--;
	}
	if (pb->pos > pb->stack[pb->depth].end)
		return fail(pb, pb->field_start, "field %u runs past the end of its message",
		    (unsigned)pb->num);
	return MV_OK;
}

/* One byte of a varint into acc; 1 when the varint is complete. */
static int
varint_byte(struct mv_pb *pb, unsigned char b, int *bad)
{
	uint64_t part = b & 0x7f;

	*bad = 0;
	if (pb->shift >= 64 || (pb->shift == 63 && part > 1)) {
		*bad = 1;
		return 0;
	}
	pb->acc |= part << pb->shift;
	pb->shift += 7;
	return !(b & 0x80);
}

static mv_status
start_len(struct mv_pb *pb, uint64_t len)
{
	int msg = pb->stack[pb->depth].msg;
	uint64_t room = pb->stack[pb->depth].end - pb->pos;
	const struct mv_pb_field *f;

	if (pb->pos > pb->stack[pb->depth].end || len > room)
		return fail(pb, pb->field_start, "field %u declares %llu bytes, more than the %llu "
		    "left in its message", (unsigned)pb->num, (unsigned long long)len,
		    (unsigned long long)(pb->pos > pb->stack[pb->depth].end ? 0 : room));
	f = lookup(pb, msg, pb->num);
	if (f && f->act == MV_PB_ENTER) {
		if (pb->depth + 1 > pb->depth_max)
			return fail(pb, pb->field_start, "messages nested more than %u deep",
			    pb->depth_max);
		pb->depth++;
		pb->stack[pb->depth].msg = f->child;
		pb->stack[pb->depth].end = pb->pos + len;
		if (pb->ops->begin)
			pb->ops->begin(pb->arg, f->child, pb->pos);
		/* An empty message ends where it starts. */
		return field_done(pb);
	}
	pb->left = len;
	if (f && f->act == MV_PB_KEEP) {
		pb->keep_msg = msg;
		pb->full = len;
		mv_buf_reset(&pb->keep);
		pb->state = ST_KEEP;
	} else {
		pb->state = ST_SKIP;
	}
	if (len == 0 && pb->state == ST_SKIP)
		return field_done(pb);
	return MV_OK;
}

static mv_status
keep_done(struct mv_pb *pb)
{
	if (pb->ops->bytes)
		pb->ops->bytes(pb->arg, pb->keep_msg, pb->num, pb->keep.p ? pb->keep.p :
		    (const unsigned char *)"", pb->keep.len, pb->full, pb->field_start);
	mv_buf_reset(&pb->keep);
	return field_done(pb);
}

mv_status
mv_pb_feed(struct mv_pb *pb, const unsigned char *p, size_t n)
{
	size_t i = 0;
	mv_status st = MV_OK;

	if (pb->state == ST_FAILED)
		return MV_ERR_FORMAT;
	while (i < n) {
		int bad = 0;

		switch (pb->state) {
		case ST_TAG:
			if (pb->shift == 0)
				pb->field_start = pb->pos;
			if (!varint_byte(pb, p[i++], &bad)) {
				pb->pos++;
				if (bad)
					return fail(pb, pb->field_start, "field tag longer than 10 bytes");
				break;
			}
			pb->pos++;
			if (pb->acc >> 3 == 0 || pb->acc >> 3 > 0x1fffffff)
				return fail(pb, pb->field_start, "field number %llu is out of range",
				    (unsigned long long)(pb->acc >> 3));
			pb->num = (uint32_t)(pb->acc >> 3);
			pb->wire = (unsigned)(pb->acc & 7);
			pb->acc = 0;
			pb->shift = 0;
			switch (pb->wire) {
			case 0:
				pb->state = ST_VARINT;
				break;
			case 1:
			case 5:
				pb->left = pb->wire == 1 ? 8 : 4;
				pb->state = ST_SKIP;
				break;
			case 2:
				pb->state = ST_LEN;
				break;
			case 3:
			case 4:
				return fail(pb, pb->field_start, "field %u uses the deprecated group "
				    "encoding", (unsigned)pb->num);
			default:
				return fail(pb, pb->field_start, "field %u has invalid wire type %u",
				    (unsigned)pb->num, pb->wire);
			}
			break;
		case ST_VARINT:
		case ST_LEN:
			if (!varint_byte(pb, p[i++], &bad)) {
				pb->pos++;
				if (bad)
					return fail(pb, pb->field_start, "varint longer than 10 bytes");
				break;
			}
			pb->pos++;
			if (pb->state == ST_VARINT) {
				if (pb->ops->varint)
					pb->ops->varint(pb->arg, pb->stack[pb->depth].msg, pb->num,
					    pb->acc);
				st = field_done(pb);
			} else {
				st = start_len(pb, pb->acc);
			}
			if (st != MV_OK)
				return st;
			break;
		case ST_SKIP: {
			size_t take = n - i;

			if (take > pb->left)
				take = (size_t)pb->left;
			i += take;
			pb->pos += take;
			pb->left -= take;
			if (pb->left == 0 && (st = field_done(pb)) != MV_OK)
				return st;
			break;
		}
		case ST_KEEP: {
			size_t take = n - i, room = pb->keep_max - pb->keep.len;

			if (take > pb->left)
				take = (size_t)pb->left;
			if (room > take)
				room = take;
			if (room && mv_buf_add(&pb->keep, p + i, room) != MV_OK)
				return fail(pb, pb->field_start, "out of memory");
			i += take;
			pb->pos += take;
			pb->left -= take;
			if (pb->left == 0 && (st = keep_done(pb)) != MV_OK)
				return st;
			break;
		}
		default:
			return MV_ERR_FORMAT;
		}
	}
	return MV_OK;
}

mv_status
mv_pb_finish(struct mv_pb *pb)
{
	if (pb->state == ST_FAILED)
		return MV_ERR_FORMAT;
	if (pb->state != ST_TAG || pb->shift != 0)
		return fail(pb, pb->field_start, "stream ends inside field %u", (unsigned)pb->num);
	if (pb->depth > 0)
		return fail(pb, pb->pos, "stream ends inside a message that should run to offset "
		    "%llu", (unsigned long long)pb->stack[pb->depth].end);
	return MV_OK;
}
