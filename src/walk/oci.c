/* SPDX-License-Identifier: Apache-2.0 */
/* oci.c: a folder holding an OCI image layout (oci-layout, index.json, blobs/<alg>/<hex>),
 * the form in which ORAS, KitOps, CNCF ModelPack and Docker model artifacts sit on disk. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/ctx.h"
#include "core/file.h"
#include "core/jsonutil.h"
#include "core/ocidesc.h"
#include "core/str.h"
#include "walk/walk.h"

/* What a descriptor's blob is to the walk of the layout. */
enum {
	SEEN_NAMED = 1,        /* some descriptor names it */
	SEEN_OPENED = 2        /* read as an index or manifest already (stops loops) */
};

struct oci {
	struct mv_ctx *ctx;              /* for the file reader's error text */
	struct mv_item **items;          /* the items of this input, sorted by name */
	size_t nitems;
	unsigned char *seen;             /* SEEN_* per item */
	unsigned max_depth;              /* indexes within indexes (--max-depth) */
	unsigned json_depth;             /* nesting inside one document (--max-json-depth) */
};

static int
cmp_item_name(const void *a, const void *b)
{
	const struct mv_item *x = *(struct mv_item *const *)a, *y = *(struct mv_item *const *)b;

	return strcmp(x->top.name, y->top.name);
}

static long
find(const struct oci *o, const char *name)
{
	size_t lo = 0, hi = o->nitems;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, o->items[mid]->top.name);

		if (c == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

void
mv_oci_report(struct mv_item *at, enum mv_rule r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)mv_findings_vadd(&at->walk, r, at->top.path, -1, fmt, ap);
	va_end(ap);
}

/* Read the JSON document of item it (a regular file the directory walk vetted: never a link
 * out of the package). NULL with a finding of rule r on it when it is no usable JSON object. */
static json_t *
load_as(struct oci *o, struct mv_item *it, const char *what, enum mv_rule r)
{
	unsigned char *buf = NULL;
	json_t *j = NULL;
	char err[256];
	size_t len = 0;
	int dup = 0;
	mv_status st;

	if (it->remote && it->top.size > MV_OCI_JSON_MAX) {
		/* A registry's document its descriptor says is too large: not fetched as one. */
		mv_oci_report(it, r, "%s is larger than the %u bytes a registry "
		    "accepts; not read", what, MV_OCI_JSON_MAX);
		return NULL;
	}
	if (it->mem == NULL && (it->top.type != MV_ENTRY_FILE || it->fspath == NULL)) {
		mv_oci_report(it, r, "%s is not a regular file of the layout; not read",
		    what);
		return NULL;
	}
	/* A registry's document was fetched already, no larger than the limit. */
	if (it->mem == NULL &&
	    (st = mv_file_read(o->ctx, it->fspath, MV_OCI_JSON_MAX, &buf, &len)) != MV_OK) {
		if (st == MV_ERR_LIMIT)
			mv_oci_report(it, r, "%s is larger than the %u bytes a "
			    "registry accepts; not read", what, MV_OCI_JSON_MAX);
		else
			mv_oci_report(it, st == MV_ERR_NOMEM ? MV_R_ANALYSIS_INCOMPLETE : MV_R_WALK_READ_ERROR,
			    "cannot read %s: %s", what, mv_ctx_error(o->ctx));
		return NULL;
	}
	if (mv_json_load(it->mem ? it->mem : buf, it->mem ? it->memlen : len, o->json_depth, 0,
	    &j, &dup, err, sizeof(err)) != MV_OK) {
		mv_oci_report(it, r, "%s is not valid JSON: %s", what, err);
		goto done;
	}
	if (dup)
		mv_oci_report(it, r, "%s repeats an object key: clients may read "
		    "different values", what);
	if (!json_is_object(j)) {
		mv_oci_report(it, r, "%s is not a JSON object", what);
		json_decref(j);
		j = NULL;
	}
done:
	free(buf);
	return j;
}

static json_t *
load(struct oci *o, struct mv_item *it, const char *what)
{
	return load_as(o, it, what, MV_R_OCI_LAYOUT_INVALID);
}

static const char *
title_of(json_t *desc)
{
	json_t *ann = json_object_get(desc, "annotations");
	const char *keys[] = {"org.opencontainers.image.title", "org.cncf.model.filepath"};

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *t = json_string_value(json_object_get(ann, keys[k]));

		if (t && *t)
			return t;
	}
	return NULL;
}

