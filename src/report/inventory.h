/* inventory.h: the JSON form of a run's entries and findings, shared by every JSON writer. */
#ifndef MV_REPORT_INVENTORY_H
#define MV_REPORT_INVENTORY_H

#include <jansson.h>
#include "mavis.h"

/* Version of the JSON schema (mavis-json(5)); bumped on incompatible change. */
#define MV_JSON_SCHEMA_VERSION 1

/* A JSON string from arbitrary bytes: as is when valid UTF-8, else escaped (\xNN). */
json_t *mv_json_bytes(const char *s);
json_t *mv_json_entry(const struct mv_entry *e);
json_t *mv_json_finding(const struct mv_finding *f);
/* {"inputs": [...], "entries": [...], "findings": [...], "incomplete": bool} */
json_t *mv_json_inventory(const struct mv_result *res);
/* Dump with a trailing newline; MV_ERR_IO when the stream fails. */
mv_status mv_json_dump(json_t *j, FILE *out);

#endif
