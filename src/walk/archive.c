/* archive.c: the pass over one entry's bytes, and archives read through libarchive without
 * extracting anything: members, nesting, links, bombs. */
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
#include "walk/name.h"
#include "walk/walk.h"
#include "walk/zipidx.h"

/* Where libarchive reads an archive from: a random-access source, or the member of an outer
 * archive being read in sequence. consumed counts what libarchive took, for the ratio check. */
struct ain {
	const struct mv_rsrc *src;
	struct reader *up;
	uint64_t pos;
	uint64_t consumed;
	unsigned char *buf;
	char err[256];
};

/* The bytes of one entry in order. Every block is fed (digests, analyser) as it is pulled, so
 * whoever reads the entry (a spool, a nested archive, the drain loop) the bytes are hashed
 * exactly once. */
struct reader {
	struct mv_blocks *in;
	struct mv_feed *feed;
	struct mv_task *t;
	const char *path;
	unsigned char head[MV_SNIFF_HEAD];
	size_t headlen, headpos;
	const unsigned char *pend;      /* rest of the block the head was cut from */
	size_t pendlen;
	uint64_t total;                 /* bytes pulled */
	struct ain *arch;               /* the input of the archive holding this member */
	uint64_t consumed0;             /* arch->consumed when the member started */
	int eof;
	int err;
	char why[320];
};

static const unsigned char zeros[65536];

static void
reader_fail(struct reader *r, const char *why)
{
	r->err = 1;
	if (r->why[0] == '\0')
		snprintf(r->why, sizeof(r->why), "%s", why);
}

/* Pull the next block from the source, feed it, and apply the limits on decompressed data. */
static int
pull(struct reader *r, const unsigned char **p, size_t *n)
{
	struct mv_run *run = r->t->run;
	int rc;

	if (r->eof || r->err)
		return r->err ? -1 : 0;
	if (atomic_load(&run->stop)) {
		reader_fail(r, "run stopped at a limit");
		return -1;
	}
	rc = r->in->next(r->in->arg, p, n);
	if (rc == 0) {
		r->eof = 1;
		return 0;
	}
	if (rc < 0) {
		reader_fail(r, r->in->err[0] ? r->in->err : "read error");
		return -1;
	}
	r->total += *n;
	if (mv_feed_data(r->feed, *p, *n) != MV_OK) {
		reader_fail(r, "digest failure");
		return -1;
	}
	if (r->arch) {
		uint64_t used = r->arch->consumed - r->consumed0;
		uint64_t ratio = run->limit[MV_LIMIT_RATIO];

		if (!mv_run_count_bytes(run, *n, r->path)) {
			reader_fail(r, "byte budget of the run exhausted");
			return -1;
		}
		if (r->total >= run->limit[MV_LIMIT_RATIO_FLOOR] && r->total / ratio > used) {
			mv_findings_add(r->t->findings, MV_R_ARCHIVE_BOMB_RATIO, r->path, -1,
			    "member expanded to %llu bytes from about %llu stored (limit %llu:1); "
			    "reading stopped", (unsigned long long)r->total,
			    (unsigned long long)used, (unsigned long long)ratio);
			reader_fail(r, "expansion ratio limit reached");
			return -1;
		}
	}
	return 1;
}

static int
reader_next(struct reader *r, const unsigned char **p, size_t *n)
{
	if (r->headpos < r->headlen) {
		*p = r->head + r->headpos;
		*n = r->headlen - r->headpos;
		r->headpos = r->headlen;
		return 1;
	}
	if (r->pendlen) {
		*p = r->pend;
		*n = r->pendlen;
		r->pendlen = 0;
		return 1;
	}
	return pull(r, p, n);
}

/* Read the first bytes into head, for sniffing; they are handed out again by reader_next. */
static void
reader_fill_head(struct reader *r)
{
	while (r->headlen < sizeof(r->head)) {
		const unsigned char *p;
		size_t n, take;

		if (pull(r, &p, &n) <= 0)
			return;
		take = sizeof(r->head) - r->headlen;
		if (take > n)
			take = n;
		memcpy(r->head + r->headlen, p, take);
		r->headlen += take;
		if (take < n) {
			r->pend = p + take;
			r->pendlen = n - take;
		}
	}
}

