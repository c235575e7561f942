/* SPDX-License-Identifier: Apache-2.0 */
/* name.c: traversal, absolute paths, odd bytes, duplicates and links in member names. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include "core/buf.h"
#include "core/str.h"
#include "walk/name.h"

void
mv_names_init(struct mv_names *nm)
{
	mv_strset_init(&nm->exact);
	mv_strset_init(&nm->folded);
	mv_strset_init(&nm->dirs);
	mv_strset_init(&nm->links);
}

void
mv_names_free(struct mv_names *nm)
{
	mv_strset_free(&nm->exact);
	mv_strset_free(&nm->folded);
	mv_strset_free(&nm->dirs);
	mv_strset_free(&nm->links);
}

static int
is_sep(char c)
{
	return c == '/' || c == '\\';
}

static int
is_absolute(const char *s, size_t n)
{
	if (n >= 1 && is_sep(s[0]))
		return 1;
	/* Drive letters: "C:" with or without a separator after it. */
	if (n >= 2 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')) && s[1] == ':')
		return 1;
	return 0;
}

/* Call fn on each component of s (split on both separators); stop when it returns non-zero. */
static int
each_component(const char *s, size_t n, int (*fn)(void *, const char *, size_t), void *arg)
{
	size_t i = 0;

	while (i <= n) {
		size_t j = i;
		int r;

		while (j < n && !is_sep(s[j]))
			j++;
		if ((r = fn(arg, s + i, j - i)) != 0)
			return r;
		i = j + 1;
	}
	return 0;
}

static int
is_dotdot(void *arg, const char *c, size_t n)
{
	(void)arg;
	return n == 2 && c[0] == '.' && c[1] == '.';
}

int
mv_name_escapes(const char *name, size_t len)
{
	if (is_absolute(name, len))
		return 1;
	if (each_component(name, len, is_dotdot, NULL))
		return 2;
	return 0;
}

struct fold {
	struct mv_buf b;
	mv_status st;
	size_t depth;                   /* components in b, for ".." to remove */
	int wide;                       /* a byte past ASCII was met */
};

/* One component of the normalised name. "." and empty components go, and ".." takes the
 * component before it away as the file system does ("a/b/../c" is "a/c"); a ".." with nothing
 * left to take stays (the name climbs out, which mv_name_escapes reports). */
static int
fold_component(void *arg, const char *c, size_t n)
{
	struct fold *f = arg;

	if (n == 0 || (n == 1 && c[0] == '.'))
		return 0;
	if (n == 2 && c[0] == '.' && c[1] == '.' && f->depth > 0) {
		size_t l = f->b.len;

		while (l > 0 && f->b.p[l - 1] != '/')
			l--;
		if (!(f->b.len - l == 2 && f->b.p[l] == '.' && f->b.p[l + 1] == '.')) {
			f->b.len = l > 0 ? l - 1 : 0;
			f->depth--;
			return 0;
		}
	}
	if (f->b.len && (f->st = mv_buf_addc(&f->b, '/')) != MV_OK)
		return 1;
	for (size_t i = 0; i < n; i++) {
		char ch = c[i];

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((unsigned char)ch >= 0x80)
			f->wide = 1;
		if ((f->st = mv_buf_addc(&f->b, (unsigned char)ch)) != MV_OK)
			return 1;
	}
	f->depth++;
	return 0;
}

/*
 * Unicode names as the loaders' file systems compare them: macOS keeps one of two names that
 * differ only in composition (NFC "é" and NFD "e" + U+0301), macOS and Windows one of two
 * that differ only in case, beyond ASCII too. The canonical caseless form, NFD(fold(NFD(s))),
 * equates exactly those. Returns a new string, or NULL when s is not valid UTF-8 (its bytes
 * are then compared as they are) or memory runs out (*st set).
 */
