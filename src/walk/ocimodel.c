/* SPDX-License-Identifier: Apache-2.0 */
/* ocimodel.c: the model checks of one OCI image manifest, from its documents alone. The kind
 * of package is told by the artifactType first, then the config's media type (never by the
 * manifest's own type, which an image, a signature and a model share); each layer's media
 * type must be one that kind defines, its org.cncf.model.filepath a relative path of its own,
 * and the DiffIDs of the config must pair with the layers. What needs the layers' bytes is
 * left as claims on them for walk/ocilayer.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/array.h"
#include "core/finding.h"
#include "core/ocidesc.h"
#include "core/str.h"
#include "core/strset.h"
#include "walk/name.h"
#include "walk/ocimeta.h"
#include "walk/ocimodel.h"
#include "walk/walk.h"

enum kind { K_NONE, K_MODELPACK, K_KITOPS, K_DOCKER };

static const char *const kind_name[] = {"an OCI artifact", "a CNCF ModelPack artifact",
    "a KitOps ModelKit", "a Docker model artifact"};

#define PATH_KEY "org.cncf.model.filepath"
#define PATH_KEY_LEGACY "org.cnai.model.filepath"
#define EMPTY_TYPE "application/vnd.oci.empty.v1+json"

/* Media types of model packaging: a type in one of these namespaces that no table below
 * knows is reported, whatever the manifest it is in. */
static const char *const namespaces[] = {"application/vnd.cncf.model.",
    "application/vnd.cnai.model.", "application/vnd.kitops.", "application/vnd.docker.ai."};

/* artifactType and config media types, each with the kind it makes. ModelPack's were
 * vnd.cnai.* before the project moved to the CNCF (model-spec 859889f); registries still hold
 * artifacts with those names. */
static const struct {
	const char *type;
	enum kind kind;
	int config;                      /* a config media type (else an artifactType) */
	int diffids;                     /* its config lists DiffIDs (read as JSON) */
	int docker_v02;                  /* one layer per file, named by annotation */
} doctypes[] = {
	{"application/vnd.cncf.model.manifest.v1+json", K_MODELPACK, 0, 0, 0},
	{"application/vnd.cnai.model.manifest.v1+json", K_MODELPACK, 0, 0, 0},
	{"application/vnd.cncf.model.config.v1+json", K_MODELPACK, 1, 1, 0},
	{"application/vnd.cnai.model.config.v1+json", K_MODELPACK, 1, 1, 0},
	{"application/vnd.kitops.modelkit.manifest.v1+json", K_KITOPS, 0, 0, 0},
	{"application/vnd.kitops.modelkit.config.v1+json", K_KITOPS, 1, 0, 0},
	{"application/vnd.docker.ai.model.config.v0.1+json", K_DOCKER, 1, 1, 0},
	{"application/vnd.docker.ai.model.config.v0.2+json", K_DOCKER, 1, 1, 1},
	{"application/vnd.docker.ai.model.config.v1+json", K_DOCKER, 1, 1, 1},
};

/* What a layer's media type says of its bytes. */
struct ltype {
	enum mv_oci_enc enc;
	enum mv_format want;
	int is_weight;                   /* model weights (a pickle there runs when loaded) */
	int one_file;                    /* the file itself: its path must come by annotation */
};

