/* SPDX-License-Identifier: Apache-2.0 */
/* hfcache.c: a Hugging Face hub cache read offline: where a path lies in it, hf:// names
 * resolved to snapshots, and the repository's own checks (refs, interrupted downloads,
 * .no_exist markers). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/ctx.h"
#include "core/result.h"
#include "core/str.h"
#include "core/strset.h"
#include "walk/hf.h"
#include "walk/walk.h"

/* Bounds on what a repository folder may make us list: refs and markers are a handful in
 * real caches; a hostile folder gets the first ones reported and the rest left. */
#define HF_MAX_LIST 10000
#define HF_MAX_NEST 16
/* A model.safetensors.index.json of a 1T-parameter model is a few MB. */
#define HF_INDEX_MAX (64u << 20)

static const char *const types[] = {"model", "dataset", "space"};

/* "models--org--name" -> type "model", repo "org/name". */
static int
parse_folder(const char *s, size_t n, char type[16], char **repo)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t k = strlen(types[i]);
		char *r;

		if (n <= k + 3 || memcmp(s, types[i], k) != 0 || memcmp(s + k, "s--", 3) != 0)
			continue;
		if ((r = mv_strndup(s + k + 3, n - k - 3)) == NULL)
			return -1;
		/* huggingface_hub joins the parts of the repo id with "--". */
		for (char *p = strstr(r, "--"); p; p = strstr(p + 1, "--")) {
			*p = '/';
			memmove(p + 1, p + 2, strlen(p + 2) + 1);
		}
		snprintf(type, 16, "%s", types[i]);
		*repo = r;
		return 1;
	}
	return 0;
}

int
mv_hf_locate(const char *real, struct mv_hfloc *loc)
{
	static const char mark[] = "/snapshots/";
	const char *p;

	memset(loc, 0, sizeof(*loc));
	for (p = strstr(real, mark); p; p = strstr(p + 1, mark)) {
		const char *commit = p + sizeof(mark) - 1, *folder = p;
		int r;

		if (!mv_hex_prefix(commit, 40) || (commit[40] != '\0' && commit[40] != '/'))
			continue;
		while (folder > real && folder[-1] != '/')
			folder--;
		if ((r = parse_folder(folder, (size_t)(p - folder), loc->type, &loc->repo)) < 0)
			return -1;
		if (r == 0)
			continue;
		loc->repo_dir = mv_strndup(real, (size_t)(p - real));
		loc->snapshot = mv_strndup(real, (size_t)(commit + 40 - real));
		if (loc->repo_dir == NULL || loc->snapshot == NULL) {
			mv_hf_loc_free(loc);
			return -1;
		}
		memcpy(loc->commit, commit, 40);
		loc->commit[40] = '\0';
		loc->sub = commit[40] ? commit + 41 : commit + 40;
		return 1;
	}
	return 0;
}

void
mv_hf_loc_free(struct mv_hfloc *loc)
{
	free(loc->repo_dir);
	free(loc->snapshot);
	free(loc->repo);
	memset(loc, 0, sizeof(*loc));
}

char *
mv_hf_cache_dir(void)
{
	const char *v;

	if ((v = getenv("HF_HUB_CACHE")) != NULL && v[0])
		return mv_strdup(v);
	if ((v = getenv("HUGGINGFACE_HUB_CACHE")) != NULL && v[0])
		return mv_strdup(v);
	if ((v = getenv("HF_HOME")) != NULL && v[0])
		return mv_asprintf("%s/hub", v);
	if ((v = getenv("XDG_CACHE_HOME")) != NULL && v[0])
		return mv_asprintf("%s/huggingface/hub", v);
	if ((v = getenv("HOME")) != NULL && v[0])
		return mv_asprintf("%s/.cache/huggingface/hub", v);
	return NULL;
}

int
mv_hf_is_uri(const char *s)
{
	return strncmp(s, "hf://", 5) == 0;
}

/* A small file (a ref) read whole, without following a final link or blocking. */
static int
read_small(const char *path, char *buf, size_t cap, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size >= cap) {
		close(fd);
		return -1;
	}
	do
		n = read(fd, buf, cap - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	*len = (size_t)n;
	return 0;
}

