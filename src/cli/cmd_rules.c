/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_rules.c: mavis rules and mavis principles: the rules table and the provision table
 * they map to, as text or JSON. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct option opts[] = {
	{"format", required_argument, NULL, 'f'},
	{"signatures", required_argument, NULL, OPT_SIGNATURES},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static int
run(int argc, char **argv, const char *name, int principles)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *rules = NULL;
	const char *sigdir = NULL;
	int json = 0, opt, rc = EXIT_ERROR;
	mv_status st;

	if (ctx == NULL)
		return cli_error("out of memory");
	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
				rc = cli_error("--format: '%s' is not text or json", optarg);
				goto done;
			}
			json = strcmp(optarg, "json") == 0;
			break;
		case OPT_SIGNATURES:
			sigdir = optarg;
			break;
		case 'h':
			printf("usage: mavis %s [--format text|json] [--signatures DIR]\n\n%s\n", name,
			    principles ? "The 72 provisions of ETSI TS 104 223 (EN 304 223) with their "
			    "UK Code of Practice\nnumbers, and what a scan can show for each." :
			    "Every rule mavis reports: severity, title, remediation, and the ETSI TS 104 "
			    "223\nprovisions, MITRE ATLAS techniques and OWASP LLM Top 10 ids it maps to.");
			rc = EXIT_PASS;
			goto done;
		default:
			cli_try_help();
			goto done;
		}
	}
	if (optind < argc) {
		rc = cli_error("takes no PATH (try 'mavis %s --help')", name);
		goto done;
	}
	if (mv_ctx_set_signatures(ctx, sigdir) != MV_OK || mv_rules_load(ctx, &rules) != MV_OK) {
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	st = principles ? mv_principles_write(ctx, rules, json, stdout) :
	    mv_rules_write(ctx, rules, json, stdout);
	if (st != MV_OK || fflush(stdout) != 0 || ferror(stdout)) {
		rc = cli_error("%s", st != MV_OK ? mv_ctx_error(ctx) : "write error on standard output");
		goto done;
	}
	rc = EXIT_PASS;
done:
	mv_rules_free(rules);
	mv_ctx_free(ctx);
	return rc;
}

int
cmd_rules(int argc, char **argv)
{
	return run(argc, argv, "rules", 0);
}

int
cmd_principles(int argc, char **argv)
{
	return run(argc, argv, "principles", 1);
}