static void open_document(struct oci *o, long i, int index, unsigned depth);

/* One descriptor of the document held by item from: its blob must be in the layout with the
 * size it gives. Index and manifest blobs are read in turn. Returns the blob's place in
 * o->items, or -1 when the layout has none. */
static long
descriptor(struct oci *o, struct mv_item *from, json_t *d, const char *field, unsigned depth)
{
	const char *mt = json_string_value(json_object_get(d, "mediaType"));
	const char *digest = json_string_value(json_object_get(d, "digest"));
	json_t *size = json_object_get(d, "size");
	const char *hex, *title;
	char alg[16], *name;
	struct mv_item *blob;
	long i;

	if (!json_is_object(d) || mt == NULL || digest == NULL || !json_is_integer(size) ||
	    json_integer_value(size) < 0) {
		mv_oci_report(from, MV_R_OCI_LAYOUT_INVALID, "a descriptor in %s lacks a mediaType, digest "
		    "or size", field);
		return -1;
	}
	if (!mv_oci_digest_split(digest, alg, sizeof(alg), &hex)) {
		mv_oci_report(from, MV_R_OCI_DIGEST_INVALID, "descriptor in %s names '%s': not a sha256 or "
		    "sha512 digest, so it names no blob of the layout", field, digest);
		return -1;
	}
	if ((name = mv_asprintf("blobs/%s/%s", alg, hex)) == NULL) {
		mv_oci_report(from, MV_R_ANALYSIS_INCOMPLETE, "out of memory");
		return -1;
	}
	title = title_of(d);
	i = find(o, name);
	free(name);
	if (i < 0) {
		mv_oci_report(from, MV_R_OCI_BLOB_MISSING, "%s names %s%s%s%s (%s, %lld bytes), which the "
		    "layout does not hold", field, digest, title ? " '" : "", title ? title : "",
		    title ? "'" : "", mt, (long long)json_integer_value(size));
		return -1;
	}
	blob = o->items[i];
	o->seen[i] |= SEEN_NAMED;
	if (title && blob->top.title == NULL)
		blob->top.title = mv_strdup(title);
	if (blob->top.type == MV_ENTRY_FILE && blob->top.size != (uint64_t)json_integer_value(size))
		mv_oci_report(blob, MV_R_OCI_BLOB_SIZE, "%s of %s gives %lld bytes for it; the blob holds "
		    "%llu", field, from->top.name, (long long)json_integer_value(size),
		    (unsigned long long)blob->top.size);
	if (mv_oci_is_index(mt) || mv_oci_is_manifest(mt))
		open_document(o, i, mv_oci_is_index(mt), depth + 1);
	return i;
}

/* The descriptors of doc's array field; blobs[k] is set to the blob of descriptor k (NULL when
 * the layout has none) when blobs is given, with room for the array's size. */
static void
descriptors(struct oci *o, struct mv_item *it, json_t *doc, const char *field, unsigned depth,
    struct mv_item **blobs)
{
	json_t *a = json_object_get(doc, field), *d;
	size_t k;

	if (!json_is_array(a)) {
		mv_oci_report(it, MV_R_OCI_LAYOUT_INVALID, "'%s' is %s, not an array of descriptors", field,
		    a ? "something else" : "missing");
		return;
	}
	json_array_foreach(a, k, d) {
		long i = descriptor(o, it, d, field, depth);

		if (blobs)
			blobs[k] = i >= 0 ? o->items[i] : NULL;
	}
}

/* An image manifest (config, layers[]): its blobs, then the model checks over them. */
static void
open_manifest(struct oci *o, struct mv_item *it, json_t *doc, unsigned depth)
{
	json_t *cfg = json_object_get(doc, "config"), *layers = json_object_get(doc, "layers");
	json_t *config = NULL;
	size_t n = json_is_array(layers) ? json_array_size(layers) : 0;
	struct mv_item **blobs = NULL, *cfg_item = NULL;
	long ci = -1;

	if (cfg)
		ci = descriptor(o, it, cfg, "config", depth);
	else
		mv_oci_report(it, MV_R_OCI_LAYOUT_INVALID, "the manifest has no config descriptor");
	if (n && (blobs = calloc(n, sizeof(*blobs))) == NULL) {
		mv_oci_report(it, MV_R_ANALYSIS_INCOMPLETE, "out of memory");
		return;
	}
	descriptors(o, it, doc, "layers", depth, blobs);
	if (ci >= 0) {
		cfg_item = o->items[ci];
		if (mv_ocimodel_wants_config(doc))
			config = load_as(o, cfg_item, "the model config", MV_R_OCI_MODEL_CONFIG_INVALID);
	}
	if (json_is_array(layers))
		mv_ocimodel_check(it, doc, cfg_item, config, blobs, n);
	json_decref(config);
	free(blobs);
}