/* A ref's commit: 40 lowercase hex, as huggingface_hub writes it (no newline); trailing
 * white space is tolerated. */
static int
ref_commit(const char *path, char commit[41])
{
	char buf[128];
	size_t n;

	if (read_small(path, buf, sizeof(buf), &n) != 0)
		return -1;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' ' ||
	    buf[n - 1] == '\t'))
		n--;
	if (n != 40 || !mv_hex_prefix(buf, 40))
		return -1;
	memcpy(commit, buf, 40);
	commit[40] = '\0';
	return 0;
}

/* Every regular file below dir (refs, markers), by its name relative to dir. */
struct names {
	char **v;
	size_t n, cap;
	int truncated;
};

static void
names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static mv_status
list_files(const char *dir, const char *rel, int depth, struct names *ns)
{
	DIR *d;
	struct dirent *de;
	mv_status st = MV_OK;

	if (depth > HF_MAX_NEST || (d = opendir(dir)) == NULL)
		return MV_OK;
	while (st == MV_OK && (de = readdir(d)) != NULL) {
		char *full, *r;
		struct stat sb;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (ns->n >= HF_MAX_LIST) {
			ns->truncated = 1;
			break;
		}
		full = mv_path_join(dir, de->d_name);
		r = mv_path_join(rel, de->d_name);
		if (full == NULL || r == NULL) {
			st = MV_ERR_NOMEM;
		} else if (lstat(full, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			st = list_files(full, r, depth + 1, ns);
		} else if (lstat(full, &sb) == 0 && S_ISREG(sb.st_mode)) {
			if (MV_ARRAY_RESERVE(ns->v, ns->cap, ns->n + 1, SIZE_MAX) != 0) {
				st = MV_ERR_NOMEM;
				goto next;
			}
			ns->v[ns->n++] = r;
			r = NULL;
		}
next:
		free(full);
		free(r);
	}
	closedir(d);
	if (depth == 0 && ns->n > 1)
		qsort(ns->v, ns->n, sizeof(*ns->v), cmp_str);
	return st;
}

/* The refs of repo_dir that name commit, joined with ", "; NULL when none. */
static char *
refs_naming(const char *repo_dir, const char *commit)
{
	struct names ns = {0};
	struct mv_buf b;
	char *refs = mv_path_join(repo_dir, "refs"), *out = NULL;

	mv_buf_init(&b, 4096);
	if (refs == NULL || list_files(refs, "", 0, &ns) != MV_OK)
		goto done;
	for (size_t i = 0; i < ns.n; i++) {
		char *p = mv_path_join(refs, ns.v[i]), c[41];

		if (p && ref_commit(p, c) == 0 && strcmp(c, commit) == 0) {
			if (b.len)
				mv_buf_add(&b, ", ", 2);
			mv_buf_add(&b, ns.v[i], strlen(ns.v[i]));
		}
		free(p);
	}
	if (b.len && mv_buf_terminate(&b) == MV_OK)
		out = (char *)mv_buf_steal(&b);
done:
	mv_buf_free(&b);
	names_free(&ns);
	free(refs);
	return out;
}

static struct mv_source *
source_new(const char *type, const char *repo, const char *commit, const char *snapshot)
{
	struct mv_source *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->kind = "huggingface-cache";
	s->repo_type = mv_strdup(type);
	s->repo = mv_strdup(repo);
	s->commit = mv_strdup(commit);
	s->path = mv_strdup(snapshot);
	if (s->repo_type == NULL || s->repo == NULL || s->commit == NULL || s->path == NULL) {
		mv_source_free(s);
		return NULL;
	}
	return s;
}

struct mv_source *
mv_hf_source_of(const char *real)
{
	struct mv_hfloc loc;
	struct mv_source *s = NULL;

	if (mv_hf_locate(real, &loc) != 1)
		return NULL;
	if ((s = source_new(loc.type, loc.repo, loc.commit, loc.snapshot)) != NULL)
		s->revision = refs_naming(loc.repo_dir, loc.commit);
	mv_hf_loc_free(&loc);
	return s;
}

/* A repository id as the Hub allows it: one or two parts of letters, digits, '-', '_', '.',
 * none of them "." or "..". */
static int
repo_id_ok(const char *s, size_t n)
{
	size_t part = 0, slashes = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (part == 0 || (part == 1 && s[i - 1] == '.') ||
			    (part == 2 && s[i - 1] == '.' && s[i - 2] == '.'))
				return 0;
			if (i < n && ++slashes > 1)
				return 0;
			part = 0;
			continue;
		}
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
		part++;
	}
	return 1;
}

