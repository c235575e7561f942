/* SPDX-License-Identifier: Apache-2.0 */
/* archive.c: the pass over one entry's bytes, and archives read through libarchive without
 * extracting anything: members, compressed streams, nesting, links, bombs. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <archive.h>
#include <archive_entry.h>

#include "core/ctx.h"
#include "core/str.h"
#include "core/hdrguard.h"
#include "core/lafilter.h"
#include "walk/name.h"
#include "walk/walk.h"
#include "walk/zipidx.h"

/*
 * Where libarchive reads an archive from: a random-access source, or an entry being read in
 * sequence (a member of an outer archive, or the output of a decompressor). consumed counts
 * what libarchive took, for the expansion ratio of the members read out of it.
 */
struct ain {
	const struct mv_rsrc *src;
	struct reader *up;
	struct ain *base;               /* measure ratios against this input instead, or NULL */
	int counted;                    /* bytes read out of it are on the budget already */
	uint64_t pos;
	uint64_t consumed;
	unsigned char *buf;
	const struct mv_zipidx *zidx;   /* a zip's own index, for what libarchive hides */
	const unsigned char *last;      /* the last block handed to libarchive */
	size_t lastlen;
	int concat;                     /* tar: read on past end-of-archive markers */
	struct mv_names *names;         /* names met so far in the same archive, or NULL */
	struct mv_hdrguard guard;       /* headers checked before libarchive reads them */
};

/* The bytes of one entry in order. Every block is fed (digests, analyser) as it is pulled, so
 * whoever reads the entry (a spool, a nested archive, the drain loop) the bytes are hashed
 * exactly once. */
