/* SPDX-License-Identifier: Apache-2.0 */
/* nemo.c: NeMo model configs (model_config.yaml in a .nemo tar) and every other YAML config
 * (Hydra's config.yaml, Lightning's hparams.yaml): Hydra _target_ entries name callables
 * that hydra.utils.instantiate imports and calls when the model is restored or built. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/sigfile.h"
#include "core/str.h"
#include "scan/formats.h"
#include "scan/pypolicy.h"

#define ALLOW_FILE "nemo-targets-allow.txt"
#define DENY_FILE "nemo-targets-deny.txt"
#define MAX_ANCHORS 4096
#define MAX_EVENTS 10000000u

/* One open mapping or sequence, and what was seen in it so far. */
struct level {
	int mapping;
	int want_value;             /* the next node of a mapping is a value */
	char *key;                  /* the key whose value comes next, when a scalar */
	char *target;               /* the value of _target_ */
	uint64_t target_line;
	int partial;                /* _partial_: true */
	int args;                   /* _args_ present */
};

struct anchor {
	char *name;
	char *value;
};

struct nemo {
	struct mv_report rep;
	const struct mv_actx *a;
	struct mv_buf buf;
	int gave_up;
	const struct mv_siglist *allow, *deny;
	const struct mv_pypolicy *policy;
	struct level *lv;
	size_t depth, cap;
	struct anchor *anc;
	size_t nanc, anccap;
};

static int
nemo_claim(const struct mv_actx *a)
{
	return !mv_format_is_container(a->format) && (mv_actx_suffix(a, ".yaml") ||
	    mv_actx_suffix(a, ".yml"));
}

static void *
nemo_begin(const struct mv_actx *a)
{
	struct nemo *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	mv_buf_init(&s->buf, (size_t)a->limit[MV_LIMIT_HEADER]);
	return s;
}

static mv_status
nemo_feed(void *state, const unsigned char *p, size_t n)
{
	struct nemo *s = state;

	if (mv_buf_add(&s->buf, p, n) != MV_OK) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "YAML config larger than --max-header; its _target_ entries are not checked");
		mv_buf_free(&s->buf);
		s->gave_up = 1;
		return MV_ERR_LIMIT;
	}
	return MV_OK;
}

/*
 * Why Hydra's _locate, resolving t, would reach something no list vouches for, or NULL.
 * It imports the longest importable prefix and walks the rest as attributes, so where the
 * module ends cannot be told from the name: every tail of the path is judged as a path of
 * its own against both deny lists (nemo.utils.os.system reaches os.system), and the part
 * after an allowed prefix may neither walk past a class (Model.from_pretrained) nor
 * through a dunder attribute. *denied is set when the reason is a denied callable.
 */
static const char *
resolve(struct nemo *s, const char *t, size_t n, int *denied, char *why, size_t cap)
{
	struct mv_pyjudgement j;
	const char *hit, *dot, *allow;
	size_t start = 0, after;
	int cls = 0;

	*denied = 0;
	for (size_t k = 0; k <= n; k = (dot = memchr(t + k, '.', n - k)) ? (size_t)(dot - t) + 1 :
	    n + 1) {
		if ((hit = mv_siglist_match_dotted(s->deny, t + k, n - k)) != NULL) {
			*denied = 1;
			snprintf(why, cap, "matches %s", hit);
			return why;
		}
	}
	/* The pickle policy knows far more callables than the NeMo lists: judged as the first
	 * module with an attribute walk (every tail is tried) and as a module and its last
	 * name (re-exports are listed by module and name). */
	for (int split = 0; split < 2 && s->policy; split++) {
		dot = split ? memrchr(t, '.', n) : memchr(t, '.', n);
		if (dot == NULL)
			break;
		mv_pypolicy_judge(s->policy, t, (size_t)(dot - t), dot + 1, n - (size_t)(dot - t) - 1,
		    &j);
		if (j.verdict == MV_PY_DENIED) {
			*denied = 1;
			snprintf(why, cap, "%s", j.reason);
			return why;
		}
	}
	if ((allow = mv_siglist_match_dotted(s->allow, t, n)) == NULL) {
		snprintf(why, cap, "is outside the allowlist");
		return why;
	}
	after = strlen(allow);
	for (size_t k = after + 1; k < n; k = start + 1) {
		const char *part = t + k;
		size_t len = (dot = memchr(part, '.', n - k)) ? (size_t)(dot - part) : n - k;

		start = k + len;
		if (len > 4 && part[0] == '_' && part[1] == '_' && part[len - 2] == '_' &&
		    part[len - 1] == '_') {
			*denied = 1;
			snprintf(why, cap, "walks through the dunder attribute %.*s", (int)len, part);
			return why;
		}
		if (cls) {
			snprintf(why, cap, "walks past a class of %s into its attribute %.*s", allow,
			    (int)len, part);
			return why;
		}
		cls = part[0] >= 'A' && part[0] <= 'Z';
	}
	return NULL;
}

