/* SPDX-License-Identifier: Apache-2.0 */
/* exec.c: executables, scripts and source code inside a model package; llamafiles (an
 * executable carrying its own GGUF weights) are told apart. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/cursor.h"
#include "scan/formats.h"

/* Source files a loader, a notebook or a user may run, by name. */
static const char *const code_suffixes[] = {
	".py", ".pyc", ".pyo", ".pyw", ".sh", ".bash", ".zsh", ".bat", ".cmd", ".ps1", NULL
};

struct ex {
	struct mv_report rep;
	const struct mv_actx *a;
	int binary;
	int ape;                    /* Actually Portable Executable: a llamafile candidate */
	int gguf;                   /* GGUF magic seen after the start */
	uint64_t gguf_off;
	unsigned char carry[7];
	size_t ncarry;
	uint64_t pos;
};

static int
code_member(const struct mv_actx *a)
{
	if (a->parent == MV_FMT_UNKNOWN || mv_format_is_container(a->format))
		return 0;
	for (int i = 0; code_suffixes[i]; i++)
		if (mv_actx_suffix(a, code_suffixes[i]))
			return 1;
	return 0;
}

static int
ex_claim(const struct mv_actx *a)
{
	return a->format == MV_FMT_ELF || a->format == MV_FMT_PE || a->format == MV_FMT_MACHO ||
	    a->format == MV_FMT_SCRIPT || code_member(a) ||
	    (a->headlen >= 6 && memcmp(a->head, "MZqFpD", 6) == 0);
}

static void *
ex_begin(const struct mv_actx *a)
{
	struct ex *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	mv_report_init(&s->rep, a);
	s->a = a;
	s->binary = a->format == MV_FMT_ELF || a->format == MV_FMT_PE || a->format == MV_FMT_MACHO;
	s->ape = a->headlen >= 6 && memcmp(a->head, "MZqFpD", 6) == 0;
	s->binary |= s->ape;
	return s;
}

/* "GGUF" then version 2 or 3 (little-endian u32). */
static int
gguf_at(const unsigned char *p)
{
	return memcmp(p, "GGUF", 4) == 0 && (p[4] == 2 || p[4] == 3) && p[5] == 0 && p[6] == 0 &&
	    p[7] == 0;
}

static mv_status
ex_feed(void *state, const unsigned char *p, size_t n)
{
	struct ex *s = state;
	unsigned char joint[14];
	size_t take;

	if (!s->ape || s->gguf)
		return MV_ERR_LIMIT;
	/* A magic split between two blocks. */
	take = n < 7 ? n : 7;
	memcpy(joint, s->carry, s->ncarry);
	memcpy(joint + s->ncarry, p, take);
	for (size_t i = 0; i + 8 <= s->ncarry + take; i++) {
		if (gguf_at(joint + i)) {
			s->gguf = 1;
			s->gguf_off = s->pos - s->ncarry + i;
			return MV_ERR_LIMIT;
		}
	}
	for (const unsigned char *q = p; n >= 8 && (q = memmem(q, (size_t)(p + n - q), "GGUF", 4));
	    q++) {
		if ((size_t)(p + n - q) >= 8 && gguf_at(q)) {
			s->gguf = 1;
			s->gguf_off = s->pos + (uint64_t)(q - p);
			return MV_ERR_LIMIT;
		}
	}
	if (n >= 7) {
		memcpy(s->carry, p + n - 7, 7);
		s->ncarry = 7;
	} else {
		size_t keep = s->ncarry + n > 7 ? 7 - n : s->ncarry;

		memmove(s->carry, s->carry + s->ncarry - keep, keep);
		memcpy(s->carry + keep, p, n);
		s->ncarry = keep + n;
	}
	s->pos += n;
	return MV_OK;
}

static const char *
describe(const struct mv_actx *a)
{
	const unsigned char *h = a->head;

	switch (a->format) {
	case MV_FMT_ELF:
		if (a->headlen >= 18) {
			uint16_t type = h[5] == 2 ? (uint16_t)(h[16] << 8 | h[17]) : mv_le16(h + 16);

			return type == 3 ? "ELF shared object" : type == 2 ? "ELF executable" :
			    type == 1 ? "ELF relocatable object" : "ELF file";
		}
		return "ELF file";
	case MV_FMT_PE:
		return "Windows PE executable or DLL";
	case MV_FMT_MACHO:
		return "Mach-O executable or library";
	default:
		return "executable";
	}
}

static void
ex_end(void *state, int complete)
{
	struct ex *s = state;
	const struct mv_actx *a = s->a;

	if (s->binary) {
		if (s->ape && s->gguf)
			mv_report(&s->rep, MV_R_EXEC_LLAMAFILE, (int64_t)s->gguf_off,
			    "llamafile: an Actually Portable Executable with GGUF weights at offset "
			    "%llu", (unsigned long long)s->gguf_off);
		else
			mv_report(&s->rep, MV_R_EXEC_BINARY, 0, "%s%s", s->ape ?
			    "Actually Portable Executable" : describe(a),
			    !complete && s->ape ? " (not read to the end)" : "");
		return;
	}
	if (a->format == MV_FMT_SCRIPT) {
		size_t n = 0;

		while (n < a->headlen && n < 120 && a->head[n] != '\n' && a->head[n] != '\r')
			n++;
		mv_report(&s->rep, MV_R_EXEC_SCRIPT, 0, "script: %.*s", (int)n,
		    (const char *)a->head);
		return;
	}
	mv_report(&s->rep, MV_R_EXEC_CODE_MEMBER, -1, "source file '%s' inside %s",
	    mv_actx_base(a), a->parent_path ? a->parent_path : "an archive");
}

static void
ex_free(void *state)
{
	free(state);
}

const struct mv_analyser mv_analyser_exec = {
	.name = "exec",
	.claim = ex_claim,
	.begin = ex_begin,
	.feed = ex_feed,
	.end = ex_end,
	.free = ex_free,
};
