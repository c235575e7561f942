/* SPDX-License-Identifier: Apache-2.0 */
/* polyglot.c: a file of another format whose first bytes are also a pickle. pickle.load runs
 * any file from byte 0 whatever it is (and joblib.load, pandas.read_pickle and
 * numpy.load(allow_pickle=True) fall back to it); torch.load takes every file that does not
 * begin with a zip local header for its legacy format and unpickles it from byte 0, so data in
 * front of a PyTorch zip runs before the zip is looked at. Such a file is analysed as the
 * pickle it also is, beside the analysis of its own format. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/formats.h"
#include "scan/pickle.h"
#include "scan/pickle_an.h"

struct poly {
	const struct mv_actx *a;
	struct mv_pickle *m;
};

/* The loaders that would read the entry from byte 0 as a pickle, for the finding. */
static const char *
readers(const struct mv_actx *a)
{
	if (a->format == MV_FMT_ZIP)
		return "torch.load (which reads a zip only when it begins with a local header), "
		    "pickle.load and joblib.load";
	return "pickle.load, joblib.load, pandas.read_pickle and numpy.load(allow_pickle=True)";
}

static int
poly_claim(const struct mv_actx *a)
{
	int final = a->size != UINT64_MAX && a->size <= a->headlen;

	/* Plain pickles and unrecognised bytes are the pickle analyser's. A zip that begins with
	 * its local header is read as a zip by torch.load, and its first opcode (PERSID) stops
	 * pickle.load before anything runs. */
	if (a->format == MV_FMT_PICKLE || a->format == MV_FMT_UNKNOWN || a->headlen < 2 ||
	    (a->headlen >= 4 && memcmp(a->head, "PK\003\004", 4) == 0))
		return 0;
	return mv_pickle_sniff(a->head, a->headlen, final) == 1;
}

static void *
poly_begin(const struct mv_actx *a)
{
	struct poly *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->a = a;
	s->m = mv_pickle_for(a, MV_PICKLE_PLAIN, 0, -1, "pickle at the start of the file");
	if (s->m)
		mv_pickle_sniffed(s->m);
	mv_findings_add(a->findings, MV_R_PICKLE_POLYGLOT, a->path, 0,
	    "a %s file whose first bytes are also a pickle, which %s run: analysed as both",
	    mv_format_name(a->format), readers(a));
	return s;
}

static mv_status
poly_feed(void *state, const unsigned char *p, size_t n)
{
	struct poly *s = state;

	if (s->m == NULL)
		return MV_ERR_LIMIT;
	mv_pickle_feed(s->m, p, n);
	return MV_OK;
}

static void
poly_end(void *state, int complete)
{
	struct poly *s = state;

	if (s->m)
		mv_pickle_end(s->m, complete);
}

static void
poly_free(void *state)
{
	struct poly *s = state;

	mv_pickle_free(s->m);
	free(s);
}

const struct mv_analyser mv_analyser_polyglot = {
	.name = "pickle-polyglot",
	.claim = poly_claim,
	.begin = poly_begin,
	.feed = poly_feed,
	.end = poly_end,
	.free = poly_free,
};