/* An image index (manifests[]) or an image manifest (config, layers[]). */
static void
open_document(struct oci *o, long i, int index, unsigned depth)
{
	struct mv_item *it = o->items[i];
	json_t *doc, *v;

	if (o->seen[i] & SEEN_OPENED)
		return;
	o->seen[i] |= SEEN_OPENED;
	if (depth > o->max_depth) {
		mv_oci_report(it, MV_R_LIMIT_DEPTH_EXCEEDED, "indexes nested more than %u deep (--max-depth);"
		    " not read", o->max_depth);
		return;
	}
	if ((doc = load(o, it, index ? "the image index" : "the image manifest")) == NULL)
		return;
	v = json_object_get(doc, "schemaVersion");
	if (!json_is_integer(v) || json_integer_value(v) != 2)
		mv_oci_report(it, MV_R_OCI_LAYOUT_INVALID, "schemaVersion is not 2");
	if (index)
		descriptors(o, it, doc, "manifests", depth, NULL);
	else
		open_manifest(o, it, doc, depth);
	json_decref(doc);
}

static int
has_file(const char *dir, const char *name)
{
	char *p = mv_path_join(dir, name);
	struct stat st;
	int ok = p && lstat(p, &st) == 0;

	free(p);
	return ok;
}

mv_status
mv_oci_check(struct mv_run *run, const char *root, size_t first)
{
	if (!has_file(root, "oci-layout"))
		return MV_OK;
	return mv_oci_check_items(run, first);
}

mv_status
mv_oci_check_items(struct mv_run *run, size_t first)
{
	struct oci o = {.ctx = run->ctx};
	json_t *layout;
	const char *ver;
	long li, ii;
	mv_status st = MV_OK;

	if (run->nitems <= first)
		return MV_OK;
	o.nitems = run->nitems - first;
	o.max_depth = (unsigned)run->limit[MV_LIMIT_DEPTH];
	o.json_depth = (unsigned)run->limit[MV_LIMIT_JSON_DEPTH];
	if ((o.items = malloc(o.nitems * sizeof(*o.items))) == NULL ||
	    (o.seen = calloc(o.nitems, 1)) == NULL) {
		st = MV_ERR_NOMEM;
		goto done;
	}
	memcpy(o.items, run->items + first, o.nitems * sizeof(*o.items));
	qsort(o.items, o.nitems, sizeof(*o.items), cmp_item_name);
	if ((li = find(&o, "oci-layout")) < 0)
		goto done;      /* left out with --ignore-paths */
	if ((layout = load(&o, o.items[li], "oci-layout")) != NULL) {
		ver = json_string_value(json_object_get(layout, "imageLayoutVersion"));
		if (ver == NULL || strcmp(ver, "1.0.0") != 0)
			mv_oci_report(o.items[li], MV_R_OCI_LAYOUT_INVALID, "imageLayoutVersion is %s%s%s, "
			    "not 1.0.0", ver ? "'" : "", ver ? ver : "missing", ver ? "'" : "");
		json_decref(layout);
	}
	if ((ii = find(&o, "index.json")) < 0) {
		mv_oci_report(o.items[li], MV_R_OCI_LAYOUT_INVALID, "the layout has no index.json, so "
		    "nothing says what it holds");
		goto done;
	}
	open_document(&o, ii, 1, 0);
	for (size_t k = 0; k < o.nitems; k++) {
		struct mv_item *it = o.items[k];

		if (!(o.seen[k] & SEEN_NAMED) && strncmp(it->top.name, "blobs/", 6) == 0)
			mv_oci_report(it, MV_R_OCI_BLOB_UNREFERENCED, "no descriptor reachable from "
			    "index.json names this blob; OCI clients never load it");
	}
done:
	free(o.items);
	free(o.seen);
	return st;
}
