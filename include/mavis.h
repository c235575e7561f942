/* SPDX-License-Identifier: Apache-2.0 */
/* mavis.h: the public interface of libmavis, the model artifact integrity scanner. */
#ifndef MAVIS_H
#define MAVIS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define MV_EXPORT __attribute__((visibility("default")))
#define MV_CHECK __attribute__((warn_unused_result))
#define MV_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define MV_EXPORT
#define MV_CHECK
#define MV_PRINTF(f, a)
#endif

#include "mavis-version.h"

/*
 * THREAD SAFETY: a context is used by one caller thread at a time. mv_run() starts its own
 * worker threads internally and joins them before it returns.
 */

/* Every function that can fail returns one of these; the text of the last error is on the
 * context (mv_ctx_error). */
typedef enum mv_status {
	MV_OK = 0,
	MV_ERR_IO,          /* reading or writing a file failed */
	MV_ERR_FORMAT,      /* input is malformed */
	MV_ERR_LIMIT,       /* a configured limit was reached */
	MV_ERR_NOMEM,       /* out of memory */
	MV_ERR_CRYPTO,      /* a cryptographic operation failed */
	MV_ERR_USAGE,       /* the caller passed an invalid argument */
	MV_ERR_UNSUPPORTED, /* the input uses a feature mavis does not support */
	MV_ERR_NOTFOUND,    /* a named file or item does not exist */
	MV_ERR_VERIFY,      /* a signature or digest did not verify */
	MV_ERR_INTERNAL     /* a bug in mavis */
} mv_status;

enum mv_severity {
	MV_SEV_INFO = 0,
	MV_SEV_LOW,
	MV_SEV_MEDIUM,
	MV_SEV_HIGH,
	MV_SEV_CRITICAL
};

/* Limits: every bound the scanner enforces. Names (mv_limit_name) double as command-line
 * option names. Reaching a limit is a finding of its own, never a silent stop. */
enum mv_limit {
	MV_LIMIT_DEPTH = 0,      /* nesting depth of archives inside archives */
	MV_LIMIT_ENTRIES,        /* entries (files, members, links) in one run */
	MV_LIMIT_BYTES,          /* bytes decompressed out of archives in one run */
	MV_LIMIT_RATIO,          /* expansion ratio of one archive member */
	MV_LIMIT_RATIO_FLOOR,    /* bytes a member must produce before its ratio is judged */
	MV_LIMIT_SPOOL,          /* bytes of one nested archive copied aside for random access */
	MV_LIMIT_SPOOL_MEMORY,   /* spool size kept in memory before moving to a temp file */
	MV_LIMIT_NAME,           /* bytes in one entry name or link target */
	MV_LIMIT_HEADER,         /* bytes of one format header parsed in memory */
	MV_LIMIT_JSON_DEPTH,     /* nesting depth of a JSON document */
	MV_LIMIT_PICKLE_OPS,     /* opcodes in one pickle stream */
	MV_LIMIT_PICKLE_STACK,   /* depth of the pickle machine's stack */
	MV_LIMIT_PICKLE_MEMO,    /* entries in one pickle memo */
	MV_LIMIT_PICKLE_STREAMS, /* pickle streams analysed in one entry */
	MV_LIMIT_PICKLE_MEMORY,  /* bytes of values one pickle stream keeps for the analysis */
	MV_LIMIT_SECONDS,        /* seconds one run may take reading its inputs; 0: no limit */
	MV_LIMIT__COUNT
};

/* Digest algorithms, as a bit mask: one read of each byte feeds every digest asked for. */
enum mv_hash {
	MV_HASH_SHA256 = 1u << 0,
	MV_HASH_SHA384 = 1u << 1,
	MV_HASH_SHA512 = 1u << 2,
	MV_HASH_BLAKE2B = 1u << 3, /* BLAKE2b-512, as hashlib.blake2b() */
	MV_HASH_BLAKE3 = 1u << 4,  /* BLAKE3, 32 bytes, as b3sum */
	MV_HASH__ALL = 0x1fu
};
#define MV_HASH_MAX 5        /* algorithms in enum mv_hash */
#define MV_DIGEST_MAX 64     /* bytes in the longest digest */

/* Run flags (mv_ctx_set_flags). */
#define MV_RUN_FOLLOW_SYMLINKS 0x1u /* follow symlinks that stay inside the package root */
#define MV_RUN_NO_RECURSE 0x2u      /* do not look inside archives */
#define MV_RUN_ANALYSE 0x4u         /* run the content analysers (mavis scan) */

enum mv_entry_type {
	MV_ENTRY_FILE = 0,
	MV_ENTRY_SYMLINK,
	MV_ENTRY_HARDLINK,
	MV_ENTRY_DIR,
	MV_ENTRY_CHARDEV,
	MV_ENTRY_BLOCKDEV,
	MV_ENTRY_FIFO,
	MV_ENTRY_SOCKET,
	MV_ENTRY_OTHER
};

/* Entry flags. */
#define MV_ENTRY_INCOMPLETE 0x1u /* not every byte could be read; digests are absent */
#define MV_ENTRY_CONTAINER 0x2u  /* an archive whose members follow it in the result */
#define MV_ENTRY_CACHE_LINK 0x4u /* a Hugging Face snapshot's link into its repository's
                                  * blobs/: the cache's layout, read and signed as the file */

struct mv_digest {
	unsigned alg;                    /* one enum mv_hash bit */
	unsigned len;                    /* bytes used in value */
	unsigned char value[MV_DIGEST_MAX];
};

struct mv_shard {
	uint64_t start, end;             /* byte range [start, end) of the file */
	struct mv_digest digest[MV_HASH_MAX];
};

/* One entry of the package: a file, a link, or an archive member. Owned by the result. */
struct mv_entry {
	const char *path;        /* as displayed: the input, "/" joins, "!/" enters an archive */
	const char *name;        /* relative to the input root (a file input: its base name) */
	const char *input;       /* the input (command-line path) this entry came from */
	const char *link;        /* link target, or NULL */
	const char *format;      /* format recognised from the content, or NULL */
	enum mv_entry_type type;
	unsigned depth;          /* 0 outside archives, 1 inside one archive, ... */
	unsigned flags;          /* MV_ENTRY_* */
	uint64_t size;           /* bytes of content (decompressed for archive members) */
	unsigned ndigest;
	struct mv_digest digest[MV_HASH_MAX];
	size_t nshard;           /* shards when a shard size is set, else 0 */
	const struct mv_shard *shard;
	const char *title;       /* the file name the package gives a content-addressed blob
	                          * (an OCI layout's title annotation), or NULL */
};

