/* SPDX-License-Identifier: Apache-2.0 */
/* attest.c: in-toto attestations shipped with a model: found by name, their signatures
 * checked with the trust material of the scan, every subject matched against the files
 * read, and what they say kept as provenance records of the run. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "core/ctx.h"
#include "core/finding.h"
#include "core/str.h"
#include "hash/digest.h"
#include "sign/sign.h"
#include "core/result.h"
#include "core/sha256.h"

/* Where an attestation is looked for, and what a file of it holds. */
struct doc {
	struct mv_ctx *ctx;
	const struct mv_verify_opts *o;
	const struct mv_trust *t;
	int trusted;                     /* any trust material given */
	struct mv_result *res;
	size_t input;
	const struct mv_verify_report *sig;
	const char *path;                /* the attestation file */
	const char *label;               /* the file, or FILE:LINE */
	mv_status (*fn)(struct doc *d, const unsigned char *p, size_t n);
	const struct mv_manifest *m;     /* verify: the signed statement */
	struct mv_verify_report *rep;    /* verify: where differences go */
};

static int
ends(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n > k && strcmp(s + n - k, tail) == 0;
}

/* Names an attestation is shipped under (mavis-scan(1)): in-toto JSON Lines as the SLSA
 * generators write them, Sigstore bundles as sigstore clients write them, and any JSON in an
 * attestations/ folder at the top of the model. */
static int
attest_name(const char *name)
{
	if (ends(name, ".intoto.jsonl") || ends(name, ".intoto.json") ||
	    ends(name, ".sigstore.json") || ends(name, ".sigstore"))
		return strchr(name, '/') == NULL || strncmp(name, "attestations/", 13) == 0;
	return strncmp(name, "attestations/", 13) == 0 && strchr(name + 13, '/') == NULL &&
	    (ends(name, ".json") || ends(name, ".jsonl"));
}

static mv_status
finding(struct doc *d, enum mv_rule r, const char *path, const char *fmt, ...)
    MV_PRINTF(4, 5);

static mv_status
finding(struct doc *d, enum mv_rule r, const char *path, const char *fmt, ...)
{
	va_list ap;
	mv_status st;

	va_start(ap, fmt);
	st = mv_findings_vadd(mv_result_findings(d->res), r, path ? path : d->path, -1, fmt,
	    ap);
	va_end(ap);
	return st;
}

/* The file of input in named name (model-relative), or NULL. */
static const struct mv_entry *
entry_named(const struct mv_result *res, const char *in, const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->input == in && e->type == MV_ENTRY_FILE && strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

/* 1 every digest of the subject mavis has for e agrees, 0 one differs, -1 none to compare;
 * which and got name the one that differs (its index, and the file's digest). */
static int
digests_agree(const struct mv_subject *x, const struct mv_entry *e, size_t *which,
    char got[2 * MV_DIGEST_MAX + 1])
{
	int checked = 0;

	for (size_t k = 0; k < x->ndigest; k++) {
		unsigned alg;

		if (mv_hash_lookup(x->alg[k], &alg) != MV_OK)
			continue;
		for (unsigned i = 0; i < e->ndigest; i++) {
			if (e->digest[i].alg != alg || e->digest[i].len == 0)
				continue;
			mv_digest_hex(&e->digest[i], got);
			if (strcasecmp(got, x->hex[k]) != 0) {
				*which = k;
				return 0;
			}
			checked = 1;
		}
	}
	return checked ? 1 : -1;
}

/* Some file of the input with one of the subject's digests (subjects match by digest). */
static int
digest_present(const struct mv_result *res, const char *in, const struct mv_subject *x)
{
	char got[2 * MV_DIGEST_MAX + 1];
	size_t which;

	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->input == in && e->type == MV_ENTRY_FILE && e->depth == 0 &&
		    digests_agree(x, e, &which, got) == 1)
			return 1;
	}
	return 0;
}

/* The model's OMS root digest, when its signature verified. */
static int
is_root(const struct doc *d, const struct mv_subject *x)
{
	struct mv_digest dg;
	char hex[65];

	if (d->sig == NULL || d->sig->status != MV_VERIFY_VALID || !d->sig->has_root)
		return 0;
	dg.alg = MV_HASH_SHA256;
	dg.len = 32;
	memcpy(dg.value, d->sig->root, 32);
	mv_digest_hex(&dg, hex);
	for (size_t k = 0; k < x->ndigest; k++)
		if (strcmp(x->alg[k], "sha256") == 0 && strcasecmp(x->hex[k], hex) == 0)
			return 1;
	return 0;
}

