/* SPDX-License-Identifier: Apache-2.0 */
/* remote.h: what the walk reads besides paths: sequential sources of blocks, and the entries
 * a client of a remote store (net/) lists up front and streams one by one. Not installed. */
#ifndef MV_CORE_REMOTE_H
#define MV_CORE_REMOTE_H

#include <stddef.h>
#include <stdint.h>

/* A sequential source of blocks: next returns 1 with a block (valid until the next call), 0
 * at the end, -1 on error (with a message in err). */
struct mv_blocks {
	int (*next)(void *arg, const unsigned char **p, size_t *n);
	void *arg;
	char err[256];
};

/* One entry of a remote source, named as it would be in the same package on disk (an OCI
 * layout: "oci-layout", "index.json", "blobs/sha256/HEX"). */
struct mv_remote_entry {
	char *name;
	unsigned char *mem;              /* read whole already (a manifest, checked by size), or */
	size_t memlen;
	uint64_t size;                   /* the size its descriptor gives; streamed when opened */
};

/* The entries of one remote input and how to read them. open and close may run on any
 * worker thread, each stream on one thread at a time. */
struct mv_remote {
	const char *layout;              /* the reader the entries are for: "oci" */
	const char *origin;              /* where they come from (a registry's HOST[:PORT]) */
	const char *sep;                 /* between the input and an entry's name in a path:
	                                  * "/" when NULL, "!/" for members of a tar */
	struct mv_remote_entry *v;
	size_t n;
	/* The bytes of entry i: never more than its size and one byte more are read; an
	 * entry longer or shorter than its size ends in an error. NULL with err set. */
	struct mv_blocks *(*open)(struct mv_remote *r, size_t i, char *err, size_t errlen);
	void (*close)(struct mv_blocks *b);
	void (*free)(struct mv_remote *r);
};

#endif
