/* SPDX-License-Identifier: Apache-2.0 */
/* sink.h: where the walk hands the bytes of every entry it reads, in one pass. The walk reads
 * (files, archives, streams, remote blobs) and knows no stage; the pipeline (run/feed.c)
 * decides what the bytes go to: digests, shard digests, analysers. Not installed. */
#ifndef MV_CORE_SINK_H
#define MV_CORE_SINK_H

#include <stddef.h>
#include <stdint.h>

#include "mavis.h"
#include "core/finding.h"
#include "core/format.h"

/* What the walk knows of an entry once its first bytes are in. */
struct mv_entry_view {
	const char *path;             /* displayed entry path, for findings */
	const char *name;             /* name inside its archive, or relative to the input root */
	enum mv_format format;        /* recognised from the first bytes */
	enum mv_format parent;        /* format of the enclosing archive, or MV_FMT_UNKNOWN */
	const char *parent_path;      /* displayed path of that archive, or NULL */
	uint64_t size;                /* declared size in bytes, UINT64_MAX when unknown */
	unsigned depth;               /* archive nesting */
	const unsigned char *head;    /* the first bytes of the entry */
	size_t headlen;
	struct mv_findings *findings; /* where the entry's findings go (the reading task's) */
};

/*
 * For each entry the walk reads: begin once, data with every byte of the entry in order (in
 * blocks of any size, the first bytes included), end once. The walk holds state_size bytes
 * of state for the entry (aligned for any type, not cleared); begin sets them up.
 */
struct mv_sink {
	size_t state_size;
	/* MV_OK, or the entry is not read (and end is not called). */
	mv_status (*begin)(const struct mv_sink *s, void *state, const struct mv_entry_view *v);
	mv_status (*data)(void *state, const unsigned char *p, size_t n);
	/* What the bytes gave goes to e (digests, shards, size) when complete; e is marked
	 * incomplete otherwise. The state is released either way. */
	mv_status (*end)(void *state, struct mv_entry *e, int complete);
	void *arg;
};

#endif
