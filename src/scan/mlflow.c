/* SPDX-License-Identifier: Apache-2.0 */
/* mlflow.c: MLflow MLmodel files: which module mlflow.pyfunc.load_model imports for the model
 * (python_function's loader_module) and which files the flavours load with pickle,
 * cloudpickle or torch.load, each file named and checked to be in the package. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/str.h"
#include "core/strset.h"
#include "scan/formats.h"

#define MAX_ITEMS 4096
#define MAX_ANCHORS 1024
#define MAX_EVENTS 1000000u

/* flavors.<flavour>.<key>: <scalar> */
struct item {
	char *flavour, *key, *value;
	uint64_t line;
};

struct mlm {
	struct mv_report rep;
	const struct mv_actx *a;
	struct mv_whole w;
	struct item *it;
	size_t nit, itcap;
	struct mv_strset files;     /* files reported as loaded */
	char *anc_name[MAX_ANCHORS], *anc_value[MAX_ANCHORS];
	size_t nanc;
};

static int
ml_claim(const struct mv_actx *a)
{
	return !mv_format_is_container(a->format) && strcmp(mv_actx_base(a), "MLmodel") == 0;
}

static void *
ml_begin(const struct mv_actx *a)
{
	struct mlm *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	mv_whole_init(&s->w, a);
	mv_strset_init(&s->files);
	return s;
}

static mv_status
ml_feed(void *state, const unsigned char *p, size_t n)
{
	struct mlm *s = state;

	return mv_whole_feed(&s->w, p, n);
}

static void
add_item(struct mlm *s, const char *flavour, const char *key, const char *value,
    uint64_t line)
{
	struct item *v;

	if (MV_ARRAY_RESERVE(s->it, s->itcap, s->nit + 1, MAX_ITEMS) != 0)
		return;
	v = s->it + s->nit;
	v->flavour = mv_strdup(flavour);
	v->key = mv_strdup(key);
	v->value = mv_strdup(value);
	v->line = line;
	if (v->flavour && v->key && v->value) {
		s->nit++;
	} else {
		free(v->flavour);
		free(v->key);
		free(v->value);
	}
}

/* The last value of flavors.<flavour>.<key>: PyYAML keeps the last of duplicate keys. */
static const struct item *
find(const struct mlm *s, const char *flavour, const char *key)
{
	for (size_t i = s->nit; i-- > 0;)
		if (strcmp(s->it[i].flavour, flavour) == 0 && strcmp(s->it[i].key, key) == 0)
			return &s->it[i];
	return NULL;
}

static const char *
item(const struct mlm *s, const char *flavour, const char *key)
{
	const struct item *t = find(s, flavour, key);

	return t ? t->value : NULL;
}

static uint64_t
item_line(const struct mlm *s, const char *flavour, const char *key)
{
	const struct item *t = find(s, flavour, key);

	return t ? t->line : 0;
}

/*
 * The YAML walked as events, keeping the mapping keys of the path: depth 1 is the document's
 * mapping, depth 2 flavors' mapping, depth 3 one flavour's. Scalars at depth 3 under
 * "flavors" are kept; aliases of scalars resolve to their anchor's value (MLflow writes no
 * anchors, so a file that uses them to spell a loader is read as PyYAML would).
 */
