/* SPDX-License-Identifier: Apache-2.0 */
/* scan.c: mv_scan, the whole of mavis scan as one call: the trust material, the run (walk,
 * hash and analyse), each input's signature, and the judgement by the policy. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mavis.h"
#include "core/ctx.h"
#include "core/result.h"
#include "judge/judge.h"

static enum mv_sigstate
sigstate(enum mv_verify_status s)
{
	switch (s) {
	case MV_VERIFY_VALID: return MV_SIGSTATE_VALID;
	case MV_VERIFY_FAILED: return MV_SIGSTATE_INVALID;
	case MV_VERIFY_INCOMPLETE: return MV_SIGSTATE_INCOMPLETE;
	case MV_VERIFY_NO_SIGNATURE: return MV_SIGSTATE_ABSENT;
	case MV_VERIFY_UNVERIFIED: return MV_SIGSTATE_UNCHECKED;
	}
	return MV_SIGSTATE_INVALID;
}

/* Trust material given replaces the policy's. A key that cannot be read is an error now, not
 * only once a signature turns up: a gate given a wrong path would otherwise pass every
 * unsigned package in silence. */
static mv_status
trust_material(struct mv_ctx *ctx, const struct mv_policy *pol, const struct mv_scan_opts *o,
    struct mv_verify_opts *vo)
{
	memset(vo, 0, sizeof(*vo));
	vo->size = sizeof(*vo);
	vo->signature = o->signature;
	vo->public_key = o->public_key;
	vo->roots = o->roots;
	vo->nroots = o->nroots;
	vo->trusted_root = o->trusted_root;
	vo->identity = o->identity;
	vo->issuer = o->issuer;
	if (vo->public_key == NULL && vo->nroots == 0 && vo->trusted_root == NULL) {
		vo->public_key = mv_policy_trust_key(pol);
		vo->nroots = mv_policy_trust_roots(pol, &vo->roots);
		vo->trusted_root = mv_policy_trust_sigstore(pol, &vo->identity, &vo->issuer);
	}
	if (vo->public_key) {
		char ktype[32], hint[65];
		mv_status st;

		if ((st = mv_key_fingerprint(ctx, vo->public_key, NULL, 0, ktype, hint)) != MV_OK)
			return st;
	}
	for (size_t i = 0; i < vo->nroots + (vo->trusted_root != NULL); i++) {
		const char *f = i < vo->nroots ? vo->roots[i] : vo->trusted_root;

		if (access(f, R_OK) != 0)
			return mv_ctx_fail(ctx, errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO,
			    "%s: %s", f, strerror(errno));
	}
	return MV_OK;
}

/* An input with nothing in it (an empty folder, empty standard input) is an error, not a
 * pass: a registry hook handed an empty or unreadable upload must not accept it. */
static mv_status
check_empty(struct mv_ctx *ctx, const struct mv_result *res)
{
	for (size_t i = 0; i < res->ninputs; i++) {
		const char *in = res->inputs[i];
		size_t items = 0, n = strlen(in);
		uint64_t bytes = 0;
		int said = 0;

		for (size_t k = 0; k < res->nent; k++) {
			const struct mv_entry *e = &res->ent[k];

			if (e->type == MV_ENTRY_DIR || strcmp(e->input, in) != 0)
				continue;
			items++;
			if (e->type == MV_ENTRY_FILE)
				bytes += e->size;
			if (e->flags & MV_ENTRY_INCOMPLETE)
				said = 1;
		}
		/* Whatever the walk found to say (a folder that could not be listed, a limit
		 * reached before the first byte) is reported, not taken for emptiness. */
		for (size_t k = 0; !said && k < res->findings.n; k++) {
			const struct mv_finding *f = &res->findings.v[k];

			said = strncmp(f->path, in, n) == 0 &&
			    strcmp(f->rule, "content.unrecognised") != 0;
		}
		if (said)
			continue;
		if (mv_result_input_is_stdin(res, i) && bytes == 0)
			return mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "standard input: nothing to scan: "
			    "no bytes were read");
		if (items == 0)
			return mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "%s: nothing to scan: the folder "
			    "holds no file", in);
	}
	return MV_OK;
}

/* Look for each input's signature and verify it when there is trust material; the
 * differences become findings of the run, the conclusions summaries for the judge (which
 * copies them, so the reports go when this returns). */
