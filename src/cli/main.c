/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: the mavis command: global options and dispatch to a subcommand (cli_main). */
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

const char *cli_prog = "mavis";
const char *cli_cmd;

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *what;
} commands[] = {
	{"scan", cmd_scan, "check a model package: analysis, signature, policy, ETSI mapping"},
	{"hash", cmd_hash, "digests of every file, archive members included"},
	{"sign", cmd_sign, "sign a model (OpenSSF Model Signing, model.sig)"},
	{"verify", cmd_verify, "check a model against its signature"},
	{"digest", cmd_digest, "the root digest a signature of a model signs"},
	{"keygen", cmd_keygen, "make a signing key pair"},
	{"rules", cmd_rules, "the rules mavis reports and what they map to"},
	{"serve", cmd_serve, "the Harbor scanner adapter: scans over HTTP for a registry"},
	{"principles", cmd_principles, "the 72 provisions of ETSI TS 104 223 and what a scan shows"},
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: mavis COMMAND [OPTIONS] [PATH...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].what);
	fprintf(out, "\nmavis help COMMAND (or mavis COMMAND --help) describes a command;\n"
	    "mavis --version (-V) prints the versions and the signatures folder.\n"
	    "Exit status: 0 passed, 1 findings or differences, 2 error or incomplete analysis.\n");
}

/* The version, what it runs on, and the signatures folder a scan would use with its digest
 * (what reports record), so that a bug report says everything at once. */
static int
version(void)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *rules = NULL;
	int rc = EXIT_PASS;

	printf("mavis %s\n", mv_version());
	printf("  %s\n", mv_version_of("openssl"));
	printf("  %s\n", mv_version_of("libarchive"));
	printf("  zlib %s, jansson %s, libyaml %s\n", mv_version_of("zlib"),
	    mv_version_of("jansson"), mv_version_of("libyaml"));
	if (ctx == NULL)
		rc = cli_error("out of memory");
	else if (mv_ctx_set_signatures(ctx, NULL) != MV_OK || mv_rules_load(ctx, &rules) != MV_OK)
		printf("  signatures %s: %s\n", mv_ctx_signatures(ctx) ? mv_ctx_signatures(ctx) :
		    "(none)", mv_ctx_error(ctx));
	else
		printf("  signatures %s sha256:%s\n", mv_rules_dir(rules), mv_rules_digest(rules));
	mv_rules_free(rules);
	mv_ctx_free(ctx);
	if (fflush(stdout) != 0 && rc == EXIT_PASS)
		rc = cli_error("write error: %s", strerror(errno));
	return rc;
}

static int
run(size_t i, int argc, char **argv)
{
	static char prefix[32];

	/* One prefix for every message of the command, getopt's included. */
	snprintf(prefix, sizeof(prefix), "mavis: %s", commands[i].name);
	cli_prog = prefix;
	cli_cmd = commands[i].name;
	argv[0] = prefix;
	return commands[i].fn(argc, argv);
}

static int
find(const char *name, size_t *i)
{
	for (*i = 0; *i < sizeof(commands) / sizeof(commands[0]); (*i)++)
		if (strcmp(name, commands[*i].name) == 0)
			return 1;
	return 0;
}

int
cli_main(int argc, char **argv)
{
	size_t i;

	/* Archive member names convert to UTF-8 through the locale; a UTF-8 one keeps them. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	/* A closed pipe is a write error to report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "version") == 0)
		return version();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		static char opt_help[] = "--help";
		char *help[] = {NULL, opt_help, NULL};

		if (argc == 2) {
			usage(stdout);
			return EXIT_PASS;
		}
		if (argc > 3)
			return cli_error("help takes one COMMAND");
		if (!find(argv[2], &i))
			return cli_error("unknown command '%s' (mavis --help lists them)", argv[2]);
		return run(i, 2, help);
	}
	if (find(argv[1], &i))
		return run(i, argc - 1, argv + 1);
	cli_error("unknown command '%s' (mavis --help lists them)", argv[1]);
	return EXIT_ERROR;
}
