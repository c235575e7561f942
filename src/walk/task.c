/* SPDX-License-Identifier: Apache-2.0 */
/* task.c: the tasks that read one top-level entry: a file of the package, standard input or a
 * pipe, or bytes in memory, and then the archive it turns out to be. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ctx.h"
#include "walk/ahead.h"
#include "walk/walk.h"

/* A descriptor read in order, in blocks of MV_READ_BUF. */
struct fdblocks {
	struct mv_blocks b;
	int fd;
	unsigned char *buf;
	struct mv_run *run;
	const char *path;               /* a stream: counted against MV_LIMIT_BYTES */
	int count_done;                 /* add to the run's progress counter */
	struct mv_ahead *ahead;         /* or a thread reads ahead */
	int64_t whole;                  /* a size fstat gave that one read takes, else -1 */
	int64_t size;                   /* a regular file's size from fstat, else -1 */
	uint64_t got;                   /* bytes read so far */
	int at_end;
};

/* The end of a regular file: where fstat said it is, or the file changed under the read
 * (cut short, or grown) and what was read is not the file that was asked about. */
static int
fd_end(struct fdblocks *f)
{
	if (f->size >= 0 && f->got != (uint64_t)f->size) {
		snprintf(f->b.err, sizeof(f->b.err), "the file changed size while it was read "
		    "(%llu bytes read, %lld expected)", (unsigned long long)f->got,
		    (long long)f->size);
		return -1;
	}
	return 0;
}

static int
fd_next(void *arg, const unsigned char **p, size_t *n)
{
	struct fdblocks *f = arg;
	ssize_t r;

	if (f->ahead) {
		int e = 0, rc = mv_ahead_next(f->ahead, p, n, &e);

		if (rc < 0)
			snprintf(f->b.err, sizeof(f->b.err), "%s", strerror(e));
		if (rc > 0 && f->count_done)
			atomic_fetch_add(&f->run->bytes_done, (uint64_t)*n);
		if (rc > 0)
			f->got += *n;
		return rc == 0 ? fd_end(f) : rc;
	}
	if (f->at_end)
		return fd_end(f);
	/* A pipe or a device can keep a read waiting for ever: under a time limit, it is
	 * waited for no longer than the run has left. */
	if (f->path && mv_run_ms_left(f->run) >= 0) {
		struct pollfd pfd = {.fd = f->fd, .events = POLLIN};
		int pr;

		/* A millisecond over what is left, so that a timeout is past the deadline. */
		while ((pr = poll(&pfd, 1, mv_run_ms_left(f->run) + 1)) <= 0 &&
		    (pr == 0 || errno == EINTR)) {
			if (!mv_run_in_time(f->run, f->path)) {
				snprintf(f->b.err, sizeof(f->b.err), "the run's time limit is spent "
				    "(--max-seconds)");
				return -1;
			}
		}
	}
	do
		r = read(f->fd, f->buf, MV_READ_BUF);
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		snprintf(f->b.err, sizeof(f->b.err), "%s", strerror(errno));
		return -1;
	}
	if (r == 0)
		return fd_end(f);
	/* A pipe or a device can be endless (/dev/zero): what it gives counts against the
	 * run's byte budget, as decompressed bytes do. */
	if (f->path && !mv_run_count_bytes(f->run, (uint64_t)r, f->path)) {
		snprintf(f->b.err, sizeof(f->b.err), "stopped after %llu bytes (--max-bytes)",
		    (unsigned long long)f->run->limit[MV_LIMIT_BYTES]);
		return -1;
	}
	/* A small file read whole in one call needs no second call to see its end. */
	if (r == f->whole)
		f->at_end = 1;
	if (f->count_done)
		atomic_fetch_add(&f->run->bytes_done, (uint64_t)r);
	f->got += (uint64_t)r;
	*p = f->buf;
	*n = (size_t)r;
	return 1;
}

static void
fdblocks_init(struct fdblocks *f, struct mv_task *t, int fd, int count_done)
{
	memset(f, 0, sizeof(*f));
	f->b.next = fd_next;
	f->b.arg = f;
	f->fd = fd;
	f->buf = t->buf;
	f->run = t->run;
	f->count_done = count_done;
	f->whole = -1;
	f->size = -1;
}

/* Files (and remote entries) this large are read by a thread of their own one block ahead of
 * the hashing, when the run has more than one worker: copying out of the page cache (or
 * receiving a registry's bytes) then overlaps SHA-256 instead of costing a fifth of one
 * core's time. */
#define AHEAD_MIN (16u << 20)

static void
fdblocks_file(struct fdblocks *f, const struct stat *st)
{
	/* Only a regular file has a size to hold its reader to (a FIFO says 0). */
	f->size = S_ISREG(st->st_mode) ? (int64_t)st->st_size : -1;
	if (st->st_size < MV_READ_BUF)
		f->whole = (int64_t)st->st_size;
	else if (st->st_size >= AHEAD_MIN && f->run->jobs > 1 &&
	    mv_ahead_start(f->fd, MV_READ_BUF, &f->ahead) != MV_OK)
		f->ahead = NULL;        /* read in place, as for a smaller file */
}