/* One finding: a fact about the package that a policy judges. Owned by the result. */
struct mv_finding {
	const char *rule;        /* stable dotted id, e.g. "archive.path.traversal" */
	enum mv_severity severity;
	const char *path;        /* entry path in the displayed form, or "" for the package */
	int64_t offset;          /* byte offset in the entry where it applies, or -1 */
	const char *evidence;    /* one printable line */
};

struct mv_ctx;
struct mv_result;

MV_EXPORT const char *mv_version(void);
/* The version of a library mavis runs on, as loaded: component "openssl", "libarchive",
 * "zlib", "jansson" or "libyaml"; NULL for any other. Static strings. */
MV_EXPORT const char *mv_version_of(const char *component);
MV_EXPORT const char *mv_strerror(mv_status status);
MV_EXPORT const char *mv_severity_name(enum mv_severity sev);
MV_EXPORT MV_CHECK mv_status mv_severity_parse(const char *s, enum mv_severity *out);

/* A context holds options, limits and the last error text. */
MV_EXPORT struct mv_ctx *mv_ctx_new(void);
MV_EXPORT void mv_ctx_free(struct mv_ctx *ctx);
/* The text of the last error; valid until the next call on ctx. */
MV_EXPORT const char *mv_ctx_error(const struct mv_ctx *ctx);

MV_EXPORT const char *mv_limit_name(enum mv_limit lim);
MV_EXPORT const char *mv_limit_help(enum mv_limit lim);
MV_EXPORT MV_CHECK mv_status mv_limit_lookup(const char *name, enum mv_limit *out);
MV_EXPORT MV_CHECK mv_status mv_ctx_set_limit(struct mv_ctx *ctx, enum mv_limit lim, uint64_t value);
MV_EXPORT uint64_t mv_ctx_limit(const struct mv_ctx *ctx, enum mv_limit lim);

/* Worker threads; 0 means one per online CPU. */
MV_EXPORT void mv_ctx_set_jobs(struct mv_ctx *ctx, unsigned jobs);
/* Digest algorithms (enum mv_hash mask); default MV_HASH_SHA256. */
MV_EXPORT MV_CHECK mv_status mv_ctx_set_hashes(struct mv_ctx *ctx, unsigned mask);
/* Split files into shards of this many bytes, each hashed on its own (OpenSSF Model Signing
 * shard serialization); 0 hashes whole files. */
MV_EXPORT MV_CHECK mv_status mv_ctx_set_shard_size(struct mv_ctx *ctx, uint64_t bytes);
MV_EXPORT void mv_ctx_set_flags(struct mv_ctx *ctx, unsigned flags);
/* Names (relative to each input root, POSIX form) left out of the walk, with their subtrees. */
MV_EXPORT MV_CHECK mv_status mv_ctx_add_ignore(struct mv_ctx *ctx, const char *name);
/* Called from the caller's thread during mv_run with entries done and known so far. */
typedef void (*mv_progress_fn)(void *arg, uint64_t done_bytes, uint64_t total_bytes,
    uint64_t done_entries);
MV_EXPORT void mv_ctx_set_progress(struct mv_ctx *ctx, mv_progress_fn fn, void *arg);
/* The signatures folder (rules, provision table, detection lists): dir, or NULL for the
 * default, which is $MAVIS_SIGNATURES when set and not empty, else the installed folder (or,
 * for a mavis not installed yet, the signatures folder of the source tree it was built from). */
MV_EXPORT MV_CHECK mv_status mv_ctx_set_signatures(struct mv_ctx *ctx, const char *dir);
/* The signatures folder in use; valid until the next mv_ctx_set_signatures or the free. */
MV_EXPORT const char *mv_ctx_signatures(const struct mv_ctx *ctx);
/* The detection lists of the signatures folders (pickle, Keras, NeMo and TensorFlow allow and
 * deny lists) are read once and shared by every run of the process. After a reload, runs
 * that start read them again from disk; runs in flight keep what they have, which is freed
 * when the last of them ends. A service calls it when the folder changed (on SIGHUP, say).
 * rules.tsv and principles.tsv are read by each mv_rules_load and need no reload. */
MV_EXPORT void mv_signatures_reload(void);
/* What reports call standard input ("-" among the inputs of mv_run): an upload's name, as
 * a registry hook knows it; NULL for "-". Its members read NAME!/MEMBER. */
MV_EXPORT MV_CHECK mv_status mv_ctx_set_stdin_name(struct mv_ctx *ctx, const char *name);
/* How oci://HOST[:PORT]/REPO[:TAG|@DIGEST] inputs of mv_run reach their registry: the
 * Authorization header value sent to it ("Basic ..." or "Bearer ..."; a Basic one is also
 * what a token service is asked with), NULL for none, and MV_REGISTRY_INSECURE for plain HTTP
 * to any host (HTTPS otherwise, except to a loopback address). Copied. */
MV_EXPORT MV_CHECK mv_status mv_ctx_set_registry(struct mv_ctx *ctx, const char *authorization,
    unsigned flags);
/* The Authorization header value for the registry of an oci:// reference: "Basic" over
 * userpass ("USER:PASSWORD") when given, else the "auths" entry for its host in the Docker
 * configuration ($DOCKER_CONFIG/config.json, else ~/.docker/config.json); *out NULL when
 * neither has one. *out is the caller's to free(3). */
MV_EXPORT MV_CHECK mv_status mv_registry_credentials(struct mv_ctx *ctx, const char *ref,
    const char *userpass, char **out);

MV_EXPORT const char *mv_hash_name(unsigned alg);
MV_EXPORT MV_CHECK mv_status mv_hash_lookup(const char *name, unsigned *alg);

/*
 * Walk every input (a directory, a file, an archive, or "-" for standard input), hash every
 * entry and, with MV_RUN_ANALYSE, analyse its content. Problems found in the package are
 * findings in the result; the return value is not MV_OK only when the run itself could not be
 * made (an input missing, out of memory). The result belongs to the caller (mv_result_free).
 */
MV_EXPORT MV_CHECK mv_status mv_run(struct mv_ctx *ctx, const char *const *inputs, size_t ninputs,
    struct mv_result **out);