/* A revision names a file below refs/ (branches, tags, refs/pr/N): no empty, "." or ".."
 * parts, no leading '/'. */
static int
revision_ok(const char *r)
{
	const char *p = r;

	if (r[0] == '\0' || strlen(r) > 255)
		return 0;
	while (*p) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == '\\')
				return 0;
		p += n;
		if (*p == '/')
			p++;
		if (e && *p == '\0')
			return 0;
	}
	return 1;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The one snapshot of a repository without refs/main (hf cache verify does the same). */
static mv_status
single_snapshot(struct mv_ctx *ctx, const char *uri, const char *repo_dir, char commit[41])
{
	char *snaps = mv_path_join(repo_dir, "snapshots");
	DIR *d = snaps ? opendir(snaps) : NULL;
	struct dirent *de;
	size_t n = 0;
	mv_status st;

	if (d == NULL) {
		st = mv_ctx_fail(ctx, snaps ? MV_ERR_NOTFOUND : MV_ERR_NOMEM, "%s: no snapshot in "
		    "the Hugging Face cache (%s has no snapshots folder)", uri, repo_dir);
		free(snaps);
		return st;
	}
	while ((de = readdir(d)) != NULL)
		if (mv_is_lower_hex(de->d_name, 40) && de->d_name[40] == '\0' && n++ == 0)
			memcpy(commit, de->d_name, 41);
	closedir(d);
	free(snaps);
	if (n == 1)
		return MV_OK;
	return mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "%s: %s has no refs/main and %zu snapshots; "
	    "name a revision (hf://ORG/NAME@REVISION)", uri, repo_dir, n);
}

mv_status
mv_hf_resolve(struct mv_ctx *ctx, const char *uri, struct mv_source **out)
{
	const char *id = uri + 5, *at;
	const char *type = "model";
	char *cache = NULL, *folder = NULL, *repo_dir = NULL, *repo = NULL, *rev = NULL;
	char *path = NULL, *snap = NULL, commit[41];
	mv_status st = MV_OK;

	*out = NULL;
	if (strncmp(id, "models/", 7) == 0) {
		id += 7;
	} else if (strncmp(id, "datasets/", 9) == 0) {
		type = "dataset";
		id += 9;
	} else if (strncmp(id, "spaces/", 7) == 0) {
		type = "space";
		id += 7;
	}
	at = strchr(id, '@');
	if (!repo_id_ok(id, at ? (size_t)(at - id) : strlen(id)))
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: not a repository name: write "
		    "hf://ORG/NAME[@REVISION] or hf://datasets/ORG/NAME", uri);
	if ((repo = mv_strndup(id, at ? (size_t)(at - id) : strlen(id))) == NULL)
		goto nomem;
	if (at && !revision_ok(at + 1)) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: '%s' is not a revision (a branch, a tag or "
		    "a commit hash)", uri, at + 1);
		goto done;
	}
	if ((rev = mv_strdup(at ? at + 1 : "main")) == NULL)
		goto nomem;
	if ((cache = mv_hf_cache_dir()) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "%s: no Hugging Face cache: HF_HUB_CACHE, "
		    "HF_HOME and HOME are all unset", uri);
		goto done;
	}
	/* org/name is stored as models--org--name. */
	if (strchr(repo, '/'))
		folder = mv_asprintf("%ss--%.*s--%s", type, (int)(strchr(repo, '/') - repo), repo,
		    strchr(repo, '/') + 1);
	else
		folder = mv_asprintf("%ss--%s", type, repo);
	if (folder == NULL)
		goto nomem;
	if ((repo_dir = mv_path_join(cache, folder)) == NULL)
		goto nomem;
	if (!is_dir(repo_dir)) {
		st = mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "%s: not in the Hugging Face cache (looked for "
		    "%s; the cache is HF_HUB_CACHE, else HF_HOME/hub, else "
		    "~/.cache/huggingface/hub)", uri, repo_dir);
		goto done;
	}
	if (mv_is_lower_hex(rev, 40) && rev[40] == '\0') {
		memcpy(commit, rev, 41);
	} else {
		if ((path = mv_asprintf("%s/refs/%s", repo_dir, rev)) == NULL)
			goto nomem;
		if (ref_commit(path, commit) != 0) {
			if (at == NULL && access(path, F_OK) != 0) {
				if ((st = single_snapshot(ctx, uri, repo_dir, commit)) != MV_OK)
					goto done;
			} else {
				st = mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "%s: no revision '%s' in the cache "
				    "(%s is absent or holds no commit hash)", uri, rev, path);
				goto done;
			}
		}
	}
	if ((snap = mv_asprintf("%s/snapshots/%s", repo_dir, commit)) == NULL)
		goto nomem;
	if (!is_dir(snap)) {
		st = mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "%s: revision '%s' is commit %s, which has no "
		    "snapshot in the cache (looked for %s)", uri, rev, commit, snap);
		goto done;
	}
	{
		char *real = realpath(snap, NULL);
		struct mv_source *s = real ? source_new(type, repo, commit, real) : NULL;

		free(real);
		if (s == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", snap, strerror(errno));
			goto done;
		}
		s->uri = mv_strdup(uri);
		s->revision = mv_strdup(rev);
		if (s->uri == NULL || s->revision == NULL) {
			mv_source_free(s);
			goto nomem;
		}
		*out = s;
	}
	goto done;
