/* Reading a backup archive: every entry checked against the manifest and
 * SHA256SUMS; probe and verify. */
#include "backup/backup_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "backup/archive_lazy.h"
#include "util/hex.h"
#include "util/text.h"

struct rd {
	int fd;
	unsigned char *buf;
	struct archive *a;
};

static la_ssize_t
rd_read(struct archive *a, void *arg, const void **out)
{
	struct rd *r = arg;
	ssize_t n;

	do
		n = read(r->fd, r->buf, RD_CHUNK);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		archive_set_error(a, errno, "%s", strerror(errno));
	*out = r->buf;
	return n;
}

static la_int64_t
rd_seek(struct archive *a, void *arg, la_int64_t off, int whence)
{
	struct rd *r = arg;
	off_t o = lseek(r->fd, (off_t)off, whence);

	(void)a;
	return o < 0 ? ARCHIVE_FATAL : (la_int64_t)o;
}

static void
rd_close(struct rd *r)
{
	if (r->a)
		archive_read_free(r->a);
	r->a = NULL;
	free(r->buf);
	r->buf = NULL;
}

static int
rd_open(struct rd *r, int fd, const char *path, const char *passphrase, struct svc_err *err)
{
	memset(r, 0, sizeof *r);
	if (archive_lazy_load(err) != 0)
		return -1;
	r->fd = fd;
	r->buf = xmalloc(RD_CHUNK);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		rd_close(r);
		return svc_errf(err, EX_DATAERR, "'%s' is not a regular file", path);
	}
	/* Read once from start to end (the central directory aside): a larger
	 * read-ahead. Advice only, so its result does not matter. */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	if ((r->a = archive_read_new()) == NULL) {
		rd_close(r);
		return svc_errf(err, EX_SOFTWARE, "out of memory");
	}
	/* Only the seekable ZIP reader: it starts from the central directory,
	 * so a truncated archive fails at once. */
	archive_read_support_format_zip_seekable(r->a);
	/* Every entry is checked by SHA-256 (the manifest by SHA256SUMS, the
	 * documents by the manifest), so ZIP's CRC-32 only costs time: a
	 * quarter of a restore's CPU. */
	if (archive_read_set_options(r->a, "zip:ignorecrc32") != ARCHIVE_OK) {
		rd_close(r);
		return svc_errf(err, EX_SOFTWARE, "libarchive does not know zip:ignorecrc32");
	}
	if (passphrase)
		archive_read_add_passphrase(r->a, passphrase);
	archive_read_set_read_callback(r->a, rd_read);
	archive_read_set_seek_callback(r->a, rd_seek);
	archive_read_set_callback_data(r->a, r);
	if (archive_read_open1(r->a) != ARCHIVE_OK) {
		svc_errf(err, EX_DATAERR,
			 "'%s' is not a complete svcmode backup (truncated, damaged or not a "
			 "ZIP archive)",
			 path);
		rd_close(r);
		return -1;
	}
	return 0;
}

/* The archive's error as ours. */
static int
rd_fail(struct rd *r, const char *path, const char *what, bool encrypted, struct svc_err *err)
{
	const char *why = archive_error_string(r->a);

	if (why && strstr(why, "assphrase"))
		return svc_errf(err, EX_NOPERM, "wrong passphrase for '%s'", path);
	if (encrypted && why && (strstr(why, "uthentication") || strstr(why, "HMAC")))
		return svc_errf(err, EX_DATAERR, "'%s' is damaged or tampered with (%s: %s)", path,
				what, why);
	return svc_errf(err, EX_DATAERR, "'%s' is damaged (%s: %s)", path, what,
			why ? why : "unreadable");
}

static int
next_entry(struct rd *r, const char *path, const char *want, int64_t size, struct archive_entry **e,
	   bool *encrypted, struct svc_err *err)
{
	int rc = archive_read_next_header(r->a, e);

	if (rc == ARCHIVE_EOF)
		return svc_errf(err, EX_DATAERR, "'%s' is incomplete: '%s' is missing", path, want);
	if (rc != ARCHIVE_OK)
		return rd_fail(r, path, want, *encrypted, err);
	if (strcmp(archive_entry_pathname(*e), want) != 0)
		return svc_errf(err, EX_DATAERR, "'%s' holds '%s' where '%s' should be", path,
				archive_entry_pathname(*e), want);
	if (size >= 0 && (!archive_entry_size_is_set(*e) || archive_entry_size(*e) != size))
		return svc_errf(err, EX_DATAERR, "'%s': '%s' has the wrong size", path, want);
	return 0;
}

/*
 * Reads the current entry's data: into SB (if not NULL, at most MAX), or
 * through the sink; counts it into *LEN and, with HEX, hashes it into HEX.
 * The blocks come straight from libarchive's buffer (no copy).
 */
