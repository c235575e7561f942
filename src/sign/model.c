/* SPDX-License-Identifier: Apache-2.0 */
/* model.c: what a model path is (a folder, a file, an archive of files), and the run that
 * hashes it into a manifest, or the reuse of a run already made. */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/ctx.h"
#include "core/finding.h"
#include "core/result.h"
#include "core/str.h"
#include "sign/sign.h"

static const char *
base_of(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The model's name for the statement subject: an archive's name without its suffixes. */
static char *
archive_stem(const char *path)
{
	static const char *const sfx[] = {".tar.gz", ".tar.xz", ".tar.bz2", ".tar.zst",
	    ".tar.lz4", ".tar", ".tgz", ".txz", ".tbz2", ".zip", ".7z", NULL};
	const char *b = base_of(path);
	size_t n = strlen(b);

	for (int i = 0; sfx[i]; i++) {
		size_t k = strlen(sfx[i]);

		if (n > k && strcmp(b + n - k, sfx[i]) == 0)
			return mv_strndup(b, n - k);
	}
	return mv_strdup(b);
}

mv_status
mv_model_open(struct mv_ctx *ctx, const struct mv_walker *w, const char *path,
    struct mv_model *md)
{
	struct stat st;
	mv_status rst;

	memset(md, 0, sizeof(*md));
	md->walker = w;
	if (strcmp(path, "-") == 0)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "a model on standard input cannot be signed "
		    "or verified: name a folder, a file or an archive");
	/* hf://ORG/NAME[@REVISION]: the snapshot of the local cache it names. */
	if ((rst = w->resolve(ctx, path, &md->path)) != MV_OK)
		return rst;
	if (md->path)
		path = md->path;
	if (stat(path, &st) != 0)
		return mv_ctx_fail(ctx, errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO, "%s: %s",
		    path, strerror(errno));
	if (md->path == NULL && (md->path = mv_strdup(path)) == NULL)
		goto nomem;
	if (S_ISDIR(st.st_mode)) {
		md->kind = MV_MODEL_DIR;
		if ((md->root_real = realpath(path, NULL)) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
		/* "." and ".." name the folder they resolve to, as model_signing does. */
		md->name = mv_strdup(strcmp(md->root_real, "/") == 0 ? "model" :
		    base_of(md->root_real));
	} else if (S_ISREG(st.st_mode)) {
		md->kind = MV_MODEL_FILE;
		md->name = mv_strdup(base_of(path));
		md->stem = archive_stem(path);
		if (md->stem == NULL)
			goto nomem;
	} else {
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: not a folder or a regular file", path);
	}
	if (md->name == NULL)
		goto nomem;
	return MV_OK;
nomem:
	return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
}

void
mv_model_close(struct mv_model *md)
{
	free(md->path);
	free(md->root_real);
	free(md->name);
	free(md->stem);
	free(md->top);
	memset(md, 0, sizeof(*md));
}

mv_status
mv_model_rel(struct mv_ctx *ctx, const struct mv_model *md, const char *file, char **rel)
{
	char *copy = mv_strdup(file), *dir, *real = NULL;
	size_t n;
	mv_status st = MV_OK;

	*rel = NULL;
	if (md->kind != MV_MODEL_DIR)
		goto done;
	if (copy == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	/* The file may not exist yet (a signature about to be written): resolve its folder. */
	dir = dirname(copy);
	if ((real = realpath(dir, NULL)) == NULL)
		goto done;
	n = strlen(md->root_real);
	if (strcmp(real, md->root_real) == 0) {
		*rel = mv_strdup(base_of(file));
	} else if (strncmp(real, md->root_real, n) == 0 && (real[n] == '/' || n == 1)) {
		const char *sub = real + n + (n == 1 ? 0 : 1);

		*rel = mv_asprintf("%s/%s", sub, base_of(file));
	}
	if ((strcmp(real, md->root_real) == 0 || *rel) && *rel == NULL)
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
done:
	free(real);
	free(copy);
	return st;
}

/* A context for a run of our own: the caller's limits, jobs and progress, nothing else. */
static struct mv_ctx *
run_ctx(const struct mv_ctx *ctx)
{
	struct mv_ctx *c = mv_ctx_new();

	if (c == NULL)
		return NULL;
	memcpy(c->limit, ctx->limit, sizeof(c->limit));
	c->jobs = ctx->jobs;
	c->progress = ctx->progress;
	c->progress_arg = ctx->progress_arg;
	return c;
}

/* Did the run stop early (a run-wide limit), so that files are silently absent? */
static const char *
truncated(const struct mv_result *res, const struct mv_model *md)
{
	for (size_t i = 0; i < mv_result_finding_count(res); i++) {
		const struct mv_finding *f = mv_result_finding(res, i);

		if (strcmp(f->rule, mv_rule_id(MV_R_LIMIT_ENTRIES_EXCEEDED)) == 0 ||
		    strcmp(f->rule, mv_rule_id(MV_R_LIMIT_BYTES_EXCEEDED)) == 0 ||
		    strcmp(f->rule, mv_rule_id(MV_R_LIMIT_TIME_EXCEEDED)) == 0)
			return f->evidence;
		/* The archive of an archive model could not be read to its end. */
		if (md->kind == MV_MODEL_ARCHIVE && strcmp(f->path, md->path) == 0 &&
		    (strcmp(f->rule, mv_rule_id(MV_R_ARCHIVE_READ_ERROR)) == 0 ||
		    strcmp(f->rule, mv_rule_id(MV_R_ANALYSIS_INCOMPLETE)) == 0 ||
		    strcmp(f->rule, mv_rule_id(MV_R_LIMIT_DEPTH_EXCEEDED)) == 0))
			return f->evidence;
	}
	return NULL;
}

static void
clear_resources(struct mv_manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->r[i].name);
		free(m->r[i].path);
	}
	m->n = 0;
}

