/* SPDX-License-Identifier: Apache-2.0 */
/* cyclonedx.c: a CycloneDX 1.6 ML-BOM: each input as a machine-learning-model component
 * with its files (and their hashes) nested in it, the model card's datasets as data
 * components, and the findings as vulnerabilities. */
#include "config.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/sha256.h"
#include "core/str.h"
#include "judge/judge.h"
#include "report/inventory.h"
#include "report/jsonw.h"
#include "report/modelcard.h"
#include "report/report.h"

#define MV_INFO_URI "https://github.com/mavis-scanner/mavis"

struct bom {
	const struct mv_judgement *j;
	const struct mv_result *res;
	const struct mv_entry **sorted;   /* file entries by path, for finding locations */
	size_t nsorted;
	const struct mv_entry *base;      /* entry 0, so an entry's index is e - base */
};

/* The CycloneDX name of a digest algorithm, and its digest's size in bytes. */
static const char *
cdx_alg(unsigned alg, size_t *size)
{
	size_t n = 0;
	const char *name = NULL;

	switch (alg) {
	case MV_HASH_SHA256: name = "SHA-256"; n = 32; break;
	case MV_HASH_SHA384: name = "SHA-384"; n = 48; break;
	case MV_HASH_SHA512: name = "SHA-512"; n = 64; break;
	case MV_HASH_BLAKE2B: name = "BLAKE2b-512"; n = 64; break;
	case MV_HASH_BLAKE3: name = "BLAKE3"; n = 32; break;
	}
	if (size)
		*size = n;
	return name;
}

static json_t *
prop(const char *name, const char *value)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "value", mv_json_bytes(value));
	return o;
}

/* The entry's path as the package shows it: relative to its input, nesting kept. */
static const char *
rel_name(const struct mv_entry *e)
{
	size_t n = strlen(e->input);

	while (n > 1 && e->input[n - 1] == '/')
		n--;
	if (strncmp(e->path, e->input, n) == 0 && e->path[n] == '/')
		return e->path + n + 1;
	return e->name;
}

static int
by_path(const void *a, const void *b)
{
	return strcmp((*(const struct mv_entry *const *)a)->path,
	    (*(const struct mv_entry *const *)b)->path);
}

static const struct mv_entry *
find_entry(const struct bom *b, const char *path)
{
	size_t lo = 0, hi = b->nsorted;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, b->sorted[mid]->path);

		if (c == 0)
			return b->sorted[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static int
is_file(const struct mv_entry *e)
{
	return (e->type == MV_ENTRY_FILE || e->type == MV_ENTRY_HARDLINK) && e->ndigest > 0;
}

/*
 * The model card of a folder input: its README.md, read again after the walk and used only
 * when its SHA-256 is the one the walk recorded, so the card described is the file listed.
 */
static struct mv_modelcard *
model_card(const struct mv_result *res, size_t input, const char **note)
{
	const char *in = mv_result_input(res, input);
	const struct mv_entry *readme = NULL;
	struct mv_modelcard *card = NULL;
	unsigned char md[32];
	char *buf = NULL, err[160];
	struct stat st;
	int fd = -1;

	*note = NULL;
	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->input == in && e->depth == 0 && e->type == MV_ENTRY_FILE &&
		    strcmp(e->name, "README.md") == 0) {
			readme = e;
			break;
		}
	}
	if (readme == NULL || readme->ndigest == 0 || readme->digest[0].alg != MV_HASH_SHA256)
		return NULL;
	if (readme->size > 4 * MV_MODELCARD_MAX) {
		*note = "README.md is too large to read as a model card";
		return NULL;
	}
	/* A snapshot's README.md is a link into the cache's blobs; the digest check below makes
	 * sure it is still the file the walk read. */
	if ((fd = open(readme->path, O_RDONLY | O_CLOEXEC |
	    (readme->flags & MV_ENTRY_CACHE_LINK ? 0 : O_NOFOLLOW))) < 0 ||
	    fstat(fd, &st) != 0 || (uint64_t)st.st_size != readme->size ||
	    (buf = malloc(readme->size + 1)) == NULL ||
	    read(fd, buf, readme->size) != (ssize_t)readme->size) {
		*note = "README.md could not be read again for its model card";
		goto done;
	}
	buf[readme->size] = '\0';
	if (mv_sha256(buf, readme->size, md) != MV_OK || memcmp(md, readme->digest[0].value, 32)) {
		*note = "README.md changed during the scan; its model card is not used";
		goto done;
	}
	if (mv_modelcard_parse(buf, readme->size, &card, err, sizeof(err)) != MV_OK) {
		*note = "README.md front matter is not valid YAML; no model card fields used";
		card = NULL;
	}
