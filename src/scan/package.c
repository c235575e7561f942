/* SPDX-License-Identifier: Apache-2.0 */
/* package.c: references from one entry to another file of the package, checked after the
 * walk when every entry is known. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/strset.h"
#include "scan/analyse.h"

struct ref {
	struct mv_pkgref_rules rules;
	char *from;
	char *target;
	int64_t offset;
	uint64_t need;
	char *present;          /* evidence of rules.missing when the target is there, or NULL
	                         * for an ordinary reference */
};

struct mv_pkg {
	pthread_mutex_t lock;
	struct ref *v;
	size_t n, cap;
	int lost;               /* a reference could not be recorded (no memory) */
	struct mv_strset claimed;  /* paths of entries some analyser claimed */
	int claims_lost;
};

/* A package with more references than this is hostile; the rest are not checked. */
#define MAX_REFS 100000

struct mv_pkg *
mv_pkg_new(void)
{
	struct mv_pkg *pkg = calloc(1, sizeof(*pkg));

	if (pkg == NULL)
		return NULL;
	if (pthread_mutex_init(&pkg->lock, NULL) != 0) {
		free(pkg);
		return NULL;
	}
	mv_strset_init(&pkg->claimed);
	return pkg;
}

void
mv_pkg_free(struct mv_pkg *pkg)
{
	if (pkg == NULL)
		return;
	for (size_t i = 0; i < pkg->n; i++) {
		free(pkg->v[i].from);
		free(pkg->v[i].target);
		free(pkg->v[i].present);
	}
	free(pkg->v);
	mv_strset_free(&pkg->claimed);
	pthread_mutex_destroy(&pkg->lock);
	free(pkg);
}

static mv_status
add_ref(struct mv_pkg *pkg, const struct mv_pkgref_rules *rules, const char *from_path,
    int64_t offset, const char *target, uint64_t need, const char *present)
{
	struct ref r;
	mv_status st = MV_OK;

	if (pkg == NULL)
		return MV_OK;
	memset(&r, 0, sizeof(r));
	r.rules = *rules;
	r.offset = offset;
	r.need = need;
	r.from = mv_strdup(from_path);
	r.target = mv_strdup(target);
	r.present = present ? mv_strdup(present) : NULL;
	pthread_mutex_lock(&pkg->lock);
	if (r.from == NULL || r.target == NULL || (present && r.present == NULL)) {
		st = MV_ERR_NOMEM;
	} else if (pkg->n >= MAX_REFS) {
		st = MV_ERR_LIMIT;
	} else if (MV_ARRAY_RESERVE(pkg->v, pkg->cap, pkg->n + 1, MAX_REFS) != 0) {
		st = MV_ERR_NOMEM;
	}
	if (st == MV_OK) {
		pkg->v[pkg->n++] = r;
		r.from = r.target = r.present = NULL;
	} else {
		pkg->lost = 1;
	}
	pthread_mutex_unlock(&pkg->lock);
	free(r.from);
	free(r.target);
	free(r.present);
	return st;
}

mv_status
mv_pkg_refer(struct mv_pkg *pkg, const struct mv_pkgref_rules *rules, const char *from_path,
    int64_t offset, const char *target, uint64_t need)
{
	return add_ref(pkg, rules, from_path, offset, target, need, NULL);
}

mv_status
mv_pkg_refer_present(struct mv_pkg *pkg, enum mv_rule rule, const char *from_path,
    int64_t offset, const char *target, const char *evidence)
{
	struct mv_pkgref_rules rules = {rule, rule, rule};

	return add_ref(pkg, &rules, from_path, offset, target, 0, evidence);
}

void
mv_pkg_claimed(struct mv_pkg *pkg, const char *path)
{
	int found;

	if (pkg == NULL)
		return;
	pthread_mutex_lock(&pkg->lock);
	if (mv_strset_add(&pkg->claimed, path, strlen(path), &found) != MV_OK)
		pkg->claims_lost = 1;
	pthread_mutex_unlock(&pkg->lock);
}

static int
cmp_ref(const void *x, const void *y)
{
	const struct ref *a = x, *b = y;
	int c = strcmp(a->from, b->from);

	if (c)
		return c;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	return strcmp(a->target, b->target);
}

static int
cmp_ent(const void *x, const void *y)
{
	const struct mv_entry *const *a = x, *const *b = y;

	return strcmp((*a)->path, (*b)->path);
}

/* dir(from) joined with target, without "." and empty segments; NULL when target holds a
 * ".." segment (the analyser reports those itself) or on no memory. */
static char *
resolve(const char *from, const char *target)
{
	const char *slash = strrchr(from, '/'), *s = target;
	struct mv_buf b;

	mv_buf_init(&b, strlen(from) + strlen(target) + 2);
	if (slash && mv_buf_add(&b, from, (size_t)(slash - from)) != MV_OK)
		goto fail;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);

		if (n == 2 && s[0] == '.' && s[1] == '.')
			goto fail;
		if (n > 0 && !(n == 1 && s[0] == '.')) {
			if (b.len > 0 && mv_buf_addc(&b, '/') != MV_OK)
				goto fail;
			if (mv_buf_add(&b, s, n) != MV_OK)
				goto fail;
		}
		s += n;
		if (*s == '/')
			s++;
	}
	if (mv_buf_terminate(&b) != MV_OK)
		goto fail;
	return (char *)mv_buf_steal(&b);
