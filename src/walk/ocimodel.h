/* SPDX-License-Identifier: Apache-2.0 */
/* ocimodel.h: OCI model artifacts (CNCF ModelPack, KitOps ModelKits, Docker model artifacts):
 * what their manifests and configs promise about each layer, checked once from the documents
 * (walk/ocimodel.c) and once more on the layer's own bytes as they are read
 * (walk/ocilayer.c), for a layout on disk and a registry's pull alike. Not installed. */
#ifndef MV_WALK_OCIMODEL_H
#define MV_WALK_OCIMODEL_H

#include <stddef.h>

#include <jansson.h>

#include "core/finding.h"
#include "core/format.h"

struct mv_item;
struct mv_task;

/* How a layer's bytes are laid out, as its media type says. */
enum mv_oci_enc {
	MV_OCI_ENC_ANY = 0,              /* the type says nothing about it */
	MV_OCI_ENC_RAW,                  /* the file itself */
	MV_OCI_ENC_TAR,
	MV_OCI_ENC_GZIP,                 /* a tar compressed with gzip */
	MV_OCI_ENC_ZSTD                  /* a tar compressed with zstd */
};

/* What one manifest says about one of its layers (a blob may be the layer of several). */
struct mv_oci_claim {
	char *media_type;
	char *where;                     /* "layer N of MANIFEST", for the findings */
	enum mv_oci_enc enc;
	enum mv_format want;             /* the format the type names; MV_FMT_UNKNOWN: any */
	int no_pickle;                   /* the model's config names a format that is no pickle */
	char *diffid;                    /* ALG:HEX of the uncompressed bytes, to compare as they
	                                  * are read; NULL when compared already or none given */
};

struct mv_oci_claims {
	struct mv_oci_claim *v;
	size_t n, cap;
};

void mv_oci_claims_free(struct mv_oci_claims *c);

/* A finding of the layout reader or the model checks on item at's walk list (walk/oci.c). */
void mv_oci_report(struct mv_item *at, enum mv_rule r, const char *fmt, ...) MV_PRINTF(3, 4);

/* The model checks of one image manifest doc held by item manifest: its kind from the
 * artifactType and config media type, every model media type known, the file paths of the
 * layers' annotations, the config's DiffIDs against the layers. config is the config's JSON
 * object when the manifest is a model's and it could be read (else NULL), config_item its
 * blob; layers[k] the blob of layer k or NULL when the layout lacks it. Findings go on the
 * items; claims on the layers for their read. */
void mv_ocimodel_check(struct mv_item *manifest, json_t *doc, struct mv_item *config_item,
    json_t *config, struct mv_item **layers, size_t nlayers);
/* Does the manifest's config hold a model's config that the checks read (JSON)? */
int mv_ocimodel_wants_config(json_t *doc);

/* A layer's bytes on their way to the walk: decompressed and hashed for its claims. */
struct mv_ocilayer;
/* NULL when the item carries no claim that needs its bytes (or out of memory, said on t). */
struct mv_ocilayer *mv_ocilayer_begin(struct mv_task *t);
void mv_ocilayer_feed(struct mv_ocilayer *l, const unsigned char *p, size_t n);
/* After the read: the claims checked against what was read (when it was read whole, and the
 * item's format known); frees l. Also called with l NULL for claims needing no bytes. */
void mv_ocilayer_end(struct mv_ocilayer *l, struct mv_task *t);

#endif
