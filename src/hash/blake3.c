/* SPDX-License-Identifier: Apache-2.0 */
/* blake3.c: the BLAKE3 hasher: whole chunks go to the widest kernel the CPU has, many at a
 * time, and their chaining values are folded into subtrees the same way. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hash/blake3.h"
#include "hash/blake3_impl.h"

/* Chunks gathered before a call to the kernel: 16 passes of the widest kernel. */
#define BATCH 256

static const struct {
	const char *name;
	mv_b3_many_fn *many;
	const char *cpu;        /* feature __builtin_cpu_supports must confirm, or NULL */
} impls[] = {
	{"portable", mv_b3_many_portable, NULL},
#ifdef MV_B3_X86
	{"sse41", mv_b3_many_sse41, "sse4.1"},
	{"avx2", mv_b3_many_avx2, "avx2"},
	{"avx512", mv_b3_many_avx512, "avx512f"},
#endif
};
#define NIMPL (sizeof(impls) / sizeof(impls[0]))

static size_t chosen;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int env_bad;

/* Each kernel hands what is left over to the next narrower one, so a path needs every
 * feature below it too. */
static int
runs_here(size_t i)
{
#ifdef MV_B3_X86
	__builtin_cpu_init();
	for (size_t k = 1; k <= i; k++) {
		int ok = 0;

		if (strcmp(impls[k].cpu, "sse4.1") == 0)
			ok = __builtin_cpu_supports("sse4.1");
		else if (strcmp(impls[k].cpu, "avx2") == 0)
			ok = __builtin_cpu_supports("avx2");
		else if (strcmp(impls[k].cpu, "avx512f") == 0)
			ok = __builtin_cpu_supports("avx512f");
		if (!ok)
			return 0;
	}
#endif
	return i < NIMPL;
}

static mv_status
select_impl(const char *name)
{
	for (size_t i = 0; i < NIMPL; i++) {
		if (strcmp(impls[i].name, name) != 0)
			continue;
		if (!runs_here(i))
			return MV_ERR_UNSUPPORTED;
		chosen = i;
		return MV_OK;
	}
	return MV_ERR_UNSUPPORTED;
}

/* The widest path the CPU runs, unless MAVIS_BLAKE3_IMPL names one (tests force each in
 * turn); a name that cannot run here fails every BLAKE3 digester instead of falling back. */
static void
global_init(void)
{
	const char *want = getenv("MAVIS_BLAKE3_IMPL");

	chosen = 0;
	for (size_t i = 0; i < NIMPL; i++)
		if (runs_here(i))
			chosen = i;
	if (want && *want && select_impl(want) != MV_OK)
		env_bad = 1;
}

mv_status
mv_blake3_global_init(void)
{
	pthread_once(&once, global_init);
	return env_bad ? MV_ERR_UNSUPPORTED : MV_OK;
}

const char *
mv_blake3_impl(void)
{
	pthread_once(&once, global_init);
	return impls[chosen].name;
}

mv_status
mv_blake3_force(const char *name)
{
	pthread_once(&once, global_init);
	return select_impl(name);
}

void
mv_blake3_init_at(struct mv_blake3 *h, uint64_t chunk)
{
	pthread_once(&once, global_init);
	memcpy(h->key, mv_b3_iv, sizeof(h->key));
	h->chunk = chunk;
	h->buflen = 0;
	h->nstack = 0;
}

void
mv_blake3_init(struct mv_blake3 *h)
{
	mv_blake3_init_at(h, 0);
}

static void
parent(const uint32_t key[8], const uint32_t left[8], const uint32_t right[8], unsigned flags,
    uint32_t out[8])
{
	unsigned char block[B3_BLOCK];

	for (int i = 0; i < 8; i++) {
		mv_b3_store32(block + 4 * i, left[i]);
		mv_b3_store32(block + 32 + 4 * i, right[i]);
	}
	memcpy(out, key, 32);
	mv_b3_compress(out, block, B3_BLOCK, 0, B3_PARENT | flags);
}

/*
 * A subtree of 2^level chunks, ending with chunk `end` - 1, is done: fold it into the stack.
 * The stack holds the roots of the largest aligned subtrees of what came before, one per set
 * bit of the chunk count, so as long as the count above this level is even the new root has
 * a left sibling on the stack. Only inputs that are known not to be the last come here, so
 * no node folded here can be the root of the whole tree.
 */
static void
push(struct mv_blake3 *h, const uint32_t cv[8], unsigned level, uint64_t end)
{
	uint32_t node[8];
	uint64_t t = end >> level;

	memcpy(node, cv, sizeof(node));
	while ((t & 1) == 0 && h->nstack > 0) {
		parent(h->key, h->stack[--h->nstack], node, 0, node);
		t >>= 1;
	}
	memcpy(h->stack[h->nstack++], node, sizeof(node));
}

/* The largest k with 2^k dividing c and 2^k <= n (n > 0). */
static unsigned
aligned_level(uint64_t c, size_t n)
{
	unsigned k = 0;

	while (((c >> k) & 1) == 0 && ((uint64_t)2 << k) <= n && k < 63)
		k++;
	return k;
}

/* Whole chunks in[0..n), the first of them chunk h->chunk, none of them the last chunk of
 * the input. */
