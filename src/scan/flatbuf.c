/* SPDX-License-Identifier: Apache-2.0 */
/* flatbuf.c: the bounded FlatBuffers reader. Offsets are added in 64 bits and compared with
 * the buffer's size before any byte they name is read. */
#include "config.h"

#include "core/cursor.h"
#include "scan/flatbuf.h"

/* The table at pos: a signed offset back (or forward) to its vtable, which starts with its
 * own length and the table's length, both of which must fit. */
static int
table_at(const unsigned char *p, size_t n, uint64_t pos, struct mv_fbt *t)
{
	int64_t vt;

	if (n > MV_FB_MAX || pos > n || n - pos < 4)
		return -1;
	vt = (int64_t)pos - (int64_t)(int32_t)mv_le32(p + pos);
	if (vt < 0 || (uint64_t)vt > n || n - (uint64_t)vt < 4)
		return -1;
	t->p = p;
	t->n = n;
	t->pos = (uint32_t)pos;
	t->vt = (uint32_t)vt;
	t->vtlen = mv_le16(p + vt);
	t->tlen = mv_le16(p + vt + 2);
	if (t->vtlen < 4 || (t->vtlen & 1) || t->vtlen > n - (uint64_t)vt)
		return -1;
	if (t->tlen < 4 || t->tlen > n - pos)
		return -1;
	return 0;
}

int
mv_fb_root(const unsigned char *p, size_t n, struct mv_fbt *t)
{
	if (n < 4 || n > MV_FB_MAX)
		return -1;
	return table_at(p, n, mv_le32(p), t);
}

/* Where field id lies in the table: 1 with *at, 0 when absent, -1 when it overruns the
 * table's declared length. */
static int
field_at(const struct mv_fbt *t, unsigned id, unsigned width, uint32_t *at)
{
	uint32_t slot = 4 + 2 * (uint32_t)id;
	uint16_t fo;

	if (id > 0x7ffe || slot + 2 > t->vtlen)
		return 0;
	if ((fo = mv_le16(t->p + t->vt + slot)) == 0)
		return 0;
	if ((uint32_t)fo + width > t->tlen)
		return -1;
	*at = t->pos + fo;
	return 1;
}

/* Follow the unsigned offset stored at at. */
static int
follow(const struct mv_fbt *t, uint32_t at, uint64_t *target)
{
	uint64_t v;

	if ((uint64_t)at + 4 > t->n)
		return -1;
	v = (uint64_t)at + mv_le32(t->p + at);
	if (v >= t->n)
		return -1;
	*target = v;
	return 0;
}

int
mv_fb_scalar(const struct mv_fbt *t, unsigned id, unsigned width, uint64_t dflt, uint64_t *v)
{
	uint32_t at;
	int r;

	*v = dflt;
	if (width != 1 && width != 2 && width != 4 && width != 8)
		return -1;
	if ((r = field_at(t, id, width, &at)) <= 0)
		return r;
	switch (width) {
	case 1:
		*v = t->p[at];
		break;
	case 2:
		*v = mv_le16(t->p + at);
		break;
	case 4:
		*v = mv_le32(t->p + at);
		break;
	default:
		*v = mv_le64(t->p + at);
		break;
	}
	return 1;
}

int
mv_fb_table(const struct mv_fbt *t, unsigned id, struct mv_fbt *out)
{
	uint64_t target;
	uint32_t at;
	int r;

	if ((r = field_at(t, id, 4, &at)) <= 0)
		return r;
	if (follow(t, at, &target) != 0 || table_at(t->p, t->n, target, out) != 0)
		return -1;
	return 1;
}

/* A length-prefixed run of count * elem bytes at target. */
static int
run_at(const struct mv_fbt *t, uint64_t target, unsigned elem, uint32_t *start,
    uint32_t *count)
{
	uint64_t c;

	if (target > t->n || t->n - target < 4)
		return -1;
	c = mv_le32(t->p + target);
	if (c * elem > t->n - target - 4)
		return -1;
	*start = (uint32_t)(target + 4);
	*count = (uint32_t)c;
	return 0;
}

int
mv_fb_string(const struct mv_fbt *t, unsigned id, const unsigned char **s, uint32_t *len,
    uint32_t *off)
{
	int r = mv_fb_vector(t, id, 1, off, len);

	if (r == 1)
		*s = t->p + *off;
	return r;
}

int
mv_fb_vector(const struct mv_fbt *t, unsigned id, unsigned elem, uint32_t *start,
    uint32_t *count)
{
	uint64_t target;
	uint32_t at;
	int r;

	*count = 0;
	if ((r = field_at(t, id, 4, &at)) <= 0)
		return r;
	if (follow(t, at, &target) != 0 || run_at(t, target, elem, start, count) != 0)
		return -1;
	return 1;
}

int
mv_fb_vector_table(const struct mv_fbt *t, uint32_t start, uint32_t i, struct mv_fbt *out)
{
	uint64_t target;
	uint64_t at = (uint64_t)start + 4 * (uint64_t)i;

	if (at > UINT32_MAX || follow(t, (uint32_t)at, &target) != 0 ||
	    table_at(t->p, t->n, target, out) != 0)
		return -1;
	return 1;
}
