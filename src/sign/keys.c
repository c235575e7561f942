/* SPDX-License-Identifier: Apache-2.0 */
/* keys.c: signing keys through OpenSSL EVP: PEM loading (encrypted PKCS#8 too), the hash each
 * curve signs with, OMS key hints, signing, verifying, and new key pairs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/ctx.h"
#include "core/sha256.h"
#include "core/str.h"
#include "hash/digest.h"
#include "sign/sign.h"

/* A PEM key file is a few kilobytes; anything much larger is not one. */
#define MAX_KEY_FILE (1u << 20)

struct pass {
	const char *p;
	size_t n;
	int asked;
};

static int
pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass *pw = u;

	(void)rwflag;
	pw->asked = 1;
	if (pw->p == NULL || size < 0 || pw->n > (size_t)size)
		return -1;
	memcpy(buf, pw->p, pw->n);
	return (int)pw->n;
}

static int
no_pass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static mv_status
supported(struct mv_ctx *ctx, const char *path, EVP_PKEY *k)
{
	const char *md;
	mv_status st = mv_key_digest(ctx, k, &md);

	if (st != MV_OK)
		return mv_ctx_fail(ctx, st, "%s: %s key: mavis signs with ECDSA P-256, P-384, "
		    "P-521 or Ed25519", path, mv_key_type_name(k));
	return MV_OK;
}

mv_status
mv_key_load_private(struct mv_ctx *ctx, const char *path, const char *pass, size_t passlen,
    EVP_PKEY **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	struct pass pw = {.p = pass, .n = passlen};
	BIO *bio = NULL;
	EVP_PKEY *k = NULL;
	mv_status st;

	*out = NULL;
	if ((st = mv_file_read(ctx, path, MAX_KEY_FILE, &data, &len)) != MV_OK)
		return st;
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	k = PEM_read_bio_PrivateKey_ex(bio, NULL, pass_cb, &pw, NULL, NULL);
	ERR_clear_error();
	if (k == NULL) {
		if (pw.asked && pass == NULL)
			st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: the key is encrypted: give its "
			    "passphrase on a terminal, or with --passphrase-fd or --passphrase-env",
			    path);
		else if (pw.asked)
			st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "%s: cannot decrypt the key (wrong "
			    "passphrase?)", path);
		else
			st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: not a PEM private key", path);
		goto done;
	}
	if ((st = supported(ctx, path, k)) != MV_OK)
		goto done;
	*out = k;
	k = NULL;
done:
	BIO_free(bio);
	EVP_PKEY_free(k);
	if (data) {
		OPENSSL_cleanse(data, len);
		free(data);
	}
	return st;
}

