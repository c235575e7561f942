/* SPDX-License-Identifier: Apache-2.0 */
/* ocitar.c: an OCI image layout packed in a tar file (skopeo copy ... oci-archive:, and docker
 * save since Docker 25, which writes an OCI layout beside its manifest.json). Its members are
 * listed in one pass over the headers, with the checks every archive member gets, and read
 * each on its own as the entries of a remote source (core/remote.h): the layout reader and
 * the model checks then see the tar as they see the folder, and every blob is streamed
 * through the same tee. The JSON documents (a few, small) are held from the listing pass. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/array.h"
#include "core/file.h"
#include "core/ocidesc.h"
#include "core/sniff.h"
#include "core/str.h"
#include "walk/name.h"
#include "walk/walk.h"

/* The JSON documents of one tar held in memory together; more are streamed as blobs (and the
 * layout reader says it could not read them). */
#define DOCS_MAX (16u << 20)
#define TAR_BUF (256u << 10)

struct ocitar {
	struct mv_remote r;              /* first: what the walk holds */
	char *fspath;
	char *origin;
	size_t *ord;                     /* the member ordinal of entry i in the tar */
	size_t cap, ordcap;
	uint64_t docs;                   /* bytes of documents held */
};

static struct archive *
tar_open(const char *fspath)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	/* Tar alone, no compression: a layout tar is read once per blob, which only an
	 * uncompressed one allows without decompressing it again for each. */
	if (archive_read_support_format_tar(a) != ARCHIVE_OK ||
	    archive_read_open_filename(a, fspath, 64 * 1024) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* The member's name as a layout names its files: "./" in front, as tar writes them from ".",
 * dropped. */
static const char *
layout_name(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	while (name[0] == '/')
		name++;
	return name;
}

/* A member's data into memory when it is a JSON document (its first byte after white space
 * is '{') small enough; 0 when kept, 1 when not (to be streamed), -1 on a read error. */
static int
hold_json(struct ocitar *o, struct archive *a, struct mv_remote_entry *e)
{
	unsigned char *p;
	la_ssize_t got;
	size_t i = 0;

	if (e->size > MV_OCI_JSON_MAX || o->docs + e->size > DOCS_MAX)
		return 1;
	if ((p = malloc((size_t)e->size + 1)) == NULL)
		return -1;
	got = e->size ? archive_read_data(a, p, (size_t)e->size) : 0;
	if (got < 0 || (uint64_t)got != e->size) {
		free(p);
		return -1;
	}
	while (i < e->size && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r'))
		i++;
	if (i == e->size || p[i] != '{') {
		free(p);
		return 1;
	}
	e->mem = p;
	e->memlen = (size_t)e->size;
	o->docs += e->size;
	return 0;
}

/* ---- reading one member ---- */

struct tarblocks {
	struct mv_blocks b;
	struct archive *a;
	unsigned char *buf;
	uint64_t left;                   /* bytes its header gives, not read yet */
};

static int
tar_next(void *arg, const unsigned char **p, size_t *n)
{
	struct tarblocks *t = arg;
	la_ssize_t r;

	if (t->left == 0)
		return 0;
	r = archive_read_data(t->a, t->buf, t->left < TAR_BUF ? (size_t)t->left : TAR_BUF);
	if (r < 0) {
		snprintf(t->b.err, sizeof(t->b.err), "%s", archive_error_string(t->a) ?
		    archive_error_string(t->a) : "the tar cannot be read");
		return -1;
	}
	if (r == 0) {
		snprintf(t->b.err, sizeof(t->b.err), "the tar ends inside the member, %llu bytes "
		    "short of its size", (unsigned long long)t->left);
		return -1;
	}
	t->left -= (uint64_t)r;
	*p = t->buf;
	*n = (size_t)r;
	return 1;
}

static void
tar_close(struct mv_blocks *b)
{
	struct tarblocks *t = b ? b->arg : NULL;

	if (t == NULL)
		return;
	archive_read_free(t->a);
	free(t->buf);
	free(t);
}

static struct mv_blocks *
tar_member_open(struct mv_remote *r, size_t i, char *err, size_t errlen)
{
	struct ocitar *o = (struct ocitar *)r;
	struct tarblocks *t = calloc(1, sizeof(*t));
	struct archive_entry *ae;
	size_t k = 0;

	if (t == NULL || (t->buf = malloc(TAR_BUF)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if ((t->a = tar_open(o->fspath)) == NULL) {
		snprintf(err, errlen, "the tar cannot be opened again");
		goto fail;
	}
	/* Headers are skipped over (a seek in a file) up to the member listed. */
	for (;;) {
		int rc = archive_read_next_header(t->a, &ae);

		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
			snprintf(err, errlen, "the tar changed since it was listed");
			goto fail;
		}
		if (k++ == o->ord[i])
			break;
	}
	if (strcmp(layout_name(archive_entry_pathname(ae) ? archive_entry_pathname(ae) : ""),
	    r->v[i].name) != 0 || (uint64_t)archive_entry_size(ae) != r->v[i].size) {
		snprintf(err, errlen, "the tar changed since it was listed");
		goto fail;
	}
	t->b.next = tar_next;
	t->b.arg = t;
	t->left = r->v[i].size;
	return &t->b;
fail:
	if (t) {
		t->b.arg = t;
		tar_close(&t->b);
	}
	return NULL;
}

static void
ocitar_free(struct mv_remote *r)
{
	struct ocitar *o = (struct ocitar *)r;

	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].mem);
	}
	free(r->v);
	free(o->ord);
	free(o->fspath);
	free(o->origin);
	free(o);
}

