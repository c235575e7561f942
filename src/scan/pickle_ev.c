/* SPDX-License-Identifier: Apache-2.0 */
/* pickle_ev.c: what a pickle imports and calls, judged by the callable policy and reported
 * once per callable and stream, with the call's literal arguments as evidence. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/str.h"
#include "scan/pickle_int.h"

static uint64_t
hash2(const char *a, size_t an, const char *b, size_t bn)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < an; i++) {
		h ^= (unsigned char)a[i];
		h *= 1099511628211ULL;
	}
	h ^= 0xff;
	h *= 1099511628211ULL;
	for (size_t i = 0; i < bn; i++) {
		h ^= (unsigned char)b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

const struct imp *
mv_pk_imp(const struct mv_pickle *m, const struct cell *c)
{
	if ((c->t != C_REF && c->t != C_CALL) || c->imp == 0 || c->imp > m->nimp)
		return NULL;
	return &m->imps[c->imp - 1];
}

void
mv_pk_imports_free(struct mv_pickle *m)
{
	for (size_t i = 0; i < m->nimp; i++) {
		free(m->imps[i].module);
		free(m->imps[i].name);
	}
	free(m->imps);
	free(m->ihash);
	free(m->touched);
	m->imps = NULL;
	m->ihash = m->touched = NULL;
	m->nimp = m->impcap = m->ihcap = m->ntouched = m->tcap = 0;
}

static int
rehash(struct mv_pickle *m, size_t cap)
{
	uint32_t *h = calloc(cap, sizeof(*h));

	if (h == NULL)
		return -1;
	for (size_t i = 0; i < m->nimp; i++) {
		struct imp *r = &m->imps[i];
		size_t b = hash2(r->module, r->mlen, r->name, r->nlen) & (cap - 1);

		r->hnext = h[b];
		h[b] = (uint32_t)(i + 1);
	}
	free(m->ihash);
	m->ihash = h;
	m->ihcap = cap;
	return 0;
}

static void
touch(struct mv_pickle *m, uint32_t idx, uint64_t off)
{
	struct imp *r = &m->imps[idx];

	if (r->stream == m->stream && r->state != 0)
		return;
	r->stream = m->stream;
	r->state = 1;
	r->off = off;
	if (MV_ARRAY_RESERVE(m->touched, m->tcap, m->ntouched + 1, SIZE_MAX) != 0) {
		/* Report it now rather than lose it. */
		r->state = 2;
		return;
	}
	m->touched[m->ntouched++] = idx;
}

uint32_t
mv_pk_import(struct mv_pickle *m, uint64_t off, const char *mod, size_t mlen, int mtrunc,
    const char *name, size_t nlen, int ntrunc)
{
	uint64_t h = hash2(mod, mlen, name, nlen);
	struct imp *r;

	if (m->ihcap) {
		for (uint32_t i = m->ihash[h & (m->ihcap - 1)]; i; i = m->imps[i - 1].hnext) {
			r = &m->imps[i - 1];
			if (r->mlen == mlen && r->nlen == nlen && memcmp(r->module, mod, mlen) == 0 &&
			    memcmp(r->name, name, nlen) == 0) {
				touch(m, i - 1, off);
				return i;
			}
		}
	}
	if (m->nimp >= IMP_MAX) {
		mv_pk_stop(m, MV_R_PICKLE_LIMIT_GLOBALS, off, "more than %u distinct globals; the "
		    "rest of the entry is not analysed", IMP_MAX);
		return 0;
	}
	if (MV_ARRAY_RESERVE(m->imps, m->impcap, m->nimp + 1, IMP_MAX) != 0)
		goto nomem;
	if (m->nimp * 2 >= m->ihcap && rehash(m, m->ihcap ? m->ihcap * 2 : 64) != 0)
		goto nomem;
	r = &m->imps[m->nimp];
	memset(r, 0, sizeof(*r));
	if ((r->module = mv_strndup(mod, mlen)) == NULL || (r->name = mv_strndup(name, nlen)) ==
	    NULL) {
		free(r->module);
		goto nomem;
	}
	r->mlen = mlen;
	r->nlen = nlen;
	/* A name cut short cannot be judged: the judgement treats overlong names as unsafe. */
	mv_pypolicy_judge(m->o.policy, mod, mtrunc ? 1000 : mlen, name, ntrunc ? 1000 : nlen,
	    &r->j);
	if (strcmp(r->j.module, "numpy") == 0 && strcmp(r->j.name, "dtype") == 0)
		r->special = IMP_DTYPE;
	if (strcmp(r->j.module, "joblib.numpy_pickle") == 0 &&
	    strcmp(r->j.name, "NumpyArrayWrapper") == 0)
		r->special = IMP_WRAPPER;
	if (strcmp(r->j.module, "functools") == 0 && strcmp(r->j.name, "partial") == 0)
		r->special = IMP_PARTIAL;
	if (strcmp(r->j.module, "builtins") == 0 && strcmp(r->j.name, "getattr") == 0)
		r->special = IMP_GETATTR;
	if (mtrunc || ntrunc) {
		r->special = 0;
		r->j.verdict = MV_PY_DENIED;
		r->j.severity = MV_SEV_CRITICAL;
		r->j.reason = "a name too long to judge";
	}
	{
		size_t b = h & (m->ihcap - 1);

		r->hnext = m->ihash[b];
		m->ihash[b] = (uint32_t)(m->nimp + 1);
	}
	m->nimp++;
	touch(m, (uint32_t)(m->nimp - 1), off);
	return (uint32_t)m->nimp;
nomem:
	mv_pk_stop(m, MV_R_ANALYSIS_INCOMPLETE, off, "out of memory recording imports");
	return 0;
}

