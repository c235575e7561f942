/* SPDX-License-Identifier: Apache-2.0 */
/* hfcode.c: Hugging Face code that loading runs: the modules an auto_map (or custom_pipelines)
 * entry of config.json, tokenizer_config.json and the processor configs makes transformers
 * import with trust_remote_code, and dataset loading scripts that datasets.load_dataset runs. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "core/str.h"
#include "core/strset.h"
#include "scan/formats.h"

/* Configs whose auto_map the Auto classes read (AutoConfig and AutoModel*, AutoTokenizer,
 * AutoProcessor, AutoImageProcessor, AutoFeatureExtractor, AutoVideoProcessor), and the
 * module list of a sentence-transformers model, whose types are class references too. */
static const char *const configs[] = {
	"config.json", "tokenizer_config.json", "processor_config.json",
	"preprocessor_config.json", "feature_extractor_config.json",
	"image_processor_config.json", "video_preprocessor_config.json", "modules.json", NULL
};

/* Base classes of a datasets builder: a script defining a subclass is a loading script. */
static const char *const builders[] = {
	"GeneratorBasedBuilder", "ArrowBasedBuilder", "BeamBasedBuilder", "DatasetBuilder", NULL
};

/* Evidence lists are cut here; the package check names every missing file on its own. */
#define LIST_MAX 1024

struct hf {
	struct mv_report rep;
	const struct mv_actx *a;
	int script;                 /* a .py file, else a config */
	struct mv_whole w;
	/* what the config's references name */
	struct mv_strset files, whos;
	struct mv_buf local, classes, external;
};

static int
config_name(const struct mv_actx *a)
{
	const char *b = mv_actx_base(a);

	for (int i = 0; configs[i]; i++)
		if (strcmp(b, configs[i]) == 0)
			return 1;
	return 0;
}

static int
hf_claim(const struct mv_actx *a)
{
	if (mv_format_is_container(a->format))
		return 0;
	return config_name(a) || mv_actx_suffix(a, ".py");
}

static void *
hf_begin(const struct mv_actx *a)
{
	struct hf *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	s->script = !config_name(a);
	mv_whole_init(&s->w, a);
	mv_strset_init(&s->files);
	mv_strset_init(&s->whos);
	mv_buf_init(&s->local, LIST_MAX + 8);
	mv_buf_init(&s->classes, LIST_MAX + 8);
	mv_buf_init(&s->external, LIST_MAX + 8);
	return s;
}

static mv_status
hf_feed(void *state, const unsigned char *p, size_t n)
{
	struct hf *s = state;

	return mv_whole_feed(&s->w, p, n);
}

/* Append ", item" (or "item") to a list kept within LIST_MAX; a full list ends in "...". */
static void
list_add(struct mv_buf *b, const char *item)
{
	size_t n = strlen(item);

	if (b->len >= 3 && memcmp(b->p + b->len - 3, "...", 3) == 0)
		return;
	if (b->len + 2 + n > LIST_MAX) {
		(void)mv_buf_add(b, b->len ? ", ..." : "...", b->len ? 5 : 3);
		return;
	}
	if (b->len)
		(void)mv_buf_add(b, ", ", 2);
	(void)mv_buf_add(b, item, n);
}

static const char *
list_str(struct mv_buf *b)
{
	return mv_buf_terminate(b) == MV_OK ? (const char *)b->p : "";
}

/*
 * One class reference, as transformers' get_class_from_dynamic_module reads it: an optional
 * "repo--" naming another repository, then "module.Class"; the module is the file
 * module.py of that repository, which is imported (with the modules it imports relatively).
 */
static void
reference(struct hf *s, const char *who, const char *ref)
{
	static const struct mv_pkgref_rules rules = {MV_R_HF_REMOTE_CODE_MISSING,
	    MV_R_HF_REMOTE_CODE_MISSING, MV_R_HF_REMOTE_CODE_MISSING};
	const char *sep = strstr(ref, "--"), *mod = sep ? sep + 2 : ref, *dot;
	char *file;
	int found = 0;

	if ((dot = strrchr(mod, '.')) == NULL || dot == mod)
		return;
	if (mv_strset_add(&s->whos, who, strlen(who), &found) == MV_OK && !found)
		list_add(&s->classes, who);
	found = 0;
	if ((file = mv_asprintf("%.*s.py", (int)(dot - mod), mod)) == NULL)
		return;
	if (sep) {
		char *ext = mv_asprintf("%.*s (%s)", (int)(sep - ref), ref, file);

		if (ext)
			list_add(&s->external, ext);
		free(ext);
	} else if (mv_strset_add(&s->files, file, strlen(file), &found) == MV_OK && !found) {
		list_add(&s->local, file);
		/* Only a plain relative name can be in the package; anything else is in the
		 * evidence and never resolves. */
		if (strstr(file, "..") == NULL && file[0] != '/')
			(void)mv_pkg_refer(s->a->pkg, &rules, s->a->path, -1, file, 0);
	}
	free(file);
}

