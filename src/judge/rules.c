/* SPDX-License-Identifier: Apache-2.0 */
/* rules.c: load rules.tsv and principles.tsv from the signatures folder and check every row. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/ctx.h"
#include "core/sha256.h"
#include "core/str.h"
#include "judge/judge.h"

/* ETSI TS 104 223 clause 5: the 13 principles, each with its clause and lifecycle phase. */
static const struct mv_principle principles[MV_PRINCIPLE_COUNT] = {
	{1, "5.1.1", "secure-design", "Raise awareness of AI security threats and risks"},
	{2, "5.1.2", "secure-design",
	    "Design the AI system for security as well as functionality and performance"},
	{3, "5.1.3", "secure-design", "Evaluate the threats and manage the risks to the AI system"},
	{4, "5.1.4", "secure-design", "Enable human responsibility for AI systems"},
	{5, "5.2.1", "secure-development", "Identify, track and protect the assets"},
	{6, "5.2.2", "secure-development", "Secure the infrastructure"},
	{7, "5.2.3", "secure-development", "Secure the supply chain"},
	{8, "5.2.4", "secure-development", "Document data, models and prompts"},
	{9, "5.2.5", "secure-development", "Conduct appropriate testing and evaluation"},
	{10, "5.3.1", "secure-deployment",
	    "Communication and processes associated with end-users and affected entities"},
	{11, "5.4.1", "secure-maintenance",
	    "Maintain regular security updates, patches and mitigations"},
	{12, "5.4.2", "secure-maintenance", "Monitor the system's behaviour"},
	{13, "5.5.1", "secure-end-of-life", "Ensure proper data and model disposal"},
};

/* The standard has 72 provisions; a table with another count is not the standard's. */
#define MV_PROVISION_COUNT 72

static const char *const rules_header[] = {"id", "severity", "title", "remediation", "etsi",
    "atlas", "owasp"};
static const char *const prov_header[] = {"etsi", "uk", "principle", "phase", "norm", "scan",
    "title", "evidence"};
#define NRF (sizeof(rules_header) / sizeof(rules_header[0]))
#define NPF (sizeof(prov_header) / sizeof(prov_header[0]))

const struct mv_principle *
mv_principle_get(unsigned number)
{
	return number >= 1 && number <= MV_PRINCIPLE_COUNT ? &principles[number - 1] : NULL;
}