static void
reader_drain(struct reader *r)
{
	const unsigned char *p;
	size_t n;

	while (reader_next(r, &p, &n) > 0)
		;
}

/* ---- libarchive input callbacks ---- */

static la_ssize_t
ain_read(struct archive *a, void *arg, const void **buf)
{
	struct ain *in = arg;

	(void)a;
	if (in->up) {
		const unsigned char *p;
		size_t n;
		int rc = reader_next(in->up, &p, &n);

		if (rc < 0) {
			archive_set_error(a, EIO, "%s", in->up->why);
			return -1;
		}
		if (rc == 0)
			return 0;
		*buf = p;
		in->consumed += n;
		return (la_ssize_t)n;
	} else {
		size_t n = MV_READ_BUF;

		if (in->pos >= in->src->size)
			return 0;
		if (n > in->src->size - in->pos)
			n = (size_t)(in->src->size - in->pos);
		if (in->src->pread(in->src->arg, in->buf, n, in->pos) != 0) {
			archive_set_error(a, errno, "read error at offset %llu: %s",
			    (unsigned long long)in->pos, strerror(errno));
			return -1;
		}
		in->pos += n;
		in->consumed += n;
		*buf = in->buf;
		return (la_ssize_t)n;
	}
}

static la_int64_t
ain_skip(struct archive *a, void *arg, la_int64_t request)
{
	struct ain *in = arg;
	uint64_t left = in->src->size - in->pos;
	uint64_t n = (uint64_t)request < left ? (uint64_t)request : left;

	(void)a;
	in->pos += n;
	return (la_int64_t)n;
}

static la_int64_t
ain_seek(struct archive *a, void *arg, la_int64_t offset, int whence)
{
	struct ain *in = arg;
	la_int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (la_int64_t)in->pos :
	    (la_int64_t)in->src->size;

	(void)a;
	if (offset < -base || base + offset > (la_int64_t)in->src->size)
		return ARCHIVE_FATAL;
	in->pos = (uint64_t)(base + offset);
	return (la_int64_t)in->pos;
}

/* ---- a member's data as blocks, holes of sparse files filled with zeros ---- */

struct member {
	struct archive *a;
	struct mv_task *t;
	const char *path;
	uint64_t pos;
	uint64_t size;                  /* declared size (sparse files end in a hole) */
	int sparse;
	const unsigned char *blk;
	size_t blklen;
	int64_t blkoff;
	int have;
	int warnings;
};

static int
member_next(void *arg, const unsigned char **p, size_t *n)
{
	struct mv_blocks *b = arg;
	struct member *m = (struct member *)(b + 1);

	for (;;) {
		if (m->have) {
			if ((uint64_t)m->blkoff > m->pos) {
				uint64_t hole = (uint64_t)m->blkoff - m->pos;

				*p = zeros;
				*n = hole < sizeof(zeros) ? (size_t)hole : sizeof(zeros);
				m->pos += *n;
				return 1;
			}
			m->have = 0;
			if (m->blklen == 0)
				continue;
			*p = m->blk;
			*n = m->blklen;
			m->pos += m->blklen;
			return 1;
		}
		{
			const void *blk;
			size_t len;
			la_int64_t off;
			int r = archive_read_data_block(m->a, &blk, &len, &off);

			if (r == ARCHIVE_EOF) {
				if (m->sparse && m->pos < m->size) {
					uint64_t hole = m->size - m->pos;

					*p = zeros;
					*n = hole < sizeof(zeros) ? (size_t)hole : sizeof(zeros);
					m->pos += *n;
					return 1;
				}
				return 0;
			}
			if (r == ARCHIVE_WARN) {
				/* libarchive reports a CRC or size inconsistency and goes on; so do we,
				 * with a finding (a loader that ignores CRCs sees these bytes). */
				if (m->warnings++ < 4)
					mv_findings_add(m->t->findings, MV_R_ARCHIVE_READ_WARNING, m->path,
					    -1, "%s", archive_error_string(m->a) ?
					    archive_error_string(m->a) : "warning while reading");
				if (blk == NULL || m->warnings > 64)
					continue;
			} else if (r != ARCHIVE_OK) {
				const char *e = archive_error_string(m->a);

				snprintf(b->err, sizeof(b->err), "%s", e ? e : "cannot read member data");
				return -1;
			}
			if (off < 0 || (uint64_t)off < m->pos) {
				snprintf(b->err, sizeof(b->err), "member data blocks out of order");
				return -1;
			}
			m->blk = blk;
			m->blklen = len;
			m->blkoff = off;
			m->have = 1;
		}
	}
}

