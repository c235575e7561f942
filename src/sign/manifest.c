/* SPDX-License-Identifier: Apache-2.0 */
/* manifest.c: the OMS resources of a model: names relative to its root, the reference tool's
 * ignore and symlink rules, file and shard digests taken from a run, and the root digest. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/array.h"
#include "core/ctx.h"
#include "core/sha256.h"
#include "core/str.h"
#include "core/strset.h"
#include "hash/digest.h"
#include "sign/sign.h"

/* Ignored at the model root by default (model_signing's ignore_git_paths). */
const char *const mv_git_ignores[] = {".git", ".gitattributes", ".github", ".gitignore", NULL};

/* Symlinks followed one after another inside an archive before giving up. */
#define MAX_LINK_HOPS 40

void
mv_manifest_init(struct mv_manifest *m)
{
	memset(m, 0, sizeof(*m));
	m->alg = MV_HASH_SHA256;
}

void
mv_manifest_free(struct mv_manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->r[i].name);
		free(m->r[i].path);
	}
	free(m->r);
	for (size_t i = 0; i < m->nignore; i++)
		free(m->ignore[i]);
	free(m->ignore);
	free(m->model_name);
	memset(m, 0, sizeof(*m));
}

mv_status
mv_manifest_add(struct mv_manifest *m, const char *path, uint64_t start, uint64_t end,
    unsigned alg, const unsigned char *digest, unsigned len)
{
	struct mv_resource *r;

	if (len > MV_DIGEST_MAX)
		return MV_ERR_INTERNAL;
	if (MV_ARRAY_RESERVE(m->r, m->cap, m->n + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	r = &m->r[m->n];
	memset(r, 0, sizeof(*r));
	r->path = mv_strdup(path);
	r->shard = m->shards;
	r->start = start;
	r->end = end;
	r->name = m->shards ? mv_asprintf("%s:%llu:%llu", path, (unsigned long long)start,
	    (unsigned long long)end) : mv_strdup(path);
	if (r->path == NULL || r->name == NULL) {
		free(r->path);
		free(r->name);
		return MV_ERR_NOMEM;
	}
	r->alg = alg;
	r->len = len;
	memcpy(r->digest, digest, len);
	m->n++;
	return MV_OK;
}

mv_status
mv_manifest_add_ignore(struct mv_manifest *m, const char *path)
{

	for (size_t i = 0; i < m->nignore; i++)
		if (strcmp(m->ignore[i], path) == 0)
			return MV_OK;
	if (MV_ARRAY_RESERVE(m->ignore, m->ignorecap, m->nignore + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	if ((m->ignore[m->nignore] = mv_strdup(path)) == NULL)
		return MV_ERR_NOMEM;
	m->nignore++;
	return MV_OK;
}

static int
cmp_resource(const void *a, const void *b)
{
	return strcmp(((const struct mv_resource *)a)->name, ((const struct mv_resource *)b)->name);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void
mv_manifest_sort(struct mv_manifest *m)
{
	/* The OMS specification orders by code point, which is byte order for UTF-8. */
	if (m->n > 1)
		qsort(m->r, m->n, sizeof(*m->r), cmp_resource);
	if (m->nignore > 1)
		qsort(m->ignore, m->nignore, sizeof(*m->ignore), cmp_str);
}

mv_status
mv_manifest_root(const struct mv_manifest *m, unsigned char out[32])
{
	struct mv_buf b;
	mv_status st = MV_OK;

	mv_buf_init(&b, m->n * (size_t)MV_DIGEST_MAX + 1);
	for (size_t i = 0; i < m->n && st == MV_OK; i++)
		st = mv_buf_add(&b, m->r[i].digest, m->r[i].len);
	if (st == MV_OK)
		st = mv_sha256(b.p ? b.p : (const unsigned char *)"", b.len, out);
	mv_buf_free(&b);
	return st;
}

static int
parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int
mv_shard_name_parse(const char *name, size_t *pathlen, uint64_t *start, uint64_t *end)
{
	const char *c2 = strrchr(name, ':'), *c1;

	/* The path may hold colons itself: the last two fields are the range. */
	if (c2 == NULL || c2 == name)
		return -1;
	for (c1 = c2 - 1; c1 > name && *c1 != ':'; c1--)
		;
	if (*c1 != ':' || c1 == name)
		return -1;
	if (parse_u64(c1 + 1, (size_t)(c2 - c1 - 1), start) != 0 ||
	    parse_u64(c2 + 1, strlen(c2 + 1), end) != 0 || *start >= *end)
		return -1;
	*pathlen = (size_t)(c1 - name);
	return 0;
}

int
mv_resource_path_ok(const char *path)
{
	const char *p = path;

	if (strcmp(path, ".") == 0)
		return 1;
	if (*p == '\0' || *p == '/')
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (memchr(p, '\\', n))
			return 0;
		if (e == NULL)
			break;
		p = e + 1;
		if (*p == '\0')
			return 0;
	}
	return 1;
}

int
mv_ignored(char *const *ignore, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(ignore[i]);

		if (strncmp(name, ignore[i], l) == 0 && (name[l] == '\0' || name[l] == '/'))
			return 1;
	}
	return 0;
}

mv_status
mv_scope_issue_add(struct mv_scope_issues *is, enum mv_sig_diff_kind kind, const char *name,
    const char *fmt, ...)
{
	struct mv_scope_issue *x;
	va_list ap;

	if (MV_ARRAY_RESERVE(is->v, is->cap, is->n + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	x = &is->v[is->n];
	x->kind = kind;
	x->name = mv_strdup(name);
	va_start(ap, fmt);
	x->detail = mv_vasprintf(fmt, ap);
	va_end(ap);
	if (x->name == NULL || x->detail == NULL) {
		free(x->name);
		free(x->detail);
		return MV_ERR_NOMEM;
	}
	is->n++;
	return MV_OK;
}

void
mv_scope_issues_free(struct mv_scope_issues *is)
{
	for (size_t i = 0; i < is->n; i++) {
		free(is->v[i].name);
		free(is->v[i].detail);
	}
	free(is->v);
	memset(is, 0, sizeof(*is));
}

/* ---- names of archive members ---- */

char *
mv_member_name(const char *rel, int *bad)
{
	struct mv_buf b;
	const char *p = rel;
	mv_status st = MV_OK;

	*bad = 0;
	if (*p == '/') {
		*bad = 1;
		return NULL;
	}
	mv_buf_init(&b, strlen(rel) + 1);
	while (*p && st == MV_OK) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*bad = 1;
			break;
		}
		if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (b.len)
				st = mv_buf_addc(&b, '/');
			if (st == MV_OK)
				st = mv_buf_add(&b, p, n);
		}
		p += n;
		if (*p == '/')
			p++;
	}
	if (*bad || st != MV_OK || b.len == 0 || mv_buf_terminate(&b) != MV_OK) {
		if (b.len == 0 && !*bad)
			*bad = 1;
		mv_buf_free(&b);
		return NULL;
	}
	return (char *)mv_buf_steal(&b);
}

/* The top-level entry of input i (the file itself), or NULL. */
static const struct mv_entry *
top_entry(const struct mv_result *res, const char *in)
{
	for (size_t k = 0; k < mv_result_entry_count(res); k++) {
		const struct mv_entry *e = mv_result_entry(res, k);

		if (e->input == in && e->depth == 0)
			return e;
	}
	return NULL;
}

/* A member directly inside the archive of input in: its name below the archive. */
static const char *
member_rel(const struct mv_entry *e, const struct mv_entry *top, const char *in)
{
	size_t n = strlen(top->name);

	if (e->input != in || e->depth != 1 || strncmp(e->name, top->name, n) != 0 ||
	    strncmp(e->name + n, "!/", 2) != 0)
		return NULL;
	return e->name + n + 2;
}

char *
mv_archive_top(const struct mv_result *res, size_t input)
{
	const char *in = mv_result_input(res, input);
	const struct mv_entry *top = in ? top_entry(res, in) : NULL;
	char *first = NULL;
	size_t flen = 0;

	if (top == NULL)
		return NULL;
	for (size_t k = 0; k < mv_result_entry_count(res); k++) {
		const struct mv_entry *e = mv_result_entry(res, k);
		const char *rel = member_rel(e, top, in);
		const char *slash;
		char *nm;
		int bad;

		if (rel == NULL || e->type == MV_ENTRY_DIR)
			continue;
		if ((nm = mv_member_name(rel, &bad)) == NULL)
			continue;
		slash = strchr(nm, '/');
		if (slash == NULL || (first && ((size_t)(slash - nm) != flen ||
		    strncmp(nm, first, flen) != 0))) {
			free(nm);
			free(first);
			return NULL;
		}
		if (first == NULL) {
			flen = (size_t)(slash - nm);
			first = mv_strndup(nm, flen);
			if (first == NULL) {
				free(nm);
				return NULL;
			}
		}
		free(nm);
	}
	return first;
}

/* ---- from a run ---- */

/* One candidate entry with its model-relative name. */
struct cand {
	const struct mv_entry *e;
	char *name;
};

struct build {
	struct mv_ctx *ctx;
	const struct mv_scope *sc;
	struct mv_manifest *m;
	struct mv_scope_issues *issues;
	struct mv_strset only;           /* file names the signature lists */
	struct cand *c;
	size_t nc, capc;
	char *linkdir;                   /* cache: the last folder checked for symlinks */
	int linkdir_is_link;
};

static mv_status
cand_push(struct build *b, const struct mv_entry *e, char *name)
{
	if (MV_ARRAY_RESERVE(b->c, b->capc, b->nc + 1, SIZE_MAX) != 0) {
		free(name);
		return MV_ERR_NOMEM;
	}
	b->c[b->nc].e = e;
	b->c[b->nc].name = name;
	b->nc++;
	return MV_OK;
}

static int
cmp_cand(const void *a, const void *b)
{
	return strcmp(((const struct cand *)a)->name, ((const struct cand *)b)->name);
}

static const struct cand *
cand_find(const struct build *b, const char *name)
{
	struct cand key = {.name = mv_unconst(name)};

	return bsearch(&key, b->c, b->nc, sizeof(*b->c), cmp_cand);
}

/* Is some candidate below the folder name (so a link to it points at a folder)? */
static int
cand_is_dir(const struct build *b, const char *name)
{
	char *key = mv_asprintf("%s/", name);
	size_t lo = 0, hi = b->nc, n;
	int found;

	if (key == NULL)
		return 0;
	/* The first name not below key in byte order starts with key if any does. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(b->c[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	n = strlen(key);
	found = lo < b->nc && strncmp(b->c[lo].name, key, n) == 0;
	free(key);
	return found;
}

/* Under a symlinked folder of a folder model? model_signing does not descend into those. */
static int
under_dir_link(struct build *b, const char *name)
{
	const char *slash = strrchr(name, '/');
	char *dir, *full;
	size_t n;

	if (slash == NULL || b->sc->root_real == NULL)
		return 0;
	n = (size_t)(slash - name);
	if (b->linkdir && strlen(b->linkdir) == n && strncmp(b->linkdir, name, n) == 0)
		return b->linkdir_is_link;
	free(b->linkdir);
	if ((b->linkdir = mv_strndup(name, n)) == NULL)
		return 0;
	b->linkdir_is_link = 0;
	if ((dir = mv_strdup(b->linkdir)) == NULL)
		return 0;
	/* Each folder on the way down, from the root. */
	for (char *p = dir; p && !b->linkdir_is_link;) {
		struct stat st;
		char *e = strchr(p, '/');

		if (e)
			*e = '\0';
		full = mv_path_join(b->sc->root_real, dir);
		if (full && lstat(full, &st) == 0 && S_ISLNK(st.st_mode))
			b->linkdir_is_link = 1;
		free(full);
		if (e)
			*e = '/';
		p = e ? e + 1 : NULL;
	}
	free(dir);
	return b->linkdir_is_link;
}

static const char *
special_name(enum mv_entry_type t)
{
	switch (t) {
	case MV_ENTRY_FIFO: return "a named pipe (FIFO)";
	case MV_ENTRY_SOCKET: return "a socket";
	case MV_ENTRY_CHARDEV: return "a character device";
	case MV_ENTRY_BLOCKDEV: return "a block device";
	default: return "neither a file nor a folder";
	}
}

/* Does e carry every digest the manifest needs (whole file, or each shard, of m->alg)? A
 * read that failed leaves some out; a run made for something else may lack them all. */
static int
digests_ready(const struct mv_manifest *m, const struct mv_entry *e)
{
	if (!m->shards) {
		for (unsigned k = 0; k < e->ndigest; k++)
			if (e->digest[k].alg == m->alg && e->digest[k].len)
				return 1;
		return 0;
	}
	if (e->size == 0 && e->nshard == 0)
		return 1;
	if (e->nshard == 0)
		return 0;
	for (size_t s = 0; s < e->nshard; s++) {
		const struct mv_shard *sh = &e->shard[s];
		unsigned k;

		if (sh->start % m->shard_size != 0 || sh->end - sh->start > m->shard_size ||
		    (sh->end - sh->start != m->shard_size && sh->end != e->size))
			return 0;
		for (k = 0; k < MV_HASH_MAX; k++)
			if (sh->digest[k].alg == m->alg && sh->digest[k].len)
				break;
		if (k == MV_HASH_MAX)
			return 0;
	}
	return 1;
}

/* Take the digests of e (files or shards of m->alg) under name: MV_ERR_UNSUPPORTED when the
 * run did not compute them, an issue when the entry could not be read. */
static mv_status
add_digests(struct build *b, const struct mv_entry *e, const char *name)
{
	struct mv_manifest *m = b->m;
	mv_status st = MV_OK;

	if (!digests_ready(m, e)) {
		if (e->flags & MV_ENTRY_INCOMPLETE)
			return mv_scope_issue_add(b->issues, MV_DIFF_UNREADABLE, name,
			    "could not be read to the end");
		return MV_ERR_UNSUPPORTED;
	}
	if (!m->shards) {
		for (unsigned k = 0; k < e->ndigest; k++)
			if (e->digest[k].alg == m->alg && e->digest[k].len)
				return mv_manifest_add(m, name, 0, 0, m->alg, e->digest[k].value,
				    e->digest[k].len);
	}
	/* Files of zero bytes have no shards and are left out, as the format says. */
	for (size_t s = 0; s < e->nshard && st == MV_OK; s++) {
		const struct mv_shard *sh = &e->shard[s];
		unsigned k;

		for (k = 0; k < MV_HASH_MAX; k++)
			if (sh->digest[k].alg == m->alg && sh->digest[k].len)
				break;
		/* digests_ready said every shard has one; never read past the array if not. */
		if (k == MV_HASH_MAX)
			return MV_ERR_UNSUPPORTED;
		st = mv_manifest_add(m, name, sh->start, sh->end, m->alg, sh->digest[k].value,
		    sh->digest[k].len);
	}
	return st;
}

/* The entry a link inside an archive leads to, following further links; NULL with why set
 * when it leaves the model, loops or leads nowhere; *is_dir when it is a folder. */
static const struct cand *
resolve_link(const struct build *b, const struct cand *c, const char **why, int *is_dir)
{
	const struct cand *cur = c;
	char *name = NULL;

	*is_dir = 0;
	for (int hop = 0; hop < MAX_LINK_HOPS; hop++) {
		const char *target = cur->e->link, *slash;
		char *joined;
		int bad;

		if (target == NULL || target[0] == '/') {
			*why = "leaves the model";
			break;
		}
		if (cur->e->type == MV_ENTRY_HARDLINK) {
			/* Hard link targets are named from the archive root. */
			joined = mv_strdup(target);
		} else {
			slash = strrchr(cur->name, '/');
			joined = slash ? mv_asprintf("%.*s/%s", (int)(slash - cur->name), cur->name,
			    target) : mv_strdup(target);
		}
		free(name);
		name = NULL;
		if (joined == NULL) {
			*why = "out of memory";
			break;
		}
		/* ".." is resolved textually: a link cannot see folders that are links. */
		{
			struct mv_buf o;
			const char *p = joined;

			mv_buf_init(&o, strlen(joined) + 1);
			bad = 0;
			while (*p && !bad) {
				const char *e = strchr(p, '/');
				size_t n = e ? (size_t)(e - p) : strlen(p);

				if (n == 2 && p[0] == '.' && p[1] == '.') {
					char *last;

					if (o.len == 0) {
						bad = 1;
						break;
					}
					mv_buf_terminate(&o);
					last = strrchr((char *)o.p, '/');
					o.len = last ? (size_t)(last - (char *)o.p) : 0;
				} else if (n > 0 && !(n == 1 && p[0] == '.')) {
					if (o.len)
						mv_buf_addc(&o, '/');
					mv_buf_add(&o, p, n);
				}
				p += n;
				if (*p == '/')
					p++;
			}
			if (!bad && mv_buf_terminate(&o) == MV_OK && o.len)
				name = (char *)mv_buf_steal(&o);
			else
				bad = 1;
			mv_buf_free(&o);
		}
		free(joined);
		if (bad || name == NULL) {
			*why = "leaves the model";
			break;
		}
		if ((cur = cand_find(b, name)) == NULL) {
			if (cand_is_dir(b, name))
				*is_dir = 1;
			else
				*why = "leads nowhere in the archive";
			break;
		}
		if (cur->e->type != MV_ENTRY_SYMLINK && cur->e->type != MV_ENTRY_HARDLINK) {
			free(name);
			return cur;
		}
		if (cur->e->type == MV_ENTRY_HARDLINK && (cur->e->ndigest || cur->e->nshard)) {
			free(name);
			return cur;
		}
		if (hop == MAX_LINK_HOPS - 1)
			*why = "loops";
	}
	free(name);
	return NULL;
}

static mv_status
take(struct build *b, const struct cand *c)
{
	const struct mv_entry *e = c->e;
	const struct mv_scope *sc = b->sc;
	const char *name = c->name;

	/* The walker lists a folder only when it could not be read. */
	if (e->type == MV_ENTRY_DIR)
		return mv_scope_issue_add(b->issues, MV_DIFF_UNREADABLE, name,
		    "folder could not be listed");
	if (e->type == MV_ENTRY_OTHER)
		return mv_scope_issue_add(b->issues, MV_DIFF_UNREADABLE, name,
		    "could not be examined");
	if (sc->kind == MV_MODEL_ARCHIVE && (e->type == MV_ENTRY_SYMLINK ||
	    (e->type == MV_ENTRY_HARDLINK && !e->ndigest && !e->nshard))) {
		const struct cand *t;
		const char *why = NULL;
		int is_dir;

		if (e->type == MV_ENTRY_SYMLINK && !sc->allow_symlinks)
			return mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, name,
			    "is a symlink to '%s' (allow symlinks to use its target)",
			    e->link ? e->link : "");
		t = resolve_link(b, c, &why, &is_dir);
		if (t == NULL && is_dir)
			return MV_OK;   /* links to folders are not descended, as model_signing */
		if (t == NULL)
			return mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, name,
			    "link to '%s' %s", e->link ? e->link : "", why ? why : "is unusable");
		if (t->e->type != MV_ENTRY_FILE && t->e->type != MV_ENTRY_HARDLINK)
			return mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, name,
			    "link to '%s' leads to %s", e->link ? e->link : "",
			    special_name(t->e->type));
		return add_digests(b, t->e, name);
	}
	if (e->type == MV_ENTRY_SYMLINK) {
		if (!sc->allow_symlinks)
			return mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, name,
			    "is a symlink to '%s' (allow symlinks to sign its target)",
			    e->link ? e->link : "");
		return mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, name,
		    "symlink to '%s' leaves the model, leads nowhere or loops",
		    e->link ? e->link : "");
	}
	if (e->type != MV_ENTRY_FILE && e->type != MV_ENTRY_HARDLINK)
		return mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, name, "is %s",
		    special_name(e->type));
	/* A hub cache snapshot's links into its own blobs/ are how huggingface_hub stores
	 * every file: the file is its blob, named by its snapshot path. */
	if (e->link && e->type == MV_ENTRY_FILE && !sc->allow_symlinks &&
	    !(e->flags & MV_ENTRY_CACHE_LINK))
		return mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, name,
		    "is a symlink to '%s' (allow symlinks to sign its target)", e->link);
	return add_digests(b, e, name);
}

