/* SPDX-License-Identifier: Apache-2.0 */
/* judge.h: what the rules table, the policy and the judgement hold, for judge/ and report/. */
#ifndef MV_JUDGE_JUDGE_H
#define MV_JUDGE_JUDGE_H

#include "mavis.h"
#include "core/finding.h"
#include "judge/tsv.h"

struct mv_rules {
	char *dir;
	char digest[65];
	struct mv_tsv rtab, ptab;              /* the files; every string points into them */
	struct mv_provision *prov;
	size_t nprov;
	struct mv_rule_info *rule;             /* in file order */
	size_t nrule;
	const struct mv_rule_info **byid;      /* sorted by id */
};

enum mv_require {
	MV_REQUIRE_SIGNATURE = 0
};

struct mv_pol_severity {
	char *rule;                            /* an id or a glob over ids */
	enum mv_severity sev;
	size_t line;
};

struct mv_pol_suppress {
	char *rule;                            /* an id or a glob over ids */
	char *path;                            /* a glob over paths */
	char *reason;
	size_t line;
};

struct mv_pol_allow {
	char *name;                            /* MODULE.NAME, or MODULE.* */
	char *reason;                          /* what the judgement shows */
	size_t line;
};

struct mv_pol_forbid {
	char *format;
	size_t line;
};

struct mv_policy {
	const struct mv_rules *rules;
	char *file;                            /* NULL for the default policy */
	enum mv_severity fail_on;
	size_t fail_on_line;                   /* 0: not set by the file */
	struct mv_pol_severity *sev;
	size_t nsev, sevcap;
	struct mv_pol_suppress *sup;
	size_t nsup, supcap;
	struct mv_pol_forbid *forbid;
	size_t nforbid, forbidcap;
	struct mv_pol_allow *allow;            /* "allow global NAME" lines */
	size_t nallow, allowcap;
	size_t require_signature;              /* line of "require signature", or 0 */
	char **require_format;                 /* "require format NAME...": one of these */
	size_t nrequire_format;
	size_t require_format_line;
	char *trust_key;                       /* "trust key FILE", resolved, or NULL */
	char **trust_roots;                    /* "trust cert-chain FILE" lines, resolved */
	size_t ntrust_roots, trust_rootscap;
	char *trust_sigstore[3];               /* "trust sigstore ROOT IDENTITY ISSUER" */
};

struct mv_judgement {
	const struct mv_rules *rules;
	const struct mv_policy *pol;
	const struct mv_result *res;
	struct mv_result *owned;               /* res, when the judgement keeps it (mv_scan) */
	struct mv_findings own;                /* the policy's findings */
	struct mv_judged *f;
	size_t nf;
	size_t failing, suppressed;
	enum mv_outcome outcome;
	struct mv_sigsummary *sig;
	size_t nsig;
	struct mv_mapping *map;
	size_t nmap;
	char **strings;                        /* copies the judgement owns */
	size_t nstrings, capstrings;
};

/* The policy's severity for rule, or dflt; the reason of the first suppression that covers
 * the finding, or NULL. */
enum mv_severity mv_policy_severity(const struct mv_policy *pol, const char *rule,
    enum mv_severity dflt);
const char *mv_policy_suppression(const struct mv_policy *pol, const struct mv_result *res,
    const char *rule, const char *path);
/* The reason of the "allow global" line that allows the callable a finding names (the
 * policy line its evidence ends with, MV_ALLOW_GLOBAL), or NULL. */
const char *mv_policy_allowed_global(const struct mv_policy *pol, const char *rule,
    const char *evidence);

/* Fill j->map from j's findings and signatures. */
mv_status mv_judge_map(struct mv_judgement *j);
/* For the unit test: 1 when every provision the mapping can show as met is in the table,
 * else 0 with *missing set to the first that is not. */
int mv_judge_producers_check(const struct mv_rules *r, const char **missing);
/* Keep a copy of s for as long as the judgement lives. */
const char *mv_judge_keep(struct mv_judgement *j, char *s);

#endif
