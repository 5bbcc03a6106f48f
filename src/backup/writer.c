/* Creating a backup: the ZIP archive written to an unnamed file, read back,
 * then named. */
#include "backup/backup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "backup/archive_lazy.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/text.h"

struct out {
	int fd;
	bool is_stdout, anonymous;
	char *tmp; /* named temporary file, or NULL */
	int err_no;
	int64_t unflushed; /* bytes written since the last write-back kick */
};

#define KICK_BYTES (8 * 1024 * 1024)

static int
out_open(struct out *o, const char *path, struct svc_err *err)
{
	char *dir;
	struct strbuf sb = STRBUF_INIT;

	memset(o, 0, sizeof *o);
	o->fd = -1;
	if (strcmp(path, "-") == 0) {
		o->fd = STDOUT_FILENO;
		o->is_stdout = true;
		return 0;
	}
	/* A backup is named by renaming over FILE: never over a device. */
	if (fs_is_special(path))
		return svc_errf(err, EX_USAGE,
				"'%s' is not a regular file: give a file name, or - for "
				"standard output",
				path);
	dir = fs_dirname(path);
	/* An unnamed file: if the process dies, nothing is left behind. */
	o->fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	free(dir);
	if (o->fd >= 0) {
		o->anonymous = true;
		return 0;
	}
	sb_addf(&sb, "%s.partial-XXXXXX", path);
	o->tmp = sb_detach(&sb);
	if ((o->fd = mkostemp(o->tmp, O_CLOEXEC)) < 0) {
		svc_errf(err, EX_CANTCREAT, "cannot create '%s': %s", path, strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	return 0;
}

static void
out_abort(struct out *o)
{
	if (!o->is_stdout && o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp)
		unlink(o->tmp);
	free(o->tmp);
	o->tmp = NULL;
}

static int
out_commit(struct out *o, const char *path, struct svc_err *err)
{
	struct strbuf link = STRBUF_INIT;
	char proc[64];
	int rc = -1;

	if (o->is_stdout)
		return 0;
	if (o->anonymous) {
		snprintf(proc, sizeof proc, "/proc/self/fd/%d", o->fd);
		/* No FILE yet: the complete file gets its final name in one
		 * step, so no other name is ever left behind. */
		if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) == 0)
			goto named;
		if (errno != EEXIST) {
			svc_errf(err, EX_CANTCREAT, "cannot name '%s': %s", path, strerror(errno));
			goto out;
		}
		/* FILE exists: a temporary name, then rename over it. */
		sb_addf(&link, "%s.partial-%ld", path, (long)getpid());
		unlink(link.buf);
		if (linkat(AT_FDCWD, proc, AT_FDCWD, link.buf, AT_SYMLINK_FOLLOW) != 0) {
			svc_errf(err, EX_CANTCREAT, "cannot name '%s': %s", path, strerror(errno));
			goto out;
		}
		o->tmp = sb_detach(&link);
	}
	if (rename(o->tmp, path) != 0) {
		svc_errf(err, EX_CANTCREAT, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	free(o->tmp);
	o->tmp = NULL;
named:
	if (fs_sync_dir(path, err) != 0)
		goto out;
	rc = 0;
out:
	sb_release(&link);
	return rc;
}

static la_ssize_t
wr_write(struct archive *a, void *arg, const void *buf, size_t len)
{
	struct out *o = arg;

	if (fs_write_all(o->fd, buf, len) != 0) {
		o->err_no = errno;
		archive_set_error(a, errno, "%s", strerror(errno));
		return -1;
	}
	/* Start the disk write-back as we go (not waiting for it): the final
	 * fsync then finds little left, and the page cache stays clean. */
	if (!o->is_stdout && (o->unflushed += (int64_t)len) >= KICK_BYTES) {
		sync_file_range(o->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		o->unflushed = 0;
	}
	return (la_ssize_t)len;
}

static int
wr_fail(struct archive *a, struct out *o, const char *path, struct svc_err *err)
{
	if (o->err_no == ENOSPC || o->err_no == EDQUOT)
		return svc_errf(err, EX_IOERR,
				"the disk is full writing '%s'; the partial backup was removed",
				path);
	if (o->err_no)
		return svc_errf(err, EX_IOERR, "cannot write '%s': %s", path, strerror(o->err_no));
	return svc_errf(err, EX_IOERR, "cannot write '%s': %s", path,
			a && archive_error_string(a) ? archive_error_string(a) : "archive error");
}

static struct archive_entry *
new_entry(const char *name, int64_t size, int64_t mtime)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_mtime(e, (time_t)mtime, 0);
	return e;
}

static int
put_blob(struct archive *a, struct out *o, const char *path, const char *name,
	 const struct strbuf *sb, int64_t mtime, struct svc_err *err)
{
	struct archive_entry *e = new_entry(name, (int64_t)sb->len, mtime);
	int rc = 0;

	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    archive_write_data(a, sb->buf, sb->len) != (la_ssize_t)sb->len ||
	    archive_write_finish_entry(a) != ARCHIVE_OK)
		rc = wr_fail(a, o, path, err);
	archive_entry_free(e);
	return rc;
}

/* Streams document D's file into the archive, checking it against its row. */
static int
put_doc(struct device *dev, struct archive *a, struct out *o, const char *path,
	const struct store_doc *d, const char *apath, unsigned char *buf, int64_t *done,
	int64_t total, const struct backup_cb *cb, struct svc_err *err)
{
	char *src = mailbox_file_path(dev, d->file), hex[65];
	struct archive_entry *e = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char dg[32];
	int fd, rc = -1;
	int64_t len = 0;
	ssize_t n;
	struct stat sbuf;

	if ((fd = open(src, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sbuf) != 0 ||
	    sbuf.st_size != d->size) {
		svc_errf(err, EX_DATAERR,
			 "document %02d/%04d '%s' is missing or damaged in the store; nothing "
			 "was written",
			 d->box, d->no, d->name);
		goto out;
	}
	if (md == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		svc_errf(err, EX_SOFTWARE, "cannot start SHA-256");
		goto out;
	}
	e = new_entry(apath, d->size, d->stored_at);
	if (archive_write_header(a, e) != ARCHIVE_OK) {
		wr_fail(a, o, path, err);
		goto out;
	}
	while ((n = read(fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			svc_errf(err, EX_IOERR, "cannot read '%s': %s", src, strerror(errno));
			goto out;
		}
		EVP_DigestUpdate(md, buf, (size_t)n);
		if (archive_write_data(a, buf, (size_t)n) != n) {
			wr_fail(a, o, path, err);
			goto out;
		}
		len += n;
		*done += n;
		if (*done < total)
			backup_progress(cb, "backing up", *done, total);
	}
	EVP_DigestFinal_ex(md, dg, NULL);
	hex_encode(dg, 32, hex);
	if (len != d->size || strcmp(hex, d->sha256) != 0) {
		svc_errf(err, EX_DATAERR,
			 "document %02d/%04d '%s' is damaged in the store (its content no longer "
			 "matches its SHA-256); nothing was written",
			 d->box, d->no, d->name);
		goto out;
	}
	if (archive_write_finish_entry(a) != ARCHIVE_OK) {
		wr_fail(a, o, path, err);
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	archive_entry_free(e);
	EVP_MD_CTX_free(md);
	free(src);
	return rc;
}

static int
write_archive(struct device *dev, struct out *o, const char *path, const char *passphrase,
	      const struct strbuf *man, const struct collect *docs, int64_t total,
	      const struct backup_cb *cb, struct svc_err *err)
{
	struct archive *a = archive_lazy_load(err) == 0 ? archive_write_new() : NULL;
	struct strbuf sums = STRBUF_INIT;
	unsigned char *buf = xmalloc(CHUNK);
	char mhex[65], apath[sizeof docs->v[0].file];
	int64_t now = (int64_t)time(NULL), done = 0;
	int rc = -1;

	if (a == NULL) {
		if (err == NULL || err->code == 0)
			svc_errf(err, EX_SOFTWARE, "cannot set up the ZIP writer");
		goto out;
	}
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_zip_set_compression_store(a) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK) {
		svc_errf(err, EX_SOFTWARE, "cannot set up the ZIP writer");
		goto out;
	}
	if (passphrase && (archive_write_set_options(a, "zip:encryption=aes256") != ARCHIVE_OK ||
			   archive_write_set_passphrase(a, passphrase) != ARCHIVE_OK)) {
		svc_errf(err, EX_SOFTWARE, "this libarchive cannot write AES-256 ZIP: %s",
			 archive_error_string(a) ? archive_error_string(a) : "no crypto");
		goto out;
	}
	if (archive_write_open(a, o, NULL, wr_write, NULL) != ARCHIVE_OK) {
		wr_fail(a, o, path, err);
		goto out;
	}
	backup_sha256_hex(man->buf, man->len, mhex);
	backup_sums_text(mhex, docs->v, docs->n, true, &sums);
	if (put_blob(a, o, path, MANIFEST_NAME, man, now, err) != 0 ||
	    put_blob(a, o, path, SUMS_NAME, &sums, now, err) != 0)
		goto out;
	sb_release(&sums);
	for (int i = 0; i < docs->n; i++) {
		backup_doc_path(&docs->v[i], apath, sizeof apath);
		if (put_doc(dev, a, o, path, &docs->v[i], apath, buf, &done, total, cb, err) != 0)
			goto out;
	}
	if (archive_write_close(a) != ARCHIVE_OK) {
		wr_fail(a, o, path, err);
		goto out;
	}
	rc = 0;
out:
	if (a)
		archive_write_free(a);
	sb_release(&sums);
	free(buf);
	return rc;
}

int
backup_create(struct device *dev, const char *path, const bool *boxes, const char *passphrase,
	      const struct backup_cb *cb, struct backup_summary *sum, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct store_inbox *ins = xcalloc(MAILBOX_INBOXES, sizeof *ins);
	bool sel[MAILBOX_INBOXES];
	struct collect docs = { NULL, 0, 0, NULL };
	struct strbuf man = STRBUF_INIT;
	struct out o = { .fd = -1 };
	struct parsed p;
	char detail[128];
	int64_t total = 0;
	int lock = -1, rc = -1, nsel = 0;

	if (sum)
		memset(sum, 0, sizeof *sum);
	if (passphrase && strlen(passphrase) < BACKUP_PASSPHRASE_MIN) {
		svc_errf(err, EX_USAGE, "a backup passphrase needs at least %d characters",
			 BACKUP_PASSPHRASE_MIN);
		goto out;
	}
	for (int b = 0; b < MAILBOX_INBOXES; b++)
		nsel += (sel[b] = boxes == NULL || boxes[b]);
	if (nsel == 0) {
		svc_errf(err, EX_USAGE, "no inbox selected");
		goto out;
	}
	/* Expired documents are not backed up: Auto Erase runs first. */
	if (mailbox_auto_erase(dev, (int64_t)time(NULL), NULL, err) != 0)
		goto out;
	/* Writers wait while the backup reads: it is one consistent state. */
	if ((lock = mailbox_lock(dev, true, true, err)) < 0)
		goto out;
	for (int b = 0; b < MAILBOX_INBOXES; b++)
		if (sel[b] && store_inbox_get(st, b, &ins[b], err) < 0)
			goto out;
	docs.boxes = sel;
	if (store_doc_each(st, -1, backup_collect_doc, &docs, err) != 0)
		goto out;
	for (int i = 0; i < docs.n; i++)
		total += docs.v[i].size;
	backup_build_manifest(dev, ins, sel, &docs, &man);
	if (out_open(&o, path, err) != 0)
		goto out;
	if (write_archive(dev, &o, path, passphrase, &man, &docs, total, cb, err) != 0)
		goto fail;
	/* Not needed by the read back: freed before it (less at the peak). */
	free(docs.v);
	docs.v = NULL;
	sb_release(&man);
	if (!o.is_stdout) {
		if (fsync(o.fd) != 0) {
			o.err_no = errno;
			wr_fail(NULL, &o, path, err);
			goto fail;
		}
		/* Read back everything that was written before calling it done. */
		if (backup_read(dev, o.fd, path, passphrase, &p, NULL, true, cb, "verifying",
				err) != 0) {
			char why[256];
			strlcpy_(why, err ? err->msg : "", sizeof why);
			svc_errf(err, EX_IOERR,
				 "the backup did not verify after writing (%s); "
				 "nothing was saved",
				 why);
			goto fail;
		}
		backup_fill_summary(&p, sum);
		backup_parsed_free(&p);
		if (out_commit(&o, path, err) != 0)
			goto fail;
		close(o.fd);
		o.fd = -1;
	} else if (sum) {
		sum->inboxes = nsel;
		sum->documents = docs.n;
		sum->bytes = total;
		sum->encrypted = passphrase != NULL;
	}
	snprintf(detail, sizeof detail, "%d inboxes, %d documents, %lld bytes%s", nsel, docs.n,
		 (long long)total, passphrase ? ", encrypted" : "");
	device_audit(dev, "backup.create", path, NULL, NULL, detail, NULL);
	rc = 0;
	goto out;
fail:
	out_abort(&o);
out:
	if (lock >= 0)
		close(lock);
	svc_wipe(ins, MAILBOX_INBOXES * sizeof *ins);
	free(ins);
	free(docs.v);
	sb_release(&man);
	return rc;
}