static int
read_data(struct rd *r, const char *path, const char *name, bool encrypted, struct strbuf *sb,
	  size_t max, const struct sink *sink, int64_t *len, char *hex, struct svc_err *err)
{
	EVP_MD_CTX *md = NULL;
	unsigned char dg[32];
	const void *blk;
	size_t n;
	la_int64_t off;
	int rc = -1, ar;

	*len = 0;
	if (hex &&
	    ((md = EVP_MD_CTX_new()) == NULL || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)) {
		svc_errf(err, EX_SOFTWARE, "cannot start SHA-256");
		goto out;
	}
	while ((ar = archive_read_data_block(r->a, &blk, &n, &off)) == ARCHIVE_OK) {
		/* Our entries are plain files: a hole (sparse data) is damage. */
		if (off != *len) {
			svc_errf(err, EX_DATAERR, "'%s' is damaged ('%s' has a hole)", path, name);
			goto out;
		}
		if (n == 0)
			continue; /* libarchive may hand back an empty block (NULL) */
		if (md && EVP_DigestUpdate(md, blk, n) != 1) {
			svc_errf(err, EX_SOFTWARE, "SHA-256 failed");
			goto out;
		}
		*len += (int64_t)n;
		if (sb) {
			if (sb->len + n > max) {
				svc_errf(err, EX_DATAERR, "'%s': '%s' is too large", path, name);
				goto out;
			}
			sb_add(sb, blk, n);
		}
		if (sink && sink->write(sink->arg, blk, n, err) != 0)
			goto out;
	}
	if (ar != ARCHIVE_EOF) {
		rd_fail(r, path, name, encrypted, err);
		goto out;
	}
	if (md) {
		EVP_DigestFinal_ex(md, dg, NULL);
		hex_encode(dg, 32, hex);
	}
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

/*
 * Reads the whole archive on FD: the manifest into P, SHA256SUMS checked
 * against it, every document's size and SHA-256 checked. With SINK the
 * documents it accepts are also written out.
 */
int
backup_read(struct device *dev, int fd, const char *path, const char *passphrase, struct parsed *p,
	    const struct sink *sink, bool docs_too, const struct backup_cb *cb, const char *label,
	    struct svc_err *err)
{
	struct rd r;
	struct archive_entry *e;
	struct strbuf man = STRBUF_INIT, sums = STRBUF_INIT, want = STRBUF_INIT;
	char hex[65], mhex[65];
	int64_t len, done = 0;
	int rc = -1;

	memset(p, 0, sizeof *p);
	if (rd_open(&r, fd, path, passphrase, err) != 0)
		return -1;
	if (archive_read_next_header(r.a, &e) != ARCHIVE_OK ||
	    strcmp(archive_entry_pathname(e), MANIFEST_NAME) != 0) {
		svc_errf(err, EX_DATAERR, "'%s' is not an svcmode backup (no %s first)", path,
			 MANIFEST_NAME);
		goto out;
	}
	p->encrypted = archive_entry_is_encrypted(e);
	if (p->encrypted && passphrase == NULL) {
		svc_errf(err, EX_NOPERM, "'%s' is encrypted: its passphrase is needed", path);
		goto out;
	}
	if (read_data(&r, path, MANIFEST_NAME, p->encrypted, &man, MANIFEST_MAX, NULL, &len, mhex,
		      err) != 0)
		goto out;
	if (next_entry(&r, path, SUMS_NAME, -1, &e, &p->encrypted, err) != 0 ||
	    read_data(&r, path, SUMS_NAME, p->encrypted, &sums, MANIFEST_MAX, NULL, &len, hex,
		      err) != 0)
		goto out;
	/* ZIP's CRC-32 is not checked (SHA-256 is), so the manifest is
	 * trusted only once its own line of SHA256SUMS vouches for it. */
	sb_addf(&want, "%s  %s\n", mhex, MANIFEST_NAME);
	if (strncmp(sb_str(&sums), sb_str(&want), want.len) != 0) {
		svc_errf(err, EX_DATAERR, "'%s' is damaged or tampered with: %s does not match %s",
			 path, MANIFEST_NAME, SUMS_NAME);
		goto out;
	}
	sb_reset(&want);
	if (backup_parse_manifest(dev, path, sb_str(&man), p, err) != 0)
		goto out;
	/* The texts are done with before the documents: less at the peak. */
	sb_release(&man);
	backup_sums_text(mhex, p->docs, p->ndocs, false, &want);
	if (strcmp(sb_str(&sums), sb_str(&want)) != 0) {
		svc_errf(err, EX_DATAERR,
			 "'%s' is damaged or tampered with: %s does not match the manifest", path,
			 SUMS_NAME);
		goto out;
	}
	sb_release(&sums);
	sb_release(&want);
	if (!docs_too) {
		rc = 0;
		goto out;
	}
	if (sink && sink->ready && sink->ready(sink->arg, p, err) != 0)
		goto out;
	for (int i = 0; i < p->ndocs; i++) {
		const struct store_doc *d = &p->docs[i];
		int keep = 0;
		bool bad;
		if (next_entry(&r, path, d->file, d->size, &e, &p->encrypted, err) != 0)
			goto out;
		if (sink && (keep = sink->begin(sink->arg, i, err)) < 0)
			goto out;
		if (sink && !keep) {
			done += d->size; /* verified by the first pass, not restored */
			continue;
		}
		/* A document that goes to a file is hashed once, by the file
		 * writer, as it is written: SINK's end compares that. */
		if (read_data(&r, path, d->file, p->encrypted, NULL, 0, keep ? sink : NULL, &len,
			      keep ? NULL : hex, err) != 0)
			goto out;
		bad = len != d->size;
		if (!bad && keep && sink->end(sink->arg, i, err) != 0) {
			if (err == NULL || err->code != EX_DATAERR)
				goto out; /* the sink's own error: disk full, I/O */
			bad = true;
		}
		if (!bad && !keep)
			bad = strcmp(hex, d->sha256) != 0;
		if (bad) {
			svc_errf(err, EX_DATAERR,
				 "'%s' is damaged or tampered with: document %02d/%04d '%s' does "
				 "not match its SHA-256",
				 path, d->box, d->no, d->name);
			goto out;
		}
		done += len;
		if (done < p->bytes)
			backup_progress(cb, label, done, p->bytes);
	}
	switch (archive_read_next_header(r.a, &e)) {
	case ARCHIVE_EOF: break;
	case ARCHIVE_OK:
		svc_errf(err, EX_DATAERR, "'%s' holds '%s', which the manifest does not list", path,
			 archive_entry_pathname(e));
		goto out;
	default: rd_fail(&r, path, "end of archive", p->encrypted, err); goto out;
	}
	backup_progress(cb, label, 1, 1);
	rc = 0;
out:
	if (rc != 0)
		backup_parsed_free(p);
	rd_close(&r);
	sb_release(&man);
	sb_release(&sums);
	sb_release(&want);
	return rc;
}

int
backup_open_input(const char *path, struct svc_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return svc_errf(err, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
				"cannot open '%s': %s", path, strerror(errno));
	return fd;
}

void
backup_fill_summary(const struct parsed *p, struct backup_summary *sum)
{
	if (sum == NULL)
		return;
	memset(sum, 0, sizeof *sum);
	sum->inboxes = p->ninboxes;
	sum->documents = p->ndocs;
	sum->bytes = p->bytes;
	sum->encrypted = p->encrypted;
	strlcpy_(sum->serial, p->head.serial, sizeof sum->serial);
	strlcpy_(sum->model, p->head.model, sizeof sum->model);
	strlcpy_(sum->created, p->head.created, sizeof sum->created);
	strlcpy_(sum->svcmode, p->head.svcmode, sizeof sum->svcmode);
}

int
backup_probe(const char *path, bool *encrypted, struct svc_err *err)
{
	struct rd r;
	struct archive_entry *e;
	int fd = backup_open_input(path, err), rc = -1;

	*encrypted = false;
	if (fd < 0)
		return -1;
	if (rd_open(&r, fd, path, NULL, err) == 0) {
		if (archive_read_next_header(r.a, &e) == ARCHIVE_OK &&
		    strcmp(archive_entry_pathname(e), MANIFEST_NAME) == 0) {
			*encrypted = archive_entry_is_encrypted(e);
			rc = 0;
		} else {
			svc_errf(err, EX_DATAERR, "'%s' is not an svcmode backup (no %s first)",
				 path, MANIFEST_NAME);
		}
		rd_close(&r);
	}
	close(fd);
	return rc;
}

int
backup_verify(struct device *dev, const char *path, const char *passphrase,
	      const struct backup_cb *cb, struct backup_summary *sum, struct svc_err *err)
{
	struct parsed p;
	int fd, rc;

	if (sum)
		memset(sum, 0, sizeof *sum);
	if ((fd = backup_open_input(path, err)) < 0)
		return -1;
	rc = backup_read(dev, fd, path, passphrase, &p, NULL, true, cb, "verifying", err);
	close(fd);
	if (rc == 0) {
		backup_fill_summary(&p, sum);
		backup_parsed_free(&p);
	}
	return rc;
}
