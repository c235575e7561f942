/* SPDX-License-Identifier: Apache-2.0 */
/* pickle_an.h: the pickle machine set up for an entry, for the analysers of formats that
 * carry pickles (pickle files, PyTorch checkpoints, NumPy object arrays, joblib files). */
#ifndef MV_SCAN_PICKLE_AN_H
#define MV_SCAN_PICKLE_AN_H

#include "scan/analyse.h"
#include "scan/pickle.h"

/* A machine judging callables by the policy of the entry's signatures folder; base is the
 * offset in the entry of the first byte it will be fed. When the policy cannot be read or
 * memory runs out: NULL, and an analysis.incomplete finding at offset saying that what (a
 * pickle, an object array) is not analysed, and why. */
struct mv_pickle *mv_pickle_for(const struct mv_actx *a, enum mv_pickle_profile profile,
    uint64_t base, int64_t offset, const char *what);

extern const struct mv_analyser mv_analyser_pickle;
extern const struct mv_analyser mv_analyser_npy;
extern const struct mv_analyser mv_analyser_joblibz;

#endif
