/* analyse.h: how content analysers plug into the single read pass over every entry. */
#ifndef MV_SCAN_ANALYSE_H
#define MV_SCAN_ANALYSE_H

#include <stddef.h>
#include <stdint.h>
#include "mavis.h"
#include "core/finding.h"
#include "walk/sniff.h"

/* What an analyser knows about the entry it reads. Valid from begin to end. */
struct mv_actx {
	const char *path;             /* displayed entry path, for findings */
	const char *name;             /* name inside its archive, or relative to the input root */
	enum mv_format format;        /* recognised from the first bytes */
	enum mv_format parent;        /* format of the enclosing archive, or MV_FMT_UNKNOWN */
	const char *parent_path;      /* displayed path of that archive, or NULL */
	uint64_t size;                /* declared size in bytes, UINT64_MAX when unknown */
	unsigned depth;               /* archive nesting */
	const uint64_t *limit;        /* limits, indexed by enum mv_limit */
	const unsigned char *head;    /* the first bytes of the entry */
	size_t headlen;
	struct mv_findings *findings; /* where findings go */
};

/*
 * One analyser per format family. The walker offers every entry to every analyser's claim in
 * table order; the first that claims it gets begin, then feed with every byte of the entry in
 * order (in chunks of any size), then end. An analyser never reads on its own, so each byte is
 * read once, in the same pass as the digests.
 */
struct mv_analyser {
	const char *name;
	int (*claim)(const struct mv_actx *a);
	void *(*begin)(const struct mv_actx *a);
	/* A non-MV_OK return means the analyser has seen enough; no more bytes are fed. */
	mv_status (*feed)(void *state, const unsigned char *p, size_t n);
	/* complete is 0 when the stream broke off before its end. Findings go to a->findings. */
	void (*end)(void *state, int complete);
	void (*free)(void *state);
};

/* The analysis of one entry: the chosen analyser and its state. */
struct mv_analysis {
	const struct mv_analyser *an;
	void *state;
	struct mv_actx actx;
	int stopped;
};

/* Find an analyser for the entry described by a (copied into an); 0 when none claims it. */
int mv_analysis_begin(struct mv_analysis *an, const struct mv_actx *a);
void mv_analysis_feed(struct mv_analysis *an, const unsigned char *p, size_t n);
void mv_analysis_end(struct mv_analysis *an, int complete);

#endif