nomem:
	st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
done:
	free(cache);
	free(folder);
	free(repo_dir);
	free(repo);
	free(rev);
	free(path);
	free(snap);
	return st;
}

/* ---- the repository's checks ---- */

static mv_status
check_refs(const struct mv_hfloc *loc, struct mv_findings *fl)
{
	struct names ns = {0};
	char *refs = mv_path_join(loc->repo_dir, "refs");
	mv_status st;

	if (refs == NULL)
		return MV_ERR_NOMEM;
	st = list_files(refs, "", 0, &ns);
	for (size_t i = 0; i < ns.n && st == MV_OK; i++) {
		char *p = mv_path_join(refs, ns.v[i]), *snap = NULL, c[41];

		if (p == NULL) {
			st = MV_ERR_NOMEM;
		} else if (ref_commit(p, c) != 0) {
			st = mv_findings_add(fl, MV_R_HF_REF_DANGLING, p, -1, "ref '%s' holds no commit "
			    "hash (40 hexadecimal digits)", ns.v[i]);
		} else if ((snap = mv_asprintf("%s/snapshots/%s", loc->repo_dir, c)) == NULL) {
			st = MV_ERR_NOMEM;
		} else if (!is_dir(snap)) {
			st = mv_findings_add(fl, MV_R_HF_REF_DANGLING, p, -1, "ref '%s' names commit %s, "
			    "which has no snapshot in the cache", ns.v[i], c);
		}
		free(snap);
		free(p);
	}
	names_free(&ns);
	free(refs);
	return st;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static mv_status
check_incomplete(const struct mv_hfloc *loc, struct mv_findings *fl)
{
	char *blobs = mv_path_join(loc->repo_dir, "blobs");
	DIR *d = blobs ? opendir(blobs) : NULL;
	struct dirent *de;
	size_t n = 0;
	mv_status st = MV_OK;

	if (blobs == NULL)
		return MV_ERR_NOMEM;
	while (d && st == MV_OK && n++ < HF_MAX_LIST && (de = readdir(d)) != NULL) {
		char *p;

		if (!ends_with(de->d_name, ".incomplete"))
			continue;
		if ((p = mv_path_join(blobs, de->d_name)) == NULL)
			st = MV_ERR_NOMEM;
		else
			st = mv_findings_add(fl, MV_R_HF_BLOB_INCOMPLETE, p, -1, "interrupted download "
			    "of blob %.*s: never to be loaded; download the repository again",
			    (int)(strcspn(de->d_name, ".")), de->d_name);
		free(p);
	}
	if (d)
		closedir(d);
	free(blobs);
	return st;
}

/* The shards (weight_map values) an index names, as snapshot paths. */
static mv_status
index_shards(const char *fspath, const char *name, struct mv_strset *out)
{
	json_t *doc = NULL, *wm, *v;
	const char *k;
	struct stat st;
	mv_status rc = MV_OK;
	size_t dirlen = strrchr(name, '/') ? (size_t)(strrchr(name, '/') - name) : 0;

	if (stat(fspath, &st) != 0 || (uint64_t)st.st_size > HF_INDEX_MAX)
		return MV_OK;
	if ((doc = json_load_file(fspath, JSON_REJECT_DUPLICATES, NULL)) == NULL)
		return MV_OK;   /* the safetensors analyser reports a malformed index */
	wm = json_object_get(doc, "weight_map");
	json_object_foreach(wm, k, v) {
		const char *s = json_string_value(v);
		char *p;
		int found;

		if (s == NULL || s[0] == '/' || strstr(s, "..") || strchr(s, '\\'))
			continue;
		p = dirlen ? mv_asprintf("%.*s/%s", (int)dirlen, name, s) : mv_strdup(s);
		if (p == NULL || mv_strset_add(out, p, strlen(p), &found) != MV_OK)
			rc = MV_ERR_NOMEM;
		free(p);
		if (rc != MV_OK)
			break;
	}
	json_decref(doc);
	return rc;
}

static mv_status
check_no_exist(struct mv_run *run, const struct mv_hfloc *loc, const char *input,
    size_t first, struct mv_findings *fl)
{
	struct names ns = {0};
	struct mv_strset needed;
	char *dir = mv_asprintf("%s/.no_exist/%s", loc->repo_dir, loc->commit);
	mv_status st;

	mv_strset_init(&needed);
	if (dir == NULL)
		return MV_ERR_NOMEM;
	if ((st = list_files(dir, "", 0, &ns)) != MV_OK || ns.n == 0)
		goto done;
	for (size_t i = first; i < run->nitems && st == MV_OK; i++) {
		const struct mv_item *it = run->items[i];

		if (it->top.type == MV_ENTRY_FILE && it->fspath &&
		    ends_with(it->top.name, ".index.json"))
			st = index_shards(it->fspath, it->top.name, &needed);
	}
	for (size_t i = 0; i < ns.n && st == MV_OK; i++) {
		char *here = mv_path_join(loc->snapshot, ns.v[i]), *shown;
		struct stat sb;

		if (here == NULL || (shown = mv_path_join(input, ns.v[i])) == NULL) {
			free(here);
			st = MV_ERR_NOMEM;
			break;
		}
		if (lstat(here, &sb) == 0)
			st = mv_findings_add(fl, MV_R_HF_FILE_NO_EXIST, shown, -1, "present in the "
			    "snapshot although the Hub said it does not exist at commit %s "
			    "(.no_exist marker): the cache was changed after the download",
			    loc->commit);
		else if (mv_strset_has(&needed, ns.v[i], strlen(ns.v[i])))
			st = mv_findings_add(fl, MV_R_HF_FILE_NO_EXIST, shown, -1, "a checkpoint index "
			    "names it, but the Hub said it does not exist at commit %s (.no_exist "
			    "marker): the repository is broken upstream", loc->commit);
		free(here);
		free(shown);
	}
done:
	mv_strset_free(&needed);
	names_free(&ns);
	free(dir);
	return st;
}

/* Files stored in the snapshot itself (no-symlink mode: Windows, HF_HUB_DISABLE_SYMLINKS)
 * carry no digest in their names. */
static mv_status
check_plain(struct mv_run *run, const char *input, size_t first, struct mv_findings *fl)
{
	size_t n = 0;
	const char *one = NULL;

	for (size_t i = first; i < run->nitems; i++) {
		const struct mv_item *it = run->items[i];

		if (it->top.type == MV_ENTRY_FILE && it->top.link == NULL && n++ == 0)
			one = it->top.path;
	}
	if (n == 0)
		return MV_OK;
	return mv_findings_add(fl, MV_R_HF_BLOB_UNVERIFIABLE, n == 1 ? one : input, -1,
	    "%zu file(s) of the snapshot are stored in it, not as links to blobs (no-symlink "
	    "mode): no digest names them, so only a signature can show they are unchanged", n);
}

mv_status
mv_hf_repo_check(struct mv_run *run, const struct mv_hfloc *loc, const char *input,
    size_t first, struct mv_findings *fl)
{
	mv_status st;

	if ((st = check_refs(loc, fl)) != MV_OK || (st = check_incomplete(loc, fl)) != MV_OK ||
	    (st = check_no_exist(run, loc, input, first, fl)) != MV_OK)
		return st;
	return check_plain(run, input, first, fl);
}

/* ---- files of a walk ---- */

/* Suffixes a new Hub repository's .gitattributes sends to Git LFS: the files a clone without
 * LFS leaves as pointers. */
static int
lfs_tracked(const char *name)
{
	static const char *const sfx[] = {".7z", ".arrow", ".bin", ".bz2", ".ckpt", ".ftz", ".gz",
	    ".h5", ".joblib", ".mlmodel", ".model", ".msgpack", ".npy", ".npz", ".onnx", ".ot",
	    ".parquet", ".pb", ".pickle", ".pkl", ".pt", ".pth", ".rar", ".safetensors", ".tar",
	    ".tflite", ".tgz", ".wasm", ".xz", ".zip", ".zst", ".gguf", ".keras", NULL};

	for (int i = 0; sfx[i]; i++)
		if (ends_with(name, sfx[i]))
			return 1;
	return 0;
}

/* The blob named oid: in the repository of the walk, else in any repository of the cache. */
static char *
find_blob(const struct mv_dirwalk *w, const char *oid, uint64_t size)
{
	char *cache = NULL, *found = NULL;
	DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	size_t n = 0;

	if (w->blobs_real) {
		char *p = mv_path_join(w->blobs_real, oid);

		if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size)
			return p;
		free(p);
		return NULL;
	}
	if ((cache = mv_hf_cache_dir()) == NULL || (d = opendir(cache)) == NULL)
		goto done;
	while (found == NULL && n++ < HF_MAX_LIST && (de = readdir(d)) != NULL) {
		char type[16], *repo = NULL, *p;

		if (parse_folder(de->d_name, strlen(de->d_name), type, &repo) != 1)
			continue;
		free(repo);
		p = mv_asprintf("%s/%s/blobs/%s", cache, de->d_name, oid);
		if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == size)
			found = realpath(p, NULL);
		free(p);
	}
