/* SPDX-License-Identifier: Apache-2.0 */
/* pkcs11.c: keys on PKCS#11 tokens: the module loaded with dlopen and called through its
 * CK_FUNCTION_LIST, the token and key a URI names, the PIN, signing (ECDSA over mavis's
 * digest, EdDSA over the message) and new key pairs. */
#include "config.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <p11-kit/pkcs11.h>

#include "core/ctx.h"
#include "core/file.h"
#include "core/str.h"
#include "sign/sign.h"

/* Attribute values read from a token: curve parameters and points are tens of bytes, a
 * certificate a few kilobytes. */
#define MAX_ATTR (1u << 20)
#define MAX_PIN 256
/* Keys and tokens listed at most: a URI matching more than this is not naming one. */
#define MAX_OBJECTS 64
#define MAX_SLOTS 256

struct mv_p11 {
	void *dl;
	CK_FUNCTION_LIST *f;
	int initialized;          /* this process's C_Initialize, so C_Finalize is ours */
	CK_SESSION_HANDLE session;
	int has_session;
	CK_OBJECT_HANDLE key;
	CK_KEY_TYPE key_type;
	char label[33];           /* the token's label, for messages */
};

/* DER of the curve OIDs (CKA_EC_PARAMS). */
static const unsigned char oid_p256[] = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03,
	0x01, 0x07};
static const unsigned char oid_p384[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};
static const unsigned char oid_p521[] = {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23};
static const unsigned char oid_ed25519[] = {0x06, 0x03, 0x2b, 0x65, 0x70};

static const char *
rv_name(CK_RV rv)
{
	switch (rv) {
	case CKR_PIN_INCORRECT: return "wrong PIN";
	case CKR_PIN_LOCKED: return "the PIN is locked";
	case CKR_PIN_EXPIRED: return "the PIN has expired";
	case CKR_PIN_LEN_RANGE: return "the PIN has the wrong length";
	case CKR_MECHANISM_INVALID: return "mechanism not supported by the token";
	case CKR_DOMAIN_PARAMS_INVALID: return "curve not supported by the token";
	case CKR_TOKEN_WRITE_PROTECTED: return "the token is write-protected";
	case CKR_DEVICE_REMOVED: return "the token was removed";
	case CKR_TOKEN_NOT_PRESENT: return "no token present";
	case CKR_USER_NOT_LOGGED_IN: return "not logged in";
	case CKR_KEY_FUNCTION_NOT_PERMITTED: return "the key may not sign";
	case CKR_DEVICE_MEMORY: return "the token is full";
	case CKR_HOST_MEMORY: return "out of memory";
	default: return NULL;
	}
}

static mv_status
p11_fail(struct mv_ctx *ctx, const struct mv_p11 *p, const char *what, CK_RV rv)
{
	const char *n = rv_name(rv);
	mv_status st = rv == CKR_HOST_MEMORY ? MV_ERR_NOMEM : MV_ERR_CRYPTO;

	if (n)
		return mv_ctx_fail(ctx, st, "PKCS#11 token '%s': %s: %s", p->label, what, n);
	return mv_ctx_fail(ctx, st, "PKCS#11 token '%s': %s: error 0x%lx", p->label, what,
	    (unsigned long)rv);
}

/* A blank-padded field of the token or slot information equal to s? */
static int
padded_eq(const unsigned char *field, size_t n, const char *s)
{
	size_t len = strlen(s);

	while (n > 0 && field[n - 1] == ' ')
		n--;
	return len == n && memcmp(field, s, n) == 0;
}

static void
padded_copy(char *dst, size_t size, const unsigned char *field, size_t n)
{
	while (n > 0 && field[n - 1] == ' ')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, field, n);
	dst[n] = '\0';
}

static mv_status
module_load(struct mv_ctx *ctx, const struct mv_p11_uri *u, const struct mv_pkcs11_opts *o,
    struct mv_p11 *p)
{
	const char *path = o ? o->module : NULL;
	CK_C_GetFunctionList get;
	CK_C_INITIALIZE_ARGS args;
	CK_RV rv;

