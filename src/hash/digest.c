/* SPDX-License-Identifier: Apache-2.0 */
/* digest.c: the digest engine over OpenSSL EVP. */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "hash/digest.h"

/* The engine's name of each algorithm (core/hashalg.c has the names users write). */
static const struct {
	unsigned alg;
	const char *evp;        /* OpenSSL's name; NULL: computed here (BLAKE3) */
} algs[MV_HASH_MAX] = {
	{MV_HASH_SHA256, "SHA2-256"},
	{MV_HASH_SHA384, "SHA2-384"},
	{MV_HASH_SHA512, "SHA2-512"},
	{MV_HASH_BLAKE2B, "BLAKE2B-512"},
	{MV_HASH_BLAKE3, NULL},
};

/* Explicit fetches are done once: an implicit fetch on every EVP_DigestInit costs a lookup
 * in the provider store, which shows up when hashing many small files. */
static EVP_MD *mds[MV_HASH_MAX];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_failed;

static void
global_init(void)
{
	for (int i = 0; i < MV_HASH_MAX; i++)
		if (algs[i].evp && (mds[i] = EVP_MD_fetch(NULL, algs[i].evp, NULL)) == NULL)
			init_failed = 1;
}

mv_status
mv_digest_global_init(void)
{
	pthread_once(&once, global_init);
	return init_failed ? MV_ERR_CRYPTO : MV_OK;
}

mv_status
mv_digester_init(struct mv_digester *d, unsigned mask)
{
	mv_status st;

	memset(d, 0, sizeof(*d));
	if ((st = mv_digest_global_init()) != MV_OK)
		return st;
	if ((mask & MV_HASH_BLAKE3) && (st = mv_blake3_global_init()) != MV_OK)
		return st;
	d->mask = mask;
	for (int i = 0; i < MV_HASH_MAX; i++) {
		if (!(mask & algs[i].alg))
			continue;
		d->alg[d->n] = algs[i].alg;
		if (algs[i].alg == MV_HASH_BLAKE3) {
			mv_blake3_init(&d->b3);
			d->n++;
			continue;
		}
		if ((d->md[d->n] = EVP_MD_CTX_new()) == NULL) {
			mv_digester_free(d);
			return MV_ERR_NOMEM;
		}
		if (EVP_DigestInit_ex2(d->md[d->n], mds[i], NULL) != 1) {
			d->n++;
			mv_digester_free(d);
			return MV_ERR_CRYPTO;
		}
		d->n++;
	}
	return MV_OK;
}

static const EVP_MD *
md_of(unsigned alg)
{
	for (int i = 0; i < MV_HASH_MAX; i++)
		if (algs[i].alg == alg)
			return mds[i];
	return NULL;
}

mv_status
mv_digester_reset(struct mv_digester *d)
{
	for (unsigned i = 0; i < d->n; i++) {
		if (d->md[i] == NULL)
			mv_blake3_init(&d->b3);
		else if (EVP_DigestInit_ex2(d->md[i], md_of(d->alg[i]), NULL) != 1)
			return MV_ERR_CRYPTO;
	}
	return MV_OK;
}

mv_status
mv_digester_update(struct mv_digester *d, const void *p, size_t n)
{
	for (unsigned i = 0; i < d->n; i++) {
		if (d->md[i] == NULL)
			mv_blake3_update(&d->b3, p, n);
		else if (EVP_DigestUpdate(d->md[i], p, n) != 1)
			return MV_ERR_CRYPTO;
	}
	return MV_OK;
}

unsigned
mv_digester_final(struct mv_digester *d, struct mv_digest *out)
{
	for (unsigned i = 0; i < d->n; i++) {
		unsigned len = 0;

		out[i].alg = d->alg[i];
		if (d->md[i] == NULL) {
			mv_blake3_final(&d->b3, out[i].value);
			len = MV_BLAKE3_OUT;
		} else if (EVP_DigestFinal_ex(d->md[i], out[i].value, &len) != 1) {
			len = 0;
		}
		out[i].len = len;
	}
	return d->n;
}

void
mv_digester_free(struct mv_digester *d)
{
	for (unsigned i = 0; i < d->n; i++)
		EVP_MD_CTX_free(d->md[i]);
	d->n = 0;
}
