/* SPDX-License-Identifier: Apache-2.0 */
/* keras.c: Keras models: config.json of .keras archives (and model JSON found alone), and
 * legacy HDF5 files, whose model_config and training_config attributes hdf5.c reads. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/jsonutil.h"
#include "core/sigfile.h"
#include "core/str.h"
#include "scan/formats.h"
#include "scan/hdf5.h"
#include "scan/keras.h"

#define ALLOW_FILE "keras-modules-allow.txt"
#define GADGET_FILE "keras-gadgets-deny.txt"

struct kctx {
	struct mv_report *rep;
	const char *where;
	int64_t offset;
	unsigned max_depth;
	const struct mv_siglist *allow, *gadgets;
	int deep;                   /* nesting past max_depth was met */
	json_t *lambda_fn;          /* a Lambda's __lambda__ function, already reported */
};

static const char *
str_of(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The top package of a dotted module name is in the allowlist. */
static int
module_allowed(const struct kctx *k, const char *mod)
{
	size_t n = strcspn(mod, ".");

	return mv_siglist_has(k->allow, mod, n);
}

static void
check_gadget(struct kctx *k, const char *mod, const char *fn, json_t *args)
{
	char *dotted = mv_asprintf("%s.%s", mod, fn);
	char *argtxt = args ? json_dumps(args, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	const char *hit;

	if (dotted && (hit = mv_siglist_match_dotted(k->gadgets, dotted, strlen(dotted))))
		mv_report(k->rep, MV_R_KERAS_FUNCTION_GADGET, k->offset,
		    "%s: calls %s (matches %s)%s%.200s", k->where, dotted, hit,
		    argtxt ? " with arguments " : "", argtxt ? argtxt : "");
	free(dotted);
	free(argtxt);
}

static void
check_module(struct kctx *k, json_t *o, const char *key, const char *mod)
{
	const char *cls = str_of(o, "class_name"), *reg = str_of(o, "registered_name");

	if (module_allowed(k, mod))
		return;
	/* A registered custom object still needs the code that registers it; a bare module is
	 * imported by Keras before 3.9 (CVE-2025-1550). */
	if (reg && strchr(reg, '>') && strcmp(key, "module") == 0 &&
	    !(cls && strcmp(cls, "function") == 0))
		mv_report(k->rep, MV_R_KERAS_OBJECT_CUSTOM, k->offset,
		    "%s: custom object '%s' from module '%s'", k->where, reg, mod);
	else
		mv_report(k->rep, MV_R_KERAS_MODULE_UNTRUSTED, k->offset,
		    "%s: %s '%s'%s%s outside the Keras packages", k->where, key, mod,
		    cls ? " for " : "", cls ? cls : "");
}

static void
check_lambda(struct kctx *k, json_t *o)
{
	json_t *cfg = json_object_get(o, "config"), *fn = json_object_get(cfg, "function");
	const char *name = str_of(cfg, "name");
	const char *what = "a Python function";

	if (json_is_object(fn) && json_is_string(json_object_get(fn, "class_name")) &&
	    strcmp(json_string_value(json_object_get(fn, "class_name")), "__lambda__") == 0) {
		what = "marshalled Python bytecode (__lambda__)";
		k->lambda_fn = fn;
	}
	else if (json_is_array(fn) || (json_is_string(fn) &&
	    json_is_string(json_object_get(cfg, "function_type")) &&
	    strcmp(json_string_value(json_object_get(cfg, "function_type")), "lambda") == 0))
		what = "marshalled Python bytecode";
	mv_report(k->rep, MV_R_KERAS_LAMBDA, k->offset, "%s: Lambda layer '%s' runs %s",
	    k->where, name ? name : "?", what);
	/* Keras 2 style: the function named by config.module + config.function, and the
	 * output_shape function named by output_shape_module + output_shape. */
	if (json_is_string(fn) && str_of(cfg, "module"))
		check_gadget(k, str_of(cfg, "module"), json_string_value(fn),
		    json_object_get(cfg, "arguments"));
	if (str_of(cfg, "output_shape") && str_of(cfg, "output_shape_module"))
		check_gadget(k, str_of(cfg, "output_shape_module"), str_of(cfg, "output_shape"),
		    NULL);
}

/* registered_name "package>Name" outside the Keras packages: Keras looks the object up by
 * that name first, so the object is custom code whatever module the config names. */
static void
check_registered(struct kctx *k, const char *cls, const char *mod, const char *reg)
{
	size_t n = strcspn(reg, ">.");

	if (mv_siglist_has(k->allow, reg, n))
		return;
	mv_report(k->rep, MV_R_KERAS_MODULE_UNTRUSTED, k->offset,
	    "%s: registered_name '%s'%s%s%s%s names a package outside the Keras packages",
	    k->where, reg, cls ? " for " : "", cls ? cls : "", mod ? " of module " : "",
	    mod ? mod : "");
}

/* Layers that load a whole model from outside the file when they are built. */
static const char *const external_layers[] = {"TFSMLayer", "KerasLayer", NULL};

/* Config keys whose string value a layer opens as a file (lookup and tokenizer vocabularies,
 * SentencePiece protos, the SavedModel of a TFSMLayer, a Hub handle). */
static const char *const file_keys[] = {"vocabulary", "merges", "proto", "vocabulary_file",
	"vocab_file", "merges_file", "spm_model_file", "filepath", "file_path", "handle",
	"saved_model_path", NULL};

/* Keys whose strings are names judged elsewhere or code: not paths. */
static const char *const name_keys[] = {"module", "class_name", "registered_name", "fn_module",
	"output_shape_module", "function", NULL};

static int
in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; s && list[i]; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

/* Absolute (/x, ~/x, C:\x, \\host), climbing (..), or remote (scheme://, file:). */
static const char *
path_kind(const char *v)
{
	size_t n = strlen(v), i;

	for (i = 0; i < n && ((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= 'A' && v[i] <= 'Z') ||
	    (i > 0 && ((v[i] >= '0' && v[i] <= '9') || v[i] == '+' || v[i] == '.' ||
	    v[i] == '-'))); i++)
		;
	if (i > 0 && i + 2 < n && v[i] == ':' && v[i + 1] == '/' && v[i + 2] == '/')
		return "a URL";
	if (strncmp(v, "file:", 5) == 0)
		return "a file URL";
	if ((v[0] == '/' && n > 1 && v[1] != '/' && v[1] != ' ') || strncmp(v, "~/", 2) == 0 ||
	    strncmp(v, "\\\\", 2) == 0 ||
	    (n > 2 && ((v[0] | 0x20) >= 'a' && (v[0] | 0x20) <= 'z') && v[1] == ':' &&
	    (v[2] == '\\' || v[2] == '/')))
		return "an absolute path";
	for (i = 0; i + 1 < n; i++)
		if (v[i] == '.' && v[i + 1] == '.' && (i == 0 || v[i - 1] == '/' || v[i - 1] == '\\') &&
		    (i + 2 == n || v[i + 2] == '/' || v[i + 2] == '\\'))
			return "a path that climbs with ..";
	return NULL;
}

/* A string of the config; direct when it is the key's own value, not an item of a list
 * (a vocabulary given inline is a list of words). */
static void
check_string(struct kctx *k, const char *key, const char *v, const char *cls, int direct)
{
	const char *kind;

	if (in_list(name_keys, key) || *v == '\0')
		return;
	if (direct && in_list(file_keys, key) && !(cls && strcmp(cls, "function") == 0)) {
		mv_report(k->rep, MV_R_KERAS_CONFIG_PATH, k->offset,
		    "%s: %s%s%s reads the file '%.200s' (%s) on load", k->where,
		    cls ? cls : "a layer", cls ? " " : "", key, v,
		    (kind = path_kind(v)) ? kind : "a relative path");
		return;
	}
	if ((kind = path_kind(v)) != NULL)
		mv_report(k->rep, MV_R_KERAS_CONFIG_PATH, k->offset,
		    "%s: %s '%.200s' is %s", k->where, key ? key : "a value", v, kind);
}

static void
check_external(struct kctx *k, json_t *o, const char *cls, const char *mod)
{
	json_t *cfg = json_object_get(o, "config");
	const char *path = str_of(cfg, "filepath");

	if (path == NULL)
		path = str_of(cfg, "handle");
	mv_report(k->rep, MV_R_KERAS_LAYER_EXTERNAL, k->offset,
	    "%s: %s%s%s loads the model at '%.200s' when the model is loaded", k->where,
	    mod ? mod : "", mod ? "." : "", cls, path ? path : "?");
}

static void
visit(struct kctx *k, json_t *v, unsigned depth, const char *key, const char *owner,
    int direct)
{
	json_t *e;
	size_t i;

	if (depth > k->max_depth) {
		k->deep = 1;
		return;
	}
	if (json_is_string(v)) {
		check_string(k, key, json_string_value(v), owner, direct);
		return;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			visit(k, e, depth + 1, key, owner, 0);
		return;
	}
	if (!json_is_object(v))
		return;
	{
		const char *cls = str_of(v, "class_name"), *mod = str_of(v, "module");
		const char *reg = str_of(v, "registered_name");
		json_t *cfg = json_object_get(v, "config");

		if (cls && strcmp(cls, "Lambda") == 0)
			check_lambda(k, v);
		else if (cls && strcmp(cls, "__lambda__") == 0 && v != k->lambda_fn)
			mv_report(k->rep, MV_R_KERAS_LAMBDA, k->offset,
			    "%s: a __lambda__ object (marshalled Python bytecode)", k->where);
		if (cls && strcmp(cls, "TorchModuleWrapper") == 0)
			mv_report(k->rep, MV_R_KERAS_TORCH_MODULE, k->offset,
			    "%s: TorchModuleWrapper unpickles a PyTorch module on load", k->where);
		if (cls && in_list(external_layers, cls))
			check_external(k, v, cls, mod);
		/* A serialized function: {"module", "class_name": "function", "config": name}. */
		if (cls && mod && strcmp(cls, "function") == 0 && json_is_string(cfg))
			check_gadget(k, mod, json_string_value(cfg), NULL);
		/* "package>Name": a registered object Keras finds by that name before it looks at
		 * the module. */
		if (reg && strchr(reg, '>') && !(mod && !module_allowed(k, mod)))
			check_registered(k, cls, mod, reg);
		if (cls)
			owner = cls;
	}
	/* "module" names a Python module in a serialized object (with class_name) and in a
	 * Keras 2 Lambda config (with function_type); elsewhere it is a layer's own field
	 * (TorchModuleWrapper keeps its pickled module there). */
	json_object_foreach(v, key, e) {
		int is_mod = strcmp(key, "fn_module") == 0 || strcmp(key, "output_shape_module") == 0 ||
		    (strcmp(key, "module") == 0 && (json_object_get(v, "class_name") != NULL ||
		    json_object_get(v, "function_type") != NULL));

		if (json_is_string(e) && is_mod)
			check_module(k, v, key, json_string_value(e));
		else if (!(strcmp(key, "module") == 0 && json_is_string(e)))
			visit(k, e, depth + 1, key, owner, 1);
	}
}

int
mv_keras_is_config(json_t *root)
{
	return json_is_object(root) && json_is_string(json_object_get(root, "class_name")) &&
	    json_object_get(root, "config") != NULL;
}

void
mv_keras_check(struct mv_report *rep, json_t *config, const char *where, int64_t offset)
{
	const struct mv_actx *a = rep->a;
	struct kctx k;
	char err[512];

	memset(&k, 0, sizeof(k));
	k.rep = rep;
	k.where = where;
	k.offset = offset;
	k.max_depth = (unsigned)a->limit[MV_LIMIT_JSON_DEPTH];
	if (mv_siglist_get(a->sigdir, ALLOW_FILE, &k.allow, err, sizeof(err)) != MV_OK ||
	    mv_siglist_get(a->sigdir, GADGET_FILE, &k.gadgets, err, sizeof(err)) != MV_OK) {
		mv_findings_add(a->findings, MV_R_ANALYSIS_INCOMPLETE, a->path, offset,
		    "Keras configuration not checked: %s", err);
		return;
	}
	visit(&k, config, 0, NULL, NULL, 1);
	if (k.deep)
		mv_report(rep, MV_R_KERAS_CONFIG_INVALID, offset,
		    "%s: nested more than %u deep; the deeper part was not checked", where,
		    k.max_depth);
}

/* ---- the analyser: config.json and HDF5 ---- */

/* The root attributes of a legacy Keras HDF5 model that Keras deserializes. */
static const char *const h5_attrs[] = {"model_config", "training_config"};
/* Where libhdf5 and h5py put the superblock and root group: kept for pointers backwards. */
#define H5_RETAIN (16u << 20)

struct keras {
	struct mv_report rep;
	const struct mv_actx *a;
	int h5;
	struct mv_buf buf;          /* config.json */
	struct mv_h5 *reader;       /* HDF5 */
	int gave_up;
};

static int
keras_claim(const struct mv_actx *a)
{
	if (a->format == MV_FMT_HDF5)
		return 1;
	if (a->format != MV_FMT_JSON)
		return 0;
	if (strcmp(mv_actx_base(a), "config.json") == 0 && a->parent == MV_FMT_ZIP)
		return 1;
	/* A model saved with model.to_json(), or config.json beside the weights. */
	return a->headlen > 0 && memmem(a->head, a->headlen, "\"class_name\"", 12) != NULL &&
	    memmem(a->head, a->headlen, "\"config\"", 8) != NULL;
}

static void *
keras_begin(const struct mv_actx *a)
{
	struct keras *s = calloc(1, sizeof(*s));
	uint64_t budget = a->limit[MV_LIMIT_HEADER];

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	s->h5 = a->format == MV_FMT_HDF5;
	if (s->h5 && (s->reader = mv_h5_new(h5_attrs, 2, budget < H5_RETAIN ? budget : H5_RETAIN,
	    budget)) == NULL) {
		free(s);
		return NULL;
	}
	mv_buf_init(&s->buf, (size_t)a->limit[MV_LIMIT_HEADER]);
	return s;
}

static void
check_doc(struct keras *s, const unsigned char *p, size_t n, int64_t offset, int strict,
    const char *where)
{
	json_t *root = NULL;
	char err[256];
	int dup = 0;
	mv_status st;

	st = mv_json_load(p, n, (unsigned)s->a->limit[MV_LIMIT_JSON_DEPTH], 0, &root, &dup, err,
	    sizeof(err));
	if (st != MV_OK) {
		if (strict)
			mv_report(&s->rep, MV_R_KERAS_CONFIG_INVALID, offset, "%s: %s", where, err);
		return;
	}
	if (mv_keras_is_config(root)) {
		if (dup)
			mv_report(&s->rep, MV_R_KERAS_CONFIG_INVALID, offset,
			    "duplicate keys: %s", err);
		mv_keras_check(&s->rep, root, where, offset);
	} else if (s->h5 && root) {
		/* training_config is not a serialized object, but its losses and metrics are. */
		mv_keras_check(&s->rep, root, where, offset);
	}
	json_decref(root);
}

static mv_status
keras_feed(void *state, const unsigned char *p, size_t n)
{
	struct keras *s = state;

	if (s->h5)
		return mv_h5_feed(s->reader, p, n) ? MV_ERR_LIMIT : MV_OK;
	if (mv_buf_add(&s->buf, p, n) != MV_OK) {
		mv_findings_add(s->a->findings, MV_R_ANALYSIS_INCOMPLETE, s->a->path, -1,
		    "Keras configuration larger than --max-header; not checked");
		s->gave_up = 1;
		mv_buf_free(&s->buf);
		return MV_ERR_LIMIT;
	}
	return MV_OK;
}

/* A legacy HDF5 model: its model_config and training_config, read from the structure. A file
 * whose structure cannot be read is not a file whose configuration is clean. */
static void
keras_h5_end(struct keras *s, int complete)
{
	char err[256];
	const unsigned char *v;
	size_t name, n;
	uint64_t off;

	if (!complete)
		return;
	if (mv_h5_finish(s->reader, err, sizeof(err)) != MV_OK) {
		mv_report(&s->rep, MV_R_KERAS_H5_INVALID, -1, "HDF5 structure not read: %s", err);
		return;
	}
	for (size_t i = 0; mv_h5_value(s->reader, i, &name, &v, &n, &off); i++)
		check_doc(s, v, n, (int64_t)off, 1, h5_attrs[name]);
}

static void
keras_end(void *state, int complete)
{
	struct keras *s = state;

	if (s->h5) {
		keras_h5_end(s, complete);
		return;
	}
	if (!complete || s->gave_up)
		return;
	check_doc(s, s->buf.p ? s->buf.p : (const unsigned char *)"", s->buf.len, 0,
	    strcmp(mv_actx_base(s->a), "config.json") == 0 && s->a->parent == MV_FMT_ZIP,
	    mv_actx_base(s->a));
}

static void
keras_free(void *state)
{
	struct keras *s = state;

	mv_buf_free(&s->buf);
	mv_h5_free(s->reader);
	free(s);
}

const struct mv_analyser mv_analyser_keras = {
	.name = "keras",
	.claim = keras_claim,
	.begin = keras_begin,
	.feed = keras_feed,
	.end = keras_end,
	.free = keras_free,
};