	if (path && u->module_path && strcmp(path, u->module_path) != 0)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "--pkcs11-module %s and the URI's "
		    "module-path %s differ", path, u->module_path);
	if (path == NULL)
		path = u->module_path;
	if (path == NULL && u->module_name)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: module-name is not looked "
		    "up; give the module's file with module-path or --pkcs11-module");
	if (path == NULL)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "no PKCS#11 module: give --pkcs11-module "
		    "FILE or module-path in the URI");
	snprintf(p->label, sizeof(p->label), "?");
	/* RTLD_LOCAL: the module's own symbols stay out of the way of OpenSSL's. */
	/* RTLD_NODELETE: a module that registered handlers or left threads behind must not be
	 * unmapped under them, and its own leaks stay attributable to it. */
	if ((p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_IO, "%s: cannot load the PKCS#11 module: %s", path,
		    dlerror());
	*(void **)(&get) = dlsym(p->dl, "C_GetFunctionList");
	if (get == NULL || get(&p->f) != CKR_OK || p->f == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: not a PKCS#11 module (no "
		    "C_GetFunctionList)", path);
	if (p->f->version.major != 2)
		return mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: PKCS#11 version %u.%u; mavis "
		    "speaks 2.x", path, p->f->version.major, p->f->version.minor);
	memset(&args, 0, sizeof(args));
	args.flags = CKF_OS_LOCKING_OK;
	rv = p->f->C_Initialize(&args);
	if (rv == CKR_OK)
		p->initialized = 1;
	else if (rv != CKR_CRYPTOKI_ALREADY_INITIALIZED)
		return mv_ctx_fail(ctx, MV_ERR_CRYPTO, "%s: the PKCS#11 module did not start "
		    "(C_Initialize error 0x%lx)", path, (unsigned long)rv);
	return MV_OK;
}

static int
token_matches(const struct mv_p11_uri *u, CK_SLOT_ID id, const CK_SLOT_INFO *si,
    const CK_TOKEN_INFO *ti)
{
	if (u->slot_id) {
		char buf[32];

		snprintf(buf, sizeof(buf), "%lu", (unsigned long)id);
		if (strcmp(buf, u->slot_id) != 0)
			return 0;
	}
	return (!u->token || padded_eq(ti->label, sizeof(ti->label), u->token)) &&
	    (!u->manufacturer || padded_eq(ti->manufacturerID, sizeof(ti->manufacturerID),
	    u->manufacturer)) &&
	    (!u->serial || padded_eq(ti->serialNumber, sizeof(ti->serialNumber), u->serial)) &&
	    (!u->model || padded_eq(ti->model, sizeof(ti->model), u->model)) &&
	    (!u->slot_description || padded_eq(si->slotDescription,
	    sizeof(si->slotDescription), u->slot_description)) &&
	    (!u->slot_manufacturer || padded_eq(si->manufacturerID, sizeof(si->manufacturerID),
	    u->slot_manufacturer));
}

static mv_status
library_check(struct mv_ctx *ctx, const struct mv_p11_uri *u, struct mv_p11 *p)
{
	CK_INFO info;
	char ver[16];

	if (!u->lib_manufacturer && !u->lib_description && !u->lib_version)
		return MV_OK;
	if (p->f->C_GetInfo(&info) != CKR_OK)
		return mv_ctx_fail(ctx, MV_ERR_CRYPTO, "PKCS#11 module: C_GetInfo failed");
	snprintf(ver, sizeof(ver), "%u.%u", info.libraryVersion.major,
	    info.libraryVersion.minor);
	if ((u->lib_manufacturer && !padded_eq(info.manufacturerID,
	    sizeof(info.manufacturerID), u->lib_manufacturer)) ||
	    (u->lib_description && !padded_eq(info.libraryDescription,
	    sizeof(info.libraryDescription), u->lib_description)) ||
	    (u->lib_version && strcmp(ver, u->lib_version) != 0 &&
	    !(info.libraryVersion.minor == 0 && strcmp(u->lib_version, ver) == 0)))
		return mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "PKCS#11 URI: the module is not the "
		    "library-* it names");
	return MV_OK;
}

