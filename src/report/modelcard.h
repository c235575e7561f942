/* SPDX-License-Identifier: Apache-2.0 */
/* modelcard.h: the fields of a Hugging Face model card (README.md YAML front matter) that
 * an ML-BOM carries. */
#ifndef MV_REPORT_MODELCARD_H
#define MV_REPORT_MODELCARD_H

#include <stddef.h>
#include "mavis.h"

/* Front matter larger than this is not read. */
#define MV_MODELCARD_MAX (256u << 10)
/* Items kept from one list field. */
#define MV_MODELCARD_ITEMS 256

struct mv_strlist {
	char **v;
	size_t n, cap;
};

struct mv_modelcard {
	char *model_name;        /* model_name, else model-index[0].name */
	char *license;
	char *license_name;
	char *pipeline_tag;
	char *library_name;
	struct mv_strlist base_model;
	struct mv_strlist datasets;
	struct mv_strlist tags;
	struct mv_strlist language;
	struct mv_strlist metrics;
};

/* Parse the front matter at the very start of text ("---" line, YAML, "---" line). *out is
 * NULL when the text has none. Malformed YAML is MV_ERR_FORMAT with a reason in err. */
mv_status mv_modelcard_parse(const char *text, size_t n, struct mv_modelcard **out,
    char *err, size_t errlen);
void mv_modelcard_free(struct mv_modelcard *card);

#endif