fail:
	mv_buf_free(&b);
	return NULL;
}

static mv_status
check_refs(struct mv_pkg *pkg, const struct mv_entry *ent, size_t nent,
    struct mv_findings *out)
{
	const struct mv_entry **idx = NULL;
	mv_status st = MV_OK;

	if (pkg->lost)
		mv_findings_add(out, MV_R_ANALYSIS_INCOMPLETE, "", -1,
		    "references between files of the package not all checked (too many, or no "
		    "memory)");
	if (pkg->n == 0)
		return MV_OK;
	if (nent && (idx = malloc(nent * sizeof(*idx))) == NULL)
		return MV_ERR_NOMEM;
	for (size_t i = 0; i < nent; i++)
		idx[i] = &ent[i];
	if (nent)
		qsort(idx, nent, sizeof(*idx), cmp_ent);
	/* Workers recorded references in whatever order they ran; sort for a stable report. */
	qsort(pkg->v, pkg->n, sizeof(*pkg->v), cmp_ref);
	for (size_t i = 0; i < pkg->n; i++) {
		const struct ref *r = &pkg->v[i];
		char *want = resolve(r->from, r->target);
		struct mv_entry key = {.path = want};
		const struct mv_entry *kp = &key, **hit = NULL;
		const struct mv_entry *e;

		if (want == NULL)
			continue;
		if (nent)
			hit = bsearch(&kp, idx, nent, sizeof(*idx), cmp_ent);
		e = hit ? *hit : NULL;
		if (r->present) {
			if (e && e->type == MV_ENTRY_FILE)
				mv_findings_add(out, r->rules.missing, r->from, r->offset, "%s",
				    r->present);
		} else if (e == NULL) {
			mv_findings_add(out, r->rules.missing, r->from, r->offset,
			    "names '%s', which is not in the package", r->target);
		} else if (e->type != MV_ENTRY_FILE) {
			mv_findings_add(out, r->rules.link, r->from, r->offset,
			    "names '%s', which is a %s%s%s%s, not a file that was read", r->target,
			    mv_entry_type_name(e->type), e->link ? " to '" : "",
			    e->link ? e->link : "", e->link ? "'" : "");
		} else if (r->need > 0 && !(e->flags & MV_ENTRY_INCOMPLETE) && e->size < r->need) {
			mv_findings_add(out, r->rules.range, r->from, r->offset,
			    "reads %llu bytes of '%s', which holds %llu",
			    (unsigned long long)r->need, r->target, (unsigned long long)e->size);
		}
		free(want);
	}
	free(idx);
	return st;
}

/* Names listed in the evidence of content.unrecognised; the inventory has them all. */
#define LIST_MAX 5

static int
recognised(const struct mv_pkg *pkg, const struct mv_entry *e)
{
	if (e->format && strcmp(e->format, "data") != 0)
		return 1;
	return mv_strset_has(&pkg->claimed, e->path, strlen(e->path));
}

/* One content.unrecognised per input with files that neither the format sniffer nor any
 * analyser recognised: hashed, but checked for nothing. Entries of an input are contiguous. */
static mv_status
check_unrecognised(struct mv_pkg *pkg, const struct mv_entry *ent, size_t nent,
    struct mv_findings *out)
{
	mv_status st = MV_OK;

	if (pkg->claims_lost)
		return mv_findings_add(out, MV_R_ANALYSIS_INCOMPLETE, "", -1, "which files an "
		    "analyser recognised is not known (no memory)");
	for (size_t a = 0, b; a < nent && st == MV_OK; a = b) {
		struct mv_buf list;
		size_t files = 0, unknown = 0;

		mv_buf_init(&list, 64 * 1024);
		for (b = a; b < nent && ent[b].input == ent[a].input; b++) {
			const struct mv_entry *e = &ent[b];

			if (e->type != MV_ENTRY_FILE || (e->flags & MV_ENTRY_INCOMPLETE))
				continue;
			files++;
			if (recognised(pkg, e))
				continue;
			if (++unknown <= LIST_MAX)
				mv_buf_printf(&list, "%s%s", unknown > 1 ? ", " : "", e->path);
		}
		if (unknown && mv_buf_terminate(&list) == MV_OK)
			st = mv_findings_add(out, MV_R_CONTENT_UNRECOGNISED, ent[a].input, -1,
			    "%zu of %zu file%s not recognised: %s%s", unknown, files,
			    files == 1 ? "" : "s", list.p ? (const char *)list.p : "",
			    unknown > LIST_MAX ? ", ..." : "");
		mv_buf_free(&list);
	}
	return st;
}

mv_status
mv_pkg_check(struct mv_pkg *pkg, const struct mv_entry *ent, size_t nent,
    struct mv_findings *out)
{
	mv_status st;

	if (pkg == NULL)
		return MV_OK;
	if ((st = check_refs(pkg, ent, nent, out)) != MV_OK)
		return st;
	return check_unrecognised(pkg, ent, nent, out);
}