MV_EXPORT size_t mv_result_entry_count(const struct mv_result *res);
MV_EXPORT const struct mv_entry *mv_result_entry(const struct mv_result *res, size_t i);
MV_EXPORT size_t mv_result_finding_count(const struct mv_result *res);
MV_EXPORT const struct mv_finding *mv_result_finding(const struct mv_result *res, size_t i);
/* Findings at or above sev. */
MV_EXPORT size_t mv_result_count_at_least(const struct mv_result *res, enum mv_severity sev);
/* True when some entry could not be fully read or analysed. */
MV_EXPORT int mv_result_incomplete(const struct mv_result *res);
MV_EXPORT size_t mv_result_input_count(const struct mv_result *res);
MV_EXPORT const char *mv_result_input(const struct mv_result *res, size_t i);
/* Where input i came from, when mavis can tell: a Hugging Face cache snapshot (named by path
 * or as hf://ORG/NAME[@REVISION]) or a folder hf download --local-dir wrote. The strings
 * belong to the result; fields mavis does not know are NULL. */
struct mv_source {
	const char *kind;        /* "huggingface-cache" or "huggingface-local-dir" */
	const char *uri;         /* the hf:// name given, or NULL for a path */
	const char *repo_type;   /* "model", "dataset" or "space" */
	const char *repo;        /* "org/name" */
	const char *revision;    /* the revision asked for, else the refs naming the commit */
	const char *commit;      /* 40 hexadecimal digits */
	const char *path;        /* the folder read (the snapshot) */
};
MV_EXPORT const struct mv_source *mv_result_source(const struct mv_result *res, size_t i);
/* True when input i was standard input (whatever mv_ctx_set_stdin_name called it). */
MV_EXPORT int mv_result_input_is_stdin(const struct mv_result *res, size_t i);
MV_EXPORT void mv_result_free(struct mv_result *res);

/* The result as a JSON inventory (schema in mavis-json(5)): inputs, every entry with its
 * size, format and digests (shards too), and the findings. */
MV_EXPORT MV_CHECK mv_status mv_inventory_write_json(struct mv_ctx *ctx,
    const struct mv_result *res, FILE *out);
MV_EXPORT const char *mv_entry_type_name(enum mv_entry_type type);

/* A name (an entry path, an input) as text output shows it, safe on a terminal: backslashes
 * doubled, control characters and bytes outside UTF-8 as \n, \t, \xNN, and the C1 and
 * bidirectional control characters as \uNNNN (a name cannot move the cursor, recolour the
 * terminal or read backwards). Findings' evidence is escaped the same way. */
MV_EXPORT void mv_print_name(FILE *out, const char *name);

/* Lowercase hex of a digest into out (2 * MV_DIGEST_MAX + 1 bytes). */
MV_EXPORT void mv_digest_hex(const struct mv_digest *d, char *out);

/*
 * Checksum lists: the lines "sha256sum" prints ("HEX  PATH", with the backslash escape for
 * names holding a newline, carriage return or backslash), BSD tags ("SHA256 (PATH) = HEX"),
 * shard lines ("HEX  PATH:START:END") and mavis's own JSON inventory.
 */
#define MV_SUMS_TAG 0x1u     /* write BSD tag lines (required for several algorithms) */

/* One line for the digest d of path into buf (NUL-terminated, newline included); shard is
 * NULL for whole files. Returns the length, or the size needed when it is >= bufsize. */
MV_EXPORT size_t mv_sums_line(char *buf, size_t bufsize, const char *path,
    const struct mv_digest *d, const struct mv_shard *shard, unsigned flags);

struct mv_sums;
enum mv_check {
	MV_CHECK_OK = 0,
	MV_CHECK_CHANGED,     /* digest differs */
	MV_CHECK_MISSING,     /* listed, not found */
	MV_CHECK_EXTRA,       /* found, not listed */
	MV_CHECK_UNREADABLE   /* found, could not be read to the end */
};
MV_EXPORT const char *mv_check_name(enum mv_check c);
/* Read a checksum list (text or JSON). Untagged digests have the length of more than one
 * algorithm: default_alg (an enum mv_hash mask) says which to take: 64 hex digits are BLAKE3
 * when it has MV_HASH_BLAKE3 (b3sum's lines), else SHA-256; 128 are BLAKE2b when it has
 * MV_HASH_BLAKE2B, else SHA-512. With shard_size, "PATH:START:END" names are shards. */
MV_EXPORT MV_CHECK mv_status mv_sums_load(struct mv_ctx *ctx, const char *file,
    unsigned default_alg, struct mv_sums **out);
/* Digest algorithms the list uses (enum mv_hash mask), and shard size (0: whole files). */
MV_EXPORT unsigned mv_sums_hashes(const struct mv_sums *sums);
MV_EXPORT uint64_t mv_sums_shard_size(const struct mv_sums *sums);
/* The inputs to walk again: those recorded in a JSON list; for text, the folder that holds
 * every listed path when there is one, else the listed paths themselves. */
MV_EXPORT size_t mv_sums_root_count(const struct mv_sums *sums);
MV_EXPORT const char *mv_sums_root(const struct mv_sums *sums, size_t i);
typedef void (*mv_check_fn)(void *arg, const char *path, enum mv_check what,
    const char *detail);
/* Compare the list with a fresh run over its roots: fn is called for every listed path (in
 * list order) and then every extra entry (in walk order). *ndiff counts non-OK results. */
MV_EXPORT MV_CHECK mv_status mv_sums_check(const struct mv_sums *sums,
    const struct mv_result *res, mv_check_fn fn, void *arg, size_t *ndiff);
MV_EXPORT void mv_sums_free(struct mv_sums *sums);

/*
 * OpenSSF Model Signing (OMS): sign a model (a folder, a file, or an archive of files) into a
 * Sigstore bundle v0.3 holding a DSSE envelope with an in-toto Statement v1, and verify such
 * bundles as written by the reference tool model_signing (0.2 to 1.1) and by the OMS v1.0
 * specification. Keys are ECDSA P-256, P-384, P-521 (with SHA-256, -384, -512) or Ed25519.
 */
enum mv_sig_method {
	MV_SIG_NONE = 0,
	MV_SIG_KEY,             /* a public key: bundle publicKey */
	MV_SIG_CERTIFICATE,     /* an X.509 chain to a root CA: bundle x509CertificateChain */
	MV_SIG_SIGSTORE         /* Sigstore keyless (Fulcio certificate, Rekor entry) */
};