/* Can a run made by someone else (mavis scan) stand for ours? Its excludes might hide signed
 * files, and it must have followed links and opened archives as we would. */
static int
reuse_ok(const struct mv_ctx *ctx, const struct mv_model *md, const struct mv_scope *sc)
{
	if (ctx->nignore > 0)
		return 0;
	if (sc->allow_symlinks && !(ctx->flags & MV_RUN_FOLLOW_SYMLINKS))
		return 0;
	if (md->kind == MV_MODEL_ARCHIVE && (ctx->flags & MV_RUN_NO_RECURSE))
		return 0;
	return 1;
}

mv_status
mv_model_build(struct mv_ctx *ctx, struct mv_model *md, const struct mv_scope *sc_in,
    const struct mv_result *res, size_t input, struct mv_manifest *m,
    struct mv_scope_issues *issues)
{
	struct mv_scope sc = *sc_in;
	const char *why;
	mv_status st;

	sc.kind = md->kind;
	sc.root_real = md->root_real;
	if (md->kind == MV_MODEL_ARCHIVE && sc.strip != 0) {
		free(md->top);
		md->top = mv_archive_top(res, input);
	} else {
		free(md->top);
		md->top = NULL;
	}
	if ((why = truncated(res, md)) != NULL)
		return mv_scope_issue_add(issues, MV_DIFF_UNREADABLE, "", "the walk of %s stopped "
		    "early: %s", md->path, why);
	if (md->kind == MV_MODEL_ARCHIVE) {
		const struct mv_entry *top = NULL;

		for (size_t k = 0; k < mv_result_entry_count(res) && top == NULL; k++) {
			const struct mv_entry *e = mv_result_entry(res, k);

			if (e->input == mv_result_input(res, input) && e->depth == 0)
				top = e;
		}
		if (top == NULL || !(top->flags & MV_ENTRY_CONTAINER))
			return mv_scope_issue_add(issues, MV_DIFF_UNREADABLE, "", "%s: the archive's "
			    "members could not be listed", md->path);
	}
	st = mv_manifest_from_run(ctx, res, input, &sc, m, issues);
	return st;
}

mv_status
mv_model_hash(struct mv_ctx *ctx, struct mv_model *md, const struct mv_scope *sc,
    const struct mv_result *reuse, size_t input, struct mv_manifest *m,
    struct mv_scope_issues *issues, struct mv_result **own)
{
	struct mv_ctx *rc = NULL;
	unsigned flags = 0;
	mv_status st;

