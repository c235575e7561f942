/* SPDX-License-Identifier: Apache-2.0 */
/* thrift.c: the Thrift compact protocol reader. Every length and count is compared with the
 * bytes left before anything is read or looped over, so the work is linear in the input. */
#include "config.h"

#include "scan/thrift.h"

void
mv_th_init(struct mv_th *t, const unsigned char *p, size_t n)
{
	t->start = t->p = p;
	t->end = p + n;
	t->depth = 0;
	t->err = NULL;
}

size_t
mv_th_offset(const struct mv_th *t)
{
	return (size_t)(t->p - t->start);
}

static int
fail(struct mv_th *t, const char *why)
{
	t->err = why;
	return -1;
}

static int
varint(struct mv_th *t, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned shift = 0; shift < 70; shift += 7) {
		unsigned char b;

		if (t->p >= t->end)
			return fail(t, "a varint runs past the end");
		b = *t->p++;
		if (shift == 63 && (b & 0x7e))
			return fail(t, "a varint is longer than 64 bits");
		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return fail(t, "a varint is longer than 64 bits");
}

static int
take(struct mv_th *t, uint64_t n)
{
	if (n > (uint64_t)(t->end - t->p))
		return fail(t, "a value runs past the end");
	t->p += n;
	return 0;
}

int
mv_th_field(struct mv_th *t, int16_t last, int16_t *id, uint8_t *type)
{
	unsigned char b;
	uint64_t v;

	if (t->p >= t->end)
		return fail(t, "a struct is cut short");
	b = *t->p++;
	*type = b & 0x0f;
	if (*type == 0) {
		*id = 0;
		return 0;
	}
	if (*type > MV_TH_UUID)
		return fail(t, "a field has an unknown type");
	if (b >> 4) {
		*id = (int16_t)(last + (b >> 4));
		return 0;
	}
	if (varint(t, &v) != 0)
		return -1;
	/* zigzag */
	*id = (int16_t)(int64_t)((v >> 1) ^ (~(v & 1) + 1));
	return 0;
}

int
mv_th_binary(struct mv_th *t, const unsigned char **s, uint32_t *n)
{
	uint64_t len;

	if (varint(t, &len) != 0)
		return -1;
	if (len > UINT32_MAX || len > (uint64_t)(t->end - t->p))
		return fail(t, "a string runs past the end");
	*s = t->p;
	*n = (uint32_t)len;
	t->p += len;
	return 0;
}

int
mv_th_list(struct mv_th *t, uint8_t *etype, uint32_t *count)
{
	unsigned char b;
	uint64_t c;

	if (t->p >= t->end)
		return fail(t, "a list header is cut short");
	b = *t->p++;
	*etype = b & 0x0f;
	c = b >> 4;
	if (c == 15 && varint(t, &c) != 0)
		return -1;
	if (*etype == 0 || *etype > MV_TH_UUID)
		return fail(t, "a list has an unknown element type");
	if (c > (uint64_t)(t->end - t->p))
		return fail(t, "a list holds more elements than bytes are left");
	*count = (uint32_t)c;
	return 0;
}

static int
skip_struct(struct mv_th *t)
{
	int16_t last = 0, id;
	uint8_t type;

	for (;;) {
		if (mv_th_field(t, last, &id, &type) != 0)
			return -1;
		if (type == 0)
			return 0;
		if (mv_th_skip(t, type, 0) != 0)
			return -1;
		last = id;
	}
}

int
mv_th_skip(struct mv_th *t, uint8_t type, int in_list)
{
	uint64_t v;
	uint32_t n;
	uint8_t et, kt, vt;
	int r = 0;

	switch (type) {
	case MV_TH_TRUE:
	case MV_TH_FALSE:
		return in_list ? take(t, 1) : 0;
	case MV_TH_I8:
		return take(t, 1);
	case MV_TH_I16:
	case MV_TH_I32:
	case MV_TH_I64:
		return varint(t, &v);
	case MV_TH_DOUBLE:
		return take(t, 8);
	case MV_TH_UUID:
		return take(t, 16);
	case MV_TH_BINARY:
		if (varint(t, &v) != 0)
			return -1;
		return take(t, v);
	default:
		break;
	}
	if (type != MV_TH_LIST && type != MV_TH_SET && type != MV_TH_MAP && type != MV_TH_STRUCT)
		return fail(t, "a value has an unknown type");
	if (t->depth >= MV_TH_DEPTH_MAX)
		return fail(t, "values nested more deeply than readers accept");
	t->depth++;
	if (type == MV_TH_STRUCT) {
		r = skip_struct(t);
	} else if (type == MV_TH_MAP) {
		if (varint(t, &v) != 0) {
			r = -1;
		} else if (v > 0) {
			if (t->p >= t->end || v > (uint64_t)(t->end - t->p)) {
				r = fail(t, "a map holds more entries than bytes are left");
			} else {
				kt = *t->p >> 4;
				vt = *t->p & 0x0f;
				t->p++;
				for (uint64_t i = 0; i < v && r == 0; i++)
					if ((r = mv_th_skip(t, kt, 1)) == 0)
						r = mv_th_skip(t, vt, 1);
			}
		}
	} else if ((r = mv_th_list(t, &et, &n)) == 0) {
		for (uint32_t i = 0; i < n && r == 0; i++)
			r = mv_th_skip(t, et, 1);
	}
	t->depth--;
	return r;
}
