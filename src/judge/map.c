/* SPDX-License-Identifier: Apache-2.0 */
/* map.c: map a judged scan onto the provisions of ETSI TS 104 223: what the scan shows, what
 * its findings count against, and what no scan can show. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "judge/judge.h"

/* What the scan saw, gathered once for the evidence lines. */
struct facts {
	size_t files;          /* files and archive members with content */
	size_t hashed;         /* of those, with digests */
	size_t entries;
	const char *algs;      /* digest names of the first hashed file */
	int complete;
	size_t nsig, valid, unchecked, absent;
	const struct mv_sigsummary *first_valid;
	size_t resources;
};

typedef enum mv_mapstate (*producer_fn)(const struct mv_judgement *j, const struct facts *f,
    char **evidence);

static char *
signer_text(const struct facts *f)
{
	const struct mv_sigsummary *s = f->first_valid;
	/* The signer names its method ("key ECDSA P-256 ..."); the method alone is the
	 * fallback. */
	const char *who = s->signer ? s->signer : s->method;

	return mv_asprintf("%s%s%s%s", s->format ? s->format : "signature", who ? ", " : "",
	    who ? who : "", f->nsig > 1 ? "; the other inputs' signatures too" : "");
}

static int
all_valid(const struct facts *f)
{
	return f->nsig > 0 && f->valid == f->nsig;
}

/* Why a signature-based provision is not shown, when no finding says it is not met. */
static enum mv_mapstate
no_signature(const struct facts *f, char **ev)
{
	if (f->nsig == 0)
		*ev = mv_strdup("signatures were not looked for in this scan");
	else if (f->unchecked)
		*ev = mv_strdup("a signature is present but was not checked: no key or "
		    "certificate was given");
	else
		*ev = mv_strdup("no verified signature");
	return MV_MAP_NOT_EVIDENCED;
}

static enum mv_mapstate
p_inventory(const struct mv_judgement *j, const struct facts *f, char **ev)
{
	(void)j;
	if (f->hashed < f->files) {
		*ev = mv_asprintf("%zu of %zu files could not be hashed", f->files - f->hashed,
		    f->files);
		return MV_MAP_NOT_EVIDENCED;
	}
	*ev = mv_asprintf("all %zu files hashed (%s), archive members included, and listed "
	    "with their digests in this report", f->files, f->algs ? f->algs : "no digest");
	return MV_MAP_MET;
}

static enum mv_mapstate
p_authenticated(const struct mv_judgement *j, const struct facts *f, char **ev)
{
	char *who;

	(void)j;
	if (!all_valid(f))
		return no_signature(f, ev);
	if ((who = signer_text(f)) == NULL)
		return MV_MAP_NOT_EVIDENCED;
	*ev = mv_asprintf("signature verified (%s); all %zu signed files match it", who,
	    f->resources);
	free(who);
	return MV_MAP_MET;
}

static enum mv_mapstate
p_hashes_published(const struct mv_judgement *j, const struct facts *f, char **ev)
{
	(void)j;
	if (!all_valid(f))
		return no_signature(f, ev);
	*ev = mv_asprintf("the publisher's signed manifest gives a digest for each of the %zu "
	    "signed files, and every one matches", f->resources);
	return MV_MAP_MET;
}

static enum mv_mapstate
p_known_good(const struct mv_judgement *j, const struct facts *f, char **ev)
{
	(void)j;
	if (!all_valid(f))
		return no_signature(f, ev);
	*ev = mv_strdup("a signed manifest of this release exists and verifies, so a restored "
	    "copy can be checked bit for bit against it");
	return MV_MAP_MET;
}

static enum mv_mapstate
p_supply_chain(const struct mv_judgement *j, const struct facts *f, char **ev)
{
	char *who;

	(void)j;
	if (!f->complete) {
		*ev = mv_strdup("the analysis is incomplete");
		return MV_MAP_NOT_EVIDENCED;
	}
	if (!all_valid(f))
		return no_signature(f, ev);
	if ((who = signer_text(f)) == NULL)
		return MV_MAP_NOT_EVIDENCED;
	*ev = mv_asprintf("signature verified (%s), and all %zu entries analysed with no "
	    "finding against supply-chain practice", who, f->entries);
	free(who);
	return MV_MAP_MET;
}

static enum mv_mapstate
p_robust(const struct mv_judgement *j, const struct facts *f, char **ev)
{
	(void)j;
	if (!f->complete) {
		*ev = mv_strdup("the analysis is incomplete");
		return MV_MAP_NOT_EVIDENCED;
	}
	*ev = mv_asprintf("all %zu entries read to the end and analysed by content: no code "
	    "run on load, malformed structure or archive escape was found", f->entries);
	return MV_MAP_MET;
}

static enum mv_mapstate
p_tested(const struct mv_judgement *j, const struct facts *f, char **ev)
{
	if (!f->complete) {
		*ev = mv_strdup("the analysis is incomplete");
		return MV_MAP_NOT_EVIDENCED;
	}
	*ev = mv_asprintf("this report is a static security assessment of all %zu entries by "
	    "mavis %s with signatures folder sha256:%.16s", f->entries, mv_version(),
	    mv_rules_digest(j->rules));
	return MV_MAP_MET;
}