/* The one token the URI names, in a session (read-write when rw). */
static mv_status
token_open(struct mv_ctx *ctx, const struct mv_p11_uri *u, struct mv_p11 *p, int rw,
    CK_TOKEN_INFO *tinfo)
{
	CK_SLOT_ID slots[MAX_SLOTS], slot = 0;
	CK_ULONG n = MAX_SLOTS;
	CK_SLOT_INFO si;
	CK_TOKEN_INFO ti;
	size_t hits = 0;
	CK_RV rv;
	mv_status st;

	if ((st = library_check(ctx, u, p)) != MV_OK)
		return st;
	if ((rv = p->f->C_GetSlotList(CK_TRUE, slots, &n)) != CKR_OK)
		return p11_fail(ctx, p, "listing the slots", rv);
	for (CK_ULONG i = 0; i < n; i++) {
		if (p->f->C_GetSlotInfo(slots[i], &si) != CKR_OK ||
		    p->f->C_GetTokenInfo(slots[i], &ti) != CKR_OK)
			continue;
		/* SoftHSM and others show an empty slot with an uninitialised token. */
		if (!(ti.flags & CKF_TOKEN_INITIALIZED) || !token_matches(u, slots[i], &si, &ti))
			continue;
		if (hits++ == 0) {
			slot = slots[i];
			*tinfo = ti;
		}
	}
	if (hits == 0)
		return mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "PKCS#11: no token matches the URI%s%s%s",
		    u->token ? " (token=" : "", u->token ? u->token : "", u->token ? ")" : "");
	if (hits > 1)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11: %zu tokens match the URI; name one "
		    "with token= or serial=", hits);
	padded_copy(p->label, sizeof(p->label), tinfo->label, sizeof(tinfo->label));
	rv = p->f->C_OpenSession(slot, CKF_SERIAL_SESSION | (rw ? CKF_RW_SESSION : 0), NULL,
	    NULL, &p->session);
	if (rv != CKR_OK)
		return p11_fail(ctx, p, "opening a session", rv);
	p->has_session = 1;
	return MV_OK;
}

/* pin-source: a file (file: URI or path) whose first line is the PIN. */
static mv_status
pin_from_source(struct mv_ctx *ctx, const char *src, char *buf, size_t *len)
{
	unsigned char *data = NULL;
	size_t n = 0, k = 0;
	const char *path = src;
	mv_status st;

	if (strncmp(src, "file://", 7) == 0)
		path = src + 7;
	else if (strncmp(src, "file:", 5) == 0)
		path = src + 5;
	else if (strchr(src, ':') || src[0] == '|')
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: pin-source %s: mavis reads a "
		    "PIN from a file (file: or a path) only", src);
	if ((st = mv_file_read(ctx, path, MAX_PIN + 2, &data, &n)) != MV_OK)
		return st;
	while (k < n && data[k] != '\n' && data[k] != '\r')
		k++;
	if (k > MAX_PIN) {
		OPENSSL_cleanse(data, n);
		free(data);
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: a PIN longer than %d bytes", path,
		    MAX_PIN);
	}
	memcpy(buf, data, k);
	*len = k;
	OPENSSL_cleanse(data, n);
	free(data);
	return MV_OK;
}

static mv_status
login(struct mv_ctx *ctx, const struct mv_p11_uri *u, const struct mv_pkcs11_opts *o,
    struct mv_p11 *p, const CK_TOKEN_INFO *ti)
{
	char pin[MAX_PIN + 1];
	size_t len = 0;
	int got = 0, r;
	CK_RV rv;
	mv_status st = MV_OK;

	if (!(ti->flags & CKF_LOGIN_REQUIRED) && !u->pin_value && !u->pin_source)
		return MV_OK;
	if (u->pin_value) {
		len = strlen(u->pin_value);
		if (len > MAX_PIN)
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: pin-value longer than "
			    "%d bytes", MAX_PIN);
		memcpy(pin, u->pin_value, len);
		got = 1;
	} else if (u->pin_source) {
		if ((st = pin_from_source(ctx, u->pin_source, pin, &len)) != MV_OK)
			return st;
		got = 1;
	} else if (o && o->pin) {
		if (o->pin_len > MAX_PIN)
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "a PIN longer than %d bytes", MAX_PIN);
		memcpy(pin, o->pin, o->pin_len);
		len = o->pin_len;
		got = 1;
	} else if (o && o->prompt && (r = o->prompt(o->prompt_arg, p->label, pin,
	    sizeof(pin))) >= 0) {
		len = (size_t)r < sizeof(pin) ? (size_t)r : sizeof(pin) - 1;
		got = 1;
	}
	if (!got)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 token '%s' needs its PIN: give "
		    "pin-value or pin-source in the URI, --passphrase-fd or --passphrase-env, or "
		    "run on a terminal", p->label);
	rv = p->f->C_Login(p->session, CKU_USER, (CK_UTF8CHAR *)pin, (CK_ULONG)len);
	OPENSSL_cleanse(pin, sizeof(pin));
	if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN)
		return p11_fail(ctx, p, "login", rv);
	return MV_OK;
}

