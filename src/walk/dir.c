/* SPDX-License-Identifier: Apache-2.0 */
/* dir.c: the walk of a directory tree in sorted, deterministic order, without following
 * symlinks out of the package. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/array.h"
#include "core/ctx.h"
#include "core/str.h"
#include "walk/walk.h"

/* Deeper trees than this are hostile or broken; the walk reports and skips them. */
#define MAX_DIR_DEPTH 256

/* Directories on the way down, to stop symlink loops when links are followed. */
struct ancestors {
	dev_t dev[MAX_DIR_DEPTH + 1];
	ino_t ino[MAX_DIR_DEPTH + 1];
	int n;
};

/* A folder's entries, sorted so that the whole walk comes out in byte order of the full
 * paths, as "find | LC_ALL=C sort" lists them: a folder sorts as if its name ended in '/'
 * ("a-b" before "a/x"). */
struct dent {
	char *name;
	int isdir;
};

static int
cmp_dents(const void *a, const void *b)
{
	const struct dent *x = a, *y = b;
	const unsigned char *p = (const unsigned char *)x->name, *q = (const unsigned char *)y->name;
	int cp, cq;

	while (*p && *p == *q) {
		p++;
		q++;
	}
	cp = *p ? *p : x->isdir ? '/' : 0;
	cq = *q ? *q : y->isdir ? '/' : 0;
	return cp - cq;
}

/* Is name (relative to the input root) or one of its parents on the ignore list? */
static int
ignored(const struct mv_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->nignore; i++) {
		size_t n = strlen(ctx->ignore[i]);

		if (strncmp(name, ctx->ignore[i], n) == 0 && (name[n] == '\0' || name[n] == '/'))
			return 1;
	}
	return 0;
}