const char *
mv_scannable_name(enum mv_scannable s)
{
	switch (s) {
	case MV_SCAN_NO: return "no";
	case MV_SCAN_PARTIAL: return "partial";
	case MV_SCAN_YES: return "yes";
	}
	return "no";
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits, then optionally "." and digits: "3" or "1.2". */
static int
is_sub(const char *s)
{
	if (!is_digit(*s) || *s == '0')
		return 0;
	while (is_digit(*s))
		s++;
	if (*s == '\0')
		return 1;
	if (*s++ != '.' || !is_digit(*s) || *s == '0')
		return 0;
	while (is_digit(*s))
		s++;
	return *s == '\0';
}

/* "5.2.4-1.2": a principle's clause, "-", then the provision's number. */
static const struct mv_principle *
etsi_principle(const char *id, const char **sub)
{
	const char *dash = strchr(id, '-');

	if (dash == NULL || !is_sub(dash + 1))
		return NULL;
	for (unsigned i = 0; i < MV_PRINCIPLE_COUNT; i++) {
		size_t n = strlen(principles[i].clause);

		if ((size_t)(dash - id) == n && strncmp(id, principles[i].clause, n) == 0) {
			*sub = dash + 1;
			return &principles[i];
		}
	}
	return NULL;
}

static int
valid_rule_id(const char *s)
{
	int dots = 0;

	if (!((*s >= 'a' && *s <= 'z') || is_digit(*s)))
		return 0;
	for (; *s; s++) {
		if (*s == '.') {
			if (s[1] == '\0' || s[1] == '.')
				return 0;
			dots++;
		} else if (!((*s >= 'a' && *s <= 'z') || is_digit(*s) || *s == '-' || *s == '_')) {
			return 0;
		}
	}
	return dots > 0;
}

/* "AML.T0011" or "AML.T0011.000". */
static int
valid_atlas(const char *s)
{
	if (strncmp(s, "AML.T", 5) != 0)
		return 0;
	s += 5;
	for (int i = 0; i < 4; i++)
		if (!is_digit(*s++))
			return 0;
	if (*s == '\0')
		return 1;
	if (*s++ != '.')
		return 0;
	for (int i = 0; i < 3; i++)
		if (!is_digit(*s++))
			return 0;
	return *s == '\0';
}

/* "LLM04:2026": the id with the edition of the list it belongs to. */
static int
valid_owasp(const char *s)
{
	return strlen(s) == 10 && strncmp(s, "LLM", 3) == 0 && is_digit(s[3]) && is_digit(s[4]) &&
	    s[5] == ':' && s[6] == '2' && s[7] == '0' && is_digit(s[8]) && is_digit(s[9]);
}

static int
field_ok(const char *s)
{
	/* Cells are one line of text with no space at either end. */
	size_t n = strlen(s);

	return n > 0 && s[0] != ' ' && s[n - 1] != ' ';
}

/* Split a list cell ("a, b, c", or "-" for none) in place. */
static mv_status
split_list(char *cell, char ***out, size_t *n)
{
	size_t k = 1;
	char **v;

	*out = NULL;
	*n = 0;
	if (strcmp(cell, "-") == 0)
		return MV_OK;
	for (const char *p = cell; (p = strstr(p, ", ")) != NULL; p += 2)
		k++;
	if ((v = calloc(k, sizeof(*v))) == NULL)
		return MV_ERR_NOMEM;
	k = 0;
	for (char *p = cell;;) {
		char *sep = strstr(p, ", ");

		v[k++] = p;
		if (sep == NULL)
			break;
		*sep = '\0';
		p = sep + 2;
	}
	*out = v;
	*n = k;
	return MV_OK;
}

static int
check_header(struct mv_ctx *ctx, struct mv_tsv *t, char **f, size_t nf,
    const char *const *want, size_t nwant)
{
	if (nf != nwant)
		goto bad;
	for (size_t i = 0; i < nwant; i++)
		if (strcmp(f[i], want[i]) != 0)
			goto bad;
	return 0;
bad:
	mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: the header must be the %zu column names %s, %s, "
	    "... separated by tabs", t->file, t->line, nwant, want[0], want[1]);
	return -1;
}

static mv_status
load_provisions(struct mv_ctx *ctx, struct mv_rules *r, const char *path)
{
	char *f[NPF];
	size_t nf;
	mv_status st;
	struct mv_tsv *t = &r->ptab;

	if ((st = mv_tsv_open(ctx, t, path)) != MV_OK)
		return st;
	if (!mv_tsv_next(t, f, NPF, &nf))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: empty table", path);
	if (check_header(ctx, t, f, nf, prov_header, NPF) != 0)
		return MV_ERR_FORMAT;
	if ((r->prov = calloc(MV_PROVISION_COUNT, sizeof(*r->prov))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	while (mv_tsv_next(t, f, NPF, &nf)) {
		struct mv_provision *p;
		const struct mv_principle *pr;
		const char *sub = NULL;
		char want[32];

		if (nf != NPF)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: %zu columns, expected %zu",
			    path, t->line, nf, NPF);
		for (size_t i = 0; i < NPF; i++)
			if (!field_ok(f[i]))
				return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: column %s is empty "
				    "or has spaces at an end", path, t->line, prov_header[i]);
		if ((pr = etsi_principle(f[0], &sub)) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: '%s' is not an ETSI "
			    "provision id such as 5.2.3-1", path, t->line, f[0]);
		if (r->nprov == MV_PROVISION_COUNT)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: more than %d provisions",
			    path, t->line, MV_PROVISION_COUNT);
		for (size_t i = 0; i < r->nprov; i++)
			if (strcmp(r->prov[i].etsi, f[0]) == 0)
				return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: provision %s listed "
				    "twice", path, t->line, f[0]);
		snprintf(want, sizeof(want), "%u.%s", pr->number, sub);
		if (strcmp(f[1], want) != 0)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: UK number of %s is %s, "
			    "not %s", path, t->line, f[0], want, f[1]);
		snprintf(want, sizeof(want), "%u", pr->number);
		if (strcmp(f[2], want) != 0)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: %s belongs to principle %s, "
			    "not %s", path, t->line, f[0], want, f[2]);
		if (strcmp(f[3], pr->phase) != 0)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: principle %u is in phase %s, "
			    "not %s", path, t->line, pr->number, pr->phase, f[3]);
		if (strcmp(f[4], "shall") != 0 && strcmp(f[4], "should") != 0 &&
		    strcmp(f[4], "shall+should") != 0)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: norm '%s' is not shall, "
			    "should or shall+should", path, t->line, f[4]);
		p = &r->prov[r->nprov];
		if (strcmp(f[5], "yes") == 0)
			p->scan = MV_SCAN_YES;
		else if (strcmp(f[5], "partial") == 0)
			p->scan = MV_SCAN_PARTIAL;
		else if (strcmp(f[5], "no") == 0)
			p->scan = MV_SCAN_NO;
		else
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: scan '%s' is not yes, "
			    "partial or no", path, t->line, f[5]);
		p->etsi = f[0];
		p->uk = f[1];
		p->principle = pr->number;
		p->phase = pr->phase;
		p->norm = f[4];
		p->title = f[6];
		p->evidence = f[7];
		r->nprov++;
	}
	if (r->nprov != MV_PROVISION_COUNT)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: %zu provisions; ETSI TS 104 223 has %d",
		    path, r->nprov, MV_PROVISION_COUNT);
	return MV_OK;
}