done:
	if (fd >= 0)
		close(fd);
	free(buf);
	return card;
}

static void
join_prop(json_t *props, const char *name, const struct mv_strlist *l)
{
	struct mv_buf b;

	if (l->n == 0)
		return;
	mv_buf_init(&b, 64 * 1024);
	for (size_t i = 0; i < l->n; i++)
		mv_buf_printf(&b, "%s%s", i ? ", " : "", l->v[i]);
	if (mv_buf_terminate(&b) == MV_OK)
		json_array_append_new(props, prop(name, (const char *)b.p));
	mv_buf_free(&b);
}

static const char *
base_of(const char *path)
{
	size_t n = strlen(path);
	const char *p;

	while (n > 1 && path[n - 1] == '/')
		n--;
	for (p = path + n; p > path && p[-1] != '/'; p--)
		;
	return p;
}


/* Hugging Face licence tags (the model card's "license") that are SPDX licence ids, in the
 * hub's lowercase spelling; tags the hub makes up (llama2, openrail, other) are not. */
static const char *const spdx_ids[] = {
	"AFL-3.0", "Apache-2.0", "Artistic-2.0", "BSD-2-Clause", "BSD-3-Clause",
	"BSD-3-Clause-Clear", "BSL-1.0", "C-UDA-1.0", "CC-BY-2.0", "CC-BY-2.5", "CC-BY-3.0",
	"CC-BY-4.0", "CC-BY-NC-2.0", "CC-BY-NC-3.0", "CC-BY-NC-4.0", "CC-BY-NC-ND-3.0",
	"CC-BY-NC-ND-4.0", "CC-BY-NC-SA-2.0", "CC-BY-NC-SA-3.0", "CC-BY-NC-SA-4.0",
	"CC-BY-ND-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC0-1.0", "CDLA-Permissive-1.0",
	"CDLA-Permissive-2.0", "CDLA-Sharing-1.0", "ECL-2.0", "EPL-1.0", "EPL-2.0", "EUPL-1.1",
	"EUPL-1.2", "GPL-2.0-only", "GPL-3.0-only", "ISC", "LGPL-2.1-only", "LGPL-3.0-only",
	"LPPL-1.3c", "MIT", "MPL-2.0", "MS-PL", "NCSA", "ODbL-1.0", "ODC-By-1.0", "OFL-1.1",
	"OSL-3.0", "PDDL-1.0", "PostgreSQL", "Unlicense", "WTFPL", "Zlib", "AGPL-3.0-only",
	"GFDL-1.3-only",
};

/* The SPDX id a licence tag stands for, or NULL. An id given in SPDX's own spelling is kept;
 * the hub's GPL tags ("gpl-3.0") do not say "only" or "or later", so they stay names. */
static const char *
spdx_id(const char *tag)
{
	static const struct {
		const char *tag, *id;
	} alias[] = {
		{"odbl", "ODbL-1.0"}, {"odc-by", "ODC-By-1.0"}, {"pddl", "PDDL-1.0"},
		{"lppl-1.3c", "LPPL-1.3c"}, {"ofl-1.1", "OFL-1.1"},
	};

	if (tag == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++)
		if (strcasecmp(tag, alias[i].tag) == 0)
			return alias[i].id;
	for (size_t i = 0; i < sizeof(spdx_ids) / sizeof(spdx_ids[0]); i++)
		if (strcasecmp(tag, spdx_ids[i]) == 0)
			return spdx_ids[i];
	return NULL;
}