struct reader {
	struct mv_blocks *in;
	const struct mv_sink *sink;     /* what the bytes go to once state is set */
	void *state;                    /* NULL: nothing to feed (yet, or a decompressed stream) */
	struct mv_task *t;
	const char *path;
	unsigned char head[MV_SNIFF_HEAD];
	size_t headlen, headpos;
	const unsigned char *pend;      /* rest of the block the head was cut from */
	size_t pendlen;
	uint64_t total;                 /* bytes pulled */
	struct ain *arch;               /* the input of the archive holding this entry, or NULL */
	uint64_t consumed0;             /* what that input had consumed when the entry started */
	int eof;
	int err;
	int stop;                       /* a bomb or run limit: stop the archive that holds it */
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

static struct ain *
ratio_base(struct ain *in)
{
	return in->base ? in->base : in;
}

/* Pull the next block from the source, feed it, and apply the limits on decompressed data. */
static int
pull(struct reader *r, const unsigned char **p, size_t *n)
{
	struct mv_run *run = r->t->run;
	int rc;

	if (r->eof || r->err)
		return r->err ? -1 : 0;
	/* Past the run's time limit nothing more is read, files or members. */
	if (!mv_run_in_time(run, r->path)) {
		reader_fail(r, "the run's time limit is spent (--max-seconds)");
		r->stop = 1;
		return -1;
	}
	/* The byte budget stops decompression everywhere; files read as they are go on. */
	if (r->arch && atomic_load(&run->stop)) {
		reader_fail(r, "the byte budget of the run is spent (--max-bytes)");
		r->stop = 1;
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
	if (r->state && r->sink->data(r->state, *p, *n) != MV_OK) {
		reader_fail(r, "digest failure");
		return -1;
	}
	if (r->arch) {
		uint64_t used = ratio_base(r->arch)->consumed - r->consumed0;
		uint64_t ratio = run->limit[MV_LIMIT_RATIO];

		if (!r->arch->counted && !mv_run_count_bytes(run, *n, r->path)) {
			reader_fail(r, "byte budget of the run exhausted");
			r->stop = 1;
			return -1;
		}
		if (r->total >= run->limit[MV_LIMIT_RATIO_FLOOR] && r->total / ratio > used) {
			mv_findings_add(r->t->findings, MV_R_ARCHIVE_BOMB_RATIO, r->path, -1,
			    "expanded to %llu bytes from about %llu compressed (limit %llu:1); "
			    "reading stopped", (unsigned long long)r->total,
			    (unsigned long long)used, (unsigned long long)ratio);
			reader_fail(r, "expansion ratio limit reached");
			r->stop = 1;
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

/* The blocks of an empty stream. */
static int
no_blocks(void *arg, const unsigned char **p, size_t *n)
{
	(void)arg;
	(void)p;
	(void)n;
	return 0;
}

/* A reader as a block source for another reader. */
struct reader_blocks {
	struct mv_blocks b;
	struct reader *r;
};

static int
reader_blocks_next(void *arg, const unsigned char **p, size_t *n)
{
	struct reader_blocks *rb = arg;
	int rc = reader_next(rb->r, p, n);

	if (rc < 0)
		snprintf(rb->b.err, sizeof(rb->b.err), "%.*s", (int)sizeof(rb->b.err) - 1, rb->r->why);
	return rc;
}

/* ---- libarchive input callbacks ---- */

/* The next block of a random-access input into in->buf: 1 (*n bytes), 0 at its end, -1 on
 * a read error (errno set). */
static int
ain_pread(struct ain *in, size_t *n)
{
	*n = MV_READ_BUF;
	if (in->pos >= in->src->size)
		return 0;
	if (*n > in->src->size - in->pos)
		*n = (size_t)(in->src->size - in->pos);
	if (in->src->pread(in->src->arg, in->buf, *n, in->pos) != 0)
		return -1;
	in->pos += *n;
	return 1;
}

static la_ssize_t
ain_read(struct archive *a, void *arg, const void **buf)
{
	struct ain *in = arg;

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
		if (mv_hdrguard_block(&in->guard, in->consumed, p, n) != 0) {
			archive_set_error(a, EFBIG, "%s", in->guard.why);
			return -1;
		}
		*buf = p;
		in->consumed += n;
		in->last = p;
		in->lastlen = n;
		return (la_ssize_t)n;
	} else {
		size_t n;
		int rc = ain_pread(in, &n);

		if (rc < 0) {
			archive_set_error(a, errno, "read error at offset %llu: %s",
			    (unsigned long long)in->pos, strerror(errno));
			return -1;
		}
		if (rc == 0)
			return 0;
		if (mv_hdrguard_block(&in->guard, in->pos - n, in->buf, n) != 0) {
			archive_set_error(a, EFBIG, "%s", in->guard.why);
			return -1;
		}
		in->consumed += n;
		*buf = in->buf;
		in->last = in->buf;
		in->lastlen = n;
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
	struct mv_blocks b;
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
	struct member *m = arg;

	for (;;) {
		const void *blk;
		size_t len;
		la_int64_t off;
		int r;

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
		r = archive_read_data_block(m->a, &blk, &len, &off);
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
			/* libarchive reports a CRC or size inconsistency and goes on; so do we, with
			 * a finding (a loader that ignores CRCs sees these bytes). */
			if (m->warnings++ < 4)
				mv_findings_add(m->t->findings, MV_R_ARCHIVE_READ_WARNING, m->path, -1,
				    "%s", archive_error_string(m->a) ? archive_error_string(m->a) :
				    "warning while reading");
			if (blk == NULL || m->warnings > 64)
				continue;
		} else if (r != ARCHIVE_OK) {
			const char *e = archive_error_string(m->a);

			snprintf(m->b.err, sizeof(m->b.err), "%s", e ? e : "cannot read member data");
			return -1;
		}
		if (off < 0 || (uint64_t)off < m->pos) {
			snprintf(m->b.err, sizeof(m->b.err), "member data blocks out of order");
			return -1;
		}
		m->blk = blk;
		m->blklen = len;
		m->blkoff = off;
		m->have = 1;
	}
}

static void
member_init(struct member *m, struct archive *a, struct mv_task *t, const char *path)
{
	memset(m, 0, sizeof(*m));
	m->b.next = member_next;
	m->b.arg = m;
	m->a = a;
	m->t = t;
	m->path = path;
}

/* ---- one entry ---- */

static int walk_archive(struct mv_task *t, const char *apath, const char *aname,
    enum mv_format fmt, struct ain *in, unsigned depth);

/* A container found inside an entry is walked from the entry's own bytes: a spool when the
 * format needs random access, else straight from the reader. */
static void
open_nested(struct mv_task *t, struct reader *r, struct mv_entry *rec, enum mv_format fmt,
    const char *path, const char *name, unsigned depth)
{
	struct mv_run *run = t->run;
	struct mv_spool sp;
	const unsigned char *p;
	size_t n;
	mv_status st = MV_OK;

	if (!mv_format_needs_seek(fmt)) {
		struct ain sub = {.up = r};

		walk_archive(t, path, name, fmt, &sub, depth + 1);
		return;
	}
	mv_spool_init(&sp, run->limit[MV_LIMIT_SPOOL_MEMORY], run->limit[MV_LIMIT_SPOOL]);
	while (reader_next(r, &p, &n) > 0)
		if (st == MV_OK)
			st = mv_spool_write(&sp, p, n);
	if (st == MV_ERR_LIMIT) {
		mv_findings_add(t->findings, MV_R_LIMIT_SPOOL_EXCEEDED, path, -1,
		    "%s archive larger than the spool limit of %llu bytes; not opened",
		    mv_format_name(fmt), (unsigned long long)run->limit[MV_LIMIT_SPOOL]);
		rec->flags |= MV_ENTRY_INCOMPLETE;
	} else if (st != MV_OK) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, path, -1,
		    "cannot keep a copy of the %s archive to open it: %s", mv_format_name(fmt),
		    st == MV_ERR_IO ? strerror(errno) : mv_strerror(st));
		rec->flags |= MV_ENTRY_INCOMPLETE;
	} else if (!r->err) {
		struct ain sub = {.src = &sp.src};
		struct mv_zipidx zi;

		mv_spool_seal(&sp);
		if (fmt == MV_FMT_ZIP && mv_zipidx_build(&sp.src, path, run->limit, t->findings,
		    &zi) == MV_OK)
			sub.zidx = &zi;
		if ((sub.buf = malloc(MV_READ_BUF)) != NULL)
			walk_archive(t, path, name, fmt, &sub, depth + 1);
		else
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, path, -1,
			    "out of memory");
		if (sub.zidx)
			mv_zipidx_free(&zi);
		free(sub.buf);
	}
	mv_spool_free(&sp);
}

/*
 * Read one entry (own->v[idx]) from in, in order: digests and analysis in one pass; an archive
 * found inside is walked, unless ra is given: then the caller walks it from ra in a task of
 * its own and *fmt_out tells it to. Returns 1 when reading stopped at a bomb or a run limit,
 * so the archive holding the entry should not be read further.
 */
static int
consume(struct mv_task *t, struct mv_recs *own, size_t idx, struct mv_blocks *in, struct ain *arch,
    enum mv_format parent, const char *parent_path, const char *member_name, unsigned depth,
    const struct mv_rsrc *ra, enum mv_format *fmt_out)
{
	struct mv_run *run = t->run;
	const struct mv_sink *sink = run->sink;
	/* The sink's state for the entry lives after the reader, in the same allocation. */
	const size_t soff = (sizeof(struct reader) + _Alignof(max_align_t) - 1) &
	    ~(_Alignof(max_align_t) - 1);
	struct reader *r;
	struct mv_entry_view view;
	enum mv_format fmt, walk;
	struct mv_entry *rec = &own->v[idx];
	char *path = mv_strdup(rec->path), *name = mv_strdup(rec->name);
	uint64_t size_hint = rec->size ? rec->size : UINT64_MAX;
	const char *blob;
	int complete, stop;

	if (fmt_out)
		*fmt_out = MV_FMT_UNKNOWN;
	/* Every field zero but the head buffer, which only headlen bytes of are ever read:
	 * clearing 4 KiB for every small file of a package is most of its bookkeeping. */
	if ((r = malloc(soff + sink->state_size)) != NULL) {
		memset(r, 0, offsetof(struct reader, head));
		memset(&r->headlen, 0, sizeof(*r) - offsetof(struct reader, headlen));
	}
	if (r == NULL || path == NULL || name == NULL) {
		free(r);
		free(path);
		free(name);
		rec->flags |= MV_ENTRY_INCOMPLETE;
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, rec->path, -1,
		    "out of memory");
		return 0;
	}
	r->in = in;
	r->sink = sink;
	r->t = t;
	r->path = path;
	r->arch = arch;
	r->consumed0 = arch ? ratio_base(arch)->consumed : 0;
	reader_fill_head(r);

