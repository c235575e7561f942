/* SPDX-License-Identifier: Apache-2.0 */
/* statement.c: the in-toto Statement v1 with the model signing predicate, written and read,
 * including the Digests/v0.1 predicate of model_signing 0.2. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/ctx.h"
#include "core/jsonutil.h"
#include "core/str.h"
#include "core/strset.h"
#include "hash/digest.h"
#include "sign/sign.h"

/* ---- writing ---- */

static json_t *
hex_string(const unsigned char *p, unsigned n)
{
	struct mv_digest d;
	char hex[2 * MV_DIGEST_MAX + 1];

	d.len = n;
	memcpy(d.value, p, n);
	mv_digest_hex(&d, hex);
	return json_string(hex);
}

/* Adds to obj and reports whether it worked, consuming v either way. */
static int
put(json_t *obj, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(obj, key, v) == 0;
}

static int
push(json_t *arr, json_t *v)
{
	return v != NULL && json_array_append_new(arr, v) == 0;
}

mv_status
mv_statement_write(struct mv_ctx *ctx, const struct mv_manifest *m, struct mv_buf *out)
{
	json_t *st = json_object(), *subj = json_object(), *dig = json_object();
	json_t *pred = json_object(), *ser = json_object(), *res = json_array();
	json_t *subjects = json_array();
	unsigned char root[32];
	char *text = NULL;
	int ok;
	mv_status rc;

	if ((rc = mv_manifest_root(m, root)) != MV_OK) {
		json_decref(st);
		json_decref(subj);
		json_decref(dig);
		json_decref(pred);
		json_decref(ser);
		json_decref(res);
		json_decref(subjects);
		return mv_ctx_fail(ctx, rc, "cannot compute the root digest");
	}
	/* Key order as model_signing writes the statement; inside the predicate it varies. */
	ok = st && subj && dig && pred && ser && res && subjects;
	ok = ok && put(dig, "sha256", hex_string(root, 32));
	ok = ok && put(subj, "name", json_string(m->model_name ? m->model_name : "model"));
	ok = ok && put(subj, "digest", json_incref(dig));
	ok = ok && push(subjects, json_incref(subj));
	ok = ok && put(ser, "method", json_string(m->shards ? "shards" : "files"));
	ok = ok && put(ser, "hash_type", json_string(mv_hash_name(m->alg)));
	ok = ok && put(ser, "allow_symlinks", json_boolean(m->allow_symlinks));
	if (ok && m->shards)
		ok = put(ser, "shard_size", json_integer((json_int_t)m->shard_size));
	if (ok && m->nignore) {
		json_t *ig = json_array();

		ok = ig != NULL;
		for (size_t i = 0; ok && i < m->nignore; i++)
			ok = push(ig, json_string(m->ignore[i]));
		ok = ok && put(ser, "ignore_paths", json_incref(ig));
		json_decref(ig);
	}
	for (size_t i = 0; ok && i < m->n; i++) {
		json_t *r = json_object();

		/* The specification names the plain hash for shards too (model_signing writes
		 * "sha256-sharded-N"; readers accept both). */
		ok = r && put(r, "name", json_string(m->r[i].name)) &&
		    put(r, "algorithm", json_string(mv_hash_name(m->r[i].alg))) &&
		    put(r, "digest", hex_string(m->r[i].digest, m->r[i].len)) &&
		    push(res, json_incref(r));
		json_decref(r);
	}
	ok = ok && put(pred, "serialization", json_incref(ser));
	ok = ok && put(pred, "resources", json_incref(res));
	ok = ok && put(st, "_type", json_string(MV_OMS_STATEMENT_V1));
	ok = ok && put(st, "subject", json_incref(subjects));
	ok = ok && put(st, "predicateType", json_string(MV_OMS_PREDICATE_V10));
	ok = ok && put(st, "predicate", json_incref(pred));
	/* Indented and ASCII-only like model_signing's payloads; readers must not care. */
	if (ok)
		text = json_dumps(st, JSON_INDENT(2) | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	json_decref(st);
	json_decref(subj);
	json_decref(dig);
	json_decref(pred);
	json_decref(ser);
	json_decref(res);
	json_decref(subjects);
	if (text == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "cannot build the statement (out of memory "
		    "or a name that is not UTF-8)");
	rc = mv_buf_add(out, text, strlen(text));
	free(text);
	return rc == MV_OK ? MV_OK : mv_ctx_fail(ctx, rc, "statement too large");
}

/* ---- reading ---- */

static const char *
str_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A string member without NUL bytes (jansson lets "\u0000" through only on request, but a
 * length check keeps this honest). */
static const char *
clean_str(json_t *v)
{
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

static int
hex_bytes(const char *hex, unsigned want, unsigned char *out)
{
	size_t n = strlen(hex);

	if (n != 2 * (size_t)want)
		return -1;
	return mv_hex_decode(hex, out, want);
}

static mv_status
read_shard_size(struct mv_ctx *ctx, json_t *v, uint64_t *out)
{
	/* model_signing writes it as a float (it went through a protobuf Struct). */
	if (json_is_integer(v) && json_integer_value(v) > 0) {
		*out = (uint64_t)json_integer_value(v);
		return MV_OK;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d >= 1 && d <= 9007199254740992.0 && (double)(uint64_t)d == d) {
			*out = (uint64_t)d;
			return MV_OK;
		}
	}
	return mv_ctx_fail(ctx, MV_ERR_FORMAT, "serialization.shard_size is not a positive "
	    "whole number");
}

/* The algorithm named by a resource must be the manifest's hash, plain or as model_signing
 * names shards ("sha256-sharded-1000000000"). */
static int
algorithm_ok(const struct mv_manifest *m, const char *alg)
{
	const char *hash = mv_hash_name(m->alg);
	size_t n = strlen(hash);
	char want[64];

	if (strcmp(alg, hash) == 0)
		return 1;
	if (!m->shards || strncmp(alg, hash, n) != 0)
		return 0;
	snprintf(want, sizeof(want), "-sharded-%llu", (unsigned long long)m->shard_size);
	return strcmp(alg + n, want) == 0;
}

static mv_status
read_serialization(struct mv_ctx *ctx, json_t *ser, struct mv_manifest *m)
{
	const char *method = str_of(ser, "method"), *hash = str_of(ser, "hash_type");
	json_t *sym = json_object_get(ser, "allow_symlinks"), *ig = json_object_get(ser,
	    "ignore_paths");
	mv_status st;

	if (!json_is_object(ser))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the predicate has no serialization");
	if (method == NULL || hash == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "serialization lacks method or hash_type");
	if (strcmp(method, "files") == 0)
		m->shards = 0;
	else if (strcmp(method, "shards") == 0)
		m->shards = 1;
	else
		return mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "serialization method '%s' is not "
		    "files or shards", method);
	if (strcmp(hash, "sha256") == 0)
		m->alg = MV_HASH_SHA256;
	else if (strcmp(hash, "blake2b") == 0)
		m->alg = MV_HASH_BLAKE2B;
	else if (strcmp(hash, "blake3") == 0)
		m->alg = MV_HASH_BLAKE3;
	else
		return mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "hash_type '%s' is not supported "
		    "(sha256, blake2b, blake3)", hash);
	/* model_signing requires the flag; the specification too. Absent reads as false,
	 * which only makes verification stricter. */
	if (sym != NULL && !json_is_boolean(sym))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "serialization.allow_symlinks is not a "
		    "boolean");
	m->allow_symlinks = json_is_true(sym);
	if (m->shards) {
		json_t *ss = json_object_get(ser, "shard_size");

		if (ss == NULL)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "shards without a shard_size");
		if ((st = read_shard_size(ctx, ss, &m->shard_size)) != MV_OK)
			return st;
	}
	if (ig != NULL && !json_is_array(ig))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "serialization.ignore_paths is not a list");
	for (size_t i = 0; ig && i < json_array_size(ig); i++) {
		const char *p = clean_str(json_array_get(ig, i));
		char *norm;
		size_t n;

		if (p == NULL)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "ignore_paths[%zu] is not a string", i);
		while (p[0] == '.' && p[1] == '/')
			p += 2;
		n = strlen(p);
		while (n > 1 && p[n - 1] == '/')
			n--;
		if (n == 0)
			continue;
		if ((norm = mv_strndup(p, n)) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		st = mv_manifest_add_ignore(m, norm);
		free(norm);
		if (st != MV_OK)
			return mv_ctx_fail(ctx, st, "out of memory");
	}
	return MV_OK;
}

