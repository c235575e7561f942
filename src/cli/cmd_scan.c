/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_scan.c: mavis scan: the options, one call to mv_scan (walk, hash and analyse a package,
 * check its signature, judge it by a policy, map it onto ETSI TS 104 223), and the report. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

enum {
	OPT_FORMAT = 'f',
	OPT_OUTPUT = 'o',
	OPT_HELP = 'h',
	OPT_POLICY = 300,
	OPT_FAIL_ON,
	OPT_PRINCIPLES,
	OPT_KEY,
	OPT_CHAIN,
	OPT_SIG,
	OPT_TRUSTED_ROOT,
	OPT_IDENTITY,
	OPT_PROVIDER,
	OPT_QUIET = 'q',
	OPT_VERBOSE = 'v',
	OPT_COLOR = 320,
	OPT_NAME,
};

/* Root certificate files one scan may be given. */
#define MAX_ROOTS 16

static const struct option own[] = {
	{"format", required_argument, NULL, OPT_FORMAT},
	{"output", required_argument, NULL, OPT_OUTPUT},
	{"policy", required_argument, NULL, OPT_POLICY},
	{"fail-on", required_argument, NULL, OPT_FAIL_ON},
	{"principles", no_argument, NULL, OPT_PRINCIPLES},
	{"signatures", required_argument, NULL, OPT_SIGNATURES},
	{"key", required_argument, NULL, OPT_KEY},
	{"cert-chain", required_argument, NULL, OPT_CHAIN},
	{"signature", required_argument, NULL, OPT_SIG},
	{"trusted-root", required_argument, NULL, OPT_TRUSTED_ROOT},
	{"identity", required_argument, NULL, OPT_IDENTITY},
	{"identity-provider", required_argument, NULL, OPT_PROVIDER},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"verbose", no_argument, NULL, OPT_VERBOSE},
	{"color", required_argument, NULL, OPT_COLOR},
	{"colour", required_argument, NULL, OPT_COLOR},
	{"name", required_argument, NULL, OPT_NAME},
	CLI_REGISTRY_OPTIONS,
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void
usage(FILE *out, const struct mv_ctx *ctx)
{
	fprintf(out,
	    "usage: mavis scan [OPTIONS] PATH...\n"
	    "\n"
	    "Check a model package before anyone loads it: digests of every file, content\n"
	    "analysis of every entry (archive members included), the signature when there is\n"
	    "one, a verdict by the policy, and the evidence toward ETSI TS 104 223.\n"
	    "\n"
	    "  -f, --format FORMAT   text (default), json, sarif or cyclonedx\n"
	    "  -o, --output FILE     write there (whole or not at all) instead of stdout\n"
	    "      --policy FILE     judge by this policy (mavis-policy(5))\n"
	    "      --fail-on SEV     lowest severity that fails: info, low, medium, high\n"
	    "                        (default), critical; overrides the policy's fail-on\n"
	    "      --principles      text: the principles table and every provision with its\n"
	    "                        evidence (default: a one-line summary)\n"
	    "  -q, --quiet           text: only the failing findings and the verdict\n"
	    "  -v, --verbose         text: also every file with its format and size, and the\n"
	    "                        remediation of every finding\n"
	    "      --color WHEN      text: auto (default: on a terminal, unless NO_COLOR is\n"
	    "                        set), always or never\n"
	    "      --name NAME       call standard input NAME in the report (an upload's name)\n"
	    "  -k, --key PUB         verify the signature with this PEM public key\n"
	    "      --cert-chain ROOTS  verify it with these PEM root CA certificates\n"
	    "                        (repeatable)\n"
	    "      --trusted-root ROOT  Sigstore trusted_root.json (keyless, offline), with\n"
	    "      --identity ID     the signer's e-mail or URI, and\n"
	    "      --identity-provider URL  the OIDC issuer of that identity\n"
	    "                        (without trust material here or in the policy, a\n"
	    "                        signature is reported as present but not verified)\n"
	    "      --signature FILE  the signature of the one PATH (default: model.sig in a\n"
	    "                        folder or archive, PATH.sig beside a file)\n"
	    "      --signatures DIR  rules and provision tables (default: $MAVIS_SIGNATURES,\n"
	    "                        else %s)\n", MV_SIGDIR);
	cli_registry_usage(out);
	cli_walk_usage(out, ctx);
	fprintf(out, "\nExit status: 0 passed, 1 the policy failed, 2 error or incomplete "
	    "analysis.\n");
}