/* How an archive given as the model is signed. */
enum mv_sig_archive {
	MV_SIG_ARCHIVE_AUTO = 0, /* tar (compressed or not): its members; other files: whole */
	MV_SIG_ARCHIVE_MEMBERS,  /* the members of any archive mavis can read */
	MV_SIG_ARCHIVE_WHOLE     /* the archive as one file, as model_signing does */
};

/* Which time a certificate chain is validated at. */
enum mv_cert_time {
	MV_CERT_TIME_NOW = 0,    /* now: an expired signing certificate fails (OMS v1.0) */
	MV_CERT_TIME_ISSUED      /* the leaf's notBefore, as model_signing does */
};

/* How a key on a PKCS#11 token is reached (a "pkcs11:" key, RFC 7512). The PIN comes from
 * the URI's pin-value or pin-source, else pin, else the prompt, when the token asks for one. */
struct mv_pkcs11_opts {
	const char *module;             /* the module (shared object) to load; NULL: the URI's
	                                 * module-path */
	const char *pin;                /* the user PIN, or NULL */
	size_t pin_len;
	/* Ask for the PIN of the token labelled token: write it into buf (size bytes) and return
	 * its length, or -1 when it cannot be asked (no terminal). NULL: never ask. */
	int (*prompt)(void *arg, const char *token, char *buf, size_t size);
	void *prompt_arg;
};

struct mv_sign_opts {
	size_t size;                    /* sizeof(struct mv_sign_opts), as the caller built it:
	                                 * start from MV_SIGN_OPTS_INIT (see mv_scan_opts) */
	const char *key;                /* PEM private key (PKCS#8, optionally encrypted), or a
	                                 * PKCS#11 URI ("pkcs11:token=...;object=...") */
	struct mv_pkcs11_opts pkcs11;   /* for a PKCS#11 key */
	const char *passphrase;         /* of an encrypted key, or NULL */
	size_t passphrase_len;
	const char *cert;               /* PEM signing certificate (certificate method), or NULL */
	const char *const *chain;       /* PEM files of intermediate certificates, in order */
	size_t nchain;
	const char *signature;          /* file to write; NULL: mv_sig_default_path */
	const char *const *ignore;      /* paths left out, relative to the model root */
	size_t nignore;
	int no_git_ignores;             /* also sign .git, .github, .gitattributes, .gitignore */
	unsigned hash;                  /* MV_HASH_SHA256 (0 means it), MV_HASH_BLAKE2B or
	                                 * MV_HASH_BLAKE3 (whole files: with a shard size the
	                                 * files are still hashed whole, as model_signing does) */
	uint64_t shard_size;            /* 0: a digest per file; else per shard of this size */
	int allow_symlinks;             /* follow symlinks that stay inside the model */
	enum mv_sig_archive archive;
	const char *model_name;         /* statement subject name; NULL: the model's name */
	enum mv_sig_method *method;     /* when not NULL, receives the method signed with (a
	                                 * token's certificate for its key makes it
	                                 * MV_SIG_CERTIFICATE without cert) */
	int keyless;                    /* Sigstore keyless instead of key: an ephemeral key, a
	                                 * Fulcio certificate for the OIDC identity, the entry
	                                 * logged in Rekor (network) */
	const char *identity_token;     /* keyless: the OIDC token, or "@FILE" to read it from;
	                                 * NULL: GitHub Actions' (ACTIONS_ID_TOKEN_REQUEST_URL
	                                 * and _TOKEN, audience sigstore) */
	const char *signing_config;     /* keyless: a Sigstore signing_config.json naming the
	                                 * services; NULL: the public-good instance */
	int staging;                    /* keyless without signing_config: Sigstore's staging
	                                 * instance */
	const char *attest;             /* a JSON file {"predicateType": URI, "predicate": {...}}:
	                                 * also sign an in-toto Statement of that predicate over
	                                 * the signature's subject, written as a Sigstore bundle
	                                 * line to mv_attest_default_path(signature), which the
	                                 * signature leaves out; or NULL */
};
#define MV_SIGN_OPTS_INIT {.size = sizeof(struct mv_sign_opts)}

struct mv_verify_opts {
	size_t size;                    /* sizeof(struct mv_verify_opts), as the caller built it:
	                                 * start from MV_VERIFY_OPTS_INIT (see mv_scan_opts) */
	const char *signature;          /* NULL: model.sig in a folder, the member model.sig of an
	                                 * archive, else MODEL.sig beside a file or archive */
	const char *public_key;         /* PEM public key: key method */
	const char *const *roots;       /* PEM files of trusted root CAs: certificate method */
	size_t nroots;
	const char *const *ignore;      /* paths left out, relative to the model root */
	size_t nignore;
	int no_git_ignores;
	int ignore_unsigned;            /* files the signature does not name are not differences */
	int allow_symlinks;             /* follow symlinks inside the model even when the
	                                 * signature says it did not */
	enum mv_cert_time cert_time;
	const char *trusted_root;       /* Sigstore trusted_root.json: keyless method (offline) */
	const char *identity;           /* keyless: the certificate's e-mail or URI SAN (needed) */
	const char *issuer;             /* keyless: the OIDC issuer it records (needed) */
};
#define MV_VERIFY_OPTS_INIT {.size = sizeof(struct mv_verify_opts)}

enum mv_verify_status {
	MV_VERIFY_VALID = 0,            /* the signature verifies and every file matches it */
	MV_VERIFY_FAILED,               /* differences: see the report's list */
	MV_VERIFY_INCOMPLETE,           /* some file could not be read: never valid */
	MV_VERIFY_NO_SIGNATURE,         /* no signature where one was looked for */
	MV_VERIFY_UNVERIFIED            /* a signature, but no trust material to check it with */
};

