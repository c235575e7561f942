/* SPDX-License-Identifier: Apache-2.0 */
/* feed.c: the one pass over an entry's bytes: digests, shard digests and the analysers. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "hash/digest.h"
#include "run/feed.h"
#include "scan/analyse.h"

struct feed {
	struct mv_digester dg;
	struct mv_analysis an;
	int analysing;
	uint64_t pos;                    /* bytes fed */
	uint64_t shard_size;             /* 0: whole-entry digests */
	uint64_t shard_pos;              /* bytes into the current shard */
	struct mv_shard *shards;
	size_t nshard, shardcap;
	int failed;
};

static mv_status
feed_begin(const struct mv_sink *s, void *state, const struct mv_entry_view *v)
{
	const struct mv_feedcfg *cfg = s->arg;
	struct feed *f = state;
	mv_status st;

	memset(f, 0, sizeof(*f));
	f->shard_size = cfg->shard_size;
	if ((st = mv_digester_init(&f->dg, cfg->hashes)) != MV_OK)
		return st;
	if (cfg->analyse) {
		const struct mv_actx a = {
			.path = v->path, .name = v->name, .format = v->format, .parent = v->parent,
			.parent_path = v->parent_path, .size = v->size, .depth = v->depth,
			.limit = cfg->limit, .head = v->head, .headlen = v->headlen,
			.findings = v->findings, .sigdir = cfg->sigdir, .pkg = cfg->pkg,
		};

		f->analysing = mv_analysis_begin(&f->an, &a);
	}
	return MV_OK;
}

/* Close the current shard: its digests go to the shard list and the digester restarts. */
static mv_status
close_shard(struct feed *f)
{
	struct mv_shard *s;

	if (MV_ARRAY_RESERVE(f->shards, f->shardcap, f->nshard + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	s = &f->shards[f->nshard++];
	s->start = f->pos - f->shard_pos;
	s->end = f->pos;
	mv_digester_final(&f->dg, s->digest);
	f->shard_pos = 0;
	return mv_digester_reset(&f->dg);
}

static mv_status
feed_data(void *state, const unsigned char *p, size_t n)
{
	struct feed *f = state;
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

static mv_status
feed_end(void *state, struct mv_entry *e, int complete)
{
	struct feed *f = state;
	mv_status st = MV_OK;

	if (f->analysing)
		mv_analysis_end(&f->an, complete);
	if (!complete || f->failed) {
		e->flags |= MV_ENTRY_INCOMPLETE;
		st = f->failed ? MV_ERR_CRYPTO : MV_OK;
		goto done;
	}
	e->size = f->pos;
	if (f->shard_size == 0) {
		e->ndigest = mv_digester_final(&f->dg, e->digest);
		goto done;
	}
	/* Zero-length files have no shards, as the OpenSSF Model Signing format requires. */
	if (f->shard_pos > 0)
		st = close_shard(f);
	e->shard = f->shards;
	e->nshard = f->nshard;
	f->shards = NULL;
done:
	mv_digester_free(&f->dg);
	free(f->shards);
	return st;
}

void
mv_feed_sink(struct mv_sink *s, struct mv_feedcfg *cfg)
{
	s->state_size = sizeof(struct feed);
	s->begin = feed_begin;
	s->data = feed_data;
	s->end = feed_end;
	s->arg = cfg;
}
