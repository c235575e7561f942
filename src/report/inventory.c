/* SPDX-License-Identifier: Apache-2.0 */
/* inventory.c: entries and findings as JSON. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/str.h"
#include "report/inventory.h"
#include "report/jsonw.h"

json_t *
mv_json_bytes(const char *s)
{
	size_t n = strlen(s);
	char *esc;
	json_t *j;

	if (mv_utf8_valid(s, n))
		return json_stringn(s, n);
	if ((esc = mv_str_escape(s, n)) == NULL)
		return NULL;
	j = json_string(esc);
	free(esc);
	return j;
}

static void
digests(struct mv_jw *w, const struct mv_digest *d, unsigned n)
{
	char hex[2 * MV_DIGEST_MAX + 1];

	mv_jw_open(w, '{');
	for (unsigned i = 0; i < n; i++) {
		if (d[i].len == 0)
			continue;
		mv_digest_hex(&d[i], hex);
		mv_jw_key(w, mv_hash_name(d[i].alg));
		mv_jw_str(w, hex);
	}
	mv_jw_close(w, '}');
}

void
mv_jw_entry(struct mv_jw *w, const struct mv_entry *e)
{
	mv_jw_open(w, '{');
	mv_jw_key(w, "path");
	mv_jw_str(w, e->path);
	mv_jw_key(w, "name");
	mv_jw_str(w, e->name);
	mv_jw_key(w, "input");
	mv_jw_str(w, e->input);
	mv_jw_key(w, "type");
	mv_jw_str(w, mv_entry_type_name(e->type));
	mv_jw_key(w, "depth");
	mv_jw_int(w, e->depth);
	mv_jw_key(w, "size");
	mv_jw_int(w, (long long)e->size);
	if (e->format) {
		mv_jw_key(w, "format");
		mv_jw_str(w, e->format);
	}
	if (e->link) {
		mv_jw_key(w, "link");
		mv_jw_str(w, e->link);
	}
	if (e->title) {
		mv_jw_key(w, "title");
		mv_jw_str(w, e->title);
	}
	if (e->ndigest) {
		mv_jw_key(w, "digests");
		digests(w, e->digest, e->ndigest);
	}
	if (e->nshard) {
		mv_jw_key(w, "shards");
		mv_jw_open(w, '[');
		for (size_t k = 0; k < e->nshard; k++) {
			mv_jw_open(w, '{');
			mv_jw_key(w, "start");
			mv_jw_int(w, (long long)e->shard[k].start);
			mv_jw_key(w, "end");
			mv_jw_int(w, (long long)e->shard[k].end);
			mv_jw_key(w, "digests");
			digests(w, e->shard[k].digest, MV_HASH_MAX);
			mv_jw_close(w, '}');
		}
		mv_jw_close(w, ']');
	}
	if (e->flags & MV_ENTRY_CONTAINER) {
		mv_jw_key(w, "archive");
		mv_jw_bool(w, 1);
	}
	if (e->flags & MV_ENTRY_INCOMPLETE) {
		mv_jw_key(w, "incomplete");
		mv_jw_bool(w, 1);
	}
	mv_jw_close(w, '}');
}

void
mv_jw_head(struct mv_jw *w, const char *kind, const struct mv_result *res, json_t *sig)
{
	mv_jw_open(w, '{');
	mv_jw_key(w, "mavis");
	mv_jw_str(w, mv_version());
	mv_jw_key(w, "schema_version");
	mv_jw_int(w, MV_JSON_SCHEMA_VERSION);
	mv_jw_key(w, "kind");
	mv_jw_str(w, kind);
	if (sig) {
		mv_jw_key(w, "signatures");
		mv_jw_json(w, sig);
	}
	mv_jw_key(w, "inputs");
	mv_jw_open(w, '[');
	for (size_t i = 0; i < mv_result_input_count(res); i++)
		mv_jw_str(w, mv_result_input(res, i));
	mv_jw_close(w, ']');
	for (size_t i = 0; i < mv_result_input_count(res); i++) {
		if (mv_result_source(res, i) == NULL)
			continue;
		/* Only when some input has one, so other documents keep their layout. */
		mv_jw_key(w, "sources");
		mv_jw_open(w, '[');
		for (size_t k = 0; k < mv_result_input_count(res); k++)
			mv_jw_json(w, mv_json_source(mv_result_source(res, k)));
		mv_jw_close(w, ']');
		break;
	}
	/* Only when some input ships attestations, so other documents keep their layout. */
	if (mv_result_provenance_count(res)) {
		mv_jw_key(w, "provenance");
		mv_jw_open(w, '[');
		for (size_t i = 0; i < mv_result_provenance_count(res); i++)
			mv_jw_json(w, mv_json_provenance(mv_result_provenance(res, i)));
		mv_jw_close(w, ']');
	}
}

