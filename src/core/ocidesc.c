/* SPDX-License-Identifier: Apache-2.0 */
/* ocidesc.c: OCI digests and document media types (image-spec descriptor.md, manifest.md). */
#include "config.h"

#include <string.h>

#include "core/ocidesc.h"
#include "core/str.h"

int
mv_oci_digest_split(const char *d, char *alg, size_t alglen, const char **hex)
{
	const char *colon = strchr(d, ':');
	size_t want;

	if (colon == NULL || (size_t)(colon - d) >= alglen)
		return 0;
	memcpy(alg, d, (size_t)(colon - d));
	alg[colon - d] = '\0';
	if (strcmp(alg, "sha256") == 0)
		want = 64;
	else if (strcmp(alg, "sha512") == 0)
		want = 128;
	else
		return 0;
	*hex = colon + 1;
	return mv_is_lower_hex(*hex, want);
}

int
mv_oci_is_index(const char *mt)
{
	return strcmp(mt, "application/vnd.oci.image.index.v1+json") == 0 ||
	    strcmp(mt, "application/vnd.docker.distribution.manifest.list.v2+json") == 0;
}

int
mv_oci_is_manifest(const char *mt)
{
	return strcmp(mt, "application/vnd.oci.image.manifest.v1+json") == 0 ||
	    strcmp(mt, "application/vnd.docker.distribution.manifest.v2+json") == 0;
}