	fmt = walk = mv_sniff(r->head, r->headlen, size_hint);
	if (!mv_format_is_container(fmt) && fmt != MV_FMT_ELF && fmt != MV_FMT_PE &&
	    fmt != MV_FMT_MACHO && fmt != MV_FMT_SCRIPT && ra && ra->size >= 22) {
		/* Data prepended to a zip: Python's zipfile (Keras, NumPy) still opens it, and
		 * torch.load unpickles the data from byte 0. A file that is something else at its
		 * start (a pickle, safetensors) is analysed as that and walked as the zip too.
		 * Executables with a zip appended (self-extractors, llamafiles) are left to the
		 * executable analyser. */
		size_t n = ra->size < 65557 ? (size_t)ra->size : 65557;
		unsigned char *tail;
		int zip = 0;

		/* A file that came whole in its first read (head, then the rest of that block)
		 * needs no second read of its end. */
		if (r->headlen + r->pendlen == ra->size && r->pendlen >= n) {
			zip = mv_sniff_zip_tail(r->pend + r->pendlen - n, n);
		} else if ((tail = malloc(n)) != NULL) {
			size_t from_head = n - r->pendlen;

			if (r->headlen + r->pendlen == ra->size) {
				memcpy(tail, r->head + r->headlen - from_head, from_head);
				if (r->pendlen)
					memcpy(tail + from_head, r->pend, r->pendlen);
				zip = mv_sniff_zip_tail(tail, n);
			} else {
				zip = ra->pread(ra->arg, tail, n, ra->size - n) == 0 &&
				    mv_sniff_zip_tail(tail, n);
			}
			free(tail);
		} else {
			/* A zip appended is not ruled out. */
			rec->flags |= MV_ENTRY_INCOMPLETE;
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, path, -1,
			    "out of memory: the end of the file was not read for a zip");
		}
		if (zip) {
			walk = MV_FMT_ZIP;
			if (fmt == MV_FMT_UNKNOWN)
				fmt = MV_FMT_ZIP;
		}
	}
	rec = &own->v[idx];
	rec->format = mv_format_name(fmt);

	view = (struct mv_entry_view){
		.path = path, .name = member_name ? member_name : name, .format = fmt,
		.parent = parent, .parent_path = parent_path, .size = size_hint, .depth = depth,
		.head = r->head, .headlen = r->headlen, .findings = t->findings,
	};
	if (sink->begin(sink, (char *)r + soff, &view) != MV_OK) {
		rec->flags |= MV_ENTRY_INCOMPLETE;
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, path, -1, "out of memory");
		stop = 0;
		goto done;
	}
	/* The blocks read for sniffing were held back until the sink knew the entry; they are
	 * exactly head plus pend, so the sink sees every byte, in order. */
	r->state = (char *)r + soff;
	if (sink->data(r->state, r->head, r->headlen) != MV_OK ||
	    (r->pendlen && sink->data(r->state, r->pend, r->pendlen) != MV_OK))
		reader_fail(r, "digest failure");

	if (mv_format_is_container(walk) && !(run->flags & MV_RUN_NO_RECURSE)) {
		rec->flags |= MV_ENTRY_CONTAINER;
		if (depth + 1 > run->limit[MV_LIMIT_DEPTH]) {
			mv_findings_add(t->findings, MV_R_LIMIT_DEPTH_EXCEEDED, path, -1,
			    "%s archive nested %u deep is past the depth limit of %llu; not opened",
			    mv_format_name(walk), depth + 1,
			    (unsigned long long)run->limit[MV_LIMIT_DEPTH]);
			rec->flags &= ~MV_ENTRY_CONTAINER;
			rec->flags |= MV_ENTRY_INCOMPLETE;
		} else if (ra && t->item->layout_tar) {
			/* An OCI layout packed in a tar: its members are items of their own
			 * (walk/ocitar.c), read as the layout's blobs. */
			if (fmt_out)
				*fmt_out = walk;
		} else if (ra) {
			if (fmt_out)
				*fmt_out = walk;
			mv_task_queue_archive(t, walk);
		} else {
			open_nested(t, r, rec, walk, path, name, depth);
		}
	}
	reader_drain(r);
	complete = !r->err;
	rec = &own->v[idx];
	r->state = NULL;
	if (sink->end((char *)r + soff, rec, complete) != MV_OK) {
		complete = 0;
		snprintf(r->why, sizeof(r->why), "digest failure");
	}
	if (!complete)
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, path, -1,
		    "not read to the end: %s", r->why);
	/* Blobs of an OCI layout or a Hugging Face cache packed into an archive (docker save,
	 * skopeo's oci-archive) are named by their digests as they are on disk. */
	if (complete && member_name && (blob = mv_name_blob_digest(member_name)) != NULL)
		mv_blob_verify(t->findings, rec, blob);
	if (fmt_out && *fmt_out == MV_FMT_UNKNOWN)
		*fmt_out = walk;
	stop = r->stop;
done:
	free(r);
	free(path);
	free(name);
	return stop;
}

/* ---- walking an archive ---- */

