/* SPDX-License-Identifier: Apache-2.0 */
/* feed.h: the pipeline's sink for the walk: every entry's bytes go, in one pass, to the
 * digests (whole or in shards) and to the analysers that claim it. Not installed. */
#ifndef MV_RUN_FEED_H
#define MV_RUN_FEED_H

#include <stdint.h>

#include "core/sink.h"

struct mv_pkg;

/* What every entry of one run is fed to. */
struct mv_feedcfg {
	unsigned hashes;           /* MV_HASH_* mask */
	uint64_t shard_size;       /* 0: whole-entry digests */
	int analyse;               /* run the analysers */
	const uint64_t *limit;     /* limits, indexed by enum mv_limit */
	const char *sigdir;        /* signatures folder, or NULL */
	struct mv_pkg *pkg;        /* references between files, checked after the walk */
};

/* A sink over cfg, which outlives the run. */
void mv_feed_sink(struct mv_sink *s, struct mv_feedcfg *cfg);

#endif