/* One attribute's value, new buffer (at most MAX_ATTR bytes). */
static mv_status
attr_get(struct mv_ctx *ctx, struct mv_p11 *p, CK_OBJECT_HANDLE h, CK_ATTRIBUTE_TYPE type,
    unsigned char **out, size_t *len)
{
	CK_ATTRIBUTE a = {type, NULL, 0};
	CK_RV rv;

	*out = NULL;
	*len = 0;
	if ((rv = p->f->C_GetAttributeValue(p->session, h, &a, 1)) != CKR_OK)
		return rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE ?
		    MV_ERR_NOTFOUND : p11_fail(ctx, p, "reading an attribute", rv);
	if (a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
		return MV_ERR_NOTFOUND;
	if (a.ulValueLen > MAX_ATTR)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "PKCS#11 token '%s': an attribute of %lu "
		    "bytes", p->label, (unsigned long)a.ulValueLen);
	if ((a.pValue = malloc(a.ulValueLen ? a.ulValueLen : 1)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if ((rv = p->f->C_GetAttributeValue(p->session, h, &a, 1)) != CKR_OK) {
		free(a.pValue);
		return p11_fail(ctx, p, "reading an attribute", rv);
	}
	*out = a.pValue;
	*len = a.ulValueLen;
	return MV_OK;
}

/* Objects of class cls with the label and id given (either may be NULL). */
static mv_status
find(struct mv_ctx *ctx, struct mv_p11 *p, CK_OBJECT_CLASS cls, const char *label,
    const void *id, size_t idlen, CK_OBJECT_HANDLE *h, CK_ULONG *n)
{
	CK_ATTRIBUTE t[3];
	CK_ULONG k = 0;
	CK_RV rv;

	t[k++] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
	if (label)
		t[k++] = (CK_ATTRIBUTE){CKA_LABEL, mv_unconst(label), strlen(label)};
	if (id)
		t[k++] = (CK_ATTRIBUTE){CKA_ID, mv_unconst(id), idlen};
	*n = 0;
	if ((rv = p->f->C_FindObjectsInit(p->session, t, k)) != CKR_OK)
		return p11_fail(ctx, p, "searching", rv);
	rv = p->f->C_FindObjects(p->session, h, MAX_OBJECTS, n);
	p->f->C_FindObjectsFinal(p->session);
	if (rv != CKR_OK)
		return p11_fail(ctx, p, "searching", rv);
	return MV_OK;
}

/* A public key from CKA_EC_PARAMS and CKA_EC_POINT (a DER OCTET STRING, or the bare point
 * some tokens give). */
static mv_status
ec_pub(struct mv_ctx *ctx, struct mv_p11 *p, const unsigned char *params, size_t plen,
    const unsigned char *point, size_t qlen, EVP_PKEY **out)
{
	const char *group = NULL;
	size_t want;
	const unsigned char *q = point;
	OSSL_PARAM_BLD *bld = NULL;
	OSSL_PARAM *ps = NULL;
	EVP_PKEY_CTX *pc = NULL;
	int ed = 0;

	*out = NULL;
	if (plen == sizeof(oid_p256) && memcmp(params, oid_p256, plen) == 0)
		group = "P-256", want = 65;
	else if (plen == sizeof(oid_p384) && memcmp(params, oid_p384, plen) == 0)
		group = "P-384", want = 97;
	else if (plen == sizeof(oid_p521) && memcmp(params, oid_p521, plen) == 0)
		group = "P-521", want = 133;
	else if ((plen == sizeof(oid_ed25519) && memcmp(params, oid_ed25519, plen) == 0) ||
	    (plen == 14 && memcmp(params, "\x13\x0c" "edwards25519", 14) == 0))
		ed = 1, want = 32;
	else
		return mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "PKCS#11 token '%s': the key's curve "
		    "is not one mavis signs with (P-256, P-384, P-521, Ed25519)", p->label);
	/* The DER form is the bare point behind a tag and a one- or two-byte length. */
	if (qlen != want) {
		size_t hdr = want < 128 ? 2 : 3;

		if (qlen != want + hdr || q[0] != 0x04 || (hdr == 2 && q[1] != want) ||
		    (hdr == 3 && (q[1] != 0x81 || q[2] != want)))
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "PKCS#11 token '%s': a malformed "
			    "public point", p->label);
		q += hdr;
	}
	if (ed) {
		*out = EVP_PKEY_new_raw_public_key_ex(NULL, "ED25519", NULL, q, want);
	} else if ((bld = OSSL_PARAM_BLD_new()) != NULL &&
	    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, group, 0) &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, q, want) &&
	    (ps = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
	    (pc = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) != NULL &&
	    EVP_PKEY_fromdata_init(pc) == 1) {
		if (EVP_PKEY_fromdata(pc, out, EVP_PKEY_PUBLIC_KEY, ps) != 1)
			*out = NULL;
	}
	OSSL_PARAM_free(ps);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(pc);
	ERR_clear_error();
	if (*out == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "PKCS#11 token '%s': the public point is "
		    "not on the curve", p->label);
	return MV_OK;
}

