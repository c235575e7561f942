/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_keygen.c: mavis keygen: make a signing key pair, or show a key's fingerprint. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

enum {
	OPT_TYPE = 't',
	OPT_OUT = 'o',
	OPT_HELP = 'h',
	OPT_SHOW = 400,
	OPT_PASS_FD,
	OPT_PASS_ENV,
	OPT_P11,
	OPT_P11_MODULE,
};

static const struct option opts[] = {
	{"type", required_argument, NULL, OPT_TYPE},
	{"out", required_argument, NULL, OPT_OUT},
	{"show", required_argument, NULL, OPT_SHOW},
	{"passphrase-fd", required_argument, NULL, OPT_PASS_FD},
	{"passphrase-env", required_argument, NULL, OPT_PASS_ENV},
	{"pkcs11", required_argument, NULL, OPT_P11},
	{"pkcs11-module", required_argument, NULL, OPT_P11_MODULE},
	{"help", no_argument, NULL, OPT_HELP},
	{NULL, 0, NULL, 0},
};

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: mavis keygen [--type p256|p384|p521|ed25519] [--out PREFIX]\n"
	    "       mavis keygen --pkcs11 URI [--pkcs11-module FILE] [--type TYPE] [--out PREFIX]\n"
	    "       mavis keygen --show KEY\n"
	    "\n"
	    "Make a signing key pair: PREFIX.key (PKCS#8 PEM, mode 0600) and PREFIX.pub (PEM\n"
	    "public key). Existing files are never overwritten.\n"
	    "\n"
	    "  -t, --type TYPE           p256 (default), p384, p521 or ed25519\n"
	    "  -o, --out PREFIX          file names to use (default: mavis)\n"
	    "      --passphrase-fd N     encrypt the private key with the passphrase read from\n"
	    "                            file descriptor N\n"
	    "      --passphrase-env NAME ... or from environment variable NAME\n"
	    "      --pkcs11 URI          make the pair on a PKCS#11 token instead, labelled by the\n"
	    "                            URI's object= ('pkcs11:token=T;object=O'); only\n"
	    "                            PREFIX.pub is written; the passphrase options give the\n"
	    "                            token's PIN (else it is asked on the terminal)\n"
	    "      --pkcs11-module FILE  the PKCS#11 module (else the URI's module-path)\n"
	    "      --show KEY            print the type and hint of a public or private key\n"
	    "\n"
	    "The hint is the SHA-256 of the PEM public key, as signatures record it.\n"
	    "Exit status: 0 done, 2 error.\n");
}

int
cmd_keygen(int argc, char **argv)
{
	struct mv_ctx *ctx = mv_ctx_new();
	enum mv_key_type type = MV_KEY_P256;
	const char *prefix = "mavis", *show = NULL, *pass_fd = NULL, *pass_env = NULL;
	const char *p11uri = NULL;
	struct mv_pkcs11_opts p11;
	char *pass = NULL, hint[65], tname[32];
	size_t passlen = 0;
	int opt, rc = EXIT_ERROR;

	memset(&p11, 0, sizeof(p11));
	if (ctx == NULL) {
		rc = cli_error("out of memory");
		goto done;
	}
	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "t:o:h", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_TYPE:
			if (mv_key_type_lookup(optarg, &type) != MV_OK) {
				rc = cli_error("--type: '%s' is not p256, p384, p521 or ed25519", optarg);
				goto done;
			}
			break;
		case OPT_OUT: prefix = optarg; break;
		case OPT_SHOW: show = optarg; break;
		case OPT_PASS_FD: pass_fd = optarg; break;
		case OPT_PASS_ENV: pass_env = optarg; break;
		case OPT_P11: p11uri = optarg; break;
		case OPT_P11_MODULE: p11.module = optarg; break;
		case OPT_HELP:
			usage(stdout);
			rc = EXIT_PASS;
			goto done;
		default:
			cli_try_help();
			goto done;
		}
	}
	if (optind != argc) {
		rc = cli_error("unexpected argument '%s' (try 'mavis keygen --help')", argv[optind]);
		goto done;
	}
	if (prefix[0] == '\0') {
		rc = cli_error("--out: empty prefix");
		goto done;
	}
	if (p11uri && (show || !mv_p11_key(p11uri))) {
		rc = cli_error("--pkcs11: %s", show ? "not with --show" :
		    "give a PKCS#11 URI (pkcs11:token=...;object=...)");
		goto done;
	}
	if (p11.module && p11uri == NULL) {
		rc = cli_error("--pkcs11-module goes with --pkcs11");
		goto done;
	}
	/* --show of an encrypted private key asks for its passphrase as sign does. */
	if ((show ? cli_key_passphrase(ctx, show, pass_fd, pass_env, &pass, &passlen) :
	    cli_passphrase(pass_fd, pass_env, &pass, &passlen)) != 0)
		goto done;
	if (p11uri) {
		p11.pin = pass;
		p11.pin_len = passlen;
		p11.prompt = cli_pin_prompt;
		if (mv_keygen_pkcs11(ctx, type, p11uri, &p11, prefix, hint) != MV_OK) {
			rc = cli_error("%s", mv_ctx_error(ctx));
			goto done;
		}
		printf("Made the key pair on the token and wrote %s.pub; hint %s\n", prefix, hint);
	} else if (show) {
		if (mv_key_fingerprint(ctx, show, pass, passlen, tname, hint) != MV_OK) {
			rc = cli_error("%s", mv_ctx_error(ctx));
			goto done;
		}
		printf("%s: %s, hint %s\n", show, tname, hint);
	} else {
		if (mv_keygen(ctx, type, prefix, pass, passlen, hint) != MV_OK) {
			rc = cli_error("%s", mv_ctx_error(ctx));
			goto done;
		}
		printf("Wrote %s.key (private%s, mode 0600) and %s.pub; hint %s\n", prefix,
		    pass ? ", encrypted" : "", prefix, hint);
	}
	rc = fflush(stdout) == 0 ? EXIT_PASS : cli_error("write error: %s", strerror(errno));
done:
	cli_secure_free(pass, passlen);
	mv_ctx_free(ctx);
	return rc;
}