int
mv_key_encrypted(struct mv_ctx *ctx, const char *path)
{
	unsigned char *data = NULL;
	size_t len = 0;
	struct pass pw = {.p = NULL, .n = 0};
	BIO *bio;
	EVP_PKEY *k;
	int enc = -1;

	if (mv_file_read(ctx, path, MAX_KEY_FILE, &data, &len) != MV_OK)
		return -1;
	if ((bio = BIO_new_mem_buf(data, (int)len)) == NULL) {
		mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* Only an encrypted key asks the callback for its passphrase. */
	k = PEM_read_bio_PrivateKey_ex(bio, NULL, pass_cb, &pw, NULL, NULL);
	enc = k == NULL && pw.asked;
	EVP_PKEY_free(k);
done:
	ERR_clear_error();
	BIO_free(bio);
	OPENSSL_cleanse(data, len);
	free(data);
	return enc;
}

mv_status
mv_key_from_pem(struct mv_ctx *ctx, const unsigned char *pem, size_t n, EVP_PKEY **out)
{
	BIO *bio;

	*out = NULL;
	if (n > INT32_MAX || (bio = BIO_new_mem_buf(pem, (int)n)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	/* No prompt: OpenSSL's decoders would ask on the terminal for an encrypted key. */
	*out = PEM_read_bio_PUBKEY_ex(bio, NULL, no_pass, NULL, NULL, NULL);
	BIO_free(bio);
	ERR_clear_error();
	return *out ? MV_OK : mv_ctx_fail(ctx, MV_ERR_FORMAT, "not a PEM public key");
}

mv_status
mv_key_load_public(struct mv_ctx *ctx, const char *path, EVP_PKEY **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	mv_status st;

	*out = NULL;
	if ((st = mv_file_read(ctx, path, MAX_KEY_FILE, &data, &len)) != MV_OK)
		return st;
	st = mv_key_from_pem(ctx, data, len, out);
	free(data);
	if (st != MV_OK)
		return mv_ctx_fail(ctx, st, "%s: not a PEM public key (BEGIN PUBLIC KEY); for a "
		    "certificate use --cert-chain with its root", path);
	if ((st = supported(ctx, path, *out)) != MV_OK) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	return st;
}

static int
group_of(EVP_PKEY *k, char *buf, size_t n)
{
	size_t len = 0;

	if (EVP_PKEY_get_utf8_string_param(k, OSSL_PKEY_PARAM_GROUP_NAME, buf, n, &len) != 1) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

mv_status
mv_key_digest(struct mv_ctx *ctx, EVP_PKEY *k, const char **mdname)
{
	char group[64];

	(void)ctx;
	*mdname = NULL;
	if (EVP_PKEY_is_a(k, "ED25519"))
		return MV_OK;
	if (!EVP_PKEY_is_a(k, "EC") || group_of(k, group, sizeof(group)) != 0)
		return MV_ERR_UNSUPPORTED;
	/* The hash grows with the curve, as model_signing's get_ec_key_hash does. */
	if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
		*mdname = "SHA2-256";
	else if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
		*mdname = "SHA2-384";
	else if (strcmp(group, "secp521r1") == 0 || strcmp(group, "P-521") == 0)
		*mdname = "SHA2-512";
	else
		return MV_ERR_UNSUPPORTED;
	return MV_OK;
}

const char *
mv_key_type_name(EVP_PKEY *k)
{
	char group[64];

	if (EVP_PKEY_is_a(k, "ED25519"))
		return "Ed25519";
	if (EVP_PKEY_is_a(k, "EC")) {
		if (group_of(k, group, sizeof(group)) != 0)
			return "EC";
		if (strcmp(group, "prime256v1") == 0)
			return "ECDSA P-256";
		if (strcmp(group, "secp384r1") == 0)
			return "ECDSA P-384";
		if (strcmp(group, "secp521r1") == 0)
			return "ECDSA P-521";
		return "EC (other curve)";
	}
	if (EVP_PKEY_is_a(k, "RSA"))
		return "RSA";
	if (EVP_PKEY_is_a(k, "ED448"))
		return "Ed448";
	return "unknown";
}

mv_status
mv_key_hint(EVP_PKEY *k, char out[65])
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *pem = NULL;
	long n;
	struct mv_digest d;
	mv_status st = MV_ERR_CRYPTO;

	/* Hash of the PEM text, not of the DER: what model_signing puts in publicKey.hint. */
	if (bio && PEM_write_bio_PUBKEY(bio, k) == 1 && (n = BIO_get_mem_data(bio, &pem)) > 0 &&
	    mv_sha256(pem, (size_t)n, d.value) == MV_OK) {
		d.len = 32;
		d.alg = MV_HASH_SHA256;
		mv_digest_hex(&d, out);
		st = MV_OK;
	}
	BIO_free(bio);
	ERR_clear_error();
	return st;
}

mv_status
mv_key_sign(struct mv_ctx *ctx, EVP_PKEY *k, const char *mdname, const unsigned char *msg,
    size_t n, unsigned char **sig, size_t *siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *buf = NULL;
	size_t len = 0;
	mv_status st = MV_OK;

	*sig = NULL;
	*siglen = 0;
	/* One-shot: Ed25519 signs the whole message, ECDSA hashes it first (DER output). */
	if (md == NULL || EVP_DigestSignInit_ex(md, NULL, mdname, NULL, NULL, k, NULL) != 1 ||
	    EVP_DigestSign(md, NULL, &len, msg, n) != 1 || (buf = malloc(len)) == NULL ||
	    EVP_DigestSign(md, buf, &len, msg, n) != 1) {
		unsigned long e = ERR_get_error();

		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "signing failed: %s",
		    e ? ERR_reason_error_string(e) : "out of memory");
		free(buf);
		buf = NULL;
	}
	ERR_clear_error();
	EVP_MD_CTX_free(md);
	*sig = buf;
	*siglen = buf ? len : 0;
	return st;
}

int
mv_key_verify(EVP_PKEY *k, const char *mdname, const unsigned char *msg, size_t n,
    const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestVerifyInit_ex(md, NULL, mdname, NULL, NULL, k, NULL) == 1 &&
	    EVP_DigestVerify(md, sig, siglen, msg, n) == 1;

	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

void
mv_key_free(EVP_PKEY *k)
{
	EVP_PKEY_free(k);
}

/* ---- key pairs ---- */

mv_status
mv_key_type_lookup(const char *name, enum mv_key_type *out)
{
	static const struct {
		const char *name;
		enum mv_key_type t;
	} types[] = {
		{"p256", MV_KEY_P256}, {"p-256", MV_KEY_P256}, {"prime256v1", MV_KEY_P256},
		{"p384", MV_KEY_P384}, {"p-384", MV_KEY_P384}, {"secp384r1", MV_KEY_P384},
		{"p521", MV_KEY_P521}, {"p-521", MV_KEY_P521}, {"secp521r1", MV_KEY_P521},
		{"ed25519", MV_KEY_ED25519},
	};

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (strcmp(name, types[i].name) == 0) {
			*out = types[i].t;
			return MV_OK;
		}
	}
	return MV_ERR_NOTFOUND;
}

/* Write a new file, never over an existing one nor through a link, with exactly this mode. */
mv_status
mv_file_write_new(struct mv_ctx *ctx, const char *path, const void *p, size_t n,
    unsigned mode)
{
	mv_status st = mv_file_write(ctx, path, p, n, mode, MV_WRITE_NEW | MV_WRITE_EXACT_MODE);

	if (st == MV_ERR_USAGE)
		return mv_ctx_fail(ctx, st, "%s: %s (keygen never overwrites a key)", path,
		    strerror(EEXIST));
	return st;
}

mv_status
mv_key_pub_pem(struct mv_ctx *ctx, EVP_PKEY *k, char **pem, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p = NULL;
	long n;

	*pem = NULL;
	*len = 0;
	if (bio && PEM_write_bio_PUBKEY(bio, k) == 1 && (n = BIO_get_mem_data(bio, &p)) > 0 &&
	    (*pem = mv_strndup(p, (size_t)n)) != NULL)
		*len = (size_t)n;
	BIO_free(bio);
	ERR_clear_error();
	if (*pem == NULL)
		return mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot encode the public key");
	return MV_OK;
}

static EVP_PKEY *
generate(enum mv_key_type type)
{
	switch (type) {
	case MV_KEY_P256: return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	case MV_KEY_P384: return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	case MV_KEY_P521: return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-521");
	case MV_KEY_ED25519: return EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	}
	return NULL;
}

mv_status
mv_keygen(struct mv_ctx *ctx, enum mv_key_type type, const char *prefix,
    const char *passphrase, size_t passphrase_len, char *hint)
{
	char *keypath = mv_asprintf("%s.key", prefix), *pubpath = mv_asprintf("%s.pub", prefix);
	EVP_PKEY *k = NULL;
	BIO *priv = BIO_new(BIO_s_mem()), *pub = BIO_new(BIO_s_mem());
	char *pp = NULL, *pubp = NULL;
	long pn, pubn;
	struct stat st0;
	mv_status st = MV_OK;

	if (keypath == NULL || pubpath == NULL || priv == NULL || pub == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (passphrase && passphrase_len > INT32_MAX) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "passphrase too long");
		goto done;
	}
	/* Both names free before either is written, so a refusal leaves nothing behind. */
	if (lstat(keypath, &st0) == 0 || lstat(pubpath, &st0) == 0) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: already exists (keygen never overwrites "
		    "a key)", lstat(keypath, &st0) == 0 ? keypath : pubpath);
		goto done;
	}
	if ((k = generate(type)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "key generation failed");
		goto done;
	}
	if (PEM_write_bio_PKCS8PrivateKey(priv, k, passphrase ? EVP_aes_256_cbc() : NULL,
	    (const char *)passphrase, (int)passphrase_len, NULL, NULL) != 1 ||
	    PEM_write_bio_PUBKEY(pub, k) != 1 || (pn = BIO_get_mem_data(priv, &pp)) <= 0 ||
	    (pubn = BIO_get_mem_data(pub, &pubp)) <= 0) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "cannot encode the key");
		goto done;
	}
	if ((st = mv_file_write_new(ctx, keypath, pp, (size_t)pn, 0600)) != MV_OK)
		goto done;
	if ((st = mv_file_write_new(ctx, pubpath, pubp, (size_t)pubn, 0644)) != MV_OK) {
		unlink(keypath);
		goto done;
	}
	if (hint && mv_key_hint(k, hint) != MV_OK)
		hint[0] = '\0';
