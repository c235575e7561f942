/* SPDX-License-Identifier: Apache-2.0 */
/* locate.c: where signatures are: default places, reading them (from a file or from inside an
 * archive model), and telling archive models from single files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/ctx.h"
#include "core/str.h"
#include "sign/sign.h"
#include "core/hdrguard.h"
#include "core/lafilter.h"

char *
mv_sig_default_for(const char *model, int is_dir)
{
	size_t n = strlen(model);

	while (n > 1 && model[n - 1] == '/')
		n--;
	if (is_dir)
		return mv_asprintf("%.*s/model.sig", (int)n, model);
	return mv_asprintf("%.*s.sig", (int)n, model);
}

mv_status
mv_sig_default_path(struct mv_ctx *ctx, const char *model, char **out)
{
	struct stat st;

	*out = NULL;
	if (stat(model, &st) != 0)
		return mv_ctx_fail(ctx, errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO, "%s: %s",
		    model, strerror(errno));
	if ((*out = mv_sig_default_for(model, S_ISDIR(st.st_mode))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	return MV_OK;
}

/* The file under libarchive, its bytes checked by the header guard on the way (a cpio or ar
 * header declaring a name of gigabytes is refused before libarchive reserves them). */
struct gfile {
	int fd;
	uint64_t pos, size;
	struct mv_hdrguard guard;
	unsigned char buf[256 * 1024];
};

static la_ssize_t
gfile_read(struct archive *a, void *arg, const void **out)
{
	struct gfile *f = arg;
	ssize_t n;

	do
		n = pread(f->fd, f->buf, sizeof(f->buf), (off_t)f->pos);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		archive_set_error(a, errno, "read error: %s", strerror(errno));
		return -1;
	}
	if (mv_hdrguard_block(&f->guard, f->pos, f->buf, (size_t)n) != 0) {
		archive_set_error(a, EFBIG, "%s", f->guard.why);
		return -1;
	}
	f->pos += (uint64_t)n;
	*out = f->buf;
	return n;
}

static la_int64_t
gfile_skip(struct archive *a, void *arg, la_int64_t request)
{
	struct gfile *f = arg;
	uint64_t left = f->size > f->pos ? f->size - f->pos : 0;
	uint64_t n = (uint64_t)request < left ? (uint64_t)request : left;

	(void)a;
	f->pos += n;
	return (la_int64_t)n;
}

static la_int64_t
gfile_seek(struct archive *a, void *arg, la_int64_t offset, int whence)
{
	struct gfile *f = arg;
	la_int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (la_int64_t)f->pos :
	    (la_int64_t)f->size;

	(void)a;
	if (offset < -base || base + offset > (la_int64_t)f->size)
		return ARCHIVE_FATAL;
	f->pos = (uint64_t)(base + offset);
	return (la_int64_t)f->pos;
}

static int
gfile_close(struct archive *a, void *arg)
{
	struct gfile *f = arg;

	(void)a;
	close(f->fd);
	free(f);
	return ARCHIVE_OK;
}

/* The decompressed bytes of a compressed archive under the archive reader: a first reader
 * (format raw) undoes the compression, and the guard sees what the second one is handed, as
 * it does for an archive stored plain. */
struct gstream {
	struct archive *outer;
	uint64_t pos;
	struct mv_hdrguard guard;
};

static la_ssize_t
gstream_read(struct archive *a, void *arg, const void **out)
{
	struct gstream *s = arg;
	const void *p;
	size_t n;
	la_int64_t off;
	int r = archive_read_data_block(s->outer, &p, &n, &off);

	if (r == ARCHIVE_EOF)
		return 0;
	if (r != ARCHIVE_OK) {
		archive_set_error(a, EIO, "%s", archive_error_string(s->outer) ?
		    archive_error_string(s->outer) : "read error");
		return -1;
	}
	if (mv_hdrguard_block(&s->guard, s->pos, p, n) != 0) {
		archive_set_error(a, EFBIG, "%s", s->guard.why);
		return -1;
	}
	s->pos += (uint64_t)n;
	*out = p;
	return (la_ssize_t)n;
}

static int
gstream_close(struct archive *a, void *arg)
{
	struct gstream *s = arg;

	(void)a;
	archive_read_free(s->outer);
	free(s);
	return ARCHIVE_OK;
}

