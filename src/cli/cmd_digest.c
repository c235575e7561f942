/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_digest.c: mavis digest: the root digest a signature of a model signs, printed as
 * model_signing's digest command prints it. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

enum {
	OPT_SIG = 's',
	OPT_HELP = 'h',
};

/* model_signing's spellings (and their '_' twins, cli_options) name the same options. */
static const struct option own[] = {
	{"signature", required_argument, NULL, OPT_SIG},
	CLI_HASHING_OPTIONS,
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: mavis digest [OPTIONS] MODEL\n"
	    "\n"
	    "Print the root digest that mavis sign would sign for MODEL (the subject of the\n"
	    "OpenSSF Model Signing statement: SHA-256 over the files' digests in name order),\n"
	    "as 'sha256:HEX', the way model_signing digest prints it.\n"
	    "\n"
	    "  -s, --signature FILE      the signature left out, as sign leaves it out (default\n"
	    "                            MODEL/model.sig for a folder)\n"
	    "      --exclude P           leave P out (repeatable; inside the model)\n"
	    "      --no-ignore-git-paths count .git, .github, .gitattributes, .gitignore too\n"
	    "      --follow-symlinks     hash the targets of symlinks inside the model\n"
	    "      --shard-size N        digest every N bytes on their own (shards)\n"
	    "      --hash ALG            the files' digest: sha256 (default), blake2b, blake3\n"
	    "      --archive HOW         auto (tar: members), members, or whole\n"
	    "      --jobs N              worker threads (default: one per CPU)\n"
	    "      --no-progress         no progress bar\n"
	    "\n"
	    "model_signing's spellings work too, with '-' or '_': --ignore-paths,\n"
	    "--ignore-git-paths, --allow-symlinks.\n"
	    "Exit status: 0 printed, 2 error.\n");
}

int
cmd_digest(int argc, char **argv)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct option *opts = cli_options(own);
	struct mv_sign_opts so;
	const char **ign = NULL;
	char **rel = NULL;
	unsigned char root[32];
	size_t nign = 0;
	unsigned flags = 0;
	int progress = 1, opt, rc = EXIT_ERROR;

	memset(&so, 0, sizeof(so));
	so.size = sizeof(so);
	if (ctx == NULL || opts == NULL) {
		rc = cli_error("out of memory");
		goto done;
	}
	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "s:h", opts, NULL)) != -1) {
		int r;

		switch (opt) {
		case OPT_SIG: so.signature = optarg; break;
		case OPT_HELP:
			usage(stdout);
			rc = EXIT_PASS;
			goto done;
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		case OPT_NO_RECURSE:
			rc = cli_error("--no-recurse: use --archive whole to digest an archive as one "
			    "file");
			goto done;
		default:
			if ((r = cli_hashing_option(opt, optarg, &so, &ign, &nign)) == 0)
				break;
			if (r == 1 && (r = cli_walk_option(ctx, opt, optarg, &flags)) == 0)
				break;
			if (r == 1)
				cli_try_help();
			goto done;
		}
	}
	if ((rc = cli_one_model(argc, optind)) != 0)
		goto done;
	rc = EXIT_ERROR;
	if ((rel = cli_model_rels(argv[optind], ign, nign)) == NULL)
		goto done;
	so.ignore = (const char *const *)rel;
	so.nignore = nign;
	cli_progress_attach(ctx, progress);
	if (mv_sign_digest(ctx, &so, argv[optind], root, NULL) != MV_OK) {
		cli_progress_done();
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	cli_progress_done();
	fputs("sha256:", stdout);
	for (size_t i = 0; i < sizeof(root); i++)
		printf("%02x", root[i]);
	putchar('\n');
	rc = fflush(stdout) == 0 ? EXIT_PASS : cli_error("write error: %s", strerror(errno));
done:
	cli_strv_free(rel);
	free(ign);
	free(opts);
	mv_ctx_free(ctx);
	return rc;
}
