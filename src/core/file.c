/* file.c: reading a whole small file (keys, certificates, bundles, manifests) with a cap on
 * its size, refusing anything that is not a regular file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ctx.h"
#include "core/file.h"

mv_status
mv_file_read(struct mv_ctx *ctx, const char *path, size_t max, unsigned char **out,
    size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;
	unsigned char *buf = NULL;
	size_t n = 0;

	*out = NULL;
	*len = 0;
	if (fd < 0)
		return mv_ctx_fail(ctx, errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO, "%s: %s",
		    path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return mv_ctx_fail(ctx, MV_ERR_IO, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > max) {
		close(fd);
		return mv_ctx_fail(ctx, MV_ERR_LIMIT, "%s: larger than %zu bytes", path, max);
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	while (n < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			close(fd);
			free(buf);
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(e));
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return MV_OK;
}