static mv_status
add_resource(struct mv_ctx *ctx, struct mv_manifest *m, struct mv_strset *seen, size_t i,
    const char *name, const char *alg, const char *hex)
{
	unsigned char dig[MV_DIGEST_MAX];
	unsigned size = mv_hash_size(m->alg);
	uint64_t start = 0, end = 0;
	size_t plen = strlen(name);
	char *path;
	int found = 0;
	mv_status st;

	if (!algorithm_ok(m, alg))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "resource '%s' names algorithm '%s', not the "
		    "serialization's %s", name, alg, mv_hash_name(m->alg));
	if (hex_bytes(hex, size, dig) != 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "resource '%s' has a digest that is not %u "
		    "bytes of hex", name, size);
	if (m->shards) {
		if (mv_shard_name_parse(name, &plen, &start, &end) != 0)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "resource %zu: '%s' is not "
			    "PATH:START:END", i, name);
		if (start % m->shard_size != 0 || end - start > m->shard_size)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "resource '%s' is not a shard of %llu "
			    "bytes", name, (unsigned long long)m->shard_size);
	}
	if ((path = mv_strndup(name, plen)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	/* A name that climbs out of the model would make a verifier read outside it. */
	if (!mv_resource_path_ok(path)) {
		mv_ctx_fail(ctx, MV_ERR_FORMAT, "resource name '%s' is not a plain path inside the "
		    "model", name);
		free(path);
		return MV_ERR_FORMAT;
	}
	st = mv_manifest_add(m, path, start, end, m->alg, dig, size);
	free(path);
	if (st != MV_OK)
		return mv_ctx_fail(ctx, st, "out of memory");
	if ((st = mv_strset_add(seen, m->r[m->n - 1].name, strlen(m->r[m->n - 1].name),
	    &found)) != MV_OK)
		return mv_ctx_fail(ctx, st, "out of memory");
	if (found)
		return mv_ctx_fail(ctx, MV_ERR_VERIFY, "resource '%s' is listed twice", name);
	return MV_OK;
}

static mv_status
read_v10(struct mv_ctx *ctx, json_t *doc, struct mv_manifest *m)
{
	json_t *subj = json_object_get(doc, "subject"), *pred = json_object_get(doc, "predicate");
	json_t *s0, *res;
	const char *rootHex, *name;
	unsigned char root[32];
	struct mv_strset seen;
	mv_status st = MV_OK;

	if (!json_is_array(subj) || json_array_size(subj) != 1)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the statement must have exactly one subject");
	s0 = json_array_get(subj, 0);
	if (!json_is_object(s0) || (rootHex = str_of(json_object_get(s0, "digest"), "sha256")) ==
	    NULL || hex_bytes(rootHex, 32, m->root) != 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the subject has no sha256 digest");
	m->has_root = 1;
	if ((name = clean_str(json_object_get(s0, "name"))) != NULL &&
	    (m->model_name = mv_strdup(name)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (!json_is_object(pred))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the statement has no predicate");
	if ((st = read_serialization(ctx, json_object_get(pred, "serialization"), m)) != MV_OK)
		return st;
	res = json_object_get(pred, "resources");
	if (!json_is_array(res))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the predicate has no resources list");
	/* model_signing accepts an empty list; the specification does not, and a signature
	 * over nothing vouches for nothing. */
	if (json_array_size(res) == 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the signature lists no files");
	mv_strset_init(&seen);
	for (size_t i = 0; i < json_array_size(res) && st == MV_OK; i++) {
		json_t *r = json_array_get(res, i);
		const char *rn = clean_str(json_object_get(r, "name"));
		const char *alg = str_of(r, "algorithm"), *hex = str_of(r, "digest");

		if (!json_is_object(r) || rn == NULL || rn[0] == '\0' || alg == NULL || hex == NULL)
			st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "resource %zu lacks name, algorithm or "
			    "digest", i);
		else
			st = add_resource(ctx, m, &seen, i, rn, alg, hex);
	}
	mv_strset_free(&seen);
	if (st != MV_OK)
		return st;
	/* The root over the resources in the order listed, never re-sorted. */
	if ((st = mv_manifest_root(m, root)) != MV_OK)
		return mv_ctx_fail(ctx, st, "cannot compute the root digest");
	if (memcmp(root, m->root, 32) != 0)
		return mv_ctx_fail(ctx, MV_ERR_VERIFY, "the subject digest does not match the "
		    "resources (manifest is inconsistent)");
	return MV_OK;
}

/* model_signing 0.2: one subject per file, no root digest, no serialization. */
static mv_status
read_v01(struct mv_ctx *ctx, json_t *doc, struct mv_manifest *m)
{
	json_t *subj = json_object_get(doc, "subject");
	struct mv_strset seen;
	mv_status st = MV_OK;

	m->shards = 0;
	m->alg = MV_HASH_SHA256;
	if (!json_is_array(subj) || json_array_size(subj) == 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the statement has no subjects");
	mv_strset_init(&seen);
	for (size_t i = 0; i < json_array_size(subj) && st == MV_OK; i++) {
		json_t *s = json_array_get(subj, i);
		const char *name = clean_str(json_object_get(s, "name"));
		const char *hex = str_of(json_object_get(s, "digest"), "sha256");

		if (!json_is_object(s) || name == NULL || name[0] == '\0' || hex == NULL)
			st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "subject %zu lacks a name or a sha256 "
			    "digest", i);
		else
			st = add_resource(ctx, m, &seen, i, name, "sha256", hex);
	}
	mv_strset_free(&seen);
	return st;
}

mv_status
mv_statement_read(struct mv_ctx *ctx, const unsigned char *p, size_t n,
    struct mv_manifest *m, enum mv_oms_version *version)
{
	json_error_t err;
	json_t *doc;
	const char *type, *pt;
	mv_status st;

	*version = 0;
	/* Each file is a name, a digest and their keys: at least 8 bytes of text a value. Text
	 * denser in values than that ("[],[],...") is no statement and would cost jansson some
	 * hundred bytes a value. */
	if (mv_json_values(p, n, n / 8 + 64) > n / 8 + 64)
		return mv_ctx_fail(ctx, MV_ERR_LIMIT, "the payload is not a statement: more "
		    "JSON values than its size allows");
	doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the payload is not JSON: %s (line %d)",
		    err.text, err.line);
	if (!json_is_object(doc)) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the payload is not a JSON object");
		goto done;
	}
	type = str_of(doc, "_type");
	pt = str_of(doc, "predicateType");
	if (type == NULL || strcmp(type, MV_OMS_STATEMENT_V1) != 0) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the payload is not an in-toto Statement v1 "
		    "(_type '%s')", type ? type : "");
		goto done;
	}
	if (pt && strcmp(pt, MV_OMS_PREDICATE_V10) == 0) {
		*version = MV_OMS_V10;
		st = read_v10(ctx, doc, m);
	} else if (pt && strcmp(pt, MV_OMS_PREDICATE_V01) == 0) {
		*version = MV_OMS_V01;
		st = read_v01(ctx, doc, m);
	} else {
		st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "predicate type '%s' is not a model "
		    "signature", pt ? pt : "(none)");
	}
