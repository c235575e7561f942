/* SPDX-License-Identifier: Apache-2.0 */
/* ocidesc.h: the OCI descriptor facts both the layout reader (walk/oci.c) and the registry
 * client (net/) go by: digests that can name a blob, which media types are documents. */
#ifndef MV_CORE_OCIDESC_H
#define MV_CORE_OCIDESC_H

#include <stddef.h>

/* The distribution spec lets registries refuse manifests above 4 MiB; no client reads more,
 * so a larger "manifest" is not one. */
#define MV_OCI_JSON_MAX (4u << 20)

/* A digest of a registered algorithm with its fixed-length lowercase hex (sha256, sha512):
 * 1 with the algorithm in alg and *hex pointing into d, else 0. Nothing else can name a blob,
 * and a '/' or '..' in one would name a path outside blobs/. */
int mv_oci_digest_split(const char *d, char *alg, size_t alglen, const char **hex);
/* An image index or Docker manifest list; an image manifest (OCI or Docker v2). */
int mv_oci_is_index(const char *media_type);
int mv_oci_is_manifest(const char *media_type);

#endif
