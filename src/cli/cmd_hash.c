/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_hash.c: mavis hash: digests of every file in sha256sum's format or as JSON, and
 * --check against such a list. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

enum {
	OPT_ALG = 'a',
	OPT_CHECK = 'c',
	OPT_FORMAT = 'f',
	OPT_OUTPUT = 'o',
	OPT_QUIET = 'q',
	OPT_HELP = 'h',
	OPT_TAG = 300,
	OPT_SHARD,
	OPT_MEMBERS,
};

static const struct option own[] = {
	{"algorithm", required_argument, NULL, OPT_ALG},
	{"check", required_argument, NULL, OPT_CHECK},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"tag", no_argument, NULL, OPT_TAG},
	{"shard-size", required_argument, NULL, OPT_SHARD},
	{"members", no_argument, NULL, OPT_MEMBERS},
	CLI_REGISTRY_OPTIONS,
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void
usage(FILE *out, const struct mv_ctx *ctx)
{
	fprintf(out,
	    "usage: mavis hash [OPTIONS] PATH...\n"
	    "       mavis hash --check LIST [OPTIONS] [PATH...]\n"
	    "\n"
	    "Digests of every file under each PATH (a folder, a file, an archive, or - for\n"
	    "standard input): lines sha256sum -c checks; archive members (ARCHIVE!/MEMBER)\n"
	    "with --members or in JSON.\n"
	    "\n"
	    "  -a, --algorithm ALG   sha256 (default), sha384, sha512, blake2b, blake3; repeat or\n"
	    "                        separate with commas for several (implies --tag)\n"
	    "  -f, --format FORMAT   text (lines sha256sum -c accepts) or json\n"
	    "      --tag             BSD-style lines: SHA256 (PATH) = HEX\n"
	    "      --members         also a line for every archive member (ARCHIVE!/MEMBER;\n"
	    "                        mavis hash --check reads them, sha256sum cannot)\n"
	    "      --shard-size N    hash N-byte ranges on their own, in parallel (1G, 256M)\n"
	    "                        (OpenSSF Model Signing shards; lines end in :START:END)\n"
	    "  -c, --check LIST      hash again and report changed, missing and extra files\n"
	    "  -q, --quiet           with --check, print only differences\n"
	    "  -o, --output FILE     write there (whole or not at all) instead of stdout\n");
	cli_registry_usage(out);
	cli_walk_usage(out, ctx);
	fprintf(out, "\nExit status: 0 all well, 1 findings or differences, 2 errors.\n");
}

static int
parse_algs(const char *arg, unsigned *mask)
{
	char *copy = strdup(arg), *tok, *save = NULL;
	int rc = 0;

	if (copy == NULL)
		return cli_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned a;

		if (mv_hash_lookup(tok, &a) != MV_OK) {
			rc = cli_error("--algorithm: unknown digest '%s' (sha256, sha384, sha512, "
			    "blake2b, blake3)", tok);
			break;
		}
		*mask |= a;
	}
	free(copy);
	return rc;
}

static int
popcount(unsigned v)
{
	int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static int
print_line(FILE *out, const char *path, const struct mv_digest *d, const struct mv_shard *sh,
    unsigned flags)
{
	char small[512];
	size_t n = mv_sums_line(small, sizeof(small), path, d, sh, flags);

	if (n < sizeof(small))
		return fputs(small, out);
	{
		char *big = malloc(n + 1);
		int rc;

		if (big == NULL)
			return EOF;
		mv_sums_line(big, n + 1, path, d, sh, flags);
		rc = fputs(big, out);
		free(big);
		return rc;
	}
}

static void
write_text(FILE *out, const struct mv_result *res, unsigned flags, int members)
{
	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->type != MV_ENTRY_FILE && e->type != MV_ENTRY_HARDLINK)
			continue;
		/* sha256sum -c cannot open ARCHIVE!/MEMBER: members only when asked. */
		if (e->depth > 0 && !members)
			continue;
		if (e->flags & MV_ENTRY_INCOMPLETE)
			continue;
		for (unsigned k = 0; k < e->ndigest; k++)
			print_line(out, e->path, &e->digest[k], NULL, flags);
		for (size_t s = 0; s < e->nshard; s++)
			for (unsigned k = 0; k < MV_HASH_MAX; k++)
				if (e->shard[s].digest[k].len)
					print_line(out, e->path, &e->shard[s].digest[k], &e->shard[s],
					    flags);
	}
}

