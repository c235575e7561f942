/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_cli.c: the command line itself, driven in-process through cli_main. The input is the
 * argument list, NUL-separated, run in a scratch folder that holds a small signed model, a
 * hostile pickle, a key pair and a sums file, put back as it was before every run. Arguments
 * that would leave that folder or the machine (a '/', "..", a URL, PKCS#11 modules, keyless
 * signing, passphrases from a file descriptor) and `serve` are not run: they are what the
 * user names, not what the command line makes of it. */
#include "config.h"

#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 24
#define MAX_ARG 256

static char sandbox[] = "/tmp/mavis-fuzz-cli.XXXXXX";

/* The scratch folder's files, read back after the set-up made them. */
static const char *const fixture_names[] = {
	"m/config.json", "m/model.safetensors", "m/model.sig", "p.pkl", "k.key", "k.pub", "s.sha256",
};
#define NFIXTURES (sizeof(fixture_names) / sizeof(fixture_names[0]))
static struct {
	unsigned char *data;
	size_t len;
} fixtures[NFIXTURES];

static int
remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (ftw->level > 0)
		(void)remove(path);
	return 0;
}

static void
clear(void)
{
	(void)nftw(sandbox, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
put(const char *name, const void *data, size_t len)
{
	char path[sizeof(sandbox) + 32];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", sandbox, name);
	if ((fp = fopen(path, "wb")) == NULL || fwrite(data, 1, len, fp) != len || fclose(fp) != 0)
		abort();
}

static void
slurp(size_t i)
{
	char path[sizeof(sandbox) + 32];
	FILE *fp;
	long n;

	snprintf(path, sizeof(path), "%s/%s", sandbox, fixture_names[i]);
	if ((fp = fopen(path, "rb")) == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0 || (fixtures[i].data = malloc((size_t)n + 1)) == NULL ||
	    fread(fixtures[i].data, 1, (size_t)n, fp) != (size_t)n)
		abort();
	fclose(fp);
	fixtures[i].len = (size_t)n;
}

static void
restore(void)
{
	char path[sizeof(sandbox) + 8];

	clear();
	snprintf(path, sizeof(path), "%s/m", sandbox);
	if (mkdir(path, 0755) != 0)
		abort();
	for (size_t i = 0; i < NFIXTURES; i++)
		put(fixture_names[i], fixtures[i].data, fixtures[i].len);
}

/* Runs the command line in the scratch folder and comes back. */
static int
run_in_sandbox(int argc, char **argv)
{
	static int home = -1;
	int rc;

	if (home < 0 && (home = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		abort();
	if (chdir(sandbox) != 0)
		abort();
	rc = cli_main(argc, argv);
	fflush(NULL);
	if (fchdir(home) != 0)
		abort();
	return rc;
}

static void
cleanup(void)
{
	clear();
	(void)rmdir(sandbox);
}

static void
setup(void)
{
	static const char config[] = "{\"model_type\": \"fuzz\"}\n";
	/* 8-byte header length, the header, one float. */
	static const char st_head[] = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
	static const char pickle[] = "cos\nsystem\n(S'echo fuzz'\ntR.";
	unsigned char st[8 + sizeof(st_head) - 1 + 4] = {0};
	char keygen[] = "keygen", out[] = "--out", k[] = "k", sign[] = "sign", key[] = "--key",
	    kkey[] = "k.key", m[] = "m", hash[] = "hash", o[] = "-o", sums[] = "s.sha256",
	    prog[] = "mavis";
	char *argv_keygen[] = {prog, keygen, out, k, NULL};
	char *argv_sign[] = {prog, sign, key, kkey, m, NULL};
	char *argv_hash[] = {prog, hash, o, sums, m, NULL};
	char rules[] = "rules", hx[] = "-hx", f[] = "-f", json[] = "json";
	char *argv_help[] = {prog, rules, hx, NULL}, *argv_rules[] = {prog, rules, f, json, NULL};
	char path[sizeof(sandbox) + 8];
	int devnull;

	if (mkdtemp(sandbox) == NULL)
		abort();
	atexit(cleanup);
	/* Reports go nowhere; nothing reads standard input or has a terminal to prompt on. */
	if ((devnull = open("/dev/null", O_RDWR)) < 0 || dup2(devnull, 0) < 0 || dup2(devnull, 1) < 0)
		abort();
	close(devnull);
	(void)setsid();
	setenv("MAVIS_SIGNATURES", MV_FUZZ_SIGNATURES, 0);
	snprintf(path, sizeof(path), "%s/m", sandbox);
	if (mkdir(path, 0755) != 0)
		abort();
	put("m/config.json", config, sizeof(config) - 1);
	st[0] = (unsigned char)(sizeof(st_head) - 1);
	memcpy(st + 8, st_head, sizeof(st_head) - 1);
	put("m/model.safetensors", st, sizeof(st));
	put("p.pkl", pickle, sizeof(pickle) - 1);
	if (run_in_sandbox(4, argv_keygen) != 0 || run_in_sandbox(5, argv_sign) != 0 ||
	    run_in_sandbox(5, argv_hash) != 0)
		abort();
	for (size_t i = 0; i < NFIXTURES; i++)
		slurp(i);
	/* What one run leaves in getopt never reaches the next: "-hx" stops at -h with the 'x'
	 * still pending, which a stale parse would read as an option of the next command. */
	(void)run_in_sandbox(3, argv_help);
	if (run_in_sandbox(4, argv_rules) != 0)
		abort();
}

/* Does name, a long option without its "--", stand for one of the options not run? getopt
 * takes any unambiguous prefix. */
static int
risky_option(const char *name, size_t n)
{
	static const char *const risky[] = {"passphrase-fd", "pkcs11-module", "pkcs11",
	    "identity-token", "use-ambient-credentials", "signing-config"};

	for (size_t i = 0; i < sizeof(risky) / sizeof(risky[0]); i++)
		if (n > 0 && n <= strlen(risky[i]) && strncmp(name, risky[i], n) == 0)
			return 1;
	return 0;
}

static int
runnable(const char *a, size_t i)
{
	if (strchr(a, '/') || strstr(a, "..") || strstr(a, "sigstore") || strstr(a, "pkcs11") ||
	    strstr(a, "PKCS11"))
		return 0;
	if (i == 1 && strcmp(a, "serve") == 0)
		return 0;
	if (a[0] == '-' && a[1] == '-' && a[2] != '\0')
		return !risky_option(a + 2, strcspn(a + 2, "="));
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	static char prog[] = "mavis";
	char *argv[MAX_ARGS + 2] = {prog};
	char *copy;
	int argc = 1;
	size_t at = 0;

	if (!ready) {
		setup();
		ready = 1;
	}
	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	while (at < size && argc <= MAX_ARGS) {
		size_t n = strnlen(copy + at, size - at);

		if (n > MAX_ARG || !runnable(copy + at, (size_t)argc))
			goto done;
		argv[argc++] = copy + at;
		at += n + 1;
	}
	if (at < size)
		goto done;
	argv[argc] = NULL;
	restore();
	(void)run_in_sandbox(argc, argv);
done:
	free(copy);
	return 0;
}
