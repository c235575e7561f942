/* SPDX-License-Identifier: Apache-2.0 */
/* pickle-feed.c: feeds one file to the pickle machine in 256 KiB blocks, as the walker does,
 * and prints the bytes, the CPU seconds the analysis took and the findings. Built and run by
 * bench/pickle.sh against a build's internal library. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mavis.h"
#include "core/finding.h"
#include "scan/pickle.h"
#include "scan/pypolicy.h"

#define BLOCK (256 * 1024)

static double
cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct mv_ctx *ctx = mv_ctx_new();
	uint64_t limit[MV_LIMIT__COUNT];
	const struct mv_pypolicy *pol;
	struct mv_findings fl = {0};
	struct mv_pickle_opts o = {0};
	struct mv_pickle *m;
	unsigned char *buf = malloc(BLOCK);
	unsigned long long total = 0;
	char err[512];
	double t0, t1;
	size_t n;
	FILE *fp;

	if (argc != 2 || ctx == NULL || buf == NULL) {
		fprintf(stderr, "usage: pickle-feed FILE\n");
		return 2;
	}
	if (mv_pypolicy_get(NULL, &pol, err, sizeof(err)) != MV_OK) {
		fprintf(stderr, "pickle-feed: %s\n", err);
		return 2;
	}
	if ((fp = fopen(argv[1], "rb")) == NULL) {
		perror(argv[1]);
		return 2;
	}
	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		limit[i] = mv_ctx_limit(ctx, (enum mv_limit)i);
	o.policy = pol;
	o.limit = limit;
	o.findings = &fl;
	o.path = argv[1];
	o.summary = 1;
	t0 = cpu_seconds();
	if ((m = mv_pickle_new(&o)) == NULL)
		return 2;
	while ((n = fread(buf, 1, BLOCK, fp)) > 0) {
		mv_pickle_feed(m, buf, n);
		total += n;
	}
	mv_pickle_end(m, 1);
	t1 = cpu_seconds();
	printf("%llu %.3f %zu\n", total, t1 - t0, fl.n);
	for (size_t i = 0; i < fl.n && i < 5; i++)
		fprintf(stderr, "  %s: %s\n", fl.v[i].rule, fl.v[i].evidence);
	mv_pickle_free(m);
	mv_findings_free(&fl);
	mv_ctx_free(ctx);
	fclose(fp);
	free(buf);
	return 0;
}
