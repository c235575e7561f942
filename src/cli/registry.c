/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c: the options of commands that read oci:// inputs: the registry's credentials
 * and plain HTTP. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"

/* A line of USER:PASSWORD; a longer "credential" is no such line. */
#define CRED_MAX 4096

int
cli_registry_option(struct cli_registry *r, int opt, const char *arg)
{
	switch (opt) {
	case OPT_REGISTRY_AUTH:
		r->auth = arg;
		return 0;
	case OPT_INSECURE_REGISTRY:
		r->insecure = 1;
		return 0;
	}
	return 1;
}

/* --registry-auth names a file (its first line) or is USER:PASSWORD itself; a file keeps the
 * password out of the process list. */
static char *
read_auth(const char *arg)
{
	struct stat st;
	char *line;
	FILE *f;
	size_t n;

	if (stat(arg, &st) != 0 || !S_ISREG(st.st_mode))
		return strdup(arg);
	if ((f = fopen(arg, "r")) == NULL)
		return NULL;
	if ((line = calloc(1, CRED_MAX + 1)) != NULL && fgets(line, CRED_MAX + 1, f) == NULL)
		line[0] = '\0';
	fclose(f);
	if (line) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
	}
	return line;
}

int
cli_registry_setup(struct mv_ctx *ctx, const struct cli_registry *r, char *const *inputs,
    int n)
{
	const char *ref = NULL;
	char *userpass = NULL, *authz = NULL;
	int rc = 0;

	for (int i = 0; i < n && ref == NULL; i++)
		if (strncmp(inputs[i], "oci://", 6) == 0)
			ref = inputs[i];
	if (ref == NULL)
		return 0;
	if (r->auth && (userpass = read_auth(r->auth)) == NULL)
		return cli_error("--registry-auth: cannot read %s", r->auth);
	if (mv_registry_credentials(ctx, ref, userpass, &authz) != MV_OK) {
		rc = cli_error("%s", mv_ctx_error(ctx));
		goto done;
	}
	if (mv_ctx_set_registry(ctx, authz, r->insecure ? MV_REGISTRY_INSECURE : 0) != MV_OK)
		rc = cli_error("%s", mv_ctx_error(ctx));
done:
	if (userpass) {
		explicit_bzero(userpass, strlen(userpass));
		free(userpass);
	}
	if (authz) {
		explicit_bzero(authz, strlen(authz));
		free(authz);
	}
	return rc;
}

void
cli_registry_usage(FILE *out)
{
	fprintf(out,
	    "oci:// inputs (oci://HOST[:PORT]/REPO[:TAG|@sha256:DIGEST]):\n"
	    "  --registry-auth USER:PASSWORD|FILE  credentials for the registry (a file: its\n"
	    "                        first line); default: docker login's, from\n"
	    "                        $DOCKER_CONFIG/config.json or ~/.docker/config.json\n"
	    "  --insecure-registry   plain HTTP to the registry (HTTPS otherwise, except to a\n"
	    "                        loopback address)\n");
}
