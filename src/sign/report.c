/* SPDX-License-Identifier: Apache-2.0 */
/* report.c: the verification report, its accessors, and the findings it turns into. */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/finding.h"
#include "core/result.h"
#include "core/str.h"
#include "sign/sign.h"

const char *
mv_sig_method_name(enum mv_sig_method m)
{
	switch (m) {
	case MV_SIG_NONE: return "none";
	case MV_SIG_KEY: return "key";
	case MV_SIG_CERTIFICATE: return "certificate";
	case MV_SIG_SIGSTORE: return "sigstore";
	}
	return "unknown";
}

const char *
mv_sig_diff_name(enum mv_sig_diff_kind k)
{
	switch (k) {
	case MV_DIFF_CHANGED: return "changed";
	case MV_DIFF_MISSING: return "missing";
	case MV_DIFF_EXTRA: return "extra";
	case MV_DIFF_UNREADABLE: return "unreadable";
	case MV_DIFF_REFUSED: return "refused";
	case MV_DIFF_BAD_SIGNATURE: return "bad signature";
	case MV_DIFF_WRONG_KEY: return "wrong key";
	case MV_DIFF_UNTRUSTED: return "untrusted signer";
	case MV_DIFF_WRONG_METHOD: return "wrong method";
	case MV_DIFF_MALFORMED: return "malformed";
	case MV_DIFF_INCONSISTENT: return "inconsistent";
	case MV_DIFF_UNSUPPORTED: return "unsupported format";
	case MV_DIFF_WRONG_MODEL: return "wrong model";
	}
	return "unknown";
}

const char *
mv_verify_status_name(enum mv_verify_status s)
{
	switch (s) {
	case MV_VERIFY_VALID: return "valid";
	case MV_VERIFY_FAILED: return "failed";
	case MV_VERIFY_INCOMPLETE: return "incomplete";
	case MV_VERIFY_NO_SIGNATURE: return "no signature";
	case MV_VERIFY_UNVERIFIED: return "unverified";
	}
	return "unknown";
}

mv_status
mv_report_new(struct mv_verify_report **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? MV_OK : MV_ERR_NOMEM;
}

mv_status
mv_report_set(char **field, const char *value)
{
	char *c = value ? mv_strdup(value) : NULL;

	if (value && c == NULL)
		return MV_ERR_NOMEM;
	free(*field);
	*field = c;
	return MV_OK;
}

