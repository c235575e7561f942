/* SPDX-License-Identifier: Apache-2.0 */
/* analyse.h: how content analysers plug into the single read pass over every entry. */
#ifndef MV_SCAN_ANALYSE_H
#define MV_SCAN_ANALYSE_H

#include <stddef.h>
#include <stdint.h>
#include "mavis.h"
#include "core/buf.h"
#include "core/finding.h"
#include "core/format.h"

struct mv_pkg;

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
	const char *sigdir;           /* signatures folder (mv_ctx_signatures), or NULL */
	struct mv_pkg *pkg;           /* references checked after the walk, or NULL */
};

/*
 * One analyser per format family. The walker offers every entry to every analyser's claim in
 * table order; each that claims it (up to MV_ANALYSERS_MAX) gets begin, then feed with every
 * byte of the entry in order (in chunks of any size), then end. More than one may claim an
 * entry because a file can be two formats at once (a safetensors file that is also a pickle),
 * and each reading must be checked. An analyser never reads on its own, so each byte is read
 * once, in the same pass as the digests.
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

#define MV_ANALYSERS_MAX 4

/* The analysis of one entry: the analysers that claimed it and their states. */
struct mv_analysis {
	size_t n;
	struct {
		const struct mv_analyser *an;
		void *state;
		int stopped;
	} run[MV_ANALYSERS_MAX];
	struct mv_actx actx;
};

/* Find the analysers for the entry described by a (copied into an); 0 when none claims it. */
int mv_analysis_begin(struct mv_analysis *an, const struct mv_actx *a);
void mv_analysis_feed(struct mv_analysis *an, const unsigned char *p, size_t n);
void mv_analysis_end(struct mv_analysis *an, int complete);
/* Read the signature files the analysers need (once per process) before any entry is
 * offered (those of ctx's signatures folder), so that a missing or broken file fails the
 * run rather than one entry; the context says why. */
mv_status mv_analysis_prepare(struct mv_ctx *ctx);

/*
 * Findings of one entry, at most MV_REPORT_MAX of each rule: a hostile file must not be able
 * to flood the report with a million copies of one finding. Embed one in an analyser's state.
 */
#define MV_REPORT_MAX 16
struct mv_report {
	const struct mv_actx *a;
	uint32_t count[MV_R__COUNT];
};
void mv_report_init(struct mv_report *r, const struct mv_actx *a);
void mv_report(struct mv_report *r, enum mv_rule rule, int64_t offset, const char *fmt, ...)
    MV_PRINTF(4, 5);
/* An entry kept whole for a parser that runs at its end, within --max-header: once the
 * entry outgrows that, the bytes are dropped, over is set and MV_ERR_LIMIT returned. */
struct mv_whole {
	struct mv_buf buf;
	int over;
};
void mv_whole_init(struct mv_whole *w, const struct mv_actx *a);
mv_status mv_whole_feed(struct mv_whole *w, const unsigned char *p, size_t n);
/* The bytes kept (never NULL; "" when there are none). */
const unsigned char *mv_whole_bytes(const struct mv_whole *w);

/* The last path component of an entry name ("a/b!/c/config.json" gives "config.json"). */
const char *mv_actx_base(const struct mv_actx *a);
/* True when the entry's base name ends with sfx (ASCII case-insensitive). */
int mv_actx_suffix(const struct mv_actx *a, const char *sfx);

/*
 * Package-level checks. Some facts need the whole package: an ONNX model names the files that
 * hold its external data, a sharded safetensors index names its shards. Analysers record such
 * references while they read (mv_pkg_refer, from any worker thread); after the walk, mv_run
 * calls mv_pkg_check once with every entry, and each reference whose target is missing, a
 * link, or shorter than needed becomes a finding.
 */
struct mv_pkgref_rules {
	enum mv_rule missing;   /* the target is not in the package */
	enum mv_rule link;      /* the target is a symlink or hard link */
	enum mv_rule range;     /* the target is shorter than the bytes the reference needs */
};
struct mv_pkg *mv_pkg_new(void);
void mv_pkg_free(struct mv_pkg *pkg);
/* The entry at from_path (displayed form) names target, a relative path with '/' separators
 * and no ".." taken from its folder; need is the bytes of target it reads (0: any size). */
mv_status mv_pkg_refer(struct mv_pkg *pkg, const struct mv_pkgref_rules *rules,
    const char *from_path, int64_t offset, const char *target, uint64_t need);
/* The opposite check: when target (as for mv_pkg_refer) is a file of the package, add a
 * finding of rule at from_path with the given evidence (a dataset script beside its card);
 * nothing when it is absent. */
mv_status mv_pkg_refer_present(struct mv_pkg *pkg, enum mv_rule rule, const char *from_path,
    int64_t offset, const char *target, const char *evidence);
/* The entry at path (displayed form) was claimed by an analyser: recognised content. */
void mv_pkg_claimed(struct mv_pkg *pkg, const char *path);
/* Resolve every reference against the entries of the run and add findings to out, and
 * content.unrecognised for each input with files no analyser recognised. */
mv_status mv_pkg_check(struct mv_pkg *pkg, const struct mv_entry *ent, size_t nent,
    struct mv_findings *out);

#endif