/* Docker model layers (docker/model-runner pkg/distribution): one file each but the tars. */
static const struct {
	const char *type;
	struct ltype lt;
} docker_layers[] = {
	{"application/vnd.docker.ai.gguf.v3", {MV_OCI_ENC_RAW, MV_FMT_GGUF, 1, 1}},
	{"application/vnd.docker.ai.safetensors", {MV_OCI_ENC_RAW, MV_FMT_SAFETENSORS, 1, 1}},
	{"application/vnd.docker.ai.dduf", {MV_OCI_ENC_RAW, MV_FMT_ZIP, 1, 1}},
	{"application/vnd.docker.ai.mmproj", {MV_OCI_ENC_RAW, MV_FMT_GGUF, 1, 1}},
	{"application/vnd.docker.ai.model.file.v1+gguf", {MV_OCI_ENC_RAW, MV_FMT_GGUF, 1, 1}},
	{"application/vnd.docker.ai.license", {MV_OCI_ENC_RAW, MV_FMT_UNKNOWN, 0, 1}},
	{"application/vnd.docker.ai.chat.template.jinja", {MV_OCI_ENC_RAW, MV_FMT_UNKNOWN, 0, 1}},
	{"application/vnd.docker.ai.model.file", {MV_OCI_ENC_RAW, MV_FMT_UNKNOWN, 0, 1}},
	{"application/vnd.docker.ai.vllm.config.tar", {MV_OCI_ENC_TAR, MV_FMT_UNKNOWN, 0, 0}},
	{"application/vnd.docker.ai.dir.tar", {MV_OCI_ENC_TAR, MV_FMT_UNKNOWN, 0, 0}},
};

static int
enc_of(const char *s, struct ltype *lt)
{
	if (strcmp(s, "raw") == 0)
		lt->enc = MV_OCI_ENC_RAW;
	else if (strcmp(s, "tar") == 0)
		lt->enc = MV_OCI_ENC_TAR;
	else if (strcmp(s, "tar+gzip") == 0)
		lt->enc = MV_OCI_ENC_GZIP;
	else if (strcmp(s, "tar+zstd") == 0)
		lt->enc = MV_OCI_ENC_ZSTD;
	else
		return 0;
	lt->one_file = lt->enc == MV_OCI_ENC_RAW;
	return 1;
}

/* application/vnd.cncf.model.<kind>.v1.<raw|tar|tar+gzip|tar+zstd>, and the weight types
 * .v1.gguf and .v1.safetensors Docker Model Runner adds (raw files of that format). */
static int
modelpack_layer(const char *mt, struct ltype *lt)
{
	static const char *const kinds[] = {"weight.config", "weight", "doc", "code", "dataset"};
	const char *rest;

	if (strncmp(mt, namespaces[0], strlen(namespaces[0])) == 0)
		rest = mt + strlen(namespaces[0]);
	else if (strncmp(mt, namespaces[1], strlen(namespaces[1])) == 0)
		rest = mt + strlen(namespaces[1]);
	else
		return 0;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t n = strlen(kinds[k]);
		const char *e = rest + n + 4;

		if (strncmp(rest, kinds[k], n) != 0 || strncmp(rest + n, ".v1.", 4) != 0)
			continue;
		memset(lt, 0, sizeof(*lt));
		lt->is_weight = k == 1;
		if (enc_of(e, lt))
			return 1;
		if (k == 1 && (strcmp(e, "gguf") == 0 || strcmp(e, "safetensors") == 0)) {
			lt->enc = MV_OCI_ENC_RAW;
			lt->want = e[0] == 'g' ? MV_FMT_GGUF : MV_FMT_SAFETENSORS;
			lt->one_file = 1;
			return 1;
		}
		return 0;
	}
	return 0;
}

/* application/vnd.kitops.modelkit.<kind>.v1.tar[+gzip], and .mcpb.v1.raw (MCP bundles). */
static int
kitops_layer(const char *mt, struct ltype *lt)
{
	static const char pfx[] = "application/vnd.kitops.modelkit.";
	static const char *const kinds[] = {"model", "modelpart", "dataset", "code", "docs"};
	const char *rest = mt + sizeof(pfx) - 1;

	if (strncmp(mt, pfx, sizeof(pfx) - 1) != 0)
		return 0;
	memset(lt, 0, sizeof(*lt));
	if (strcmp(rest, "mcpb.v1.raw") == 0) {
		lt->enc = MV_OCI_ENC_RAW;
		return 1;
	}
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t n = strlen(kinds[k]);

		if (strncmp(rest, kinds[k], n) != 0 || strncmp(rest + n, ".v1.", 4) != 0)
			continue;
		lt->is_weight = k < 2;
		if (strcmp(rest + n + 4, "tar") == 0)
			lt->enc = MV_OCI_ENC_TAR;
		else if (strcmp(rest + n + 4, "tar+gzip") == 0)
			lt->enc = MV_OCI_ENC_GZIP;
		else
			return 0;
		return 1;
	}
	return 0;
}