/* ---- walking an archive ---- */

static void walk_archive(struct mv_task *t, const char *apath, const char *aname,
    enum mv_format fmt, struct ain *in, unsigned depth);

static enum mv_entry_type
type_of(struct archive_entry *e)
{
	if (archive_entry_hardlink(e) != NULL)
		return MV_ENTRY_HARDLINK;
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: return MV_ENTRY_FILE;
	case AE_IFLNK: return MV_ENTRY_SYMLINK;
	case AE_IFDIR: return MV_ENTRY_DIR;
	case AE_IFCHR: return MV_ENTRY_CHARDEV;
	case AE_IFBLK: return MV_ENTRY_BLOCKDEV;
	case AE_IFIFO: return MV_ENTRY_FIFO;
	case AE_IFSOCK: return MV_ENTRY_SOCKET;
	default: return MV_ENTRY_OTHER;
	}
}

/* The name of the single member of a compressed stream that is not an archive: the outer
 * name without its compression suffix ("model.pkl.gz" holds "model.pkl"). */
static char *
raw_member_name(const char *aname)
{
	static const char *const sfx[] = {".gz", ".tgz", ".bz2", ".xz", ".lzma", ".zst", ".zstd",
	    ".lz4", ".lz", ".Z", NULL};
	const char *base = strrchr(aname, '/');
	const char *bang = strstr(aname, "!/");
	size_t n;

	/* Only the last path component of the last nesting level names the member. */
	while (bang) {
		const char *next = strstr(bang + 2, "!/");

		if (next == NULL)
			break;
		bang = next;
	}
	if (bang && (base == NULL || bang + 1 > base))
		base = bang + 1;
	base = base ? base + 1 : aname;
	n = strlen(base);
	for (int i = 0; sfx[i]; i++) {
		size_t l = strlen(sfx[i]);

		if (n > l && strcmp(base + n - l, sfx[i]) == 0)
			return mv_strndup(base, n - l);
	}
	return mv_strdup("data");
}

/*
 * Read one entry from in, in order: digests and analysis in one pass; an archive found inside
 * is walked (from a spool when it needs random access) unless ra is given, in which case the
 * caller walks it from ra in a task of its own and *fmt_out tells it to.
 */