static enum mv_rule
rule_of(const struct mv_pyjudgement *j)
{
	switch (j->verdict) {
	case MV_PY_DENIED:
		return j->severity >= MV_SEV_CRITICAL ? MV_R_PICKLE_GLOBAL_DENIED :
		    j->severity == MV_SEV_HIGH ? MV_R_PICKLE_GLOBAL_RISKY :
		    MV_R_PICKLE_GLOBAL_UNKNOWN;
	case MV_PY_DOTTED:
		return MV_R_PICKLE_GLOBAL_DOTTED;
	case MV_PY_PRIVATE:
		return MV_R_PICKLE_GLOBAL_PRIVATE;
	default:
		return MV_R_PICKLE_GLOBAL_UNKNOWN;
	}
}

/* "os.system", or "posix.system (os.system)" when the pickle used another name for it. */
static void
callable_name(const struct imp *r, char *buf, size_t cap)
{
	if (r->j.renamed)
		snprintf(buf, cap, "%.*s.%.*s (%.120s.%.120s)", (int)(r->mlen > 120 ? 120 : r->mlen),
		    r->module, (int)(r->nlen > 120 ? 120 : r->nlen), r->name, r->j.module,
		    r->j.name);
	else
		snprintf(buf, cap, "%.120s.%.120s", r->j.module, r->j.name);
}

/* For a callable on neither list, or a walk off the allowlist: the policy line that allows
 * it (see MV_ALLOW_HINT). */
static void
allow_hint(const struct mv_pyjudgement *j, char *buf, size_t cap)
{
	char name[520];

	buf[0] = '\0';
	if (!(j->verdict == MV_PY_UNKNOWN && strcmp(j->reason, MV_PY_REASON_UNKNOWN) == 0) &&
	    j->verdict != MV_PY_DOTTED)
		return;
	snprintf(name, sizeof(name), "%s.%s", j->module, j->name);
	snprintf(buf, cap, MV_ALLOW_HINT, name);
}

static size_t
add(char *buf, size_t cap, size_t k, const char *s, size_t n)
{
	if (k >= cap)
		return k;
	if (n > cap - 1 - k)
		n = cap - 1 - k;
	memcpy(buf + k, s, n);
	buf[k + n] = '\0';
	return k + n;
}

