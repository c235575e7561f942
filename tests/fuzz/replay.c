/* SPDX-License-Identifier: Apache-2.0 */
/* replay.c: runs a fuzz harness once over every file of its seed corpus, so make check
 * exercises each harness without a fuzzing engine. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are not seeds; the harnesses bound their own work anyway. */
#define REPLAY_MAX_INPUT (64u << 20)

static int
replay_file(const char *path, unsigned long *count)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc = 0;

	if (fp == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	do {
		if (len == cap) {
			unsigned char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > REPLAY_MAX_INPUT || (nb = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "replay: %s: too large\n", path);
				rc = 1;
				goto done;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, fp);
		len += n;
	} while (n > 0);
	if (ferror(fp)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		rc = 1;
		goto done;
	}
	/* An exact-size copy, so the sanitizers catch a read one byte past the input. */
	{
		unsigned char *exact = malloc(len ? len : 1);

		if (exact == NULL) {
			rc = 1;
			goto done;
		}
		memcpy(exact, buf, len);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	(*count)++;
done:
	free(buf);
	fclose(fp);
	return rc;
}

static int
replay(const char *path, unsigned long *count)
{
	struct stat st;
	struct dirent **names;
	int n, rc = 0;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (!S_ISDIR(st.st_mode))
		return replay_file(path, count);
	if ((n = scandir(path, &names, NULL, alphasort)) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char *child = malloc(strlen(path) + strlen(names[i]->d_name) + 2);

			if (child == NULL)
				rc = 1;
			else {
				sprintf(child, "%s/%s", path, names[i]->d_name);
				rc |= replay(child, count);
				free(child);
			}
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned long count = 0;
	int rc = 0;

	/* libFuzzer's first input is always the empty one; a seed corpus rarely holds it.
	 * malloc(1) rather than NULL, as libFuzzer passes a real pointer with size 0. */
	{
		unsigned char *empty = calloc(1, 1);

		if (empty == NULL)
			return 1;
		LLVMFuzzerTestOneInput(empty, 0);
		free(empty);
	}
	if (argc < 2) {
		/* Under make check: fuzz_NAME replays $top_srcdir/tests/fuzz/corpus/NAME. */
		const char *top = getenv("top_srcdir"), *base = strrchr(argv[0], '/');
		char *dir;

		base = base ? base + 1 : argv[0];
		if (strncmp(base, "fuzz_", 5) == 0)
			base += 5;
		if (top == NULL)
			top = ".";
		if ((dir = malloc(strlen(top) + strlen(base) + 32)) == NULL)
			return 1;
		sprintf(dir, "%s/tests/fuzz/corpus/%s", top, base);
		rc = replay(dir, &count);
		free(dir);
	}
	for (int i = 1; i < argc; i++)
		rc |= replay(argv[i], &count);
	printf("%s: replayed %lu inputs\n", argc > 0 ? argv[0] : "replay", count);
	/* A harness with no seeds tests nothing: fail so it shows. */
	return rc || count == 0 ? 1 : 0;
}
