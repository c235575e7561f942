/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_oci.c: the OCI image layout reader (walk/oci.c) and its model checks (walk/ocimodel.c,
 * walk/ocilayer.c). The input is index.json, then optionally a NUL and a manifest, stored as
 * the blob sha256:abab...ab, a NUL and a config, stored as sha256:cdcd...cd, and a NUL and a
 * layer (the rest, NULs and all), stored as sha256:efef...ef: names the input can point at,
 * whose content never matches them, which is a finding, not a failure. The layout is laid
 * out once in a temporary folder and rewritten for each input. An input that is a tar (ustar
 * magic at 257) is scanned as one file instead: an OCI layout packed in a tar (walk/ocitar.c,
 * seeds from skopeo's oci-archive). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mavis.h"
#include "core/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FAKE "abababababababababababababababababababababababababababababababab"
#define CONFIG "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
#define LAYER2 "efefefefefefefefefefefefefefefefefefefefefefefefefefefefefefefef"
/* sha256 of "layer": a blob the manifests of the seeds may name. */
#define LAYER "dac1d7cfa95021764849fd102524e141488c5e3a90f861dbb5a12d9ac8584f85"

static char *root;

static void
put(const char *rel, const void *p, size_t n)
{
	char *path = mv_asprintf("%s/%s", root, rel);
	FILE *fp = path ? fopen(path, "wb") : NULL;

	if (fp == NULL || fwrite(p, 1, n, fp) != n || fclose(fp) != 0)
		abort();
	free(path);
}

static void
setup(void)
{
	char tmpl[] = "/tmp/mavis-fuzz-oci.XXXXXX";
	char *blobs;
	const char layout[] = "{\"imageLayoutVersion\": \"1.0.0\"}";
	const char layer[] = "layer";

	if (mkdtemp(tmpl) == NULL || (root = mv_strdup(tmpl)) == NULL)
		abort();
	if ((blobs = mv_asprintf("%s/blobs", root)) == NULL || mkdir(blobs, 0700) != 0)
		abort();
	free(blobs);
	if ((blobs = mv_asprintf("%s/blobs/sha256", root)) == NULL || mkdir(blobs, 0700) != 0)
		abort();
	free(blobs);
	put("oci-layout", layout, sizeof(layout) - 1);
	put("blobs/sha256/" LAYER, layer, sizeof(layer) - 1);
}

static void
teardown(void)
{
	/* Deepest first: the blobs, then their folders and the layout's files. */
	const char *blobs[] = {FAKE, CONFIG, LAYER2, LAYER};
	const char *rels[] = {"blobs/sha256", "blobs", "oci-layout", "index.json", "packed.tar"};

	for (size_t i = 0; i < sizeof(blobs) / sizeof(blobs[0]); i++) {
		char *p = mv_asprintf("%s/blobs/sha256/%s", root, blobs[i]);

		if (p)
			(void)unlink(p);
		free(p);
	}
	for (size_t i = 0; i < sizeof(rels) / sizeof(rels[0]); i++) {
		char *p = mv_asprintf("%s/%s", root, rels[i]);

		if (p && unlink(p) != 0)
			(void)rmdir(p);
		free(p);
	}
	(void)rmdir(root);
	free(root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mv_ctx *ctx;
	const char *inputs[1];
	char *packed = NULL;
	struct mv_result *res = NULL;

	if (root == NULL) {
		setup();
		atexit(teardown);
		if ((ctx = mv_ctx_new()) == NULL ||
		    mv_ctx_set_limit(ctx, MV_LIMIT_DEPTH, 3) != MV_OK ||
		    mv_ctx_set_limit(ctx, MV_LIMIT_ENTRIES, 64) != MV_OK)
			abort();
		mv_ctx_set_jobs(ctx, 1);
	}
	inputs[0] = root;
	if (size >= 262 && memcmp(data + 257, "ustar", 5) == 0) {
		put("packed.tar", data, size);
		if ((packed = mv_asprintf("%s/packed.tar", root)) == NULL)
			abort();
		inputs[0] = packed;
	} else {
		/* index.json NUL manifest NUL config NUL layer: each part up to the next NUL. */
		const char *names[] = {"index.json", "blobs/sha256/" FAKE, "blobs/sha256/" CONFIG,
		    "blobs/sha256/" LAYER2};
		const uint8_t *p = data, *end = data + size;

		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
			const uint8_t *q = k + 1 < sizeof(names) / sizeof(names[0]) && p ?
			    memchr(p, 0, (size_t)(end - p)) : NULL;
			size_t n = p == NULL ? 0 : q ? (size_t)(q - p) : (size_t)(end - p);

			put(names[k], p ? p : (const uint8_t *)"", n);
			p = q ? q + 1 : NULL;
		}
	}
	if (mv_run(ctx, inputs, 1, &res) != MV_OK)
		abort();        /* a layout of files that are all there never fails a run */
	for (size_t i = 0; i < mv_result_finding_count(res); i++) {
		const struct mv_finding *f = mv_result_finding(res, i);

		if (strpbrk(f->evidence, "\n\r") || !mv_utf8_valid(f->evidence, strlen(f->evidence)))
			abort();
		/* Findings are about files of the layout, never about a path a digest made up. */
		if (strncmp(f->path, root, strlen(root)) != 0)
			abort();
	}
	for (size_t i = 0; i < mv_result_entry_count(res); i++)
		if (strncmp(mv_result_entry(res, i)->path, root, strlen(root)) != 0)
			abort();
	mv_result_free(res);
	free(packed);
	return 0;
}
