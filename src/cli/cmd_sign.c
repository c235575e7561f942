/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_sign.c: mavis sign: write an OpenSSF Model Signing signature for a model; mavis's form
 * and model_signing's ("sign key|certificate|sigstore --private_key ..."). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

enum {
	OPT_KEY = 'k',
	OPT_SIG = 's',
	OPT_HELP = 'h',
	OPT_CERT = 400,
	OPT_CHAIN,
	OPT_NAME,
	OPT_PASS_FD,
	OPT_PASS_ENV,
	OPT_PASSWORD,
	OPT_P11_MODULE,
	OPT_TOKEN,
	OPT_SIGNING_CONFIG,
	OPT_STAGING,
	OPT_AMBIENT,
	OPT_ATTEST,
};

/* model_signing's spellings (and their '_' twins, cli_options) name the same options. */
static const struct option own[] = {
	{"key", required_argument, NULL, OPT_KEY},
	{"private-key", required_argument, NULL, OPT_KEY},
	{"cert", required_argument, NULL, OPT_CERT},
	{"signing-certificate", required_argument, NULL, OPT_CERT},
	{"cert-chain", required_argument, NULL, OPT_CHAIN},
	{"certificate-chain", required_argument, NULL, OPT_CHAIN},
	{"signature", required_argument, NULL, OPT_SIG},
	CLI_HASHING_OPTIONS,
	{"model-name", required_argument, NULL, OPT_NAME},
	{"passphrase-fd", required_argument, NULL, OPT_PASS_FD},
	{"passphrase-env", required_argument, NULL, OPT_PASS_ENV},
	{"password", required_argument, NULL, OPT_PASSWORD},
	{"pkcs11-module", required_argument, NULL, OPT_P11_MODULE},
	{"identity-token", required_argument, NULL, OPT_TOKEN},
	{"signing-config", required_argument, NULL, OPT_SIGNING_CONFIG},
	{"staging", no_argument, NULL, OPT_STAGING},
	{"use-staging", no_argument, NULL, OPT_STAGING},
	{"use-ambient-credentials", no_argument, NULL, OPT_AMBIENT},
	{"attest", required_argument, NULL, OPT_ATTEST},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: mavis sign --key KEY [--cert CERT [--cert-chain CHAIN]...] [OPTIONS] MODEL\n"
	    "       mavis sign sigstore [--identity-token TOKEN|@FILE] [--signing-config FILE]\n"
	    "                [--staging] [OPTIONS] MODEL\n"
	    "       mavis sign key|certificate [model_signing's options] MODEL\n"
	    "\n"
	    "Sign MODEL (a folder, a file, or an archive of files) in the OpenSSF Model Signing\n"
	    "format: a Sigstore bundle that model_signing and mavis verify.\n"
	    "\n"
	    "  -k, --key KEY             PEM private key (ECDSA P-256/P-384/P-521 or Ed25519);\n"
	    "                            an encrypted one asks for its passphrase on the terminal;\n"
	    "                            or a key on a token: 'pkcs11:token=T;object=O' (RFC 7512)\n"
	    "      --pkcs11-module FILE  the PKCS#11 module for a pkcs11: key (else the URI's\n"
	    "                            module-path)\n"
	    "      --passphrase-fd N     read the key's passphrase (a token's PIN) from file\n"
	    "                            descriptor N\n"
	    "      --passphrase-env NAME read it from environment variable NAME\n"
	    "      --cert CERT           PEM signing certificate (certificate method; a token's\n"
	    "                            certificate for the key is used without it)\n"
	    "      --cert-chain CHAIN    PEM intermediate certificates (repeatable)\n"
	    "\n"
	    "Keyless ('sign sigstore': a Fulcio certificate for an OIDC identity, logged in Rekor):\n"
	    "      --identity-token T    the OIDC identity token, or @FILE holding it (default: the\n"
	    "                            GitHub Actions token, audience sigstore)\n"
	    "      --signing-config FILE Sigstore signing_config.json naming Fulcio and Rekor\n"
	    "                            (default: the public-good instance)\n"
	    "      --staging             Sigstore's staging instance\n"
	    "\n"
	    "  -s, --signature FILE      where to write (default MODEL/model.sig for a folder,\n"
	    "                            MODEL.sig beside a file or archive; ./model.sig in\n"
	    "                            model_signing's form)\n"
	    "      --exclude P           leave P out (repeatable; inside the model)\n"
	    "      --no-ignore-git-paths sign .git, .github, .gitattributes, .gitignore too\n"
	    "      --shard-size N        digest every N bytes on their own (shards)\n"
	    "      --hash ALG            sha256 (default), blake2b or blake3\n"
	    "      --follow-symlinks     sign the targets of symlinks inside the model\n"
	    "      --archive HOW         auto (tar: members), members, or whole\n"
	    "      --model-name NAME     the statement's subject name\n"
	    "      --attest FILE         also sign the predicate of FILE ({\"predicateType\": URI,\n"
	    "                            \"predicate\": {...}}) over the same subject, written\n"
	    "                            beside the signature as SIG.intoto.jsonl (model.sig:\n"
	    "                            model.intoto.jsonl), which the signature leaves out\n"
	    "      --jobs N              worker threads (default: one per CPU)\n"
	    "      --no-progress         no progress bar\n"
	    "\n"
	    "model_signing's spellings work too, with '-' or '_': --private-key,\n"
	    "--signing-certificate, --certificate-chain, --ignore-paths, --ignore-git-paths,\n"
	    "--allow-symlinks, --use-staging, --use-ambient-credentials.\n"
	    "Exit status: 0 signed, 2 error.\n");
}