done:
	json_decref(doc);
	return st;
}

/* ---- any in-toto Statement ---- */

#define INTOTO_V01 "https://in-toto.io/Statement/v0.1"

void
mv_intoto_free(struct mv_intoto *s)
{
	for (size_t i = 0; i < s->nsubject; i++) {
		struct mv_subject *x = &s->subject[i];

		free(x->name);
		for (size_t k = 0; k < x->ndigest; k++) {
			free(x->alg[k]);
			free(x->hex[k]);
		}
		free(x->alg);
		free(x->hex);
	}
	free(s->subject);
	free(s->predicate_type);
	json_decref((json_t *)s->predicate);
	memset(s, 0, sizeof(*s));
}

static mv_status
read_subject(struct mv_ctx *ctx, json_t *j, size_t i, struct mv_subject *x)
{
	json_t *dig = json_object_get(j, "digest"), *name = json_object_get(j, "name"), *v;
	const char *alg;

	if (!json_is_object(j))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "subject %zu is not an object", i);
	if (name != NULL && clean_str(name) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "subject %zu: name is not a string", i);
	/* Every subject has a digest (in-toto Statement v1): one without is nothing to check. */
	if (!json_is_object(dig) || json_object_size(dig) == 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "subject %zu has no digest", i);
	if ((x->name = mv_strdup(name ? json_string_value(name) : "")) == NULL ||
	    (x->alg = calloc(json_object_size(dig), sizeof(*x->alg))) == NULL ||
	    (x->hex = calloc(json_object_size(dig), sizeof(*x->hex))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	json_object_foreach(dig, alg, v) {
		const char *hex = clean_str(v);

		if (hex == NULL || hex[0] == '\0')
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "subject %zu: digest '%s' is not a "
			    "string", i, alg);
		if ((x->alg[x->ndigest] = mv_strdup(alg)) == NULL ||
		    (x->hex[x->ndigest++] = mv_strdup(hex)) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	return MV_OK;
}

mv_status
mv_intoto_read(struct mv_ctx *ctx, const unsigned char *p, size_t n, struct mv_intoto *s)
{
	json_error_t err;
	json_t *doc, *subj;
	const char *type, *pt;
	mv_status st = MV_OK;

	memset(s, 0, sizeof(*s));
	doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the payload is not JSON: %s (line %d)",
		    err.text, err.line);
	type = str_of(doc, "_type");
	pt = clean_str(json_object_get(doc, "predicateType"));
	subj = json_object_get(doc, "subject");
	if (!json_is_object(doc) || type == NULL || (strcmp(type, MV_OMS_STATEMENT_V1) != 0 &&
	    strcmp(type, INTOTO_V01) != 0)) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the payload is not an in-toto Statement");
		goto done;
	}
	if (pt == NULL || pt[0] == '\0') {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the statement has no predicateType");
		goto done;
	}
	if (!json_is_array(subj) || json_array_size(subj) == 0) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the statement has no subjects");
		goto done;
	}
	if ((s->predicate_type = mv_strdup(pt)) == NULL ||
	    (s->subject = calloc(json_array_size(subj), sizeof(*s->subject))) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < json_array_size(subj) && st == MV_OK; i++) {
		s->nsubject = i + 1;
		st = read_subject(ctx, json_array_get(subj, i), i, &s->subject[i]);
	}
	if (st == MV_OK)
		s->predicate = json_incref(json_object_get(doc, "predicate"));
