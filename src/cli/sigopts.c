/* sigopts.c: what sign, verify and keygen share: passphrases from a file descriptor or the
 * environment (never the command line, where every user of the machine can read them), byte
 * counts, and ignore paths made relative to the model. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