/* The hashes of an attested dependency ("ALG:HEX") where CycloneDX names the algorithm. */
static json_t *
dep_hashes(const char *digest)
{
	const char *colon = digest ? strchr(digest, ':') : NULL;
	const char *alg = NULL;
	unsigned a;
	char name[32];
	size_t n, size = 0;
	json_t *hs, *h;

	if (colon == NULL || (size_t)(colon - digest) >= sizeof(name))
		return NULL;
	snprintf(name, sizeof(name), "%.*s", (int)(colon - digest), digest);
	n = strlen(colon + 1);
	if (mv_hash_lookup(name, &a) == MV_OK)
		alg = cdx_alg(a, &size);
	if (alg == NULL || n != 2 * size || strspn(colon + 1,
	    "0123456789abcdefABCDEF") != n)
		return NULL;
	hs = json_array();
	h = json_object();
	json_object_set_new(h, "alg", json_string(alg));
	json_object_set_new(h, "content", json_string(colon + 1));
	json_array_append_new(hs, h);
	return hs;
}

/* What the attestations of an input say: the builder and source as properties and a vcs
 * reference, base models as the model's pedigree, datasets as data components. Claims of an
 * attestation whose signature failed are left out. */
static void
provenance_bom(struct bom *b, const char *in, json_t *c, json_t *components, size_t *ndata,
    json_t *props)
{
	const struct mv_result *res = b->res;

	for (size_t i = 0; i < mv_result_provenance_count(res); i++) {
		const struct mv_provenance *p = mv_result_provenance(res, i);
		char *v;

		if (strcmp(p->input, in) != 0)
			continue;
		v = mv_asprintf("%s %s (%s)", mv_attest_state_name(p->state), p->predicate_type,
		    p->file);
		if (v)
			json_array_append_new(props, prop("mavis:provenance", v));
		free(v);
		if (p->state == MV_ATTEST_INVALID)
			continue;
		if (p->builder)
			json_array_append_new(props, prop("mavis:provenance:builder", p->builder));
		if (p->build_type)
			json_array_append_new(props, prop("mavis:provenance:build-type",
			    p->build_type));
		if (p->source_repo)
			json_array_append_new(props, prop("mavis:provenance:source", p->source_repo));
		if (p->source_commit)
			json_array_append_new(props, prop("mavis:provenance:commit",
			    p->source_commit));
		if (p->source_repo && strncmp(p->source_repo, "https://", 8) == 0) {
			json_t *refs = json_object_get(c, "externalReferences"), *r = json_object();

			if (refs == NULL) {
				refs = json_array();
				json_object_set_new(c, "externalReferences", refs);
			}
			json_object_set_new(r, "type", json_string("vcs"));
			json_object_set_new(r, "url", mv_json_bytes(p->source_repo));
			v = mv_asprintf("source of the build (%s attestation%s%s)",
			    mv_attest_state_name(p->state), p->source_commit ? ", commit " : "",
			    p->source_commit ? p->source_commit : "");
			json_object_set_new(r, "comment", v ? mv_json_bytes(v) : json_string("source"));
			free(v);
			json_array_append_new(refs, r);
		}
		for (size_t k = 0; k < p->ndeps; k++) {
			const struct mv_dependency *d = &p->deps[k];
			const char *name = d->name ? d->name : d->uri ? d->uri : d->digest;
			json_t *x = json_object(), *hs = dep_hashes(d->digest);
			char ref[64];

			if (name == NULL || (strcmp(d->kind, "model") != 0 &&
			    strcmp(d->kind, "dataset") != 0)) {
				json_decref(x);
				json_decref(hs);
				continue;
			}
			json_object_set_new(x, "name", mv_json_bytes(name));
			if (hs)
				json_object_set_new(x, "hashes", hs);
			if (d->uri) {
				json_t *refs = json_array(), *r = json_object();

				json_object_set_new(r, "type", json_string("distribution"));
				json_object_set_new(r, "url", mv_json_bytes(d->uri));
				json_array_append_new(refs, r);
				json_object_set_new(x, "externalReferences", refs);
			}
			if (strcmp(d->kind, "model") == 0) {
				json_t *ped = json_object_get(c, "pedigree"), *anc;

				if (ped == NULL) {
					ped = json_object();
					json_object_set_new(c, "pedigree", ped);
				}
				if ((anc = json_object_get(ped, "ancestors")) == NULL) {
					anc = json_array();
					json_object_set_new(ped, "ancestors", anc);
				}
				snprintf(ref, sizeof(ref), "%s-attested-base-%zu",
				    json_string_value(json_object_get(c, "bom-ref")),
				    json_array_size(anc) + 1);
				json_object_set_new(x, "type", json_string("machine-learning-model"));
				json_object_set_new(x, "bom-ref", json_string(ref));
				json_array_append_new(anc, x);
			} else {
				json_t *mc = json_object_get(c, "modelCard"), *mp, *ds, *dd = json_array(),
				    *cd = json_object(), *r = json_object();

				snprintf(ref, sizeof(ref), "dataset-%zu", ++*ndata);
				json_object_set_new(x, "type", json_string("data"));
				json_object_set_new(x, "bom-ref", json_string(ref));
				json_object_set_new(cd, "type", json_string("dataset"));
				json_object_set_new(cd, "name", mv_json_bytes(name));
				json_array_append_new(dd, cd);
				json_object_set_new(x, "data", dd);
				json_array_append_new(components, x);
				if (mc == NULL) {
					mc = json_object();
					json_object_set_new(c, "modelCard", mc);
				}
				if ((mp = json_object_get(mc, "modelParameters")) == NULL) {
					mp = json_object();
					json_object_set_new(mc, "modelParameters", mp);
				}
				if ((ds = json_object_get(mp, "datasets")) == NULL) {
					ds = json_array();
					json_object_set_new(mp, "datasets", ds);
				}
				json_object_set_new(r, "ref", json_string(ref));
				json_array_append_new(ds, r);
			}
		}
	}
}

