/* SPDX-License-Identifier: Apache-2.0 */
/* cli.h: what the subcommands of the mavis command share. */
#ifndef MV_CLI_H
#define MV_CLI_H

#include <getopt.h>
#include <stdio.h>
#include "mavis.h"

/* Exit statuses (the ClamAV convention the field uses). */
#define EXIT_PASS 0
#define EXIT_FINDINGS 1
#define EXIT_ERROR 2

/* Option values above this are limits: OPT_LIMIT + enum mv_limit. */
#define OPT_LIMIT 1000

/* Options every command that walks a package takes. */
enum {
	OPT_JOBS = 256,
	OPT_FOLLOW,
	OPT_NO_RECURSE,
	OPT_SIGNATURES,
	OPT_NO_PROGRESS,
	OPT_IGNORE,
};

/* The registry of oci:// inputs (scan, hash): --registry-auth and --insecure-registry. */
enum {
	OPT_REGISTRY_AUTH = 500,
	OPT_INSECURE_REGISTRY,
};
#define CLI_REGISTRY_OPTIONS \
	{"registry-auth", required_argument, NULL, OPT_REGISTRY_AUTH}, \
	{"insecure-registry", no_argument, NULL, OPT_INSECURE_REGISTRY}
struct cli_registry {
	const char *auth;                /* USER:PASSWORD, or a file holding it */
	int insecure;
};
/* 0 when opt is one of them (kept in r), 1 when it is not. */
int cli_registry_option(struct cli_registry *r, int opt, const char *arg);
/* Once the inputs are known: the credentials for the registry of the oci:// inputs (from
 * --registry-auth, else the Docker config) and the flags, set on ctx. 0, or EXIT_ERROR after
 * saying why. */
int cli_registry_setup(struct mv_ctx *ctx, const struct cli_registry *r, char *const *inputs,
    int n);
void cli_registry_usage(FILE *out);

/* What every message on stderr starts with: "mavis", then "mavis: CMD" once a command runs
 * (getopt's own messages take it from argv[0], which main sets to the same). */
extern const char *cli_prog;
/* The command running ("scan"), or NULL before dispatch. */
extern const char *cli_cmd;

/* "mavis: CMD: <message>" on stderr; returns EXIT_ERROR. */
/* The whole command: what main() runs, and the option fuzzer drives in-process. */
int cli_main(int argc, char **argv);
/* Before a command parses its options: forget any earlier parse, even one left inside a
 * group of short options. */
void cli_getopt_reset(void);
int cli_error(const char *fmt, ...) MV_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) MV_PRINTF(1, 2);
/* "Try 'mavis CMD --help'." after a usage error; returns EXIT_ERROR. */
int cli_try_help(void);
/* The commands that take one MODEL (sign, verify, digest): 0 when argv[first] is the only
 * operand, else the error said and its exit status. */
int cli_one_model(int argc, int first);

/* Build long options: the command's own (ending with a zero entry), then the walk options
 * and one per limit, each also spelled with '_' for '-' (as model_signing takes them).
 * Returns a new array (free it) or NULL. */
struct option *cli_options(const struct option *own);
/* Apply a walk option or limit; 0 when handled, 1 when opt is not one, EXIT_ERROR after
 * printing the problem. */
int cli_walk_option(struct mv_ctx *ctx, int opt, const char *arg, unsigned *flags);
/* Help text for the walk options and limits. */
void cli_walk_usage(FILE *out, const struct mv_ctx *ctx);

/* Reports written with --output: made in memory, then written by mv_file_write (whole or
 * not at all for a regular file, straight into a device, FIFO or descriptor). Without a path
 * (or "-"), standard output. */
struct cli_out {
	FILE *fp;
	const char *path;
	char *buf;
	size_t len;
};
int cli_out_open(struct cli_out *o, const char *path);
/* Finish: write the report when ok; returns EXIT_ERROR on any write or close error (after
 * printing it), else 0. */
int cli_out_close(struct cli_out *o, int ok);

/* A progress bar on stderr for runs longer than a second, only on a terminal. */
void cli_progress_attach(struct mv_ctx *ctx, int enabled);
void cli_progress_done(void);

/* Print findings, one per line, to out (text form). */
void cli_print_finding(FILE *out, const struct mv_finding *f, int color);
int cli_use_color(FILE *out);
/* --color WHEN: auto (colour on a terminal unless NO_COLOR is set or TERM is dumb), always,
 * never. cli_color_parse returns -1 for anything else; cli_color says whether to colour out
 * (NULL: not a terminal). */
