/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_serve.c: mavis serve: the Harbor pluggable scanner adapter (src/serve), its options
 * and its API key. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "serve/serve.h"

#define KEY_MAX 4096
#define KEY_ENV "MAVIS_SERVE_API_KEY"

enum {
	OPT_LISTEN = 300, OPT_KEYFILE, OPT_REDIS, OPT_QUEUE, OPT_BODY, OPT_HEADER, OPT_CONNS,
	OPT_TIMEOUT, OPT_SCAN_TIMEOUT, OPT_SCAN_BYTES, OPT_TTL, OPT_LEASE, OPT_POLICY,
	OPT_SERVE_JOBS, OPT_SERVE_SIGS,
};

static const struct option opts[] = {
	{"listen", required_argument, NULL, OPT_LISTEN},
	{"api-key-file", required_argument, NULL, OPT_KEYFILE},
	{"jobs", required_argument, NULL, OPT_SERVE_JOBS},
	{"redis", required_argument, NULL, OPT_REDIS},
	{"queue", required_argument, NULL, OPT_QUEUE},
	{"max-body", required_argument, NULL, OPT_BODY},
	{"max-header", required_argument, NULL, OPT_HEADER},
	{"connections", required_argument, NULL, OPT_CONNS},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"scan-timeout", required_argument, NULL, OPT_SCAN_TIMEOUT},
	{"scan-bytes", required_argument, NULL, OPT_SCAN_BYTES},
	{"report-ttl", required_argument, NULL, OPT_TTL},
	{"lease", required_argument, NULL, OPT_LEASE},
	{"policy", required_argument, NULL, OPT_POLICY},
	{"signatures", required_argument, NULL, OPT_SERVE_SIGS},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

static void
usage(void)
{
	printf("usage: mavis serve --listen ADDR:PORT --api-key-file FILE [--jobs N] "
	    "[--redis URL]\n"
	    "                   [--queue N] [--max-body SIZE] [--max-header SIZE] "
	    "[--connections N]\n"
	    "                   [--timeout SECONDS] [--scan-timeout SECONDS] "
	    "[--scan-bytes SIZE]\n"
	    "                   [--report-ttl SECONDS] [--lease SECONDS] [--policy FILE] "
	    "[--signatures DIR]\n\n"
	    "The Harbor pluggable scanner adapter (API v1.2): Harbor posts a scan request naming an\n"
	    "artifact in a registry, mavis scans it and keeps the report for Harbor to fetch.\n"
	    "The API key is read from FILE, or from $%s; Harbor sends it as\n"
	    "X-ScannerAdapter-API-Key or Authorization: Bearer. With --redis, any number of\n"
	    "replicas share one queue and report store. One JSON line per request on stderr;\n"
	    "SIGTERM or SIGINT stops it after the scans running end.\n", KEY_ENV);
}

/* A count or size option: at least min, at most max. */
static int
number(const char *name, const char *arg, uint64_t min, uint64_t max, uint64_t *out)
{
	if (cli_parse_size(arg, out) != 0 || *out < min || *out > max)
		return cli_error("--%s: '%s' is not a number from %llu to %llu", name, arg,
		    (unsigned long long)min, (unsigned long long)max);
	return 0;
}

/* The key: the file's first line (a trailing newline is not part of it), else the
 * environment's. */
static int
read_key(const char *file, char *key, size_t *len)
{
	const char *env = getenv(KEY_ENV);
	FILE *f;
	size_t n;

	if (file == NULL) {
		if (env == NULL || *env == '\0')
			return cli_error("no API key: give --api-key-file FILE or set %s", KEY_ENV);
		if (strlen(env) >= KEY_MAX)
			return cli_error("%s: longer than %d bytes", KEY_ENV, KEY_MAX - 1);
		*len = strlen(env);
		memcpy(key, env, *len + 1);
		return 0;
	}
	if ((f = fopen(file, "r")) == NULL)
		return cli_error("%s: %s", file, strerror(errno));
	n = fread(key, 1, KEY_MAX, f);
	if (ferror(f)) {
		fclose(f);
		return cli_error("%s: read error", file);
	}
	fclose(f);
	if (n == KEY_MAX)
		return cli_error("%s: longer than %d bytes: not an API key", file, KEY_MAX - 1);
	key[n] = '\0';
	key[strcspn(key, "\r\n")] = '\0';
	*len = strlen(key);
	if (*len == 0)
		return cli_error("%s: the API key is empty", file);
	for (size_t i = 0; i < *len; i++)
		if (key[i] <= ' ' || key[i] > '~')
			return cli_error("%s: the API key holds a space or a character that is not "
			    "printable ASCII", file);
	return 0;
}