enum mv_entry_type
mv_member_type(struct archive_entry *e)
{
	if (archive_entry_hardlink(e) != NULL)
		return MV_ENTRY_HARDLINK;
	switch (archive_entry_filetype(e)) {
	/* No type at all: py7zr writes 7z attributes with the permission bits only, and tarfile,
	 * py7zr and zipfile read an untyped member as a file. */
	case 0:
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

void
mv_member_check(struct mv_run *run, struct mv_names *names, struct mv_findings *fl,
    const char *mpath, struct archive_entry *ae, enum mv_entry_type type, const char *name,
    const char *link)
{
	mv_names_check(names, fl, mpath, name, strlen(name), type, link,
	    (size_t)run->limit[MV_LIMIT_NAME]);
	if ((archive_entry_mode(ae) & (S_ISUID | S_ISGID)) && type != MV_ENTRY_DIR)
		mv_findings_add(fl, MV_R_ARCHIVE_ENTRY_SETUID, mpath, -1,
		    "member has the %s bit set (mode %04o)",
		    (archive_entry_mode(ae) & S_ISUID) ? "setuid" : "setgid",
		    (unsigned)(archive_entry_mode(ae) & 07777));
	if (type == MV_ENTRY_CHARDEV || type == MV_ENTRY_BLOCKDEV)
		mv_findings_add(fl, MV_R_ARCHIVE_ENTRY_DEVICE, mpath, -1,
		    "%s device node %u,%u", type == MV_ENTRY_CHARDEV ? "character" : "block",
		    (unsigned)archive_entry_rdevmajor(ae), (unsigned)archive_entry_rdevminor(ae));
	if (type == MV_ENTRY_FIFO || type == MV_ENTRY_SOCKET)
		mv_findings_add(fl, MV_R_ARCHIVE_ENTRY_FIFO, mpath, -1,
		    "%s member: opening it blocks or talks to a process",
		    type == MV_ENTRY_FIFO ? "named pipe (FIFO)" : "socket");
}

/* The name of the single member of a compressed stream that is not an archive: the outer
 * name without its compression suffix ("model.pkl.gz" holds "model.pkl"), one suffix per
 * compression layer undone ("x.gz.gz" holds "x"). */
static char *
raw_member_name(const char *aname, int layers)
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
	for (int k = 0; k < layers; k++) {
		int found = 0;

		for (int i = 0; sfx[i] && !found; i++) {
			size_t l = strlen(sfx[i]);

			if (n > l && strncmp(base + n - l, sfx[i], l) == 0) {
				n -= l;
				found = 1;
			}
		}
		if (!found)
			break;
	}
	if (n == strlen(base))
		return mv_strdup("data");
	return mv_strndup(base, n);
}

/* Compressed streams: the walker decompresses them, then looks at what came out. */
static int
is_stream(enum mv_format f)
{
	return f >= MV_FMT_GZIP && f <= MV_FMT_COMPRESS;
}

/*
 * A libarchive reader for exactly what the sniffer saw: one archive format, or the
 * decompression filters with the raw format. Letting libarchive bid with every format would
 * let it read a stream of zeros as an empty tar, or a broken zip as raw data, so the walker
 * and libarchive would disagree about what the entry is. Only filters built into libarchive
 * are offered: the "all" set runs external programs (lrzip, lzop, grzip) on hostile input.
 */
static struct archive *
archive_new(enum mv_format fmt)
{
	struct archive *a = archive_read_new();
	int r = ARCHIVE_FATAL;

	if (a == NULL)
		return NULL;
	switch (fmt) {
	case MV_FMT_TAR: r = archive_read_support_format_tar(a); break;
	case MV_FMT_ZIP: r = archive_read_support_format_zip(a); break;
	case MV_FMT_7Z: r = archive_read_support_format_7zip(a); break;
	case MV_FMT_CPIO: r = archive_read_support_format_cpio(a); break;
	case MV_FMT_AR: r = archive_read_support_format_ar(a); break;
	case MV_FMT_RAR:
		if ((r = archive_read_support_format_rar(a)) == ARCHIVE_OK)
			r = archive_read_support_format_rar5(a);
		break;
	case MV_FMT_XAR: r = archive_read_support_format_xar(a); break;
	case MV_FMT_CAB: r = archive_read_support_format_cab(a); break;
	default:
		if (!is_stream(fmt))
			break;
		mv_lafilter_enable(a);
		/* An empty stream is one empty member, not an unreadable one. */
		if ((r = archive_read_support_format_raw(a)) == ARCHIVE_OK)
			r = archive_read_support_format_empty(a);
	}
	/* ARCHIVE_WARN: supported through an external program only; not used. */
	if (r != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int
archive_open(struct archive *a, struct ain *in)
{
	if (in->src) {
		archive_read_set_seek_callback(a, ain_seek);
		return archive_read_open2(a, in, NULL, ain_read, ain_skip, NULL);
	}
	return archive_read_open2(a, in, NULL, ain_read, NULL, NULL);
}

static const char *
aerr(struct archive *a, const char *fallback)
{
	const char *e = archive_error_string(a);

	return e ? e : fallback;
}

/* A header the guard refused (a name libarchive would have reserved memory for) is named
 * as the limit it broke, besides the read error that follows. */
static void
guard_finding(struct mv_task *t, struct ain *in, const char *apath)
{
	/* A tar's sparse map is no name: the read error says what was refused. */
	if (in->guard.why[0] != '\0' && in->guard.kind != MV_HDRGUARD_TAR)
		mv_findings_add(t->findings, MV_R_LIMIT_NAME_EXCEEDED, apath, -1, "%s",
		    in->guard.why);
}

/* Add a member record to the task's list; its index, or -1 (reported) when out of memory. */
static long
push_member(struct mv_task *t, const char *apath, const char *mpath, const char *mrel,
    enum mv_entry_type type, unsigned depth, uint64_t size, const char *link)
{
	struct mv_entry rec;

	memset(&rec, 0, sizeof(rec));
	rec.path = mv_strdup(mpath);
	rec.name = mv_strdup(mrel);
	rec.link = link ? mv_strdup(link) : NULL;
	rec.input = t->item->top.input;
	rec.type = type;
	rec.depth = depth;
	rec.size = size;
	if (rec.path == NULL || rec.name == NULL || (link && rec.link == NULL) ||
	    mv_recs_push(t->recs, &rec) != MV_OK) {
		mv_entry_clear(&rec);
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1, "out of memory");
		return -1;
	}
	return (long)(t->recs->n - 1);
}

/* libarchive converts member names through the thread's locale: give the worker a UTF-8
 * one (pax and zip names are UTF-8) whatever the calling program set, without touching the
 * process-wide locale. */
static locale_t utf8_loc;
static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;

static void
utf8_init(void)
{
	utf8_loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static locale_t
utf8_locale(void)
{
	pthread_once(&utf8_once, utf8_init);
	return utf8_loc;
}

/* ---- zip members that libarchive does not hand out as files ---- */

/* The central directory's members sorted by name, built on the first lookup. */
struct zipnames {
	const struct mv_zipent **v;
	size_t n;
	int built;
};

static int
zipent_cmp(const void *a, const void *b)
{
	const struct mv_zipent *x = *(const struct mv_zipent *const *)a;
	const struct mv_zipent *y = *(const struct mv_zipent *const *)b;
	size_t n = x->namelen < y->namelen ? x->namelen : y->namelen;
	int c = memcmp(x->name, y->name, n);

	return c ? c : (x->namelen > y->namelen) - (x->namelen < y->namelen);
}

/* The central directory member called name[0..len): the first not yet marked in seen (one
 * flag per index entry) when several share the name, which is then marked. */
static const struct mv_zipent *
zip_lookup(struct zipnames *zn, const struct mv_zipidx *idx, const char *name, size_t len,
    unsigned char *seen)
{
	struct mv_zipent key = {.name = (char *)(uintptr_t)name, .namelen = len};
	const struct mv_zipent *kp = &key, **hit;

	if (!zn->built) {
		zn->built = 1;
		if ((zn->v = malloc((idx->n ? idx->n : 1) * sizeof(*zn->v))) == NULL)
			return NULL;
		for (size_t i = 0; i < idx->n; i++)
			if (idx->ent[i].in_cd)
				zn->v[zn->n++] = &idx->ent[i];
		qsort(zn->v, zn->n, sizeof(*zn->v), zipent_cmp);
	}
	if (zn->v == NULL)
		return NULL;
	hit = bsearch(&kp, zn->v, zn->n, sizeof(*zn->v), zipent_cmp);
	if (hit == NULL)
		return NULL;
	while (hit > zn->v && zipent_cmp(hit - 1, &kp) == 0)
		hit--;
	for (const struct mv_zipent **h = hit; seen && h < zn->v + zn->n &&
	    zipent_cmp(h, &kp) == 0; h++) {
		if (!seen[*h - idx->ent]) {
			seen[*h - idx->ent] = 1;
			return *h;
		}
	}
	return *hit;
}

/* Mark the member libarchive handed out as name (a folder with a '/' added) as seen. */
static const struct mv_zipent *
zip_seen(struct zipnames *zn, const struct mv_zipidx *idx, const char *name,
    unsigned char *seen)
{
	size_t len = strlen(name);
	const struct mv_zipent *e = zip_lookup(zn, idx, name, len, seen);

	if (e == NULL && len > 0 && name[len - 1] == '/')
		e = zip_lookup(zn, idx, name, len - 1, seen);
	return e;
}

static int
has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/*
 * The index entry of a member that libarchive shows as a folder, a link or a special file,
 * when it carries data that Python's zipfile and torch.load read as the member's content
 * (they look members up by name and never at their type); NULL otherwise. A symlink's data
 * is its target: only data that cannot be a target (control bytes, NUL, past PATH_MAX)
 * counts, since that is what a pickle or any binary format is.
 */
static const struct mv_zipent *
zip_typed_data(const struct mv_zipent *e, enum mv_entry_type type, const char *link)
{
	if (e == NULL || e->usize == 0)
		return NULL;
	if (type == MV_ENTRY_SYMLINK && link && strlen(link) == e->usize && e->usize < 4096 &&
	    !has_control(link))
		return NULL;
	return e;
}

struct zipblocks {
	struct mv_blocks b;
	struct mv_zipread zr;
};

static int
zipblocks_next(void *arg, const unsigned char **p, size_t *n)
{
	struct zipblocks *zb = arg;
	int rc = mv_zipread_next(&zb->zr, p, n);

	if (rc < 0)
		snprintf(zb->b.err, sizeof(zb->b.err), "%s", zb->zr.err);
	return rc;
}

/* Read the data of member record idx straight from the zip by its index entry e, as the
 * loaders that ignore the member's type or the central directory read it. */
static int
read_zipent(struct mv_task *t, struct ain *in, const char *apath, size_t idx,
    const char *name, const struct mv_zipent *e, unsigned depth)
{
	struct zipblocks zb = {.b = {.next = zipblocks_next}};
	struct ain acct = {.src = in->src};
	const char *mpath = t->recs->v[idx].path;
	mv_status st;
	int stop = 0;

	zb.b.arg = &zb;
	if (e->flags & 0x0001u) {
		mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_ENCRYPTED, mpath, -1,
		    "member is flagged as encrypted; its content cannot be examined");
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, mpath, -1,
		    "encrypted member not read");
		t->recs->v[idx].flags |= MV_ENTRY_INCOMPLETE;
		return 0;
	}
	st = mv_zipread_init(&zb.zr, in->src, e, &acct.consumed);
	if (st != MV_OK) {
		mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_UNREADABLE, mpath, -1,
		    "cannot read its data: %s", st == MV_ERR_NOMEM ? "out of memory" : zb.zr.err);
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, mpath, -1,
		    "member data not examined");
		t->recs->v[idx].flags |= MV_ENTRY_INCOMPLETE;
	} else {
		stop = consume(t, t->recs, idx, &zb.b, &acct, MV_FMT_ZIP, apath, name, depth,
		    NULL, NULL);
		if (zb.b.err[0])
			mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_UNREADABLE, mpath, -1, "%s",
			    zb.b.err);
	}
	mv_zipread_free(&zb.zr);
	return stop;
}