/* The public key object with this id (else label) as an EVP_PKEY; MV_ERR_NOTFOUND if none. */
static mv_status
pub_read(struct mv_ctx *ctx, struct mv_p11 *p, const char *label, const void *id,
    size_t idlen, EVP_PKEY **out)
{
	CK_OBJECT_HANDLE h[MAX_OBJECTS];
	CK_ULONG n = 0;
	unsigned char *params = NULL, *point = NULL;
	size_t plen, qlen;
	mv_status st;

	*out = NULL;
	if ((st = find(ctx, p, CKO_PUBLIC_KEY, id ? NULL : label, id, idlen, h, &n)) != MV_OK)
		return st;
	if (n != 1)
		return MV_ERR_NOTFOUND;
	if ((st = attr_get(ctx, p, h[0], CKA_EC_PARAMS, &params, &plen)) == MV_OK &&
	    (st = attr_get(ctx, p, h[0], CKA_EC_POINT, &point, &qlen)) == MV_OK)
		st = ec_pub(ctx, p, params, plen, point, qlen, out);
	free(params);
	free(point);
	return st;
}

/* The X.509 certificate with this id, or NULL. */
static mv_status
cert_read(struct mv_ctx *ctx, struct mv_p11 *p, const void *id, size_t idlen, X509 **out)
{
	CK_OBJECT_HANDLE h[MAX_OBJECTS];
	CK_ULONG n = 0;
	unsigned char *der = NULL;
	const unsigned char *q;
	size_t len;
	mv_status st;

	*out = NULL;
	if (id == NULL || idlen == 0)
		return MV_OK;
	if ((st = find(ctx, p, CKO_CERTIFICATE, NULL, id, idlen, h, &n)) != MV_OK)
		return st;
	if (n == 0)
		return MV_OK;
	if (n > 1)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 token '%s': %lu certificates share "
		    "the key's id", p->label, (unsigned long)n);
	if ((st = attr_get(ctx, p, h[0], CKA_VALUE, &der, &len)) != MV_OK)
		return st == MV_ERR_NOTFOUND ? MV_OK : st;
	q = der;
	if (len > INT32_MAX || (*out = d2i_X509(NULL, &q, (long)len)) == NULL ||
	    q != der + len) {
		X509_free(*out);
		*out = NULL;
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "PKCS#11 token '%s': the key's certificate "
		    "is not DER X.509", p->label);
	}
	ERR_clear_error();
	free(der);
	return st;
}

static mv_status
p11_start(struct mv_ctx *ctx, const char *uri, const struct mv_pkcs11_opts *o, int rw,
    struct mv_p11_uri *u, struct mv_p11 **out)
{
	struct mv_p11 *p;
	CK_TOKEN_INFO ti;
	mv_status st;

	*out = NULL;
	if ((st = mv_p11_uri_parse(ctx, uri, u)) != MV_OK)
		return st;
	if (u->type && strcmp(u->type, "private") != 0)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: type=%s; mavis signs with a "
		    "private key (type=private)", u->type);
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if ((st = module_load(ctx, u, o, p)) != MV_OK ||
	    (st = token_open(ctx, u, p, rw, &ti)) != MV_OK ||
	    (st = login(ctx, u, o, p, &ti)) != MV_OK) {
		mv_p11_close(p);
		return st;
	}
	*out = p;
	return MV_OK;
}