/* Match every subject against the files; what does not match is a finding. */
static mv_status
match_subjects(struct doc *d, const struct mv_intoto *s, struct mv_provenance *p)
{
	const char *in = mv_result_input(d->res, d->input);
	mv_status st = MV_OK;

	for (size_t i = 0; i < s->nsubject && st == MV_OK; i++) {
		const struct mv_subject *x = &s->subject[i];
		const struct mv_entry *e = x->name[0] ? entry_named(d->res, in, x->name) : NULL;
		char got[2 * MV_DIGEST_MAX + 1];
		size_t which = 0;
		int agree = e ? digests_agree(x, e, &which, got) : -1;

		if (e && agree == 0) {
			st = finding(d, MV_R_ATTESTATION_SUBJECT_MISMATCH, e->path, "%s: subject '%s' "
			    "is attested with %s %s; the file has %s", d->label, x->name,
			    x->alg[which], x->hex[which], got);
		} else if (agree == 1 || digest_present(d->res, in, x) || is_root(d, x)) {
			p->nmatched++;
		} else if (e) {
			st = finding(d, MV_R_ATTESTATION_SUBJECT_UNCHECKED, e->path, "%s: subject "
			    "'%s' gives no digest mavis computed (%s)", d->label, x->name, x->alg[0]);
		} else if (d->sig && d->sig->status != MV_VERIFY_VALID &&
		    d->sig->status != MV_VERIFY_NO_SIGNATURE) {
			/* Perhaps the model's root digest, as mavis sign --attest attests. */
			st = finding(d, MV_R_ATTESTATION_SUBJECT_UNCHECKED, NULL, "%s: subject '%s' "
			    "is no file of the model; it may be the signed model's root digest, which "
			    "is known only once the model signature verifies", d->label, x->name);
		} else if (x->name[0] == '\0') {
			st = finding(d, MV_R_ATTESTATION_SUBJECT_UNCHECKED, NULL, "%s: subject %zu has "
			    "no name and no file has its %s digest", d->label, i + 1, x->alg[0]);
		} else {
			char *path = mv_path_join(in, x->name);

			if (path == NULL)
				return MV_ERR_NOMEM;
			st = finding(d, MV_R_ATTESTATION_SUBJECT_MISSING, path, "%s: subject '%s' "
			    "(%s %s) is not in the model, and no file has its digest", d->label,
			    x->name, x->alg[0], x->hex[0]);
			free(path);
		}
	}
	return st;
}

/* Check the signatures of b (a bundle, or a bare envelope of nsig signatures). Returns the
 * state; *why the first problem, *signer who signed. */
static mv_status
check(struct doc *d, struct mv_bundle *b, int bare, size_t nsig, enum mv_attest_state *state,
    char **why, char **signer)
{
	struct mv_verify_report *rep = NULL;
	unsigned char *first = b->sig;
	size_t firstlen = b->sig_len;
	mv_status st = MV_OK;

	*why = *signer = NULL;
	if (bare && nsig == 0) {
		*state = MV_ATTEST_UNSIGNED;
		return MV_OK;
	}
	if (!d->trusted) {
		*state = MV_ATTEST_UNVERIFIED;
		return MV_OK;
	}
	*state = MV_ATTEST_INVALID;
	if (bare && d->t->key == NULL)
		return (*why = mv_strdup("a DSSE envelope carries no certificate: verify it with "
		    "the signer's public key")) ? MV_OK : MV_ERR_NOMEM;
	if (bare)
		b->method = MV_SIG_KEY;
	/* A bare envelope verifies when any of its signatures does. */
	for (size_t i = 0; i < (bare ? nsig : 1) && st == MV_OK; i++) {
		unsigned char *sig = NULL;
		size_t len = 0;

		if (bare && i > 0) {
			if (mv_envelope_sig(d->ctx, b, i, &sig, &len) != MV_OK)
				continue;
			b->sig = sig;
			b->sig_len = len;
		}
		mv_verify_report_free(rep);
		rep = NULL;
		if (mv_report_new(&rep) != MV_OK)
			st = MV_ERR_NOMEM;
		else
			st = mv_bundle_verify(d->ctx, d->o, d->t, b, rep);
		b->sig = first;
		b->sig_len = firstlen;
		free(sig);
		if (st == MV_OK && rep->ndiff == 0) {
			*state = MV_ATTEST_VERIFIED;
			if (rep->signer && (*signer = mv_strdup(rep->signer)) == NULL)
				st = MV_ERR_NOMEM;
			break;
		}
	}
	if (st == MV_OK && *state == MV_ATTEST_INVALID && rep && rep->ndiff &&
	    (*why = mv_asprintf("%s: %s", mv_sig_diff_name(rep->diff[0].kind),
	    rep->diff[0].detail)) == NULL)
		st = MV_ERR_NOMEM;
	mv_verify_report_free(rep);
	return st;
}