/*
 * The members libarchive did not hand out, read by the index. Local headers no central record
 * lists: miniz and Python's zipfile do not see them, a streaming reader (and an unzip that
 * recovers a damaged zip) does; zip.entry.hidden was reported when the index was built.
 * Central records libarchive never reached (it gave up on the zip, or named the member after
 * its local header): miniz and zipfile read them by these names.
 */
static int
walk_index(struct mv_task *t, struct ain *in, const char *apath, const char *aname,
    struct mv_names *names, const unsigned char *seen, unsigned depth)
{
	struct mv_run *run = t->run;
	int stop = 0;

	for (size_t i = 0; i < in->zidx->n && !stop && !atomic_load(&run->stop); i++) {
		const struct mv_zipent *e = &in->zidx->ent[i];
		char *mpath, *mrel;
		long idx;

		if (e->in_cd && (seen == NULL || seen[i] || e->usize == 0))
			continue;
		mpath = mv_asprintf("%s!/%s", apath, e->name);
		mrel = mv_asprintf("%s!/%s", aname, e->name);
		if (mpath == NULL || mrel == NULL || !mv_run_count_entry(run, mpath)) {
			if (mpath == NULL || mrel == NULL)
				mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
				    "out of memory");
			free(mpath);
			free(mrel);
			break;
		}
		mv_names_check(names, t->findings, mpath, e->name, e->namelen, MV_ENTRY_FILE,
		    NULL, (size_t)run->limit[MV_LIMIT_NAME]);
		idx = push_member(t, apath, mpath, mrel, MV_ENTRY_FILE, depth, e->usize, NULL);
		if (idx >= 0)
			stop = read_zipent(t, in, apath, (size_t)idx, e->name, e, depth);
		free(mpath);
		free(mrel);
		if (idx < 0)
			break;
	}
	return stop;
}

/* ---- tar members past the end-of-archive marker ---- */

static int walk_members(struct mv_task *t, const char *apath, const char *aname,
    enum mv_format fmt, struct ain *in, unsigned depth);

/*
 * What follows a tar's end-of-archive marker, as blocks: first a 512-byte header found there
 * (with the zero bytes that came before it in its block), then the rest of the input. tar,
 * Python's tarfile and libarchive stop at the marker; tar -i, tarfile with ignore_zeros and
 * cat-ed archives go on, so members there are hidden from the usual listing.
 */
