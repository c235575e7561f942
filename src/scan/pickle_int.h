/* SPDX-License-Identifier: Apache-2.0 */
/* pickle_int.h: the state of the pickle machine, shared by its parser (pickle.c), its
 * symbolic stack machine (pickle_vm.c), its event reports (pickle_ev.c) and its opcode
 * table (pickle_ops.c). Not used outside src/scan/pickle*.c. */
#ifndef MV_SCAN_PICKLE_INT_H
#define MV_SCAN_PICKLE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/finding.h"
#include "scan/pickle.h"
#include "scan/pypolicy.h"

/* ---- opcodes ---- */

enum argkind {
	A_BAD = 0,   /* not an opcode */
	A_NONE,      /* no argument */
	A_FIXED,     /* size bytes */
	A_LEN,       /* a size-byte length, then that many bytes */
	A_LINE,      /* one line ending in '\n' */
	A_LINE2      /* two lines (GLOBAL, INST) */
};

#define OPF_TORCH 0x1    /* accepted by PyTorch's weights_only loader */
#define OPF_STRUCT 0x2   /* structure (counts towards "looks like a pickle") */
#define OPF_BYTES 0x4    /* a length-prefixed payload that is bytes, not text */

/* The opcodes of protocol 2 and later, which are not printable characters; the older ones
 * are written as the characters they are ('(', 'c', 'R', ...). */
enum pk_op {
	OP_PROTO = 0x80, OP_NEWOBJ = 0x81, OP_EXT1 = 0x82, OP_EXT2 = 0x83, OP_EXT4 = 0x84,
	OP_TUPLE1 = 0x85, OP_TUPLE2 = 0x86, OP_TUPLE3 = 0x87, OP_NEWTRUE = 0x88,
	OP_NEWFALSE = 0x89, OP_LONG1 = 0x8a, OP_LONG4 = 0x8b, OP_SHORT_BINUNICODE = 0x8c,
	OP_BINUNICODE8 = 0x8d, OP_BINBYTES8 = 0x8e, OP_EMPTY_SET = 0x8f, OP_ADDITEMS = 0x90,
	OP_FROZENSET = 0x91, OP_NEWOBJ_EX = 0x92, OP_STACK_GLOBAL = 0x93, OP_MEMOIZE = 0x94,
	OP_FRAME = 0x95, OP_BYTEARRAY8 = 0x96, OP_NEXT_BUFFER = 0x97, OP_READONLY_BUFFER = 0x98
};

struct opinfo {
	const char *name;
	uint8_t arg;         /* enum argkind */
	uint8_t size;        /* A_FIXED: argument bytes; A_LEN: length bytes */
	uint8_t flags;
	uint8_t proto;       /* protocol that introduced it */
	uint8_t fixed;       /* bytes of the whole opcode when that is fixed, else 0 */
};

extern const struct opinfo mv_pickle_ops[256];

/* ---- values ---- */

enum ctype {
	C_VOID = 0,          /* an unset memo slot */
	C_NONE, C_BOOL, C_INT, C_FLOAT, C_STR, C_BYTES,
	C_LIST, C_TUPLE, C_DICT, C_SET, C_FROZENSET,
	C_REF,               /* an imported module attribute (imp says which) */
	C_CALL,              /* what a call returned (imp: the callee when it was a C_REF) */
	C_PERSID,            /* what persistent_load returned */
	C_UNKNOWN            /* anything else (an EXT object, a missing memo value) */
};

#define CF_TRUNC 0x01    /* string longer than what is kept */
#define CF_BIG 0x02      /* integer beyond 64 bits */
#define CF_MAGIC 0x04    /* the legacy PyTorch magic number */
#define CF_OPAQUE 0x08   /* content dropped past the memory limit */
#define CF_EXT 0x10      /* from an EXT opcode */
#define CF_DTYPE 0x20    /* C_CALL of numpy.dtype */
#define CF_WRAPPER 0x40  /* C_CALL of a joblib array wrapper */
#define CF_KEEP 0x80     /* a dict or list whose items are kept (a wrapper's state) */

#define KEEP_STR 256     /* bytes of a string kept */
#define INLINE_STR 8     /* strings this short live in the cell */
#define OBJ_KEEP 12      /* items of a container kept */

struct cobj;

struct cell {
	uint8_t t;           /* enum ctype */
	uint8_t fl;          /* CF_* */
	uint16_t len;        /* string bytes kept */
	uint32_t imp;        /* C_REF, C_CALL: import record + 1, or 0; C_DICT: its serial */
	union {
		int64_t i;
		char in[INLINE_STR];
		const char *s;
		struct cobj *o;  /* containers; the arguments of a C_CALL */
	} u;                 /* 16 bytes a cell: the memo of a big pickle holds millions */
};

/* A container's first items (dicts: keys and values alternate). */
struct cobj {
	uint32_t n;          /* items added in all */
	uint8_t kept, cap;
	uint8_t flags;       /* numpy.dtype arguments: OBJF_HASOBJECT */
	struct cell v[];
};