static void
consume(struct mv_task *t, struct mv_recs *own, size_t idx, struct mv_blocks *in, struct ain *arch,
    enum mv_format parent, const char *parent_path, const char *member_name, unsigned depth,
    const struct mv_rsrc *ra, enum mv_format *fmt_out)
{
	struct mv_run *run = t->run;
	struct mv_feed feed;
	struct reader *r;
	struct mv_actx actx;
	enum mv_format fmt;
	struct mv_entry *rec = &own->v[idx];
	char *path = mv_strdup(rec->path), *name = mv_strdup(rec->name);
	uint64_t size_hint = rec->size ? rec->size : UINT64_MAX;
	int complete;

	if (fmt_out)
		*fmt_out = MV_FMT_UNKNOWN;
	r = calloc(1, sizeof(*r));
	if (r == NULL || path == NULL || name == NULL || mv_feed_init(&feed, run) != MV_OK) {
		free(r);
		free(path);
		free(name);
		rec->flags |= MV_ENTRY_INCOMPLETE;
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, rec->path, -1,
		    "out of memory");
		return;
	}
	r->in = in;
	r->feed = &feed;
	r->t = t;
	r->path = path;
	r->arch = arch;
	r->consumed0 = arch ? arch->consumed : 0;
	reader_fill_head(r);

	fmt = mv_sniff(r->head, r->headlen, size_hint);
	if (fmt == MV_FMT_UNKNOWN && ra && ra->size >= 22) {
		/* Data prepended to a zip: Python's zipfile (Keras, NumPy) still opens it. */
		size_t n = ra->size < 65557 ? (size_t)ra->size : 65557;
		unsigned char *tail = malloc(n);

		if (tail && ra->pread(ra->arg, tail, n, ra->size - n) == 0 &&
		    mv_sniff_zip_tail(tail, n))
			fmt = MV_FMT_ZIP;
		free(tail);
	}
	rec = &own->v[idx];
	rec->format = mv_format_name(fmt);

	memset(&actx, 0, sizeof(actx));
	actx.path = path;
	actx.name = member_name ? member_name : name;
	actx.format = fmt;
	actx.parent = parent;
	actx.parent_path = parent_path;
	actx.size = size_hint;
	actx.depth = depth;
	actx.limit = run->limit;
	actx.head = r->head;
	actx.headlen = r->headlen;
	actx.findings = t->findings;
	mv_feed_analyse(&feed, run, &actx);

	if (mv_format_is_container(fmt) && !(run->flags & MV_RUN_NO_RECURSE)) {
		rec->flags |= MV_ENTRY_CONTAINER;
		if (depth + 1 > run->limit[MV_LIMIT_DEPTH]) {
			mv_findings_add(t->findings, MV_R_LIMIT_DEPTH_EXCEEDED, path, -1,
			    "%s archive nested %u deep is past the depth limit of %llu; not opened",
			    mv_format_name(fmt), depth + 1,
			    (unsigned long long)run->limit[MV_LIMIT_DEPTH]);
			rec->flags &= ~MV_ENTRY_CONTAINER;
			rec->flags |= MV_ENTRY_INCOMPLETE;
		} else if (ra) {
			if (fmt_out)
				*fmt_out = fmt;
		} else if (mv_format_needs_seek(fmt)) {
			struct mv_spool sp;
			const unsigned char *p;
			size_t n;
			mv_status st = MV_OK;

			mv_spool_init(&sp, run->limit[MV_LIMIT_SPOOL_MEMORY], run->limit[MV_LIMIT_SPOOL]);
			while (reader_next(r, &p, &n) > 0) {
				if (st == MV_OK)
					st = mv_spool_write(&sp, p, n);
			}
			rec = &own->v[idx];
			if (st == MV_ERR_LIMIT) {
				mv_findings_add(t->findings, MV_R_LIMIT_SPOOL_EXCEEDED, path, -1,
				    "%s archive larger than the spool limit of %llu bytes; not opened",
				    mv_format_name(fmt), (unsigned long long)run->limit[MV_LIMIT_SPOOL]);
				rec->flags |= MV_ENTRY_INCOMPLETE;
			} else if (st != MV_OK) {
				mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, path, -1,
				    "cannot keep a copy of the %s archive to open it: %s",
				    mv_format_name(fmt), st == MV_ERR_IO ? strerror(errno) :
				    mv_strerror(st));
				rec->flags |= MV_ENTRY_INCOMPLETE;
			} else if (!r->err) {
				struct ain sub = {.src = &sp.src};

				mv_spool_seal(&sp);
				if (fmt == MV_FMT_ZIP)
					mv_zipidx_check(&sp.src, path, run->limit, t->findings);
				if ((sub.buf = malloc(MV_READ_BUF)) != NULL)
					walk_archive(t, path, name, fmt, &sub, depth + 1);
				free(sub.buf);
			}
			mv_spool_free(&sp);
		} else {
			struct ain sub = {.up = r};

			walk_archive(t, path, name, fmt, &sub, depth + 1);
		}
	}
	reader_drain(r);
	complete = !r->err;
	rec = &own->v[idx];
	if (mv_feed_finish(&feed, rec, complete) != MV_OK) {
		complete = 0;
		snprintf(r->why, sizeof(r->why), "digest failure");
	}
	if (!complete)
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, path, -1,
		    "not read to the end: %s", r->why);
	if (fmt_out && *fmt_out == MV_FMT_UNKNOWN)
		*fmt_out = fmt;
	mv_feed_free(&feed);
	free(r);
	free(path);
	free(name);
}