static int
cmp_byid(const void *a, const void *b)
{
	return strcmp((*(const struct mv_rule_info *const *)a)->id,
	    (*(const struct mv_rule_info *const *)b)->id);
}

/* One "5.2.3-1 (7.1)" item: the ETSI id with the UK number in brackets. */
static const struct mv_provision *
parse_prov_item(struct mv_rules *r, char *item, const char **err)
{
	char *open = strstr(item, " ("), *close;
	const struct mv_provision *p;

	*err = "is not written ETSI-ID (UK-NUMBER), e.g. 5.2.3-1 (7.1)";
	if (open == NULL || (close = strchr(open, ')')) == NULL || close[1] != '\0')
		return NULL;
	*open = '\0';
	*close = '\0';
	if ((p = mv_provision_find(r, item)) == NULL) {
		*err = "names no provision of principles.tsv";
		return NULL;
	}
	if (strcmp(p->uk, open + 2) != 0) {
		*err = "has the wrong UK number";
		return NULL;
	}
	return p;
}

static mv_status
load_rules(struct mv_ctx *ctx, struct mv_rules *r, const char *path)
{
	char *f[NRF];
	size_t nf, cap = 0;
	mv_status st;
	struct mv_tsv *t = &r->rtab;

	if ((st = mv_tsv_open(ctx, t, path)) != MV_OK)
		return st;
	if (!mv_tsv_next(t, f, NRF, &nf))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: empty table", path);
	if (check_header(ctx, t, f, nf, rules_header, NRF) != 0)
		return MV_ERR_FORMAT;
	while (mv_tsv_next(t, f, NRF, &nf)) {
		struct mv_rule_info *ri;
		char **items;
		size_t nitems;
		const char *err;

		if (nf != NRF)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: %zu columns, expected %zu",
			    path, t->line, nf, NRF);
		for (size_t i = 0; i < NRF; i++)
			if (!field_ok(f[i]))
				return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: column %s is empty "
				    "or has spaces at an end", path, t->line, rules_header[i]);
		if (!valid_rule_id(f[0]))
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: '%s' is not a rule id "
			    "(lowercase dotted words)", path, t->line, f[0]);
		if (MV_ARRAY_RESERVE(r->rule, cap, r->nrule + 1, SIZE_MAX) != 0)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		ri = &r->rule[r->nrule++];
		ri->id = f[0];
		if (mv_severity_parse(f[1], &ri->severity) != MV_OK)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: severity '%s' is not info, "
			    "low, medium, high or critical", path, t->line, f[1]);
		ri->title = f[2];
		ri->remediation = f[3];
		if (split_list(f[4], &items, &nitems) != MV_OK)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		if (nitems) {
			const struct mv_provision **pv = calloc(nitems, sizeof(*pv));

			if (pv == NULL) {
				free(items);
				return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			}
			ri->provisions = pv;
			ri->nprovisions = nitems;
			for (size_t i = 0; i < nitems; i++) {
				if ((pv[i] = parse_prov_item(r, items[i], &err)) != NULL)
					continue;
				mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: etsi item '%s' %s", path,
				    t->line, items[i], err);
				free(items);
				return MV_ERR_FORMAT;
			}
			free(items);
		}
		if (split_list(f[5], &items, &nitems) != MV_OK)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		ri->atlas = (const char *const *)items;
		ri->natlas = nitems;
		for (size_t i = 0; i < nitems; i++)
			if (!valid_atlas(items[i]))
				return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: '%s' is not a MITRE "
				    "ATLAS technique id such as AML.T0011.000", path, t->line, items[i]);
		if (split_list(f[6], &items, &nitems) != MV_OK)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		ri->owasp = (const char *const *)items;
		ri->nowasp = nitems;
		for (size_t i = 0; i < nitems; i++)
			if (!valid_owasp(items[i]))
				return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: '%s' is not an OWASP "
				    "LLM Top 10 id with its edition, such as LLM04:2026", path, t->line,
				    items[i]);
	}
	if ((r->byid = calloc(r->nrule ? r->nrule : 1, sizeof(*r->byid))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < r->nrule; i++)
		r->byid[i] = &r->rule[i];
	qsort(r->byid, r->nrule, sizeof(*r->byid), cmp_byid);
	for (size_t i = 1; i < r->nrule; i++)
		if (strcmp(r->byid[i - 1]->id, r->byid[i]->id) == 0)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: rule %s listed twice", path,
			    r->byid[i]->id);
	/* Every rule this build can report needs its row: a report must never name a rule it
	 * cannot explain. Rows for rules a newer mavis reports are accepted. */
	for (int i = 0; i < MV_R__COUNT; i++)
		if (mv_rules_find(r, mv_rule_id((enum mv_rule)i)) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: no row for rule %s, which this "
			    "mavis reports (the signatures folder is older than the program)", path,
			    mv_rule_id((enum mv_rule)i));
	return MV_OK;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static mv_status
