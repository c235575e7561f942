/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_verify.c: mavis verify: check a model against its OpenSSF Model Signing signature;
 * mavis's form and model_signing's ("verify key|certificate|sigstore --public_key ..."). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

enum {
	OPT_KEY = 'k',
	OPT_SIG = 's',
	OPT_QUIET = 'q',
	OPT_HELP = 'h',
	OPT_CHAIN = 400,
	OPT_IGN,
	OPT_GIT,
	OPT_NO_GIT,
	OPT_UNSIGNED,
	OPT_NO_UNSIGNED,
	OPT_SYMLINKS,
	OPT_CERT_TIME,
	OPT_TRUSTED_ROOT,
	OPT_IDENTITY,
	OPT_PROVIDER,
};

/* model_signing's spellings (and their '_' twins, cli_options) name the same options. */
static const struct option own[] = {
	{"key", required_argument, NULL, OPT_KEY},
	{"public-key", required_argument, NULL, OPT_KEY},
	{"cert-chain", required_argument, NULL, OPT_CHAIN},
	{"certificate-chain", required_argument, NULL, OPT_CHAIN},
	{"signature", required_argument, NULL, OPT_SIG},
	{"ignore-paths", required_argument, NULL, OPT_IGN},
	{"ignore-git-paths", no_argument, NULL, OPT_GIT},
	{"no-ignore-git-paths", no_argument, NULL, OPT_NO_GIT},
	{"ignore-unsigned-files", no_argument, NULL, OPT_UNSIGNED},
	{"no-ignore-unsigned-files", no_argument, NULL, OPT_NO_UNSIGNED},
	{"allow-symlinks", no_argument, NULL, OPT_SYMLINKS},
	{"cert-time", required_argument, NULL, OPT_CERT_TIME},
	{"trusted-root", required_argument, NULL, OPT_TRUSTED_ROOT},
	{"identity", required_argument, NULL, OPT_IDENTITY},
	{"identity-provider", required_argument, NULL, OPT_PROVIDER},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: mavis verify --key PUB | --cert-chain ROOTS... |\n"
	    "           --trusted-root ROOT --identity ID --identity-provider URL [OPTIONS] MODEL\n"
	    "       mavis verify key|certificate|sigstore [model_signing's options] MODEL\n"
	    "\n"
	    "Check MODEL against its OpenSSF Model Signing signature: the signature must verify\n"
	    "and every file must match it.\n"
	    "\n"
	    "  -k, --key PUB             the signer's PEM public key (key method)\n"
	    "      --cert-chain ROOTS    PEM root CA certificates (certificate method; repeatable)\n"
	    "      --cert-time WHEN      validate the chain now (default) or when 'issued' (the\n"
	    "                            leaf's notBefore, as model_signing does)\n"
	    "      --trusted-root ROOT   Sigstore trusted_root.json (keyless method, offline)\n"
	    "      --identity ID         keyless: the signer's e-mail or URI\n"
	    "      --identity-provider URL  keyless: the OIDC issuer of that identity\n"
	    "  -s, --signature FILE      the signature (default MODEL/model.sig for a folder,\n"
	    "                            MODEL.sig beside a file, or a member model.sig of an\n"
	    "                            archive)\n"
	    "      --exclude P           leave P out (repeatable)\n"
	    "      --no-ignore-git-paths compare .git, .github, .gitattributes, .gitignore too\n"
	    "      --ignore-unsigned-files  files the signature does not list are not differences\n"
	    "      --follow-symlinks     follow symlinks inside the model\n"
	    "  -q, --quiet               print nothing but differences and errors\n"
	    "      --jobs N              worker threads (default: one per CPU)\n"
	    "      --no-progress         no progress bar\n"
	    "\n"
	    "model_signing's spellings work too, with '-' or '_': --public-key,\n"
	    "--certificate-chain, --ignore-paths, --ignore-git-paths, --no-ignore-unsigned-files,\n"
	    "--allow-symlinks.\n"
	    "Exit status: 0 valid and every file matches, 1 differences (each named), 2 errors\n"
	    "or files that could not be read.\n");
}

/* What model_signing's method word requires of the options (cli_trust_check sees that no
 * other method is given beside it). */
static int
check_method(enum cli_method m, const struct mv_verify_opts *vo)
{
	switch (m) {
	case CLI_METHOD_KEY:
		if (vo->public_key == NULL)
			return cli_error("'verify key' needs --public-key PUB");
		break;
	case CLI_METHOD_CERT:
		/* model_signing falls back on the web's CAs (certifi); they vouch for web
		 * servers, not for the signers of models. */
		if (vo->nroots == 0)
			return cli_error("'verify certificate' needs --certificate-chain ROOTS: mavis "
			    "does not take the system's web CAs as signers of models");
		break;
	case CLI_METHOD_SIGSTORE:
		if (vo->trusted_root == NULL)
			return cli_error("'verify sigstore' needs --trusted-root trusted_root.json: "
			    "mavis verifies keyless signatures offline, with the root given");
		break;
	case CLI_METHOD_MAVIS:
		break;
	}
	return 0;
}

