/* SPDX-License-Identifier: Apache-2.0 */
/* curl.c: libcurl's one global initialisation, which is not itself thread-safe. */
#include "config.h"

#include <pthread.h>

#include <curl/curl.h>

#include "core/curl.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int ready;

static void
start(void)
{
	ready = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
}

int
mv_curl_ready(void)
{
	pthread_once(&once, start);
	return ready;
}
