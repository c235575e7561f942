/* SPDX-License-Identifier: Apache-2.0 */
/* report.h: the writers behind mv_report_write, one per format, and what they share. */
#ifndef MV_REPORT_REPORT_H
#define MV_REPORT_REPORT_H

#include <stdio.h>
#include <jansson.h>
#include "mavis.h"

mv_status mv_report_text(struct mv_ctx *ctx, const struct mv_judgement *j, unsigned flags,
    FILE *out);
mv_status mv_report_json(struct mv_ctx *ctx, const struct mv_judgement *j, FILE *out);
mv_status mv_report_sarif(struct mv_ctx *ctx, const struct mv_judgement *j, FILE *out);
mv_status mv_report_cyclonedx(struct mv_ctx *ctx, const struct mv_judgement *j, FILE *out);

/* Counts of unsuppressed findings by severity (index enum mv_severity). */
void mv_report_counts(const struct mv_judgement *j, size_t counts[MV_SEV_CRITICAL + 1]);
/* Counts of provisions by state, over those a scan can evidence (scan yes or partial). */
void mv_report_map_counts(const struct mv_judgement *j, size_t *met, size_t *not_met,
    size_t *not_evidenced, size_t *not_scannable);
/* Files (and archive members) with content, and their total size. */
void mv_report_file_totals(const struct mv_result *res, size_t *files, uint64_t *bytes);
/* The severity as the GitHub code-scanning "security-severity" score. */
const char *mv_report_security_severity(enum mv_severity sev);
/* "etsi-en-304-223:5.2.3-1" style tags of a rule, as a JSON array of strings. */
json_t *mv_report_rule_tags(const struct mv_rule_info *ri);

/* The verdict, the signatures and the principle mapping as JSON (the json report's members,
 * and properties of the others). */
json_t *mv_json_verdict(const struct mv_judgement *j);
json_t *mv_json_verification(const struct mv_judgement *j);
json_t *mv_json_principles(const struct mv_judgement *j);

#endif