done:
	if (pp)
		OPENSSL_cleanse(pp, (size_t)BIO_get_mem_data(priv, &pp));
	BIO_free(priv);
	BIO_free(pub);
	EVP_PKEY_free(k);
	ERR_clear_error();
	free(keypath);
	free(pubpath);
	return st;
}

mv_status
mv_key_fingerprint(struct mv_ctx *ctx, const char *path, const char *passphrase,
    size_t passphrase_len, char *type, char *hint)
{
	unsigned char *data = NULL;
	size_t len = 0;
	EVP_PKEY *k = NULL;
	mv_status st;

	if ((st = mv_file_read(ctx, path, MAX_KEY_FILE, &data, &len)) != MV_OK)
		return st;
	/* A public key, else a private one. */
	if (mv_key_from_pem(ctx, data, len, &k) != MV_OK) {
		OPENSSL_cleanse(data, len);
		free(data);
		data = NULL;
		st = mv_key_load_private(ctx, path, passphrase, passphrase_len, &k);
		if (st == MV_ERR_FORMAT)
			return mv_ctx_fail(ctx, st, "%s: not a PEM public key (BEGIN PUBLIC KEY) nor "
			    "a private key", path);
		if (st != MV_OK)
			return st;
	}
	snprintf(type, 32, "%s", mv_key_type_name(k));
	st = mv_key_hint(k, hint);
	if (st != MV_OK)
		mv_ctx_fail(ctx, st, "%s: cannot encode the public key", path);
	EVP_PKEY_free(k);
	if (data) {
		OPENSSL_cleanse(data, len);
		free(data);
	}
	return st;
}