/* The candidates of input in, named per the scope. */
static mv_status
collect(struct build *b, const struct mv_result *res, const char *in)
{
	const struct mv_scope *sc = b->sc;
	const struct mv_entry *top = top_entry(res, in);
	char *strip = NULL;
	mv_status st = MV_OK;

	if (top == NULL)
		return MV_OK;
	if (sc->kind == MV_MODEL_FILE) {
		char *nm = mv_strdup(sc->single_name ? sc->single_name : ".");

		return nm ? cand_push(b, top, nm) : MV_ERR_NOMEM;
	}
	if (sc->kind == MV_MODEL_ARCHIVE && sc->strip != 0) {
		size_t i = 0;

		for (; i < mv_result_input_count(res); i++)
			if (mv_result_input(res, i) == in)
				break;
		strip = mv_archive_top(res, i);
	}
	for (size_t k = 0; k < mv_result_entry_count(res) && st == MV_OK; k++) {
		const struct mv_entry *e = mv_result_entry(res, k);
		char *nm;
		int bad;

		if (sc->kind == MV_MODEL_DIR) {
			if (e->input != in || e->depth != 0)
				continue;
			if ((nm = mv_strdup(e->name)) == NULL)
				st = MV_ERR_NOMEM;
		} else {
			const char *rel = member_rel(e, top, in);

			if (rel == NULL || e->type == MV_ENTRY_DIR)
				continue;
			nm = mv_member_name(rel, &bad);
			if (nm == NULL && bad) {
				st = mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, rel,
				    "member name is absolute or climbs out with '..'");
				continue;
			}
			if (nm == NULL) {
				st = MV_ERR_NOMEM;
			} else if (sc->sig_member && strcmp(nm, sc->sig_member) == 0) {
				free(nm);
				continue;
			} else if (strip) {
				size_t n = strlen(strip);
				char *s = mv_strdup(nm + n + 1);

				free(nm);
				if ((nm = s) == NULL)
					st = MV_ERR_NOMEM;
			}
		}
		if (st != MV_OK)
			break;
		if (mv_ignored(sc->ignore, sc->nignore, nm) ||
		    (sc->only && !mv_strset_has(&b->only, nm, strlen(nm)))) {
			free(nm);
			continue;
		}
		if (!mv_utf8_valid(nm, strlen(nm))) {
			char *esc = mv_str_escape(nm, strlen(nm));

			st = mv_scope_issue_add(b->issues, MV_DIFF_REFUSED, esc ? esc : "?",
			    "name is not valid UTF-8, which a signature cannot hold");
			free(esc);
			free(nm);
			continue;
		}
		if (sc->kind == MV_MODEL_DIR && sc->allow_symlinks && under_dir_link(b, nm)) {
			free(nm);
			continue;
		}
		st = cand_push(b, e, nm);
	}
	free(strip);
	return st;
}