static void
print_report(const struct mv_verify_report *rep, const char *model, int quiet)
{
	size_t n = mv_verify_report_diff_count(rep);
	const char *fmt = mv_verify_report_format(rep), *who = mv_verify_report_signer(rep);
	const char *prod = mv_verify_report_producer(rep);

	for (size_t i = 0; i < n; i++) {
		const struct mv_sig_diff *d = mv_verify_report_diff(rep, i);

		if (d->name[0])
			cli_print_path(stdout, d->name);
		else
			fputs("(signature)", stdout);
		printf(": %s: ", mv_sig_diff_name(d->kind));
		cli_print_path(stdout, d->detail);
		putchar('\n');
	}
	/* Quiet: the differences, or nothing; the exit status says the rest. */
	if (quiet)
		return;
	if (mv_verify_report_status(rep) == MV_VERIFY_VALID) {
		printf("Verification succeeded: %s matches %s\n", model,
		    mv_verify_report_signature(rep));
	} else {
		printf("Verification failed: %zu difference%s between %s and %s\n", n,
		    n == 1 ? "" : "s", model, mv_verify_report_signature(rep));
	}
	/* The signer's name comes from the signature (a certificate subject): escaped. */
	if (who) {
		fputs("  signer:    ", stdout);
		cli_print_path(stdout, who);
		putchar('\n');
	}
	if (fmt)
		printf("  format:    %s, as written by %s\n", fmt, prod ? prod : "an unknown tool");
	printf("  method:    %s\n", mv_sig_method_name(mv_verify_report_method(rep)));
	if (mv_verify_report_notes(rep) & MV_VERIFY_NOTE_CERT_NO_EKU)
		printf("  note:      the signing certificate has no extended key usage "
		    "(signature.cert.eku.missing)\n");
	if (mv_verify_report_notes(rep) & MV_VERIFY_NOTE_CERT_CA)
		printf("  note:      the signing certificate is a CA certificate "
		    "(signature.cert.leaf.ca)\n");
	if (fmt)
		printf("  resources: %zu signed\n", mv_verify_report_resources(rep));
	if (mv_verify_report_attestations(rep))
		printf("  attested:  %zu attestation%s verified\n", mv_verify_report_attestations(rep),
		    mv_verify_report_attestations(rep) == 1 ? "" : "s");
}

int
cmd_verify(int argc, char **argv)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct option *opts = cli_options(own);
	struct mv_verify_opts vo;
	struct mv_verify_report *rep = NULL;
	mv_status st;
	const char **roots = NULL, **ign = NULL;
	char **rel = NULL;
	size_t nroots = 0, nign = 0;
	unsigned flags = 0;
	enum cli_method method;
	int progress = 1, quiet = 0, opt, rc = EXIT_ERROR;

	memset(&vo, 0, sizeof(vo));
	vo.size = sizeof(vo);
	if (ctx == NULL || opts == NULL) {
		rc = cli_error("out of memory");
		goto done;
	}
	if (cli_sig_method(&argc, &argv, 0, &method) != 0)
		goto done;
	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "k:s:qh", opts, NULL)) != -1) {
		int r;

		switch (opt) {
		case OPT_KEY: vo.public_key = optarg; break;
		case OPT_CHAIN:
			if (cli_push(&roots, &nroots, optarg) != 0)
				goto done;
			break;
		case OPT_SIG: vo.signature = optarg; break;
		case OPT_IGNORE:
		case OPT_IGN:
			if (cli_push(&ign, &nign, optarg) != 0)
				goto done;
			break;
		case OPT_GIT: vo.no_git_ignores = 0; break;
		case OPT_NO_GIT: vo.no_git_ignores = 1; break;
		case OPT_UNSIGNED: vo.ignore_unsigned = 1; break;
		case OPT_NO_UNSIGNED: vo.ignore_unsigned = 0; break;
		case OPT_FOLLOW:
		case OPT_SYMLINKS: vo.allow_symlinks = 1; break;
		case OPT_CERT_TIME:
			if (strcmp(optarg, "now") == 0)
				vo.cert_time = MV_CERT_TIME_NOW;
			else if (strcmp(optarg, "issued") == 0)
				vo.cert_time = MV_CERT_TIME_ISSUED;
			else {
				rc = cli_error("--cert-time: '%s' is not now or issued", optarg);
				goto done;
			}
			break;
		case OPT_TRUSTED_ROOT: vo.trusted_root = optarg; break;
		case OPT_IDENTITY: vo.identity = optarg; break;
		case OPT_PROVIDER: vo.issuer = optarg; break;
		case OPT_QUIET: quiet = 1; break;
		case OPT_HELP:
			usage(stdout);
			rc = EXIT_PASS;
			goto done;
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		case OPT_NO_RECURSE:
			rc = cli_error("--no-recurse: the signature says how the model is read");
			goto done;
		default:
			if ((r = cli_walk_option(ctx, opt, optarg, &flags)) == 0)
				break;
			if (r == 1)
				cli_try_help();
			goto done;
		}
	}
	if ((rc = cli_one_model(argc, optind)) != 0)
		goto done;
	rc = EXIT_ERROR;
	vo.nroots = nroots;
	if (check_method(method, &vo) != 0 || cli_trust_check(&vo, 1) != 0)
		goto done;
	if ((rel = cli_model_rels(argv[optind], ign, nign)) == NULL)
		goto done;
	vo.roots = roots;
	vo.ignore = (const char *const *)rel;
	vo.nignore = nign;
	cli_progress_attach(ctx, progress && !quiet);
	/* MV_ERR_VERIFY comes with the report that says why. */
	if ((st = mv_verify(ctx, &vo, argv[optind], &rep)) != MV_OK &&
	    !(st == MV_ERR_VERIFY && rep != NULL)) {
		cli_progress_done();
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	cli_progress_done();
	print_report(rep, argv[optind], quiet);
	switch (mv_verify_report_status(rep)) {
	case MV_VERIFY_VALID: rc = EXIT_PASS; break;
	case MV_VERIFY_FAILED: rc = EXIT_FINDINGS; break;
	default: rc = EXIT_ERROR; break;
	}
	if (fflush(stdout) != 0)
		rc = cli_error("write error: %s", strerror(errno));
done:
	mv_verify_report_free(rep);
	cli_strv_free(rel);
	free(ign);
	free(roots);
	free(opts);
	mv_ctx_free(ctx);
	return rc;
}
