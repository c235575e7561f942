/* SPDX-License-Identifier: Apache-2.0 */
/* file.c: reading a whole small file (keys, certificates, bundles, manifests) with a cap on
 * its size, refusing anything that is not a regular file. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/ctx.h"
#include "core/file.h"
#include "core/str.h"

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

/* ---- writing ---- */

/* Links followed before giving up, as the kernel's own limit. */
#define MAX_LINKS 40
/* Internal flag: the file system or /proc cannot name an unnamed file; use mkstemp. */
#define NO_UNNAMED 0x100u

static mv_status
write_all(struct mv_ctx *ctx, int fd, const char *path, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
		if (w == 0)
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(ENOSPC));
		s += w;
		n -= (size_t)w;
	}
	return MV_OK;
}

/* The descriptor a path names when it is one the process already holds: /dev/stdout,
 * /dev/stderr, /dev/fd/N, /proc/self/fd/N; else -1. Written to directly, these keep what the
 * shell set up (append mode, a pipe, a socket, a terminal). */
static int
fd_path(const char *path)
{
	const char *num = NULL;
	char *end;
	long v;

	if (strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	if (strncmp(path, "/dev/fd/", 8) == 0)
		num = path + 8;
	else if (strncmp(path, "/proc/self/fd/", 14) == 0)
		num = path + 14;
	if (num == NULL || *num < '0' || *num > '9')
		return -1;
	errno = 0;
	v = strtol(num, &end, 10);
	if (errno || *end || v > INT32_MAX)
		return -1;
	return (int)v;
}

/* The file a chain of symlinks ends at (which need not exist) into *out (a new string), so
 * that the link stays and its target is what gets replaced. */
static mv_status
resolve_links(struct mv_ctx *ctx, const char *path, char **out)
{
	char *cur = mv_strdup(path);
	struct stat st;

	*out = NULL;
	for (int hops = 0; cur != NULL; hops++) {
		char target[PATH_MAX];
		const char *slash;
		ssize_t n;

		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
			*out = cur;
			return MV_OK;
		}
		n = hops == MAX_LINKS ? (errno = ELOOP, -1) :
		    readlink(cur, target, sizeof(target) - 1);
		if (n < 0) {
			int e = errno;

			free(cur);
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(e));
		}
		target[n] = '\0';
		slash = strrchr(cur, '/');
		{
			char *next = target[0] == '/' || slash == NULL ? mv_strdup(target) :
			    mv_asprintf("%.*s/%s", (int)(slash - cur), cur, target);

			free(cur);
			cur = next;
		}
	}
	return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
}

/* Write into something that is not a regular file, as the shell's > would. */
static mv_status
write_special(struct mv_ctx *ctx, const char *path, const char *target, const struct stat *st,
    const void *p, size_t n)
{
	mv_status s;
	int fd;

	if (S_ISDIR(st->st_mode))
		return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(EISDIR));
	if (S_ISBLK(st->st_mode))
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: a block device: mavis does not write "
		    "over disks", path);
	if (S_ISSOCK(st->st_mode)) {
		struct sockaddr_un sa = {.sun_family = AF_UNIX};

		if (strlen(target) >= sizeof(sa.sun_path))
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: socket path too long", path);
		memcpy(sa.sun_path, target, strlen(target) + 1);
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
		if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
			int e = errno;

			close(fd);
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(e));
		}
	} else if ((fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC)) < 0)
		return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
	s = write_all(ctx, fd, path, p, n);
	if (close(fd) != 0 && s == MV_OK && errno != EINTR)
		s = mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
	return s;
}

/* An unnamed file in dir (O_TMPFILE), so that nothing is left behind whenever the process
 * dies, even by SIGKILL; -1 where the file system cannot make one. */
static int
open_unnamed(const char *dir, mode_t mode)
{
#ifdef O_TMPFILE
	return open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
#else
	(void)dir;
	(void)mode;
	errno = EOPNOTSUPP;
	return -1;
#endif
}

/* A temporary name beside target that nothing holds yet (the caller links to it and
 * retries on EEXIST). */
static char *
temp_name(const char *target, unsigned attempt)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return mv_asprintf("%s.tmp-%06lx", target, ((unsigned long)ts.tv_nsec ^
	    ((unsigned long)getpid() << 12) ^ attempt * 2654435761ul) & 0xfffffful);
}

/* Give the unnamed file fd the name target: directly when nothing is there (and, with
 * MV_WRITE_NEW, only then), else through a temporary name renamed over it, the one moment a
 * temporary name exists. 0, or -1 with errno. */
static int
name_unnamed(int fd, const char *target, int replace)
{
	char proc[64];
	int r;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	r = linkat(AT_FDCWD, proc, AT_FDCWD, target, AT_SYMLINK_FOLLOW);
	if (r == 0 || errno != EEXIST || !replace)
		return r;
	for (unsigned attempt = 0; attempt < 100; attempt++) {
		char *tmp = temp_name(target, attempt);
		int e;

		if (tmp == NULL) {
			errno = ENOMEM;
			return -1;
		}
		if ((r = linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW)) == 0 &&
		    (r = rename(tmp, target)) != 0) {
			e = errno;
			unlink(tmp);
			errno = e;
		}
		e = errno;
		free(tmp);
		errno = e;
		if (r == 0 || errno != EEXIST)
			return r;
	}
	return -1;
}

