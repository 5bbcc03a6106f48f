/* Mail Box content files: streamed to a temporary file, hashed, renamed
 * into place (also used by the restore of a backup). */
#include "mailbox/mailbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "access/seal.h"

#include "util/fsutil.h"
#include "util/hashjob.h"
#include "util/hex.h"
#include "util/text.h"

void
mailbox_file_abort(struct mailbox_file *f)
{
	if (f == NULL)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	if (f->final && f->fd == -2)
		unlink(f->final);
	EVP_MD_CTX_free(f->md);
	free(f->tmp);
	free(f->final);
	free(f);
}

int
mailbox_file_begin(struct device *dev, struct mailbox_file **out, struct svc_err *err)
{
	struct mailbox_file *f = xcalloc(1, sizeof *f);
	unsigned char rnd[16];
	char hex[33], *dir = mailbox_dir(dev);
	struct strbuf sb = STRBUF_INIT;

	*out = NULL;
	f->fd = -1;
	if (fs_mkdirs(dir, 0700, err) != 0 || seal_random(rnd, sizeof rnd, err) != 0)
		goto fail;
	hex_encode(rnd, sizeof rnd, hex);
	snprintf(f->file, sizeof f->file, "%s.doc", hex);
	sb_addf(&sb, "%s/%s.tmp", dir, hex);
	f->tmp = sb_detach(&sb);
	sb_addf(&sb, "%s/%s", dir, f->file);
	f->final = sb_detach(&sb);
	if ((f->md = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(f->md, EVP_sha256(), NULL) != 1) {
		svc_errf(err, EX_SOFTWARE, "cannot start SHA-256");
		goto fail;
	}
	if ((f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		svc_errf(err, EX_CANTCREAT, "cannot create '%s': %s", f->tmp, strerror(errno));
		goto fail;
	}
	free(dir);
	*out = f;
	return 0;
fail:
	free(dir);
	mailbox_file_abort(f);
	return -1;
}

int
mailbox_write_error(const char *path, int e, struct svc_err *err)
{
	if (e == ENOSPC || e == EDQUOT)
		return svc_errf(err, EX_IOERR, "the disk is full writing '%s'", path);
	return svc_errf(err, EX_IOERR, "cannot write '%s': %s", path, strerror(e));
}

void
mailbox_file_hash_beside(struct mailbox_file *f, struct hashjob *hj)
{
	f->hj = hj;
}

int
mailbox_file_write(struct mailbox_file *f, const void *buf, size_t len, struct svc_err *err)
{
	int wr, e, hashed;

	if (f->hj)
		hashjob_start(f->hj, f->md, buf, len);
	wr = fs_write_all(f->fd, buf, len);
	e = errno;
	/* BUF is the caller's again only once the thread is done with it. */
	hashed = f->hj ? hashjob_wait(f->hj) : EVP_DigestUpdate(f->md, buf, len) == 1 ? 0 : -1;
	if (wr != 0)
		return mailbox_write_error(f->tmp, e, err);
	if (hashed != 0)
		return svc_errf(err, EX_SOFTWARE, "SHA-256 failed");
	f->size += (int64_t)len;
	return 0;
}

int
mailbox_file_finish(struct mailbox_file *f, bool sync, char file[80], int64_t *size,
		    char sha256[65], struct svc_err *err)
{
	unsigned char md[32];
	unsigned int mdlen = 0;

	if (EVP_DigestFinal_ex(f->md, md, &mdlen) != 1 || mdlen != 32)
		return svc_errf(err, EX_SOFTWARE, "SHA-256 failed");
	if (sync && fsync(f->fd) != 0)
		return mailbox_write_error(f->tmp, errno, err);
	/* Unsynced (a restore, flushed once at the end): start the write-back
	 * now so that the final flush has little left to wait for. */
	if (!sync)
		sync_file_range(f->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (close(f->fd) != 0) {
		f->fd = -1;
		return mailbox_write_error(f->tmp, errno, err);
	}
	f->fd = -1;
	if (rename(f->tmp, f->final) != 0)
		return svc_errf(err, EX_IOERR, "cannot rename '%s': %s", f->tmp, strerror(errno));
	free(f->tmp);
	f->tmp = NULL;
	f->fd = -2; /* renamed: abort removes the final name */
	if (sync && fs_sync_dir(f->final, err) != 0)
		return -1;
	hex_encode(md, 32, sha256);
	strlcpy_(file, f->file, 80);
	*size = f->size;
	return 0;
}

void
mailbox_file_release(struct mailbox_file *f)
{
	f->fd = -1;
	mailbox_file_abort(f);
}

int
mailbox_sync(struct device *dev, struct svc_err *err)
{
	char *dir = mailbox_dir(dev);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0 || syncfs(fd) != 0)
		rc = svc_errf(err, EX_IOERR, "cannot flush '%s': %s", dir, strerror(errno));
	if (fd >= 0)
		close(fd);
	free(dir);
	return rc;
}