mv_status
mv_manifest_from_run(struct mv_ctx *ctx, const struct mv_result *res, size_t input,
    const struct mv_scope *sc, struct mv_manifest *m, struct mv_scope_issues *issues)
{
	struct build b;
	const char *in = mv_result_input(res, input);
	mv_status st = MV_OK;

	if (in == NULL)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "no input %zu in the run", input);
	memset(&b, 0, sizeof(b));
	b.ctx = ctx;
	b.sc = sc;
	b.m = m;
	b.issues = issues;
	mv_strset_init(&b.only);
	for (size_t i = 0; sc->only && i < sc->only->n && st == MV_OK; i++)
		st = mv_strset_add(&b.only, sc->only->r[i].path, strlen(sc->only->r[i].path),
		    &(int){0});
	if (st == MV_OK)
		st = collect(&b, res, in);
	if (st == MV_OK && b.nc > 1)
		qsort(b.c, b.nc, sizeof(*b.c), cmp_cand);
	for (size_t i = 0; i < b.nc && st == MV_OK; i++) {
		/* A name stored twice in an archive: which copy counts is up to the reader. */
		if (i > 0 && strcmp(b.c[i].name, b.c[i - 1].name) == 0) {
			if (i < 2 || strcmp(b.c[i].name, b.c[i - 2].name) != 0)
				st = mv_scope_issue_add(issues, MV_DIFF_REFUSED, b.c[i].name,
				    "appears more than once in the archive");
			continue;
		}
		st = take(&b, &b.c[i]);
	}
	if (st == MV_OK)
		mv_manifest_sort(m);
	for (size_t i = 0; i < b.nc; i++)
		free(b.c[i].name);
	free(b.c);
	free(b.linkdir);
	mv_strset_free(&b.only);
	if (st == MV_ERR_NOMEM)
		return mv_ctx_fail(ctx, st, "out of memory");
	return st;
}