/* Is real (a canonical path) root itself or below it? */
static int
below(const char *real, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return 1;
	return strncmp(real, root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

static mv_status
add(struct mv_dirwalk *w, const char *rel, enum mv_entry_type type, const char *fspath,
    const char *link, const struct stat *st, struct mv_findings *pending)
{
	char *display = mv_path_join(w->input, rel);
	struct mv_item *item;
	mv_status st2;

	if (display == NULL)
		return MV_ERR_NOMEM;
	item = mv_item_new(w->input, display, rel, fspath);
	free(display);
	if (item == NULL)
		return MV_ERR_NOMEM;
	item->top.type = type;
	if (st && type == MV_ENTRY_FILE)
		item->top.size = (uint64_t)st->st_size;
	if (link && (item->top.link = mv_strdup(link)) == NULL) {
		mv_item_free(item);
		return MV_ERR_NOMEM;
	}
	if ((st2 = mv_hf_walk_item(w, item, rel, st)) != MV_OK) {
		mv_item_free(item);
		return st2;
	}
	if (pending && (st2 = mv_findings_move(&item->walk, pending)) != MV_OK) {
		mv_item_free(item);
		return st2;
	}
	return mv_run_add_item(w->run, item);
}

static mv_status walk_dir(struct mv_dirwalk *w, const char *rel, const char *fspath, int depth,
    struct ancestors *anc);

static mv_status
walk_link(struct mv_dirwalk *w, const char *rel, const char *full, int depth,
    struct ancestors *anc)
{
	struct mv_findings fl = {0};
	char target[PATH_MAX];
	char *display = mv_path_join(w->input, rel), *real = NULL;
	ssize_t n;
	struct stat st;
	mv_status rc = MV_OK;

	if (display == NULL)
		return MV_ERR_NOMEM;
	n = readlink(full, target, sizeof(target) - 1);
	if (n < 0) {
		mv_findings_add(&fl, MV_R_WALK_READ_ERROR, display, -1, "cannot read symlink: %s",
		    strerror(errno));
		rc = add(w, rel, MV_ENTRY_SYMLINK, NULL, NULL, NULL, &fl);
		goto done;
	}
	target[n] = '\0';
	real = realpath(full, NULL);
	if (real == NULL && w->blobs_real && strstr(target, "blobs/") != NULL) {
		/* A snapshot file whose blob is not in the cache. */
		mv_findings_add(&fl, MV_R_HF_BLOB_MISSING, display, -1, "links to '%s', a blob the "
		    "cache does not hold (%s)", target, strerror(errno));
		rc = add(w, rel, MV_ENTRY_SYMLINK, NULL, target, NULL, &fl);
		goto done;
	}
	if (real == NULL) {
		mv_findings_add(&fl, MV_R_WALK_SYMLINK_BROKEN, display, -1,
		    "symlink to '%s' leads nowhere (%s)", target, strerror(errno));
		rc = add(w, rel, MV_ENTRY_SYMLINK, NULL, target, NULL, &fl);
		goto done;
	}
	if (!below(real, w->link_root)) {
		mv_findings_add(&fl, MV_R_WALK_SYMLINK_ESCAPE, display, -1,
		    "symlink to '%s' points outside the package, to %s; not followed", target, real);
		rc = add(w, rel, MV_ENTRY_SYMLINK, NULL, target, NULL, &fl);
		goto done;
	}
	if (!w->follow) {
		mv_findings_add(&fl, MV_R_WALK_SYMLINK, display, -1,
		    "symlink to '%s' not followed (--follow-symlinks reads it)", target);
		rc = add(w, rel, MV_ENTRY_SYMLINK, NULL, target, NULL, &fl);
		goto done;
	}
	if (stat(real, &st) != 0) {
		mv_findings_add(&fl, MV_R_WALK_READ_ERROR, display, -1, "%s", strerror(errno));
		rc = add(w, rel, MV_ENTRY_SYMLINK, NULL, target, NULL, &fl);
	} else if (S_ISDIR(st.st_mode)) {
		for (int i = 0; i < anc->n; i++) {
			if (anc->dev[i] == st.st_dev && anc->ino[i] == st.st_ino) {
				mv_findings_add(&fl, MV_R_WALK_SYMLINK_BROKEN, display, -1,
				    "symlink to '%s' loops back to a folder above it", target);
				rc = add(w, rel, MV_ENTRY_SYMLINK, NULL, target, NULL, &fl);
				goto done;
			}
		}
		rc = walk_dir(w, rel, real, depth + 1, anc);
	} else if (S_ISREG(st.st_mode)) {
		/* Hashed under the link's name with the target's content, as model_signing does. */
		rc = add(w, rel, MV_ENTRY_FILE, real, target, &st, NULL);
	} else {
		mv_findings_add(&fl, MV_R_WALK_SPECIAL, display, -1,
		    "symlink to '%s' leads to a special file; not read", target);
		rc = add(w, rel, MV_ENTRY_SYMLINK, NULL, target, NULL, &fl);
	}
done:
	mv_findings_free(&fl);
	free(display);
	free(real);
	return rc;
}

static enum mv_entry_type
special_type(mode_t m)
{
	if (S_ISFIFO(m))
		return MV_ENTRY_FIFO;
	if (S_ISSOCK(m))
		return MV_ENTRY_SOCKET;
	if (S_ISCHR(m))
		return MV_ENTRY_CHARDEV;
	if (S_ISBLK(m))
		return MV_ENTRY_BLOCKDEV;
	return MV_ENTRY_OTHER;
}

static mv_status
walk_dir(struct mv_dirwalk *w, const char *rel, const char *fspath, int depth,
    struct ancestors *anc)
{
	struct mv_findings fl = {0};
	struct dent *names = NULL;
	size_t n = 0, cap = 0;
	DIR *d = NULL;
	struct dirent *de;
	struct stat dst;
	mv_status rc = MV_OK;

	if (depth > MAX_DIR_DEPTH || (d = opendir(fspath)) == NULL ||
	    fstat(dirfd(d), &dst) != 0) {
		char *display = mv_path_join(w->input, rel);

		if (display == NULL) {
			rc = MV_ERR_NOMEM;
			goto done;
		}
		mv_findings_add(&fl, MV_R_WALK_READ_ERROR, display, -1, "cannot list folder: %s",
		    depth > MAX_DIR_DEPTH ? "nested too deep" : strerror(errno));
		free(display);
		rc = add(w, rel, MV_ENTRY_DIR, NULL, NULL, NULL, &fl);
		goto done;
	}
	anc->dev[anc->n] = dst.st_dev;
	anc->ino[anc->n] = dst.st_ino;
	anc->n++;
	for (;;) {
		struct stat est;

		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				char *display = mv_path_join(w->input, rel);

				if (display)
					mv_findings_add(&fl, MV_R_WALK_READ_ERROR, display, -1,
					    "cannot list the whole folder: %s", strerror(errno));
				free(display);
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (MV_ARRAY_RESERVE(names, cap, n + 1, SIZE_MAX) != 0) {
			rc = MV_ERR_NOMEM;
			goto unwind;
		}
		if ((names[n].name = mv_strdup(de->d_name)) == NULL) {
			rc = MV_ERR_NOMEM;
			goto unwind;
		}
		names[n].isdir = de->d_type == DT_DIR || (de->d_type == DT_UNKNOWN &&
		    fstatat(dirfd(d), de->d_name, &est, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(est.st_mode));
		n++;
	}
	/* A folder that could not be listed to the end is an entry of its own, with the
	 * finding; what could be listed follows. */
	if (fl.n && (rc = add(w, rel, MV_ENTRY_DIR, NULL, NULL, NULL, &fl)) != MV_OK)
		goto unwind;
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_dents);
	/* Entries are looked at relative to the open folder: no second lookup of the whole
	 * path, and the folder checked above is the one whose entries are read. */
	for (size_t i = 0; i < n && rc == MV_OK; i++) {
		char *r = mv_path_join(rel, names[i].name);
		char *full = mv_path_join(fspath, names[i].name);
		struct stat st;

		if (r == NULL || full == NULL) {
			rc = MV_ERR_NOMEM;
		} else if (ignored(w->run->ctx, r)) {
			/* Left out, with everything below it. */
		} else if (fstatat(dirfd(d), names[i].name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
			char *display = mv_path_join(w->input, r);

			if (display)
				mv_findings_add(&fl, MV_R_WALK_READ_ERROR, display, -1, "%s",
				    strerror(errno));
			free(display);
			rc = add(w, r, MV_ENTRY_OTHER, NULL, NULL, NULL, &fl);
		} else if (S_ISDIR(st.st_mode)) {
			rc = walk_dir(w, r, full, depth + 1, anc);
		} else if (S_ISREG(st.st_mode)) {
			rc = add(w, r, MV_ENTRY_FILE, full, NULL, &st, NULL);
		} else if (S_ISLNK(st.st_mode)) {
			rc = walk_link(w, r, full, depth, anc);
		} else {
			char *display = mv_path_join(w->input, r);

			if (display)
				mv_findings_add(&fl, MV_R_WALK_SPECIAL, display, -1,
				    "%s in the package; not read", S_ISFIFO(st.st_mode) ?
				    "named pipe (FIFO)" : S_ISSOCK(st.st_mode) ? "socket" : "device node");
			free(display);
			rc = add(w, r, special_type(st.st_mode), NULL, NULL, NULL, &fl);
		}
		free(r);
		free(full);
	}
unwind:
	anc->n--;
done:
	for (size_t i = 0; i < n; i++)
		free(names[i].name);
	free(names);
	if (d)
		closedir(d);
	mv_findings_free(&fl);
	return rc;
}

mv_status
mv_dir_walk(struct mv_dirwalk *w)
{
	struct ancestors *anc = calloc(1, sizeof(*anc));
	mv_status rc;

	if (anc == NULL)
		return MV_ERR_NOMEM;
	rc = walk_dir(w, "", w->root, 0, anc);
	free(anc);
	return rc;
}
