/* SPDX-License-Identifier: Apache-2.0 */
/* finding.c: the rule table compiled from rules.def, and lists of findings. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/finding.h"
#include "core/str.h"

static const struct {
	const char *id;
	enum mv_severity sev;
} rules[MV_R__COUNT] = {
#define MV_RULE(e, id, sev) [MV_R_##e] = {id, MV_SEV_##sev},
#include "core/rules.def"
#undef MV_RULE
};

const char *
mv_rule_id(enum mv_rule r)
{
	return (unsigned)r < MV_R__COUNT ? rules[r].id : "unknown";
}

enum mv_severity
mv_rule_severity(enum mv_rule r)
{
	return (unsigned)r < MV_R__COUNT ? rules[r].sev : MV_SEV_CRITICAL;
}

int
mv_rule_lookup(const char *id)
{
	for (int i = 0; i < MV_R__COUNT; i++)
		if (strcmp(rules[i].id, id) == 0)
			return i;
	return -1;
}

mv_status
mv_findings_vadd(struct mv_findings *fl, enum mv_rule r, const char *path, int64_t offset,
    const char *fmt, va_list ap)
{
	struct mv_finding *f;
	char *raw = NULL, *ev = NULL, *p = NULL;

	if (MV_ARRAY_RESERVE(fl->v, fl->cap, fl->n + 1, SIZE_MAX) != 0) {
		fl->lost++;
		return MV_ERR_NOMEM;
	}
	raw = mv_vasprintf(fmt, ap);
	if (raw)
		ev = mv_str_escape(raw, strlen(raw));
	p = mv_strdup(path ? path : "");
	free(raw);
	if (ev == NULL || p == NULL) {
		free(ev);
		free(p);
		fl->lost++;
		return MV_ERR_NOMEM;
	}
	f = &fl->v[fl->n++];
	f->rule = mv_rule_id(r);
	f->severity = mv_rule_severity(r);
	f->path = p;
	f->offset = offset;
	f->evidence = ev;
	return MV_OK;
}

mv_status
mv_findings_add(struct mv_findings *fl, enum mv_rule r, const char *path, int64_t offset,
    const char *fmt, ...)
{
	va_list ap;
	mv_status st;

	va_start(ap, fmt);
	st = mv_findings_vadd(fl, r, path, offset, fmt, ap);
	va_end(ap);
	return st;
}

mv_status
mv_findings_move(struct mv_findings *dst, struct mv_findings *src)
{
	dst->lost += src->lost;
	src->lost = 0;
	if (src->n == 0)
		return MV_OK;
	if (MV_ARRAY_RESERVE(dst->v, dst->cap, dst->n + src->n, SIZE_MAX) != 0) {
		dst->lost += src->n;
		mv_findings_free(src);
		return MV_ERR_NOMEM;
	}
	memcpy(dst->v + dst->n, src->v, src->n * sizeof(*src->v));
	dst->n += src->n;
	free(src->v);
	src->v = NULL;
	src->n = src->cap = 0;
	return MV_OK;
}

int
mv_findings_has(const struct mv_findings *fl, enum mv_rule r)
{
	const char *id = mv_rule_id(r);

	for (size_t i = 0; i < fl->n; i++)
		if (fl->v[i].rule == id)
			return 1;
	return 0;
}

void
mv_findings_free(struct mv_findings *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(mv_unconst(fl->v[i].path));
		free(mv_unconst(fl->v[i].evidence));
	}
	free(fl->v);
	fl->v = NULL;
	fl->n = fl->cap = fl->lost = 0;
}