static void
config_end(struct hf *s)
{
	json_t *root = NULL, *map, *v, *e;
	const char *key, *loader;
	char err[256];
	size_t i;
	int dup = 0, st;

	if (mv_json_load(mv_whole_bytes(&s->w), s->w.buf.len,
	    (unsigned)s->a->limit[MV_LIMIT_JSON_DEPTH], 0, &root, &dup, err, sizeof(err)) != MV_OK)
		return;     /* not JSON: transformers fails before it imports anything */
	map = json_object_get(root, "auto_map");
	json_object_foreach(map, key, v) {
		if (json_is_string(v))
			reference(s, key, json_string_value(v));
		json_array_foreach(v, i, e)
			if (json_is_string(e))
				reference(s, key, json_string_value(e));
	}
	/* Pipelines a model registers for itself: "impl" is a class reference too. */
	map = json_object_get(root, "custom_pipelines");
	json_object_foreach(map, key, v) {
		e = json_object_get(v, "impl");
		if (json_is_string(e))
			reference(s, key, json_string_value(e));
	}
	/* sentence-transformers: modules outside its own package are class references that it
	 * resolves like auto_map, with trust_remote_code or (recent versions) whenever the
	 * model is a local folder, then as an installed module. */
	json_array_foreach(root, i, v) {
		e = json_object_get(v, "type");
		if (json_is_string(e) && strncmp(json_string_value(e), "sentence_transformers.",
		    22) != 0)
			reference(s, "a sentence-transformers module", json_string_value(e));
	}
	st = strcmp(mv_actx_base(s->a), "modules.json") == 0;
	loader = st ? "sentence-transformers" : "transformers";
	if (s->local.len)
		mv_report(&s->rep, MV_R_HF_REMOTE_CODE, -1, "%s imports and runs %s from the model "
		    "folder for %s, and every module they import relatively (%s)", loader,
		    list_str(&s->local), list_str(&s->classes), st ? "with trust_remote_code=True, "
		    "and in recent versions whenever the model is loaded from a local folder" :
		    "the model needs trust_remote_code=True to load");
	if (s->external.len)
		mv_report(&s->rep, MV_R_HF_REMOTE_CODE_EXTERNAL, -1, "class references name code in "
		    "other repositories: %s; %s downloads and runs it at load time",
		    list_str(&s->external), loader);
	json_decref(root);
}

/* A line "class Name(...Builder...):" of a dataset loading script. */
static const char *
builder_class(const char *line, size_t n)
{
	size_t i = 0;

	while (i < n && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (n - i < 6 || memcmp(line + i, "class ", 6) != 0)
		return NULL;
	for (int k = 0; builders[k]; k++) {
		size_t m = strlen(builders[k]);

		for (size_t j = i + 6; j + m <= n; j++)
			if (memcmp(line + j, builders[k], m) == 0)
				return builders[k];
	}
	return NULL;
}

/*
 * Is the script named as load_dataset looks for it: <folder>/<folder>.py, or <name>.py in a
 * snapshot of the hub cache's datasets--<owner>--<name>? Such a script is imported whatever
 * it contains, once the dataset's card stands beside it.
 */
static int
named_script(const struct mv_actx *a)
{
	const char *path = a->path, *base, *p;
	size_t stem, n;

	/* The displayed path, which holds the folders above the input root too. */
	for (base = path + strlen(path); base > path && base[-1] != '/' && base[-1] != '!'; base--)
		;
	if ((stem = strlen(base)) <= 3 || base == path)
		return 0;
	stem -= 3;
	/* the folder holding the script */
	n = (size_t)(base - 1 - path);
	for (p = base - 1; p > path && p[-1] != '/' && p[-1] != '!'; p--)
		;
	if ((size_t)(base - 1 - p) == stem && memcmp(p, base, stem) == 0)
		return 1;
	/* datasets--<owner>--<name>/snapshots/<revision>/<name>.py */
	for (p = path; (p = strstr(p, "datasets--")) != NULL && (size_t)(p - path) < n; p++) {
		const char *end = strchr(p, '/'), *dash;

		if (end == NULL || (size_t)(end - path) >= n)
			break;
		if (p != path && p[-1] != '/' && p[-1] != '!')
			continue;
		dash = end - stem - 2;
		if (dash > p + 10 && memcmp(dash, "--", 2) == 0 && memcmp(dash + 2, base, stem) == 0)
			return 1;
	}
	return 0;
}

static void
script_end(struct hf *s)
{
	const char *p = (const char *)s->w.buf.p, *end = p ? p + s->w.buf.len : NULL;
	uint64_t line = 1;

	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *base = builder_class(p, n);

		if (base) {
			mv_report(&s->rep, MV_R_HF_DATASET_SCRIPT,
			    (int64_t)(p - (const char *)s->w.buf.p),
			    "line %llu defines a datasets %s: a dataset loading script, which "
			    "datasets.load_dataset imports and runs (asking for trust_remote_code=True "
			    "from datasets 2.16, without asking before)", (unsigned long long)line,
			    base);
			return;
		}
		p = nl ? nl + 1 : end;
		line++;
	}
	if (named_script(s->a))
		(void)mv_pkg_refer_present(s->a->pkg, MV_R_HF_DATASET_SCRIPT, s->a->path, -1,
		    "README.md", "named after its dataset's folder, beside the dataset card: "
		    "datasets.load_dataset imports and runs it (asking for trust_remote_code=True "
		    "from datasets 2.16, without asking before)");
}

static void
hf_end(void *state, int complete)
{
	struct hf *s = state;

	if (!complete)
		return;
	if (s->w.over) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "%s larger than --max-header; not checked for Hugging Face remote code",
		    s->script ? "Python file" : "config");
		return;
	}
	if (s->script)
		script_end(s);
	else
		config_end(s);
}

static void
hf_free(void *state)
{
	struct hf *s = state;

	mv_buf_free(&s->w.buf);
	mv_strset_free(&s->files);
	mv_strset_free(&s->whos);
	mv_buf_free(&s->local);
	mv_buf_free(&s->classes);
	mv_buf_free(&s->external);
	free(s);
}

const struct mv_analyser mv_analyser_hfcode = {
	.name = "hfcode",
	.claim = hf_claim,
	.begin = hf_begin,
	.feed = hf_feed,
	.end = hf_end,
	.free = hf_free,
};