done:
	if (d)
		closedir(d);
	free(cache);
	return found;
}

/* A Git LFS pointer in place of a weights file (a clone without LFS): when a blob of the cache
 * has its oid, that blob is read in its place and checked against the oid. */
static mv_status
resolve_pointer(struct mv_dirwalk *w, struct mv_item *item, const struct stat *st)
{
	unsigned char buf[1025];
	char oid[65], *blob;
	uint64_t size;
	size_t n = 0;
	struct mv_expect e;
	int r;

	if (st == NULL || st->st_size < 100 || st->st_size > 1024 || item->top.link ||
	    !lfs_tracked(item->top.name) ||
	    read_small(item->fspath, (char *)buf, sizeof(buf), &n) != 0 ||
	    !mv_lfs_pointer_parse(buf, n, oid, &size) || (blob = find_blob(w, oid, size)) == NULL)
		return MV_OK;
	if ((r = mv_expect_from_etag(oid, "Git LFS pointer's oid: the blob", &e)) <= 0 ||
	    (item->expect = malloc(sizeof(*item->expect))) == NULL) {
		if (r > 0)
			mv_expect_free(&e);
		free(blob);
		return r < 0 || r > 0 ? MV_ERR_NOMEM : MV_OK;
	}
	*item->expect = e;
	free(item->fspath);
	item->fspath = blob;
	item->top.size = size;
	item->top.flags |= MV_ENTRY_CACHE_LINK;
	if ((item->top.link = mv_strdup(blob)) == NULL)
		return MV_ERR_NOMEM;
	return mv_findings_add(&item->walk, MV_R_LFS_POINTER_RESOLVED, item->top.path, -1, "Git "
	    "LFS pointer (oid sha256:%s, %llu bytes): read from the cache's blob %s in its place",
	    oid, (unsigned long long)size, blob);
}