file_sha256(const char *path, char *hex)
{
	struct mv_digest d = {.alg = MV_HASH_SHA256, .len = 32};
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	mv_status st;

	if (fd < 0)
		return MV_ERR_IO;
	if ((st = mv_sha256_fd(fd, d.value)) == MV_OK)
		mv_digest_hex(&d, hex);
	close(fd);
	return st;
}

/* The folder's digest: SHA-256 of its sha256sum-style listing, names in byte order. Only
 * the data files count (hidden files, sub-folders, and the build files of the source tree's
 * folder do not), so a folder digests the same in the source tree and installed. */
#define MV_SIGDIR_FILES 4096
static int
data_file(const char *name)
{
	static const char *const ext[] = {".tsv", ".txt", ".json", ".yaml", ".yml"};
	size_t n = strlen(name);

	if (name[0] == '.')
		return 0;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		size_t e = strlen(ext[i]);

		if (n > e && strcmp(name + n - e, ext[i]) == 0)
			return 1;
	}
	return 0;
}

static mv_status
folder_digest(struct mv_ctx *ctx, struct mv_rules *r)
{
	DIR *d = opendir(r->dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	struct mv_buf listing;
	unsigned char md[32];
	struct mv_digest dig = {.alg = MV_HASH_SHA256, .len = 32};
	mv_status st = MV_OK;

	mv_buf_init(&listing, (size_t)MV_SIGDIR_FILES * 512);
	if (d == NULL)
		return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", r->dir, strerror(errno));
	if ((names = calloc(MV_SIGDIR_FILES, sizeof(*names))) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	while ((de = readdir(d)) != NULL) {
		char *p;
		struct stat sb;

		if (!data_file(de->d_name))
			continue;
		if ((p = mv_path_join(r->dir, de->d_name)) == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
		if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
			free(p);
			continue;
		}
		free(p);
		if (n == MV_SIGDIR_FILES) {
			st = mv_ctx_fail(ctx, MV_ERR_LIMIT, "%s: more than %d files", r->dir,
			    MV_SIGDIR_FILES);
			goto done;
		}
		if ((names[n++] = mv_strdup(de->d_name)) == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
	}
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		char hex[2 * MV_DIGEST_MAX + 1], *p = mv_path_join(r->dir, names[i]);

		if (p == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
			goto done;
		}
		st = file_sha256(p, hex);
		free(p);
		if (st != MV_OK) {
			st = mv_ctx_fail(ctx, st, "%s/%s: cannot read", r->dir, names[i]);
			goto done;
		}
		if (mv_buf_printf(&listing, "%s  %s\n", hex, names[i]) != MV_OK) {
			st = mv_ctx_fail(ctx, MV_ERR_LIMIT, "%s: listing too long", r->dir);
			goto done;
		}
	}
	if (mv_sha256(listing.p ? (const void *)listing.p : "", listing.len, md) != MV_OK) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "SHA-256 is not available");
		goto done;
	}
	memcpy(dig.value, md, 32);
	mv_digest_hex(&dig, r->digest);
done:
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	mv_buf_free(&listing);
	closedir(d);
	return st;
}