static inline const char *
cell_str(const struct cell *c)
{
	return c->len <= INLINE_STR ? c->u.in : c->u.s;
}

/* Bump allocation for one stream's values, capped by MV_LIMIT_PICKLE_MEMORY. */
struct achunk {
	struct achunk *next;
	size_t used, cap;
	unsigned char data[];
};

struct arena {
	struct achunk *head;
	uint64_t total, max;
	int over;
};

/* ---- one stream's unpickler ---- */

/* A memo entry at an index far from the dense ones: key is the index + 1, 0 when free. */
struct mslot {
	uint64_t key;
	struct cell c;
};

struct sim {
	struct cell *stack;
	size_t sp, scap;
	uint32_t *marks;
	size_t nmarks, mkcap;
	struct cell *memo;   /* dense part: indices below memocap */
	size_t memocap;      /* slots allocated */
	size_t memohw;       /* slots below this are initialised (the rest is VOID) */
	size_t memolen;      /* entries set (MEMOIZE stores at this index, as CPython does) */
	struct mslot *sparse; /* indices far past the others, hashed */
	size_t spcap, spn;
	struct arena arena;
	uint64_t ops, gets, puts, dups;
	int proto;
	uint32_t ndicts;     /* dicts made: each dict cell's imp is its serial */
	uint32_t *dunder;    /* serials of dicts given a dunder string key */
	size_t ndunder, dcap;
	int dunder_over;     /* more of them than are kept: every dict counts as one */
};

/* ---- imports: one record per module/name pair and entry ---- */

#define IMP_DTYPE 0x1     /* numpy.dtype */
#define IMP_WRAPPER 0x2   /* joblib.numpy_pickle.NumpyArrayWrapper */
#define IMP_PARTIAL 0x4   /* functools.partial: judged by the callable it wraps */
#define IMP_GETATTR 0x8   /* builtins.getattr: judged as the attribute walk it makes */

struct imp {
	char *module, *name;
	uint8_t special;     /* IMP_* */
	size_t mlen, nlen;
	struct mv_pyjudgement j;
	uint32_t stream;     /* stream of the pending report */
	uint64_t off;        /* first offset in that stream */
	uint8_t state;       /* 0 untouched, 1 imported, 2 reported, 3 used only in calls
	                      * judged by their arguments (functools.partial, getattr) */
	uint32_t hnext;      /* hash chain (index + 1) */
};

/* ---- the machine ---- */

enum mode {
	M_STREAM,            /* parsing opcodes */
	M_BETWEEN,           /* after a stream: the next, junk, or the end */
	M_SKIP,              /* raw bytes a format puts between pickles */
	M_RAWHDR,            /* a small raw header whose value says what to skip */
	M_DEAD               /* analysis stopped (limit, error) */
};

enum pstate { P_OP, P_FIXED, P_LENHDR, P_PAYLOAD, P_LINE };

/* Raw regions a profile reads between or inside streams. */
enum rawkind {
	R_NONE,
	R_LEGACY_STORAGE,    /* legacy torch: u64 element count, then the storage bytes */
	R_TAR_STORAGE,       /* legacy tar "storages": u64 count, then the bytes */
	R_TAR_TENSOR,        /* legacy tar "tensors": i32 ndim, 4 bytes, then 16*ndim+8 */
	R_JOBLIB_PAD,        /* joblib: a padding length byte, then the padding */
	R_JOBLIB_ARRAY       /* joblib: the array bytes, then back to the stream */
};

#define MAX_DEPTH 3          /* nested pickles in strings: outer + 2 */
#define WIN_MAX 8192         /* bytes a candidate stream may need before it is judged */
#define IMP_MAX 65536        /* distinct module/name pairs in one entry */
#define PERSID_MAX 1000000   /* legacy torch storages tracked */

struct legacy_key {
	const char *key;     /* arena of the machine (not a stream's) */
	size_t klen;
	uint32_t elem;       /* element size */
};

struct mv_pickle {
	struct mv_pickle_opts o;
	unsigned depth;
	uint64_t nest_off;       /* offset of the outer string, for nested machines */
	const char *nest_how;

	/* parser */
	enum mode mode;
	enum pstate ps;
	uint64_t pos;            /* offset of the next byte */
	uint8_t op;
	uint64_t op_off;
	unsigned char carry[16];
	size_t ncarry, need;
	uint64_t left;           /* payload bytes to come */
	uint64_t full;           /* payload or line length */
	unsigned char keep[KEEP_STR], keep2[KEEP_STR];
	size_t nkeep, nkeep2;
	uint64_t full2;
	int line;                /* line of a two-line opcode being read */
	unsigned char lastc;     /* last byte of the current line (closing quote of STRING) */
	uint64_t frame_end;      /* 0: no frame open */
	uint64_t frame_off;