static struct archive *
archive_new(void)
{
	struct archive *a = archive_read_new();

	if (a == NULL)
		return NULL;
	/* Only filters built into libarchive: the "all" set would run external programs
	 * (lrzip, lzop, grzip) on hostile input. */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_lzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_compress(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_7zip(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_raw(a);
	return a;
}

static void
walk_archive(struct mv_task *t, const char *apath, const char *aname, enum mv_format fmt,
    struct ain *in, unsigned depth)
{
	struct mv_run *run = t->run;
	struct archive *a = archive_new();
	struct archive_entry *ae = archive_entry_new();
	struct mv_names names;
	int failures = 0, r;

	mv_names_init(&names);
	if (a == NULL || ae == NULL) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1, "out of memory");
		goto done;
	}
	if (in->src) {
		archive_read_set_seek_callback(a, ain_seek);
		r = archive_read_open2(a, in, NULL, ain_read, ain_skip, NULL);
	} else {
		r = archive_read_open2(a, in, NULL, ain_read, NULL, NULL);
	}
	if (r != ARCHIVE_OK) {
		mv_findings_add(t->findings, MV_R_ARCHIVE_READ_ERROR, apath, -1,
		    "cannot open as %s: %s", mv_format_name(fmt),
		    archive_error_string(a) ? archive_error_string(a) : "unknown error");
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
		    "archive members not examined");
		goto done;
	}
	for (;;) {
		struct mv_entry rec;
		enum mv_entry_type type;
		const char *name, *link;
		char *mname = NULL, *mpath = NULL, *mrel = NULL;
		size_t idx;
		int raw;

		if (atomic_load(&run->stop))
			break;
		r = archive_read_next_header2(a, ae);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_WARN) {
			mv_findings_add(t->findings, MV_R_ARCHIVE_READ_WARNING, apath, -1, "%s",
			    archive_error_string(a) ? archive_error_string(a) : "warning");
		} else if (r != ARCHIVE_OK) {
			mv_findings_add(t->findings, MV_R_ARCHIVE_READ_ERROR, apath, -1,
			    "%s", archive_error_string(a) ? archive_error_string(a) :
			    "cannot read the next member");
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
			    "members after this point not examined");
			/* FAILED leaves the archive usable for the next header; keep going a
			 * little in case the damage is local, as a lenient loader would. */
			if (r == ARCHIVE_FATAL || ++failures > 16)
				break;
			continue;
		}
		raw = archive_format(a) == ARCHIVE_FORMAT_RAW;
		name = archive_entry_pathname_utf8(ae);
		if (name == NULL)
			name = archive_entry_pathname(ae);
		if (name == NULL)
			name = "";
		mname = raw ? raw_member_name(aname) : mv_strdup(name);
		type = raw ? MV_ENTRY_FILE : type_of(ae);
		link = type == MV_ENTRY_SYMLINK ? archive_entry_symlink(ae) :
		    type == MV_ENTRY_HARDLINK ? archive_entry_hardlink(ae) : NULL;
		if (mname)
			mpath = mv_asprintf("%s!/%s", apath, mname);
		if (mname)
			mrel = mv_asprintf("%s!/%s", aname, mname);
		if (mname == NULL || mpath == NULL || mrel == NULL) {
			free(mname);
			free(mpath);
			free(mrel);
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
			    "out of memory");
			break;
		}
		if (!mv_run_count_entry(run, mpath)) {
			free(mname);
			free(mpath);
			free(mrel);
			break;
		}
		if (!raw)
			mv_names_check(&names, t->findings, mpath, name, strlen(name), type, link,
			    (size_t)run->limit[MV_LIMIT_NAME]);
		if ((archive_entry_mode(ae) & (S_ISUID | S_ISGID)) && type != MV_ENTRY_DIR)
			mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_SETUID, mpath, -1,
			    "member has the %s bit set (mode %04o)",
			    (archive_entry_mode(ae) & S_ISUID) ? "setuid" : "setgid",
			    (unsigned)(archive_entry_mode(ae) & 07777));
		if (type == MV_ENTRY_CHARDEV || type == MV_ENTRY_BLOCKDEV)
			mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_DEVICE, mpath, -1,
			    "%s device node %u,%u", type == MV_ENTRY_CHARDEV ? "character" : "block",
			    (unsigned)archive_entry_rdevmajor(ae),
			    (unsigned)archive_entry_rdevminor(ae));
		if (type == MV_ENTRY_FIFO || type == MV_ENTRY_SOCKET)
			mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_FIFO, mpath, -1,
			    "%s member: opening it blocks or talks to a process",
			    type == MV_ENTRY_FIFO ? "named pipe (FIFO)" : "socket");
		if (type == MV_ENTRY_DIR) {
			free(mname);
			free(mpath);
			free(mrel);
			continue;
		}

		memset(&rec, 0, sizeof(rec));
		rec.path = mpath;
		rec.name = mrel;
		rec.input = t->item->top.input;
		rec.type = type;
		rec.depth = depth;
		rec.size = archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0 ?
		    (uint64_t)archive_entry_size(ae) : 0;
		if (link && (rec.link = mv_strdup(link)) == NULL) {
			mv_entry_clear(&rec);
			free(mname);
			break;
		}
		if (mv_recs_push(t->recs, &rec) != MV_OK) {
			mv_entry_clear(&rec);
			free(mname);
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
			    "out of memory");
			break;
		}
		idx = t->recs->n - 1;

		if (type == MV_ENTRY_FILE || (type == MV_ENTRY_HARDLINK && rec.size > 0)) {
			if (archive_entry_is_encrypted(ae)) {
				mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_ENCRYPTED, mpath, -1,
				    "member is encrypted; its content cannot be examined");
				mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, mpath, -1,
				    "encrypted member not read");
				t->recs->v[idx].flags |= MV_ENTRY_INCOMPLETE;
			} else {
				struct {
					struct mv_blocks b;
					struct member m;
				} src;

				memset(&src, 0, sizeof(src));
				src.b.next = member_next;
				src.b.arg = &src.b;
				src.m.a = a;
				src.m.t = t;
				src.m.path = mpath;
				src.m.size = rec.size;
				src.m.sparse = archive_entry_sparse_count(ae) > 0;
				consume(t, t->recs, idx, &src.b, in, fmt, apath, mname, depth, NULL, NULL);
				if (src.b.err[0]) {
					mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_UNREADABLE,
					    t->recs->v[idx].path, -1, "%s", src.b.err);
					/* The stream position is lost after a data error in most formats. */
					if (archive_errno(a) != 0 && !in->src)
						failures++;
				}
			}
		}
		free(mname);
	}
	if (r != ARCHIVE_EOF && r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		/* Already reported above. */
	}
