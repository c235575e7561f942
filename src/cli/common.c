/* SPDX-License-Identifier: Apache-2.0 */
/* common.c: option handling, errors, atomic report files and progress for every command. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

int
cli_error(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

void
cli_warn(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "%s: ", cli_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
cli_getopt_reset(void)
{
	/* getopt keeps its place inside a group of short options ("-qv") apart from optind: a
	 * command that returned in the middle of one would have the next parse read the old
	 * argv. glibc starts afresh on optind 0, the BSDs on optreset. */
#if defined(__GLIBC__)
	optind = 0;
#else
	optreset = 1;
	optind = 1;
#endif
}

int
cli_try_help(void)
{
	fprintf(stderr, "Try 'mavis %s --help'.\n", cli_cmd ? cli_cmd : "");
	return EXIT_ERROR;
}

int
cli_one_model(int argc, int first)
{
	if (first == argc - 1)
		return 0;
	if (first >= argc)
		return cli_error("no MODEL given (try 'mavis %s --help')", cli_cmd ? cli_cmd : "");
	return cli_error("one MODEL at a time");
}

static const struct option walk_opts[] = {
	{"jobs", required_argument, NULL, OPT_JOBS},
	{"follow-symlinks", no_argument, NULL, OPT_FOLLOW},
	{"no-recurse", no_argument, NULL, OPT_NO_RECURSE},
	{"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
	{"exclude", required_argument, NULL, OPT_IGNORE},
};

/* Append o to v, and its twin spelled with '_' for '-' when the name has a '-': model_signing
 * takes both (click normalises one to the other), so scripts written for it run unchanged.
 * The twins' names are written at *names. */
static void
add_option(struct option *v, size_t *k, const struct option *o, char **names)
{
	v[(*k)++] = *o;
	if (strchr(o->name, '-') == NULL)
		return;
	v[*k] = *o;
	v[(*k)++].name = *names;
	for (const char *p = o->name; *p; p++)
		*(*names)++ = *p == '-' ? '_' : *p;
	*(*names)++ = '\0';
}

struct option *
cli_options(const struct option *own)
{
	size_t nown = 0, nwalk = sizeof(walk_opts) / sizeof(walk_opts[0]), k = 0, chars = 0, n;
	struct option *v, o;
	char *names;

	while (own[nown].name)
		nown++;
	n = nown + nwalk + MV_LIMIT__COUNT;
	for (size_t i = 0; i < nown; i++)
		chars += strlen(own[i].name) + 1;
	for (size_t i = 0; i < nwalk; i++)
		chars += strlen(walk_opts[i].name) + 1;
	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		chars += strlen(mv_limit_name((enum mv_limit)i)) + 1;
	/* Room for every option twice, the terminating entry, and the twins' names. */
	v = calloc(1, (2 * n + 1) * sizeof(*v) + chars);
	if (v == NULL)
		return NULL;
	names = (char *)(v + 2 * n + 1);
	for (size_t i = 0; i < nown; i++)
		add_option(v, &k, &own[i], &names);
	for (size_t i = 0; i < nwalk; i++)
		add_option(v, &k, &walk_opts[i], &names);
	for (int i = 0; i < MV_LIMIT__COUNT; i++) {
		o.name = mv_limit_name((enum mv_limit)i);
		o.has_arg = required_argument;
		o.flag = NULL;
		o.val = OPT_LIMIT + i;
		add_option(v, &k, &o, &names);
	}
	return v;
}

int
cli_walk_option(struct mv_ctx *ctx, int opt, const char *arg, unsigned *flags)
{
	uint64_t v;
	char *end;

	if (opt >= OPT_LIMIT && opt < OPT_LIMIT + MV_LIMIT__COUNT) {
		enum mv_limit lim = (enum mv_limit)(opt - OPT_LIMIT);

		if (cli_parse_size(arg, &v) != 0)
			return cli_error("--%s: '%s' is not a %s", mv_limit_name(lim), arg,
			    "count (sizes take a k, M, G or T suffix)");
		if (mv_ctx_set_limit(ctx, lim, v) != MV_OK)
			return cli_error("%s", mv_ctx_error(ctx));
		return 0;
	}
	switch (opt) {
	case OPT_JOBS:
		errno = 0;
		v = strtoull(arg, &end, 10);
		if (errno || *end || arg[0] < '0' || arg[0] > '9' || v > 1024)
			return cli_error("--jobs: '%s' is not a number of workers (0 to 1024)", arg);
		mv_ctx_set_jobs(ctx, (unsigned)v);
		return 0;
	case OPT_FOLLOW:
		*flags |= MV_RUN_FOLLOW_SYMLINKS;
		return 0;
	case OPT_NO_RECURSE:
		*flags |= MV_RUN_NO_RECURSE;
		return 0;
	case OPT_IGNORE:
		if (mv_ctx_add_ignore(ctx, arg) != MV_OK)
			return cli_error("--exclude: %s", mv_ctx_error(ctx));
		return 0;
	case OPT_NO_PROGRESS:
		return 0;
	}
	return 1;
}

void
cli_walk_usage(FILE *out, const struct mv_ctx *ctx)
{
	fprintf(out,
	    "walking:\n"
	    "  --jobs N              worker threads (default: one per CPU)\n"
	    "  --follow-symlinks     follow symlinks that stay inside the package\n"
	    "  --no-recurse          do not look inside archives\n"
	    "  --exclude NAME        leave out NAME (relative to each input) and what is below\n"
	    "  --no-progress         no progress bar\n"
	    "limits (reaching one is a finding; sizes take k, M, G, T):\n");
	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		fprintf(out, "  --%-20s %s (default %llu)\n", mv_limit_name((enum mv_limit)i),
		    mv_limit_help((enum mv_limit)i), (unsigned long long)mv_ctx_limit(ctx, (enum mv_limit)i));
}

int
cli_out_open(struct cli_out *o, const char *path)
{
	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->fp = stdout;
		return 0;
	}
	/* The report is made in memory and written in one go once it is whole, so no file
	 * exists beside the target while the scan runs (mv_file_write). A folder that is not
	 * there is worth saying before a long scan rather than after it. */
	{
		const char *slash = strrchr(path, '/');
		char *dir = slash && slash != path ? strndup(path, (size_t)(slash - path)) : NULL;
		struct stat st;
		int missing = dir && stat(dir, &st) != 0 && errno == ENOENT;

		free(dir);
		if (missing)
			return cli_error("%s: %s", path, strerror(ENOENT));
	}
	o->path = path;
	if ((o->fp = open_memstream(&o->buf, &o->len)) == NULL)
		return cli_error("%s: %s", path, strerror(errno));
	return 0;
}