/* Findings go to stderr in text mode, so stdout stays a clean checksum list. */
static void
report_findings(const struct mv_result *res)
{
	int color = cli_use_color(stderr);

	for (size_t i = 0; i < mv_result_finding_count(res); i++) {
		fflush(stdout);
		fprintf(stderr, "%s: ", cli_prog);
		cli_print_finding(stderr, mv_result_finding(res, i), color);
	}
}

static int
exit_status(const struct mv_result *res, size_t ndiff)
{
	if (mv_result_incomplete(res))
		return EXIT_ERROR;
	if (ndiff || mv_result_count_at_least(res, MV_SEV_LOW))
		return EXIT_FINDINGS;
	return EXIT_PASS;
}

struct check_out {
	FILE *out;
	int quiet;
	size_t changed, missing, extra, unreadable;
};

static void
on_check(void *arg, const char *path, enum mv_check what, const char *detail)
{
	struct check_out *c = arg;

	switch (what) {
	case MV_CHECK_CHANGED: c->changed++; break;
	case MV_CHECK_MISSING: c->missing++; break;
	case MV_CHECK_EXTRA: c->extra++; break;
	case MV_CHECK_UNREADABLE: c->unreadable++; break;
	case MV_CHECK_OK:
		if (c->quiet)
			return;
		break;
	}
	cli_print_path(c->out, path);
	fprintf(c->out, ": %s%s%s%s\n", mv_check_name(what), detail ? " (" : "",
	    detail ? detail : "", detail ? ")" : "");
}

