/* SPDX-License-Identifier: Apache-2.0 */
/* array.h: growing an array, one way for every part: amortised doubling, a cap, no size that
 * wraps, and the array untouched when it cannot grow. */
#ifndef MV_CORE_ARRAY_H
#define MV_CORE_ARRAY_H

#include <stddef.h>

/* Bytes added by a growth are zeroed (without it, pages never written stay unmapped: a
 * sparse table indexed by the input costs only what is used). */
#define MV_ARRAY_ZERO 0x1u

/*
 * Make room in the array *v (*cap elements of size bytes) for need elements. The capacity
 * at least doubles (from 16), so n appends cost O(n), but never goes past max elements.
 * Returns 0, or -1 with *v and *cap untouched when need is over max, when the bytes would
 * not fit a size_t, or when memory runs out.
 */
int mv_array_reserve(void **v, size_t *cap, size_t need, size_t size, size_t max,
    unsigned flags);

/* The same for a typed array a with capacity field c: elements of sizeof(*a), zeroed. */
#define MV_ARRAY_RESERVE(a, c, need, max) \
	mv_array_reserve((void **)&(a), &(c), (need), sizeof(*(a)), (max), MV_ARRAY_ZERO)

#endif
