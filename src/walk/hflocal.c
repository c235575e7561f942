/* SPDX-License-Identifier: Apache-2.0 */
/* hflocal.c: a folder that hf download --local-dir wrote: each file against the record of
 * its download (.cache/huggingface/download/<path>.metadata: commit, etag, time). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/array.h"
#include "core/str.h"
#include "walk/hf.h"
#include "walk/walk.h"

#define META_DIR ".cache/huggingface/download"
#define META_SUFFIX ".metadata"
/* A record is three short lines; anything longer is not one. */
#define META_MAX 512
/* Records in one folder: one per file of a repository. */
#define META_MAX_FILES 100000
#define META_MAX_NEST 64

struct rec {
	char *path;                      /* the file's repository path */
	struct mv_hfmeta m;
	int ok;                          /* parsed */
	int seen;                        /* the walk met the file */
};

struct mv_hflocal {
	char *input;
	struct rec *v;
	size_t n, cap;
	struct mv_findings fl;           /* malformed records, truncated listing */
};

/* One line of at most cap-1 bytes ending in '\n' (or at the end): 0 and *pp moved on. */
static int
line(const char **pp, const char *end, char *out, size_t cap)
{
	const char *p = *pp, *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

	if (p >= end)
		return -1;
	/* Python's strip(): surrounding white space does not count. */
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\r' || p[n - 1] == '\t'))
		n--;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (n == 0 || n >= cap)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	*pp = nl ? nl + 1 : end;
	return 0;
}

int
mv_hfmeta_parse(const unsigned char *p, size_t n, struct mv_hfmeta *m, char *why,
    size_t whylen)
{
	const char *s = (const char *)p, *end = s + n;
	char t[64], *e;

	memset(m, 0, sizeof(*m));
	if (n > META_MAX || memchr(p, '\0', n)) {
		snprintf(why, whylen, "not a text record of three lines");
		return -1;
	}
	if (line(&s, end, m->commit, sizeof(m->commit)) != 0 || !mv_is_lower_hex(m->commit, 40)) {
		snprintf(why, whylen, "first line is not a commit hash (40 hexadecimal digits)");
		return -1;
	}
	if (line(&s, end, m->etag, sizeof(m->etag)) != 0) {
		snprintf(why, whylen, "second line is not an etag");
		return -1;
	}
	if (line(&s, end, t, sizeof(t)) != 0) {
		snprintf(why, whylen, "third line is not a time");
		return -1;
	}
	for (size_t i = 0; t[i]; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || t[i] == '.' || t[i] == 'e' || t[i] == 'E' ||
		    t[i] == '+' || t[i] == '-')) {
			snprintf(why, whylen, "third line is not a time");
			return -1;
		}
	errno = 0;
	m->time = strtod(t, &e);
	if (*e != '\0' || errno != 0 || !isfinite(m->time) || m->time < 0) {
		snprintf(why, whylen, "third line is not a time");
		return -1;
	}
	while (s < end && (*s == '\n' || *s == ' ' || *s == '\r' || *s == '\t'))
		s++;
	if (s != end) {
		snprintf(why, whylen, "more than three lines");
		return -1;
	}
	return 0;
}

static int
cmp_rec(const void *a, const void *b)
{
	return strcmp(((const struct rec *)a)->path, ((const struct rec *)b)->path);
}

static int
read_record(const char *path, unsigned char *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	do
		n = read(fd, buf, cap);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	*len = (size_t)n;
	return 0;
}

