/* SPDX-License-Identifier: Apache-2.0 */
/* hdf5.h: the string attributes of an HDF5 file's root group (a legacy Keras model's
 * model_config and training_config), read from the file's structure in the one forward pass
 * the walker makes: superblock versions 0 to 3, object headers 1 and 2 with their
 * continuation blocks, attribute messages 1 to 3, and dense attribute storage (fractal heap
 * and version 2 B-tree name index), fixed and variable-length strings (global heap). */
#ifndef MV_SCAN_HDF5_H
#define MV_SCAN_HDF5_H

#include <stddef.h>
#include <stdint.h>
#include "mavis.h"

struct mv_h5;

/*
 * A reader for the root attributes called names[0..nnames) (at most 4). retain is how many
 * of the file's first bytes are kept for structures that point backwards; budget bounds all
 * the bytes the reader holds. NULL when out of memory.
 */
struct mv_h5 *mv_h5_new(const char *const *names, size_t nnames, uint64_t retain,
    uint64_t budget);
/* The next n bytes of the file. Returns 1 once the reader needs no more bytes (done or
 * failed), 0 while it does. */
int mv_h5_feed(struct mv_h5 *h, const unsigned char *p, size_t n);
/* After the last byte: MV_OK when the structure was read (the attributes found are then
 * listed by mv_h5_value), else MV_ERR_FORMAT or MV_ERR_LIMIT with the reason in err. */
mv_status mv_h5_finish(struct mv_h5 *h, char *err, size_t errlen);
/* The i-th attribute found (in the order the file lists them): which of the names it is, its
 * bytes and where its value starts in the file; 0 past the last. */
int mv_h5_value(const struct mv_h5 *h, size_t i, size_t *name, const unsigned char **v,
    size_t *n, uint64_t *offset);
void mv_h5_free(struct mv_h5 *h);

#endif