enum mv_sig_diff_kind {
	MV_DIFF_CHANGED = 0,    /* a file's digest differs from the signed one */
	MV_DIFF_MISSING,        /* signed, not in the model */
	MV_DIFF_EXTRA,          /* in the model, not signed */
	MV_DIFF_UNREADABLE,     /* could not be read to the end */
	MV_DIFF_REFUSED,        /* cannot be signed or compared: a symlink, a special file */
	MV_DIFF_BAD_SIGNATURE,  /* the envelope's signature does not verify */
	MV_DIFF_WRONG_KEY,      /* signed with another key than the one given */
	MV_DIFF_UNTRUSTED,      /* the certificate chain does not lead to a given root, or
	                         * (keyless) the log entry or identity does not check out */
	MV_DIFF_WRONG_METHOD,   /* e.g. a certificate bundle checked with a key */
	MV_DIFF_MALFORMED,      /* the bundle, envelope or statement is broken */
	MV_DIFF_INCONSISTENT,   /* the statement contradicts itself (root digest, duplicates) */
	MV_DIFF_UNSUPPORTED,    /* a format or method mavis does not check */
	MV_DIFF_WRONG_MODEL     /* the signature covers one file and a folder was given */
};

/* One difference; name is model-relative ("" for the signature itself). */
struct mv_sig_diff {
	enum mv_sig_diff_kind kind;
	const char *name;
	const char *detail;             /* one printable line */
};

struct mv_verify_report;

MV_EXPORT const char *mv_sig_method_name(enum mv_sig_method m);
MV_EXPORT const char *mv_sig_diff_name(enum mv_sig_diff_kind k);
MV_EXPORT const char *mv_verify_status_name(enum mv_verify_status s);

/* The signature file mv_sign writes by default for model: MODEL/model.sig for a folder,
 * MODEL.sig beside a file or an archive. The string belongs to the caller (free). */
MV_EXPORT MV_CHECK mv_status mv_sig_default_path(struct mv_ctx *ctx, const char *model,
    char **out);

/* Where mavis sign --attest writes the attestation for the signature file sig (and mavis
 * verify looks for it): SIG with its .sig replaced by .intoto.jsonl (model.sig:
 * model.intoto.jsonl), else SIG.intoto.jsonl. The string belongs to the caller (free). */
MV_EXPORT MV_CHECK mv_status mv_attest_default_path(struct mv_ctx *ctx, const char *sig,
    char **out);
/* Attestations beside the signature that verified (mv_verify). */
MV_EXPORT size_t mv_verify_report_attestations(const struct mv_verify_report *r);

/* Sign the model and write the signature atomically; *nresources (when not NULL) is the
 * number of resources signed. An empty model, a symlink without allow_symlinks, a symlink out
 * of the model, a special file or an unreadable file stop it with the reason on ctx. */
MV_EXPORT MV_CHECK mv_status mv_sign(struct mv_ctx *ctx, const struct mv_sign_opts *opts,
    const char *model, size_t *nresources);

/* The root digest a signature of the model would sign: the statement's subject, SHA-256 over
 * the resources' digests in order, with the model hashed exactly as mv_sign hashes it (the
 * signature file opts->signature or the default one left out). The key and certificate
 * options are not used. *nresources (when not NULL) is the number of resources. */
MV_EXPORT MV_CHECK mv_status mv_sign_digest(struct mv_ctx *ctx, const struct mv_sign_opts *opts,
    const char *model, unsigned char root[32], size_t *nresources);

/* Verify the model against its signature. MV_OK only when the signature verifies and every
 * file matches it (MV_VERIFY_VALID). MV_ERR_VERIFY when a report was made that concludes
 * anything else: *out then holds that report (its status and differences say why; free it).
 * Other errors (a missing model or signature file, unreadable trust material, no memory)
 * leave *out NULL. ctx supplies jobs and limits. */
MV_EXPORT MV_CHECK mv_status mv_verify(struct mv_ctx *ctx, const struct mv_verify_opts *opts,
    const char *model, struct mv_verify_report **out);
/* The same for input i of a run already made (mavis scan): its digests are used when they
 * fit the signature (whole-file SHA-256 in the common case), else the model is hashed again
 * with the signature's serialization. */
MV_EXPORT MV_CHECK mv_status mv_verify_result(struct mv_ctx *ctx,
    const struct mv_verify_opts *opts, const struct mv_result *res, size_t input,
    struct mv_verify_report **out);

MV_EXPORT enum mv_verify_status mv_verify_report_status(const struct mv_verify_report *r);
MV_EXPORT enum mv_sig_method mv_verify_report_method(const struct mv_verify_report *r);
/* Format found, e.g. "OMS v1.0" or "OMS v0.1 (Digests)"; NULL when none was read. */
MV_EXPORT const char *mv_verify_report_format(const struct mv_verify_report *r);
/* Which writer's layout the bundle has, e.g. "model_signing 1.1 or later"; may be NULL. */
MV_EXPORT const char *mv_verify_report_producer(const struct mv_verify_report *r);
/* The signer: key type and hint (SHA-256 of its PEM form), or the certificate's subject and
 * issuer; NULL when not known. */
MV_EXPORT const char *mv_verify_report_signer(const struct mv_verify_report *r);
/* Where the signature was read from; NULL when none was found. */
MV_EXPORT const char *mv_verify_report_signature(const struct mv_verify_report *r);
MV_EXPORT size_t mv_verify_report_resources(const struct mv_verify_report *r);
/* What a signing certificate that was accepted has that a signing leaf should not: the
 * reference tool accepts both, a policy may refuse them (rules signature.cert.*). */
enum {
	MV_VERIFY_NOTE_CERT_NO_EKU = 1u << 0,   /* no extended key usage extension */
	MV_VERIFY_NOTE_CERT_CA = 1u << 1        /* basicConstraints CA:TRUE */
};
/* MV_VERIFY_NOTE_* bits, 0 when there is nothing to note. */
MV_EXPORT unsigned mv_verify_report_notes(const struct mv_verify_report *r);
MV_EXPORT size_t mv_verify_report_diff_count(const struct mv_verify_report *r);
MV_EXPORT const struct mv_sig_diff *mv_verify_report_diff(const struct mv_verify_report *r,
    size_t i);
MV_EXPORT void mv_verify_report_free(struct mv_verify_report *r);

/* Add the report's conclusions to a run's findings (rules signature.*, and
 * integrity.digest.mismatch for a changed file), with paths in the displayed form of input i. */
MV_EXPORT MV_CHECK mv_status mv_verify_report_findings(const struct mv_verify_report *r,
    struct mv_result *res, size_t input);

/*
 * The one call for mavis scan: look for input i's signature (opts->signature or the default
 * place); none is finding signature.missing; one with no trust material in opts (no
 * public_key, roots or trusted_root) is signature.unverified; otherwise it is verified against
 * the run
 * (mv_verify_result) and every difference becomes a finding. *out (when not NULL) receives the
 * report. Returns MV_OK unless the check itself could not be made.
 */
