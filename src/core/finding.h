/* SPDX-License-Identifier: Apache-2.0 */
/* finding.h: rule ids and the growable list of findings every stage appends to. */
#ifndef MV_CORE_FINDING_H
#define MV_CORE_FINDING_H

#include <stdarg.h>
#include "mavis.h"

enum mv_rule {
#define MV_RULE(e, id, sev) MV_R_##e,
#include "core/rules.def"
#undef MV_RULE
	MV_R__COUNT
};

const char *mv_rule_id(enum mv_rule r);
enum mv_severity mv_rule_severity(enum mv_rule r);
/* The rule with this id, or -1. */
int mv_rule_lookup(const char *id);

/* A finding about a callable outside the allowlist (pickle.global.unknown,
 * nemo.target.untrusted) ends with the policy line that allows it, which the judge reads
 * back: "... (policy line to allow it: 'allow global MODULE.NAME')". */
#define MV_ALLOW_GLOBAL "allow global "
#define MV_ALLOW_HINT " (policy line to allow it: '" MV_ALLOW_GLOBAL "%s')"

/* A list of findings. Not locked: each worker fills its own and the run merges them in walk
 * order, so the output does not depend on thread timing. */
struct mv_findings {
	struct mv_finding *v;
	size_t n, cap;
	size_t lost;    /* findings that could not be recorded (no memory): a run holding any
	                 * is incomplete and can never pass, whether or not a caller looked at
	                 * the status of the add */
};

/* Append a finding; the path is copied and the evidence is formatted then escaped to one
 * printable line. On allocation failure the finding is counted in fl->lost and MV_ERR_NOMEM
 * returned. */
mv_status mv_findings_add(struct mv_findings *fl, enum mv_rule r, const char *path, int64_t offset,
    const char *fmt, ...) MV_PRINTF(5, 6);
mv_status mv_findings_vadd(struct mv_findings *fl, enum mv_rule r, const char *path,
    int64_t offset, const char *fmt, va_list ap);
/* Move every finding of src to the end of dst, lost ones counted; src is left empty. When
 * dst cannot grow, src's findings are dropped and counted as lost in dst, and MV_ERR_NOMEM
 * is returned. */
mv_status mv_findings_move(struct mv_findings *dst, struct mv_findings *src);
/* True when fl holds a finding of rule r. */
int mv_findings_has(const struct mv_findings *fl, enum mv_rule r);
void mv_findings_free(struct mv_findings *fl);

#endif
