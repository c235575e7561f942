/* SPDX-License-Identifier: Apache-2.0 */
/* sign.c: the signing and verification pipelines of mavis.h: the walk hashes the model (a
 * run of its own, or the scan's run when it fits), the signing stage does the rest. The stage
 * reaches the walk only through the walker given here, so it never calls up. */
#include "config.h"

#include "core/ctx.h"
#include "core/result.h"
#include "core/str.h"
#include "run/run.h"
#include "sign/sign.h"
#include "walk/hf.h"

static mv_status
walk_run(struct mv_ctx *rc, const char *path, struct mv_result **out)
{
	const char *inputs[1] = {path};

	return mv_run(rc, inputs, 1, out);
}

static mv_status
walk_resolve(struct mv_ctx *ctx, const char *name, char **path)
{
	struct mv_source *src;
	mv_status st;

	*path = NULL;
	if (!mv_hf_is_uri(name))
		return MV_OK;
	if ((st = mv_hf_resolve(ctx, name, &src)) != MV_OK)
		return st;
	*path = mv_strdup(src->path);
	mv_source_free(src);
	return *path ? MV_OK : mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
}

const struct mv_walker mv_run_walker = {walk_run, walk_resolve};

mv_status
mv_sign(struct mv_ctx *ctx, const struct mv_sign_opts *opts, const char *model,
    size_t *nresources)
{
	return mv_sign_model(ctx, &mv_run_walker, opts, model, nresources);
}

mv_status
mv_sign_digest(struct mv_ctx *ctx, const struct mv_sign_opts *opts, const char *model,
    unsigned char root[32], size_t *nresources)
{
	return mv_sign_model_digest(ctx, &mv_run_walker, opts, model, root, nresources);
}

mv_status
mv_verify(struct mv_ctx *ctx, const struct mv_verify_opts *o, const char *model,
    struct mv_verify_report **out)
{
	return mv_verify_model(ctx, &mv_run_walker, o, model, out);
}

mv_status
mv_verify_result(struct mv_ctx *ctx, const struct mv_verify_opts *o,
    const struct mv_result *res, size_t input, struct mv_verify_report **out)
{
	return mv_verify_model_result(ctx, &mv_run_walker, o, res, input, out);
}

mv_status
mv_signature_check(struct mv_ctx *ctx, const struct mv_verify_opts *o, struct mv_result *res,
    size_t input, struct mv_verify_report **out)
{
	return mv_signature_model_check(ctx, &mv_run_walker, o, res, input, out);
}