static int
run_check(struct mv_ctx *ctx, const char *list, char **paths, int npaths, unsigned algs,
    int quiet, FILE *out)
{
	struct mv_sums *sums = NULL;
	struct mv_result *res = NULL;
	struct check_out c = {.out = out, .quiet = quiet};
	const char **roots = NULL;
	size_t nroots, ndiff = 0;
	int rc = EXIT_ERROR;

	if (mv_sums_load(ctx, list, algs, &sums) != MV_OK)
		return cli_error("%s", mv_ctx_error(ctx));
	if (mv_ctx_set_hashes(ctx, mv_sums_hashes(sums)) != MV_OK ||
	    mv_ctx_set_shard_size(ctx, mv_sums_shard_size(sums)) != MV_OK) {
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	nroots = npaths ? (size_t)npaths : mv_sums_root_count(sums);
	if ((roots = calloc(nroots, sizeof(*roots))) == NULL) {
		rc = cli_error("out of memory");
		goto done;
	}
	for (size_t i = 0; i < nroots; i++)
		roots[i] = npaths ? paths[i] : mv_sums_root(sums, i);
	if (mv_run(ctx, roots, nroots, &res) != MV_OK) {
		cli_progress_done();
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	cli_progress_done();
	if (mv_sums_check(sums, res, on_check, &c, &ndiff) != MV_OK) {
		rc = cli_error("out of memory");
		goto done;
	}
	report_findings(res);
	if (c.changed)
		cli_warn("WARNING: %zu computed checksum%s did NOT match", c.changed,
		    c.changed == 1 ? "" : "s");
	if (c.missing)
		cli_warn("WARNING: %zu listed file%s missing", c.missing,
		    c.missing == 1 ? " is" : "s are");
	if (c.extra)
		cli_warn("WARNING: %zu file%s not in the list", c.extra,
		    c.extra == 1 ? " is" : "s are");
	if (c.unreadable)
		cli_warn("WARNING: %zu listed file%s could not be read", c.unreadable,
		    c.unreadable == 1 ? "" : "s");
	rc = exit_status(res, ndiff);
done:
	free(roots);
	mv_result_free(res);
	mv_sums_free(sums);
	return rc;
}

int
cmd_hash(int argc, char **argv)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct option *opts = cli_options(own);
	struct mv_result *res = NULL;
	struct cli_out out = {0};
	struct cli_registry reg = {0};
	const char *check = NULL, *output = NULL, *format = "text";
	unsigned algs = 0, flags = 0, sumflags = 0;
	uint64_t shard = 0;
	int quiet = 0, progress = 1, members = 0, opt, rc = EXIT_ERROR;

	if (ctx == NULL || opts == NULL) {
		rc = cli_error("out of memory");
		goto done;
	}
	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "a:c:f:o:qh", opts, NULL)) != -1) {
		int r;

		switch (opt) {
		case OPT_ALG:
			if (parse_algs(optarg, &algs) != 0)
				goto done;
			break;
		case OPT_CHECK: check = optarg; break;
		case OPT_FORMAT: format = optarg; break;
		case OPT_OUTPUT: output = optarg; break;
		case OPT_QUIET: quiet = 1; break;
		case OPT_TAG: sumflags |= MV_SUMS_TAG; break;
		case OPT_MEMBERS: members = 1; break;
		case OPT_SHARD:
			if (cli_parse_size(optarg, &shard) != 0 || shard == 0) {
				rc = cli_error("--shard-size: '%s' is not a positive byte count (k, M, "
				    "G or T suffix allowed)", optarg);
				goto done;
			}
			break;
		case OPT_HELP:
			usage(stdout, ctx);
			rc = EXIT_PASS;
			goto done;
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		default:
			if (cli_registry_option(&reg, opt, optarg) == 0)
				break;
			if ((r = cli_walk_option(ctx, opt, optarg, &flags)) == 0)
				break;
			if (r == 1)
				cli_try_help();
			goto done;
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
		rc = cli_error("--format: '%s' is not text or json", format);
		goto done;
	}
	if (check == NULL && optind >= argc) {
		rc = cli_error("no PATH given (try 'mavis hash --help')");
		goto done;
	}
	if (cli_registry_setup(ctx, &reg, argv + optind, argc - optind) != 0)
		goto done;
	mv_ctx_set_flags(ctx, flags);
	if (algs == 0)
		algs = MV_HASH_SHA256;
	if (popcount(algs) > 1)
		sumflags |= MV_SUMS_TAG;
	if (mv_ctx_set_hashes(ctx, algs) != MV_OK || mv_ctx_set_shard_size(ctx, shard) != MV_OK) {
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	if (cli_out_open(&out, output) != 0)
		goto done;
	cli_progress_attach(ctx, progress && !quiet);
	if (check) {
		rc = run_check(ctx, check, argv + optind, argc - optind, algs, quiet, out.fp);
		if (cli_out_close(&out, rc != EXIT_ERROR) != 0)
			rc = EXIT_ERROR;
		goto done;
	}
	if (mv_run(ctx, (const char *const *)argv + optind, (size_t)(argc - optind), &res) !=
	    MV_OK) {
		cli_progress_done();
		rc = cli_error("%s", mv_ctx_error(ctx));
		cli_out_close(&out, 0);
		goto done;
	}
	cli_progress_done();
	rc = exit_status(res, 0);
	if (strcmp(format, "json") == 0) {
		if (mv_inventory_write_json(ctx, res, out.fp) != MV_OK)
			rc = cli_error("%s", mv_ctx_error(ctx));
	} else {
		write_text(out.fp, res, sumflags, members);
		report_findings(res);
	}
	if (cli_out_close(&out, rc != EXIT_ERROR || mv_result_incomplete(res)) != 0)
		rc = EXIT_ERROR;
done:
	mv_result_free(res);
	free(opts);
	mv_ctx_free(ctx);
	return rc;
}