enum { CLI_COLOR_AUTO = 0, CLI_COLOR_ALWAYS, CLI_COLOR_NEVER };
int cli_color_parse(const char *s);
int cli_color(int mode, FILE *out);
/* A path safe on a terminal (mv_print_name). */
void cli_print_path(FILE *out, const char *path);

int cmd_hash(int argc, char **argv);
int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_digest(int argc, char **argv);

/* sigopts.c: a key passphrase from --passphrase-fd (one line) or --passphrase-env; *out is
 * NULL when neither is given. 0 or EXIT_ERROR (printed). Free with cli_secure_free. */
int cli_passphrase(const char *fd_arg, const char *env_name, char **out, size_t *len);
/* The passphrase of private key file key: from --passphrase-fd or --passphrase-env when
 * given; else, when the key is encrypted and there is a terminal, asked on it without echo
 * (three tries). *out is NULL when none is needed or none could be asked for. */
int cli_key_passphrase(struct mv_ctx *ctx, const char *key, const char *fd_arg,
    const char *env_name, char **out, size_t *len);
/* Append s to a growing array of strings; 0 or EXIT_ERROR (printed). */
int cli_push(const char ***v, size_t *n, const char *s);

/* model_signing's forms: "sign key|certificate ...", "verify key|certificate|sigstore ...". */
enum cli_method {
	CLI_METHOD_MAVIS = 0,    /* mavis's own form: the options say the method */
	CLI_METHOD_KEY,
	CLI_METHOD_CERT,
	CLI_METHOD_SIGSTORE
};
/* When argv[1] is a method word, drop it from argc/argv and set *m; methods mavis does not
 * have (PKCS #11, keyless signing) are EXIT_ERROR (printed). */
int cli_sig_method(int *argc, char ***argv, int signing, enum cli_method *m);
/* --hash NAME: any digest mavis knows; the signing code says which a signature may use. */
int cli_hash_option(const char *arg, unsigned *alg);
/* The options sign and digest share, which say what is hashed and how; their model_signing
 * spellings beside mavis's --exclude and --follow-symlinks. */
enum {
	OPT_H_IGN = 300,
	OPT_H_GIT,
	OPT_H_NO_GIT,
	OPT_H_SYMLINKS,
	OPT_H_SHARD,
	OPT_H_HASH,
	OPT_H_ARCHIVE,
};
#define CLI_HASHING_OPTIONS \
	{"ignore-paths", required_argument, NULL, OPT_H_IGN}, \
	{"ignore-git-paths", no_argument, NULL, OPT_H_GIT}, \
	{"no-ignore-git-paths", no_argument, NULL, OPT_H_NO_GIT}, \
	{"allow-symlinks", no_argument, NULL, OPT_H_SYMLINKS}, \
	{"shard-size", required_argument, NULL, OPT_H_SHARD}, \
	{"hash", required_argument, NULL, OPT_H_HASH}, \
	{"archive", required_argument, NULL, OPT_H_ARCHIVE}
/* Apply one of them (or --exclude, --follow-symlinks) to so, the ignore paths gathered in
 * *ign; 0 when handled, 1 when opt is not one, EXIT_ERROR after printing the problem. */
int cli_hashing_option(int opt, const char *arg, struct mv_sign_opts *so, const char ***ign,
    size_t *nign);
/* Every --ignore-paths value made relative to the model (cli_model_rel), in a NULL-ended
 * array (free with cli_strv_free); NULL (printed) without memory. */
char **cli_model_rels(const char *model, const char *const *paths, size_t n);
void cli_strv_free(char **v);
void cli_secure_free(char *p, size_t n);
/* The mv_pkcs11_opts prompt: a token's PIN asked on /dev/tty with echo off, as a key's
 * passphrase is; the PIN's length, or -1 without a terminal. */
int cli_pin_prompt(void *arg, const char *token, char *buf, size_t size);
/* A byte count with an optional k, M, G, T (or KiB...) suffix; 0 on success. */
int cli_parse_size(const char *s, uint64_t *out);
/* The trust material of verify (required: exactly one method) and scan (at most one): a
 * key, certificate roots, or a Sigstore trusted root with the identity and its issuer.
 * 0 or EXIT_ERROR (printed). */
int cli_trust_check(const struct mv_verify_opts *vo, int required);
/* An --ignore-paths value relative to the model root (new string, NULL without memory). */
char *cli_model_rel(const char *model, const char *p);
int cmd_scan(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_principles(int argc, char **argv);

#endif
