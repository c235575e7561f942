/* SPDX-License-Identifier: Apache-2.0 */
/* cursor.h: bounded little-endian readers; every read checks the bytes left first. */
#ifndef MV_CORE_CURSOR_H
#define MV_CORE_CURSOR_H

#include <stddef.h>
#include <stdint.h>

static inline uint16_t mv_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t mv_le32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	    ((uint32_t)p[3] << 24);
}

static inline uint64_t mv_le64(const unsigned char *p)
{
	return (uint64_t)mv_le32(p) | ((uint64_t)mv_le32(p + 4) << 32);
}

static inline uint32_t mv_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) |
	    (uint32_t)p[3];
}

/* A read position inside [p, end). Readers return 0 on success and -1, moving nothing, when
 * fewer bytes are left than asked for. */
struct mv_cur {
	const unsigned char *p;
	const unsigned char *end;
};

static inline void mv_cur_init(struct mv_cur *c, const void *p, size_t n)
{
	c->p = p;
	c->end = c->p + n;
}

static inline size_t mv_cur_left(const struct mv_cur *c)
{
	return (size_t)(c->end - c->p);
}

static inline int mv_cur_bytes(struct mv_cur *c, size_t n, const unsigned char **out)
{
	if (mv_cur_left(c) < n)
		return -1;
	if (out)
		*out = c->p;
	c->p += n;
	return 0;
}

static inline int mv_cur_u8(struct mv_cur *c, uint8_t *v)
{
	if (mv_cur_left(c) < 1)
		return -1;
	*v = *c->p++;
	return 0;
}

static inline int mv_cur_u16(struct mv_cur *c, uint16_t *v)
{
	if (mv_cur_left(c) < 2)
		return -1;
	*v = mv_le16(c->p);
	c->p += 2;
	return 0;
}

static inline int mv_cur_u32(struct mv_cur *c, uint32_t *v)
{
	if (mv_cur_left(c) < 4)
		return -1;
	*v = mv_le32(c->p);
	c->p += 4;
	return 0;
}

static inline int mv_cur_u64(struct mv_cur *c, uint64_t *v)
{
	if (mv_cur_left(c) < 8)
		return -1;
	*v = mv_le64(c->p);
	c->p += 8;
	return 0;
}

#endif