static int
mem_next(void *arg, const unsigned char **p, size_t *n)
{
	struct mv_memblocks *m = arg;
	size_t take = m->left < MV_READ_BUF ? m->left : MV_READ_BUF;

	if (take == 0)
		return 0;
	*p = m->p;
	*n = take;
	m->p += take;
	m->left -= take;
	return 1;
}

void
mv_memblocks_init(struct mv_memblocks *m, const void *p, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->b.next = mem_next;
	m->b.arg = m;
	m->p = p;
	m->left = n;
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
	/* O_NONBLOCK stays: it means nothing for a regular file's reads, and clearing it would
	 * cost a system call per file. */
#ifdef HAVE_POSIX_FADVISE
	if (st->st_size > MV_READ_BUF)
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	return fd;
}

/* One read buffer per worker thread, kept from task to task: a package of many small files
 * would otherwise allocate and free 256 KiB for each. Freed when the thread ends. */
static pthread_key_t buf_key;
static pthread_once_t buf_once = PTHREAD_ONCE_INIT;
static int buf_key_ok;

static void
buf_key_init(void)
{
	buf_key_ok = pthread_key_create(&buf_key, free) == 0;
}

unsigned char *
mv_task_buf(void)
{
	unsigned char *buf;

	pthread_once(&buf_once, buf_key_init);
	if (!buf_key_ok)
		return NULL;
	if ((buf = pthread_getspecific(buf_key)) == NULL && (buf = malloc(MV_READ_BUF)) != NULL &&
	    pthread_setspecific(buf_key, buf) != 0) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

static void
read_failed(struct mv_task *t, struct mv_entry *e, const char *why)
{
	e->flags |= MV_ENTRY_INCOMPLETE;
	mv_findings_add(t->findings, MV_R_WALK_READ_ERROR, e->path, -1, "cannot read: %s", why);
}

void
mv_blob_verify(struct mv_findings *fl, const struct mv_entry *e, const char *name_hex)
{
	char hex[2 * MV_DIGEST_MAX + 1];

	if (e->flags & MV_ENTRY_INCOMPLETE)
		return;
	for (unsigned i = 0; i < e->ndigest; i++) {
		if (e->digest[i].alg != MV_HASH_SHA256)
			continue;
		mv_digest_hex(&e->digest[i], hex);
		if (strcmp(hex, name_hex) != 0)
			mv_findings_add(fl, MV_R_INTEGRITY_DIGEST_MISMATCH, e->path, -1,
			    "content-addressed blob '%s' hashes to sha256 %s", name_hex, hex);
	}
}

/*
 * The archive task reads only what is fixed before it is queued (the item's paths, name and
 * format) and writes only its own lists (sub, members), so it runs beside the rest of the top
 * pass. A large checkpoint is then hashed whole on one core while its members are read and
 * hashed on another, instead of one after the other.
 */
void
mv_task_queue_archive(struct mv_task *t, enum mv_format fmt)
{
	struct mv_item *item = t->item;

	if (item->archive_queued)
		return;
	item->fmt = fmt;
	item->archive_queued = 1;
	if (mv_pool_submit(t->run->pool, mv_task_archive, item) != MV_OK) {
		item->top.flags |= MV_ENTRY_INCOMPLETE;
		mv_findings_add(t->findings, MV_R_ANALYSIS_INCOMPLETE, item->top.path, -1,
		    "out of memory");
	}
}

/* The pass over a top-level entry with random access to it; an archive's walk was queued
 * from it (mv_task_queue_archive) as soon as its format was known. */
static void
top_pass(struct mv_task *t, struct mv_blocks *in, const struct mv_rsrc *ra)
{
	struct mv_item *item = t->item;
	enum mv_format fmt = MV_FMT_UNKNOWN;
	struct mv_tee *tee;
	struct mv_blocks *src = mv_tee_new(t, in, &tee);

	mv_walk_top(t, src, ra, &fmt);
	if (in->err[0])
		read_failed(t, &item->top, in->err);
	if (!item->archive_queued)
		item->fmt = fmt;
	mv_tee_finish(tee, t);
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

	if (item->mem) {
		struct mv_memblocks mb;
		struct mv_memsrc ms;

		mv_memblocks_init(&mb, item->mem, item->memlen);
		mv_memsrc_init(&ms, item->mem, item->memlen);
		item->top.size = item->memlen;
		top_pass(&t, &mb.b, &ms.src);
		return;
	}
	if ((t.buf = mv_task_buf()) == NULL) {
		read_failed(&t, &item->top, "out of memory");
		return;
	}
	if ((fd = open_entry(item->fspath, &st, err, sizeof(err))) < 0) {
		read_failed(&t, &item->top, err);
	} else {
		struct fdblocks fb;
		struct mv_fdsrc ra;

		item->top.size = (uint64_t)st.st_size;
		fdblocks_init(&fb, &t, fd, 1);
		fdblocks_file(&fb, &st);
		mv_fdsrc_init(&ra, fd, (uint64_t)st.st_size);
		top_pass(&t, &fb.b, &ra.src);
		mv_ahead_stop(fb.ahead);
		close(fd);
	}
}

void
mv_task_archive(void *arg)
{
	struct mv_item *item = arg;
	struct mv_task t = {.run = item->run, .item = item, .findings = &item->sub,
	    .recs = &item->members};
	struct mv_fdsrc src;
	struct stat st;
	char err[256];
	int fd;

	if (item->mem) {
		struct mv_memsrc ms;

		mv_memsrc_init(&ms, item->mem, item->memlen);
		mv_walk_archive(&t, &ms.src);
		return;
	}
	if ((fd = open_entry(item->fspath, &st, err, sizeof(err))) < 0) {
		mv_findings_add(t.findings, MV_R_WALK_READ_ERROR, item->top.path, -1,
		    "cannot read the archive again: %s", err);
		mv_findings_add(t.findings, MV_R_ANALYSIS_INCOMPLETE, item->top.path, -1,
		    "archive members not examined");
		return;
	}
	mv_fdsrc_init(&src, fd, (uint64_t)st.st_size);
	mv_walk_archive(&t, &src.src);
	close(fd);
}

/* A remote entry's blocks as they arrive, counted against the run's byte budget (what a
 * registry sends, as what a pipe gives, is the input's to decide) and for progress. */
struct counted {
	struct mv_blocks b;
	struct mv_blocks *in;
	struct mv_ahead *ahead;         /* a thread takes in's blocks ahead, or NULL */
	struct mv_run *run;
	const char *path;
};

static int
counted_next(void *arg, const unsigned char **p, size_t *n)
{
	struct counted *c = arg;
	int e = 0, r = c->ahead ? mv_ahead_next(c->ahead, p, n, &e) : c->in->next(c->in->arg, p, n);

	if (r < 0)
		snprintf(c->b.err, sizeof(c->b.err), "%s", c->in->err);
	if (r <= 0)
		return r;
	if (!mv_run_count_bytes(c->run, (uint64_t)*n, c->path)) {
		snprintf(c->b.err, sizeof(c->b.err), "stopped after %llu bytes (--max-bytes)",
		    (unsigned long long)c->run->limit[MV_LIMIT_BYTES]);
		return -1;
	}
	atomic_fetch_add(&c->run->bytes_done, (uint64_t)*n);
	return 1;
}

/* An entry of a remote source, walked as it arrives (archives from the stream itself, as for
 * standard input) and hashed for the digest its name promises on the way. */
void
mv_task_remote(void *arg)
{
	struct mv_item *item = arg;
	struct mv_task t = {.run = item->run, .item = item, .findings = &item->raw,
	    .recs = &item->members};
	struct counted c = {.run = item->run, .path = item->top.path};
	char err[256];

	if ((c.in = item->remote->open(item->remote, item->remote_i, err, sizeof(err))) == NULL) {
		read_failed(&t, &item->top, err);
		return;
	}
	c.b.next = counted_next;
	c.b.arg = &c;
	/* As for a large file: the transfer runs on another core beside the hashing. */
	if (item->remote->v[item->remote_i].size >= AHEAD_MIN && item->run->jobs > 1 &&
	    mv_ahead_start_blocks(c.in, MV_READ_BUF, &c.ahead) != MV_OK)
		c.ahead = NULL;
	top_pass(&t, &c.b, NULL);
	mv_ahead_stop(c.ahead);
	item->remote->close(c.in);
}

/* Standard input, a named pipe or a character device given as an input: read in order, with
 * archives walked from the stream itself (zips and 7z through a bounded spool). */
void
mv_task_stream(void *arg)
{
	struct mv_item *item = arg;
	struct mv_task t = {.run = item->run, .item = item, .findings = &item->raw,
	    .recs = &item->members};
	struct fdblocks fb;
	int fd = STDIN_FILENO;

	if ((t.buf = malloc(MV_READ_BUF)) == NULL) {
		read_failed(&t, &item->top, "out of memory");
		return;
	}
	if (item->fspath && (fd = open(item->fspath, O_RDONLY | O_CLOEXEC)) < 0) {
		read_failed(&t, &item->top, strerror(errno));
		free(t.buf);
		return;
	}
	fdblocks_init(&fb, &t, fd, 0);
	fb.path = item->top.path;
	mv_walk_top(&t, &fb.b, NULL, &item->fmt);
	if (fb.b.err[0])
		read_failed(&t, &item->top, fb.b.err);
	if (item->fspath)
		close(fd);
	free(t.buf);
}
