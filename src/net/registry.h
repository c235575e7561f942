/* SPDX-License-Identifier: Apache-2.0 */
/* registry.h: the client of OCI registries (distribution spec) that oci:// inputs are read
 * through, and the parsers it rests on. Not installed. */
#ifndef MV_NET_REGISTRY_H
#define MV_NET_REGISTRY_H

#include <stddef.h>
#include "mavis.h"
#include "core/remote.h"

/* ---- ref.c ---- */

/* oci://HOST[:PORT]/REPO[:TAG|@ALG:HEX] (the distribution reference grammar). */
struct mv_oci_ref {
	char *host;                      /* HOST or HOST:PORT, [V6]:PORT */
	char *repo;                      /* path components, lowercase */
	char *tag;                       /* "latest" when neither tag nor digest is given */
	char *digest;                    /* sha256:HEX or sha512:HEX, or NULL */
	int loopback;                    /* localhost, 127.0.0.0/8, [::1] */
};

/* Does s start like an oci:// reference (whatever follows)? */
int mv_registry_is_uri(const char *s);
/* MV_OK with r filled, else MV_ERR_USAGE with the reason in err. */
mv_status mv_oci_ref_parse(const char *s, struct mv_oci_ref *r, char *err, size_t errlen);
void mv_oci_ref_free(struct mv_oci_ref *r);
/* Do two oci:// references name the same registry (both valid)? */
int mv_registry_same_host(const char *a, const char *b);

/* ---- challenge.c ---- */

/* The first challenge of a WWW-Authenticate header (RFC 7235): the scheme and the realm,
 * service and scope parameters of a Bearer challenge (distribution's token spec). */
struct mv_challenge {
	char scheme[16];                 /* "Bearer", "Basic" as sent */
	char *realm, *service, *scope;
};
/* MV_OK, MV_ERR_FORMAT (no challenge that can be read), MV_ERR_NOMEM. */
mv_status mv_challenge_parse(const char *value, size_t len, struct mv_challenge *c);
void mv_challenge_free(struct mv_challenge *c);

/* ---- dockercfg.c ---- */

/* The "auths" entry for host in a Docker config.json held in p: the Authorization value
 * ("Basic " and base64 of USER:PASSWORD) in *out, or NULL when it names none. MV_ERR_FORMAT
 * when the document is not a Docker config. */
mv_status mv_dockercfg_auth(const void *p, size_t n, const char *host, char **out);

/* ---- registry.c ---- */

/* Fetch the manifests and indexes an oci:// input names (through ctx's registry settings),
 * each checked against its digest, and list them with the blobs they name as the entries of
 * an OCI layout: oci-layout, index.json (the reference's one manifest, tagged), blobs/ALG/HEX.
 * Blobs are streamed when opened. MV_OK with *out, else the reason on ctx. */
mv_status mv_registry_pull(struct mv_ctx *ctx, const char *uri, struct mv_remote **out);

#endif
