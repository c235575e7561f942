/* SPDX-License-Identifier: Apache-2.0 */
/* strset.c: open-addressing string set with FNV-1a hashing. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "core/strset.h"

static uint64_t
fnv(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

void
mv_strset_init(struct mv_strset *s)
{
	memset(s, 0, sizeof(*s));
}

static size_t
find(const struct mv_strset *s, const char *str, size_t n)
{
	size_t mask = s->cap - 1, i = (size_t)fnv(str, n) & mask;

	while (s->slot[i] && !(s->len[i] == n && memcmp(s->slot[i], str, n) == 0))
		i = (i + 1) & mask;
	return i;
}

static mv_status
grow(struct mv_strset *s)
{
	struct mv_strset t;

	t.cap = s->cap ? s->cap * 2 : 64;
	t.n = 0;
	t.slot = calloc(t.cap, sizeof(*t.slot));
	t.len = calloc(t.cap, sizeof(*t.len));
	if (t.slot == NULL || t.len == NULL) {
		free(t.slot);
		free(t.len);
		return MV_ERR_NOMEM;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->slot[i]) {
			size_t j = find(&t, s->slot[i], s->len[i]);

			t.slot[j] = s->slot[i];
			t.len[j] = s->len[i];
			t.n++;
		}
	}
	free(s->slot);
	free(s->len);
	*s = t;
	return MV_OK;
}

mv_status
mv_strset_add(struct mv_strset *s, const char *str, size_t n, int *found)
{
	size_t i;
	mv_status st;

	*found = 0;
	if ((s->n + 1) * 2 > s->cap && (st = grow(s)) != MV_OK)
		return st;
	i = find(s, str, n);
	if (s->slot[i]) {
		*found = 1;
		return MV_OK;
	}
	if ((s->slot[i] = mv_strndup(str, n)) == NULL)
		return MV_ERR_NOMEM;
	s->len[i] = n;
	s->n++;
	return MV_OK;
}

int
mv_strset_has(const struct mv_strset *s, const char *str, size_t n)
{
	return s->cap && s->slot[find(s, str, n)] != NULL;
}

void
mv_strset_free(struct mv_strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	free(s->len);
	memset(s, 0, sizeof(*s));
}
