/* SPDX-License-Identifier: Apache-2.0 */
/* ctx.c: contexts, limits, status and severity names. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "core/array.h"
#include "core/ctx.h"
#include "core/str.h"

#define KiB (UINT64_C(1) << 10)
#define MiB (UINT64_C(1) << 20)
#define GiB (UINT64_C(1) << 30)

/* The one table of limits. Defaults let real packages through (a 140 GB tarball of weights,
 * a PyTorch zip of thousands of members) while hostile ones stop early: ClamAV stops at 17
 * nesting levels and 10,000 files, ModelAudit at depth 5; Keras refuses members expanding more
 * than 100 times above a floor. */
static const struct {
	const char *name;
	uint64_t def;
	int size;
	const char *help;
} limits[MV_LIMIT__COUNT] = {
	[MV_LIMIT_DEPTH] = {"max-depth", 8, 0, "archives nested inside archives"},
	[MV_LIMIT_ENTRIES] = {"max-entries", 1000000, 0, "entries in one run"},
	[MV_LIMIT_BYTES] = {"max-bytes", 256 * GiB, 1, "bytes read from streams or decompressed out of archives"},
	[MV_LIMIT_RATIO] = {"max-ratio", 100, 0, "expansion ratio of one archive member"},
	[MV_LIMIT_RATIO_FLOOR] = {"ratio-floor", 64 * MiB, 1,
	    "bytes a member must produce before its ratio is judged"},
	[MV_LIMIT_SPOOL] = {"max-spool", 8 * GiB, 1,
	    "bytes of one nested archive copied aside for random access"},
	[MV_LIMIT_SPOOL_MEMORY] = {"spool-memory", 16 * MiB, 1,
	    "spool kept in memory before it moves to a temporary file"},
	[MV_LIMIT_NAME] = {"max-name", 4096, 0, "bytes in one entry name or link target"},
	[MV_LIMIT_HEADER] = {"max-header", 100000000, 1, "bytes of one format header parsed"},
	[MV_LIMIT_JSON_DEPTH] = {"max-json-depth", 64, 0, "nesting depth of JSON documents"},
	[MV_LIMIT_PICKLE_OPS] = {"max-pickle-ops", 500000000, 0, "opcodes in one pickle stream"},
	[MV_LIMIT_PICKLE_STACK] = {"max-pickle-stack", 100000, 0, "depth of the pickle stack"},
	[MV_LIMIT_PICKLE_MEMO] = {"max-pickle-memo", 16000000, 0, "entries in one pickle memo"},
	[MV_LIMIT_PICKLE_STREAMS] = {"max-pickle-streams", 1024, 0,
	    "pickle streams analysed in one entry"},
	[MV_LIMIT_PICKLE_MEMORY] = {"max-pickle-memory", 64 * MiB, 1,
	    "bytes of values one pickle stream keeps for the analysis"},
	[MV_LIMIT_SECONDS] = {"max-seconds", 0, 0, "seconds one run may take reading (0: no limit)"},
};

const char *
mv_version(void)
{
	return MV_VERSION_STRING;
}

const char *
mv_strerror(mv_status st)
{
	switch (st) {
	case MV_OK: return "success";
	case MV_ERR_IO: return "input/output error";
	case MV_ERR_FORMAT: return "malformed input";
	case MV_ERR_LIMIT: return "limit reached";
	case MV_ERR_NOMEM: return "out of memory";
	case MV_ERR_CRYPTO: return "cryptographic failure";
	case MV_ERR_USAGE: return "invalid argument";
	case MV_ERR_UNSUPPORTED: return "unsupported";
	case MV_ERR_NOTFOUND: return "not found";
	case MV_ERR_VERIFY: return "verification failed";
	case MV_ERR_INTERNAL: return "internal error";
	}
	return "unknown status";
}

static const char *const sevnames[] = {"info", "low", "medium", "high", "critical"};

const char *
mv_severity_name(enum mv_severity sev)
{
	if ((unsigned)sev >= sizeof(sevnames) / sizeof(sevnames[0]))
		return "unknown";
	return sevnames[sev];
}

