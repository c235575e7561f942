/* SPDX-License-Identifier: Apache-2.0 */
/* ahead.h: read a file or a remote entry's blocks in order on a thread of its own, ahead of
 * the task that uses them. */
#ifndef MV_WALK_AHEAD_H
#define MV_WALK_AHEAD_H

#include <stddef.h>
#include "mavis.h"

struct mv_ahead;
struct mv_blocks;

/* The error of a block source: its text is in the source's err. */
#define MV_AHEAD_EBLOCKS (-1)

/* Start reading fd (from its offset) in blocks of `block` bytes. */
mv_status mv_ahead_start(int fd, size_t block, struct mv_ahead **out);
/* Start taking in's blocks (in->next is then called on the reader's thread only, until
 * mv_ahead_stop returns), handed on in blocks of at most `block` bytes. */
mv_status mv_ahead_start_blocks(struct mv_blocks *in, size_t block, struct mv_ahead **out);
/* The next block: 1 with *p and *n (valid until the next call), 0 at the end, -1 on a read
 * error (its errno in *err, or MV_AHEAD_EBLOCKS). */
int mv_ahead_next(struct mv_ahead *a, const unsigned char **p, size_t *n, int *err);
/* Stop the reader, wait for it, free everything. */
void mv_ahead_stop(struct mv_ahead *a);

#endif
