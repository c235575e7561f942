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
