/* SPDX-License-Identifier: Apache-2.0 */
/* sigfile.h: name lists from the signatures folder (allow and deny lists), read once per
 * process and generation (core/sigcache.h) and shared by every thread. */
#ifndef MV_CORE_SIGFILE_H
#define MV_CORE_SIGFILE_H

#include <stddef.h>
#include "mavis.h"

/*
 * A list file holds one entry per line. Leading and trailing white space is dropped, and a
 * '#' at the start of a line or after white space starts a comment. Entries are byte strings
 * (no escapes); duplicates are kept once.
 */
struct mv_siglist;

/* The list in file name of folder dir (NULL: the default of mv_ctx_signatures), read on the
 * first call and cached until mv_signatures_reload; the list is never changed, so it may be
 * used from any thread without a lock, and it stays valid until the run that got it ends
 * (mv_sigcache_leave). On failure err holds a one-line reason naming the file. */
MV_CHECK mv_status mv_siglist_get(const char *dir, const char *name,
    const struct mv_siglist **out, char *err, size_t errlen);
size_t mv_siglist_count(const struct mv_siglist *l);
/* True when s[0..n) is an entry. */
int mv_siglist_has(const struct mv_siglist *l, const char *s, size_t n);
/* For dotted names: the longest entry that is s itself or a prefix of s ending before a '.'
 * ("os" matches "os.path.join"), or NULL. */
const char *mv_siglist_match_dotted(const struct mv_siglist *l, const char *s, size_t n);

#endif