static int
blob_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return mv_is_lower_hex(base, 64) || mv_is_lower_hex(base, 40);
}

mv_status
mv_hf_walk_item(struct mv_dirwalk *w, struct mv_item *item, const char *rel,
    const struct stat *st)
{
	struct mv_expect e;
	char *real;
	int r;
	mv_status rc = MV_OK;

	if (item->top.type != MV_ENTRY_FILE || item->fspath == NULL)
		return MV_OK;
	if ((rc = resolve_pointer(w, item, st)) != MV_OK || item->expect)
		return rc;
	/* A file the walk met itself (not through a link) has the name of its real path, and
	 * only a blob's name (40 or 64 hex digits) needs that path: most files then cost no
	 * realpath (three system calls each). */
	if (item->top.link == NULL && !blob_name(item->fspath))
		return w->hflocal ? mv_hflocal_item(w->hflocal, item, rel, st ? st->st_mtime : 0) :
		    MV_OK;
	if ((real = realpath(item->fspath, NULL)) == NULL)
		return MV_OK;   /* gone since the walk saw it: the read reports it */
	if ((r = mv_expect_from_blob(real, &e)) < 0) {
		rc = MV_ERR_NOMEM;
	} else if (r > 0) {
		if ((item->expect = malloc(sizeof(*item->expect))) == NULL) {
			mv_expect_free(&e);
			rc = MV_ERR_NOMEM;
		} else {
			*item->expect = e;
		}
	}
	if (rc == MV_OK && item->top.link && w->blobs_real) {
		size_t n = strlen(w->blobs_real);

		/* Exactly a file of the repository's blobs/: the layout huggingface_hub writes. */
		if (strncmp(real, w->blobs_real, n) == 0 && real[n] == '/' &&
		    strchr(real + n + 1, '/') == NULL) {
			item->top.flags |= MV_ENTRY_CACHE_LINK;
			if (r == 0)
				rc = mv_findings_add(&item->walk, MV_R_HF_BLOB_UNVERIFIABLE, item->top.path,
				    -1, "links to blob '%s', whose name is neither a SHA-256 nor a git "
				    "blob SHA-1: its content cannot be checked", real + n + 1);
		}
	}
	if (rc == MV_OK && w->hflocal)
		rc = mv_hflocal_item(w->hflocal, item, rel, st ? st->st_mtime : 0);
	free(real);
	return rc;
}

