/* SPDX-License-Identifier: Apache-2.0 */
/* hashalg.c: names and sizes of the digest algorithms (mv_hash_name, mv_hash_lookup). */
#include "config.h"

#include <strings.h>

#include "core/hashalg.h"

static const struct {
	unsigned alg;
	const char *name;       /* as users and manifests write it */
	unsigned size;
} algs[MV_HASH_MAX] = {
	{MV_HASH_SHA256, "sha256", 32},
	{MV_HASH_SHA384, "sha384", 48},
	{MV_HASH_SHA512, "sha512", 64},
	{MV_HASH_BLAKE2B, "blake2b", 64},
	{MV_HASH_BLAKE3, "blake3", 32},
};

const char *
mv_hash_name(unsigned alg)
{
	for (int i = 0; i < MV_HASH_MAX; i++)
		if (algs[i].alg == alg)
			return algs[i].name;
	return NULL;
}

unsigned
mv_hash_size(unsigned alg)
{
	for (int i = 0; i < MV_HASH_MAX; i++)
		if (algs[i].alg == alg)
			return algs[i].size;
	return 0;
}

mv_status
mv_hash_lookup(const char *name, unsigned *alg)
{
	for (int i = 0; i < MV_HASH_MAX; i++) {
		if (strcasecmp(name, algs[i].name) == 0) {
			*alg = algs[i].alg;
			return MV_OK;
		}
	}
	/* Common spellings: "sha-256", "blake2b-512", "blake2". */
	if (strcasecmp(name, "sha-256") == 0 || strcasecmp(name, "sha2-256") == 0)
		*alg = MV_HASH_SHA256;
	else if (strcasecmp(name, "sha-384") == 0 || strcasecmp(name, "sha2-384") == 0)
		*alg = MV_HASH_SHA384;
	else if (strcasecmp(name, "sha-512") == 0 || strcasecmp(name, "sha2-512") == 0)
		*alg = MV_HASH_SHA512;
	else if (strcasecmp(name, "blake2b-512") == 0 || strcasecmp(name, "blake2") == 0)
		*alg = MV_HASH_BLAKE2B;
	else
		return MV_ERR_NOTFOUND;
	return MV_OK;
}