mv_status
mv_p11_open(struct mv_ctx *ctx, const char *uri, const struct mv_pkcs11_opts *o,
    struct mv_p11 **out, EVP_PKEY **pub, X509 **cert)
{
	struct mv_p11_uri u;
	struct mv_p11 *p = NULL;
	CK_OBJECT_HANDLE h[MAX_OBJECTS];
	CK_ULONG n = 0;
	unsigned char *id = NULL, *kt = NULL;
	size_t idlen = 0, ktlen = 0;
	mv_status st;

	*out = NULL;
	*pub = NULL;
	*cert = NULL;
	if ((st = p11_start(ctx, uri, o, 0, &u, &p)) != MV_OK)
		goto done;
	if ((st = find(ctx, p, CKO_PRIVATE_KEY, u.object, u.id, u.id_len, h, &n)) != MV_OK)
		goto done;
	if (n == 0) {
		st = mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "PKCS#11 token '%s': no private key "
		    "matches the URI%s%s%s", p->label, u.object ? " (object=" : "",
		    u.object ? u.object : "", u.object ? ")" : " (name it with object= or id=)");
		goto done;
	}
	if (n > 1) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 token '%s': %lu private keys match "
		    "the URI; name one with object= or id=", p->label, (unsigned long)n);
		goto done;
	}
	p->key = h[0];
	if ((st = attr_get(ctx, p, p->key, CKA_KEY_TYPE, &kt, &ktlen)) != MV_OK ||
	    ktlen != sizeof(CK_KEY_TYPE)) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "PKCS#11 token '%s': the key has no type",
		    p->label);
		goto done;
	}
	memcpy(&p->key_type, kt, sizeof(CK_KEY_TYPE));
	if (p->key_type != CKK_EC && p->key_type != CKK_EC_EDWARDS) {
		st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "PKCS#11 token '%s': the key is not an "
		    "EC or Ed25519 key (mavis signs with ECDSA P-256, P-384, P-521 or Ed25519)",
		    p->label);
		goto done;
	}
	st = attr_get(ctx, p, p->key, CKA_ID, &id, &idlen);
	if (st != MV_OK && st != MV_ERR_NOTFOUND)
		goto done;
	if ((st = cert_read(ctx, p, id, idlen, cert)) != MV_OK)
		goto done;
	st = pub_read(ctx, p, u.object, idlen ? id : NULL, idlen, pub);
	if (st == MV_ERR_NOTFOUND && *cert) {
		if ((*pub = X509_get_pubkey(*cert)) == NULL) {
			st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "PKCS#11 token '%s': the key's "
			    "certificate holds no usable public key", p->label);
			goto done;
		}
		st = MV_OK;
	} else if (st == MV_ERR_NOTFOUND) {
		st = mv_ctx_fail(ctx, MV_ERR_NOTFOUND, "PKCS#11 token '%s': no public key or "
		    "certificate for the private key (mavis needs one to write the signature)",
		    p->label);
	}
	if (st != MV_OK)
		goto done;
	if ((p->key_type == CKK_EC_EDWARDS) != (EVP_PKEY_is_a(*pub, "ED25519") == 1)) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "PKCS#11 token '%s': the public key is not "
		    "of the private key's type", p->label);
		goto done;
	}
	*out = p;
	p = NULL;
done:
	if (st != MV_OK) {
		EVP_PKEY_free(*pub);
		X509_free(*cert);
		*pub = NULL;
		*cert = NULL;
	}
	free(id);
	free(kt);
	mv_p11_uri_free(&u);
	mv_p11_close(p);
	return st;
}

/* r||s (two big-endian halves) as the DER ECDSA-Sig-Value DSSE carries. */
static mv_status
ecdsa_der(struct mv_ctx *ctx, const unsigned char *rs, size_t n, unsigned char **sig,
    size_t *siglen)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, (int)(n / 2), NULL), *s = BN_bin2bn(rs + n / 2, (int)(n / 2),
	    NULL);
	unsigned char *der = NULL;
	int len = -1;

	if (es && r && s && ECDSA_SIG_set0(es, r, s) == 1) {
		r = s = NULL;
		len = i2d_ECDSA_SIG(es, &der);
	}
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	ERR_clear_error();
	if (len <= 0)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	/* Handed out with free(), not OPENSSL_free(). */
	*sig = malloc((size_t)len);
	if (*sig)
		memcpy(*sig, der, (size_t)len);
	*siglen = *sig ? (size_t)len : 0;
	OPENSSL_free(der);
	return *sig ? MV_OK : mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
}