static mv_status
add_record(struct mv_hflocal *hl, const char *full, const char *rel)
{
	unsigned char buf[META_MAX + 1];
	char why[128], *shown;
	struct rec *r;
	size_t n = 0;
	mv_status st = MV_OK;

	if (MV_ARRAY_RESERVE(hl->v, hl->cap, hl->n + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	r = &hl->v[hl->n];
	memset(r, 0, sizeof(*r));
	if ((r->path = mv_strndup(rel, strlen(rel) - strlen(META_SUFFIX))) == NULL)
		return MV_ERR_NOMEM;
	hl->n++;
	if (read_record(full, buf, sizeof(buf), &n) != 0)
		snprintf(why, sizeof(why), "cannot be read");
	else if (mv_hfmeta_parse(buf, n, &r->m, why, sizeof(why)) == 0)
		r->ok = 1;
	if (!r->ok) {
		if ((shown = mv_asprintf("%s/" META_DIR "/%s", hl->input, rel)) == NULL)
			return MV_ERR_NOMEM;
		st = mv_findings_add(&hl->fl, MV_R_HF_DOWNLOAD_METADATA, shown, -1, "download record "
		    "of '%s': %s; the file is not checked against it", r->path, why);
		free(shown);
	}
	return st;
}

static mv_status
list_records(struct mv_hflocal *hl, const char *dir, const char *rel, int depth)
{
	DIR *d;
	struct dirent *de;
	mv_status st = MV_OK;

	if (depth > META_MAX_NEST || (d = opendir(dir)) == NULL)
		return MV_OK;
	while (st == MV_OK && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char *full, *r;
		struct stat sb;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (hl->n >= META_MAX_FILES) {
			char *shown = mv_asprintf("%s/" META_DIR, hl->input);

			if (shown == NULL)
				st = MV_ERR_NOMEM;
			else
				st = mv_findings_add(&hl->fl, MV_R_HF_DOWNLOAD_METADATA, shown, -1,
				    "more than %d download records; the rest are not read",
				    META_MAX_FILES);
			free(shown);
			break;
		}
		full = mv_path_join(dir, de->d_name);
		r = mv_path_join(rel, de->d_name);
		if (full == NULL || r == NULL)
			st = MV_ERR_NOMEM;
		else if (lstat(full, &sb) != 0)
			;
		else if (S_ISDIR(sb.st_mode))
			st = list_records(hl, full, r, depth + 1);
		else if (len > strlen(META_SUFFIX) &&
		    strcmp(de->d_name + len - strlen(META_SUFFIX), META_SUFFIX) == 0)
			st = add_record(hl, full, r);
		free(full);
		free(r);
	}
	closedir(d);
	return st;
}

mv_status
mv_hflocal_load(const char *root, const char *input, struct mv_hflocal **out)
{
	struct mv_hflocal *hl;
	char *dir = mv_path_join(root, META_DIR);
	struct stat st;
	mv_status rc;

	*out = NULL;
	if (dir == NULL)
		return MV_ERR_NOMEM;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		free(dir);
		return MV_OK;
	}
	if ((hl = calloc(1, sizeof(*hl))) == NULL || (hl->input = mv_strdup(input)) == NULL) {
		free(hl);
		free(dir);
		return MV_ERR_NOMEM;
	}
	rc = list_records(hl, dir, "", 0);
	free(dir);
	if (hl->n > 1)
		qsort(hl->v, hl->n, sizeof(*hl->v), cmp_rec);
	*out = hl;
	if (rc != MV_OK) {
		mv_hflocal_finish(hl, NULL);
		*out = NULL;
	}
	return rc;
}

mv_status
mv_hflocal_item(struct mv_hflocal *hl, struct mv_item *item, const char *rel, time_t mtime)
{
	struct rec key = {.path = mv_unconst(rel)}, *r;
	struct mv_expect e;
	char *from;
	int k;

	/* The bookkeeping folder itself is not part of the download. */
	if (strncmp(rel, ".cache/huggingface/", 19) == 0)
		return MV_OK;
	r = bsearch(&key, hl->v, hl->n, sizeof(*hl->v), cmp_rec);
	if (r == NULL)
		return mv_findings_add(&item->walk, MV_R_HF_DOWNLOAD_UNRECORDED, item->top.path, -1,
		    "no download record (" META_DIR "/%s" META_SUFFIX "): nothing says where this "
		    "file came from", rel);
	r->seen = 1;
	if (!r->ok)
		return MV_OK;
	if ((from = mv_asprintf("etag '%s' of commit %s, recorded at download ("
	    META_DIR "/%s" META_SUFFIX "),", r->m.etag, r->m.commit, rel)) == NULL)
		return MV_ERR_NOMEM;
	k = mv_expect_from_etag(r->m.etag, from, &e);
	free(from);
	if (k < 0)
		return MV_ERR_NOMEM;
	if (k == 0 && mv_findings_add(&item->walk, MV_R_HF_BLOB_UNVERIFIABLE, item->top.path, -1,
	    "download record gives etag '%s', which is neither a SHA-256 nor a git blob SHA-1",
	    r->m.etag) != MV_OK)
		return MV_ERR_NOMEM;
	if (k > 0) {
		mv_expect_free(item->expect);
		free(item->expect);
		if ((item->expect = malloc(sizeof(*item->expect))) == NULL) {
			mv_expect_free(&e);
			return MV_ERR_NOMEM;
		}
		*item->expect = e;
	}
	/* huggingface_hub trusts a record while st_mtime - 1 <= its time. */
	if ((double)mtime - 1 > r->m.time)
		return mv_findings_add(&item->walk, MV_R_HF_DOWNLOAD_MODIFIED, item->top.path, -1,
		    "modified %.0f seconds after its download (file time %lld, download time %.3f)",
		    (double)mtime - r->m.time, (long long)mtime, r->m.time);
	return MV_OK;
}

mv_status
mv_hflocal_finish(struct mv_hflocal *hl, struct mv_findings *fl)
{
	mv_status st = MV_OK;

	if (hl == NULL)
		return MV_OK;
	for (size_t i = 0; fl && i < hl->n && st == MV_OK; i++) {
		char *shown;

		if (hl->v[i].seen)
			continue;
		if ((shown = mv_path_join(hl->input, hl->v[i].path)) == NULL) {
			st = MV_ERR_NOMEM;
			break;
		}
		st = mv_findings_add(fl, MV_R_HF_DOWNLOAD_MISSING, shown, -1, "recorded as "
		    "downloaded (" META_DIR "/%s" META_SUFFIX "), but not in the folder",
		    hl->v[i].path);
		free(shown);
	}
	if (fl && st == MV_OK)
		st = mv_findings_move(fl, &hl->fl);
	for (size_t i = 0; i < hl->n; i++)
		free(hl->v[i].path);
	free(hl->v);
	free(hl->input);
	mv_findings_free(&hl->fl);
	free(hl);
	return st;
}