MV_EXPORT MV_CHECK mv_status mv_signature_check(struct mv_ctx *ctx,
    const struct mv_verify_opts *opts, struct mv_result *res, size_t input,
    struct mv_verify_report **out);

/*
 * Provenance shipped with a model: in-toto attestations (a DSSE envelope, or a Sigstore
 * bundle around one) in files named *.intoto.jsonl, *.intoto.json, *.sigstore.json or
 * *.sigstore at the top of a folder input or in its attestations/ folder, or beside a file
 * input (FILE.intoto.jsonl, FILE.sigstore.json). Their signatures are checked with the trust
 * material of opts, every subject is matched against the files of the run (and against the
 * model's OMS root digest when sig, the input's verified signature report, gives one), and
 * SLSA provenance (v1, v0.2) is read for its builder, source and resolved dependencies.
 */
enum mv_attest_state {
	MV_ATTEST_VERIFIED = 0,  /* its signature verified with the trust material given */
	MV_ATTEST_UNVERIFIED,    /* signed, but no trust material to check it with */
	MV_ATTEST_UNSIGNED,      /* a DSSE envelope without signatures */
	MV_ATTEST_INVALID        /* the signature does not verify: its claims are not read */
};
/* A resolved dependency of a build (SLSA resolvedDependencies or materials). */
struct mv_dependency {
	const char *name;        /* or NULL */
	const char *uri;         /* or NULL */
	const char *digest;      /* "ALG:HEX" (sha256 when given), or NULL */
	const char *kind;        /* "model", "dataset", "source" or "other" */
};
/* One attestation of an input. The strings belong to the result. */
struct mv_provenance {
	const char *input;
	const char *file;           /* where it was read (":LINE" for JSON Lines) */
	enum mv_attest_state state;
	const char *signer;         /* when verified, or NULL */
	const char *predicate_type;
	const char *builder;        /* SLSA builder id, or NULL */
	const char *build_type;     /* SLSA build type, or NULL */
	const char *source_repo;    /* the source repository, or NULL */
	const char *source_commit;  /* its git commit, or NULL */
	size_t nsubjects;
	size_t nmatched;            /* subjects found among the files with their digests */
	size_t ndeps;
	const struct mv_dependency *deps;
};
MV_EXPORT const char *mv_attest_state_name(enum mv_attest_state s);
MV_EXPORT size_t mv_result_provenance_count(const struct mv_result *res);
MV_EXPORT const struct mv_provenance *mv_result_provenance(const struct mv_result *res,
    size_t i);
/* Read, verify and match the attestations of input i; problems become findings of the run
 * (rules attestation.*), the attestations provenance records. sig may be NULL. Returns MV_OK
 * unless out of memory or the trust material cannot be read. */
MV_EXPORT MV_CHECK mv_status mv_attestation_check(struct mv_ctx *ctx,
    const struct mv_verify_opts *opts, struct mv_result *res, size_t input,
    const struct mv_verify_report *sig);

enum mv_key_type {
	MV_KEY_P256 = 0,
	MV_KEY_P384,
	MV_KEY_P521,
	MV_KEY_ED25519
};
MV_EXPORT MV_CHECK mv_status mv_key_type_lookup(const char *name, enum mv_key_type *out);
/* Make a key pair: PREFIX.key (PKCS#8 PEM, mode 0600, encrypted with AES-256-CBC when a
 * passphrase is given) and PREFIX.pub (SubjectPublicKeyInfo PEM). Refuses to overwrite. hint
 * (when not NULL, 65 bytes) receives the public key's hint. */
MV_EXPORT MV_CHECK mv_status mv_keygen(struct mv_ctx *ctx, enum mv_key_type type,
    const char *prefix, const char *passphrase, size_t passphrase_len, char *hint);
/* Whether the PEM private key file is encrypted (a passphrase is needed to use it): 1 yes,
 * 0 no (or not a private key: loading it says why), -1 when it cannot be read (reason on
 * ctx). */
MV_EXPORT int mv_key_encrypted(struct mv_ctx *ctx, const char *path);
/* Is key a PKCS#11 URI ("pkcs11:...") rather than a key file? */
MV_EXPORT int mv_p11_key(const char *key);
/* Make a key pair on the PKCS#11 token uri names (its object= is the new key's label, id=
 * its id, else a random one) and write its public key to PREFIX.pub (refusing to overwrite,
 * and checked before the token is touched). hint as for mv_keygen. */
MV_EXPORT MV_CHECK mv_status mv_keygen_pkcs11(struct mv_ctx *ctx, enum mv_key_type type,
    const char *uri, const struct mv_pkcs11_opts *p11, const char *prefix, char *hint);
/* The type ("ECDSA P-384") and hint of a PEM public or private key file, into buffers of at
 * least 32 and 65 bytes. */
MV_EXPORT MV_CHECK mv_status mv_key_fingerprint(struct mv_ctx *ctx, const char *path,
    const char *passphrase, size_t passphrase_len, char *type, char *hint);

/*
 * Judging a scan (mavis scan): the rules table and the provision table of ETSI TS 104 223
 * (EN 304 223; the UK AI Cyber Security Code of Practice numbers the same provisions) from the
 * signatures folder, a policy, the verdict, and the mapping of the findings onto the
 * provisions. Formats in mavis-rules(5) and mavis-policy(5).
 */
enum mv_scannable {
	MV_SCAN_NO = 0,        /* nothing in a package can show it */
	MV_SCAN_PARTIAL,       /* a package shows one part of it, or that its documents exist */
	MV_SCAN_YES            /* a package can show it for that artifact */
};

/* One of the 13 principles. */
struct mv_principle {
	unsigned number;       /* 1 to 13, the UK Code's principle number */
	const char *clause;    /* ETSI clause, e.g. "5.2.3" */
	const char *phase;     /* "secure-design", ..., "secure-end-of-life" */
	const char *title;
};
#define MV_PRINCIPLE_COUNT 13

/* One provision (a row of principles.tsv). */
struct mv_provision {
	const char *etsi;      /* e.g. "5.2.4-1.2" */
	const char *uk;        /* e.g. "8.1.2" */
	unsigned principle;
	const char *phase;
	const char *norm;      /* "shall", "should" or "shall+should" */
	enum mv_scannable scan;
	const char *title;     /* in our own words */
	const char *evidence;  /* what a scan can show for it */
};