static json_t *
model_component(struct bom *b, size_t input, json_t *components, size_t *ndata)
{
	const struct mv_result *res = b->res;
	const char *in = mv_result_input(res, input), *note = NULL;
	struct mv_modelcard *card = model_card(res, input, &note);
	const struct mv_source *src = mv_result_source(res, input);
	json_t *c = json_object(), *props = json_array();
	char ref[64], name[1024];

	snprintf(ref, sizeof(ref), "model-%zu", input + 1);
	json_object_set_new(c, "type", json_string("machine-learning-model"));
	json_object_set_new(c, "bom-ref", json_string(ref));
	if (card && card->model_name) {
		json_object_set_new(c, "name", json_string(card->model_name));
	} else if (src && src->repo) {
		/* A snapshot folder is named by its commit: the repository names the model. */
		json_object_set_new(c, "name", mv_json_bytes(src->repo));
	} else {
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(base_of(in), "/"), base_of(in));
		json_object_set_new(c, "name", mv_json_bytes(name[0] ? name : in));
	}
	if (card && (card->license || card->license_name)) {
		json_t *ls = json_array(), *l = json_object(), *lic = json_object();
		const char *tag = card->license_name && card->license &&
		    strcmp(card->license, "other") == 0 ? card->license_name :
		    card->license ? card->license : card->license_name;
		const char *spdx = spdx_id(tag);

		/* An SPDX id where the hub tag is one (in its lowercase spelling), else a name. */
		if (spdx)
			json_object_set_new(lic, "id", json_string(spdx));
		else
			json_object_set_new(lic, "name", mv_json_bytes(tag));
		json_object_set_new(l, "license", lic);
		json_array_append_new(ls, l);
		json_object_set_new(c, "licenses", ls);
	}
	if (card) {
		json_t *mc = json_object(), *mp = json_object(), *ds = json_array(),
		    *mprops = json_array();

		if (card->pipeline_tag)
			json_object_set_new(mp, "task", json_string(card->pipeline_tag));
		for (size_t i = 0; i < card->datasets.n; i++) {
			json_t *d = json_object(), *dd = json_array(), *cd = json_object(),
			    *r = json_object();
			char dref[64];

			snprintf(dref, sizeof(dref), "dataset-%zu", ++*ndata);
			json_object_set_new(d, "type", json_string("data"));
			json_object_set_new(d, "bom-ref", json_string(dref));
			json_object_set_new(d, "name", json_string(card->datasets.v[i]));
			json_object_set_new(cd, "type", json_string("dataset"));
			json_object_set_new(cd, "name", json_string(card->datasets.v[i]));
			json_array_append_new(dd, cd);
			json_object_set_new(d, "data", dd);
			json_array_append_new(components, d);
			json_object_set_new(r, "ref", json_string(dref));
			json_array_append_new(ds, r);
		}
		if (json_array_size(ds))
			json_object_set_new(mp, "datasets", ds);
		else
			json_decref(ds);
		json_object_set_new(mc, "modelParameters", mp);
		if (card->library_name)
			json_array_append_new(mprops, prop("library_name", card->library_name));
		join_prop(mprops, "tags", &card->tags);
		join_prop(mprops, "language", &card->language);
		join_prop(mprops, "metrics", &card->metrics);
		if (json_array_size(mprops))
			json_object_set_new(mc, "properties", mprops);
		else
			json_decref(mprops);
		json_object_set_new(c, "modelCard", mc);
		if (card->base_model.n) {
			json_t *ped = json_object(), *anc = json_array();

			for (size_t i = 0; i < card->base_model.n; i++) {
				json_t *a = json_object();
				char aref[64];

				snprintf(aref, sizeof(aref), "model-%zu-base-%zu", input + 1, i + 1);
				json_object_set_new(a, "type", json_string("machine-learning-model"));
				json_object_set_new(a, "bom-ref", json_string(aref));
				json_object_set_new(a, "name", json_string(card->base_model.v[i]));
				json_array_append_new(anc, a);
			}
			json_object_set_new(ped, "ancestors", anc);
			json_object_set_new(c, "pedigree", ped);
		}
	}
	json_array_append_new(props, prop("mavis:input", in));
	if (src && src->repo) {
		/* The repository at the commit scanned: where the model came from. */
		char *url = mv_source_url(src);

		if (url) {
			json_t *refs = json_array(), *r = json_object();

			json_object_set_new(r, "type", json_string("vcs"));
			json_object_set_new(r, "url", json_string(url));
			json_object_set_new(r, "comment", json_string("Hugging Face repository at the "
			    "commit scanned"));
			json_array_append_new(refs, r);
			json_object_set_new(c, "externalReferences", refs);
			free(url);
		}
		json_array_append_new(props, prop("mavis:huggingface:repository", src->repo));
		if (src->repo_type)
			json_array_append_new(props, prop("mavis:huggingface:type", src->repo_type));
		if (src->revision)
			json_array_append_new(props, prop("mavis:huggingface:revision",
			    src->revision));
		if (src->commit)
			json_array_append_new(props, prop("mavis:huggingface:commit", src->commit));
		if (src->uri)
			json_array_append_new(props, prop("mavis:huggingface:uri", src->uri));
	}
	if (note)
		json_array_append_new(props, prop("mavis:model-card", note));
	for (size_t i = 0; i < mv_judgement_sig_count(b->j); i++) {
		const struct mv_sigsummary *s = mv_judgement_sig(b->j, i);

		if (s->input == NULL || strcmp(s->input, in) != 0)
			continue;
		json_array_append_new(props, prop("mavis:signature", mv_sigstate_name(s->state)));
		if (s->signer)
			json_array_append_new(props, prop("mavis:signer", s->signer));
	}
	provenance_bom(b, in, c, components, ndata, props);
	json_object_set_new(c, "properties", props);
	mv_modelcard_free(card);
	return c;
}