static int
parse(struct mlm *s)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	char *keys[4] = {0};
	int want_value[4] = {0}, is_map[4] = {0};
	unsigned depth = 0, max_depth = (unsigned)s->a->limit[MV_LIMIT_JSON_DEPTH];
	uint64_t events = 0;
	int done = 0, r = 0;

	if (!yaml_parser_initialize(&parser))
		return -1;
	yaml_parser_set_input_string(&parser, mv_whole_bytes(&s->w), s->w.buf.len);
	while (!done) {
		const char *v = NULL;

		if (!yaml_parser_parse(&parser, &ev)) {
			mv_report(&s->rep, MV_R_MLFLOW_CONFIG_INVALID, (int64_t)parser.problem_offset,
			    "YAML error at line %lu: %s", (unsigned long)parser.problem_mark.line + 1,
			    parser.problem ? parser.problem : "unknown");
			r = -1;
			break;
		}
		if (++events > MAX_EVENTS || depth >= max_depth) {
			mv_report(&s->rep, MV_R_MLFLOW_CONFIG_INVALID, -1,
			    "MLmodel larger or more deeply nested than the limits; not checked");
			yaml_event_delete(&ev);
			r = -1;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT:
			depth++;
			if (depth < 4) {
				is_map[depth] = ev.type == YAML_MAPPING_START_EVENT;
				want_value[depth] = 0;
				free(keys[depth]);
				keys[depth] = NULL;
			}
			break;
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth > 0)
				depth--;
			/* The collection was a value: its key is done. */
			if (depth > 0 && depth < 4 && is_map[depth])
				want_value[depth] = 0;
			break;
		case YAML_SCALAR_EVENT:
			v = (const char *)ev.data.scalar.value;
			if (ev.data.scalar.anchor && s->nanc < MAX_ANCHORS) {
				s->anc_name[s->nanc] = mv_strdup((const char *)ev.data.scalar.anchor);
				s->anc_value[s->nanc] = mv_strdup(v);
				s->nanc++;
			}
			break;
		case YAML_ALIAS_EVENT:
			v = "";
			for (size_t i = 0; i < s->nanc; i++)
				if (s->anc_name[i] && s->anc_value[i] &&
				    strcmp(s->anc_name[i], (const char *)ev.data.alias.anchor) == 0)
					v = s->anc_value[i];
			break;
		default:
			break;
		}
		if (v && depth > 0 && depth < 4 && is_map[depth]) {
			if (!want_value[depth]) {
				free(keys[depth]);
				keys[depth] = mv_strdup(v);
				want_value[depth] = 1;
			} else {
				if (depth == 3 && keys[1] && keys[2] && keys[3] &&
				    strcmp(keys[1], "flavors") == 0)
					add_item(s, keys[2], keys[3], v, (uint64_t)ev.start_mark.line + 1);
				want_value[depth] = 0;
			}
		}
		yaml_event_delete(&ev);
	}
	for (int i = 0; i < 4; i++)
		free(keys[i]);
	yaml_parser_delete(&parser);
	return r;
}

/* A file the model loads, relative to the MLmodel's folder: named, and checked after the
 * walk to be a file of the package. */
static void
loads(struct mlm *s, const char *flavour, const char *key, const char *how, const char *file)
{
	static const struct mv_pkgref_rules rules = {MV_R_MLFLOW_MODEL_MISSING,
	    MV_R_MLFLOW_MODEL_MISSING, MV_R_MLFLOW_MODEL_MISSING};
	int found = 0;

	/* python_function names the same file as the flavour it wraps: one finding a file. */
	if (mv_strset_add(&s->files, file, strlen(file), &found) != MV_OK || found)
		return;
	mv_report(&s->rep, MV_R_MLFLOW_MODEL_PICKLE, -1, "line %llu: flavour %s loads '%s' with "
	    "%s", (unsigned long long)item_line(s, flavour, key), flavour, file, how);
	if (file[0] != '/' && strstr(file, "..") == NULL)
		(void)mv_pkg_refer(s->a->pkg, &rules, s->a->path, -1, file, 0);
	else
		mv_report(&s->rep, MV_R_MLFLOW_MODEL_MISSING, -1, "line %llu: '%s' is outside the "
		    "model folder, so it was not scanned", (unsigned long long)item_line(s, flavour,
		    key), file);
}

static int
has_suffix(const char *s, const char *sfx)
{
	size_t n = strlen(s), m = strlen(sfx);

	return n >= m && strcmp(s + n - m, sfx) == 0;
}