done:
	mv_names_free(&names);
	if (ae)
		archive_entry_free(ae);
	if (a)
		archive_read_free(a);
}

/* ---- entry points for the tasks of a run ---- */

struct fdblocks {
	struct mv_blocks b;
	int fd;
	unsigned char *buf;
	struct mv_run *run;
	int count_done;                 /* add to the run's progress counter */
};

static int
fd_next(void *arg, const unsigned char **p, size_t *n)
{
	struct fdblocks *f = arg;
	ssize_t r;

	do
		r = read(f->fd, f->buf, MV_READ_BUF);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		snprintf(f->b.err, sizeof(f->b.err), "%s", strerror(errno));
		return -1;
	}
	if (r == 0)
		return 0;
	if (f->count_done)
		atomic_fetch_add(&f->run->bytes_done, (uint64_t)r);
	*p = f->buf;
	*n = (size_t)r;
	return 1;
}

/* Open a file of the package without following a final symlink or blocking on a FIFO that
 * was swapped in after the walk looked at it. */
static int
open_entry(const char *path, struct stat *st, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		snprintf(err, errlen, "%s", S_ISREG(st->st_mode) ? strerror(errno) :
		    "no longer a regular file");
		close(fd);
		return -1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
#ifdef HAVE_POSIX_FADVISE
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	return fd;
}

static void
read_failed(struct mv_task *t, struct mv_entry *e, const char *why)
{
	e->flags |= MV_ENTRY_INCOMPLETE;
	mv_findings_add(t->findings, MV_R_WALK_READ_ERROR, e->path, -1, "cannot read: %s", why);
}

/* The pass over a top-level file or standard input: its record is item->top, and members of
 * an archive read inline (standard input) go to item->members. */