struct tail {
	struct mv_blocks b;
	struct ain *in;
	unsigned char hdr[512];
	size_t hdrpos;                  /* handed out of hdr so far; 512 when done */
	const unsigned char *pend;
	size_t pendlen;
};

static int
tail_pull(struct tail *tl, const unsigned char **p, size_t *n)
{
	struct ain *in = tl->in;

	if (in->up) {
		int rc = reader_next(in->up, p, n);

		if (rc < 0)
			snprintf(tl->b.err, sizeof(tl->b.err), "%.*s", (int)sizeof(tl->b.err) - 1,
			    in->up->why);
		return rc;
	} else {
		int rc = ain_pread(in, n);

		if (rc < 0)
			snprintf(tl->b.err, sizeof(tl->b.err), "read error at offset %llu: %s",
			    (unsigned long long)in->pos, strerror(errno));
		if (rc > 0)
			*p = in->buf;
		return rc;
	}
}

static int
tail_next(void *arg, const unsigned char **p, size_t *n)
{
	struct tail *tl = arg;

	if (tl->hdrpos < sizeof(tl->hdr)) {
		*p = tl->hdr + tl->hdrpos;
		*n = sizeof(tl->hdr) - tl->hdrpos;
		tl->hdrpos = sizeof(tl->hdr);
		return 1;
	}
	if (tl->pendlen) {
		*p = tl->pend;
		*n = tl->pendlen;
		tl->pendlen = 0;
		return 1;
	}
	return tail_pull(tl, p, n);
}

/*
 * After libarchive's end of a tar read from in (at logical offset end), look at what follows:
 * zeros (the usual padding to a record) are passed over; a block that is a tar header starts
 * a second walk, which reads on past every further marker. Anything else is left alone: it
 * is no member any reader lists. Returns 1 when that walk stopped at a limit.
 */
static int
walk_tar_tail(struct mv_task *t, const char *apath, const char *aname, struct ain *in,
    struct mv_names *names, uint64_t end, unsigned depth)
{
	uint64_t ahead = (in->up ? in->consumed : in->pos) - end, off = end;
	struct tail *tl = calloc(1, sizeof(*tl));
	struct reader *r2 = calloc(1, sizeof(*r2));
	const unsigned char *p;
	size_t n, have = 0;
	int rc, stop = 0, found = 0;

	if (tl == NULL || r2 == NULL) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1, "out of memory");
		goto done;
	}
	tl->b.next = tail_next;
	tl->b.arg = tl;
	tl->in = in;
	tl->hdrpos = sizeof(tl->hdr);
	/* What libarchive read ahead past its end is the end of the last block it was given. */
	if (ahead > in->lastlen)
		goto done;
	p = in->last + in->lastlen - ahead;
	n = (size_t)ahead;
	rc = n > 0 ? 1 : tail_pull(tl, &p, &n);
	while (rc > 0 && !found) {
		size_t i = 0;

		if (have == 0) {
			while (i < n && p[i] == 0)
				i++;
			off += i;
			if (i == n) {
				rc = tail_pull(tl, &p, &n);
				continue;
			}
			/* The header's block began with the zeros passed over in this one. */
			have = (size_t)(off % 512);
			off -= have;
			memset(tl->hdr, 0, have);
		}
		while (i < n && have < sizeof(tl->hdr))
			tl->hdr[have++] = p[i++];
		if (have == sizeof(tl->hdr)) {
			found = 1;
			tl->pend = p + i;
			tl->pendlen = n - i;
			break;
		}
		rc = tail_pull(tl, &p, &n);
	}
	if (!found || mv_sniff(tl->hdr, sizeof(tl->hdr), UINT64_MAX) != MV_FMT_TAR)
		goto done;
	mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_HIDDEN, apath, off > (uint64_t)INT64_MAX ? -1 : (int64_t)off,
	    "a tar header at offset %llu lies after the end-of-archive marker (which ends at "
	    "%llu): tar, "
	    "Python's tarfile and libarchive stop at the marker, tar -i and tarfile with "
	    "ignore_zeros read on; the members there are walked and analysed",
	    (unsigned long long)off, (unsigned long long)end);
	{
		struct ain sub = {.up = r2, .concat = 1, .names = names};

		tl->hdrpos = 0;
		r2->in = &tl->b;
		r2->t = t;
		r2->path = apath;
		stop = walk_members(t, apath, aname, MV_FMT_TAR, &sub, depth);
	}
done:
	free(tl);
	free(r2);
	return stop;
}

/* ---- 7z symlinks ---- */

/*
 * py7zr returns a 7z symlink's data as the member's content; libarchive gives it only as the
 * link target, a C string cut at the first NUL byte. A target that cannot be a path (control
 * bytes: every pickle has some) is analysed as content, and, since what follows a NUL is out
 * of reach, marked incomplete. Returns 1 when reading stopped at a limit.
 */
static int
read_7z_link(struct mv_task *t, struct ain *in, const char *apath, const char *mpath,
    const char *mrel, const char *name, const char *link, unsigned depth)
{
	struct mv_memblocks o;
	long idx;
	int stop;

	mv_memblocks_init(&o, link, strlen(link));
	mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_TYPE_MISMATCH, mpath, -1,
	    "stored as a symbolic link whose target holds control bytes; py7zr returns those "
	    "bytes as the member's content: analysed as a file");
	idx = push_member(t, apath, mpath, mrel, MV_ENTRY_FILE, depth, o.left, NULL);
	if (idx < 0)
		return 0;
	stop = consume(t, t->recs, (size_t)idx, &o.b, in, MV_FMT_7Z, apath, name, depth, NULL,
	    NULL);
	t->recs->v[idx].flags |= MV_ENTRY_INCOMPLETE;
	mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, mpath, -1,
	    "libarchive gives a 7z symlink's data only up to its first NUL byte; the rest, if "
	    "any, was not examined");
	return stop;
}

static const char *
type_name(enum mv_entry_type type)
{
	switch (type) {
	case MV_ENTRY_DIR: return "folder";
	case MV_ENTRY_SYMLINK: return "symbolic link";
	case MV_ENTRY_SOCKET: return "socket";
	case MV_ENTRY_FIFO: return "named pipe";
	case MV_ENTRY_CHARDEV: return "character device";
	case MV_ENTRY_BLOCKDEV: return "block device";
	default: return "member of unknown type";
	}
}