/* One rule (a row of rules.tsv). */
struct mv_rule_info {
	const char *id;
	enum mv_severity severity;          /* default; a policy may change it */
	const char *title;
	const char *remediation;
	size_t nprovisions;
	const struct mv_provision *const *provisions;
	size_t natlas;
	const char *const *atlas;           /* MITRE ATLAS technique ids, "AML.T0011.000" */
	size_t nowasp;
	const char *const *owasp;           /* OWASP Top 10 for LLM ids with edition, "LLM04:2026" */
};

struct mv_rules;

MV_EXPORT const struct mv_principle *mv_principle_get(unsigned number);
MV_EXPORT const char *mv_scannable_name(enum mv_scannable s);

/* Load rules.tsv and principles.tsv from the context's signatures folder
 * (mv_ctx_signatures). A missing or malformed table, or a rule this build can report that the
 * table lacks, is an error naming the file and line. */
MV_EXPORT MV_CHECK mv_status mv_rules_load(struct mv_ctx *ctx, struct mv_rules **out);
MV_EXPORT void mv_rules_free(struct mv_rules *rules);
MV_EXPORT const char *mv_rules_dir(const struct mv_rules *rules);
/* SHA-256 (hex) of the folder's listing: "HEX  NAME" lines, as sha256sum prints them, for
 * every data file of the folder (.tsv, .txt, .json, .yaml, .yml; not hidden) in byte order of
 * the names. */
MV_EXPORT const char *mv_rules_digest(const struct mv_rules *rules);
MV_EXPORT size_t mv_rules_count(const struct mv_rules *rules);
MV_EXPORT const struct mv_rule_info *mv_rules_get(const struct mv_rules *rules, size_t i);
MV_EXPORT const struct mv_rule_info *mv_rules_find(const struct mv_rules *rules, const char *id);
MV_EXPORT size_t mv_provision_count(const struct mv_rules *rules);
MV_EXPORT const struct mv_provision *mv_provision_get(const struct mv_rules *rules, size_t i);
MV_EXPORT const struct mv_provision *mv_provision_find(const struct mv_rules *rules,
    const char *etsi);

/* A policy: the default fails on high and critical findings and on incomplete analysis. */
struct mv_policy;
MV_EXPORT MV_CHECK mv_status mv_policy_new(struct mv_ctx *ctx, const struct mv_rules *rules,
    struct mv_policy **out);
/* Read a policy file (mavis-policy(5)); errors name the file and line. */
MV_EXPORT MV_CHECK mv_status mv_policy_load(struct mv_ctx *ctx, struct mv_policy *pol,
    const char *file);
/* The lowest severity that fails; overrides the file's fail-on. */
MV_EXPORT void mv_policy_set_fail_on(struct mv_policy *pol, enum mv_severity sev);
MV_EXPORT enum mv_severity mv_policy_fail_on(const struct mv_policy *pol);
/* The trust material the policy names ("trust key", "trust cert-chain"), paths resolved
 * against the policy's folder; NULL and 0 when it names none. Valid until the free. */
MV_EXPORT const char *mv_policy_trust_key(const struct mv_policy *pol);
MV_EXPORT size_t mv_policy_trust_roots(const struct mv_policy *pol, const char *const **roots);
/* "trust sigstore": the trusted_root.json path, and the identity and issuer; NULL when not
 * named. */
MV_EXPORT const char *mv_policy_trust_sigstore(const struct mv_policy *pol,
    const char **identity, const char **issuer);
MV_EXPORT void mv_policy_free(struct mv_policy *pol);

/* What a scan learnt about the signature of one input. */
enum mv_sigstate {
	MV_SIGSTATE_ABSENT = 0,  /* no signature found */
	MV_SIGSTATE_UNCHECKED,   /* a signature, but no key or certificate to check it with */
	MV_SIGSTATE_VALID,       /* it verifies and every file matches it */
	MV_SIGSTATE_INVALID,     /* it does not verify, or files differ */
	MV_SIGSTATE_INCOMPLETE   /* some signed file could not be read */
};
struct mv_sigsummary {
	const char *input;       /* as given to mv_run */
	enum mv_sigstate state;
	const char *signature;   /* where it was read from, or NULL */
	const char *format;      /* e.g. "OMS v1.0", or NULL */
	const char *method;      /* "key", "certificate", "sigstore", or NULL */
	const char *signer;      /* key fingerprint or certificate subject, or NULL */
	size_t resources;        /* files the signature covers */
};
MV_EXPORT const char *mv_sigstate_name(enum mv_sigstate s);

enum mv_outcome {
	MV_OUTCOME_PASS = 0,     /* nothing at or above the fail level */
	MV_OUTCOME_FAIL,         /* findings at or above the fail level */
	MV_OUTCOME_INCOMPLETE    /* something could not be read or analysed to its end */
};
MV_EXPORT const char *mv_outcome_name(enum mv_outcome o);

/* A finding as the policy sees it. Owned by the judgement. */
struct mv_judged {
	const char *rule;
	enum mv_severity severity;          /* after the policy's overrides */
	enum mv_severity default_severity;  /* from rules.tsv */
	const char *path;
	int64_t offset;
	const char *evidence;
	const char *suppressed;             /* the policy's reason, or NULL */
	const struct mv_rule_info *info;
};

enum mv_mapstate {
	MV_MAP_MET = 0,          /* the scan shows it for this package */
	MV_MAP_NOT_MET,          /* findings count against it */
	MV_MAP_NOT_EVIDENCED     /* a scan cannot show it, or this one did not */
};
MV_EXPORT const char *mv_mapstate_name(enum mv_mapstate s);

/* One provision as this scan evidences it. */
struct mv_mapping {
	const struct mv_provision *provision;
	enum mv_mapstate state;
	const char *evidence;               /* one line: what shows it, or why nothing does */
	size_t nfindings;
	const size_t *findings;             /* indexes of judged findings against it */
};

struct mv_judgement;
/* Judge the run's findings and the signature summaries (one per input, or none) by the
 * policy, and map them onto the provisions. rules, pol and res must outlive the judgement. */
MV_EXPORT MV_CHECK mv_status mv_judge(struct mv_ctx *ctx, const struct mv_rules *rules,
    const struct mv_policy *pol, const struct mv_result *res,
    const struct mv_sigsummary *sigs, size_t nsigs, struct mv_judgement **out);
