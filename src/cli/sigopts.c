/* SPDX-License-Identifier: Apache-2.0 */
/* sigopts.c: what sign, verify, digest and keygen share: passphrases from the terminal, a file
 * descriptor or the environment (never the command line, where every user of the machine can
 * read them), model_signing's method words, byte counts, and ignore paths made relative to the
 * model. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"

#define MAX_PASSPHRASE 1024

int
cli_passphrase(const char *fd_arg, const char *env_name, char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	if (fd_arg && env_name)
		return cli_error("give --passphrase-fd or --passphrase-env, not both");
	if (env_name) {
		const char *v = getenv(env_name);

		if (v == NULL)
			return cli_error("--passphrase-env: %s is not set", env_name);
		if (strlen(v) > MAX_PASSPHRASE)
			return cli_error("--passphrase-env: %s is longer than %d bytes", env_name,
			    MAX_PASSPHRASE);
		if ((*out = strdup(v)) == NULL)
			return cli_error("out of memory");
		*len = strlen(v);
		return 0;
	}
	if (fd_arg) {
		char *end, *buf;
		long fd;
		size_t n = 0;

		errno = 0;
		fd = strtol(fd_arg, &end, 10);
		if (errno || *end || fd_arg[0] < '0' || fd_arg[0] > '9' || fd > INT_MAX)
			return cli_error("--passphrase-fd: '%s' is not a file descriptor number",
			    fd_arg);
		if ((buf = calloc(1, MAX_PASSPHRASE + 2)) == NULL)
			return cli_error("out of memory");
		/* One line: what "echo secret |" or a here-document gives. */
		while (n < MAX_PASSPHRASE + 1) {
			ssize_t r = read((int)fd, buf + n, 1);

			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				int e = errno;

				free(buf);
				return cli_error("--passphrase-fd %ld: %s", fd, strerror(e));
			}
			if (r == 0 || buf[n] == '\n')
				break;
			n++;
		}
		if (n > MAX_PASSPHRASE) {
			cli_secure_free(buf, n);
			return cli_error("--passphrase-fd: longer than %d bytes", MAX_PASSPHRASE);
		}
		if (n > 0 && buf[n - 1] == '\r')
			n--;
		buf[n] = '\0';
		*out = buf;
		*len = n;
	}
	return 0;
}

/* ---- the terminal prompt ---- */

/* The terminal's settings while echo is off, restored by a signal that ends the program. */
static struct termios tty_saved;
static volatile sig_atomic_t tty_fd = -1;
static const int tty_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};