/* The members of an archive in format fmt read from in. */
static int
walk_members(struct mv_task *t, const char *apath, const char *aname, enum mv_format fmt,
    struct ain *in, unsigned depth)
{
	struct mv_run *run = t->run;
	locale_t loc = utf8_locale(), old = loc ? uselocale(loc) : (locale_t)0;
	struct archive *a = archive_new(fmt);
	struct archive_entry *ae = archive_entry_new();
	struct mv_names own, *names;
	struct zipnames zn = {0};
	unsigned char *seen = in->zidx ? calloc(in->zidx->n ? in->zidx->n : 1, 1) : NULL;
	int failures = 0, stop = 0, ended = 0, r;

	/* Set up even when the caller's set is used, so that no path reads it unset. */
	mv_names_init(&own);
	names = in->names ? in->names : &own;
	if (a == NULL || ae == NULL || (in->zidx && seen == NULL)) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
		    "cannot set up a %s reader", mv_format_name(fmt));
		goto done;
	}
	if (in->concat)
		archive_read_set_format_option(a, "tar", "read_concatenated_archives", "1");
	mv_hdrguard_init(&in->guard, fmt == MV_FMT_CPIO ? MV_HDRGUARD_CPIO : fmt == MV_FMT_AR ?
	    MV_HDRGUARD_AR : fmt == MV_FMT_TAR ? MV_HDRGUARD_TAR : MV_HDRGUARD_NONE);
	if (archive_open(a, in) != ARCHIVE_OK) {
		guard_finding(t, in, apath);
		mv_findings_add(t->findings, MV_R_ARCHIVE_READ_ERROR, apath, -1,
		    "cannot open as %s: %s", mv_format_name(fmt), aerr(a, "unknown error"));
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
		    "archive members not examined");
		goto index;
	}
	while (!stop) {
		enum mv_entry_type type;
		const char *name, *link;
		const struct mv_zipent *zent = NULL;
		char *mpath = NULL, *mrel = NULL;
		uint64_t size;
		size_t shown;
		long idx;

		if (atomic_load(&run->stop))
			break;
		r = archive_read_next_header2(a, ae);
		if (r == ARCHIVE_EOF) {
			ended = 1;
			break;
		}
		if (r == ARCHIVE_WARN) {
			mv_findings_add(t->findings, MV_R_ARCHIVE_READ_WARNING, apath, -1, "%s",
			    aerr(a, "warning"));
		} else if (r != ARCHIVE_OK) {
			guard_finding(t, in, apath);
			mv_findings_add(t->findings, MV_R_ARCHIVE_READ_ERROR, apath, -1, "%s",
			    aerr(a, "cannot read the next member"));
			/* FAILED leaves the archive usable for the next header; keep going a
			 * little in case the damage is local, as a lenient loader would. */
			if (r == ARCHIVE_FATAL || ++failures > 16) {
				mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
				    "members after this point not examined");
				break;
			}
			continue;
		}
		name = archive_entry_pathname_utf8(ae);
		if (name == NULL)
			name = archive_entry_pathname(ae);
		if (name == NULL)
			name = "";
		type = mv_member_type(ae);
		link = type == MV_ENTRY_SYMLINK ? archive_entry_symlink(ae) :
		    type == MV_ENTRY_HARDLINK ? archive_entry_hardlink(ae) : NULL;
		if (in->zidx) {
			zent = zip_seen(&zn, in->zidx, name, seen);
			zent = type != MV_ENTRY_FILE && type != MV_ENTRY_HARDLINK ?
			    zip_typed_data(zent, type, link) : NULL;
		}
		/* A folder with data is read as the file its name without the '/' names. */
		shown = strlen(name);
		if (zent && type == MV_ENTRY_DIR && shown > 0 && name[shown - 1] == '/')
			shown--;
		mpath = mv_asprintf("%s!/%.*s", apath, (int)shown, name);
		mrel = mv_asprintf("%s!/%.*s", aname, (int)shown, name);
		if (mpath == NULL || mrel == NULL) {
			free(mpath);
			free(mrel);
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
			    "out of memory");
			break;
		}
		if (!mv_run_count_entry(run, mpath)) {
			free(mpath);
			free(mrel);
			break;
		}
		mv_member_check(run, names, t->findings, mpath, ae, type, name, link);
		if (zent) {
			char *mname = mv_strndup(name, shown);

			mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_TYPE_MISMATCH, mpath, -1,
			    "stored as a %s but carries %llu bytes of data, which Python's zipfile "
			    "and torch.load read as the member's content; analysed as a file",
			    type_name(type), (unsigned long long)zent->usize);
			idx = mname ? push_member(t, apath, mpath, mrel, MV_ENTRY_FILE, depth,
			    zent->usize, NULL) : -1;
			if (idx >= 0)
				stop = read_zipent(t, in, apath, (size_t)idx, mname, zent, depth);
			else if (mname == NULL)
				mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
				    "out of memory");
			free(mname);
			free(mpath);
			free(mrel);
			continue;
		}
		if (fmt == MV_FMT_7Z && type == MV_ENTRY_SYMLINK && link && has_control(link)) {
			stop = read_7z_link(t, in, apath, mpath, mrel, name, link, depth);
			free(mpath);
			free(mrel);
			continue;
		}
		if (type == MV_ENTRY_DIR) {
			free(mpath);
			free(mrel);
			continue;
		}
		size = archive_entry_size_is_set(ae) && archive_entry_size(ae) > 0 ?
		    (uint64_t)archive_entry_size(ae) : 0;
		idx = push_member(t, apath, mpath, mrel, type, depth, size, link);
		if (idx < 0) {
			free(mpath);
			free(mrel);
			break;
		}
		if (type == MV_ENTRY_FILE || (type == MV_ENTRY_HARDLINK && size > 0)) {
			if (archive_entry_is_encrypted(ae)) {
				mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_ENCRYPTED, mpath, -1,
				    "member is encrypted; its content cannot be examined");
				mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, mpath, -1,
				    "encrypted member not read");
				t->recs->v[idx].flags |= MV_ENTRY_INCOMPLETE;
			} else {
				struct member m;

				member_init(&m, a, t, mpath);
				m.size = size;
				m.sparse = archive_entry_sparse_count(ae) > 0;
				stop = consume(t, t->recs, (size_t)idx, &m.b, in, fmt, apath, name,
				    depth, NULL, NULL);
				if (m.b.err[0]) {
					mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_UNREADABLE, mpath,
					    -1, "%s", m.b.err);
					/* A data error loses the stream position in most formats. */
					if (archive_errno(a) != 0 && !in->src)
						failures++;
				}
			}
		}
		free(mpath);
		free(mrel);
	}