/* A document: a Sigstore bundle or a bare DSSE envelope (*bare) around an in-toto
 * Statement; b and s are set whatever happens (free both). */
static mv_status
read_doc(struct mv_ctx *ctx, const unsigned char *p, size_t n, struct mv_bundle *b, int *bare,
    size_t *nsig, struct mv_intoto *s)
{
	json_t *peek = json_loadb((const char *)p, n, 0, NULL);
	mv_status st;

	*bare = !json_is_object(peek) || json_object_get(peek, "mediaType") == NULL;
	json_decref(peek);
	*nsig = 0;
	memset(s, 0, sizeof(*s));
	st = *bare ? mv_envelope_read(ctx, p, n, b, nsig) : mv_bundle_read(ctx, p, n, b);
	if (st != MV_OK)
		return st;
	return mv_intoto_read(ctx, b->payload, b->payload_len, s);
}

static int
is_oms(const struct mv_intoto *s)
{
	return strcmp(s->predicate_type, MV_OMS_PREDICATE_V10) == 0 ||
	    strcmp(s->predicate_type, MV_OMS_PREDICATE_V01) == 0;
}

/* One document of a scan: checked, matched, reported. */
static mv_status
one_doc(struct doc *d, const unsigned char *p, size_t n)
{
	struct mv_bundle b;
	struct mv_intoto s;
	struct mv_provenance pr;
	enum mv_attest_state state = MV_ATTEST_INVALID;
	char *why = NULL, *signer = NULL;
	size_t nsig = 0;
	int bare;
	mv_status st;

	memset(&pr, 0, sizeof(pr));
	if (read_doc(d->ctx, p, n, &b, &bare, &nsig, &s) != MV_OK) {
		st = finding(d, MV_R_ATTESTATION_MALFORMED, NULL, "%s: %s", d->label,
		    mv_ctx_error(d->ctx));
		goto done;
	}
	/* A model signature is the signature check's, not an attestation. */
	if (is_oms(&s)) {
		st = MV_OK;
		goto done;
	}
	if ((st = check(d, &b, bare, nsig, &state, &why, &signer)) != MV_OK)
		goto done;
	pr.state = state;
	pr.nsubjects = s.nsubject;
	if ((pr.input = mv_strdup(mv_result_input(d->res, d->input))) == NULL ||
	    (pr.file = mv_strdup(d->label)) == NULL) {
		st = MV_ERR_NOMEM;
		goto done;
	}
	pr.signer = signer;
	signer = NULL;
	/* Nothing an attestation that fails its signature says is taken. */
	if (state == MV_ATTEST_INVALID) {
		if ((pr.predicate_type = mv_strdup(s.predicate_type)) == NULL) {
			st = MV_ERR_NOMEM;
			goto done;
		}
		st = finding(d, MV_R_ATTESTATION_INVALID, NULL, "%s: %s attestation does not "
		    "verify: %s", d->label, s.predicate_type, why ? why : "");
	} else {
		if ((st = mv_provenance_read(&s, &pr)) != MV_OK ||
		    (st = match_subjects(d, &s, &pr)) != MV_OK)
			goto done;
		if (state == MV_ATTEST_UNSIGNED)
			st = finding(d, MV_R_ATTESTATION_UNSIGNED, NULL, "%s: %s attestation carries "
			    "no signature", d->label, s.predicate_type);
		else if (state == MV_ATTEST_UNVERIFIED)
			st = finding(d, MV_R_ATTESTATION_UNVERIFIED, NULL, "%s: %s attestation "
			    "present but not verified: no key or root certificate given", d->label,
			    s.predicate_type);
		else if (pr.nmatched == pr.nsubjects)
			st = finding(d, MV_R_ATTESTATION_VERIFIED, NULL, "%s: %s attestation "
			    "verified: %s%s%s; %zu subjects match", d->label, s.predicate_type,
			    pr.signer ? pr.signer : "signed", pr.builder ? "; builder " : "",
			    pr.builder ? pr.builder : "", pr.nsubjects);
	}
	if (st == MV_OK)
		st = mv_result_provenance_add(d->res, &pr);
done:
	mv_provenance_clear(&pr);
	mv_intoto_free(&s);
	mv_bundle_free(&b);
	free(why);
	free(signer);
	return st;
}