done:
	json_decref(doc);
	if (st != MV_OK)
		mv_intoto_free(s);
	return st;
}

/* ---- a caller's predicate over the signature's subject ---- */

mv_status
mv_statement_attest(struct mv_ctx *ctx, const struct mv_manifest *m, const char *file,
    const unsigned char *p, size_t n, struct mv_buf *out)
{
	json_error_t err;
	json_t *doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &err);
	json_t *st = json_object(), *subjects = json_array(), *subj = json_object();
	json_t *dig = json_object(), *pred;
	const char *pt;
	unsigned char root[32];
	char *text = NULL;
	int ok;
	mv_status rc = MV_OK;

	if (doc == NULL) {
		rc = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: not JSON: %s (line %d)", file, err.text,
		    err.line);
		goto done;
	}
	pt = clean_str(json_object_get(doc, "predicateType"));
	pred = json_object_get(doc, "predicate");
	if (!json_is_object(doc) || pt == NULL || pt[0] == '\0' || !json_is_object(pred)) {
		rc = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: not an object with a predicateType (a "
		    "string) and a predicate (an object)", file);
		goto done;
	}
	if (strcmp(pt, MV_OMS_PREDICATE_V10) == 0 || strcmp(pt, MV_OMS_PREDICATE_V01) == 0) {
		rc = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: the model signature's own predicate is "
		    "not an attestation", file);
		goto done;
	}
	if ((rc = mv_manifest_root(m, root)) != MV_OK) {
		rc = mv_ctx_fail(ctx, rc, "cannot compute the root digest");
		goto done;
	}
	/* The subject is the signature's: the model by name and root digest. */
	ok = st && subjects && subj && dig && put(dig, "sha256", hex_string(root, 32)) &&
	    put(subj, "name", json_string(m->model_name ? m->model_name : "model")) &&
	    put(subj, "digest", json_incref(dig)) && push(subjects, json_incref(subj)) &&
	    put(st, "_type", json_string(MV_OMS_STATEMENT_V1)) &&
	    put(st, "subject", json_incref(subjects)) &&
	    put(st, "predicateType", json_string(pt)) &&
	    put(st, "predicate", json_incref(pred));
	if (ok)
		text = json_dumps(st, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
	if (text == NULL) {
		rc = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory building the attestation");
		goto done;
	}
	if ((rc = mv_buf_add(out, text, strlen(text))) != MV_OK)
		rc = mv_ctx_fail(ctx, rc, "%s: attestation too large", file);
done:
	free(text);
	json_decref(doc);
	json_decref(st);
	json_decref(subjects);
	json_decref(subj);
	json_decref(dig);
	return rc;
}
