/* TEMPORARY placeholder so the tree builds; replaced by the real zip index. */
#include "config.h"
#include "walk/zipidx.h"
mv_status mv_zipidx_build(const struct mv_rsrc *src, const char *path, const uint64_t *limit,
    struct mv_findings *fl, struct mv_zipidx *out) { (void)src; (void)path; (void)limit; (void)fl; (void)out; return MV_ERR_UNSUPPORTED; }
void mv_zipidx_free(struct mv_zipidx *idx) { (void)idx; }
void mv_zipidx_check(const struct mv_rsrc *src, const char *path, const uint64_t *limit,
    struct mv_findings *fl) { (void)src; (void)path; (void)limit; (void)fl; }
