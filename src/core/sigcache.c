/* SPDX-License-Identifier: Apache-2.0 */
/* sigcache.c: generations of the signatures caches, and freeing what a reload replaced once
 * no run can hold it. */
#include "config.h"

#include <pthread.h>
#include <stddef.h>

#include "core/sigcache.h"
#include "mavis.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long generation;
static unsigned long inflight;
static struct mv_sigcache_node *retired;

/* Called with the lock held; the objects are freed after it is released. */
static struct mv_sigcache_node *
take_retired(void)
{
	struct mv_sigcache_node *n = NULL;

	if (inflight == 0) {
		n = retired;
		retired = NULL;
	}
	return n;
}

static void
free_all(struct mv_sigcache_node *n)
{
	while (n) {
		struct mv_sigcache_node *next = n->retired;

		n->free(n);
		n = next;
	}
}

unsigned long
mv_sigcache_generation(void)
{
	unsigned long g;

	pthread_mutex_lock(&lock);
	g = generation;
	pthread_mutex_unlock(&lock);
	return g;
}

void
mv_sigcache_enter(void)
{
	pthread_mutex_lock(&lock);
	inflight++;
	pthread_mutex_unlock(&lock);
}

void
mv_sigcache_leave(void)
{
	struct mv_sigcache_node *n;

	pthread_mutex_lock(&lock);
	if (inflight > 0)
		inflight--;
	n = take_retired();
	pthread_mutex_unlock(&lock);
	free_all(n);
}

void
mv_sigcache_retire(struct mv_sigcache_node *node)
{
	struct mv_sigcache_node *n;

	pthread_mutex_lock(&lock);
	node->retired = retired;
	retired = node;
	n = take_retired();
	pthread_mutex_unlock(&lock);
	free_all(n);
}

void
mv_signatures_reload(void)
{
	pthread_mutex_lock(&lock);
	generation++;
	pthread_mutex_unlock(&lock);
}
