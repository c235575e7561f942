/* SPDX-License-Identifier: Apache-2.0 */
/* curl.h: libcurl started once per process, for every client that uses it (sign/, net/). */
#ifndef MV_CORE_CURL_H
#define MV_CORE_CURL_H

/* curl_global_init, once whatever the threads; 1 when libcurl is ready. */
int mv_curl_ready(void);

#endif
