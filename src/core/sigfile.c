/* SPDX-License-Identifier: Apache-2.0 */
/* sigfile.c: reading the name lists of the signatures folder, once per process and
 * generation (core/sigcache.h). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/sigcache.h"
#include "core/sigfile.h"
#include "core/str.h"

/* Lists are short data files; anything bigger is not one. */
#define MAX_FILE (8u << 20)
#define MAX_LINE 4096

struct mv_siglist {
	struct mv_sigcache_node node;   /* first: the node is the list */
	char *path;
	char **v;
	size_t *len;
	size_t n;
	struct mv_siglist *next;
};

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mv_siglist *cache;

static int
cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

struct item {
	char *s;
	size_t n;
};

static int
cmp_item(const void *x, const void *y)
{
	const struct item *a = x, *b = y;

	return cmp_bytes(a->s, a->n, b->s, b->n);
}

static void
list_free(struct mv_siglist *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->len);
	free(l->path);
	free(l);
}

static mv_status
parse(struct mv_siglist *l, const char *text, size_t len, char *err, size_t errlen)
{
	struct item *items = NULL;
	size_t n = 0, cap = 0, line = 0;
	const char *p = text, *end = text + len;
	mv_status st = MV_OK;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *s, *e;

		if (eol == NULL)
			eol = end;
		line++;
		s = p;
		e = eol;
		p = eol < end ? eol + 1 : end;
		if ((size_t)(e - s) > MAX_LINE) {
			snprintf(err, errlen, "%s:%zu: line longer than %u bytes", l->path, line,
			    (unsigned)MAX_LINE);
			st = MV_ERR_FORMAT;
			goto done;
		}
		for (const char *c = s; c < e; c++) {
			if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t')) {
				e = c;
				break;
			}
		}
		while (s < e && (*s == ' ' || *s == '\t' || *s == '\r'))
			s++;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (s == e)
			continue;
		if (memchr(s, '\0', (size_t)(e - s)) != NULL) {
			snprintf(err, errlen, "%s:%zu: NUL byte in an entry", l->path, line);
			st = MV_ERR_FORMAT;
			goto done;
		}
		if (MV_ARRAY_RESERVE(items, cap, n + 1, SIZE_MAX) != 0) {
			st = MV_ERR_NOMEM;
			goto done;
		}
		if ((items[n].s = mv_strndup(s, (size_t)(e - s))) == NULL) {
			st = MV_ERR_NOMEM;
			goto done;
		}
		items[n++].n = (size_t)(e - s);
	}
	if (n)
		qsort(items, n, sizeof(*items), cmp_item);
	if (n && ((l->v = calloc(n, sizeof(*l->v))) == NULL ||
	    (l->len = calloc(n, sizeof(*l->len))) == NULL)) {
		st = MV_ERR_NOMEM;
		goto done;
	}
	for (size_t i = 0; i < n; i++) {
		if (l->n > 0 && cmp_item(&items[i], &(struct item){l->v[l->n - 1],
		    l->len[l->n - 1]}) == 0) {
			free(items[i].s);
			continue;
		}
		l->v[l->n] = items[i].s;
		l->len[l->n++] = items[i].n;
	}
	n = 0;
done:
	for (size_t i = 0; i < n; i++)
		free(items[i].s);
	free(items);
	if (st == MV_ERR_NOMEM)
		snprintf(err, errlen, "%s: out of memory", l->path);
	return st;
}

static void
node_free(struct mv_sigcache_node *n)
{
	list_free((struct mv_siglist *)(void *)n);
}

static mv_status
load(const char *path, struct mv_siglist **out, char *err, size_t errlen)
{
	struct mv_siglist *l = calloc(1, sizeof(*l));
	struct mv_buf b;
	FILE *fp = NULL;
	char chunk[8192];
	size_t got;
	mv_status st = MV_OK;

	mv_buf_init(&b, MAX_FILE);
	if (l == NULL || (l->path = mv_strdup(path)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		st = MV_ERR_NOMEM;
		goto done;
	}
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		st = errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO;
		goto done;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if ((st = mv_buf_add(&b, chunk, got)) != MV_OK) {
			snprintf(err, errlen, "%s: %s", path, st == MV_ERR_LIMIT ?
			    "larger than a list file can be" : "out of memory");
			goto done;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", path);
		st = MV_ERR_IO;
		goto done;
	}
	if ((st = parse(l, (const char *)b.p, b.len, err, errlen)) != MV_OK)
		goto done;
	*out = l;
	l = NULL;
done:
	if (fp)
		fclose(fp);
	mv_buf_free(&b);
	list_free(l);
	return st;
}

mv_status
mv_siglist_get(const char *dir, const char *name, const struct mv_siglist **out, char *err,
    size_t errlen)
{
	char *path;
	struct mv_siglist *l;
	unsigned long gen;
	mv_status st = MV_OK;

	*out = NULL;
	if (dir == NULL) {
		const char *env = getenv("MAVIS_SIGNATURES");

		dir = env && *env ? env : MV_SIGDIR;
	}
	if ((path = mv_path_join(dir, name)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return MV_ERR_NOMEM;
	}
	/* Loading under the lock keeps two threads from reading the same file twice; it happens
	 * once per list and generation. */
	pthread_mutex_lock(&cache_lock);
	gen = mv_sigcache_generation();
	for (struct mv_siglist **pl = &cache; (l = *pl) != NULL; pl = &l->next) {
		if (strcmp(l->path, path) != 0)
			continue;
		if (l->node.generation == gen)
			break;
		*pl = l->next;          /* read before a reload: read it again */
		mv_sigcache_retire(&l->node);
		l = NULL;
		break;
	}
	if (l == NULL && (st = load(path, &l, err, errlen)) == MV_OK) {
		l->node.generation = gen;
		l->node.free = node_free;
		l->next = cache;
		cache = l;
	}
	pthread_mutex_unlock(&cache_lock);
	free(path);
	if (st == MV_OK)
		*out = l;
	return st;
}

size_t
mv_siglist_count(const struct mv_siglist *l)
{
	return l ? l->n : 0;
}

int
mv_siglist_has(const struct mv_siglist *l, const char *s, size_t n)
{
	size_t lo = 0, hi;

	if (l == NULL)
		return 0;
	hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_bytes(l->v[mid], l->len[mid], s, n);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

const char *
mv_siglist_match_dotted(const struct mv_siglist *l, const char *s, size_t n)
{
	size_t k = n;

	for (;;) {
		size_t lo = 0, hi = l ? l->n : 0;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = cmp_bytes(l->v[mid], l->len[mid], s, k);

			if (c == 0)
				return l->v[mid];
			if (c < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		while (k > 0 && s[k - 1] != '.')
			k--;
		if (k == 0)
			return NULL;
		k--;
	}
}
