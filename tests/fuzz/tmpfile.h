/* SPDX-License-Identifier: Apache-2.0 */
/* tmpfile.h: a harness whose parser reads a named file gets each input written to one
 * temporary file, made once and removed at exit. */
#ifndef MV_FUZZ_TMPFILE_H
#define MV_FUZZ_TMPFILE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_tmp_path[] = "/tmp/mavis-fuzz.XXXXXX";

static void
fuzz_tmp_remove(void)
{
	(void)unlink(fuzz_tmp_path);
}

/* Writes data to the temporary file and returns its name; aborts when it cannot, since a
 * harness that silently tests nothing is worse than one that stops. */
static const char *
fuzz_tmp_write(const uint8_t *data, size_t size)
{
	static int made;
	FILE *fp;

	if (!made) {
		int fd = mkstemp(fuzz_tmp_path);

		if (fd < 0 || close(fd) != 0)
			abort();
		made = 1;
		atexit(fuzz_tmp_remove);
	}
	if ((fp = fopen(fuzz_tmp_path, "wb")) == NULL ||
	    (size > 0 && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
		abort();
	return fuzz_tmp_path;
}

#endif