static const char *
cdx_severity(enum mv_severity s)
{
	return mv_severity_name(s);  /* CycloneDX uses the same five words */
}

/* The component a finding is about: its file, else the model of its input. */
static void
affected(const struct bom *b, const struct mv_judged *d, char *ref, size_t n)
{
	const struct mv_entry *e = d->path[0] ? find_entry(b, d->path) : NULL;
	size_t input = 0;

	if (e && is_file(e)) {
		snprintf(ref, n, "file-%zu", (size_t)(e - b->base) + 1);
		return;
	}
	for (size_t i = 0; i < mv_result_input_count(b->res); i++) {
		const char *in = mv_result_input(b->res, i);
		size_t len = strlen(in);

		if (strncmp(d->path, in, len) == 0) {
			input = i;
			break;
		}
	}
	snprintf(ref, n, "model-%zu", input + 1);
}

static json_t *
vulnerability(const struct bom *b, const struct mv_judged *d, size_t i)
{
	json_t *v = json_object(), *src = json_object(), *ratings = json_array(),
	    *rating = json_object(), *aff = json_array(), *a = json_object(), *props = json_array();
	char ref[64], off[32];

	snprintf(ref, sizeof(ref), "finding-%zu", i + 1);
	json_object_set_new(v, "bom-ref", json_string(ref));
	json_object_set_new(v, "id", json_string(d->rule));
	json_object_set_new(src, "name", json_string("mavis"));
	json_object_set_new(src, "url", json_string(MV_INFO_URI));
	json_object_set_new(v, "source", src);
	json_object_set_new(rating, "severity", json_string(cdx_severity(d->severity)));
	json_object_set_new(rating, "method", json_string("other"));
	json_array_append_new(ratings, rating);
	json_object_set_new(v, "ratings", ratings);
	if (d->info) {
		json_object_set_new(v, "description", json_string(d->info->title));
		json_object_set_new(v, "recommendation", json_string(d->info->remediation));
	}
	json_object_set_new(v, "detail", mv_json_bytes(d->evidence));
	if (d->suppressed) {
		json_t *an = json_object();
		char *why = mv_asprintf("suppressed by the policy: %s", d->suppressed);

		json_object_set_new(an, "state", json_string("not_affected"));
		json_object_set_new(an, "detail", why ? mv_json_bytes(why) : json_string("suppressed"));
		free(why);
		json_object_set_new(v, "analysis", an);
		json_array_append_new(props, prop("mavis:suppressed", d->suppressed));
	}
	affected(b, d, ref, sizeof(ref));
	json_object_set_new(a, "ref", json_string(ref));
	json_array_append_new(aff, a);
	json_object_set_new(v, "affects", aff);
	json_array_append_new(props, prop("mavis:path", d->path));
	if (d->offset >= 0) {
		snprintf(off, sizeof(off), "%lld", (long long)d->offset);
		json_array_append_new(props, prop("mavis:offset", off));
	}
	if (d->info) {
		json_t *tags = mv_report_rule_tags(d->info);

		for (size_t k = 1; k < json_array_size(tags); k++) {
			const char *t = json_string_value(json_array_get(tags, k));
			const char *colon = strchr(t, ':');
			char key[48];

			snprintf(key, sizeof(key), "%.*s", (int)(colon - t), t);
			json_array_append_new(props, prop(key, colon + 1));
		}
		json_decref(tags);
	}
	json_object_set_new(v, "properties", props);
	return v;
}