static char *
unicode_fold(const char *s, size_t n, mv_status *st)
{
	const UNormalizer2 *nfd;
	UErrorCode e = U_ZERO_ERROR;
	UChar *a = NULL, *b = NULL;
	char *out = NULL;
	int32_t la, lb, lo, cap;

	if (n > INT32_MAX / 8)
		return NULL;
	nfd = unorm2_getNFDInstance(&e);
	u_strFromUTF8(NULL, 0, &la, s, (int32_t)n, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return NULL;
	e = U_ZERO_ERROR;
	/* Decomposition and folding grow a string by a small factor at most (U+0390 folds to
	 * three code points, each decomposing to at most four more in NFD). */
	cap = la * 18 + 1;
	a = malloc((size_t)cap * sizeof(*a));
	b = malloc((size_t)cap * sizeof(*b));
	if (a == NULL || b == NULL) {
		*st = MV_ERR_NOMEM;
		goto done;
	}
	u_strFromUTF8(a, cap, &la, s, (int32_t)n, &e);
	lb = unorm2_normalize(nfd, a, la, b, cap, &e);
	la = u_strFoldCase(a, cap, b, lb, U_FOLD_CASE_DEFAULT, &e);
	lb = unorm2_normalize(nfd, a, la, b, cap, &e);
	u_strToUTF8(NULL, 0, &lo, b, lb, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		goto done;
	e = U_ZERO_ERROR;
	if ((out = malloc((size_t)lo + 1)) == NULL) {
		*st = MV_ERR_NOMEM;
		goto done;
	}
	u_strToUTF8(out, lo + 1, &lo, b, lb, &e);
	if (U_FAILURE(e)) {
		free(out);
		out = NULL;
	}
done:
	free(a);
	free(b);
	return out;
}

char *
mv_name_fold(const char *name, size_t len)
{
	struct fold f = {.st = MV_OK};
	char *u;

	mv_buf_init(&f.b, len + 1);
	each_component(name, len, fold_component, &f);
	if (f.st == MV_OK)
		f.st = mv_buf_terminate(&f.b);
	if (f.st == MV_OK && f.wide) {
		u = unicode_fold((const char *)f.b.p, f.b.len, &f.st);
		if (u != NULL) {
			mv_buf_free(&f.b);
			return u;
		}
	}
	if (f.st != MV_OK) {
		mv_buf_free(&f.b);
		return NULL;
	}
	if (f.b.p == NULL)
		return mv_strdup("");
	return (char *)mv_buf_steal(&f.b);
}

struct depth {
	long d;
	int escaped;
};

static int
walk_depth(void *arg, const char *c, size_t n)
{
	struct depth *d = arg;

	if (n == 0 || (n == 1 && c[0] == '.'))
		return 0;
	if (n == 2 && c[0] == '.' && c[1] == '.') {
		if (--d->d < 0) {
			d->escaped = 1;
			return 1;
		}
		return 0;
	}
	d->d++;
	return 0;
}

/* Does a symlink stored at name with this target resolve outside the archive root? */
static int
symlink_escapes(const char *name, size_t len, const char *target)
{
	struct depth d = {0, 0};
	size_t dirlen = len;

	if (is_absolute(target, strlen(target)))
		return 1;
	while (dirlen > 0 && !is_sep(name[dirlen - 1]))
		dirlen--;
	each_component(name, dirlen, walk_depth, &d);
	if (d.escaped)
		return 1;
	each_component(target, strlen(target), walk_depth, &d);
	return d.escaped;
}

static int
has_control(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 1;
	return 0;
}

/* Report a write through an earlier symlink member ("a" is a link, now "a/b" arrives) and a
 * member stored below an earlier file ("a" is a file, now "a/b"), then record every parent
 * of the member as a folder, listed or not. */
static mv_status
check_parents(struct mv_names *nm, struct mv_findings *fl, const char *path, const char *folded)
{
	size_t n = strlen(folded);
	mv_status st = MV_OK;
	int through = 0, below = 0, found;

	for (size_t i = 1; i < n && st == MV_OK; i++) {
		if (folded[i] != '/')
			continue;
		if (!through && mv_strset_has(&nm->links, folded, i)) {
			through = 1;
			st = mv_findings_add(fl, MV_R_ARCHIVE_LINK_THROUGH, path, -1,
			    "member is written through the earlier symlink member '%.*s'", (int)i,
			    folded);
		} else if (!below && mv_strset_has(&nm->folded, folded, i)) {
			below = 1;
			st = mv_findings_add(fl, MV_R_ARCHIVE_NAME_COLLISION, path, -1,
			    "member is stored below '%.*s', an earlier member that is not a folder",
			    (int)i, folded);
		}
		if (st == MV_OK)
			st = mv_strset_add(&nm->dirs, folded, i, &found);
	}
	return st;
}

static mv_status names_check(struct mv_names *nm, struct mv_findings *fl, const char *path,
    const char *name, size_t len, enum mv_entry_type type, const char *link, size_t max_name);

mv_status
mv_names_check(struct mv_names *nm, struct mv_findings *fl, const char *path, const char *name,
    size_t len, enum mv_entry_type type, const char *link, size_t max_name)
{
	mv_status st = names_check(nm, fl, path, name, len, type, link, max_name);

	/* A duplicate or a write through a link cannot be ruled out: the walk is incomplete. */
	if (st == MV_ERR_NOMEM)
		mv_findings_add(fl, MV_R_ANALYSIS_INCOMPLETE, path, -1, "out of memory: the "
		    "member's name was not compared with the others'");
	return st;
}

static mv_status
names_check(struct mv_names *nm, struct mv_findings *fl, const char *path, const char *name,
    size_t len, enum mv_entry_type type, const char *link, size_t max_name)
{
	mv_status st = MV_OK;
	char *folded = NULL;
	int found, esc;

	if (len > max_name)
		return mv_findings_add(fl, MV_R_LIMIT_NAME_EXCEEDED, path, -1,
		    "member name of %zu bytes is longer than the limit of %zu", len, max_name);
	if (link && strlen(link) > max_name)
		return mv_findings_add(fl, MV_R_LIMIT_NAME_EXCEEDED, path, -1,
		    "link target of %zu bytes is longer than the limit of %zu", strlen(link),
		    max_name);
	if (memchr(name, '\0', len) &&
	    (st = mv_findings_add(fl, MV_R_ARCHIVE_PATH_NUL, path, -1,
	    "member name holds a NUL byte; readers disagree on where it ends")) != MV_OK)
		return st;
	esc = mv_name_escapes(name, len);
	if (esc == 1)
		st = mv_findings_add(fl, MV_R_ARCHIVE_PATH_ABSOLUTE, path, -1,
		    "absolute member name '%.*s' is written outside the extraction folder",
		    (int)len, name);
	else if (esc == 2)
		st = mv_findings_add(fl, MV_R_ARCHIVE_PATH_TRAVERSAL, path, -1,
		    "member name '%.*s' climbs out of the extraction folder with '..'", (int)len,
		    name);
	else if (memchr(name, '\\', len))
		st = mv_findings_add(fl, MV_R_ARCHIVE_PATH_BACKSLASH, path, -1,
		    "member name '%.*s' holds a backslash, a separator on Windows", (int)len, name);
	if (st != MV_OK)
		return st;
	if (len == 0 || has_control(name, len)) {
		st = mv_findings_add(fl, MV_R_ARCHIVE_PATH_INVALID, path, -1, len == 0 ?
		    "member has an empty name" : "member name '%.*s' holds control characters",
		    (int)len, name);
		if (st != MV_OK)
			return st;
	}

	if (link && type == MV_ENTRY_SYMLINK && symlink_escapes(name, len, link) &&
	    (st = mv_findings_add(fl, MV_R_ARCHIVE_SYMLINK_ESCAPE, path, -1,
	    "symlink target '%s' resolves outside the archive", link)) != MV_OK)
		return st;
	if (link && type == MV_ENTRY_HARDLINK && mv_name_escapes(link, strlen(link)) &&
	    (st = mv_findings_add(fl, MV_R_ARCHIVE_HARDLINK_ESCAPE, path, -1,
	    "hardlink target '%s' lies outside the archive", link)) != MV_OK)
		return st;
	if (type == MV_ENTRY_SYMLINK && link &&
	    (st = mv_findings_add(fl, MV_R_ARCHIVE_SYMLINK, path, -1,
	    "symlink to '%s'", link)) != MV_OK)
		return st;

	if ((folded = mv_name_fold(name, len)) == NULL)
		return MV_ERR_NOMEM;
	if ((st = check_parents(nm, fl, path, folded)) != MV_OK)
		goto done;
	if (type == MV_ENTRY_DIR) {
		if (mv_strset_has(&nm->folded, folded, strlen(folded)))
			st = mv_findings_add(fl, MV_R_ARCHIVE_NAME_COLLISION, path, -1,
			    "folder '%s' has the name of an earlier member", folded);
		if (st == MV_OK)
			st = mv_strset_add(&nm->dirs, folded, strlen(folded), &found);
		goto done;
	}
	/* A link is remembered even when its name is taken: extractors that let the last
	 * member win would write what follows through it. */
	if (type == MV_ENTRY_SYMLINK &&
	    (st = mv_strset_add(&nm->links, folded, strlen(folded), &found)) != MV_OK)
		goto done;
	if ((st = mv_strset_add(&nm->exact, name, len, &found)) != MV_OK)
		goto done;
	if (found) {
		st = mv_findings_add(fl, MV_R_ARCHIVE_NAME_DUPLICATE, path, -1,
		    "a member of this name came earlier; extractors differ on which one wins");
		goto done;
	}
	/* Names that differ only in '.', '//', '..', backslashes, case or Unicode composition
	 * name one file once extracted (on every file system, on Windows, on macOS), and
	 * torch.load looks members up ignoring case: one overwrites or hides the other just as
	 * a byte-identical duplicate does. */
	if ((st = mv_strset_add(&nm->folded, folded, strlen(folded), &found)) != MV_OK)
		goto done;
	if (found)
		st = mv_findings_add(fl, MV_R_ARCHIVE_NAME_DUPLICATE, path, -1,
		    "name is an earlier member's once normalised as loaders and file systems do "
		    "('.', '//', '..', backslash, case, Unicode NFC/NFD): both are '%s'", folded);
	else if (mv_strset_has(&nm->dirs, folded, strlen(folded)))
		st = mv_findings_add(fl, MV_R_ARCHIVE_NAME_COLLISION, path, -1,
		    "member has the name of a folder of earlier members ('%s')", folded);
done:
	free(folded);
	return st;
}

const char *
mv_name_blob_digest(const char *path)
{
	static const char *const dirs[] = {"blobs/sha256", "blobs"};
	const char *base = strrchr(path, '/');
	size_t dirlen;

	if (base == NULL || !mv_is_lower_hex(base + 1, 64))
		return NULL;
	dirlen = (size_t)(base - path);
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		size_t n = strlen(dirs[i]);

		if (dirlen >= n && memcmp(base - n, dirs[i], n) == 0 &&
		    (dirlen == n || base[-(ptrdiff_t)n - 1] == '/'))
			return base + 1;
	}
	return NULL;
}