static int
docker_layer(const char *mt, struct ltype *lt)
{
	for (size_t k = 0; k < sizeof(docker_layers) / sizeof(docker_layers[0]); k++)
		if (strcmp(mt, docker_layers[k].type) == 0) {
			*lt = docker_layers[k].lt;
			return 1;
		}
	return 0;
}

/* The layer type as the manifest's kind defines it: 1 with lt, else 0. Docker Model Runner
 * reads the ModelPack types too. */
static int
layer_type(enum kind kind, const char *mt, struct ltype *lt)
{
	switch (kind) {
	case K_MODELPACK:
		return modelpack_layer(mt, lt);
	case K_KITOPS:
		return kitops_layer(mt, lt);
	case K_DOCKER:
		return docker_layer(mt, lt) || modelpack_layer(mt, lt);
	default:
		return 0;
	}
}

static long
doctype(const char *mt, int config)
{
	for (size_t k = 0; mt && k < sizeof(doctypes) / sizeof(doctypes[0]); k++)
		if (doctypes[k].config == config && strcmp(mt, doctypes[k].type) == 0)
			return (long)k;
	return -1;
}

/* Known to some table: a type of the model namespaces that is not is reported. */
static int
known_type(const char *mt)
{
	struct ltype lt;

	return doctype(mt, 0) >= 0 || doctype(mt, 1) >= 0 || modelpack_layer(mt, &lt) ||
	    kitops_layer(mt, &lt) || docker_layer(mt, &lt);
}

static int
in_namespace(const char *mt)
{
	for (size_t k = 0; k < sizeof(namespaces) / sizeof(namespaces[0]); k++)
		if (strncmp(mt, namespaces[k], strlen(namespaces[k])) == 0)
			return 1;
	return 0;
}

/* The checks of one manifest. */
struct mcheck {
	struct mv_item *manifest;
	enum kind kind;
	int docker_v02;
	int no_pickle;                   /* the config's format is none that pickles */
	struct mv_strset unknown;        /* media types reported unknown, once each */
	struct mv_strset paths;          /* filepaths as given */
	struct mv_strset folded;         /* and as a file system compares them */
	int nomem;
};

static void
unknown_type(struct mcheck *m, const char *mt, const char *what)
{
	int found = 0;

	if (mv_strset_add(&m->unknown, mt, strlen(mt), &found) != MV_OK) {
		m->nomem = 1;
		return;
	}
	if (found)
		return;
	if (m->kind == K_NONE)
		mv_oci_report(m->manifest, MV_R_OCI_MODEL_MEDIATYPE_UNKNOWN, "%s has %s '%.200s', a type of "
		    "model packaging that mavis does not know", what, strcmp(what, "the manifest") ?
		    "media type" : "artifactType", mt);
	else
		mv_oci_report(m->manifest, MV_R_OCI_MODEL_MEDIATYPE_UNKNOWN, "%s has %s '%.200s', which %s "
		    "does not define: no loader of it is known to read it", what,
		    strcmp(what, "the manifest") ? "media type" : "artifactType", mt,
		    kind_name[m->kind]);
}

/* The kind from artifactType, then the config's media type; types of a model namespace no
 * table knows are reported. */
