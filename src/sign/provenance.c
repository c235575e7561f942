/* SPDX-License-Identifier: Apache-2.0 */
/* provenance.c: what an attestation's predicate says about the build: the builder, the
 * source repository and commit, and the resolved dependencies of SLSA provenance v1 and
 * v0.2. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/ctx.h"
#include "core/str.h"
#include "sign/sign.h"
#include "core/result.h"

/* Dependencies kept of one attestation: a build lists its inputs, not thousands. */
#define MAX_DEPS 256

/* A string member, or NULL (absent, not a string, or holding a NUL). */
static const char *
text(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
	    json_string_length(v) == 0)
		return NULL;
	return json_string_value(v);
}

static int
set(const char **field, const char *v)
{
	if (v == NULL || *field != NULL)
		return 0;
	return (*field = mv_strdup(v)) == NULL ? -1 : 0;
}

/* "git+https://host/org/repo@refs/heads/main" names the repository https://host/org/repo. */
static char *
repo_of(const char *uri)
{
	const char *s = strncmp(uri, "git+", 4) == 0 ? uri + 4 : uri;
	const char *host = strstr(s, "://"), *path, *at;

	path = host ? strchr(host + 3, '/') : NULL;
	at = path ? strchr(path, '@') : NULL;
	return at ? mv_strndup(s, (size_t)(at - s)) : mv_strdup(s);
}

static int
contains(const char *s, const char *what)
{
	return s && strstr(s, what) != NULL;
}

/* What a dependency is: the producer's annotation when it says, else its address. */
static const char *
kind_of(json_t *rd, const char *uri, const char *name, int git)
{
	json_t *an = json_object_get(rd, "annotations");
	const char *k = text(an, "kind") ? text(an, "kind") : text(an, "type");

	if (contains(k, "dataset") || contains(k, "data"))
		return "dataset";
	if (contains(k, "model"))
		return "model";
	if (contains(k, "source") || contains(k, "code"))
		return "source";
	if (contains(uri, "hf://datasets/") || contains(uri, "huggingface.co/datasets/") ||
	    contains(name, "datasets/"))
		return "dataset";
	if (git || (uri && strncmp(uri, "git+", 4) == 0))
		return "source";
	if (contains(uri, "hf://") || contains(uri, "huggingface.co/"))
		return "model";
	return "other";
}

/* One ResourceDescriptor (v1) or material (v0.2) as a dependency; the first git commit
 * among them is the source. */
static mv_status
add_dep(struct mv_provenance *p, struct mv_dependency *v, json_t *rd)
{
	json_t *dig = json_object_get(rd, "digest");
	const char *uri = text(rd, "uri"), *name = text(rd, "name");
	const char *commit = text(dig, "gitCommit"), *alg = NULL, *hex = NULL;
	struct mv_dependency *d = &v[p->ndeps];
	json_t *val;
	const char *k;

	if (!json_is_object(rd))
		return MV_OK;
	if (commit == NULL && uri && strncmp(uri, "git+", 4) == 0)
		commit = text(dig, "sha1");
	if ((hex = text(dig, "sha256")) != NULL) {
		alg = "sha256";
	} else {
		json_object_foreach(dig, k, val) {
			if (json_is_string(val) && strlen(json_string_value(val)) ==
			    json_string_length(val)) {
				alg = k;
				hex = json_string_value(val);
				break;
			}
		}
	}
	memset(d, 0, sizeof(*d));
	d->kind = kind_of(rd, uri, name, commit != NULL);
	/* Counted first, so that what was copied is freed whatever fails next. */
	p->ndeps++;
	if (set(&d->name, name) || set(&d->uri, uri) ||
	    (hex && (d->digest = mv_asprintf("%s:%s", alg, hex)) == NULL))
		return MV_ERR_NOMEM;
	if (commit && p->source_commit == NULL) {
		if (p->source_repo == NULL && uri && (p->source_repo = repo_of(uri)) == NULL)
			return MV_ERR_NOMEM;
		if (set(&p->source_commit, commit))
			return MV_ERR_NOMEM;
	}
	return MV_OK;
}

static mv_status
add_deps(struct mv_provenance *p, json_t *list)
{
	struct mv_dependency *v;
	size_t n = json_array_size(list);
	mv_status st = MV_OK;

	if (n == 0)
		return MV_OK;
	if (n > MAX_DEPS)
		n = MAX_DEPS;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return MV_ERR_NOMEM;
	p->deps = v;
	for (size_t i = 0; i < n && st == MV_OK; i++)
		st = add_dep(p, v, json_array_get(list, i));
	return st;
}

mv_status
mv_provenance_read(const struct mv_intoto *s, struct mv_provenance *p)
{
	json_t *pred = (json_t *)s->predicate;
	const char *pt = s->predicate_type;
	mv_status st = MV_OK;

	if (set(&p->predicate_type, pt))
		return MV_ERR_NOMEM;
	if (!json_is_object(pred))
		return MV_OK;
	if (strncmp(pt, "https://slsa.dev/provenance/v1", 30) == 0) {
		json_t *bd = json_object_get(pred, "buildDefinition");
		json_t *wf = json_object_get(json_object_get(bd, "externalParameters"), "workflow");

		if (set(&p->builder, text(json_object_get(json_object_get(pred, "runDetails"),
		    "builder"), "id")) || set(&p->build_type, text(bd, "buildType")))
			return MV_ERR_NOMEM;
		st = add_deps(p, json_object_get(bd, "resolvedDependencies"));
		/* GitHub Actions build types name the repository in the workflow. */
		if (st == MV_OK && set(&p->source_repo, text(wf, "repository")))
			st = MV_ERR_NOMEM;
	} else if (strncmp(pt, "https://slsa.dev/provenance/v0.", 31) == 0) {
		json_t *cs = json_object_get(json_object_get(pred, "invocation"), "configSource");

		if (set(&p->builder, text(json_object_get(pred, "builder"), "id")) ||
		    set(&p->build_type, text(pred, "buildType")))
			return MV_ERR_NOMEM;
		/* The configuration's source is the repository built. */
		if (json_is_object(cs) && text(cs, "uri")) {
			json_t *dig = json_object_get(cs, "digest");
			const char *commit = text(dig, "gitCommit") ? text(dig, "gitCommit") :
			    text(dig, "sha1");

			if ((p->source_repo = repo_of(text(cs, "uri"))) == NULL ||
			    set(&p->source_commit, commit))
				return MV_ERR_NOMEM;
		}
		st = add_deps(p, json_object_get(pred, "materials"));
	}
	return st;
}