int
cmd_serve(int argc, char **argv)
{
	static char key[KEY_MAX + 1];
	struct mv_serve_conf conf = {
		.jobs = 2, .queue_max = 64, .body_max = 64 * 1024, .header_max = 32 * 1024,
		.connections = 256, .conn_timeout = 30, .scan_timeout = 3600, .report_ttl = 86400,
		.lease = 60, .log = stderr,
	};
	const char *keyfile = NULL;
	char err[512];
	uint64_t v;
	int opt, rc;

	cli_getopt_reset();
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		const char *name = NULL;

		for (size_t i = 0; opts[i].name; i++)
			if (opts[i].val == opt)
				name = opts[i].name;
		rc = 0;
		switch (opt) {
		case OPT_LISTEN: conf.listen = optarg; break;
		case OPT_KEYFILE: keyfile = optarg; break;
		case OPT_REDIS: conf.redis_url = optarg; break;
		case OPT_POLICY: conf.policy = optarg; break;
		case OPT_SERVE_SIGS: conf.signatures = optarg; break;
		case OPT_SERVE_JOBS:
			if ((rc = number(name, optarg, 0, 256, &v)) == 0)
				conf.jobs = (unsigned)v;
			break;
		case OPT_QUEUE:
			if ((rc = number(name, optarg, 1, 1000000, &v)) == 0)
				conf.queue_max = (unsigned)v;
			break;
		case OPT_BODY:
			if ((rc = number(name, optarg, 1024, 16 << 20, &v)) == 0)
				conf.body_max = (size_t)v;
			break;
		case OPT_HEADER:
			if ((rc = number(name, optarg, 4096, 1 << 20, &v)) == 0)
				conf.header_max = (size_t)v;
			break;
		case OPT_CONNS:
			if ((rc = number(name, optarg, 1, 65536, &v)) == 0)
				conf.connections = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if ((rc = number(name, optarg, 1, 3600, &v)) == 0)
				conf.conn_timeout = (unsigned)v;
			break;
		case OPT_SCAN_TIMEOUT:
			if ((rc = number(name, optarg, 0, 7 * 86400, &v)) == 0)
				conf.scan_timeout = (unsigned)v;
			break;
		case OPT_SCAN_BYTES:
			if ((rc = number(name, optarg, 0, UINT64_MAX, &v)) == 0)
				conf.scan_bytes = v;
			break;
		case OPT_TTL:
			if ((rc = number(name, optarg, 1, 365 * 86400, &v)) == 0)
				conf.report_ttl = (unsigned)v;
			break;
		case OPT_LEASE:
			if ((rc = number(name, optarg, 3, 86400, &v)) == 0)
				conf.lease = (unsigned)v;
			break;
		case 'h':
			usage();
			return EXIT_PASS;
		default:
			return cli_try_help();
		}
		if (rc)
			return rc;
	}
	if (optind < argc)
		return cli_error("takes no PATH (try 'mavis serve --help')");
	if (conf.listen == NULL)
		return cli_error("--listen ADDR:PORT is needed");
	if (conf.jobs == 0 && conf.redis_url == NULL)
		return cli_error("--jobs 0 (a replica that only answers) needs --redis: alone it "
		    "would never scan");
	if (read_key(keyfile, key, &conf.api_key_len) != 0)
		return EXIT_ERROR;
	conf.api_key = key;
	rc = mv_serve_run(&conf, err, sizeof(err));
	memset(key, 0, sizeof(key));
	if (rc != 0)
		return cli_error("%s", err);
	return EXIT_PASS;
}