int
cli_out_close(struct cli_out *o, int ok)
{
	struct mv_ctx *ctx;
	int rc = 0;

	if (o->fp == NULL)
		return 0;
	if (o->fp == stdout) {
		o->fp = NULL;
		if (fflush(stdout) != 0 || ferror(stdout))
			return cli_error("standard output: write error: %s", strerror(errno));
		return 0;
	}
	if (fclose(o->fp) != 0)
		rc = cli_error("%s: %s", o->path, strerror(errno));
	o->fp = NULL;
	if (ok && rc == 0) {
		if ((ctx = mv_ctx_new()) == NULL)
			rc = cli_error("out of memory");
		else if (mv_file_write(ctx, o->path, o->buf, o->len, 0666, 0) != MV_OK)
			rc = cli_error("%s", mv_ctx_error(ctx));
		mv_ctx_free(ctx);
	}
	free(o->buf);
	o->buf = NULL;
	o->len = 0;
	return rc;
}

/* ---- progress ---- */

static struct {
	int on;
	int shown;
	struct timespec start;
} prog;

static double
elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - prog.start.tv_sec) +
	    (double)(now.tv_nsec - prog.start.tv_nsec) / 1e9;
}

static void
human(char *buf, size_t n, double v)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/* "1h02m", "4m05s", "7s": time left at the rate so far. */
static void
duration(char *buf, size_t n, double secs)
{
	unsigned long s = secs > 0 && secs < 1e7 ? (unsigned long)(secs + 0.5) : 0;

	if (s >= 3600)
		snprintf(buf, n, "%luh%02lum", s / 3600, s / 60 % 60);
	else if (s >= 60)
		snprintf(buf, n, "%lum%02lus", s / 60, s % 60);
	else
		snprintf(buf, n, "%lus", s);
}