/* What model_signing's method word requires of the options. */
static int
check_method(enum cli_method m, const struct mv_sign_opts *so)
{
	if (m == CLI_METHOD_SIGSTORE) {
		if (so->key || so->cert || so->nchain || so->pkcs11.module)
			return cli_error("'sign sigstore' is keyless: no --key, --cert, --cert-chain "
			    "or --pkcs11-module");
		if (so->signing_config && so->staging)
			return cli_error("--staging or --signing-config, not both");
		return 0;
	}
	if (so->identity_token || so->signing_config || so->staging)
		return cli_error("--identity-token, --signing-config and --staging go with 'sign "
		    "sigstore'");
	if (so->key == NULL)
		return cli_error("%s is required", m == CLI_METHOD_MAVIS ? "--key KEY" :
		    "--private-key KEY");
	if (m == CLI_METHOD_KEY && so->cert)
		return cli_error("'sign key' signs with the key alone: use 'sign certificate' "
		    "for --signing-certificate");
	if (m == CLI_METHOD_CERT && so->cert == NULL)
		return cli_error("'sign certificate' needs --signing-certificate CERT");
	/* A token may hold the key's certificate; mv_sign says when it does not. */
	if (so->nchain && so->cert == NULL && !mv_p11_key(so->key))
		return cli_error("--cert-chain needs --cert");
	if (so->pkcs11.module && !mv_p11_key(so->key))
		return cli_error("--pkcs11-module goes with a pkcs11: key");
	return 0;
}

