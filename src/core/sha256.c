/* SPDX-License-Identifier: Apache-2.0 */
/* sha256.c: SHA-256 over OpenSSL EVP, the implementation fetched once per process. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "core/sha256.h"

/* An explicit fetch, once: an implicit one on every call costs a provider store lookup. */
static EVP_MD *md;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
fetch(void)
{
	md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

static const EVP_MD *
sha256_md(void)
{
	pthread_once(&once, fetch);
	return md;
}

mv_status
mv_sha256(const void *p, size_t n, unsigned char out[32])
{
	const EVP_MD *m = sha256_md();
	unsigned len = 32;

	if (m == NULL)
		return MV_ERR_CRYPTO;
	return EVP_Digest(p, n, out, &len, m, NULL) == 1 ? MV_OK : MV_ERR_CRYPTO;
}

mv_status
mv_sha256_fd(int fd, unsigned char out[32])
{
	const EVP_MD *m = sha256_md();
	EVP_MD_CTX *c = NULL;
	unsigned char buf[65536];
	unsigned len = 32;
	mv_status st = MV_ERR_CRYPTO;
	ssize_t n;

	if (m == NULL || (c = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(c, m, NULL) != 1)
		goto done;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (EVP_DigestUpdate(c, buf, (size_t)n) != 1)
			goto done;
	if (n < 0) {
		st = MV_ERR_IO;
		goto done;
	}
	if (EVP_DigestFinal_ex(c, out, &len) == 1)
		st = MV_OK;
done:
	EVP_MD_CTX_free(c);
	return st;
}