	/* streams */
	uint32_t stream;         /* index of the current or next stream */
	int proto_seen;          /* a PROTO met in this stream */
	uint64_t stream_off;
	struct sim s;
	unsigned char *win;      /* between streams: bytes kept to judge a candidate */
	size_t wlen;
	uint64_t woff;           /* offset of win[0] */
	uint64_t junk_off;       /* first junk byte, or UINT64_MAX */
	uint64_t junk_len;
	int junk_text;           /* junk holds more than white space */
	int adjacent;            /* nothing since the last STOP */

	/* raw regions */
	enum rawkind raw;
	uint64_t skip_left;
	unsigned char rawhdr[16];
	size_t nrawhdr, rawneed;
	uint64_t raw_after;      /* joblib: array bytes after the padding */
	uint32_t raw_count;      /* items left in a tar member */
	int resume_stream;       /* joblib: back to M_STREAM after the raw region */

	/* nested pickles in strings */
	struct mv_pickle *child;
	int nest_state;          /* 0 off, 1 collecting the head, 2 feeding the child, 3 done */
	unsigned char nhead[64];
	size_t nnhead;
	int nest_enc;            /* 0 raw, 1 base64, 2 hex */
	uint32_t b64acc;
	int b64n, hexhi;
	uint64_t nest_str_off;

	/* imports */
	struct imp *imps;
	size_t nimp, impcap;
	uint32_t *ihash;
	size_t ihcap;
	uint32_t *touched;       /* records imported in the current stream */
	size_t ntouched, tcap;

	/* profile state */
	int legacy;              /* a legacy torch file: streams follow the magic number */
	int legacy_computed;     /* its magic came from a call */
	struct legacy_key *lkeys;
	size_t nlkeys, lkcap;
	size_t lnext;            /* next storage to skip */
	struct arena keyarena;
	int joblib_pending;      /* a wrapper's BUILD said array bytes follow */
	uint64_t joblib_bytes;
	int joblib_pad;
	int joblib_object;       /* the array holds objects: a pickle follows */
	int in_joblib_object;    /* parsing that pickle; the wrapper's stream is parked */
	int parked_proto_seen;
	struct sim parked;
	int torch_ops[256];      /* unsupported opcodes already reported, per entry */
	int torchp;              /* the torch rules apply (profile, or a legacy file) */
	uint64_t ops_limit, memo_limit;
	int torch_proto_done;

	/* results */
	uint32_t count[MV_R__COUNT];
	uint64_t nstreams;
	int maxproto;
	int worst;               /* highest severity reported, -1 none */
	int stopped;             /* analysis stopped early: incomplete */
	int memory_noted;
	int nested_seen;
};

/* pickle.c */
void mv_pk_emit(struct mv_pickle *m, enum mv_rule r, uint64_t off, const char *fmt, ...)
    MV_PRINTF(4, 5);
void mv_pk_stop(struct mv_pickle *m, enum mv_rule r, uint64_t off, const char *fmt, ...)
    MV_PRINTF(4, 5);
void mv_pk_parse_error(struct mv_pickle *m, uint64_t off, const char *fmt, ...) MV_PRINTF(3, 4);

/* An opcode's argument: the bytes (what is kept of a string or line), their whole length,
 * and for GLOBAL and INST the second line. */
struct pk_arg {
	const unsigned char *p, *p2;
	size_t n, n2;
	uint64_t full, full2;
};

/* pickle_vm.c: opcodes with their decoded arguments. */
void mv_pk_sim_init(struct sim *s, uint64_t max);
void mv_pk_sim_reset(struct sim *s);
void mv_pk_sim_free(struct sim *s);
void *mv_pk_alloc(struct arena *a, size_t n);
void mv_pk_arena_reset(struct arena *a);
void mv_pk_exec(struct mv_pickle *m, uint8_t op, uint64_t off, const struct pk_arg *x);
/* The value left by STOP is on top of the stack when the stream ends. */
const struct cell *mv_pk_result(const struct mv_pickle *m);

/* pickle_ev.c: imports, calls and their findings. */
uint32_t mv_pk_import(struct mv_pickle *m, uint64_t off, const char *mod, size_t mlen,
    int mtrunc, const char *name, size_t nlen, int ntrunc);
void mv_pk_call(struct mv_pickle *m, uint64_t off, const char *how, const struct cell *callee,
    const struct cell *args, int nargs);
void mv_pk_stream_flush(struct mv_pickle *m);
/* Does functools.partial with these arguments wrap an allowlisted callable? */
int mv_pk_partial_ok(const struct mv_pickle *m, const struct cell *items, int n);
size_t mv_pk_repr(const struct mv_pickle *m, const struct cell *c, char *buf, size_t cap,
    int depth);
const struct imp *mv_pk_imp(const struct mv_pickle *m, const struct cell *c);
/* Element size of the torch storage class a cell names, or 0. */
uint32_t mv_pk_storage_elem(const struct mv_pickle *m, const struct cell *c);
void mv_pk_imports_free(struct mv_pickle *m);

/* pickle_ops.c */
/* Does p[0..n) start a pickle? 1 yes, 0 no, -1 more bytes needed (never when final). */
int mv_pk_plausible(const unsigned char *p, size_t n, int final);

#endif