mv_status
mv_hf_file_check(struct mv_item *item, const char *input, const char *real)
{
	struct mv_hfloc loc;
	struct stat st;
	char *copy, *dir = NULL, *full = NULL, *blobs = NULL;
	const char *base = strrchr(input, '/');
	mv_status rc = MV_OK;
	int r;

	if (lstat(input, &st) != 0 || !S_ISLNK(st.st_mode))
		return MV_OK;
	if ((copy = mv_strdup(input)) == NULL)
		return MV_ERR_NOMEM;
	/* Where the link itself lies: its folder resolved, its own name kept. */
	if (base == NULL) {
		dir = realpath(".", NULL);
	} else if (base == input) {
		dir = realpath("/", NULL);
	} else {
		copy[base - input] = '\0';
		dir = realpath(copy, NULL);
	}
	if (dir == NULL)
		goto done;
	if ((full = mv_path_join(dir, base ? base + 1 : input)) == NULL) {
		rc = MV_ERR_NOMEM;
		goto done;
	}
	if ((r = mv_hf_locate(full, &loc)) <= 0) {
		rc = r < 0 ? MV_ERR_NOMEM : MV_OK;
		goto done;
	}
	if ((blobs = mv_path_join(loc.repo_dir, "blobs")) == NULL) {
		rc = MV_ERR_NOMEM;
	} else if (!(strncmp(real, blobs, strlen(blobs)) == 0 && real[strlen(blobs)] == '/' &&
	    strchr(real + strlen(blobs) + 1, '/') == NULL)) {
		rc = mv_findings_add(&item->walk, MV_R_WALK_SYMLINK_ESCAPE, item->top.path, -1,
		    "a file of snapshot %s links to %s, not to a blob of its repository; read "
		    "because it was named", loc.commit, real);
	}
	mv_hf_loc_free(&loc);
done:
	free(copy);
	free(dir);
	free(full);
	free(blobs);
	return rc;
}
