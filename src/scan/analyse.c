/* analyse.c: the table of content analysers and the calls the walker makes into it. */
#include "config.h"

#include <string.h>

#include "scan/analyse.h"

/* Analysers in the order they are offered each entry. */
static const struct mv_analyser *const analysers[] = {
	NULL
};

int
mv_analysis_begin(struct mv_analysis *an, const struct mv_actx *a)
{
	memset(an, 0, sizeof(*an));
	an->actx = *a;
	for (size_t i = 0; analysers[i] != NULL; i++) {
		if (!analysers[i]->claim(&an->actx))
			continue;
		an->an = analysers[i];
		an->state = an->an->begin(&an->actx);
		if (an->state == NULL) {
			an->an = NULL;
			return 0;
		}
		return 1;
	}
	return 0;
}

void
mv_analysis_feed(struct mv_analysis *an, const unsigned char *p, size_t n)
{
	if (an->an == NULL || an->stopped)
		return;
	if (an->an->feed(an->state, p, n) != MV_OK)
		an->stopped = 1;
}

void
mv_analysis_end(struct mv_analysis *an, int complete)
{
	if (an->an == NULL)
		return;
	an->an->end(an->state, complete);
	an->an->free(an->state);
	an->an = NULL;
	an->state = NULL;
}