int
cmd_sign(int argc, char **argv)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct option *opts = cli_options(own);
	struct mv_sign_opts so;
	const char **chain = NULL, **ign = NULL, *pass_fd = NULL, *pass_env = NULL;
	char **rel = NULL, *pass = NULL, *sigpath = NULL;
	size_t nchain = 0, nign = 0, passlen = 0, nres = 0;
	unsigned flags = 0;
	enum cli_method method;
	enum mv_sig_method signed_with = MV_SIG_NONE;
	int progress = 1, opt, rc = EXIT_ERROR;

	memset(&so, 0, sizeof(so));
	so.size = sizeof(so);
	if (ctx == NULL || opts == NULL) {
		rc = cli_error("out of memory");
		goto done;
	}
	if (cli_sig_method(&argc, &argv, 1, &method) != 0)
		goto done;
	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "k:s:h", opts, NULL)) != -1) {
		int r;

		switch (opt) {
		case OPT_KEY: so.key = optarg; break;
		case OPT_CERT: so.cert = optarg; break;
		case OPT_CHAIN:
			if (cli_push(&chain, &nchain, optarg) != 0)
				goto done;
			break;
		case OPT_SIG: so.signature = optarg; break;
		case OPT_NAME: so.model_name = optarg; break;
		case OPT_ATTEST: so.attest = optarg; break;
		case OPT_PASS_FD: pass_fd = optarg; break;
		case OPT_PASS_ENV: pass_env = optarg; break;
		case OPT_PASSWORD:
			rc = cli_error("--password: a passphrase on the command line is visible to "
			    "every user of the machine; mavis asks for it on the terminal, or reads "
			    "it with --passphrase-fd or --passphrase-env");
			goto done;
		case OPT_P11_MODULE: so.pkcs11.module = optarg; break;
		case OPT_TOKEN: so.identity_token = optarg; break;
		case OPT_SIGNING_CONFIG: so.signing_config = optarg; break;
		case OPT_STAGING: so.staging = 1; break;
		/* GitHub Actions' token is what keyless signing falls back on anyway. */
		case OPT_AMBIENT: break;
		case OPT_HELP:
			usage(stdout);
			rc = EXIT_PASS;
			goto done;
		case OPT_NO_PROGRESS:
			progress = 0;
			break;
		case OPT_NO_RECURSE:
			rc = cli_error("--no-recurse: use --archive whole to sign an archive as one "
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
	so.chain = chain;
	so.nchain = nchain;
	if (check_method(method, &so) != 0)
		goto done;
	/* model_signing writes model.sig in the current folder unless told otherwise. */
	if (method != CLI_METHOD_MAVIS && so.signature == NULL)
		so.signature = "model.sig";
	so.keyless = method == CLI_METHOD_SIGSTORE;
	if (!so.keyless &&
	    cli_key_passphrase(ctx, so.key, pass_fd, pass_env, &pass, &passlen) != 0)
		goto done;
	if ((rel = cli_model_rels(argv[optind], ign, nign)) == NULL)
		goto done;
	/* A token's PIN comes the way a key file's passphrase does, or from the terminal. */
	if (mv_p11_key(so.key)) {
		so.pkcs11.pin = pass;
		so.pkcs11.pin_len = passlen;
		so.pkcs11.prompt = cli_pin_prompt;
	} else {
		so.passphrase = pass;
		so.passphrase_len = passlen;
	}
	so.method = &signed_with;
	so.ignore = (const char *const *)rel;
	so.nignore = nign;
	if (so.signature == NULL && mv_sig_default_path(ctx, argv[optind], &sigpath) != MV_OK) {
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	cli_progress_attach(ctx, progress);
	if (mv_sign(ctx, &so, argv[optind], &nres) != MV_OK) {
		cli_progress_done();
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	cli_progress_done();
	printf("Signed %zu resource%s of %s into %s (%s method)\n", nres, nres == 1 ? "" : "s",
	    argv[optind], so.signature ? so.signature : sigpath,
	    signed_with == MV_SIG_SIGSTORE ? "sigstore" :
	    signed_with == MV_SIG_CERTIFICATE ? "certificate" : "key");
	rc = fflush(stdout) == 0 ? EXIT_PASS : cli_error("write error: %s", strerror(errno));
done:
	cli_secure_free(pass, passlen);
	cli_strv_free(rel);
	free(ign);
	free(chain);
	free(sigpath);
	free(opts);
	mv_ctx_free(ctx);
	return rc;
}
