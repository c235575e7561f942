/* SPDX-License-Identifier: Apache-2.0 */
/* tsv.c: read the signatures folder's tables and policy files strictly, line by line. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/ctx.h"
#include "core/str.h"
#include "judge/tsv.h"

static size_t
line_of(const char *buf, const char *at)
{
	size_t n = 1;

	for (const char *p = buf; p < at; p++)
		if (*p == '\n')
			n++;
	return n;
}

mv_status
mv_text_read(struct mv_ctx *ctx, const char *path, size_t max, char **out, size_t *len)
{
	FILE *fp = NULL;
	struct stat st;
	char *buf = NULL;
	size_t n = 0;
	mv_status rc = MV_OK;

	*out = NULL;
	if ((fp = fopen(path, "rb")) == NULL)
		return mv_ctx_fail(ctx, errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO, "%s: %s",
		    path, strerror(errno));
	if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
		rc = mv_ctx_fail(ctx, MV_ERR_IO, "%s: not a regular file", path);
		goto done;
	}
	if ((uint64_t)st.st_size > max) {
		rc = mv_ctx_fail(ctx, MV_ERR_LIMIT, "%s: larger than %zu bytes", path, max);
		goto done;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		rc = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* Read one byte more than the size to see a file that grew meanwhile. */
	n = fread(buf, 1, (size_t)st.st_size, fp);
	if (ferror(fp) || n != (size_t)st.st_size || fgetc(fp) != EOF) {
		rc = mv_ctx_fail(ctx, MV_ERR_IO, "%s: read error or changed while read", path);
		goto done;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n) != NULL) {
		rc = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: NUL byte in a text file", path,
		    line_of(buf, buf + strlen(buf)));
		goto done;
	}
	if (memchr(buf, '\r', n) != NULL) {
		rc = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: carriage return (write the file "
		    "with Unix line ends)", path, line_of(buf, strchr(buf, '\r')));
		goto done;
	}
	if (!mv_utf8_valid(buf, n)) {
		/* Find the first bad line for the message. */
		char *p = buf, *nl;

		for (; (nl = strchr(p, '\n')) != NULL && mv_utf8_valid(p, (size_t)(nl - p)); p = nl + 1)
			;
		rc = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: not valid UTF-8", path,
		    line_of(buf, p));
		goto done;
	}
	*out = buf;
	buf = NULL;
	if (len)
		*len = n;
done:
	free(buf);
	fclose(fp);
	return rc;
}

mv_status
mv_tsv_open(struct mv_ctx *ctx, struct mv_tsv *t, const char *path)
{
	size_t n;
	mv_status st;

	memset(t, 0, sizeof(*t));
	if ((st = mv_text_read(ctx, path, MV_TABLE_MAX, &t->buf, &n)) != MV_OK)
		return st;
	t->next = t->buf;
	t->end = t->buf + n;
	t->file = path;
	return MV_OK;
}

int
mv_tsv_next(struct mv_tsv *t, char **f, size_t max, size_t *nf)
{
	while (t->next && t->next < t->end) {
		char *line = t->next, *nl = strchr(line, '\n'), *p;
		size_t k = 0;

		if (nl) {
			*nl = '\0';
			t->next = nl + 1;
		} else {
			t->next = NULL;
		}
		t->line++;
		if (line[0] == '\0' || line[0] == '#')
			continue;
		for (p = line;; ) {
			char *tab = strchr(p, '\t');

			if (k < max)
				f[k] = p;
			k++;
			if (tab == NULL)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		*nf = k;
		return 1;
	}
	return 0;
}

void
mv_tsv_close(struct mv_tsv *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}