static int
pickle_name(const char *v)
{
	return has_suffix(v, ".pkl") || has_suffix(v, ".pickle") ||
	    has_suffix(v, ".cloudpickle") || has_suffix(v, ".joblib");
}

/* mlflow's own loader modules; anything else is code the package brings. */
static int
mlflow_module(const char *m)
{
	return strncmp(m, "mlflow.", 7) == 0;
}

static void
judge(struct mlm *s)
{
	const char *pf = "python_function";
	const char *lm = item(s, pf, "loader_module"), *code = item(s, pf, "code");
	const char *pm = item(s, pf, "pickle_module_name");
	const char *v;

	if (lm && !mlflow_module(lm))
		mv_report(&s->rep, MV_R_MLFLOW_LOADER_CUSTOM, -1, "line %llu: python_function "
		    "loader_module '%s': mlflow.pyfunc.load_model imports it and calls its "
		    "_load_pyfunc%s%s%s", (unsigned long long)item_line(s, pf, "loader_module"), lm,
		    code ? " (with '" : "", code ? code : "", code ? "' on sys.path)" : "");
	if (pm && !mlflow_module(pm) && strcmp(pm, "pickle") != 0 && strcmp(pm, "cloudpickle"))
		mv_report(&s->rep, MV_R_MLFLOW_LOADER_CUSTOM, -1, "line %llu: pickle_module_name "
		    "'%s': mlflow.pytorch imports it to unpickle the model",
		    (unsigned long long)item_line(s, pf, "pickle_module_name"), pm);
	if ((v = item(s, pf, "python_model")) != NULL)
		loads(s, pf, "python_model", "cloudpickle (mlflow.pyfunc.model, a custom "
		    "PythonModel)", v);
	if ((v = item(s, "sklearn", "pickled_model")) != NULL) {
		const char *fmt = item(s, "sklearn", "serialization_format");

		if (fmt == NULL || strcmp(fmt, "pickle") == 0 || strcmp(fmt, "cloudpickle") == 0)
			loads(s, "sklearn", "pickled_model", fmt && strcmp(fmt, "pickle") == 0 ?
			    "pickle (mlflow.sklearn)" : "cloudpickle (mlflow.sklearn)", v);
	}
	if ((v = item(s, "pytorch", "model_data")) != NULL) {
		char *f = mv_asprintf("%s/model.pth", v);

		if (f)
			loads(s, "pytorch", "model_data", "torch.load with the full unpickler "
			    "(mlflow.pytorch)", f);
		free(f);
	}
	/* Other flavours: any value naming a pickle file. */
	for (size_t i = 0; i < s->nit; i++) {
		const struct item *t = &s->it[i];

		if (strcmp(t->key, "python_model") == 0 && strcmp(t->flavour, pf) == 0)
			continue;
		if (strcmp(t->key, "pickled_model") == 0 && strcmp(t->flavour, "sklearn") == 0)
			continue;
		if (pickle_name(t->value))
			loads(s, t->flavour, t->key, "a pickle loader", t->value);
	}
}

static void
ml_end(void *state, int complete)
{
	struct mlm *s = state;

	if (!complete)
		return;
	if (s->w.over) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "MLmodel larger than --max-header; not checked");
		return;
	}
	if (parse(s) == 0)
		judge(s);
}

static void
ml_free(void *state)
{
	struct mlm *s = state;

	for (size_t i = 0; i < s->nit; i++) {
		free(s->it[i].flavour);
		free(s->it[i].key);
		free(s->it[i].value);
	}
	free(s->it);
	for (size_t i = 0; i < s->nanc; i++) {
		free(s->anc_name[i]);
		free(s->anc_value[i]);
	}
	mv_strset_free(&s->files);
	mv_buf_free(&s->w.buf);
	free(s);
}

const struct mv_analyser mv_analyser_mlflow = {
	.name = "mlflow",
	.claim = ml_claim,
	.begin = ml_begin,
	.feed = ml_feed,
	.end = ml_end,
	.free = ml_free,
};