static void
on_progress(void *arg, uint64_t done, uint64_t total, uint64_t entries)
{
	double t = elapsed(), frac = total ? (double)done / (double)total : 0;
	double rate = t > 0 ? (double)done / t : 0;
	char d[32], tot[32], r[32], left[32];
	int width = 30, fill;

	(void)arg;
	if (!prog.on || t < 1.0)
		return;
	if (frac > 1)
		frac = 1;
	fill = (int)(frac * width);
	human(d, sizeof(d), (double)done);
	human(tot, sizeof(tot), (double)total);
	human(r, sizeof(r), rate);
	if (rate > 0 && total > done)
		duration(left, sizeof(left), (double)(total - done) / rate);
	else
		snprintf(left, sizeof(left), "-");
	/* \033[K clears what a longer line before left behind. */
	fprintf(stderr, "\r[%.*s%*s] %3d%% %s / %s  %s/s  %s left  %llu entr%s\033[K", fill,
	    "==============================", width - fill, "", (int)(frac * 100), d, tot, r, left,
	    (unsigned long long)entries, entries == 1 ? "y" : "ies");
	fflush(stderr);
	prog.shown = 1;
}

void
cli_progress_attach(struct mv_ctx *ctx, int enabled)
{
	prog.on = enabled && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	if (prog.on)
		mv_ctx_set_progress(ctx, on_progress, NULL);
}

void
cli_progress_done(void)
{
	if (prog.shown)
		fprintf(stderr, "\r\033[K");
	prog.shown = 0;
}

/* ---- findings ---- */

void
cli_print_path(FILE *out, const char *path)
{
	mv_print_name(out, path);
}

int
cli_use_color(FILE *out)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	if (nc && *nc)
		return 0;
	if (term && strcmp(term, "dumb") == 0)
		return 0;
	return isatty(fileno(out));
}

int
cli_color_parse(const char *s)
{
	if (strcmp(s, "auto") == 0)
		return CLI_COLOR_AUTO;
	if (strcmp(s, "always") == 0)
		return CLI_COLOR_ALWAYS;
	if (strcmp(s, "never") == 0)
		return CLI_COLOR_NEVER;
	return -1;
}

int
cli_color(int mode, FILE *out)
{
	/* An explicit --color=always wins over NO_COLOR, as no-color.org asks. */
	if (mode == CLI_COLOR_ALWAYS)
		return 1;
	if (mode == CLI_COLOR_NEVER || out == NULL)
		return 0;
	return cli_use_color(out);
}

void
cli_print_finding(FILE *out, const struct mv_finding *f, int color)
{
	static const char *const col[] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m",
	    "\033[1;31m"};
	const char *c = color ? col[f->severity] : "", *r = color ? "\033[0m" : "";

	/* One line per finding, so grep and sort work on the output: PATH: SEVERITY RULE:
	 * EVIDENCE, the evidence being one printable line already (finding.h). */
	cli_print_path(out, f->path[0] ? f->path : "(package)");
	fprintf(out, ": %s%s%s %s: %s", c, mv_severity_name(f->severity), r, f->rule,
	    f->evidence);
	if (f->offset >= 0)
		fprintf(out, " (at byte %lld)", (long long)f->offset);
	fputc('\n', out);
}