mv_status
mv_report_diff(struct mv_verify_report *rep, enum mv_sig_diff_kind kind, const char *name,
    const char *fmt, ...)
{
	struct mv_sig_diff *d;
	char *raw, *nm;
	va_list ap;

	if (MV_ARRAY_RESERVE(rep->diff, rep->cap, rep->ndiff + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	va_start(ap, fmt);
	raw = mv_vasprintf(fmt, ap);
	va_end(ap);
	nm = mv_strdup(name ? name : "");
	d = &rep->diff[rep->ndiff];
	d->kind = kind;
	d->name = nm;
	d->detail = raw ? mv_str_escape(raw, strlen(raw)) : NULL;
	free(raw);
	if (d->name == NULL || d->detail == NULL) {
		free(mv_unconst(d->name));
		free(mv_unconst(d->detail));
		return MV_ERR_NOMEM;
	}
	rep->ndiff++;
	return MV_OK;
}

enum mv_verify_status
mv_verify_report_status(const struct mv_verify_report *r)
{
	return r->status;
}

enum mv_sig_method
mv_verify_report_method(const struct mv_verify_report *r)
{
	return r->method;
}

const char *
mv_verify_report_format(const struct mv_verify_report *r)
{
	return r->format;
}

const char *
mv_verify_report_producer(const struct mv_verify_report *r)
{
	return r->producer;
}

const char *
mv_verify_report_signer(const struct mv_verify_report *r)
{
	return r->signer;
}

const char *
mv_verify_report_signature(const struct mv_verify_report *r)
{
	return r->signature;
}

size_t
mv_verify_report_attestations(const struct mv_verify_report *r)
{
	return r->nattest;
}

size_t
mv_verify_report_resources(const struct mv_verify_report *r)
{
	return r->nresources;
}

unsigned
mv_verify_report_notes(const struct mv_verify_report *r)
{
	return r->notes;
}

size_t
mv_verify_report_diff_count(const struct mv_verify_report *r)
{
	return r->ndiff;
}

const struct mv_sig_diff *
mv_verify_report_diff(const struct mv_verify_report *r, size_t i)
{
	return i < r->ndiff ? &r->diff[i] : NULL;
}

void
mv_verify_report_free(struct mv_verify_report *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->ndiff; i++) {
		free(mv_unconst(r->diff[i].name));
		free(mv_unconst(r->diff[i].detail));
	}
	free(r->diff);
	free(r->format);
	free(r->producer);
	free(r->signer);
	free(r->signature);
	free(r->model);
	free(r->top);
	free(r);
}

static enum mv_rule
rule_of(enum mv_sig_diff_kind k)
{
	switch (k) {
	case MV_DIFF_CHANGED: return MV_R_INTEGRITY_DIGEST_MISMATCH;
	case MV_DIFF_MISSING:
	case MV_DIFF_WRONG_MODEL: return MV_R_SIGNATURE_FILE_MISSING;
	case MV_DIFF_EXTRA: return MV_R_SIGNATURE_FILE_EXTRA;
	case MV_DIFF_UNREADABLE: return MV_R_SIGNATURE_FILE_UNREADABLE;
	case MV_DIFF_REFUSED: return MV_R_SIGNATURE_FILE_REFUSED;
	case MV_DIFF_UNSUPPORTED: return MV_R_SIGNATURE_FORMAT_UNSUPPORTED;
	default: return MV_R_SIGNATURE_INVALID;
	}
}

/* The displayed path of a model-relative name, as the walker shows entries. */
static char *
display_path(const struct mv_verify_report *r, const char *input, const char *name)
{
	if (name == NULL || name[0] == '\0')
		return mv_strdup(r->signature ? r->signature : input);
	switch (r->kind) {
	case MV_MODEL_DIR:
		return mv_path_join(input, name);
	case MV_MODEL_ARCHIVE:
		return r->top ? mv_asprintf("%s!/%s/%s", input, r->top, name) :
		    mv_asprintf("%s!/%s", input, name);
	case MV_MODEL_FILE:
		break;
	}
	return mv_strdup(input);
}

mv_status
mv_verify_report_findings(const struct mv_verify_report *r, struct mv_result *res,
    size_t input)
{
	struct mv_findings *fl = mv_result_findings(res);
	const char *in = mv_result_input(res, input);
	const char *sig = r->signature ? r->signature : in;
	mv_status st = MV_OK;

	if (in == NULL)
		return MV_ERR_USAGE;
	if (r->notes & MV_VERIFY_NOTE_CERT_NO_EKU)
		st = mv_findings_add(fl, MV_R_SIGNATURE_CERT_EKU_MISSING, sig, -1, "the signing "
		    "certificate has no extended key usage extension (accepted on its key usage, as "
		    "model_signing accepts it): %s", r->signer ? r->signer : "certificate");
	if (st == MV_OK && (r->notes & MV_VERIFY_NOTE_CERT_CA))
		st = mv_findings_add(fl, MV_R_SIGNATURE_CERT_LEAF_CA, sig, -1, "the signing "
		    "certificate is a CA certificate (basicConstraints CA:TRUE; accepted, as "
		    "model_signing accepts it): %s", r->signer ? r->signer : "certificate");
	if (st != MV_OK)
		return st;
	switch (r->status) {
	case MV_VERIFY_NO_SIGNATURE:
		return mv_findings_add(fl, MV_R_SIGNATURE_MISSING, in, -1, "no signature found%s%s",
		    r->signature ? " at " : "", r->signature ? r->signature : "");
	case MV_VERIFY_UNVERIFIED:
		return mv_findings_add(fl, MV_R_SIGNATURE_UNVERIFIED, sig, -1,
		    "%s signature (%s%s%s) present but not verified: no key or root certificate "
		    "given", r->format ? r->format : "model", mv_sig_method_name(r->method),
		    r->signer ? ", " : "", r->signer ? r->signer : "");
	case MV_VERIFY_VALID:
		return mv_findings_add(fl, MV_R_SIGNATURE_VERIFIED, sig, -1,
		    "%s signature verified: %s; %zu resources match", r->format ? r->format : "model",
		    r->signer ? r->signer : mv_sig_method_name(r->method), r->nresources);
	case MV_VERIFY_FAILED:
	case MV_VERIFY_INCOMPLETE:
		break;
	}
	for (size_t i = 0; i < r->ndiff && st == MV_OK; i++) {
		const struct mv_sig_diff *d = &r->diff[i];
		char *path = display_path(r, in, d->name);

		if (path == NULL)
			return MV_ERR_NOMEM;
		st = mv_findings_add(fl, rule_of(d->kind), path, -1, "%s: %s",
		    mv_sig_diff_name(d->kind), d->detail);
		free(path);
	}
	return st;
}