/* ---- listing ---- */

/* Does the file start as a tar does? Anything else (a compressed tar included) is left to the
 * archive walk. */
static int
looks_tar(const char *fspath, uint64_t size)
{
	unsigned char head[MV_SNIFF_HEAD];
	int fd = open(fspath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t n = size < sizeof(head) ? (size_t)size : sizeof(head);
	int ok;

	if (fd < 0)
		return 0;
	ok = mv_pread_full(fd, head, n, 0) == 0 && mv_sniff(head, n, size) == MV_FMT_TAR;
	close(fd);
	return ok;
}

static mv_status
add_entry(struct ocitar *o, const char *name, uint64_t size, size_t ord, uint64_t max)
{
	struct mv_remote_entry *e;

	if (o->r.n + 1 > max)
		return MV_ERR_LIMIT;
	if (MV_ARRAY_RESERVE(o->r.v, o->cap, o->r.n + 1, max) != 0 ||
	    MV_ARRAY_RESERVE(o->ord, o->ordcap, o->r.n + 1, max) != 0)
		return MV_ERR_NOMEM;
	e = &o->r.v[o->r.n];
	memset(e, 0, sizeof(*e));
	if ((e->name = mv_strdup(name)) == NULL)
		return MV_ERR_NOMEM;
	e->size = size;
	o->ord[o->r.n++] = ord;
	return MV_OK;
}

mv_status
mv_ocitar_list(struct mv_run *run, struct mv_item *tar, struct mv_remote **out)
{
	struct ocitar *o = NULL;
	struct archive *a = NULL;
	struct archive_entry *ae;
	struct mv_findings fl;
	struct mv_names names;
	int layout = 0, bad = 0;
	size_t ord = 0;
	mv_status st = MV_OK;

	*out = NULL;
	memset(&fl, 0, sizeof(fl));
	mv_names_init(&names);
	if (tar->fspath == NULL || !looks_tar(tar->fspath, tar->top.size) ||
	    (a = tar_open(tar->fspath)) == NULL)
		goto done;
	if ((o = calloc(1, sizeof(*o))) == NULL || (o->fspath = mv_strdup(tar->fspath)) == NULL ||
	    (o->origin = mv_strdup(tar->top.path)) == NULL) {
		st = MV_ERR_NOMEM;
		goto done;
	}
	for (;; ord++) {
		int rc = archive_read_next_header(a, &ae);
		const char *raw, *name, *link;
		enum mv_entry_type type;
		char *mpath;

		if (rc == ARCHIVE_EOF)
			break;
		if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
			bad = 1;         /* the archive walk reports what is wrong with it */
			break;
		}
		if ((raw = archive_entry_pathname(ae)) == NULL) {
			bad = 1;
			break;
		}
		name = layout_name(raw);
		type = mv_member_type(ae);
		link = type == MV_ENTRY_SYMLINK ? archive_entry_symlink(ae) :
		    type == MV_ENTRY_HARDLINK ? archive_entry_hardlink(ae) : NULL;
		if ((mpath = mv_asprintf("%s!/%s", tar->top.path, raw)) == NULL) {
			st = MV_ERR_NOMEM;
			goto done;
		}
		mv_member_check(run, &names, &fl, mpath, ae, type, raw, link);
		free(mpath);
		if (type != MV_ENTRY_FILE || *name == '\0')
			continue;        /* folders; links and specials are no blobs */
		if (strcmp(name, "oci-layout") == 0)
			layout = 1;
		if ((st = add_entry(o, name, (uint64_t)archive_entry_size(ae), ord,
		    run->limit[MV_LIMIT_ENTRIES])) != MV_OK) {
			if (st == MV_ERR_LIMIT) {
				bad = 1;     /* the archive walk reports the limit */
				st = MV_OK;
				break;
			}
			goto done;
		}
		if (hold_json(o, a, &o->r.v[o->r.n - 1]) < 0) {
			bad = 1;
			break;
		}
	}
	if (!layout || bad)
		goto done;
	/* A layout: what the listing found goes on the tar; its members are the entries. */
	if ((st = mv_findings_move(&tar->walk, &fl)) != MV_OK)
		goto done;
	o->r.layout = "oci";
	o->r.origin = o->origin;
	o->r.sep = "!/";
	o->r.open = tar_member_open;
	o->r.close = tar_close;
	o->r.free = ocitar_free;
	*out = &o->r;
	o = NULL;
done:
	if (a)
		archive_read_free(a);
	if (o)
		ocitar_free(&o->r);
	mv_findings_free(&fl);
	mv_names_free(&names);
	return st;
}
