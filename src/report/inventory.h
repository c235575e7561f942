/* SPDX-License-Identifier: Apache-2.0 */
/* inventory.h: the JSON form of a run's entries and findings, shared by every JSON writer. */
#ifndef MV_REPORT_INVENTORY_H
#define MV_REPORT_INVENTORY_H

#include <jansson.h>
#include "mavis.h"

/* Version of the JSON schema (mavis-json(5)); bumped on incompatible change. */
#define MV_JSON_SCHEMA_VERSION 1

/* A JSON string from arbitrary bytes: as is when valid UTF-8, else escaped (\xNN). */
json_t *mv_json_bytes(const char *s);
json_t *mv_json_finding(const struct mv_finding *f);

/* Where an input came from (mv_result_source) as an object of its known fields, with the
 * repository's page at the commit as "url"; and that page alone (new string, or NULL). */
json_t *mv_json_source(const struct mv_source *s);
char *mv_source_url(const struct mv_source *s);
/* An attestation's provenance record (mavis-json(5), "provenance"). */
json_t *mv_json_provenance(const struct mv_provenance *p);

struct mv_jw;
/* One entry of the inventory as an object, and the member "entries" with every entry of
 * the run: streamed, since a package may hold a million. */
void mv_jw_entry(struct mv_jw *w, const struct mv_entry *e);
/* Open a document: mavis, schema_version, kind, the signatures folder (sig, taken, when not
 * NULL) and the inputs. */
void mv_jw_head(struct mv_jw *w, const char *kind, const struct mv_result *res, json_t *sig);
void mv_jw_entries(struct mv_jw *w, const struct mv_result *res);

#endif