size_t
mv_pk_repr(const struct mv_pickle *m, const struct cell *c, char *buf, size_t cap, int depth)
{
	char tmp[512];
	size_t k = 0;
	const struct imp *r;

	if (cap == 0)
		return 0;
	buf[0] = '\0';
	switch (c->t) {
	case C_NONE:
		return add(buf, cap, 0, "None", 4);
	case C_BOOL:
		return c->u.i ? add(buf, cap, 0, "True", 4) : add(buf, cap, 0, "False", 5);
	case C_INT:
		if (c->fl & CF_MAGIC)
			return add(buf, cap, 0, "0x1950a86a20f9469cfc6c", 22);
		if (c->fl & CF_BIG)
			return add(buf, cap, 0, "<large int>", 11);
		snprintf(tmp, sizeof(tmp), "%lld", (long long)c->u.i);
		return add(buf, cap, 0, tmp, strlen(tmp));
	case C_FLOAT:
		return add(buf, cap, 0, "<float>", 7);
	case C_STR:
	case C_BYTES: {
		size_t n = c->len > 120 ? 120 : c->len;

		if (c->fl & CF_OPAQUE)
			return add(buf, cap, 0, "<string>", 8);
		if (c->t == C_BYTES)
			k = add(buf, cap, k, "b", 1);
		k = add(buf, cap, k, "'", 1);
		/* Bytes go in as they are; the finding list escapes what is not printable. A NUL
		 * would end the evidence, so it is spelled out. */
		for (size_t i = 0; i < n; i++) {
			char ch = cell_str(c)[i];

			k = ch == '\0' ? add(buf, cap, k, "\\0", 2) : add(buf, cap, k, &ch, 1);
		}
		if (n < c->len || (c->fl & CF_TRUNC))
			k = add(buf, cap, k, "...", 3);
		return add(buf, cap, k, "'", 1);
	}
	case C_REF:
		if ((r = mv_pk_imp(m, c)) == NULL)
			return add(buf, cap, 0, "<global>", 8);
		callable_name(r, tmp, sizeof(tmp));
		return add(buf, cap, 0, tmp, strlen(tmp));
	case C_CALL:
		if ((r = mv_pk_imp(m, c)) == NULL)
			return add(buf, cap, 0, "<result of a computed call>", 27);
		callable_name(r, tmp, sizeof(tmp));
		k = add(buf, cap, 0, tmp, strlen(tmp));
		return add(buf, cap, k, "(...)", 5);
	case C_PERSID:
		return add(buf, cap, 0, "<persistent object>", 19);
	case C_UNKNOWN:
		return add(buf, cap, 0, (c->fl & CF_EXT) ? "<extension registry object>" :
		    "<unknown value>", (c->fl & CF_EXT) ? 27 : 15);
	case C_TUPLE:
	case C_LIST:
	case C_DICT:
	case C_SET:
	case C_FROZENSET: {
		const char *open = c->t == C_TUPLE ? "(" : c->t == C_LIST ? "[" : c->t == C_DICT ?
		    "{" : c->t == C_SET ? "set(" : "frozenset(";
		const char *close = c->t == C_TUPLE ? ")" : c->t == C_LIST ? "]" : c->t == C_DICT ?
		    "}" : ")";
		const struct cobj *o = c->u.o;

		k = add(buf, cap, 0, open, strlen(open));
		if (o && depth < 2) {
			for (size_t i = 0; i < o->kept && i < 4; i++) {
				char sub[160];

				if (i)
					k = add(buf, cap, k, c->t == C_DICT && i % 2 ? ": " : ", ", 2);
				mv_pk_repr(m, &o->v[i], sub, sizeof(sub), depth + 1);
				k = add(buf, cap, k, sub, strlen(sub));
			}
			if (o->n > 4)
				k = add(buf, cap, k, ", ...", 5);
		} else if (o || (c->fl & CF_OPAQUE)) {
			k = add(buf, cap, k, "...", 3);
		}
		return add(buf, cap, k, close, strlen(close));
	}
	default:
		return add(buf, cap, 0, "<value>", 7);
	}
}

static void
args_repr(const struct mv_pickle *m, const struct cell *items, int n, char *buf, size_t cap)
{
	size_t k = add(buf, cap, 0, "(", 1);

	for (int i = 0; i < n && i < 4; i++) {
		char sub[200];

		if (i)
			k = add(buf, cap, k, ", ", 2);
		mv_pk_repr(m, &items[i], sub, sizeof(sub), 1);
		k = add(buf, cap, k, sub, strlen(sub));
	}
	if (n > 4)
		k = add(buf, cap, k, ", ...", 5);
	add(buf, cap, k, ")", 1);
}

int
mv_pk_partial_ok(const struct mv_pickle *m, const struct cell *items, int n)
{
	const struct imp *f = n >= 1 ? mv_pk_imp(m, &items[0]) : NULL;

	return f && items[0].t == C_REF && f->j.verdict == MV_PY_ALLOWED;
}

