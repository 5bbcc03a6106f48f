#include "util/fsutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

char *
fs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *d;

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	d = xmalloc((size_t)(slash - path) + 1);
	memcpy(d, path, (size_t)(slash - path));
	d[slash - path] = '\0';
	return d;
}

int
fs_mkdirs(const char *path, mode_t mode, struct svc_err *err)
{
	char *p = xstrdup(path);
	int rc = 0;

	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			rc = svc_errf(err, EX_CANTCREAT, "cannot create directory '%s': %s", p,
				      strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

int
fs_read(const char *path, size_t max, struct strbuf *sb, struct svc_err *err)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	char buf[8192];
	ssize_t n;
	int rc = 0;

	if (fd < 0)
		return svc_errf(err, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
				"cannot open '%s': %s", path, strerror(errno));
	while ((n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = svc_errf(err, EX_IOERR, "cannot read '%s': %s", path, strerror(errno));
			break;
		}
		if (sb->len + (size_t)n > max) {
			rc = svc_errf(err, EX_DATAERR, "'%s' is too large (more than %zu bytes)",
				      path, max);
			break;
		}
		sb_add(sb, buf, (size_t)n);
	}
	if (fd != STDIN_FILENO)
		close(fd);
	svc_wipe(buf, sizeof buf);
	return rc;
}

int
fs_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
fs_sync_dir(const char *path, struct svc_err *err)
{
	char *dir = fs_dirname(path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (fd < 0 || fsync(fd) != 0)
		rc = svc_errf(err, EX_IOERR, "cannot sync directory '%s': %s", dir,
			      strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}

int
fs_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct svc_err *err)
{
	struct strbuf tmp = STRBUF_INIT;
	int fd, rc = -1;

	if (strcmp(path, "-") == 0) {
		if (fs_write_all(STDOUT_FILENO, data, len) != 0)
			return svc_errf(err, EX_IOERR, "cannot write to stdout: %s",
					strerror(errno));
		return 0;
	}
	if (fs_is_special(path)) {
		if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
			return svc_errf(err, EX_CANTCREAT, "cannot open '%s': %s", path,
					strerror(errno));
		rc = fs_write_all(fd, data, len);
		if (close(fd) != 0 || rc != 0)
			return svc_errf(err, EX_IOERR, "cannot write '%s': %s", path,
					strerror(errno));
		return 0;
	}
	sb_addf(&tmp, "%s.tmp-XXXXXX", path);
	fd = mkstemp(tmp.buf);
	if (fd < 0) {
		svc_errf(err, EX_CANTCREAT, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fchmod(fd, mode) != 0 || fs_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		svc_errf(err, EX_IOERR, "cannot write '%s': %s", path, strerror(errno));
		close(fd);
		unlink(tmp.buf);
		goto out;
	}
	if (close(fd) != 0 || rename(tmp.buf, path) != 0) {
		svc_errf(err, EX_IOERR, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp.buf);
		goto out;
	}
	rc = fs_sync_dir(path, err);
out:
	sb_release(&tmp);
	return rc;
}

bool
fs_is_special(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && !S_ISREG(st.st_mode);
}

int
fs_trylock(const char *path, bool create)
{
	for (;;) {
		struct stat held, named;
		int fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600), rc;

		if (fd < 0)
			return -1;
		do
			rc = flock(fd, LOCK_EX | LOCK_NB);
		while (rc != 0 && errno == EINTR);
		if (rc != 0) {
			int e = errno;
			close(fd);
			errno = e;
			return e == EWOULDBLOCK ? -2 : -1;
		}
		/* Still the file of that name: the lock is ours. */
		if (fstat(fd, &held) == 0 && stat(path, &named) == 0 &&
		    held.st_dev == named.st_dev && held.st_ino == named.st_ino)
			return fd;
		close(fd);
		if (!create) {
			errno = ENOENT;
			return -1;
		}
	}
}

void
fs_unlock_remove(const char *path, int fd)
{
	if (fd < 0)
		return;
	unlink(path);
	flock(fd, LOCK_UN);
	close(fd);
}