static void
tty_restore(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/*
 * Ask on /dev/tty, with echo off, as signify's readpassphrase and gpg do: the terminal, not
 * standard input (which may be the model or a pipe). Returns 0 with *out set, 1 when there is
 * no terminal, EXIT_ERROR (printed) otherwise.
 */
static int
tty_ask(const char *prompt, char **out, size_t *len)
{
	struct sigaction sa, old[sizeof(tty_signals) / sizeof(tty_signals[0])];
	struct termios quiet;
	char *buf;
	size_t n = 0;
	int fd, rc = 0, eof = 0;

	*out = NULL;
	*len = 0;
	if ((fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return 1;
	if (tcgetattr(fd, &tty_saved) != 0) {
		close(fd);
		return 1;
	}
	if ((buf = calloc(1, MAX_PASSPHRASE + 2)) == NULL) {
		close(fd);
		return cli_error("out of memory");
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tty_restore;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(tty_signals) / sizeof(tty_signals[0]); i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
	quiet.c_lflag |= ICANON;
	tty_fd = fd;
	/* Echo off before the prompt shows, so that nothing typed after it is echoed. */
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0 || write(fd, prompt, strlen(prompt)) < 0)
		rc = cli_error("cannot use the terminal: %s", strerror(errno));
	while (rc == 0 && n < MAX_PASSPHRASE + 1) {
		ssize_t r = read(fd, buf + n, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			rc = cli_error("reading the passphrase: %s", strerror(errno));
		else if (r == 0)
			eof = 1;
		if (r <= 0 || buf[n] == '\n')
			break;
		n++;
	}
	tcsetattr(fd, TCSAFLUSH, &tty_saved);
	tty_fd = -1;
	for (size_t i = 0; i < sizeof(tty_signals) / sizeof(tty_signals[0]); i++)
		sigaction(tty_signals[i], &old[i], NULL);
	/* Echo was off, so the newline the user typed was not shown. */
	if (write(fd, "\n", 1) < 0 && rc == 0)
		rc = cli_error("cannot use the terminal: %s", strerror(errno));
	close(fd);
	if (rc == 0 && n > MAX_PASSPHRASE)
		rc = cli_error("the passphrase is longer than %d bytes", MAX_PASSPHRASE);
	if (rc == 0 && eof && n == 0)
		rc = cli_error("no passphrase given");
	if (rc != 0) {
		cli_secure_free(buf, n);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

int
cli_pin_prompt(void *arg, const char *token, char *buf, size_t size)
{
	char prompt[128], *pin = NULL;
	size_t n = 0;

	(void)arg;
	snprintf(prompt, sizeof(prompt), "PIN for PKCS#11 token '%s': ", token);
	if (tty_ask(prompt, &pin, &n) != 0)
		return -1;
	if (n >= size || n > INT_MAX) {
		cli_secure_free(pin, n);
		return -1;
	}
	memcpy(buf, pin, n);
	cli_secure_free(pin, n);
	return (int)n;
}

int
cli_key_passphrase(struct mv_ctx *ctx, const char *key, const char *fd_arg,
    const char *env_name, char **out, size_t *len)
{
	char prompt[PATH_MAX + 64], type[32], hint[65];

	*out = NULL;
	*len = 0;
	if (fd_arg || env_name || key == NULL)
		return cli_passphrase(fd_arg, env_name, out, len);
	/* A key that is not encrypted, or cannot be read, goes on: loading it says why. */
	if (mv_key_encrypted(ctx, key) != 1)
		return 0;
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", key);
	for (int tries = 0; tries < 3; tries++) {
		int r = tty_ask(prompt, out, len);

		if (r == 1)
			return 0;
		if (r != 0)
			return r;
		if (mv_key_fingerprint(ctx, key, *out, *len, type, hint) != MV_ERR_CRYPTO)
			return 0;
		cli_secure_free(*out, *len);
		*out = NULL;
		*len = 0;
		cli_warn("%s: wrong passphrase", key);
	}
	return cli_error("%s: no right passphrase in 3 tries", key);
}

int
cli_push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return cli_error("out of memory");
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

int
cli_sig_method(int *argc, char ***argv, int signing, enum cli_method *m)
{
	const char *w = *argc > 1 ? (*argv)[1] : NULL;

	*m = CLI_METHOD_MAVIS;
	if (w == NULL)
		return 0;
	if (strcmp(w, "key") == 0)
		*m = CLI_METHOD_KEY;
	else if (strcmp(w, "certificate") == 0)
		*m = CLI_METHOD_CERT;
	else if (strcmp(w, "sigstore") == 0)
		*m = CLI_METHOD_SIGSTORE;
	else if (strcmp(w, "pkcs11-key") == 0 || strcmp(w, "pkcs11_key") == 0 ||
	    strcmp(w, "pkcs11-certificate") == 0 || strcmp(w, "pkcs11_certificate") == 0)
		return cli_error("%s: mavis has no PKCS #11 support; %s", w, signing ?
		    "sign with a PEM key ('key' or 'certificate')" : "verify with 'key' or "
		    "'certificate' and the public key or root CA");
	else
		return 0;
	/* Drop the word, keeping argv[0] (the message prefix getopt uses). */
	(*argv)[1] = (*argv)[0];
	(*argv)++;
	(*argc)--;
	return 0;
}

int
cli_hash_option(const char *arg, unsigned *alg)
{
	if (mv_hash_lookup(arg, alg) != MV_OK)
		return cli_error("--hash: '%s' is not a digest mavis knows", arg);
	return 0;
}

int
cli_hashing_option(int opt, const char *arg, struct mv_sign_opts *so, const char ***ign,
    size_t *nign)
{
	switch (opt) {
	case OPT_IGNORE:
	case OPT_H_IGN:
		return cli_push(ign, nign, arg);
	case OPT_H_GIT:
		so->no_git_ignores = 0;
		return 0;
	case OPT_H_NO_GIT:
		so->no_git_ignores = 1;
		return 0;
	case OPT_FOLLOW:
	case OPT_H_SYMLINKS:
		so->allow_symlinks = 1;
		return 0;
	case OPT_H_SHARD:
		if (cli_parse_size(arg, &so->shard_size) != 0 || so->shard_size == 0)
			return cli_error("--shard-size: '%s' is not a positive byte count", arg);
		return 0;
	case OPT_H_HASH:
		return cli_hash_option(arg, &so->hash);
	case OPT_H_ARCHIVE:
		if (strcmp(arg, "auto") == 0)
			so->archive = MV_SIG_ARCHIVE_AUTO;
		else if (strcmp(arg, "members") == 0)
			so->archive = MV_SIG_ARCHIVE_MEMBERS;
		else if (strcmp(arg, "whole") == 0)
			so->archive = MV_SIG_ARCHIVE_WHOLE;
		else
			return cli_error("--archive: '%s' is not auto, members or whole", arg);
		return 0;
	}
	return 1;
}

char **
cli_model_rels(const char *model, const char *const *paths, size_t n)
{
	char **rel = calloc(n + 1, sizeof(*rel));

	for (size_t i = 0; rel && i < n; i++)
		if ((rel[i] = cli_model_rel(model, paths[i])) == NULL) {
			cli_strv_free(rel);
			rel = NULL;
		}
	if (rel == NULL)
		cli_error("out of memory");
	return rel;
}

void
cli_strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

void
cli_secure_free(char *p, size_t n)
{
	if (p == NULL)
		return;
	/* A volatile pointer keeps the compiler from dropping the wipe of a dying buffer. */
	for (volatile char *v = p; n > 0; n--)
		*v++ = 0;
	free(p);
}

int
cli_parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *sfx;
		unsigned shift;
	} sfx[] = {{"", 0}, {"k", 10}, {"K", 10}, {"KiB", 10}, {"M", 20}, {"MiB", 20},
	    {"G", 30}, {"GiB", 30}, {"T", 40}, {"TiB", 40}};
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || errno)
		return -1;
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if (strcmp(end, sfx[i].sfx) != 0)
			continue;
		if (sfx[i].shift && n > (UINT64_MAX >> sfx[i].shift))
			return -1;
		*out = (uint64_t)n << sfx[i].shift;
		return 0;
	}
	return -1;
}

/*
 * model_signing takes ignore paths relative to the current folder. A path that names
 * something inside a folder model from here is taken that way; anything else is relative to
 * the model root, which is what a path that does not exist here can only mean.
 */
char *
cli_model_rel(const char *model, const char *p)
{
	char *root = realpath(model, NULL), *real = NULL, *rel = NULL;
	struct stat st;
	size_t n;

	if (root && stat(root, &st) == 0 && S_ISDIR(st.st_mode) &&
	    (real = realpath(p, NULL)) != NULL) {
		n = strlen(root);
		if (strncmp(real, root, n) == 0 && real[n] == '/')
			rel = strdup(real + n + 1);
	}
	if (rel == NULL)
		rel = strdup(p);
	free(root);
	free(real);
	return rel;
}

int
cli_trust_check(const struct mv_verify_opts *vo, int required)
{
	int methods = (vo->public_key != NULL) + (vo->nroots != 0) + (vo->trusted_root != NULL);

	if (methods > 1 || (required && methods == 0))
		return cli_error("give %s --key PUB (key signatures), --cert-chain ROOTS "
		    "(certificate signatures) or --trusted-root ROOT (Sigstore keyless)",
		    required ? "one of" : "at most one of");
	if ((vo->trusted_root != NULL) != (vo->identity != NULL && vo->issuer != NULL) ||
	    (vo->trusted_root == NULL && (vo->identity || vo->issuer)))
		return cli_error("--trusted-root goes with --identity and --identity-provider");
	return 0;
}