/*
 * Calls that are safe or not by their arguments. functools.partial of an allowlisted
 * callable only composes a call the allowlist permits (torchvision models keep
 * partial(nn.LayerNorm, eps=...) as an attribute); getattr(X, 'name') with literal
 * arguments is the attribute walk X.name, judged as a dotted name (Python 3.11 pickles
 * enum members this way). 1 when the call was judged here.
 */
static int
judged_by_args(struct mv_pickle *m, uint64_t off, const char *how, struct imp *r,
    const struct cell *items, int n)
{
	const struct imp *obj;
	struct mv_pyjudgement j;
	char walk[520], name[512], hint[600];
	const char *attr;

	if (r->special & IMP_PARTIAL) {
		if (!mv_pk_partial_ok(m, items, n))
			return 0;
		if (r->state != 2 || r->stream != m->stream)
			r->state = 3;
		r->stream = m->stream;
		return 1;
	}
	if (!(r->special & IMP_GETATTR) || n != 2 || items[0].t != C_REF ||
	    (obj = mv_pk_imp(m, &items[0])) == NULL || items[1].t != C_STR ||
	    (items[1].fl & (CF_TRUNC | CF_OPAQUE)))
		return 0;
	attr = cell_str(&items[1]);
	if (memchr(attr, '\0', items[1].len) != NULL)
		return 0;
	snprintf(walk, sizeof(walk), "%s.%.*s", obj->j.name, (int)items[1].len, attr);
	mv_pypolicy_judge(m->o.policy, obj->j.module, strlen(obj->j.module), walk, strlen(walk),
	    &j);
	if (r->state != 2 || r->stream != m->stream)
		r->state = 3;
	r->stream = m->stream;
	if (j.verdict == MV_PY_ALLOWED)
		return 1;
	snprintf(name, sizeof(name), "%.200s.%.200s", j.module, j.name);
	allow_hint(&j, hint, sizeof(hint));
	mv_pk_emit(m, rule_of(&j), off, "%s calls builtins.getattr, walking to %s: %s%s", how,
	    name, j.reason, hint);
	return 1;
}

void
mv_pk_call(struct mv_pickle *m, uint64_t off, const char *how, const struct cell *callee,
    const struct cell *items, int n)
{
	char name[512], args[600], what[512], hint[600];
	struct imp *r;

	if (callee->t == C_REF) {
		if (callee->imp == 0 || callee->imp > m->nimp)
			return;
		r = &m->imps[callee->imp - 1];
		if (r->j.verdict == MV_PY_ALLOWED || (r->state == 2 && r->stream == m->stream))
			return;
		if (r->special && judged_by_args(m, off, how, r, items, n))
			return;
		callable_name(r, name, sizeof(name));
		args_repr(m, items, n, args, sizeof(args));
		allow_hint(&r->j, hint, sizeof(hint));
		mv_pk_emit(m, rule_of(&r->j), off, "%s calls %s with %s: %s%s", how, name, args,
		    r->j.reason, hint);
		r->state = 2;
		r->stream = m->stream;
		return;
	}
	if (callee->t == C_UNKNOWN && (callee->fl & CF_EXT))
		return;
	mv_pk_repr(m, callee, what, sizeof(what), 0);
	args_repr(m, items, n, args, sizeof(args));
	if (callee->t == C_CALL || callee->t == C_UNKNOWN || callee->t == C_PERSID)
		mv_pk_emit(m, MV_R_PICKLE_CALLABLE_DYNAMIC, off, "%s calls a callable computed "
		    "while loading, %s, with %s", how, what, args);
	else
		mv_pk_emit(m, MV_R_PICKLE_STRUCTURE_INVALID, off, "%s calls %s, which is not "
		    "callable; CPython's loader stops here", how, what);
}

void
mv_pk_stream_flush(struct mv_pickle *m)
{
	for (size_t i = 0; i < m->ntouched; i++) {
		struct imp *r = &m->imps[m->touched[i]];
		char name[512], hint[600];

		if (r->state != 1 || r->stream != m->stream)
			continue;
		r->state = 2;
		if (r->j.verdict == MV_PY_ALLOWED)
			continue;
		callable_name(r, name, sizeof(name));
		allow_hint(&r->j, hint, sizeof(hint));
		mv_pk_emit(m, rule_of(&r->j), r->off, "imports %s (importing alone runs the "
		    "module's code): %s%s", name, r->j.reason, hint);
	}
	m->ntouched = 0;
}
