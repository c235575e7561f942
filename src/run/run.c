/* SPDX-License-Identifier: Apache-2.0 */
/* run.c: the pipeline of one run over the inputs: the walk's items handed to the worker pool
 * (whole files, shards, BLAKE3 pieces, largest first), where each is hashed and analysed, and
 * the entries and findings put back together in walk order into the result. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/array.h"
#include "core/ctx.h"
#include "core/result.h"
#include "core/sigcache.h"
#include "core/str.h"
#include "hash/blake3.h"
#include "hash/digest.h"
#include "net/registry.h"
#include "run/feed.h"
#include "run/run.h"
#include "scan/analyse.h"
#include "walk/source.h"
#include "walk/walk.h"

/* ---- shards of large files, hashed in parallel ---- */

struct shard_job {
	struct mv_item *item;
	size_t k;
};

static void
task_shard(void *arg)
{
	struct shard_job *j = arg;
	struct mv_item *item = j->item;
	struct mv_shard *s = mv_unconst(&item->top.shard[j->k]);
	struct mv_digester dg;
	unsigned char *buf = mv_task_buf();
	int fd = -1, ok = 0;

	if (buf == NULL || mv_digester_init(&dg, item->run->hashes) != MV_OK)
		goto done;
	fd = open(item->fspath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		uint64_t off = s->start;

		ok = 1;
		while (off < s->end) {
			size_t n = s->end - off < MV_READ_BUF ? (size_t)(s->end - off) : MV_READ_BUF;

			if (mv_pread_full(fd, buf, n, off) != 0 ||
			    mv_digester_update(&dg, buf, n) != MV_OK) {
				ok = 0;
				break;
			}
			off += n;
			atomic_fetch_add(&item->run->bytes_done, (uint64_t)n);
		}
		if (ok)
			mv_digester_final(&dg, s->digest);
		close(fd);
	}
	mv_digester_free(&dg);
done:
	if (!ok)
		atomic_fetch_add(&item->shard_errors, 1);
	free(j);
}

/* The first shard's task also looks at the start and end of the file to see whether it is an
 * archive to walk, since no task reads the file from start to end in this mode. */
