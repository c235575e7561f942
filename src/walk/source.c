/* SPDX-License-Identifier: Apache-2.0 */
/* source.c: random-access sources over descriptors, memory and spools. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "walk/source.h"

int
mv_pread_full(int fd, void *buf, size_t n, uint64_t off)
{
	unsigned char *p = buf;

	while (n > 0) {
		ssize_t r = pread(fd, p, n, (off_t)off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0) {
			/* The file shrank under us. */
			errno = EIO;
			return -1;
		}
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int
fd_pread(void *arg, void *buf, size_t n, uint64_t off)
{
	struct mv_fdsrc *s = arg;

	return mv_pread_full(s->fd, buf, n, off);
}

void
mv_fdsrc_init(struct mv_fdsrc *s, int fd, uint64_t size)
{
	s->fd = fd;
	s->src.size = size;
	s->src.pread = fd_pread;
	s->src.arg = s;
}

static int
mem_pread(void *arg, void *buf, size_t n, uint64_t off)
{
	struct mv_memsrc *s = arg;

	if (off > s->src.size || n > s->src.size - off) {
		errno = EINVAL;
		return -1;
	}
	memcpy(buf, s->p + off, n);
	return 0;
}

void
mv_memsrc_init(struct mv_memsrc *s, const void *p, size_t n)
{
	s->p = p;
	s->src.size = n;
	s->src.pread = mem_pread;
	s->src.arg = s;
}

static int
spool_pread(void *arg, void *buf, size_t n, uint64_t off)
{
	struct mv_spool *s = arg;

	if (off > s->len || n > s->len - off) {
		errno = EINVAL;
		return -1;
	}
	if (s->fd < 0) {
		memcpy(buf, s->mem + off, n);
		return 0;
	}
	return mv_pread_full(s->fd, buf, n, off);
}

void
mv_spool_init(struct mv_spool *s, size_t mem_max, uint64_t max)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->mem_max = mem_max;
	s->max = max;
	s->src.pread = spool_pread;
	s->src.arg = s;
}

static int
tempfd(void)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
#ifdef O_TMPFILE
	fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
#endif
	/* No O_TMPFILE here: make a named file and unlink it at once, so nothing is left behind
	 * whatever happens to the process. */
	if ((size_t)snprintf(path, sizeof(path), "%s/mavis-spool-XXXXXX", dir) >= sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

static int
write_full(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

mv_status
mv_spool_write(struct mv_spool *s, const void *p, size_t n)
{
	if (n == 0)
		return MV_OK;
	if (n > s->max || s->len > s->max - n)
		return MV_ERR_LIMIT;
	if (s->fd < 0 && s->memlen + n <= s->mem_max) {
		if (s->memlen + n > s->memcap) {
			size_t ncap = s->memcap ? s->memcap : 65536;
			unsigned char *m;

			while (ncap < s->memlen + n)
				ncap *= 2;
			if (ncap > s->mem_max)
				ncap = s->mem_max;
			if ((m = realloc(s->mem, ncap)) == NULL)
				return MV_ERR_NOMEM;
			s->mem = m;
			s->memcap = ncap;
		}
		memcpy(s->mem + s->memlen, p, n);
		s->memlen += n;
		s->len += n;
		return MV_OK;
	}
	if (s->fd < 0) {
		if ((s->fd = tempfd()) < 0)
			return MV_ERR_IO;
		if (write_full(s->fd, s->mem, s->memlen) < 0)
			return MV_ERR_IO;
		free(s->mem);
		s->mem = NULL;
		s->memlen = s->memcap = 0;
	}
	if (write_full(s->fd, p, n) < 0)
		return MV_ERR_IO;
	s->len += n;
	return MV_OK;
}

void
mv_spool_seal(struct mv_spool *s)
{
	s->src.size = s->len;
}

void
mv_spool_free(struct mv_spool *s)
{
	free(s->mem);
	if (s->fd >= 0)
		close(s->fd);
	s->mem = NULL;
	s->fd = -1;
}
