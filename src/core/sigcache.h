/* SPDX-License-Identifier: Apache-2.0 */
/* sigcache.h: the life of what is read from the signatures folder once and shared by every
 * run of a process (the name lists, the pickle policy). mv_signatures_reload (mavis.h) starts
 * a new generation: the caches read the folder again on their next use, and what they held
 * before is freed once no run that might still read it is in flight. */
#ifndef MV_CORE_SIGCACHE_H
#define MV_CORE_SIGCACHE_H

/* Embedded in each cached object. */
struct mv_sigcache_node {
	unsigned long generation;                   /* when it was read */
	void (*free)(struct mv_sigcache_node *);    /* frees the object that embeds it */
	struct mv_sigcache_node *retired;           /* the list of those waiting to be freed */
};

/* The generation objects read now belong to. */
unsigned long mv_sigcache_generation(void);
/* A run that may read cached objects starts (enter) and ends (leave: frees what was retired
 * meanwhile when it is the last one in flight). */
void mv_sigcache_enter(void);
void mv_sigcache_leave(void);
/* An object of an older generation, taken out of its cache: freed now if no run is in
 * flight, else by the last leave. */
void mv_sigcache_retire(struct mv_sigcache_node *n);

#endif