mv_status
mv_p11_sign(struct mv_ctx *ctx, struct mv_p11 *p, const char *mdname,
    const unsigned char *msg, size_t n, unsigned char **sig, size_t *siglen)
{
	CK_MECHANISM mech = {p->key_type == CKK_EC_EDWARDS ? CKM_EDDSA : CKM_ECDSA, NULL, 0};
	unsigned char dgst[EVP_MAX_MD_SIZE], *out = NULL;
	const unsigned char *in = msg;
	unsigned int dlen = 0;
	CK_ULONG inlen = n, len = 0;
	CK_RV rv;
	mv_status st;

	*sig = NULL;
	*siglen = 0;
	if (p->key_type == CKK_EC) {
		EVP_MD *md = mdname ? EVP_MD_fetch(NULL, mdname, NULL) : NULL;
		int ok = md && EVP_Digest(msg, n, dgst, &dlen, md, NULL) == 1;

		EVP_MD_free(md);
		ERR_clear_error();
		if (!ok)
			return mv_ctx_fail(ctx, MV_ERR_CRYPTO, "hashing the statement failed");
		in = dgst;
		inlen = dlen;
	}
	if ((rv = p->f->C_SignInit(p->session, &mech, p->key)) != CKR_OK)
		return p11_fail(ctx, p, p->key_type == CKK_EC ? "signing with CKM_ECDSA" :
		    "signing with CKM_EDDSA", rv);
	/* The length first (the operation stays open), then the signature. */
	if ((rv = p->f->C_Sign(p->session, mv_unconst(in), inlen, NULL, &len)) != CKR_OK)
		return p11_fail(ctx, p, "signing", rv);
	if (len == 0 || len > 1024 || (out = malloc(len)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "PKCS#11 token '%s': a signature of %lu bytes",
		    p->label, (unsigned long)len);
		/* End the open operation (a NULL buffer of size 0 is too small on purpose). */
		if (len <= 1024) {
			CK_ULONG z = 0;
			unsigned char b;

			p->f->C_Sign(p->session, mv_unconst(in), inlen, &b, &z);
		}
		return st;
	}
	if ((rv = p->f->C_Sign(p->session, mv_unconst(in), inlen, out, &len)) != CKR_OK) {
		free(out);
		return p11_fail(ctx, p, "signing", rv);
	}
	if (p->key_type == CKK_EC_EDWARDS) {
		*sig = out;
		*siglen = len;
		return MV_OK;
	}
	if (len % 2) {
		free(out);
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "PKCS#11 token '%s': an ECDSA signature of "
		    "odd length", p->label);
	}
	st = ecdsa_der(ctx, out, len, sig, siglen);
	free(out);
	return st;
}

void
mv_p11_close(struct mv_p11 *p)
{
	if (p == NULL)
		return;
	if (p->has_session)
		p->f->C_CloseSession(p->session);
	if (p->initialized)
		p->f->C_Finalize(NULL);
	if (p->dl)
		dlclose(p->dl);
	free(p);
}

/* ---- new key pairs ---- */