mv_status
mv_rules_load(struct mv_ctx *ctx, struct mv_rules **out)
{
	struct mv_rules *r = calloc(1, sizeof(*r));
	char *ppath = NULL, *rpath = NULL;
	struct stat sb;
	unsigned char md[32];
	mv_status st;

	*out = NULL;
	if (r == NULL || (r->dir = mv_strdup(mv_ctx_signatures(ctx))) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (stat(r->dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		st = mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "%s: no signatures folder there (set one with "
		    "--signatures DIR or MAVIS_SIGNATURES)", r->dir);
		goto done;
	}
	if ((st = mv_sha256("", 0, md)) != MV_OK) {
		st = mv_ctx_fail(ctx, st, "OpenSSL provides no SHA-256");
		goto done;
	}
	if ((ppath = mv_path_join(r->dir, "principles.tsv")) == NULL ||
	    (rpath = mv_path_join(r->dir, "rules.tsv")) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = load_provisions(ctx, r, ppath)) != MV_OK ||
	    (st = load_rules(ctx, r, rpath)) != MV_OK ||
	    (st = folder_digest(ctx, r)) != MV_OK)
		goto done;
	/* The tables' own paths were only needed for messages while loading. */
	r->rtab.file = r->ptab.file = NULL;
	*out = r;
	r = NULL;
done:
	free(ppath);
	free(rpath);
	mv_rules_free(r);
	return st;
}

void
mv_rules_free(struct mv_rules *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->nrule; i++) {
		free(mv_unconst(r->rule[i].provisions));
		free(mv_unconst(r->rule[i].atlas));
		free(mv_unconst(r->rule[i].owasp));
	}
	free(r->rule);
	free(r->byid);
	free(r->prov);
	mv_tsv_close(&r->rtab);
	mv_tsv_close(&r->ptab);
	free(r->dir);
	free(r);
}

const char *
mv_rules_dir(const struct mv_rules *r)
{
	return r->dir;
}

const char *
mv_rules_digest(const struct mv_rules *r)
{
	return r->digest;
}

size_t
mv_rules_count(const struct mv_rules *r)
{
	return r->nrule;
}

const struct mv_rule_info *
mv_rules_get(const struct mv_rules *r, size_t i)
{
	return i < r->nrule ? &r->rule[i] : NULL;
}

const struct mv_rule_info *
mv_rules_find(const struct mv_rules *r, const char *id)
{
	size_t lo = 0, hi = r->nrule;

	if (r->byid == NULL)
		return NULL;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, r->byid[mid]->id);

		if (c == 0)
			return r->byid[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
mv_provision_count(const struct mv_rules *r)
{
	return r->nprov;
}

const struct mv_provision *
mv_provision_get(const struct mv_rules *r, size_t i)
{
	return i < r->nprov ? &r->prov[i] : NULL;
}

const struct mv_provision *
mv_provision_find(const struct mv_rules *r, const char *etsi)
{
	for (size_t i = 0; i < r->nprov; i++)
		if (strcmp(r->prov[i].etsi, etsi) == 0)
			return &r->prov[i];
	return NULL;
}