static enum mv_mapstate
p_reverified(const struct mv_judgement *j, const struct facts *f, char **ev)
{
	(void)j;
	if (!all_valid(f))
		return no_signature(f, ev);
	*ev = mv_asprintf("re-verified against the signed manifest: all %zu files unchanged",
	    f->resources);
	return MV_MAP_MET;
}

/* Provisions a scan can show positively, and how. The others are only ever not met (by
 * findings) or not evidenced. */
static const struct {
	const char *etsi;
	producer_fn fn;
} producers[] = {
	{"5.1.2-2", p_robust},
	{"5.2.1-1", p_inventory},
	{"5.2.1-2", p_authenticated},
	{"5.2.1-3.1", p_known_good},
	{"5.2.3-1", p_supply_chain},
	{"5.2.4-1.2", p_hashes_published},
	{"5.2.5-1", p_tested},
	{"5.4.2-4", p_reverified},
};

static void
gather(const struct mv_judgement *j, struct facts *f)
{
	const struct mv_result *res = j->res;

	memset(f, 0, sizeof(*f));
	f->entries = mv_result_entry_count(res);
	f->complete = !mv_result_incomplete(res);
	for (size_t i = 0; i < f->entries; i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->type != MV_ENTRY_FILE)
			continue;
		f->files++;
		if (e->ndigest || e->nshard) {
			f->hashed++;
			if (f->algs == NULL && e->ndigest)
				f->algs = mv_hash_name(e->digest[0].alg);
		}
	}
	f->nsig = j->nsig;
	for (size_t i = 0; i < j->nsig; i++) {
		switch (j->sig[i].state) {
		case MV_SIGSTATE_VALID:
			f->valid++;
			f->resources += j->sig[i].resources;
			if (f->first_valid == NULL)
				f->first_valid = &j->sig[i];
			break;
		case MV_SIGSTATE_UNCHECKED: f->unchecked++; break;
		case MV_SIGSTATE_ABSENT: f->absent++; break;
		default: break;
		}
	}
}

/* Findings count against a provision when they are not suppressed and not merely
 * informational. */
static int
counts_against(const struct mv_judged *d)
{
	return d->suppressed == NULL && d->severity >= MV_SEV_LOW && d->info != NULL;
}

mv_status
mv_judge_map(struct mv_judgement *j)
{
	const struct mv_rules *r = j->rules;
	size_t np = mv_provision_count(r), *count = NULL;
	struct facts f;
	mv_status st = MV_ERR_NOMEM;

	gather(j, &f);
	if ((j->map = calloc(np, sizeof(*j->map))) == NULL || (count = calloc(np, sizeof(*count)))
	    == NULL)
		goto done;
	j->nmap = np;
	for (size_t i = 0; i < np; i++)
		j->map[i].provision = mv_provision_get(r, i);
	for (size_t k = 0; k < j->nf; k++)
		if (counts_against(&j->f[k]))
			for (size_t p = 0; p < j->f[k].info->nprovisions; p++)
				count[j->f[k].info->provisions[p] - r->prov]++;
	for (size_t i = 0; i < np; i++) {
		struct mv_mapping *m = &j->map[i];
		char *ev = NULL;

		if (count[i]) {
			size_t *v = calloc(count[i], sizeof(*v));

			if (v == NULL)
				goto done;
			m->findings = v;
			for (size_t k = 0; k < j->nf; k++) {
				if (!counts_against(&j->f[k]))
					continue;
				for (size_t p = 0; p < j->f[k].info->nprovisions; p++)
					if (j->f[k].info->provisions[p] == m->provision)
						v[m->nfindings++] = k;
			}
			m->state = MV_MAP_NOT_MET;
			ev = mv_asprintf("%zu finding%s against it, the first %s at %s",
			    m->nfindings, m->nfindings == 1 ? "" : "s", j->f[v[0]].rule,
			    j->f[v[0]].path[0] ? j->f[v[0]].path : "(package)");
		} else if (m->provision->scan == MV_SCAN_NO) {
			m->state = MV_MAP_NOT_EVIDENCED;
			ev = mv_strdup("no scan of a package can show this (organisational, runtime "
			    "or behavioural)");
		} else {
			size_t k;

			for (k = 0; k < sizeof(producers) / sizeof(producers[0]); k++)
				if (strcmp(producers[k].etsi, m->provision->etsi) == 0)
					break;
			if (k < sizeof(producers) / sizeof(producers[0])) {
				m->state = producers[k].fn(j, &f, &ev);
			} else {
				m->state = MV_MAP_NOT_EVIDENCED;
				ev = mv_asprintf("not checked by this scan; evidence would be: %s",
				    m->provision->evidence);
			}
		}
		if ((m->evidence = mv_judge_keep(j, ev)) == NULL)
			goto done;
	}
	st = MV_OK;
done:
	free(count);
	return st;
}

int
mv_judge_producers_check(const struct mv_rules *r, const char **missing)
{
	for (size_t k = 0; k < sizeof(producers) / sizeof(producers[0]); k++)
		if (mv_provision_find(r, producers[k].etsi) == NULL) {
			*missing = producers[k].etsi;
			return 0;
		}
	return 1;
}