index:
	if (!stop && in->zidx)
		stop = walk_index(t, in, apath, aname, names, seen, depth);
	if (!stop && ended && fmt == MV_FMT_TAR && !in->concat && archive_filter_bytes(a, 0) >= 0)
		stop = walk_tar_tail(t, apath, aname, in, names,
		    (uint64_t)archive_filter_bytes(a, 0), depth);
	if (stop)
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
		    "reading stopped at a limit; later members not examined");
done:
	free(zn.v);
	free(seen);
	mv_names_free(&own);
	if (ae)
		archive_entry_free(ae);
	if (a)
		archive_read_free(a);
	if (loc)
		uselocale(old);
	return stop;
}

/*
 * A compressed stream: decompress, then sniff what came out. A tar, cpio or ar inside is the
 * archive itself (a .tar.gz has the tar's members, not a ".tar" member); anything else is the
 * stream's one member, named after the outer name ("model.pkl.gz!/model.pkl"), which is then
 * sniffed and walked like any entry (a zip or a second compression layer inside).
 */
static int
walk_stream(struct mv_task *t, const char *apath, const char *aname, enum mv_format fmt,
    struct ain *in, unsigned depth)
{
	struct mv_run *run = t->run;
	struct archive *a = archive_new(fmt);
	struct archive_entry *ae;
	struct reader *r0 = NULL;
	struct member m;
	struct mv_blocks none = {.next = no_blocks};
	enum mv_format inner;
	uint64_t c0 = in->consumed;
	int stop = 0, empty = 0, r = ARCHIVE_FATAL;

	if (a == NULL) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
		    "cannot set up a %s decompressor", mv_format_name(fmt));
		return 0;
	}
	if (archive_open(a, in) == ARCHIVE_OK) {
		r = archive_read_next_header(a, &ae);
		empty = r == ARCHIVE_EOF && archive_format(a) == ARCHIVE_FORMAT_EMPTY;
	}
	if (r != ARCHIVE_OK && !empty) {
		mv_findings_add(t->findings, MV_R_ARCHIVE_READ_ERROR, apath, -1,
		    "cannot decompress as %s: %s", mv_format_name(fmt), aerr(a, "unknown error"));
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
		    "content not examined");
		goto done;
	}
	if (archive_filter_count(a) < 2) {
		/* The sniffer saw a magic number, but no decompressor took the stream. */
		mv_findings_add(t->findings, MV_R_ARCHIVE_READ_ERROR, apath, -1,
		    "not a %s stream after all", mv_format_name(fmt));
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
		    "content not examined");
		goto done;
	}
	if ((r0 = calloc(1, sizeof(*r0))) == NULL) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1, "out of memory");
		goto done;
	}
	member_init(&m, a, t, apath);
	r0->in = empty ? &none : &m.b;
	r0->t = t;
	r0->path = apath;
	reader_fill_head(r0);
	inner = mv_sniff(r0->head, r0->headlen, UINT64_MAX);
	if (inner == MV_FMT_TAR || inner == MV_FMT_CPIO || inner == MV_FMT_AR) {
		/* Members are measured against the compressed bytes; the decompressed stream as
		 * a whole is on the budget and under the ratio limit too (many small members). */
		struct ain fin = {.up = r0, .base = in, .counted = 1};

		r0->arch = in;
		r0->consumed0 = c0;
		if (!mv_run_count_bytes(run, r0->total, apath)) {
			reader_fail(r0, "byte budget of the run exhausted");
			r0->stop = 1;
		}
		stop = walk_members(t, apath, aname, inner, &fin, depth);
		stop |= r0->stop;
	} else {
		struct reader_blocks rb = {.b = {.next = reader_blocks_next}, .r = r0};
		char *mname = raw_member_name(aname, archive_filter_count(a) - 1);
		char *mpath = mname ? mv_asprintf("%s!/%s", apath, mname) : NULL;
		char *mrel = mname ? mv_asprintf("%s!/%s", aname, mname) : NULL;
		long idx = -1;

		rb.b.arg = &rb;
		if (mpath == NULL || mrel == NULL)
			mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, apath, -1,
			    "out of memory");
		else if (mv_run_count_entry(run, mpath))
			idx = push_member(t, apath, mpath, mrel, MV_ENTRY_FILE, depth, 0, NULL);
		if (idx >= 0) {
			stop = consume(t, t->recs, (size_t)idx, &rb.b, in, fmt, apath, mname, depth,
			    NULL, NULL);
			if (m.b.err[0])
				mv_findings_add(t->findings, MV_R_ARCHIVE_ENTRY_UNREADABLE, mpath, -1,
				    "%s", m.b.err);
		}
		free(mname);
		free(mpath);
		free(mrel);
	}
done:
	free(r0);
	archive_read_free(a);
	return stop;
}

static int
walk_archive(struct mv_task *t, const char *apath, const char *aname, enum mv_format fmt,
    struct ain *in, unsigned depth)
{
	if (is_stream(fmt))
		return walk_stream(t, apath, aname, fmt, in, depth);
	return walk_members(t, apath, aname, fmt, in, depth);
}

/* ---- entry points for the tasks of a run (task.c) ---- */

int
mv_walk_top(struct mv_task *t, struct mv_blocks *in, const struct mv_rsrc *ra,
    enum mv_format *fmt)
{
	struct mv_recs one = {.v = &t->item->top, .n = 1, .cap = 1};

	return consume(t, &one, 0, in, NULL, MV_FMT_UNKNOWN, NULL, NULL, 0, ra, fmt);
}

void
mv_walk_archive(struct mv_task *t, const struct mv_rsrc *src)
{
	struct mv_item *item = t->item;
	struct mv_zipidx zi;
	struct ain in;

	memset(&in, 0, sizeof(in));
	in.src = src;
	/* The top pass may still be writing item->top: the finding alone marks the run
	 * incomplete. */
	if ((in.buf = malloc(MV_READ_BUF)) == NULL) {
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, item->top.path, -1,
		    "out of memory");
		return;
	}
	if (item->fmt == MV_FMT_ZIP && mv_zipidx_build(src, item->top.path, t->run->limit,
	    t->findings, &zi) == MV_OK)
		in.zidx = &zi;
	walk_archive(t, item->top.path, item->top.name, item->fmt, &in, 1);
	if (in.zidx)
		mv_zipidx_free(&zi);
	free(in.buf);
}
