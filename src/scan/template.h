/* SPDX-License-Identifier: Apache-2.0 */
/* template.h: static checks of Jinja chat templates for sandbox escapes, without rendering. */
#ifndef MV_SCAN_TEMPLATE_H
#define MV_SCAN_TEMPLATE_H

#include <stddef.h>
#include <stdint.h>
#include "scan/analyse.h"

/*
 * Check one chat template's text and report through rep. label says where it came from
 * ("tokenizer.chat_template", "chat_template[tool_use]"); offset is where the text starts in
 * the entry, or -1. An info finding records the template's SHA-256 for provenance.
 */
void mv_template_check(struct mv_report *rep, const char *label, const unsigned char *text,
    size_t n, int64_t offset);

#endif
