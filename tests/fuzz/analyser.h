/* SPDX-License-Identifier: Apache-2.0 */
/* analyser.h: drives one content analyser over fuzz input the way the walker does: claim,
 * begin, every byte in order in chunks of varying size, end, then the package check; then
 * again with the whole input in one chunk, and aborts when the two give other findings. */
#ifndef MV_FUZZ_ANALYSER_H
#define MV_FUZZ_ANALYSER_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mavis.h"
#include "core/ctx.h"
#include "core/finding.h"
#include "core/sniff.h"
#include "scan/analyse.h"

static int
fuzz_cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The offset of the first finding that says a stream broke (a rule "*.parse.error"), or -1.
 * Where the analyser picks up again after such a break may depend on where the reads ended:
 * what comes before the break, and the worst severity, may not. */
static int64_t
fuzz_first_break(const struct mv_findings *fl)
{
	int64_t at = -1;

	for (size_t k = 0; k < fl->n; k++) {
		const char *r = fl->v[k].rule;
		size_t n = strlen(r);

		if (n >= 12 && strcmp(r + n - 12, ".parse.error") == 0 &&
		    (at < 0 || fl->v[k].offset < at))
			at = fl->v[k].offset;
	}
	return at;
}

static int
fuzz_worst(const struct mv_findings *fl)
{
	int worst = -1;

	for (size_t k = 0; k < fl->n; k++)
		if ((int)fl->v[k].severity > worst)
			worst = (int)fl->v[k].severity;
	return worst;
}

/* The findings of fl at offsets from 0 to below cut (all: INT64_MAX) as sorted lines "rule severity
 * offset evidence", one string; NULL when out of memory (the comparison is then skipped, as
 * the findings themselves may be short). */
static char *
fuzz_findings_text(const struct mv_findings *fl, int64_t cut)
{
	char **lines = calloc(fl->n + 1, sizeof(*lines));
	char *out = NULL;
	size_t len = 1, k = 0;

	if (lines == NULL)
		return NULL;
	for (; k < fl->n; k++) {
		const struct mv_finding *f = &fl->v[k];
		int n;

		/* With a cut, findings about the whole entry (offset -1: a limit the resumption
		 * reached) belong to what comes after the break. */
		if (f->offset >= cut || (cut != INT64_MAX && f->offset < 0)) {
			lines[k] = calloc(1, 1);
			if (lines[k] == NULL)
				goto done;
			continue;
		}
		n = snprintf(NULL, 0, "%s %d %lld %s\n", f->rule, (int)f->severity,
		    (long long)f->offset, f->evidence ? f->evidence : "");

		if (n < 0 || (lines[k] = malloc((size_t)n + 1)) == NULL)
			goto done;
		snprintf(lines[k], (size_t)n + 1, "%s %d %lld %s\n", f->rule, (int)f->severity,
		    (long long)f->offset, f->evidence ? f->evidence : "");
		len += (size_t)n;
	}
	qsort(lines, fl->n, sizeof(*lines), fuzz_cmp_line);
	if ((out = malloc(len)) == NULL)
		goto done;
	out[0] = '\0';
	for (size_t i = 0; i < fl->n; i++)
		strcat(out, lines[i]);
done:
	for (size_t i = 0; i < k; i++)
		free(lines[i]);
	free(lines);
	return out;
}

/* Run analyser an over data as an entry called name, of the given sniffed format inside an
 * archive of format parent. Chunk sizes come from the input itself, so a fuzzer explores
 * block boundaries too; a second pass feeds everything at once, and must find the same: an
 * analyser whose findings hang on where the walker's reads happen to end is a bug. Both run
 * once as a stream of unknown size and once with the size known (the findings may differ
 * between those two: a known size lets an analyser judge a header before the data). */
static void
fuzz_analyser(const struct mv_analyser *an, const char *name, enum mv_format fmt,
    enum mv_format parent, const uint8_t *data, size_t size)
{
	uint64_t limit[MV_LIMIT__COUNT];
	char *text[4] = {NULL, NULL, NULL, NULL}, *before[4] = {NULL, NULL, NULL, NULL};
	int64_t brk[4];
	int worst[4];

	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		limit[i] = mv_limit_default((enum mv_limit)i);
	/* Small enough that the limit paths run too. */
	limit[MV_LIMIT_HEADER] = 1u << 20;
	/* Passes 0 and 1 without the size (a stream), 2 and 3 with it; odd ones whole. */
	for (int pass = 0; pass < 4; pass++) {
		struct mv_findings fl = {0};
		struct mv_pkg *pkg = mv_pkg_new();
		struct mv_actx a;
		void *st;
		size_t pos = 0;
		uint32_t seed = 2166136261u;

		memset(&a, 0, sizeof(a));
		a.path = name;
		a.name = name;
		a.format = fmt;
		a.parent = parent;
		a.parent_path = parent ? "fuzz.archive" : NULL;
		a.size = pass >= 2 ? size : UINT64_MAX;
		a.limit = limit;
		a.head = data;
		a.headlen = size < MV_SNIFF_HEAD ? size : MV_SNIFF_HEAD;
		a.findings = &fl;
		a.pkg = pkg;
		(void)an->claim(&a);
		if ((st = an->begin(&a)) != NULL) {
			for (size_t i = 0; i < size && i < 64; i++)
				seed = (seed ^ data[i]) * 16777619u;
			while (pos < size) {
				size_t n = pass % 2 ? size : 1 + (seed >> 7) % 4096;

				seed = seed * 1103515245u + 12345u;
				if (n > size - pos)
					n = size - pos;
				if (an->feed(st, data + pos, n) != MV_OK)
					break;
				pos += n;
			}
			an->end(st, 1);
			an->free(st);
		}
		mv_pkg_check(pkg, NULL, 0, &fl);
		text[pass] = fuzz_findings_text(&fl, INT64_MAX);
		brk[pass] = fuzz_first_break(&fl);
		worst[pass] = fuzz_worst(&fl);
		before[pass] = brk[pass] >= 0 ? fuzz_findings_text(&fl, brk[pass]) : NULL;
		mv_pkg_free(pkg);
		mv_findings_free(&fl);
	}
	for (int pass = 0; pass < 4; pass += 2) {
		/* Both broke at the same place: what came before, and the worst severity, agree;
		 * the resumption after the break is allowed to differ. */
		int same_break = brk[pass] >= 0 && brk[pass] == brk[pass + 1];

		if (same_break && before[pass] && before[pass + 1] &&
		    (strcmp(before[pass], before[pass + 1]) != 0 || worst[pass] != worst[pass + 1])) {
			fprintf(stderr, "%s (size %s): before the break at %lld the findings differ "
			    "in chunks and whole:\n-- in chunks:\n%s-- whole:\n%s", name,
			    pass ? "known" : "unknown", (long long)brk[pass], before[pass],
			    before[pass + 1]);
			abort();
		}
		if (!same_break && text[pass] && text[pass + 1] &&
		    strcmp(text[pass], text[pass + 1]) != 0) {
			fprintf(stderr, "%s (size %s): the findings differ in chunks and whole:\n"
			    "-- in chunks:\n%s-- whole:\n%s", name, pass ? "known" : "unknown",
			    text[pass], text[pass + 1]);
			abort();
		}
	}
	for (int pass = 0; pass < 4; pass++) {
		free(text[pass]);
		free(before[pass]);
	}
}

#endif