int
cmd_scan(int argc, char **argv)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct option *opts = cli_options(own);
	struct mv_rules *rules = NULL;
	struct mv_policy *pol = NULL;
	struct mv_judgement *j = NULL;
	struct cli_out out = {0};
	struct mv_verify_opts vo = MV_VERIFY_OPTS_INIT;
	struct mv_scan_opts so = MV_SCAN_OPTS_INIT;
	struct cli_registry reg = {0};
	const char *roots[MAX_ROOTS];
	size_t ninputs;
	const char *output = NULL, *policy = NULL, *sigdir = NULL, *fail_on = NULL;
	enum mv_report_format fmt = MV_REPORT_TEXT;
	enum mv_severity sev = MV_SEV_HIGH;
	unsigned flags = 0, rflags = 0;
	int progress = 1, color = CLI_COLOR_AUTO, opt, rc = EXIT_ERROR;

	if (ctx == NULL || opts == NULL) {
		rc = cli_error("out of memory");
		goto done;
	}
	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "f:o:k:qvh", opts, NULL)) != -1) {
		int r;

		switch (opt) {
		case OPT_FORMAT:
			if (mv_report_format_lookup(optarg, &fmt) != MV_OK) {
				rc = cli_error("--format: '%s' is not text, json, sarif or cyclonedx",
				    optarg);
				goto done;
			}
			break;
		case OPT_OUTPUT: output = optarg; break;
		case OPT_POLICY: policy = optarg; break;
		case OPT_FAIL_ON:
			if (mv_severity_parse(optarg, &sev) != MV_OK) {
				rc = cli_error("--fail-on: '%s' is not info, low, medium, high or "
				    "critical", optarg);
				goto done;
			}
			fail_on = optarg;
			break;
		case OPT_PRINCIPLES: rflags |= MV_REPORT_PRINCIPLES; break;
		case OPT_QUIET: rflags |= MV_REPORT_QUIET; break;
		case OPT_VERBOSE: rflags |= MV_REPORT_VERBOSE; break;
		case OPT_COLOR:
			if ((color = cli_color_parse(optarg)) < 0) {
				rc = cli_error("--color: '%s' is not auto, always or never", optarg);
				goto done;
			}
			break;
		case OPT_NAME:
			if (mv_ctx_set_stdin_name(ctx, optarg) != MV_OK) {
				rc = cli_error("--name: %s", mv_ctx_error(ctx));
				goto done;
			}
			break;
		case OPT_SIGNATURES: sigdir = optarg; break;
		case OPT_KEY: vo.public_key = optarg; break;
		case OPT_CHAIN:
			if (vo.nroots == MAX_ROOTS) {
				rc = cli_error("--cert-chain: more than %d files", MAX_ROOTS);
				goto done;
			}
			roots[vo.nroots++] = optarg;
			vo.roots = roots;
			break;
		case OPT_SIG: vo.signature = optarg; break;
		case OPT_TRUSTED_ROOT: vo.trusted_root = optarg; break;
		case OPT_IDENTITY: vo.identity = optarg; break;
		case OPT_PROVIDER: vo.issuer = optarg; break;
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
	if (optind >= argc) {
		rc = cli_error("no PATH given (try 'mavis scan --help')");
		goto done;
	}
	ninputs = (size_t)(argc - optind);
	if (vo.signature && ninputs > 1) {
		rc = cli_error("--signature names the signature of one PATH, not %zu", ninputs);
		goto done;
	}
	if (cli_trust_check(&vo, 0) != 0 ||
	    cli_registry_setup(ctx, &reg, argv + optind, argc - optind) != 0)
		goto done;
	/* The tables and the policy are read before the walk, so a typo in them costs nothing. */
	if (mv_ctx_set_signatures(ctx, sigdir) != MV_OK || mv_rules_load(ctx, &rules) != MV_OK ||
	    mv_policy_new(ctx, rules, &pol) != MV_OK ||
	    (policy && mv_policy_load(ctx, pol, policy) != MV_OK)) {
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	if (fail_on)
		mv_policy_set_fail_on(pol, sev);
	so.signature = vo.signature;
	so.public_key = vo.public_key;
	so.roots = vo.roots;
	so.nroots = vo.nroots;
	so.trusted_root = vo.trusted_root;
	so.identity = vo.identity;
	so.issuer = vo.issuer;
	mv_ctx_set_flags(ctx, flags);
	if (cli_out_open(&out, output) != 0)
		goto done;
	cli_progress_attach(ctx, progress);
	if (mv_scan(ctx, pol, (const char *const *)argv + optind, ninputs, &so, &j) != MV_OK) {
		cli_progress_done();
		rc = cli_error("%s", mv_ctx_error(ctx));
		cli_out_close(&out, 0);
		goto done;
	}
	cli_progress_done();
	if (fmt == MV_REPORT_TEXT && cli_color(color, out.fp == stdout ? stdout : NULL))
		rflags |= MV_REPORT_COLOR;
	if (mv_report_write(ctx, fmt, j, rflags, out.fp) != MV_OK) {
		rc = cli_error("%s", mv_ctx_error(ctx));
		cli_out_close(&out, 0);
		goto done;
	}
	switch (mv_judgement_outcome(j)) {
	case MV_OUTCOME_PASS: rc = EXIT_PASS; break;
	case MV_OUTCOME_FAIL: rc = EXIT_FINDINGS; break;
	case MV_OUTCOME_INCOMPLETE: rc = EXIT_ERROR; break;
	}
	if (cli_out_close(&out, 1) != 0)
		rc = EXIT_ERROR;
done:
	mv_judgement_free(j);
	mv_policy_free(pol);
	mv_rules_free(rules);
	free(opts);
	mv_ctx_free(ctx);
	return rc;
}