static void
add_chunks(struct mv_blake3 *h, const unsigned char *const *in, size_t n)
{
	mv_b3_many_fn *many = impls[chosen].many;
	unsigned char cvs[BATCH * 32], tmp[BATCH / 2 * 32];
	const unsigned char *pairs[BATCH / 2];
	size_t i = 0;

	many(in, n, MV_BLAKE3_CHUNK / B3_BLOCK, h->key, h->chunk, 1, 0, B3_CHUNK_START,
	    B3_CHUNK_END, cvs);
	/* Cut the run into aligned power-of-two subtrees and fold each level of each subtree
	 * through the kernel too, as parent nodes. */
	while (i < n) {
		uint64_t c = h->chunk + i;
		unsigned level = aligned_level(c, n - i);
		size_t width = (size_t)1 << level;
		unsigned char *cur = cvs + 32 * i;
		uint32_t root[8];

		while (width > 1) {
			for (size_t j = 0; j < width / 2; j++)
				pairs[j] = cur + 64 * j;
			many(pairs, width / 2, 1, h->key, 0, 0, B3_PARENT, 0, 0, tmp);
			width /= 2;
			memcpy(cur, tmp, 32 * width);
		}
		for (int k = 0; k < 8; k++)
			root[k] = mv_b3_load32(cur + 4 * k);
		i += (size_t)1 << level;
		push(h, root, level, h->chunk + i);
	}
	h->chunk += n;
}

void
mv_blake3_update(struct mv_blake3 *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	const unsigned char *in[BATCH];

	if (h->buflen < MV_BLAKE3_CHUNK) {
		size_t take = MV_BLAKE3_CHUNK - h->buflen;

		if (take > n)
			take = n;
		memcpy(h->buf + h->buflen, p, take);
		h->buflen += take;
		p += take;
		n -= take;
	}
	/* A full chunk stays in buf until a byte after it shows it is not the last one. */
	while (n > 0) {
		size_t cnt = 0;

		if (h->buflen == MV_BLAKE3_CHUNK)
			in[cnt++] = h->buf;
		while (cnt < BATCH && n > MV_BLAKE3_CHUNK) {
			in[cnt++] = p;
			p += MV_BLAKE3_CHUNK;
			n -= MV_BLAKE3_CHUNK;
		}
		if (cnt > 0)
			add_chunks(h, in, cnt);
		h->buflen = 0;
		if (n <= MV_BLAKE3_CHUNK) {
			memcpy(h->buf, p, n);
			h->buflen = n;
			n = 0;
		}
	}
}

/* The chunk in buf, the last one: its chaining value, or with ROOT the digest. */
static void
last_chunk(const struct mv_blake3 *h, unsigned root, uint32_t cv[8])
{
	size_t nblocks = h->buflen == 0 ? 1 : (h->buflen + B3_BLOCK - 1) / B3_BLOCK;

	memcpy(cv, h->key, 32);
	for (size_t b = 0; b < nblocks; b++) {
		unsigned char block[B3_BLOCK] = {0};
		size_t len = h->buflen - b * B3_BLOCK;
		unsigned f = b == 0 ? B3_CHUNK_START : 0;

		if (len > B3_BLOCK)
			len = B3_BLOCK;
		if (b + 1 == nblocks)
			f |= B3_CHUNK_END | root;
		memcpy(block, h->buf + b * B3_BLOCK, len);
		/* The root is its own output block 0, whatever chunk it is. */
		mv_b3_compress(cv, block, (unsigned)len, root ? 0 : h->chunk, f);
	}
}

/* Fold the stack onto the last chunk, the last fold with `root`. */
static void
close_tree(const struct mv_blake3 *h, unsigned root, uint32_t cv[8])
{
	last_chunk(h, h->nstack == 0 ? root : 0, cv);
	for (size_t i = h->nstack; i-- > 0;)
		parent(h->key, h->stack[i], cv, i == 0 ? root : 0, cv);
}

void
mv_blake3_final(const struct mv_blake3 *h, unsigned char out[MV_BLAKE3_OUT])
{
	uint32_t cv[8];

	close_tree(h, B3_ROOT, cv);
	for (int i = 0; i < 8; i++)
		mv_b3_store32(out + 4 * i, cv[i]);
}

void
mv_blake3_subtree(const struct mv_blake3 *h, uint32_t cv[8])
{
	close_tree(h, 0, cv);
}

mv_status
mv_blake3_join(struct mv_blake3 *tail, const uint32_t (*cv)[8], size_t n, unsigned level)
{
	struct mv_blake3 head;

	if (level >= 64 || tail->chunk >> level != n)
		return MV_ERR_LIMIT;
	mv_blake3_init(&head);
	memcpy(head.key, tail->key, sizeof(head.key));
	for (size_t i = 0; i < n; i++)
		push(&head, cv[i], level, (uint64_t)(i + 1) << level);
	if (head.nstack + tail->nstack > MV_BLAKE3_STACK)
		return MV_ERR_LIMIT;
	/* The tail's subtrees are all below `level`, so they sit on top of the pieces'. */
	memmove(tail->stack[head.nstack], tail->stack[0], tail->nstack * sizeof(tail->stack[0]));
	memcpy(tail->stack[0], head.stack[0], head.nstack * sizeof(head.stack[0]));
	tail->nstack += head.nstack;
	return MV_OK;
}