static void
top_pass(struct mv_task *t, int fd, uint64_t size, int count_done)
{
	struct mv_item *item = t->item;
	struct fdblocks fb;
	struct mv_fdsrc ra;
	struct mv_recs one = {.v = &item->top, .n = 1, .cap = 1};
	enum mv_format fmt = MV_FMT_UNKNOWN;

	memset(&fb, 0, sizeof(fb));
	fb.b.next = fd_next;
	fb.b.arg = &fb;
	fb.fd = fd;
	fb.buf = t->buf;
	fb.run = t->run;
	fb.count_done = count_done;
	if (size != UINT64_MAX)
		mv_fdsrc_init(&ra, fd, size);
	consume(t, &one, 0, &fb.b, NULL, MV_FMT_UNKNOWN, NULL, NULL, 0,
	    size != UINT64_MAX ? &ra.src : NULL, &fmt);
	if (fb.b.err[0])
		mv_findings_add(t->findings, MV_R_WALK_READ_ERROR, item->top.path, -1,
		    "cannot read: %s", fb.b.err);
	item->fmt = fmt;
	if (size != UINT64_MAX && (item->top.flags & MV_ENTRY_CONTAINER) &&
	    !(item->top.flags & MV_ENTRY_INCOMPLETE)) {
		if (mv_pool_submit(t->run->pool, mv_task_archive, item) != MV_OK) {
			item->top.flags |= MV_ENTRY_INCOMPLETE;
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, item->top.path, -1,
			    "out of memory");
		}
	}
}

/* A content-addressed file (a Hugging Face cache blob, an OCI layout blob) is named by its
 * SHA-256: check the name against what was read. */
static void
check_blob(struct mv_task *t)
{
	struct mv_item *item = t->item;
	char hex[2 * MV_DIGEST_MAX + 1];

	if (item->blob_digest == NULL || (item->top.flags & MV_ENTRY_INCOMPLETE))
		return;
	for (unsigned i = 0; i < item->top.ndigest; i++) {
		if (item->top.digest[i].alg != MV_HASH_SHA256)
			continue;
		mv_digest_hex(&item->top.digest[i], hex);
		if (strcmp(hex, item->blob_digest) != 0)
			mv_findings_add(t->findings, MV_R_INTEGRITY_DIGEST_MISMATCH, item->top.path,
			    -1, "content-addressed blob '%s' hashes to sha256 %s",
			    item->blob_digest, hex);
	}
}

void
mv_task_file(void *arg)
{
	struct mv_item *item = arg;
	struct mv_task t = {.run = item->run, .item = item, .findings = &item->raw,
	    .recs = &item->members};
	struct stat st;
	char err[256];
	int fd;

	if ((t.buf = malloc(MV_READ_BUF)) == NULL) {
		read_failed(&t, &item->top, "out of memory");
		return;
	}
	if ((fd = open_entry(item->fspath, &st, err, sizeof(err))) < 0) {
		read_failed(&t, &item->top, err);
	} else {
		item->top.size = (uint64_t)st.st_size;
		top_pass(&t, fd, (uint64_t)st.st_size, 1);
		close(fd);
		check_blob(&t);
	}
	free(t.buf);
}

void
mv_task_archive(void *arg)
{
	struct mv_item *item = arg;
	struct mv_task t = {.run = item->run, .item = item, .findings = &item->sub,
	    .recs = &item->members};
	struct mv_fdsrc src;
	struct ain in;
	struct stat st;
	char err[256];
	int fd;

	memset(&in, 0, sizeof(in));
	if ((fd = open_entry(item->fspath, &st, err, sizeof(err))) < 0) {
		read_failed(&t, &item->top, err);
		return;
	}
	mv_fdsrc_init(&src, fd, (uint64_t)st.st_size);
	in.src = &src.src;
	if ((in.buf = malloc(MV_READ_BUF)) == NULL) {
		read_failed(&t, &item->top, "out of memory");
	} else {
		if (item->fmt == MV_FMT_ZIP)
			mv_zipidx_check(&src.src, item->top.path, t.run->limit, t.findings);
		walk_archive(&t, item->top.path, item->top.name, item->fmt, &in, 1);
	}
	free(in.buf);
	close(fd);
}

void
mv_task_fd_stream(struct mv_task *t, int fd)
{
	top_pass(t, fd, UINT64_MAX, 0);
}
