/* SPDX-License-Identifier: Apache-2.0 */
/* signer.c: the one signing path of mavis sign: a PEM key file through OpenSSL, or a key on
 * a PKCS#11 token, behind the same two calls. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/ctx.h"
#include "sign/sign.h"

mv_status
mv_signer_open(struct mv_ctx *ctx, const struct mv_sign_opts *o, struct mv_signer *s)
{
	mv_status st;

	memset(s, 0, sizeof(*s));
	if (mv_p11_key(o->key))
		st = mv_p11_open(ctx, o->key, &o->pkcs11, &s->p11, &s->key, &s->cert);
	else
		st = mv_key_load_private(ctx, o->key, o->passphrase, o->passphrase_len, &s->key);
	if (st == MV_OK && (st = mv_key_digest(ctx, s->key, &s->mdname)) != MV_OK)
		st = mv_ctx_fail(ctx, st, "%s key: mavis signs with ECDSA P-256, P-384, P-521 or "
		    "Ed25519", mv_key_type_name(s->key));
	if (st != MV_OK)
		mv_signer_close(s);
	return st;
}

mv_status
mv_signer_sign(struct mv_ctx *ctx, const struct mv_signer *s, const unsigned char *msg,
    size_t n, unsigned char **sig, size_t *siglen)
{
	mv_status st;

	if (s->p11)
		st = mv_p11_sign(ctx, s->p11, s->mdname, msg, n, sig, siglen);
	else
		st = mv_key_sign(ctx, s->key, s->mdname, msg, n, sig, siglen);
	if (st != MV_OK)
		return st;
	/* Check our own work before it leaves: a bad signature file is worse than none (and a
	 * token's key that is not the public key read beside it shows here). */
	if (!mv_key_verify(s->key, s->mdname, msg, n, *sig, *siglen)) {
		free(*sig);
		*sig = NULL;
		*siglen = 0;
		return mv_ctx_fail(ctx, MV_ERR_CRYPTO, "the signature just made does not verify%s",
		    s->p11 ? " with the token's public key for it" : "");
	}
	return MV_OK;
}

void
mv_signer_close(struct mv_signer *s)
{
	mv_p11_close(s->p11);
	mv_key_free(s->key);
	X509_free(s->cert);
	memset(s, 0, sizeof(*s));
}