static void
uuid_v4(char out[37])
{
	unsigned char u[16];

	if (RAND_bytes(u, sizeof(u)) != 1) {
		/* Fall back to the clock and pid: unique enough for a serial number. */
		uint64_t t = (uint64_t)time(NULL), p = (uint64_t)getpid();

		memcpy(u, &t, 8);
		memcpy(u + 8, &p, 8);
	}
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40);
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
	    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13],
	    u[14], u[15]);
}

/* Now, or SOURCE_DATE_EPOCH for reproducible builds of a BOM. */
static void
timestamp(char out[32])
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;

	if (sde && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (*end == '\0' && v >= 0)
			t = (time_t)v;
	}
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* A name-value property, streamed. */
static void
jw_prop(struct mv_jw *w, const char *name, const char *value)
{
	mv_jw_open(w, '{');
	mv_jw_key(w, "name");
	mv_jw_str(w, name);
	mv_jw_key(w, "value");
	mv_jw_str(w, value);
	mv_jw_close(w, '}');
}

/* The files of input in as components of its model: one per file of the package, so they
 * are streamed rather than built. Nothing when it has none. */
static void
file_components(struct mv_jw *w, const struct mv_result *res, const char *in)
{
	int any = 0;

	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);
		char fref[64], size[32], hex[2 * MV_DIGEST_MAX + 1];

		if (e->input != in || !is_file(e))
			continue;
		if (!any) {
			mv_jw_key(w, "components");
			mv_jw_open(w, '[');
			any = 1;
		}
		snprintf(fref, sizeof(fref), "file-%zu", i + 1);
		snprintf(size, sizeof(size), "%llu", (unsigned long long)e->size);
		mv_jw_open(w, '{');
		mv_jw_key(w, "type");
		mv_jw_str(w, "file");
		mv_jw_key(w, "bom-ref");
		mv_jw_str(w, fref);
		mv_jw_key(w, "name");
		mv_jw_str(w, rel_name(e));
		mv_jw_key(w, "hashes");
		mv_jw_open(w, '[');
		for (unsigned k = 0; k < e->ndigest; k++) {
			const char *alg = cdx_alg(e->digest[k].alg, NULL);

			if (alg == NULL || e->digest[k].len == 0)
				continue;
			mv_digest_hex(&e->digest[k], hex);
			mv_jw_open(w, '{');
			mv_jw_key(w, "alg");
			mv_jw_str(w, alg);
			mv_jw_key(w, "content");
			mv_jw_str(w, hex);
			mv_jw_close(w, '}');
		}
		mv_jw_close(w, ']');
		mv_jw_key(w, "properties");
		mv_jw_open(w, '[');
		jw_prop(w, "mavis:size", size);
		if (e->format)
			jw_prop(w, "mavis:format", e->format);
		if (e->depth)
			jw_prop(w, "mavis:path", e->path);
		mv_jw_close(w, ']');
		mv_jw_close(w, '}');
	}
	if (any)
		mv_jw_close(w, ']');
}

