/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_serve.c: what a client of mavis serve sends that is parsed: the body of a scan
 * request (checked, dumped for the queue, read back, turned into a scan input) and, the same
 * bytes taken as text, an Accept header. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/serve.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_serve_req r, back;
	char err[256], *text = malloc(size + 1), *dump, *input;
	const char *type;
	int insecure;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (mv_serve_accept(text, &type) >= 0 && !mv_serve_produces(type) &&
	    mv_serve_accept(text, &type) != MV_SR_VULN)
		abort();
	if (mv_serve_req_parse((const char *)data, size, &r, err, sizeof(err)) == 0) {
		/* What was accepted survives the queue unchanged and makes an input that
		 * holds no byte a URL, header or log line must not. */
		if ((dump = mv_serve_req_dump(&r)) == NULL)
			abort();
		if (mv_serve_req_load(dump, &back) != 0 || !same(r.url, back.url) ||
		    !same(r.authorization, back.authorization) ||
		    !same(r.repository, back.repository) || !same(r.digest, back.digest) ||
		    !same(r.tag, back.tag) || !same(r.mime_type, back.mime_type))
			abort();
		input = mv_serve_req_input(&r, &insecure);
		if (input == NULL || strncmp(input, "oci://", 6) != 0 || strstr(input, "..") ||
		    strpbrk(input, " \r\n\t\\?#"))
			abort();
		free(input);
		free(dump);
		mv_serve_req_free(&back);
		mv_serve_req_free(&r);
	} else if (err[0] == '\0') {
		abort();
	}
	free(text);
	return 0;
}
