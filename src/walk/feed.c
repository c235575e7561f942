/* SPDX-License-Identifier: Apache-2.0 */
/* feed.c: the one pass over an entry's bytes: digests, shard digests and the analyser. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/str.h"
#include "walk/walk.h"

mv_status
mv_feed_init(struct mv_feed *f, struct mv_run *run)
{
	memset(f, 0, sizeof(*f));
	f->shard_size = run->shard_size;
	return mv_digester_init(&f->dg, run->hashes);
}

void
mv_feed_analyse(struct mv_feed *f, struct mv_run *run, const struct mv_actx *a)
{
	if (!(run->flags & MV_RUN_ANALYSE))
		return;
	f->analysing = mv_analysis_begin(&f->an, a);
}

/* Close the current shard: its digests go to the shard list and the digester restarts. */
static mv_status
close_shard(struct mv_feed *f)
{
	struct mv_shard *s;

	if (f->nshard == f->shardcap) {
		size_t ncap = f->shardcap ? f->shardcap * 2 : 8;
		struct mv_shard *v = realloc(f->shards, ncap * sizeof(*v));

		if (v == NULL)
			return MV_ERR_NOMEM;
		f->shards = v;
		f->shardcap = ncap;
	}
	s = &f->shards[f->nshard++];
	memset(s, 0, sizeof(*s));
	s->start = f->pos - f->shard_pos;
	s->end = f->pos;
	mv_digester_final(&f->dg, s->digest);
	f->shard_pos = 0;
	return mv_digester_reset(&f->dg);
}

mv_status
mv_feed_data(struct mv_feed *f, const unsigned char *p, size_t n)
{
	mv_status st;

	if (f->analysing)
		mv_analysis_feed(&f->an, p, n);
	if (f->shard_size == 0) {
		f->pos += n;
		if ((st = mv_digester_update(&f->dg, p, n)) != MV_OK)
			f->failed = 1;
		return st;
	}
	while (n > 0) {
		uint64_t room = f->shard_size - f->shard_pos;
		size_t take = n < room ? n : (size_t)room;

		if ((st = mv_digester_update(&f->dg, p, take)) != MV_OK) {
			f->failed = 1;
			return st;
		}
		p += take;
		n -= take;
		f->pos += take;
		f->shard_pos += take;
		if (f->shard_pos == f->shard_size && (st = close_shard(f)) != MV_OK) {
			f->failed = 1;
			return st;
		}
	}
	return MV_OK;
}

mv_status
mv_feed_finish(struct mv_feed *f, struct mv_entry *e, int complete)
{
	mv_status st = MV_OK;

	if (f->analysing)
		mv_analysis_end(&f->an, complete);
	f->analysing = 0;
	if (!complete || f->failed) {
		e->flags |= MV_ENTRY_INCOMPLETE;
		return f->failed ? MV_ERR_CRYPTO : MV_OK;
	}
	e->size = f->pos;
	if (f->shard_size == 0) {
		e->ndigest = mv_digester_final(&f->dg, e->digest);
		return MV_OK;
	}
	/* Zero-length files have no shards, as the OpenSSF Model Signing format requires. */
	if (f->shard_pos > 0)
		st = close_shard(f);
	e->shard = f->shards;
	e->nshard = f->nshard;
	f->shards = NULL;
	f->nshard = f->shardcap = 0;
	return st;
}

void
mv_feed_free(struct mv_feed *f)
{
	if (f->analysing)
		mv_analysis_end(&f->an, 0);
	mv_digester_free(&f->dg);
	free(f->shards);
	f->shards = NULL;
}

mv_status
mv_recs_push(struct mv_recs *r, const struct mv_entry *e)
{
	if (r->n == r->cap) {
		size_t ncap = r->cap ? r->cap * 2 : 16;
		struct mv_entry *v = realloc(r->v, ncap * sizeof(*v));

		if (v == NULL)
			return MV_ERR_NOMEM;
		r->v = v;
		r->cap = ncap;
	}
	r->v[r->n++] = *e;
	return MV_OK;
}

void
mv_entry_clear(struct mv_entry *e)
{
	free(mv_unconst(e->path));
	free(mv_unconst(e->name));
	free(mv_unconst(e->link));
	free(mv_unconst(e->title));
	free(mv_unconst(e->shard));
	/* input and format point at strings owned elsewhere. */
	memset(e, 0, sizeof(*e));
}

void
mv_recs_free(struct mv_recs *r)
{
	for (size_t i = 0; i < r->n; i++)
		mv_entry_clear(&r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}