/* Each document of a file: a line of JSON Lines (labelled FILE:LINE), else the whole file. */
static mv_status
each_doc(struct doc *d, const char *path, const char *name, const unsigned char *data,
    size_t len)
{
	size_t line = 0;
	char *label = NULL;
	mv_status st = MV_OK;

	d->label = path;
	if (!ends(name, ".jsonl"))
		return d->fn(d, data, len);
	for (size_t at = 0; at < len && st == MV_OK; ) {
		const unsigned char *nl = memchr(data + at, '\n', len - at);
		size_t end = nl ? (size_t)(nl - data) : len, k = at;

		line++;
		while (k < end && (data[k] == ' ' || data[k] == '\t' || data[k] == '\r'))
			k++;
		if (k < end) {
			free(label);
			if ((label = mv_asprintf("%s:%zu", path, line)) == NULL) {
				st = MV_ERR_NOMEM;
				break;
			}
			d->label = label;
			st = d->fn(d, data + at, end - at);
		}
		at = end + 1;
	}
	d->label = path;
	free(label);
	return st;
}

/* A file of attestations: JSON Lines (one document a line) or one JSON document. */
static mv_status
one_file(struct doc *d, const char *path, const char *name, const struct mv_entry *e)
{
	unsigned char *data = NULL, md[32];
	size_t len = 0;
	mv_status st;

	d->label = d->path = path;
	if (mv_file_read(d->ctx, path, MV_SIG_MAX_BYTES, &data, &len) != MV_OK)
		return finding(d, MV_R_ATTESTATION_MALFORMED, NULL, "%s", mv_ctx_error(d->ctx));
	/* The file read now must be the one the walk listed. */
	if (e && e->ndigest && e->digest[0].alg == MV_HASH_SHA256 &&
	    (mv_sha256(data, len, md) != MV_OK || memcmp(md, e->digest[0].value, 32) != 0)) {
		st = finding(d, MV_R_ATTESTATION_MALFORMED, NULL, "changed during the scan: not "
		    "read as an attestation");
		goto done;
	}
	st = each_doc(d, path, name, data, len);
done:
	d->label = d->path = NULL;
	free(data);
	return st;
}

mv_status
mv_attestation_check(struct mv_ctx *ctx, const struct mv_verify_opts *o, struct mv_result *res,
    size_t input, const struct mv_verify_report *sig)
{
	const char *in = mv_result_input(res, input);
	static const char *const beside[] = {".intoto.jsonl", ".sigstore.json"};
	struct mv_trust t;
	struct doc d;
	struct stat sb;
	mv_status st = MV_OK;

	if (in == NULL)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "no input %zu in the run", input);
	if (mv_result_input_is_stdin(res, input) || stat(in, &sb) != 0)
		return MV_OK;
	memset(&t, 0, sizeof(t));
	if ((st = mv_trust_load(ctx, o, &t)) != MV_OK)
		return st;
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.o = o;
	d.t = &t;
	d.trusted = t.key || t.roots || t.tr;
	d.res = res;
	d.input = input;
	d.sig = sig;
	d.fn = one_doc;
	if (S_ISDIR(sb.st_mode)) {
		for (size_t i = 0; i < mv_result_entry_count(res) && st == MV_OK; i++) {
			const struct mv_entry *e = mv_result_entry(res, i);

			if (e->input == in && e->depth == 0 && e->type == MV_ENTRY_FILE &&
			    attest_name(e->name))
				st = one_file(&d, e->path, e->name, e);
		}
	} else if (S_ISREG(sb.st_mode)) {
		for (size_t i = 0; i < 2 && st == MV_OK; i++) {
			char *path = mv_asprintf("%s%s", in, beside[i]);

			if (path == NULL)
				st = MV_ERR_NOMEM;
			else if (mv_regular_file(path))
				st = one_file(&d, path, path, NULL);
			free(path);
		}
	}
	mv_trust_free(&t);
	return st == MV_ERR_NOMEM ? mv_ctx_fail(ctx, st, "out of memory") : st;
}

