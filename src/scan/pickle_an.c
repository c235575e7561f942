/* SPDX-License-Identifier: Apache-2.0 */
/* pickle_an.c: the analyser for pickle files and the pickles of PyTorch checkpoints (the
 * members of a torch.save zip, the old tar format, legacy files), recognised by content
 * and, inside archives, by the member names PyTorch reads. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/formats.h"
#include "scan/pickle.h"
#include "scan/pickle_an.h"

struct pan {
	const struct mv_actx *a;
	struct mv_pickle *m;
};

static int
base_is(const struct mv_actx *a, const char *s)
{
	return strcmp(mv_actx_base(a), s) == 0;
}

/* <prefix>/data.pkl, <prefix>/constants.pkl, *.debug_pkl in a zip: what torch.load and
 * torch.jit.load unpickle, whatever the top folder is called. */
static int
torch_member(const struct mv_actx *a)
{
	const char *b = mv_actx_base(a);

	if (a->parent != MV_FMT_ZIP || a->name == NULL || b == a->name)
		return 0;
	return base_is(a, "data.pkl") || base_is(a, "constants.pkl") ||
	    mv_actx_suffix(a, ".debug_pkl");
}

/* <prefix>/data/<key> in a zip: raw tensor bytes, which may begin like a pickle by chance. */
static int
torch_storage(const struct mv_actx *a)
{
	const char *n = a->name, *d;

	if (a->parent != MV_FMT_ZIP || n == NULL)
		return 0;
	if ((n = strrchr(n, '!')) == NULL)
		n = a->name;
	d = strstr(n, "/data/");
	return d != NULL && strchr(d + 6, '/') == NULL && d[6] != '\0';
}

static enum mv_pickle_profile
tar_profile(const struct mv_actx *a)
{
	if (a->parent != MV_FMT_TAR || a->name == NULL || strchr(a->name, '/') != NULL)
		return MV_PICKLE_PLAIN;
	if (strcmp(a->name, "storages") == 0)
		return MV_PICKLE_TORCH_TAR_STORAGES;
	if (strcmp(a->name, "tensors") == 0)
		return MV_PICKLE_TORCH_TAR_TENSORS;
	if (strcmp(a->name, "pickle") == 0 || strcmp(a->name, "sys_info") == 0)
		return MV_PICKLE_TORCH_TAR;
	return MV_PICKLE_PLAIN;
}

static int
pk_claim(const struct mv_actx *a)
{
	int final = a->size != UINT64_MAX && a->size <= a->headlen;

	if (torch_storage(a))
		return 0;
	if (torch_member(a) || a->format == MV_FMT_PICKLE)
		return 1;
	/* Protocols 0 and 1 have no header: parse a few opcodes before calling it a pickle. */
	return a->format == MV_FMT_UNKNOWN && a->headlen > 0 &&
	    mv_pickle_sniff(a->head, a->headlen, final) == 1;
}

struct mv_pickle *
mv_pickle_for(const struct mv_actx *a, enum mv_pickle_profile profile, uint64_t base,
    int64_t offset, const char *what)
{
	const struct mv_pypolicy *pol;
	struct mv_pickle_opts o;
	struct mv_pickle *m;
	char err[512];

	if (mv_pypolicy_get(a->sigdir, &pol, err, sizeof(err)) != MV_OK) {
		mv_findings_add(a->findings, MV_R_ANALYSIS_INCOMPLETE, a->path, offset,
		    "%s not analysed: %s", what, err);
		return NULL;
	}
	memset(&o, 0, sizeof(o));
	o.policy = pol;
	o.limit = a->limit;
	o.findings = a->findings;
	o.path = a->path;
	o.profile = profile;
	o.base = base;
	o.summary = 1;
	if ((m = mv_pickle_new(&o)) == NULL)
		mv_findings_add(a->findings, MV_R_ANALYSIS_INCOMPLETE, a->path, offset,
		    "%s not analysed: out of memory", what);
	return m;
}

static void *
pk_begin(const struct mv_actx *a)
{
	struct pan *s = calloc(1, sizeof(*s));
	enum mv_pickle_profile prof = torch_member(a) ? MV_PICKLE_TORCH : tar_profile(a);

	if (s == NULL)
		return NULL;
	s->a = a;
	s->m = mv_pickle_for(a, prof, 0, -1, "pickle");
	if (s->m && !torch_member(a) && prof == MV_PICKLE_PLAIN)
		mv_pickle_sniffed(s->m);
	if (s->m && base_is(a, "constants.pkl"))
		mv_findings_add(a->findings, MV_R_TORCH_TORCHSCRIPT_CODE, a->path, -1,
		    "a TorchScript archive: torch.load hands it to torch.jit.load, which compiles "
		    "and runs its code/ members");
	return s;
}

static mv_status
pk_feed(void *state, const unsigned char *p, size_t n)
{
	struct pan *s = state;

	if (s->m == NULL)
		return MV_ERR_LIMIT;
	mv_pickle_feed(s->m, p, n);
	return MV_OK;
}

static void
pk_end(void *state, int complete)
{
	struct pan *s = state;

	if (s->m)
		mv_pickle_end(s->m, complete);
}

static void
pk_free(void *state)
{
	struct pan *s = state;

	mv_pickle_free(s->m);
	free(s);
}

const struct mv_analyser mv_analyser_pickle = {
	.name = "pickle",
	.claim = pk_claim,
	.begin = pk_begin,
	.feed = pk_feed,
	.end = pk_end,
	.free = pk_free,
};