mv_status
mv_keygen_pkcs11(struct mv_ctx *ctx, enum mv_key_type type, const char *uri,
    const struct mv_pkcs11_opts *o, const char *prefix, char *hint)
{
	struct mv_p11_uri u;
	struct mv_p11 *p = NULL;
	char *pubpath = mv_asprintf("%s.pub", prefix), *pem = NULL;
	size_t pemlen = 0;
	const unsigned char *params;
	size_t plen;
	unsigned char rid[16];
	const void *id;
	size_t idlen;
	CK_OBJECT_HANDLE h[MAX_OBJECTS], pubh, privh;
	CK_ULONG n = 0;
	CK_MECHANISM mech = {CKM_EC_KEY_PAIR_GEN, NULL, 0};
	CK_MECHANISM_INFO mi;
	CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
	EVP_PKEY *pub = NULL;
	struct stat sb;
	CK_RV rv;
	mv_status st;

	memset(&u, 0, sizeof(u));
	if (pubpath == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* Checked before the token is touched: a refusal leaves no orphan key on it. */
	if (lstat(pubpath, &sb) == 0) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: already exists (keygen never overwrites "
		    "a key)", pubpath);
		goto done;
	}
	switch (type) {
	case MV_KEY_P256: params = oid_p256, plen = sizeof(oid_p256); break;
	case MV_KEY_P384: params = oid_p384, plen = sizeof(oid_p384); break;
	case MV_KEY_P521: params = oid_p521, plen = sizeof(oid_p521); break;
	default:
		params = oid_ed25519, plen = sizeof(oid_ed25519);
		mech.mechanism = CKM_EC_EDWARDS_KEY_PAIR_GEN;
		break;
	}
	if ((st = p11_start(ctx, uri, o, 1, &u, &p)) != MV_OK)
		goto done;
	if (u.object == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: name the new key with object=");
		goto done;
	}
	{
		CK_SESSION_INFO si;

		if (p->f->C_GetSessionInfo(p->session, &si) != CKR_OK ||
		    p->f->C_GetMechanismInfo(si.slotID, mech.mechanism, &mi) != CKR_OK ||
		    !(mi.flags & CKF_GENERATE_KEY_PAIR)) {
			st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "PKCS#11 token '%s' cannot make %s "
			    "keys", p->label, type == MV_KEY_ED25519 ? "Ed25519" : "EC");
			goto done;
		}
	}
	if (u.id) {
		id = u.id;
		idlen = u.id_len;
	} else {
		if (RAND_bytes(rid, sizeof(rid)) != 1) {
			st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "no random bytes for the key's id");
			goto done;
		}
		id = rid;
		idlen = sizeof(rid);
	}
	/* Never a second key under a label or id already in use: signing would not know which. */
	if ((st = find(ctx, p, CKO_PRIVATE_KEY, u.object, NULL, 0, h, &n)) != MV_OK)
		goto done;
	if (n == 0 && (st = find(ctx, p, CKO_PRIVATE_KEY, NULL, id, idlen, h, &n)) != MV_OK)
		goto done;
	if (n > 0) {
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 token '%s': a private key with this "
		    "object or id exists already (keygen never overwrites a key)", p->label);
		goto done;
	}
	{
		CK_ATTRIBUTE pubt[] = {
			{CKA_TOKEN, &yes, sizeof(yes)},
			{CKA_VERIFY, &yes, sizeof(yes)},
			{CKA_EC_PARAMS, mv_unconst(params), plen},
			{CKA_LABEL, u.object, strlen(u.object)},
			{CKA_ID, mv_unconst(id), idlen},
		};
		CK_ATTRIBUTE privt[] = {
			{CKA_TOKEN, &yes, sizeof(yes)},
			{CKA_PRIVATE, &yes, sizeof(yes)},
			{CKA_SENSITIVE, &yes, sizeof(yes)},
			{CKA_EXTRACTABLE, &no, sizeof(no)},
			{CKA_SIGN, &yes, sizeof(yes)},
			{CKA_LABEL, u.object, strlen(u.object)},
			{CKA_ID, mv_unconst(id), idlen},
		};

		rv = p->f->C_GenerateKeyPair(p->session, &mech, pubt,
		    sizeof(pubt) / sizeof(pubt[0]), privt, sizeof(privt) / sizeof(privt[0]), &pubh,
		    &privh);
		if (rv != CKR_OK) {
			st = p11_fail(ctx, p, "generating the key pair", rv);
			goto done;
		}
	}
	if ((st = pub_read(ctx, p, NULL, id, idlen, &pub)) != MV_OK) {
		if (st == MV_ERR_NOTFOUND)
			st = mv_ctx_fail(ctx, MV_ERR_CRYPTO, "PKCS#11 token '%s': the new public key "
			    "cannot be read back", p->label);
		goto destroy;
	}
	if ((st = mv_key_pub_pem(ctx, pub, &pem, &pemlen)) != MV_OK ||
	    (st = mv_file_write_new(ctx, pubpath, pem, pemlen, 0644)) != MV_OK)
		goto destroy;
	if (hint && mv_key_hint(pub, hint) != MV_OK)
		hint[0] = '\0';
	goto done;
destroy:
	/* A key nobody has the public half of is only clutter on the token. */
	p->f->C_DestroyObject(p->session, privh);
	p->f->C_DestroyObject(p->session, pubh);
done:
	EVP_PKEY_free(pub);
	free(pem);
	free(pubpath);
	mv_p11_uri_free(&u);
	mv_p11_close(p);
	return st;
}