	*own = NULL;
	if (reuse && reuse_ok(ctx, md, sc)) {
		st = mv_model_build(ctx, md, sc, reuse, input, m, issues);
		if (st != MV_ERR_UNSUPPORTED)
			return st;
		/* The run lacks the digests this signature needs: hash again. */
		clear_resources(m);
		mv_scope_issues_free(issues);
	}
	if ((rc = run_ctx(ctx)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (md->kind != MV_MODEL_ARCHIVE)
		flags |= MV_RUN_NO_RECURSE;
	if (sc->allow_symlinks)
		flags |= MV_RUN_FOLLOW_SYMLINKS;
	mv_ctx_set_flags(rc, flags);
	if ((st = mv_ctx_set_hashes(rc, m->alg)) != MV_OK ||
	    (st = mv_ctx_set_shard_size(rc, m->shards ? m->shard_size : 0)) != MV_OK)
		goto fail;
	/* Ignored folders (.git) are not even walked. */
	for (size_t i = 0; md->kind == MV_MODEL_DIR && i < sc->nignore; i++)
		if ((st = mv_ctx_add_ignore(rc, sc->ignore[i])) != MV_OK)
			goto fail;
	if ((st = md->walker->run(rc, md->path, own)) != MV_OK)
		goto fail;
	mv_ctx_free(rc);
	st = mv_model_build(ctx, md, sc, *own, 0, m, issues);
	if (st == MV_ERR_UNSUPPORTED)
		return mv_ctx_fail(ctx, MV_ERR_INTERNAL, "%s: the walk did not produce the digests "
		    "asked for", md->path);
	return st;
fail:
	mv_ctx_fail(ctx, st, "%s", mv_ctx_error(rc));
	mv_ctx_free(rc);
	return st;
}

mv_status
mv_scope_ignores(struct mv_ctx *ctx, struct mv_scope *sc, const struct mv_model *md, int git,
    char *const *extra, size_t nextra, const char *const *user, size_t nuser, const char *sigrel)
{
	struct mv_manifest tmp;
	mv_status st = MV_OK;

	/* A manifest's ignore list does the de-duplication. */
	mv_manifest_init(&tmp);
	for (size_t i = 0; git && mv_git_ignores[i] && st == MV_OK; i++)
		st = mv_manifest_add_ignore(&tmp, mv_git_ignores[i]);
	/* hf download --local-dir keeps its records in .cache/huggingface (with a .gitignore of
	 * "*"): bookkeeping of the download, not a file of the repository. */
	if (git && st == MV_OK && md && md->kind == MV_MODEL_DIR && md->root_real) {
		char *dl = mv_path_join(md->root_real, ".cache/huggingface/download");
		struct stat sb;

		if (dl == NULL)
			st = MV_ERR_NOMEM;
		else if (lstat(dl, &sb) == 0 && S_ISDIR(sb.st_mode))
			st = mv_manifest_add_ignore(&tmp, ".cache/huggingface");
		free(dl);
	}
	for (size_t i = 0; i < nextra && st == MV_OK; i++)
		st = mv_manifest_add_ignore(&tmp, extra[i]);
	for (size_t i = 0; i < nuser && st == MV_OK; i++) {
		const char *p = user[i];
		char *norm;
		size_t n;

		while (p[0] == '.' && p[1] == '/')
			p += 2;
		n = strlen(p);
		while (n > 1 && p[n - 1] == '/')
			n--;
		if ((norm = mv_strndup(p, n)) == NULL) {
			st = MV_ERR_NOMEM;
			break;
		}
		if (!mv_resource_path_ok(norm) || strcmp(norm, ".") == 0 ||
		    strpbrk(norm, "*?[") != NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_USAGE, "ignore path '%s' is not a plain path "
			    "inside the model (no '..', no leading '/', no wildcards)", user[i]);
			free(norm);
			mv_manifest_free(&tmp);
			return st;
		}
		st = mv_manifest_add_ignore(&tmp, norm);
		free(norm);
	}
	if (st == MV_OK && sigrel)
		st = mv_manifest_add_ignore(&tmp, sigrel);
	if (st != MV_OK) {
		mv_manifest_free(&tmp);
		return mv_ctx_fail(ctx, st, "out of memory");
	}
	mv_manifest_sort(&tmp);
	sc->ignore = tmp.ignore;
	sc->nignore = tmp.nignore;
	tmp.ignore = NULL;
	tmp.nignore = 0;
	mv_manifest_free(&tmp);
	return MV_OK;
}

void
mv_scope_free(struct mv_scope *sc)
{
	for (size_t i = 0; i < sc->nignore; i++)
		free(sc->ignore[i]);
	free(sc->ignore);
	sc->ignore = NULL;
	sc->nignore = 0;
}