static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Write a regular file (or a new one) whole or not at all. The signals that end a command
 * are held for the few system calls while a file exists that is not yet in place, so that
 * whatever ends the process leaves either the old file or the new one, never a temporary. */
static mv_status
write_regular(struct mv_ctx *ctx, const char *path, const char *target, const struct stat *st,
    const void *p, size_t n, unsigned mode, unsigned flags)
{
	const char *slash = strrchr(target, '/');
	char *dir = NULL, *tmpl = NULL, *tmp = NULL;
	sigset_t hold, old;
	mode_t m, um;
	mv_status s = MV_OK;
	int fd = -1, e = 0, replace = !(flags & MV_WRITE_NEW), named = 0;

	um = umask(0);
	umask(um);
	if (st && replace)
		m = st->st_mode & 07777;   /* the file's mode survives its replacement */
	else if (flags & MV_WRITE_EXACT_MODE)
		m = (mode_t)mode;
	else
		m = (mode_t)mode & ~um;
	if (slash == NULL)
		dir = mv_strdup(".");
	else
		dir = mv_asprintf("%.*s", slash == target ? 1 : (int)(slash - target), target);
	tmpl = mv_asprintf("%s.tmp-XXXXXX", target);
	if (dir == NULL || tmpl == NULL) {
		free(dir);
		free(tmpl);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	sigemptyset(&hold);
	sigaddset(&hold, SIGINT);
	sigaddset(&hold, SIGTERM);
	sigaddset(&hold, SIGHUP);
	sigaddset(&hold, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &hold, &old);
	if (!(flags & NO_UNNAMED) && (fd = open_unnamed(dir, m)) >= 0) {
		named = 0;
	} else if ((tmp = mv_strdup(tmpl)) == NULL || (fd = mkstemp(tmp)) < 0) {
		e = tmp ? errno : ENOMEM;
		free(tmp);
		tmp = NULL;
		if (st && replace && (e == EACCES || e == EPERM || e == EROFS) &&
		    access(target, W_OK) == 0) {
			/* The folder takes no new file, but the file may be written: in place, as
			 * the shell would. */
			pthread_sigmask(SIG_SETMASK, &old, NULL);
			free(dir);
			free(tmpl);
			if ((fd = open(target, O_WRONLY | O_TRUNC | O_NOCTTY | O_CLOEXEC)) < 0)
				return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
			s = write_all(ctx, fd, path, p, n);
			if (s == MV_OK && fsync(fd) != 0 && errno != EINVAL)
				s = mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
			if (close(fd) != 0 && s == MV_OK)
				s = mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
			return s;
		}
		s = mv_ctx_fail(ctx, MV_ERR_IO, "%s: cannot create a file in %s: %s", path, dir,
		    strerror(e));
		goto done;
	} else {
		named = 1;
	}
	/* mkstemp makes the file private, and the umask may take more than asked for. */
	if (fchmod(fd, m) != 0 ||
	    (s = write_all(ctx, fd, path, p, n)) != MV_OK || fsync(fd) != 0) {
		if (s == MV_OK)
			s = mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (!named) {
		if (name_unnamed(fd, target, replace) != 0) {
			e = errno;
			if (e == ENOENT && access("/proc/self/fd", X_OK) != 0) {
				/* No /proc to name the file by: the named way. */
				close(fd);
				fd = -1;
				pthread_sigmask(SIG_SETMASK, &old, NULL);
				free(dir);
				free(tmpl);
				return write_regular(ctx, path, target, st, p, n, mode,
				    flags | NO_UNNAMED);
			}
			s = mv_ctx_fail(ctx, e == EEXIST ? MV_ERR_USAGE : MV_ERR_IO, "%s: %s", path,
			    strerror(e));
			goto done;
		}
	} else {
		if (close(fd) != 0) {
			fd = -1;
			s = mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
			goto done;
		}
		fd = -1;
		if ((replace ? rename(tmp, target) : link(tmp, target)) != 0) {
			s = mv_ctx_fail(ctx, errno == EEXIST ? MV_ERR_USAGE : MV_ERR_IO, "%s: %s", path,
			    strerror(errno));
			goto done;
		}
		if (!replace)
			unlink(tmp);
		free(tmp);
		tmp = NULL;
	}
	sync_dir(dir);
done:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(dir);
	free(tmpl);
	return s;
}

mv_status
mv_file_write(struct mv_ctx *ctx, const char *path, const void *p, size_t n, unsigned mode,
    unsigned flags)
{
	struct stat st;
	char *target;
	mv_status s;
	int fd, exists;

	if (!(flags & MV_WRITE_NEW) && (fd = fd_path(path)) >= 0) {
		if (fcntl(fd, F_GETFD) < 0)
			return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
		return write_all(ctx, fd, path, p, n);
	}
	if (flags & MV_WRITE_NEW) {
		/* Never through a link: a planted symlink must not redirect a new key. */
		if (lstat(path, &st) == 0)
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: %s", path, strerror(EEXIST));
		return write_regular(ctx, path, path, NULL, p, n, mode, flags);
	}
	if ((s = resolve_links(ctx, path, &target)) != MV_OK)
		return s;
	exists = stat(target, &st) == 0;
	if (!exists && errno != ENOENT)
		s = mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));
	else if (exists && !S_ISREG(st.st_mode))
		s = write_special(ctx, path, target, &st, p, n);
	else
		s = write_regular(ctx, path, target, exists ? &st : NULL, p, n, mode, flags);
	free(target);
	return s;
}
