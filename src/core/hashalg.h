/* SPDX-License-Identifier: Apache-2.0 */
/* hashalg.h: the digest algorithms as the data model knows them: names and sizes (the
 * engine that computes them is the hash stage's). Not installed. */
#ifndef MV_CORE_HASHALG_H
#define MV_CORE_HASHALG_H

#include "mavis.h"

/* Bytes of a digest of alg (one MV_HASH_* bit), 0 for none. */
unsigned mv_hash_size(unsigned alg);

#endif
