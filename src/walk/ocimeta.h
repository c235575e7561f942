/* SPDX-License-Identifier: Apache-2.0 */
/* ocimeta.h: a model layer's org.cncf.model.file.metadata+json annotation against the layer. */
#ifndef MV_WALK_OCIMETA_H
#define MV_WALK_OCIMETA_H

#include <stddef.h>
#include <jansson.h>

struct mv_item;

/* Layer k's descriptor desc (its annotations read from it), the file path its filepath
 * annotation gives (or NULL), and whether the layer is one file stored as it is (its size is
 * the file's): the annotation, when there is one, must be a JSON object whose fields have
 * their types and agree with the layer; a mode with the setuid or setgid bit is a finding of
 * its own, since the packager's unpacker applies it. Findings go on at. */
void mv_ocimeta_check(struct mv_item *at, size_t k, json_t *desc, const char *path,
    int one_raw_file);

#endif