MV_EXPORT enum mv_outcome mv_judgement_outcome(const struct mv_judgement *j);
/* Findings in walk order, then the policy's own. */
MV_EXPORT size_t mv_judgement_count(const struct mv_judgement *j);
MV_EXPORT const struct mv_judged *mv_judgement_get(const struct mv_judgement *j, size_t i);
/* Unsuppressed findings at or above the fail level. */
MV_EXPORT size_t mv_judgement_failing(const struct mv_judgement *j);
MV_EXPORT size_t mv_judgement_suppressed(const struct mv_judgement *j);
/* One mapping per provision, in the order of principles.tsv. */
MV_EXPORT size_t mv_judgement_mapping_count(const struct mv_judgement *j);
MV_EXPORT const struct mv_mapping *mv_judgement_mapping(const struct mv_judgement *j, size_t i);
MV_EXPORT size_t mv_judgement_sig_count(const struct mv_judgement *j);
MV_EXPORT const struct mv_sigsummary *mv_judgement_sig(const struct mv_judgement *j, size_t i);
MV_EXPORT const struct mv_result *mv_judgement_result(const struct mv_judgement *j);
MV_EXPORT const struct mv_rules *mv_judgement_rules(const struct mv_judgement *j);
MV_EXPORT const struct mv_policy *mv_judgement_policy(const struct mv_judgement *j);
MV_EXPORT void mv_judgement_free(struct mv_judgement *j);
/* Options of mv_scan. Start from MV_SCAN_OPTS_INIT, which sets size: the library reads only
 * the fields of the caller's version of the struct, so a field added later breaks no program
 * built before it. Everything but size may stay zero. */
struct mv_scan_opts {
	size_t size;                    /* sizeof(struct mv_scan_opts), as the caller built it */
	const char *signature;          /* the one input's signature; NULL: the default place
	                                 * (mv_signature_check) */
	/* Trust material for the signatures; when none of public_key, roots and trusted_root is
	 * given, the policy's ("trust" lines) is used. */
	const char *public_key;         /* PEM public key */
	const char *const *roots;       /* PEM files of trusted root CAs */
	size_t nroots;
	const char *trusted_root;       /* Sigstore trusted_root.json (keyless, offline), with */
	const char *identity;           /* the signer's e-mail or URI and */
	const char *issuer;             /* the OIDC issuer of that identity */
	const char *registry_authorization;  /* Authorization header value ("Basic ..." or "Bearer ...") sent to the registry of oci:// inputs; NULL: --registry-auth / Docker config lookup by the caller */
	unsigned registry_flags;             /* MV_REGISTRY_INSECURE: plain HTTP to any host */
};
#define MV_REGISTRY_INSECURE 0x1u
#define MV_SCAN_OPTS_INIT {.size = sizeof(struct mv_scan_opts)}

/*
 * What mavis scan does, in one call: check the trust material (a key or root that cannot be
 * read is an error before any work), walk, hash and analyse every input (mv_run with
 * MV_RUN_ANALYSE, which stays set on ctx), refuse an input with nothing in it, look for and
 * check each input's signature (mv_signature_check), and judge it all by pol and the rules it
 * was made with (mv_judge). *out is the judgement mv_report_write writes; it owns the run's
 * result (mv_judgement_result), and pol and its rules must outlive it (mv_judgement_free).
 * Anything short of MV_OK leaves the reason on ctx and *out NULL; a package that fails the
 * policy is MV_OK with the outcome MV_OUTCOME_FAIL.
 */
MV_EXPORT MV_CHECK mv_status mv_scan(struct mv_ctx *ctx, const struct mv_policy *pol,
    const char *const *inputs, size_t ninputs, const struct mv_scan_opts *opts,
    struct mv_judgement **out);

/* The statement every report carries with the mapping. */
#define MV_MAPPING_DISCLAIMER "This is evidence toward the provisions of ETSI TS 104 223 " \
	"(EN 304 223) and the UK AI Cyber Security Code of Practice for this package only, " \
	"not a certification of compliance."

/* Reports (mavis-json(5) for json). */
enum mv_report_format {
	MV_REPORT_TEXT = 0,
	MV_REPORT_JSON,
	MV_REPORT_SARIF,
	MV_REPORT_CYCLONEDX
};
#define MV_REPORT_COLOR 0x1u        /* text: ANSI colours */
#define MV_REPORT_PRINCIPLES 0x2u   /* text: the principles table and every provision */
#define MV_REPORT_QUIET 0x4u        /* text: the verdict and the failing findings only */
#define MV_REPORT_VERBOSE 0x8u      /* text: every file with its format, every remediation */
MV_EXPORT MV_CHECK mv_status mv_report_format_lookup(const char *name,
    enum mv_report_format *out);
MV_EXPORT MV_CHECK mv_status mv_report_write(struct mv_ctx *ctx, enum mv_report_format fmt,
    const struct mv_judgement *j, unsigned flags, FILE *out);

/*
 * Writing a file mavis makes (a report, a signature, a key), as every command does: a regular
 * file, or a path where nothing is yet, appears whole or not at all (an unnamed or temporary
 * file in the same folder, renamed into place; the old file keeps its mode; the signals that
 * end a command are held for the moment a temporary name exists). Anything else is written
 * straight into: a character device, a FIFO, a socket, /dev/stdout, /dev/fd/N. A symlink is
 * written through: its target is replaced and the link stays. A block device is refused.
 * mode is the mode of a new file, less the umask unless MV_WRITE_EXACT_MODE.
 */
#define MV_WRITE_NEW 0x1u           /* never replace anything, never through a link */
#define MV_WRITE_EXACT_MODE 0x2u    /* mode as given, whatever the umask */
MV_EXPORT MV_CHECK mv_status mv_file_write(struct mv_ctx *ctx, const char *path, const void *p,
    size_t n, unsigned mode, unsigned flags);

/* The rules and the provision table as text or JSON (mavis rules, mavis principles). */
MV_EXPORT MV_CHECK mv_status mv_rules_write(struct mv_ctx *ctx, const struct mv_rules *rules,
    int json, FILE *out);
MV_EXPORT MV_CHECK mv_status mv_principles_write(struct mv_ctx *ctx,
    const struct mv_rules *rules, int json, FILE *out);

#ifdef __cplusplus
}
#endif
#endif /* MAVIS_H */