static void
classify(struct mcheck *m, json_t *doc)
{
	const char *at = json_string_value(json_object_get(doc, "artifactType"));
	const char *cm = json_string_value(json_object_get(json_object_get(doc, "config"),
	    "mediaType"));
	long a = doctype(at, 0), c = doctype(cm, 1);

	if (a >= 0)
		m->kind = doctypes[a].kind;
	else if (c >= 0)
		m->kind = doctypes[c].kind;
	if (c >= 0 && doctypes[c].kind == m->kind)
		m->docker_v02 = doctypes[c].docker_v02;
	if (at && a < 0 && in_namespace(at))
		unknown_type(m, at, "the manifest");
	if (cm && c < 0 && in_namespace(cm))
		unknown_type(m, cm, "the config");
	/* ModelPack names its config type; a model whose config is of another kind or none is
	 * read by no ModelPack loader as the manifest says. */
	if (a >= 0 && cm && (c < 0 || doctypes[c].kind != m->kind))
		mv_oci_report(m->manifest, MV_R_OCI_MODEL_CONFIG_INVALID, "the artifactType says %s, but the "
		    "config's media type is '%.200s'", kind_name[m->kind], cm);
}

/* The path a layer's annotation gives: relative, normalised, with no byte a file system or
 * a terminal takes otherwise, and no other layer's. */