/* path under a new reader with the given formats; raw: the compressions, format raw only. */
static struct archive *
open_file(const char *path, int raw)
{
	struct archive *a = archive_read_new();
	struct gfile *f = malloc(sizeof(*f));
	struct stat st;

	if (a == NULL || f == NULL) {
		archive_read_free(a);
		free(f);
		return NULL;
	}
	f->pos = 0;
	mv_hdrguard_init(&f->guard, raw ? MV_HDRGUARD_NONE : MV_HDRGUARD_AUTO);
	if ((f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0 ||
	    fstat(f->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (f->fd >= 0)
			close(f->fd);
		free(f);
		archive_read_free(a);
		return NULL;
	}
	f->size = (uint64_t)st.st_size;
	if (raw) {
		mv_lafilter_enable(a);
		archive_read_support_format_raw(a);
	} else {
		archive_read_support_format_all(a);
		archive_read_set_seek_callback(a, gfile_seek);
	}
	/* libarchive calls gfile_close (which frees f) whether or not the open succeeds. */
	if (archive_read_open2(a, f, NULL, gfile_read, gfile_skip, gfile_close) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

/* An archive model, compressed or not. A compressed single file (model.pkl.gz) is not an
 * archive here: the inner reader has no raw format. */
static struct archive *
open_archive(const char *path)
{
	struct archive *outer = open_file(path, 1), *a;
	struct archive_entry *ae;
	struct gstream *s;

	if (outer == NULL || archive_read_next_header(outer, &ae) != ARCHIVE_OK ||
	    archive_filter_count(outer) < 2) {
		/* Stored plain (the only filter is "none"): read it directly, seekable. */
		archive_read_free(outer);
		return open_file(path, 0);
	}
	if ((a = archive_read_new()) == NULL || (s = calloc(1, sizeof(*s))) == NULL) {
		archive_read_free(a);
		archive_read_free(outer);
		return NULL;
	}
	s->outer = outer;
	mv_hdrguard_init(&s->guard, MV_HDRGUARD_AUTO);
	archive_read_support_format_all(a);
	/* libarchive calls gstream_close (which frees outer) whether or not the open succeeds. */
	if (archive_read_open(a, s, NULL, gstream_read, gstream_close) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int
is_tar(int fmt)
{
	return (fmt & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_TAR;
}

int
mv_archive_format_of(const char *path)
{
	struct archive *a = open_archive(path);
	struct archive_entry *ae;
	int fmt = 0;

	if (a == NULL)
		return 0;
	if (archive_read_next_header(a, &ae) == ARCHIVE_OK)
		fmt = archive_format(a);
	archive_read_free(a);
	return fmt;
}

/* Tar-family archives hold model folders (tar czf model.tar.gz model/); zips and the rest
 * are often model formats themselves (PyTorch, Keras, NumPy), signed whole unless asked. */
int
mv_archive_kind_auto(int fmt)
{
	return is_tar(fmt);
}

int
mv_member_is(const char *nm, const char *top, const char *name)
{
	size_t n = strlen(nm), k = strlen(name);
	const char *slash;

	if (strcmp(nm, name) == 0)
		return 1;
	if (top == NULL || n <= k + 1 || strcmp(nm + n - k, name) != 0 || nm[n - k - 1] != '/')
		return 0;
	slash = strchr(nm, '/');
	if (slash != nm + n - k - 1)
		return 0;
	return strcmp(top, "*") == 0 || (strlen(top) == (size_t)(slash - nm) &&
	    strncmp(nm, top, (size_t)(slash - nm)) == 0);
}

mv_status
mv_archive_member_read(struct mv_ctx *ctx, const char *archive, const char *top,
    const char *name, size_t max, unsigned char **out, size_t *len, char **member)
{
	struct archive *a = open_archive(archive);
	struct archive_entry *ae;
	mv_status st = MV_ERR_NOTFOUND;
	int r;

	*out = NULL;
	*len = 0;
	*member = NULL;
	if (a == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: not an archive mavis can read", archive);
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *p = archive_entry_pathname_utf8(ae);
		char *nm;
		int bad;

		if (p == NULL)
			p = archive_entry_pathname(ae);
		if (p == NULL || archive_entry_filetype(ae) != AE_IFREG)
			continue;
		if ((nm = mv_member_name(p, &bad)) == NULL)
			continue;
		if (mv_member_is(nm, top, name)) {
			struct mv_buf b;
			char buf[65536];
			ssize_t n;

			mv_buf_init(&b, max);
			st = MV_OK;
			while ((n = archive_read_data(a, buf, sizeof(buf))) > 0 && st == MV_OK)
				st = mv_buf_add(&b, buf, (size_t)n);
			if (st == MV_OK && n < 0)
				st = mv_ctx_fail(ctx, MV_ERR_IO, "%s!/%s: %s", archive, p,
				    archive_error_string(a) ? archive_error_string(a) : "read error");
			else if (st == MV_OK && (st = mv_buf_terminate(&b)) == MV_OK) {
				*len = b.len;
				*out = mv_buf_steal(&b);
				*member = nm;
				nm = NULL;
			} else if (st == MV_ERR_LIMIT)
				mv_ctx_fail(ctx, st, "%s!/%s: larger than %zu bytes", archive, p, max);
			mv_buf_free(&b);
			free(nm);
			break;
		}
		free(nm);
	}
	archive_read_free(a);
	if (st == MV_ERR_NOTFOUND)
		return mv_ctx_fail(ctx, st, "%s: no member %s", archive, name);
	return st;
}

mv_status
mv_attest_default_path(struct mv_ctx *ctx, const char *sig, char **out)
{
	size_t n = strlen(sig);

	*out = n > 4 && strcmp(sig + n - 4, ".sig") == 0 ?
	    mv_asprintf("%.*s.intoto.jsonl", (int)(n - 4), sig) : mv_asprintf("%s.intoto.jsonl", sig);
	return *out ? MV_OK : mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
}

int
mv_regular_file(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}