static mv_status
check_signatures(struct mv_ctx *ctx, const struct mv_verify_opts *vo, struct mv_result *res,
    struct mv_sigsummary *sums, struct mv_verify_report **reps, size_t *nsums)
{
	mv_status st;

	*nsums = 0;
	for (size_t i = 0; i < res->ninputs; i++) {
		struct mv_verify_report *r = NULL;
		struct mv_sigsummary *s = &sums[*nsums];

		if ((st = mv_signature_check(ctx, vo, res, i, &r)) != MV_OK)
			return st;
		if (r == NULL)
			continue;   /* standard input: no place for a signature */
		/* The attestations beside the model, matched against the files read and against
		 * the model's root digest when its signature verified. */
		if ((st = mv_attestation_check(ctx, vo, res, i, r)) != MV_OK) {
			mv_verify_report_free(r);
			return st;
		}
		reps[*nsums] = r;
		s->input = res->inputs[i];
		s->state = sigstate(mv_verify_report_status(r));
		s->signature = mv_verify_report_signature(r);
		s->format = mv_verify_report_format(r);
		s->method = mv_verify_report_method(r) == MV_SIG_NONE ? NULL :
		    mv_sig_method_name(mv_verify_report_method(r));
		s->signer = mv_verify_report_signer(r);
		s->resources = mv_verify_report_resources(r);
		(*nsums)++;
	}
	return MV_OK;
}

mv_status
mv_scan(struct mv_ctx *ctx, const struct mv_policy *pol, const char *const *inputs,
    size_t ninputs, const struct mv_scan_opts *opts, struct mv_judgement **out)
{
	struct mv_scan_opts o;
	struct mv_verify_opts vo;
	struct mv_result *res = NULL;
	struct mv_sigsummary *sums = NULL;
	struct mv_verify_report **reps = NULL;
	struct mv_judgement *j = NULL;
	size_t nsums = 0;
	char *saved_auth = NULL;
	unsigned saved_flags = 0;
	int registry_set = 0;
	mv_status st;

	*out = NULL;
	if ((st = mv_opts_read(ctx, opts, &o, sizeof(o), "mv_scan", "MV_SCAN_OPTS_INIT")) != MV_OK)
		return st;
	if (pol == NULL)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "mv_scan: no policy (mv_policy_new)");
	if (o.signature && ninputs > 1)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "mv_scan: opts->signature names the "
		    "signature of one input, not %zu", ninputs);
	if ((st = trust_material(ctx, pol, &o, &vo)) != MV_OK)
		return st;
	if (ninputs && ((sums = calloc(ninputs, sizeof(*sums))) == NULL ||
	    (reps = calloc(ninputs, sizeof(*reps))) == NULL)) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* The registry of oci:// inputs as this call says, else as the context was set. */
	if (o.registry_authorization || o.registry_flags) {
		saved_auth = ctx->registry_auth;
		saved_flags = ctx->registry_flags;
		ctx->registry_auth = NULL;
		if ((st = mv_ctx_set_registry(ctx, o.registry_authorization, o.registry_flags)) !=
		    MV_OK) {
			ctx->registry_auth = saved_auth;
			goto done;
		}
		registry_set = 1;
	}
	mv_ctx_set_flags(ctx, ctx->flags | MV_RUN_ANALYSE);
	if ((st = mv_run(ctx, inputs, ninputs, &res)) != MV_OK ||
	    (st = check_empty(ctx, res)) != MV_OK ||
	    (st = check_signatures(ctx, &vo, res, sums, reps, &nsums)) != MV_OK ||
	    (st = mv_judge(ctx, pol->rules, pol, res, sums, nsums, &j)) != MV_OK)
		goto done;
	/* The judgement reads the result until it is freed: it keeps it. */
	j->owned = res;
	res = NULL;
	*out = j;
done:
	if (registry_set) {
		/* The call's credentials go; the context's come back. */
		if (mv_ctx_set_registry(ctx, NULL, 0) == MV_OK) {
			ctx->registry_auth = saved_auth;
			ctx->registry_flags = saved_flags;
		}
	}
	for (size_t i = 0; i < nsums; i++)
		mv_verify_report_free(reps[i]);
	free(reps);
	free(sums);
	mv_result_free(res);
	return st;
}