static void
check_path(struct mcheck *m, struct mv_item *at, size_t k, const char *p, size_t n)
{
	int esc = mv_name_escapes(p, n), found = 0;
	char *fold;

	if (esc) {
		mv_oci_report(at, MV_R_OCI_MODEL_PATH_TRAVERSAL, "layer %zu's " PATH_KEY " '%.200s' %s: a "
		    "loader writing the file there leaves the model's folder", k, p,
		    esc == 1 ? "is an absolute path" : "climbs out with ..");
	} else {
		const char *why = NULL;

		for (size_t i = 0; i < n && why == NULL; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				why = "holds a control character";
		if (why == NULL && n == 0)
			why = "is empty";
		if (why == NULL && memchr(p, '\\', n))
			why = "holds a backslash, which Windows takes as a folder separator";
		if (why == NULL && (p[n - 1] == '/' || strstr(p, "//") || strncmp(p, "./", 2) == 0 ||
		    strstr(p, "/./") || strcmp(p, ".") == 0 ||
		    (n >= 2 && strcmp(p + n - 2, "/.") == 0)))
			why = "is not normalised (an empty or '.' component)";
		if (why)
			mv_oci_report(at, MV_R_OCI_MODEL_PATH_INVALID, "layer %zu's " PATH_KEY " '%.200s' %s",
			    k, p, why);
	}
	if (mv_strset_add(&m->paths, p, n, &found) != MV_OK) {
		m->nomem = 1;
		return;
	}
	if (found) {
		mv_oci_report(at, MV_R_OCI_MODEL_PATH_DUPLICATE, "layer %zu gives the " PATH_KEY " '%.200s' "
		    "an earlier layer gives: which file a loader keeps depends on the order it writes "
		    "them", k, p);
		return;
	}
	if ((fold = mv_name_fold(p, n)) == NULL) {
		m->nomem = 1;
		return;
	}
	if (mv_strset_add(&m->folded, fold, strlen(fold), &found) != MV_OK)
		m->nomem = 1;
	else if (found)
		mv_oci_report(at, MV_R_OCI_MODEL_PATH_COLLISION, "layer %zu's " PATH_KEY " '%.200s' names "
		    "the file of an earlier layer on a file system that ignores case or folds "
		    "names", k, p);
	free(fold);
}

static struct mv_oci_claim *
claim_add(struct mv_item *layer)
{
	struct mv_oci_claims *c = layer->oci;

	if (c == NULL && (c = layer->oci = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (MV_ARRAY_RESERVE(c->v, c->cap, c->n + 1, SIZE_MAX / sizeof(*c->v)) != 0)
		return NULL;
	return &c->v[c->n++];
}

/* Formats that are pickles, or zips of them, as a model config's format names them. */
static int
format_pickles(const char *f)
{
	static const char *const pickles[] = {"pt", "pth", "pytorch", "torch", "pickle", "pkl",
	    "bin", "ckpt", "joblib", "sklearn"};

	for (size_t k = 0; k < sizeof(pickles) / sizeof(pickles[0]); k++)
		if (strcasecmp(f, pickles[k]) == 0)
			return 1;
	return 0;
}

/* The config's DiffIDs: ModelPack's modelfs.diffIds, Docker's rootfs.diff_ids. NULL when the
 * config gives none (a finding when it must). */
static json_t *
config_diffids(struct mcheck *m, struct mv_item *cfg, json_t *config)
{
	json_t *fs, *ids;
	const char *fmt;

	fmt = json_string_value(json_object_get(json_object_get(config, "config"), "format"));
	m->no_pickle = fmt && *fmt && !format_pickles(fmt);
	if (m->kind == K_DOCKER) {
		fs = json_object_get(config, "rootfs");
		ids = json_object_get(fs, "diff_ids");
		if (fs && !json_is_array(ids))
			mv_oci_report(cfg, MV_R_OCI_MODEL_CONFIG_INVALID, "the model config's rootfs has no "
			    "diff_ids array");
		return json_is_array(ids) ? ids : NULL;
	}
	if (!json_is_object(json_object_get(config, "descriptor")) ||
	    !json_is_object(json_object_get(config, "config")))
		mv_oci_report(cfg, MV_R_OCI_MODEL_CONFIG_INVALID, "the ModelPack config lacks its "
		    "descriptor or config object");
	fs = json_object_get(config, "modelfs");
	ids = json_object_get(fs, "diffIds");
	if (!json_is_object(fs) ||
	    strcmp(json_string_value(json_object_get(fs, "type")) ?
	    json_string_value(json_object_get(fs, "type")) : "", "layers") != 0 ||
	    !json_is_array(ids)) {
		mv_oci_report(cfg, MV_R_OCI_MODEL_CONFIG_INVALID, "the ModelPack config has no modelfs of "
		    "type \"layers\" with a diffIds array: nothing ties the layers to the model");
		return NULL;
	}
	return ids;
}

/* DiffID k against layer k: compared now when the layer is stored as it is and both are of
 * one algorithm, else left on the layer's claim for its read. */
static void
check_diffid(struct mcheck *m, struct mv_item *cfg, json_t *ids, size_t k, json_t *desc,
    struct mv_item *layer, struct mv_oci_claim *c)
{
	const char *did = json_string_value(json_array_get(ids, k));
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	char a1[16], a2[16];
	const char *h1, *h2;

	if (did == NULL || !mv_oci_digest_split(did, a1, sizeof(a1), &h1)) {
		mv_oci_report(cfg, MV_R_OCI_MODEL_CONFIG_INVALID, "DiffID %zu of the model config is not "
		    "a sha256 or sha512 digest", k);
		return;
	}
	if (layer == NULL || digest == NULL || !mv_oci_digest_split(digest, a2, sizeof(a2), &h2))
		return;          /* the layout reader reports the layer */
	/* modctl writes the layer digest as the DiffID even of a compressed layer: that ties
	 * the same bytes, so it is taken as well. */
	if (strcmp(a1, a2) == 0 && strcmp(h1, h2) == 0)
		return;
	if (strcmp(a1, a2) == 0 && c && c->enc != MV_OCI_ENC_GZIP && c->enc != MV_OCI_ENC_ZSTD) {
		mv_oci_report(layer, MV_R_OCI_MODEL_DIFFID_MISMATCH, "layer %zu is %s, but the model "
		    "config's DiffID for it is %s: the config describes other files", k, digest, did);
		return;
	}
	if (c && (c->diffid = mv_strdup(did)) == NULL)
		m->nomem = 1;
}

void
mv_ocimodel_check(struct mv_item *manifest, json_t *doc, struct mv_item *config_item,
    json_t *config, struct mv_item **layers, size_t nlayers)
{
	struct mcheck m = {.manifest = manifest};
	json_t *descs = json_object_get(doc, "layers"), *ids = NULL;

	mv_strset_init(&m.unknown);
	mv_strset_init(&m.paths);
	mv_strset_init(&m.folded);
	classify(&m, doc);
	if (m.kind != K_NONE && config && config_item)
		ids = config_diffids(&m, config_item, config);
	if (ids && json_array_size(ids) != nlayers)
		mv_oci_report(config_item, MV_R_OCI_MODEL_DIFFID_MISMATCH, "the model config lists %zu "
		    "DiffIDs for %zu layers: a loader pairing them in order checks the wrong files",
		    json_array_size(ids), nlayers);
	for (size_t k = 0; k < nlayers; k++) {
		json_t *d = json_array_get(descs, k), *ann = json_object_get(d, "annotations");
		const char *mt = json_string_value(json_object_get(d, "mediaType"));
		json_t *path = json_object_get(ann, PATH_KEY);
		struct mv_item *at = layers[k] ? layers[k] : manifest;
		struct mv_oci_claim *c = NULL;
		struct ltype lt = {0};
		int known;

		if (mt == NULL)
			continue;        /* the layout reader reports the descriptor */
		if (path == NULL)
			path = json_object_get(ann, PATH_KEY_LEGACY);
		if (path && !json_is_string(path))
			mv_oci_report(at, MV_R_OCI_MODEL_PATH_INVALID, "layer %zu's " PATH_KEY " is not a "
			    "string", k);
		else if (path)
			check_path(&m, at, k, json_string_value(path), json_string_length(path));
		if (m.kind == K_NONE) {
			if (in_namespace(mt) && !known_type(mt))
				unknown_type(&m, mt, "a layer");
			continue;
		}
		known = layer_type(m.kind, mt, &lt);
		if (!known && strcmp(mt, EMPTY_TYPE) != 0)
			unknown_type(&m, mt, "a layer");
		mv_ocimeta_check(at, k, d, json_is_string(path) ? json_string_value(path) : NULL,
		    known && lt.one_file && lt.enc == MV_OCI_ENC_RAW);
		if (path == NULL && known && lt.one_file &&
		    (m.kind == K_MODELPACK || (m.kind == K_DOCKER && m.docker_v02)))
			mv_oci_report(at, MV_R_OCI_MODEL_PATH_MISSING, "layer %zu (%.200s) is one file of %s "
			    "but has no " PATH_KEY " annotation: no loader can tell where it goes", k,
			    mt, kind_name[m.kind]);
		if (layers[k] == NULL) {
			if (ids && k < json_array_size(ids))
				check_diffid(&m, config_item, ids, k, d, NULL, NULL);
			continue;
		}
		if ((c = claim_add(layers[k])) == NULL) {
			m.nomem = 1;
			continue;
		}
		c->enc = known ? lt.enc : MV_OCI_ENC_ANY;
		c->want = lt.want;
		c->no_pickle = lt.is_weight && m.no_pickle;
		c->media_type = mv_strdup(mt);
		c->where = mv_asprintf("layer %zu of %s", k, manifest->top.name);
		if (c->media_type == NULL || c->where == NULL)
			m.nomem = 1;
		if (ids && k < json_array_size(ids))
			check_diffid(&m, config_item, ids, k, d, layers[k], c);
	}
	if (m.nomem)
		mv_oci_report(manifest, MV_R_ANALYSIS_INCOMPLETE, "out of memory: the model checks of the "
		    "manifest are incomplete");
	mv_strset_free(&m.unknown);
	mv_strset_free(&m.paths);
	mv_strset_free(&m.folded);
}

int
mv_ocimodel_wants_config(json_t *doc)
{
	const char *at = json_string_value(json_object_get(doc, "artifactType"));
	const char *cm = json_string_value(json_object_get(json_object_get(doc, "config"),
	    "mediaType"));
	long c = doctype(cm, 1), a = doctype(at, 0);

	return c >= 0 && doctypes[c].diffids && (a < 0 || doctypes[a].kind == doctypes[c].kind);
}

void
mv_oci_claims_free(struct mv_oci_claims *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].media_type);
		free(c->v[i].where);
		free(c->v[i].diffid);
	}
	free(c->v);
	free(c);
}
