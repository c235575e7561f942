/* SPDX-License-Identifier: Apache-2.0 */
/* strset.h: a set of byte strings (open addressing), for duplicate names and name lists. */
#ifndef MV_CORE_STRSET_H
#define MV_CORE_STRSET_H

#include <stddef.h>
#include <stdint.h>
#include "mavis.h"

struct mv_strset {
	char **slot;
	size_t *len;
	size_t cap;      /* power of two */
	size_t n;
};

void mv_strset_init(struct mv_strset *s);
/* Add a copy of s[0..n). Sets *found when it was there already (nothing is added then). */
mv_status mv_strset_add(struct mv_strset *s, const char *str, size_t n, int *found);
int mv_strset_has(const struct mv_strset *s, const char *str, size_t n);
void mv_strset_free(struct mv_strset *s);

#endif