static void
task_sniff(void *arg)
{
	struct mv_item *item = arg;
	unsigned char *head = malloc(MV_SNIFF_HEAD);
	int fd = open(item->fspath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	size_t n = item->top.size < MV_SNIFF_HEAD ? (size_t)item->top.size : MV_SNIFF_HEAD;
	enum mv_format fmt = MV_FMT_UNKNOWN;

	if (head && fd >= 0 && mv_pread_full(fd, head, n, 0) == 0) {
		fmt = mv_sniff(head, n, item->top.size);
		if (fmt == MV_FMT_UNKNOWN && item->top.size >= 22) {
			size_t t = item->top.size < 65557 ? (size_t)item->top.size : 65557;
			unsigned char *tail = malloc(t);

			if (tail && mv_pread_full(fd, tail, t, item->top.size - t) == 0 &&
			    mv_sniff_zip_tail(tail, t))
				fmt = MV_FMT_ZIP;
			free(tail);
		}
	}
	if (fd >= 0)
		close(fd);
	free(head);
	item->fmt = fmt;
	item->top.format = mv_format_name(fmt);
	if (mv_format_is_container(fmt) && !(item->run->flags & MV_RUN_NO_RECURSE)) {
		if (item->run->limit[MV_LIMIT_DEPTH] < 1) {
			mv_findings_add(&item->raw, MV_R_LIMIT_DEPTH_EXCEEDED, item->top.path, -1,
			    "%s archive not opened: the depth limit is 0", mv_format_name(fmt));
			item->top.flags |= MV_ENTRY_INCOMPLETE;
		} else {
			item->top.flags |= MV_ENTRY_CONTAINER;
			mv_pool_submit(item->run->pool, mv_task_archive, item);
		}
	}
}

/* ---- one large file hashed with BLAKE3 alone: subtrees on every worker ---- */

/* The pieces of one file: each full piece but the last is a subtree of its own, hashed by any
 * worker; the last piece's hasher takes the others' chaining values when all are done. */
struct b3_split {
	struct mv_item *item;
	unsigned level;                  /* pieces of 2^level chunks */
	size_t npieces;                  /* whole pieces before the last */
	uint32_t (*cv)[8];
	struct mv_blake3 tail;
	atomic_size_t left;              /* piece tasks not finished */
	atomic_uint failed;
};

struct b3_job {
	struct b3_split *sp;
	size_t k;                        /* piece index; npieces is the last piece */
};

/* Pieces of at least 4 MiB, and about eight per worker so that the workers finish
 * together whatever else the queue holds. */
#define B3_PIECE_MIN_LEVEL 12
#define B3_PIECE_MAX_LEVEL 18

static unsigned
b3_piece_level(uint64_t size, unsigned jobs)
{
	unsigned level = B3_PIECE_MIN_LEVEL;

	while (level < B3_PIECE_MAX_LEVEL &&
	    ((uint64_t)MV_BLAKE3_CHUNK << (level + 1)) * 8 * jobs <= size)
		level++;
	return level;
}

static void
b3_join(struct b3_split *sp)
{
	struct mv_item *item = sp->item;

	if (atomic_load(&sp->failed) == 0 &&
	    mv_blake3_join(&sp->tail, (const uint32_t (*)[8])sp->cv, sp->npieces, sp->level) ==
	    MV_OK) {
		memset(&item->top.digest[0], 0, sizeof(item->top.digest[0]));
		item->top.digest[0].alg = MV_HASH_BLAKE3;
		item->top.digest[0].len = MV_BLAKE3_OUT;
		mv_blake3_final(&sp->tail, item->top.digest[0].value);
		item->top.ndigest = 1;
	} else {
		atomic_fetch_add(&item->shard_errors, 1);
	}
	free(sp->cv);
	free(sp);
}

static void
task_b3_piece(void *arg)
{
	struct b3_job *j = arg;
	struct b3_split *sp = j->sp;
	struct mv_item *item = sp->item;
	uint64_t piece = (uint64_t)MV_BLAKE3_CHUNK << sp->level, off = j->k * piece;
	uint64_t end = j->k < sp->npieces ? off + piece : item->top.size;
	struct mv_blake3 *h = malloc(sizeof(*h));
	unsigned char *buf = mv_task_buf();
	int fd = -1, ok = 0;

	if (h == NULL || buf == NULL ||
	    (fd = open(item->fspath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		goto done;
	mv_blake3_init_at(h, (uint64_t)j->k << sp->level);
	ok = 1;
	while (off < end) {
		size_t n = end - off < MV_READ_BUF ? (size_t)(end - off) : MV_READ_BUF;

		if (mv_pread_full(fd, buf, n, off) != 0) {
			ok = 0;
			break;
		}
		mv_blake3_update(h, buf, n);
		off += n;
		atomic_fetch_add(&item->run->bytes_done, (uint64_t)n);
	}
	if (ok && j->k < sp->npieces)
		mv_blake3_subtree(h, sp->cv[j->k]);
	else if (ok)
		sp->tail = *h;
done:
	if (fd >= 0)
		close(fd);
	if (!ok)
		atomic_fetch_add(&sp->failed, 1);
	free(h);
	/* The last piece to finish, on whichever worker, puts the digest together. */
	if (atomic_fetch_sub(&sp->left, 1) == 1)
		b3_join(sp);
	free(j);
}

/* ---- the queue: whole files, shards and pieces, largest first ---- */

/* One unit of work; cancel undoes what queueing it would have done (out of memory). */
struct job {
	uint64_t bytes;
	size_t seq;
	mv_task_fn fn, cancel;
	void *arg;
};

struct jobs {
	struct job *v;
	size_t n, cap;
};

static mv_status
job_add(struct jobs *q, uint64_t bytes, mv_task_fn fn, mv_task_fn cancel, void *arg)
{
	if (MV_ARRAY_RESERVE(q->v, q->cap, q->n + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	q->v[q->n] = (struct job){.bytes = bytes, .seq = q->n, .fn = fn, .cancel = cancel,
	    .arg = arg};
	q->n++;
	return MV_OK;
}

static void
cancel_shard(void *arg)
{
	struct shard_job *j = arg;

	atomic_fetch_add(&j->item->shard_errors, 1);
	free(j);
}

static void
cancel_b3_piece(void *arg)
{
	struct b3_job *j = arg;

	atomic_fetch_add(&j->sp->failed, 1);
	if (atomic_fetch_sub(&j->sp->left, 1) == 1)
		b3_join(j->sp);
	free(j);
}

static mv_status
add_shards(struct mv_run *run, struct jobs *q, struct mv_item *item)
{
	uint64_t size = item->top.size, ss = run->shard_size;
	size_t n = (size_t)((size + ss - 1) / ss);
	struct mv_shard *v = calloc(n, sizeof(*v));
	mv_status st;

	if (v == NULL)
		return MV_ERR_NOMEM;
	for (size_t k = 0; k < n; k++) {
		v[k].start = k * ss;
		v[k].end = (k + 1) * ss < size ? (k + 1) * ss : size;
	}
	item->top.shard = v;
	item->top.nshard = n;
	if ((st = job_add(q, UINT64_MAX, task_sniff, NULL, item)) != MV_OK)
		return st;
	for (size_t k = 0; k < n; k++) {
		struct shard_job *j = malloc(sizeof(*j));

		if (j == NULL)
			return MV_ERR_NOMEM;
		j->item = item;
		j->k = k;
		if ((st = job_add(q, v[k].end - v[k].start, task_shard, cancel_shard, j)) != MV_OK) {
			free(j);
			return st;
		}
	}
	return MV_OK;
}

/* A file hashed with BLAKE3 alone and large enough for several pieces is spread over the
 * workers: every piece a job of its own. */
static int
b3_splits(const struct mv_run *run, const struct mv_item *item, unsigned jobs)
{
	return run->hashes == MV_HASH_BLAKE3 && run->shard_size == 0 && jobs > 1 &&
	    !(run->flags & MV_RUN_ANALYSE) && item->mem == NULL && item->expect == NULL &&
	    item->top.size > ((uint64_t)MV_BLAKE3_CHUNK << (B3_PIECE_MIN_LEVEL + 1));
}

static mv_status
add_b3_pieces(struct mv_run *run, struct jobs *q, struct mv_item *item, unsigned jobs)
{
	struct b3_split *sp = calloc(1, sizeof(*sp));
	uint64_t piece;
	mv_status st = MV_ERR_NOMEM;

	if (sp == NULL)
		return MV_ERR_NOMEM;
	sp->item = item;
	sp->level = b3_piece_level(item->top.size, jobs);
	piece = (uint64_t)MV_BLAKE3_CHUNK << sp->level;
	sp->npieces = (size_t)((item->top.size - 1) / piece);
	if ((sp->cv = calloc(sp->npieces, sizeof(*sp->cv))) == NULL) {
		free(sp);
		return MV_ERR_NOMEM;
	}
	if ((st = job_add(q, UINT64_MAX, task_sniff, NULL, item)) != MV_OK) {
		free(sp->cv);
		free(sp);
		return st;
	}
	/* Until every piece is queued, the split counts one more, so no piece can join it
	 * early; a piece that cannot be queued is counted as failed. */
	atomic_init(&sp->left, sp->npieces + 2);
	for (size_t k = 0; k <= sp->npieces; k++) {
		struct b3_job *j = malloc(sizeof(*j));
		uint64_t bytes = k < sp->npieces ? piece : item->top.size - k * piece;

		if (j == NULL || (st = job_add(q, bytes, task_b3_piece, cancel_b3_piece, j)) !=
		    MV_OK) {
			free(j);
			atomic_fetch_add(&sp->failed, 1);
			atomic_fetch_sub(&sp->left, sp->npieces + 1 - k);
			st = MV_ERR_NOMEM;
			break;
		}
		j->sp = sp;
		j->k = k;
		st = MV_OK;
	}
	if (atomic_fetch_sub(&sp->left, 1) == 1)
		b3_join(sp);
	return st;
}

/* ---- results ---- */

static void
progress_tick(void *arg)
{
	struct mv_run *run = arg;

	if (run->ctx->progress)
		run->ctx->progress(run->ctx->progress_arg, atomic_load(&run->bytes_done),
		    run->bytes_total, atomic_load(&run->entries));
}

static int
is_incomplete_rule(const char *rule)
{
	return strcmp(rule, mv_rule_id(MV_R_ANALYSIS_INCOMPLETE)) == 0 ||
	    strcmp(rule, mv_rule_id(MV_R_WALK_READ_ERROR)) == 0 ||
	    strncmp(rule, "limit.", 6) == 0;
}

static mv_status
assemble(struct mv_run *run, struct mv_result *res)
{
	size_t n = 0;

	for (size_t i = 0; i < run->nitems; i++)
		n += 1 + run->items[i]->members.n;
	if (n && (res->ent = calloc(n, sizeof(*res->ent))) == NULL)
		return MV_ERR_NOMEM;
	for (size_t i = 0; i < run->nitems; i++) {
		struct mv_item *item = run->items[i];
		mv_status st;

		if (atomic_load(&item->shard_errors)) {
			item->top.flags |= MV_ENTRY_INCOMPLETE;
			mv_findings_add(&item->raw, MV_R_WALK_READ_ERROR, item->top.path, -1,
			    "%u part(s) of the file (shards, or BLAKE3 pieces) could not be read",
			    atomic_load(&item->shard_errors));
		}
		res->ent[res->nent++] = item->top;
		memset(&item->top, 0, sizeof(item->top));
		for (size_t k = 0; k < item->members.n; k++)
			res->ent[res->nent++] = item->members.v[k];
		item->members.n = 0;
		if ((st = mv_findings_move(&res->findings, &item->walk)) != MV_OK ||
		    (st = mv_findings_move(&res->findings, &item->raw)) != MV_OK ||
		    (st = mv_findings_move(&res->findings, &item->sub)) != MV_OK)
			return st;
	}
	if (mv_findings_move(&res->findings, &run->run_findings) != MV_OK)
		return MV_ERR_NOMEM;
	for (size_t i = 0; i < res->nent; i++)
		if (res->ent[i].flags & MV_ENTRY_INCOMPLETE)
			res->incomplete = 1;
	for (size_t i = 0; i < res->findings.n; i++)
		if (is_incomplete_rule(res->findings.v[i].rule))
			res->incomplete = 1;
	return MV_OK;
}

/* Larger jobs first, so the last job to finish is a small one and no worker idles while
 * another hashes a big file alone: whole files, shards and BLAKE3 pieces of every file in one
 * order. Sniffing and streams (of unknown size) go first. The result keeps walk order
 * whatever the schedule. */
static int
cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static mv_status
submit_all(struct mv_run *run, unsigned jobs)
{
	struct jobs q = {0};
	mv_status st = MV_OK;
	size_t i;

	for (i = 0; i < run->nitems && st == MV_OK; i++) {
		struct mv_item *item = run->items[i];

		if (item->stream)
			st = job_add(&q, UINT64_MAX, mv_task_stream, NULL, item);
		else if (item->remote)
			st = job_add(&q, item->top.size, mv_task_remote, NULL, item);
		else if (item->top.type != MV_ENTRY_FILE || (item->fspath == NULL &&
		    item->mem == NULL))
			continue;
		else if (run->shard_size && !(run->flags & MV_RUN_ANALYSE) && item->mem == NULL &&
		    item->top.size > run->shard_size && item->expect == NULL)
			st = add_shards(run, &q, item);
		else if (b3_splits(run, item, jobs))
			st = add_b3_pieces(run, &q, item, jobs);
		else
			st = job_add(&q, item->top.size, mv_task_file, NULL, item);
	}
	if (q.n > 1)
		qsort(q.v, q.n, sizeof(*q.v), cmp_job);
	for (i = 0; i < q.n && st == MV_OK; i++)
		st = mv_pool_submit(run->pool, q.v[i].fn, q.v[i].arg);
	if (st != MV_OK && i > 0)
		i--;
	for (; i < q.n; i++)
		if (q.v[i].cancel)
			q.v[i].cancel(q.v[i].arg);
	free(q.v);
	return st;
}

/* Where a path input came from: a cache snapshot or a file or folder in one (the path
 * resolved up to its last part, which may be a link into blobs/). */
static struct mv_source *
source_of(const char *input)
{
	char *copy = mv_strdup(input), *dir, *real = NULL, *full = NULL;
	struct mv_source *s = NULL;
	struct stat st;

	if (copy == NULL || lstat(input, &st) != 0)
		goto done;
	if (S_ISDIR(st.st_mode)) {
		real = realpath(input, NULL);
		s = real ? mv_hf_source_of(real) : NULL;
		goto done;
	}
	dir = dirname(copy);
	if ((real = realpath(dir, NULL)) != NULL &&
	    (full = mv_path_join(real, mv_base_name(input))) != NULL)
		s = mv_hf_source_of(full);
done:
	free(copy);
	free(real);
	free(full);
	return s;
}

/* One run over the inputs, or over mem (when not NULL) as the one input inputs[0]. */
static mv_status
run_inputs(struct mv_ctx *ctx, const char *const *inputs, size_t ninputs, const void *mem,
    size_t memlen, struct mv_result **out)
{
	struct mv_run run;
	struct mv_feedcfg feed;
	struct mv_sink sink;
	struct mv_result *res = NULL;
	struct mv_remote **remotes = NULL;       /* of oci:// inputs, read by the items */
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	unsigned jobs = ctx->jobs ? ctx->jobs : mv_cpu_count();
	int nstdin = 0, entered = 0;
	mv_status st;

	*out = NULL;
	memset(&run, 0, sizeof(run));
	run.ctx = ctx;
	run.limit = ctx->limit;
	run.hashes = ctx->hashes;
	run.shard_size = ctx->shard_size;
	run.flags = ctx->flags;
	run.jobs = jobs;
	run.run_lock = &lock;
	mv_run_start_clock(&run);
	feed = (struct mv_feedcfg){
		.hashes = ctx->hashes, .shard_size = ctx->shard_size,
		.analyse = (ctx->flags & MV_RUN_ANALYSE) != 0, .limit = ctx->limit,
		.sigdir = mv_ctx_signatures(ctx),
	};
	mv_feed_sink(&sink, &feed);
	run.sink = &sink;
	if (ninputs == 0)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "no input given");
	if ((st = mv_digest_global_init()) != MV_OK)
		return mv_ctx_fail(ctx, st, "OpenSSL provides no SHA-2 or BLAKE2b digests");
	if ((run.hashes & MV_HASH_BLAKE3) && (st = mv_blake3_global_init()) != MV_OK)
		return mv_ctx_fail(ctx, st, "MAVIS_BLAKE3_IMPL names a BLAKE3 implementation this "
		    "CPU or build cannot run (portable, sse41, avx2, avx512)");
	if ((res = calloc(1, sizeof(*res))) == NULL ||
	    (remotes = calloc(ninputs, sizeof(*remotes))) == NULL ||
	    (res->inputs = calloc(ninputs, sizeof(char *))) == NULL ||
	    (res->sources = calloc(ninputs, sizeof(*res->sources))) == NULL ||
	    (res->remote = calloc(ninputs, 1)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < ninputs; i++) {
		if (strcmp(inputs[i], "-") == 0 && nstdin++) {
			st = mv_ctx_fail(ctx, MV_ERR_USAGE, "standard input named more than once");
			goto done;
		}
		res->ninputs++;
		if (strcmp(inputs[i], "-") == 0) {
			/* Standard input, under the name mv_ctx_set_stdin_name gave it. */
			res->stdin_input = i + 1;
			res->inputs[i] = mv_strdup(ctx->stdin_name ? ctx->stdin_name : "-");
		} else if (mem == NULL && mv_registry_is_uri(inputs[i])) {
			/* oci://HOST/REPO[:TAG|@DIGEST]: its manifests fetched now, checked by
			 * digest; its blobs streamed by the workers. */
			/* One set of credentials is for one registry, never sent to another. */
			for (size_t k = 0; k < i && ctx->registry_auth; k++)
				if (remotes[k] && !mv_registry_same_host(inputs[k], inputs[i])) {
					st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: credentials are given "
					    "for one registry, and %s is another", inputs[i],
					    remotes[k]->origin);
					goto done;
				}
			if ((st = mv_registry_pull(ctx, inputs[i], &remotes[i])) != MV_OK)
				goto done;
			res->remote[i] = 1;
			res->inputs[i] = mv_strdup(inputs[i]);
		} else if (mem == NULL && mv_hf_is_uri(inputs[i])) {
			/* hf://ORG/NAME[@REVISION]: the snapshot it names in the local cache. */
			if ((st = mv_hf_resolve(ctx, inputs[i], &res->sources[i])) != MV_OK)
				goto done;
			res->inputs[i] = mv_strdup(res->sources[i]->path);
		} else {
			res->inputs[i] = mv_strdup(inputs[i]);
		}
		if (res->inputs[i] == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
		if (mem == NULL && res->sources[i] == NULL && strcmp(inputs[i], "-") != 0 &&
		    remotes[i] == NULL)
			res->sources[i] = source_of(inputs[i]);
	}
	/* Walk every input first: the totals drive the progress bar, and a missing input stops
	 * the run before any work. Entries point at the result's copy of their input. */
	if (mem) {
		struct mv_item *item = mv_item_new(res->inputs[0], res->inputs[0], res->inputs[0],
		    NULL);

		if (item == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
		item->top.type = MV_ENTRY_FILE;
		item->top.size = memlen;
		item->mem = mem;
		item->memlen = memlen;
		if ((st = mv_run_add_item(&run, item)) != MV_OK) {
			st = mv_ctx_fail(ctx, st, "out of memory");
			goto done;
		}
	}
	for (size_t i = 0; i < ninputs && mem == NULL; i++)
		if ((st = remotes[i] ? mv_walk_remote(&run, res->inputs[i], remotes[i]) :
		    mv_walk_input(&run, res->inputs[i], res->stdin_input == i + 1)) != MV_OK)
			goto done;
	if ((run.flags & MV_RUN_ANALYSE) && (feed.pkg = mv_pkg_new()) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (run.flags & MV_RUN_ANALYSE) {
		/* The lists the analysers get stay valid until this run ends, whatever reloads. */
		mv_sigcache_enter();
		entered = 1;

		/* Never analyse without the lists that say what is safe: fail the run instead. */
		if ((st = mv_analysis_prepare(ctx)) != MV_OK)
			goto done;
	}
	if ((st = mv_pool_new(jobs, SIZE_MAX, &run.pool)) != MV_OK) {
		st = mv_ctx_fail(ctx, st, "cannot start worker threads");
		goto done;
	}
	st = submit_all(&run, jobs);
	mv_pool_wait(run.pool, 250, progress_tick, &run);
	if (st != MV_OK) {
		st = mv_ctx_fail(ctx, st, "cannot queue work: %s", mv_strerror(st));
		goto done;
	}
	progress_tick(&run);
	if ((st = assemble(&run, res)) != MV_OK) {
		st = mv_ctx_fail(ctx, st, "out of memory");
		goto done;
	}
	/* Post-walk hook of the analysers (scan/analyse.h): references from one file to another
	 * (ONNX external data, safetensors shards) can only be checked once every entry is known. */
	if (feed.pkg && (st = mv_pkg_check(feed.pkg, res->ent, res->nent, &res->findings)) != MV_OK) {
		st = mv_ctx_fail(ctx, st, "out of memory");
		goto done;
	}
	*out = res;
	res = NULL;
done:
	mv_pool_free(run.pool);
	if (entered)
		mv_sigcache_leave();
	for (size_t i = 0; i < run.nitems; i++)
		mv_item_free(run.items[i]);
	free(run.items);
	for (size_t i = 0; i < run.nowned; i++)
		run.owned[i]->free(run.owned[i]);
	free(run.owned);
	mv_findings_free(&run.run_findings);
	mv_pkg_free(feed.pkg);
	mv_result_free(res);
	for (size_t i = 0; remotes && i < ninputs; i++)
		if (remotes[i])
			remotes[i]->free(remotes[i]);
	free(remotes);
	return st;
}

mv_status
mv_run(struct mv_ctx *ctx, const char *const *inputs, size_t ninputs, struct mv_result **out)
{
	return run_inputs(ctx, inputs, ninputs, NULL, 0, out);
}

mv_status
mv_run_memory(struct mv_ctx *ctx, const char *name, const void *p, size_t n,
    struct mv_result **out)
{
	static const unsigned char none[1];

	return run_inputs(ctx, &name, 1, p ? p : none, n, out);
}
