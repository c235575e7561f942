/* main.c: the mavis command: global options and dispatch to a subcommand. */
#include "config.h"

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
	{"keygen", cmd_keygen, "make a signing key pair"},
	{"rules", cmd_rules, "the rules mavis reports and what they map to"},
	{"principles", cmd_principles, "the 72 provisions of ETSI TS 104 223 and what a scan shows"},
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: mavis COMMAND [OPTIONS] [PATH...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].what);
	fprintf(out, "\nmavis COMMAND --help describes a command; mavis --version prints the "
	    "version.\nExit status: 0 passed, 1 findings or differences, 2 error or incomplete "
	    "analysis.\n");
}

int
main(int argc, char **argv)
{
	/* Archive member names convert to UTF-8 through the locale; a UTF-8 one keeps them. */
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		setlocale(LC_CTYPE, "");
	/* A closed pipe is a write error to report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("mavis %s\n", mv_version());
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_PASS;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			static char prefix[32];

			/* One prefix for every message of the command, getopt's included. */
			snprintf(prefix, sizeof(prefix), "mavis: %s", commands[i].name);
			cli_prog = prefix;
			cli_cmd = commands[i].name;
			argv[1] = prefix;
			return commands[i].fn(argc - 1, argv + 1);
		}
	cli_error("unknown command '%s' (mavis --help lists them)", argv[1]);
	return EXIT_ERROR;
}