/* A model component (c, taken) with its files streamed in before its properties. */
static void
write_model(struct mv_jw *w, const struct mv_result *res, const char *in, json_t *c)
{
	const char *key;
	json_t *v;

	if (c == NULL) {
		w->failed = 1;
		return;
	}
	mv_jw_open(w, '{');
	json_object_foreach(c, key, v) {
		if (strcmp(key, "properties") == 0)
			file_components(w, res, in);
		mv_jw_key(w, key);
		mv_jw_json(w, json_incref(v));
	}
	mv_jw_close(w, '}');
	json_decref(c);
}

mv_status
mv_report_cyclonedx(struct mv_ctx *ctx, const struct mv_judgement *j, FILE *out)
{
	const struct mv_result *res = mv_judgement_result(j);
	const struct mv_rules *rules = mv_judgement_rules(j);
	struct bom b = {.j = j, .res = res};
	json_t *meta = json_object(), *tools = json_object(), *tcomps = json_array(),
	    *tool = json_object(), *vulns = json_array(), *mprops = json_array(),
	    *data = json_array();
	struct mv_jw *w = malloc(sizeof(*w));
	char serial[64], uuid[37], ts[32], buf[256];
	size_t ndata = 0, met, not_met, not_ev, not_scan;
	mv_status st;

	if ((b.sorted = calloc(mv_result_entry_count(res) + 1, sizeof(*b.sorted))) == NULL ||
	    w == NULL || meta == NULL || tools == NULL || tcomps == NULL || tool == NULL ||
	    vulns == NULL || mprops == NULL || data == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		json_decref(meta);
		json_decref(tools);
		json_decref(tcomps);
		json_decref(tool);
		json_decref(vulns);
		json_decref(mprops);
		json_decref(data);
		goto done;
	}
	b.base = mv_result_entry(res, 0);
	for (size_t i = 0; i < mv_result_entry_count(res); i++)
		b.sorted[b.nsorted++] = mv_result_entry(res, i);
	qsort(b.sorted, b.nsorted, sizeof(*b.sorted), by_path);
	uuid_v4(uuid);
	snprintf(serial, sizeof(serial), "urn:uuid:%s", uuid);
	timestamp(ts);
	json_object_set_new(meta, "timestamp", json_string(ts));
	json_object_set_new(tool, "type", json_string("application"));
	json_object_set_new(tool, "name", json_string("mavis"));
	json_object_set_new(tool, "version", json_string(mv_version()));
	json_array_append_new(tcomps, tool);
	json_object_set_new(tools, "components", tcomps);
	json_object_set_new(meta, "tools", tools);
	json_array_append_new(mprops, prop("mavis:verdict",
	    mv_outcome_name(mv_judgement_outcome(j))));
	json_array_append_new(mprops, prop("mavis:fail-on",
	    mv_severity_name(mv_policy_fail_on(mv_judgement_policy(j)))));
	json_array_append_new(mprops, prop("mavis:signatures-sha256", mv_rules_digest(rules)));
	mv_report_map_counts(j, &met, &not_met, &not_ev, &not_scan);
	snprintf(buf, sizeof(buf), "%zu met, %zu not met, %zu not evidenced by this scan, %zu "
	    "beyond any scan", met, not_met, not_ev, not_scan);
	json_array_append_new(mprops, prop("mavis:etsi-en-304-223", buf));
	for (size_t i = 0; i < mv_judgement_mapping_count(j); i++) {
		const struct mv_mapping *m = mv_judgement_mapping(j, i);
		char name[64];
		char *v;

		/* The whole mapping is in the json report; the BOM carries what was shown. */
		if (m->state == MV_MAP_NOT_EVIDENCED)
			continue;
		snprintf(name, sizeof(name), "etsi-en-304-223:%s", m->provision->etsi);
		v = mv_asprintf("%s: %s", mv_mapstate_name(m->state), m->evidence);
		if (v)
			json_array_append_new(mprops, prop(name, v));
		free(v);
	}
	json_array_append_new(mprops, prop("mavis:disclaimer", MV_MAPPING_DISCLAIMER));
	json_object_set_new(meta, "properties", mprops);
	for (size_t i = 0; i < mv_judgement_count(j); i++)
		json_array_append_new(vulns, vulnerability(&b, mv_judgement_get(j, i), i));
	/* The file components, one per file of the package, are streamed. */
	mv_jw_init(w, out);
	mv_jw_open(w, '{');
	mv_jw_key(w, "$schema");
	mv_jw_str(w, "http://cyclonedx.org/schema/bom-1.6.schema.json");
	mv_jw_key(w, "bomFormat");
	mv_jw_str(w, "CycloneDX");
	mv_jw_key(w, "specVersion");
	mv_jw_str(w, "1.6");
	mv_jw_key(w, "serialNumber");
	mv_jw_str(w, serial);
	mv_jw_key(w, "version");
	mv_jw_int(w, 1);
	mv_jw_key(w, "metadata");
	mv_jw_json(w, meta);
	mv_jw_key(w, "components");
	mv_jw_open(w, '[');
	for (size_t i = 0; i < mv_result_input_count(res); i++)
		write_model(w, res, mv_result_input(res, i), model_component(&b, i, data, &ndata));
	for (size_t i = 0; i < json_array_size(data); i++)
		mv_jw_json(w, json_incref(json_array_get(data, i)));
	mv_jw_close(w, ']');
	mv_jw_key(w, "vulnerabilities");
	mv_jw_json(w, vulns);
	mv_jw_close(w, '}');
	json_decref(data);
	st = mv_jw_finish(w);
	if (st != MV_OK)
		st = mv_ctx_fail(ctx, st, "cannot write the report");
done:
	free(w);
	free(b.sorted);
	return st;
}
