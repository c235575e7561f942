/* SPDX-License-Identifier: Apache-2.0 */
/* source.h: byte sources with random access (a file descriptor, a spool of a nested member). */
#ifndef MV_WALK_SOURCE_H
#define MV_WALK_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include "mavis.h"

/* A read-only source of size bytes. pread reads exactly n bytes at off (off + n <= size) and
 * returns 0, or -1 with errno set. Safe to call from one thread at a time. */
struct mv_rsrc {
	uint64_t size;
	int (*pread)(void *arg, void *buf, size_t n, uint64_t off);
	void *arg;
};

/* A source over an open file descriptor (not closed by the source). */
struct mv_fdsrc {
	struct mv_rsrc src;
	int fd;
};
void mv_fdsrc_init(struct mv_fdsrc *s, int fd, uint64_t size);

/* A source over bytes in memory. */
struct mv_memsrc {
	struct mv_rsrc src;
	const unsigned char *p;
};
void mv_memsrc_init(struct mv_memsrc *s, const void *p, size_t n);

/* A spool: bytes written once, in order, then read back at random. Kept in memory up to
 * mem_max bytes, then moved to an unlinked temporary file; never more than max bytes. */
struct mv_spool {
	struct mv_rsrc src;
	unsigned char *mem;
	size_t memlen, memcap, mem_max;
	uint64_t max;
	uint64_t len;
	int fd;                /* -1 while in memory */
};
void mv_spool_init(struct mv_spool *s, size_t mem_max, uint64_t max);
/* MV_ERR_LIMIT when the spool would pass max (nothing more is kept), MV_ERR_IO on a temp file
 * error. */
mv_status mv_spool_write(struct mv_spool *s, const void *p, size_t n);
/* Finish writing; s->src is then readable. */
void mv_spool_seal(struct mv_spool *s);
void mv_spool_free(struct mv_spool *s);

/* Read exactly n bytes at off from fd, retrying short reads; 0 or -1 with errno. */
int mv_pread_full(int fd, void *buf, size_t n, uint64_t off);

#endif