mv_status
mv_severity_parse(const char *s, enum mv_severity *out)
{
	for (size_t i = 0; i < sizeof(sevnames) / sizeof(sevnames[0]); i++) {
		if (strcmp(s, sevnames[i]) == 0) {
			*out = (enum mv_severity)i;
			return MV_OK;
		}
	}
	return MV_ERR_USAGE;
}

struct mv_ctx *
mv_ctx_new(void)
{
	struct mv_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx == NULL)
		return NULL;
	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		ctx->limit[i] = limits[i].def;
	ctx->hashes = MV_HASH_SHA256;
	return ctx;
}

void
mv_ctx_free(struct mv_ctx *ctx)
{
	if (ctx == NULL)
		return;
	for (size_t i = 0; i < ctx->nignore; i++)
		free(ctx->ignore[i]);
	free(ctx->ignore);
	free(ctx->sigdir);
	free(ctx->stdin_name);
	if (ctx->registry_auth)
		OPENSSL_cleanse(ctx->registry_auth, strlen(ctx->registry_auth));
	free(ctx->registry_auth);
	free(ctx);
}

mv_status
mv_ctx_set_registry(struct mv_ctx *ctx, const char *authorization, unsigned flags)
{
	char *copy = NULL;

	if (flags & ~MV_REGISTRY_INSECURE)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "unknown registry flags 0x%x", flags);
	/* A header value with a line break would add headers of the caller's choosing. */
	if (authorization && strpbrk(authorization, "\r\n") != NULL)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "the registry authorization holds a line "
		    "break");
	if (authorization && (copy = strdup(authorization)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (ctx->registry_auth)
		OPENSSL_cleanse(ctx->registry_auth, strlen(ctx->registry_auth));
	free(ctx->registry_auth);
	ctx->registry_auth = copy;
	ctx->registry_flags = flags;
	return MV_OK;
}

mv_status
mv_ctx_set_stdin_name(struct mv_ctx *ctx, const char *name)
{
	char *copy = NULL;

	if (name && (name[0] == '\0' || strcmp(name, "-") == 0 || strstr(name, "!/")))
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "'%s' cannot name standard input (empty, "
		    "\"-\", or holding \"!/\")", name);
	if (name && (copy = strdup(name)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	free(ctx->stdin_name);
	ctx->stdin_name = copy;
	return MV_OK;
}

const char *
mv_ctx_error(const struct mv_ctx *ctx)
{
	return ctx->err[0] ? ctx->err : "no error";
}

mv_status
mv_ctx_fail(struct mv_ctx *ctx, mv_status st, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return st;
}

uint64_t
mv_limit_default(enum mv_limit lim)
{
	return (unsigned)lim < MV_LIMIT__COUNT ? limits[lim].def : 0;
}

int
mv_limit_is_size(enum mv_limit lim)
{
	return (unsigned)lim < MV_LIMIT__COUNT && limits[lim].size;
}

const char *
mv_limit_name(enum mv_limit lim)
{
	return (unsigned)lim < MV_LIMIT__COUNT ? limits[lim].name : NULL;
}

const char *
mv_limit_help(enum mv_limit lim)
{
	return (unsigned)lim < MV_LIMIT__COUNT ? limits[lim].help : NULL;
}

mv_status
mv_limit_lookup(const char *name, enum mv_limit *out)
{
	for (int i = 0; i < MV_LIMIT__COUNT; i++) {
		if (strcmp(name, limits[i].name) == 0) {
			*out = (enum mv_limit)i;
			return MV_OK;
		}
	}
	return MV_ERR_NOTFOUND;
}

mv_status
mv_ctx_set_limit(struct mv_ctx *ctx, enum mv_limit lim, uint64_t value)
{
	if ((unsigned)lim >= MV_LIMIT__COUNT)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "unknown limit %d", (int)lim);
	/* A zero ratio or floor would flag every member; zero of a count means "nothing
	 * allowed", which is a valid (if strict) policy. */
	if (value == 0 && (lim == MV_LIMIT_RATIO || lim == MV_LIMIT_NAME ||
	    lim == MV_LIMIT_JSON_DEPTH || lim == MV_LIMIT_PICKLE_STACK))
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "--%s must be at least 1", limits[lim].name);
	ctx->limit[lim] = value;
	return MV_OK;
}

