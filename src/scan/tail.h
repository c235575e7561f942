/* SPDX-License-Identifier: Apache-2.0 */
/* tail.h: the last bytes of an entry, kept while the entry streams past, for formats whose
 * metadata sits at the end (Arrow IPC files, Parquet). */
#ifndef MV_SCAN_TAIL_H
#define MV_SCAN_TAIL_H

#include <stddef.h>
#include <stdint.h>

#include "mavis.h"
#include "core/buf.h"

/*
 * Bytes kept at most, whatever --max-header allows: keeping a whole 100 MB window of every
 * large file doubled the CPU time of scanning it, while real footers are kilobytes to a few
 * megabytes. A footer longer than what was kept is reported as not analysed.
 */
#define MV_TAIL_KEEP ((size_t)16 << 20)

struct mv_tail {
	struct mv_buf b;
	uint64_t size;              /* the entry's declared size, or UINT64_MAX */
	size_t window;              /* bytes kept */
	uint64_t pos;               /* bytes of the entry seen */
	uint64_t first;             /* entry offset of b.p[0] */
	int lost;                   /* out of memory: nothing more is kept */
};

/* Keep the last min(window, MV_TAIL_KEEP) bytes of an entry of the given size (UINT64_MAX
 * when unknown: then up to twice that is held between compactions). */
void mv_tail_init(struct mv_tail *t, uint64_t size, size_t window);
/* MV_ERR_NOMEM when the bytes cannot be kept; the tail is then lost for good. */
mv_status mv_tail_feed(struct mv_tail *t, const unsigned char *p, size_t n);
/* The kept bytes (the last min(window, seen) bytes of the entry, fewer only when the declared
 * size was wrong) and the entry offset of the first. Meaningless once lost is set. */
const unsigned char *mv_tail_get(const struct mv_tail *t, size_t *n, uint64_t *first);
void mv_tail_free(struct mv_tail *t);

#endif
