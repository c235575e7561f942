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

#define MV_VERSION_STRING "0.1.0"

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
	MV_LIMIT__COUNT
};

/* Digest algorithms, as a bit mask: one read of each byte feeds every digest asked for. */
enum mv_hash {
	MV_HASH_SHA256 = 1u << 0,
	MV_HASH_SHA384 = 1u << 1,
	MV_HASH_SHA512 = 1u << 2,
	MV_HASH_BLAKE2B = 1u << 3, /* BLAKE2b-512, as hashlib.blake2b() */
	MV_HASH__ALL = 0xfu
};
#define MV_HASH_MAX 4        /* algorithms in enum mv_hash */
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
 * default, which is $MAVIS_SIGNATURES when set and not empty, else the installed folder. */
MV_EXPORT MV_CHECK mv_status mv_ctx_set_signatures(struct mv_ctx *ctx, const char *dir);
/* The signatures folder in use; valid until the next mv_ctx_set_signatures or the free. */
MV_EXPORT const char *mv_ctx_signatures(const struct mv_ctx *ctx);

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
MV_EXPORT void mv_result_free(struct mv_result *res);

/* The result as a JSON inventory (schema in mavis-json(5)): inputs, every entry with its
 * size, format and digests (shards too), and the findings. */
MV_EXPORT MV_CHECK mv_status mv_inventory_write_json(struct mv_ctx *ctx,
    const struct mv_result *res, FILE *out);
MV_EXPORT const char *mv_entry_type_name(enum mv_entry_type type);

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
/* Read a checksum list (text or JSON). Untagged digests of 128 hex digits are taken as
 * default_alg when it is BLAKE2b, else SHA-512. With shard_size, "PATH:START:END" names are
 * shards. */
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

#ifdef __cplusplus
}
#endif
#endif /* MAVIS_H */