uint64_t
mv_ctx_limit(const struct mv_ctx *ctx, enum mv_limit lim)
{
	return (unsigned)lim < MV_LIMIT__COUNT ? ctx->limit[lim] : 0;
}

void
mv_ctx_set_jobs(struct mv_ctx *ctx, unsigned jobs)
{
	ctx->jobs = jobs;
}

mv_status
mv_ctx_set_hashes(struct mv_ctx *ctx, unsigned mask)
{
	if (mask == 0 || (mask & ~(unsigned)MV_HASH__ALL))
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "no valid digest algorithm selected");
	ctx->hashes = mask;
	return MV_OK;
}

mv_status
mv_ctx_set_shard_size(struct mv_ctx *ctx, uint64_t bytes)
{
	ctx->shard_size = bytes;
	return MV_OK;
}

void
mv_ctx_set_flags(struct mv_ctx *ctx, unsigned flags)
{
	ctx->flags = flags;
}

mv_status
mv_ctx_add_ignore(struct mv_ctx *ctx, const char *name)
{
	char *copy;
	size_t len;

	/* Names are compared component-wise, so drop "./" prefixes and trailing slashes. */
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	len = strlen(name);
	while (len > 1 && name[len - 1] == '/')
		len--;
	if (len == 0)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "empty ignore path");
	copy = mv_strndup(name, len);
	if (copy == NULL ||
	    MV_ARRAY_RESERVE(ctx->ignore, ctx->ignorecap, ctx->nignore + 1, SIZE_MAX) != 0) {
		free(copy);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	ctx->ignore[ctx->nignore++] = copy;
	return MV_OK;
}

void
mv_ctx_set_progress(struct mv_ctx *ctx, mv_progress_fn fn, void *arg)
{
	ctx->progress = fn;
	ctx->progress_arg = arg;
}

mv_status
mv_ctx_set_signatures(struct mv_ctx *ctx, const char *dir)
{
	char *copy = NULL;

	if (dir && (copy = mv_strdup(dir)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	free(ctx->sigdir);
	ctx->sigdir = copy;
	return MV_OK;
}

/*
 * Without --signatures: $MAVIS_SIGNATURES, else the installed folder. A mavis run from its
 * build tree before make install has no installed folder yet and takes the one of the source
 * tree it was built from, so that ./mavis scan works straight after make; an installed mavis
 * never gets there. Which of the two is looked up once: the walker asks for every file.
 */
static const char *builtin_sigdir;
static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;

static void
builtin_find(void)
{
	builtin_sigdir = access(MV_SIGDIR "/rules.tsv", R_OK) != 0 &&
	    access(MV_SRCSIGDIR "/rules.tsv", R_OK) == 0 ? MV_SRCSIGDIR : MV_SIGDIR;
}

const char *
mv_sigdir_default(void)
{
	const char *env = getenv("MAVIS_SIGNATURES");

	if (env && *env)
		return env;
	pthread_once(&builtin_once, builtin_find);
	return builtin_sigdir;
}

const char *
mv_ctx_signatures(const struct mv_ctx *ctx)
{
	return ctx->sigdir ? ctx->sigdir : mv_sigdir_default();
}

mv_status
mv_opts_read(struct mv_ctx *ctx, const void *src, void *dst, size_t dstsize, const char *fn,
    const char *init)
{
	size_t n;

	memset(dst, 0, dstsize);
	memcpy(dst, &dstsize, sizeof(dstsize));
	if (src == NULL)
		return MV_OK;
	memcpy(&n, src, sizeof(n));
	if (n < sizeof(n))
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: opts->size is not set (start from %s)",
		    fn, init);
	memcpy(dst, src, n < dstsize ? n : dstsize);
	memcpy(dst, &dstsize, sizeof(dstsize));
	return MV_OK;
}