static void
opt_str(json_t *o, const char *key, const char *v)
{
	json_object_set_new(o, key, v ? mv_json_bytes(v) : json_null());
}

json_t *
mv_json_provenance(const struct mv_provenance *p)
{
	json_t *o = json_object(), *src = json_object(), *deps = json_array();

	if (o == NULL || src == NULL || deps == NULL) {
		json_decref(o);
		json_decref(src);
		json_decref(deps);
		return NULL;
	}
	opt_str(o, "input", p->input);
	opt_str(o, "file", p->file);
	json_object_set_new(o, "state", json_string(mv_attest_state_name(p->state)));
	opt_str(o, "signer", p->signer);
	opt_str(o, "predicate_type", p->predicate_type);
	opt_str(o, "builder", p->builder);
	opt_str(o, "build_type", p->build_type);
	opt_str(src, "repository", p->source_repo);
	opt_str(src, "commit", p->source_commit);
	json_object_set_new(o, "source", src);
	json_object_set_new(o, "subjects", json_integer((json_int_t)p->nsubjects));
	json_object_set_new(o, "subjects_matched", json_integer((json_int_t)p->nmatched));
	for (size_t i = 0; i < p->ndeps; i++) {
		json_t *d = json_object();

		opt_str(d, "name", p->deps[i].name);
		opt_str(d, "uri", p->deps[i].uri);
		opt_str(d, "digest", p->deps[i].digest);
		json_object_set_new(d, "kind", json_string(p->deps[i].kind));
		json_array_append_new(deps, d);
	}
	json_object_set_new(o, "dependencies", deps);
	return o;
}

char *
mv_source_url(const struct mv_source *s)
{
	const char *kind = "";

	if (s == NULL || s->repo == NULL || s->commit == NULL || s->repo_type == NULL)
		return NULL;
	if (strcmp(s->repo_type, "dataset") == 0)
		kind = "datasets/";
	else if (strcmp(s->repo_type, "space") == 0)
		kind = "spaces/";
	return mv_asprintf("https://huggingface.co/%s%s/tree/%s", kind, s->repo, s->commit);
}

json_t *
mv_json_source(const struct mv_source *s)
{
	const char *const keys[] = {"kind", "uri", "repo_type", "repo", "revision", "commit",
	    "path"};
	const char *vals[7];
	json_t *o;
	char *url;

	if (s == NULL)
		return json_null();
	vals[0] = s->kind;
	vals[1] = s->uri;
	vals[2] = s->repo_type;
	vals[3] = s->repo;
	vals[4] = s->revision;
	vals[5] = s->commit;
	vals[6] = s->path;
	if ((o = json_object()) == NULL)
		return NULL;
	for (size_t i = 0; i < 7; i++)
		json_object_set_new(o, keys[i], vals[i] ? mv_json_bytes(vals[i]) : json_null());
	if ((url = mv_source_url(s)) != NULL)
		json_object_set_new(o, "url", json_string(url));
	free(url);
	return o;
}

void
mv_jw_entries(struct mv_jw *w, const struct mv_result *res)
{
	mv_jw_key(w, "entries");
	mv_jw_open(w, '[');
	for (size_t i = 0; i < mv_result_entry_count(res); i++)
		mv_jw_entry(w, mv_result_entry(res, i));
	mv_jw_close(w, ']');
}

json_t *
mv_json_finding(const struct mv_finding *f)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "rule", json_string(f->rule));
	json_object_set_new(o, "severity", json_string(mv_severity_name(f->severity)));
	json_object_set_new(o, "path", mv_json_bytes(f->path));
	if (f->offset >= 0)
		json_object_set_new(o, "offset", json_integer(f->offset));
	json_object_set_new(o, "evidence", mv_json_bytes(f->evidence));
	return o;
}

/* {"mavis": ..., "kind": "inventory", "inputs": [...], "entries": [...], "findings": [...],
 * "incomplete": bool}: what mavis hash --format json prints, streamed. */
mv_status
mv_inventory_write_json(struct mv_ctx *ctx, const struct mv_result *res, FILE *out)
{
	struct mv_jw *w = malloc(sizeof(*w));
	json_t *fs = json_array();
	mv_status st;

	if (w == NULL || fs == NULL) {
		free(w);
		json_decref(fs);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < mv_result_finding_count(res); i++)
		json_array_append_new(fs, mv_json_finding(mv_result_finding(res, i)));
	mv_jw_init(w, out);
	mv_jw_head(w, "inventory", res, NULL);
	mv_jw_entries(w, res);
	mv_jw_key(w, "findings");
	mv_jw_json(w, fs);
	mv_jw_key(w, "incomplete");
	mv_jw_bool(w, mv_result_incomplete(res));
	mv_jw_close(w, '}');
	st = mv_jw_finish(w);
	free(w);
	if (st != MV_OK)
		return mv_ctx_fail(ctx, st, "cannot write the report");
	return MV_OK;
}
