/* SPDX-License-Identifier: Apache-2.0 */
/* pypolicy.h: which Python callables a model file may name, from the allow, deny and alias
 * lists of the signatures folder (pickle-allow.txt, pickle-deny.txt, pickle-alias.txt). */
#ifndef MV_SCAN_PYPOLICY_H
#define MV_SCAN_PYPOLICY_H

#include <stddef.h>
#include "mavis.h"

struct mv_pypolicy;

enum mv_pyverdict {
	MV_PY_ALLOWED = 0,  /* on the allowlist */
	MV_PY_UNKNOWN,      /* on neither list: high (fails the default policy) */
	MV_PY_PRIVATE,      /* a private top-level module (_posixsubprocess, ...): high */
	MV_PY_DOTTED,       /* an attribute walk (a dotted name) off the allowlist: high */
	MV_PY_DENIED        /* on the denylist, or a walk through a dunder attribute */
};

/* The reason of an MV_PY_UNKNOWN judgement of a plain Python name (one a policy line can
 * allow). */
#define MV_PY_REASON_UNKNOWN "not on the allowlist"

/* The judgement of one module/name pair. The canonical names are what the pair resolves to
 * after the alias list (posix -> os, __builtin__ -> builtins, Python 2 names -> Python 3). */
struct mv_pyjudgement {
	enum mv_pyverdict verdict;
	enum mv_severity severity;   /* of the denylist entry (critical or high), else by verdict */
	const char *reason;          /* of the matching entry, or a fixed text; never NULL */
	char module[256];            /* canonical module; truncated names end in "..." */
	char name[256];              /* canonical name */
	int renamed;                 /* the alias list changed module or name */
};

/*
 * The policy of folder dir (NULL: $MAVIS_SIGNATURES, else the installed folder), read and
 * checked on the first call and kept until mv_signatures_reload: later calls with the same
 * folder return the same policy, which is never changed, may be used from any thread, and
 * stays valid until the run that got it ends (core/sigcache.h). On failure err holds one
 * line naming the file (and line) at fault.
 */
MV_CHECK mv_status mv_pypolicy_get(const char *dir, const struct mv_pypolicy **out, char *err,
    size_t errlen);
/* Load a policy from the three files of dir without caching it (tests); free it after. */
MV_CHECK mv_status mv_pypolicy_load(const char *dir, struct mv_pypolicy **out, char *err,
    size_t errlen);
void mv_pypolicy_free(struct mv_pypolicy *p);

/* Judge module[0..mlen) / name[0..nlen), arbitrary bytes as a pickle names them. */
void mv_pypolicy_judge(const struct mv_pypolicy *p, const char *module, size_t mlen,
    const char *name, size_t nlen, struct mv_pyjudgement *out);

#endif