static void
judge_target(struct nemo *s, const struct level *l)
{
	const char *t = l->target;
	size_t n = strlen(t);
	const char *how = l->partial ? " (as a partial: called later)" : l->args ?
	    " (called with _args_)" : "";
	char why[300], hint[600];
	int denied;

	if (resolve(s, t, n, &denied, why, sizeof(why)) == NULL)
		return;
	if (denied) {
		mv_report(&s->rep, MV_R_NEMO_TARGET_DENIED, -1,
		    "line %llu: _target_ '%s' (%s) runs code or reaches files or the network%s",
		    (unsigned long long)l->target_line, t, why, how);
		return;
	}
	hint[0] = '\0';
	if (mv_pyname_valid(t, n) && memchr(t, '.', n) != NULL)
		snprintf(hint, sizeof(hint), MV_ALLOW_HINT, t);
	mv_report(&s->rep, MV_R_NEMO_TARGET_UNTRUSTED, -1, "line %llu: _target_ '%s' %s%s%s",
	    (unsigned long long)l->target_line, t, why, how, hint);
}

static void
level_clear(struct level *l)
{
	free(l->key);
	free(l->target);
	memset(l, 0, sizeof(*l));
}

static int
push(struct nemo *s, int mapping)
{
	if (MV_ARRAY_RESERVE(s->lv, s->cap, s->depth + 1, SIZE_MAX) != 0)
		return -1;
	memset(&s->lv[s->depth], 0, sizeof(s->lv[0]));
	s->lv[s->depth].mapping = mapping;
	s->depth++;
	return 0;
}

/* A node ended inside the current level: a mapping alternates between keys and values. */
static void
node_done(struct nemo *s)
{
	struct level *l;

	if (s->depth == 0)
		return;
	l = &s->lv[s->depth - 1];
	if (!l->mapping)
		return;
	if (l->want_value) {
		free(l->key);
		l->key = NULL;
	}
	l->want_value = !l->want_value;
}

static const char *
anchor_value(const struct nemo *s, const char *name)
{
	for (size_t i = 0; i < s->nanc; i++)
		if (strcmp(s->anc[i].name, name) == 0)
			return s->anc[i].value;
	return NULL;
}

static void
add_anchor(struct nemo *s, const char *name, const char *value)
{
	struct anchor *v;

	if (MV_ARRAY_RESERVE(s->anc, s->anccap, s->nanc + 1, MAX_ANCHORS) != 0)
		return;
	v = s->anc;
	v[s->nanc].name = mv_strdup(name);
	v[s->nanc].value = mv_strdup(value);
	if (v[s->nanc].name == NULL || v[s->nanc].value == NULL) {
		free(v[s->nanc].name);
		free(v[s->nanc].value);
		return;
	}
	s->nanc++;
}

static int
truthy(const char *v)
{
	return strcmp(v, "true") == 0 || strcmp(v, "True") == 0 || strcmp(v, "TRUE") == 0 ||
	    strcmp(v, "yes") == 0 || strcmp(v, "on") == 0;
}