/* ---- mavis verify: the attestations mavis sign --attest wrote beside the signature ---- */

/* Does subject x name the signed model (its root digest) or a signed file with its digest?
 * 1 yes, 0 a signed file with another digest, -1 neither. */
static int
signed_subject(const struct mv_manifest *m, const struct mv_subject *x)
{
	char root[65], hex[2 * MV_DIGEST_MAX + 1];
	struct mv_digest dg;
	const char *sha = NULL;

	for (size_t k = 0; k < x->ndigest; k++)
		if (strcmp(x->alg[k], "sha256") == 0)
			sha = x->hex[k];
	if (sha == NULL)
		return -1;
	dg.alg = MV_HASH_SHA256;
	dg.len = 32;
	memcpy(dg.value, m->root, 32);
	mv_digest_hex(&dg, root);
	if (m->has_root && strcasecmp(sha, root) == 0)
		return 1;
	if (m->shards || m->alg != MV_HASH_SHA256)
		return -1;
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->r[i].path, x->name) != 0)
			continue;
		dg.len = m->r[i].len;
		memcpy(dg.value, m->r[i].digest, dg.len);
		mv_digest_hex(&dg, hex);
		return strcasecmp(sha, hex) == 0;
	}
	return -1;
}

static mv_status
verify_doc(struct doc *d, const unsigned char *p, size_t n)
{
	struct mv_bundle b;
	struct mv_intoto s;
	enum mv_attest_state state;
	char *why = NULL, *signer = NULL;
	size_t nsig, bad = 0;
	int bare;
	mv_status st = MV_OK;

	if (read_doc(d->ctx, p, n, &b, &bare, &nsig, &s) != MV_OK) {
		st = mv_report_diff(d->rep, MV_DIFF_MALFORMED, "", "%s: %s", d->label,
		    mv_ctx_error(d->ctx));
		goto done;
	}
	if (is_oms(&s))
		goto done;
	if ((st = check(d, &b, bare, nsig, &state, &why, &signer)) != MV_OK)
		goto done;
	if (state != MV_ATTEST_VERIFIED) {
		st = mv_report_diff(d->rep, state == MV_ATTEST_UNSIGNED ? MV_DIFF_UNSUPPORTED :
		    MV_DIFF_BAD_SIGNATURE, "", "%s: %s attestation %s%s%s", d->label,
		    s.predicate_type, state == MV_ATTEST_UNSIGNED ? "carries no signature" :
		    "does not verify", why ? ": " : "", why ? why : "");
		goto done;
	}
	for (size_t i = 0; i < s.nsubject && st == MV_OK; i++) {
		const struct mv_subject *x = &s.subject[i];
		int r = signed_subject(d->m, x);

		if (r == 1)
			continue;
		bad++;
		st = mv_report_diff(d->rep, r == 0 ? MV_DIFF_CHANGED : MV_DIFF_MISSING, x->name,
		    "%s: attested with %s %s, %s", d->label, x->alg[0], x->hex[0], r == 0 ?
		    "which is not its signed digest" : "which is neither the signed model's root "
		    "digest nor a signed file's");
	}
	if (st == MV_OK && bad == 0)
		d->rep->nattest++;
done:
	free(why);
	free(signer);
	mv_intoto_free(&s);
	mv_bundle_free(&b);
	return st;
}

mv_status
mv_attest_verify_beside(struct mv_ctx *ctx, const struct mv_verify_opts *o,
    const struct mv_trust *t, const char *sigpath, const struct mv_manifest *m,
    struct mv_verify_report *rep)
{
	struct doc d;
	unsigned char *data = NULL;
	size_t len = 0;
	char *path = NULL;
	mv_status st;

	if ((st = mv_attest_default_path(ctx, sigpath, &path)) != MV_OK)
		return st;
	if (!mv_regular_file(path)) {
		free(path);
		return MV_OK;
	}
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.o = o;
	d.t = t;
	d.trusted = 1;
	d.fn = verify_doc;
	d.m = m;
	d.rep = rep;
	d.path = path;
	if (mv_file_read(ctx, path, MV_SIG_MAX_BYTES, &data, &len) != MV_OK)
		st = mv_report_diff(rep, MV_DIFF_UNREADABLE, "", "%s", mv_ctx_error(ctx));
	else
		st = each_doc(&d, path, path, data, len);
	free(data);
	free(path);
	return st;
}