/* A scalar (or an alias to one) in the current level. */
static void
on_scalar(struct nemo *s, const char *v, size_t n, uint64_t line)
{
	struct level *l = s->depth ? &s->lv[s->depth - 1] : NULL;

	if (l && l->mapping && !l->want_value) {
		free(l->key);
		l->key = mv_strndup(v, n);
		if (l->key && strcmp(l->key, "_args_") == 0)
			l->args = 1;
	} else if (l && l->mapping && l->key) {
		if (strcmp(l->key, "_target_") == 0 && l->target == NULL) {
			l->target = mv_strndup(v, n);
			l->target_line = line;
		} else if (strcmp(l->key, "_partial_") == 0) {
			l->partial = truthy(v);
		}
	}
	node_done(s);
}

static void
walk(struct nemo *s)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned max_depth = (unsigned)s->a->limit[MV_LIMIT_JSON_DEPTH];
	uint64_t events = 0;
	int done = 0;

	if (!yaml_parser_initialize(&parser)) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "out of memory starting the YAML parser");
		return;
	}
	yaml_parser_set_input_string(&parser, s->buf.p ? s->buf.p : (const unsigned char *)"",
	    s->buf.len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			mv_report(&s->rep, MV_R_NEMO_CONFIG_INVALID, (int64_t)parser.problem_offset,
			    "YAML error at line %lu: %s", (unsigned long)parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "unknown");
			break;
		}
		if (++events > MAX_EVENTS) {
			mv_report(&s->rep, MV_R_NEMO_CONFIG_INVALID, -1,
			    "more than %u YAML events; the rest was not checked", MAX_EVENTS);
			yaml_event_delete(&ev);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			if (s->depth >= max_depth) {
				mv_report(&s->rep, MV_R_NEMO_CONFIG_INVALID, -1,
				    "YAML nested more than %u deep; the rest was not checked", max_depth);
				done = 1;
				break;
			}
			if (push(s, ev.type == YAML_MAPPING_START_EVENT) != 0) {
				mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
				    "out of memory reading the NeMo config");
				done = 1;
			}
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (s->depth > 0) {
				struct level *l = &s->lv[s->depth - 1];

				if (l->target)
					judge_target(s, l);
				level_clear(l);
				s->depth--;
				node_done(s);
			}
			break;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.anchor)
				add_anchor(s, (const char *)ev.data.scalar.anchor,
				    (const char *)ev.data.scalar.value);
			on_scalar(s, (const char *)ev.data.scalar.value, ev.data.scalar.length,
			    (uint64_t)ev.start_mark.line + 1);
			break;
		case YAML_ALIAS_EVENT: {
			const char *v = anchor_value(s, (const char *)ev.data.alias.anchor);

			/* An alias to a collection is not expanded: it cannot be a _target_ name,
			 * and expanding it is how YAML bombs work. */
			if (v)
				on_scalar(s, v, strlen(v), (uint64_t)ev.start_mark.line + 1);
			else
				node_done(s);
			break;
		}
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	while (s->depth > 0)
		level_clear(&s->lv[--s->depth]);
	yaml_parser_delete(&parser);
}

static void
nemo_end(void *state, int complete)
{
	struct nemo *s = state;
	char err[512];

	if (!complete || s->gave_up)
		return;
	if (mv_siglist_get(s->a->sigdir, ALLOW_FILE, &s->allow, err, sizeof(err)) != MV_OK ||
	    mv_siglist_get(s->a->sigdir, DENY_FILE, &s->deny, err, sizeof(err)) != MV_OK ||
	    mv_pypolicy_get(s->a->sigdir, &s->policy, err, sizeof(err)) != MV_OK) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "NeMo config not checked: %s", err);
		return;
	}
	walk(s);
}

static void
nemo_free(void *state)
{
	struct nemo *s = state;

	for (size_t i = 0; i < s->depth; i++)
		level_clear(&s->lv[i]);
	free(s->lv);
	for (size_t i = 0; i < s->nanc; i++) {
		free(s->anc[i].name);
		free(s->anc[i].value);
	}
	free(s->anc);
	mv_buf_free(&s->buf);
	free(s);
}

const struct mv_analyser mv_analyser_nemo = {
	.name = "nemo",
	.claim = nemo_claim,
	.begin = nemo_begin,
	.feed = nemo_feed,
	.end = nemo_end,
	.free = nemo_free,
};
