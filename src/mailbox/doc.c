/* Mail Box documents: store, list, export, delete, and the Auto Erase of
 * expired ones. */
#include "mailbox/mailbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util/fsutil.h"
#include "util/hex.h"
#include "util/text.h"

struct doc_each {
	mailbox_doc_fn fn;
	void *arg;
};

static void
to_doc(const struct store_doc *s, struct mailbox_doc *d)
{
	memset(d, 0, sizeof *d);
	d->box = s->box;
	d->no = s->no;
	strlcpy_(d->name, s->name, sizeof d->name);
	d->stored_at = s->stored_at;
	d->pages = s->pages;
	d->size = s->size;
	strlcpy_(d->sha256, s->sha256, sizeof d->sha256);
}

static int
doc_each_cb(void *arg, const struct store_doc *s)
{
	struct doc_each *e = arg;
	struct mailbox_doc d;

	to_doc(s, &d);
	return e->fn(e->arg, &d);
}

int
mailbox_doc_each(struct device *dev, int box, const char *password, mailbox_doc_fn fn, void *arg,
		 struct svc_err *err)
{
	struct doc_each e = { fn, arg };

	if (mailbox_unlock(dev, box, password, err) != 0)
		return -1;
	return store_doc_each(device_store(dev), box, doc_each_cb, &e, err);
}

/* Commits the row of a finished file F; on failure the file is removed,
 * except when the commit itself failed: the row may then have reached the
 * disk after all (see store_commit), so the file stays, and the start-up
 * clean-up removes it if no row names it. */
static int
commit_doc(struct device *dev, struct mailbox_file *f, int box, const char *name, int *no,
	   struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct store_doc d = { .box = box, .pages = 1 };
	int64_t docs[100], bytes[100];
	char key[16], detail[160];
	int fd;

	d.stored_at = (int64_t)time(NULL);
	strlcpy_(d.name, name, sizeof d.name);
	if (mailbox_file_finish(f, true, d.file, &d.size, d.sha256, err) != 0)
		goto fail;
	if ((fd = open(f->final, O_RDONLY | O_CLOEXEC)) >= 0) {
		d.pages = mailbox_count_pages(fd);
		close(fd);
	}
	if (store_begin(st, err) != 0)
		goto fail;
	if (store_inbox_usage(st, docs, bytes, err) != 0)
		goto rollback;
	if (docs[box] >= MAILBOX_MAX_DOCS) {
		svc_errf(err, EX_CANTCREAT, "inbox %02d is full (%d documents)", box,
			 MAILBOX_MAX_DOCS);
		goto rollback;
	}
	if (store_doc_add(st, &d, err) != 0)
		goto rollback;
	snprintf(key, sizeof key, "box:%02d", box);
	snprintf(detail, sizeof detail, "document %04d, %lld bytes", d.no, (long long)d.size);
	if (device_audit(dev, "box.store", key, NULL, name, detail, err) != 0)
		goto rollback;
	if (store_commit(st, err) != 0) {
		mailbox_file_release(f);
		return -1;
	}
	mailbox_file_release(f);
	if (no)
		*no = d.no;
	return 0;
rollback:
	store_rollback(st);
fail:
	mailbox_file_abort(f);
	return -1;
}

static int
check_docname(const char *name, struct svc_err *err)
{
	if (*name == '\0' || !mailbox_valid_text(name, MAILBOX_DOCNAME_MAX))
		return svc_errf(
			err, EX_USAGE,
			"invalid document name '%s' (1 to %d bytes of printable text: UTF-8 "
			"without control characters)",
			text_is_clean(name) ? name : "?", MAILBOX_DOCNAME_MAX);
	return 0;
}

int
mailbox_store_file(struct device *dev, int box, const char *password, const char *path,
		   const char *name, int *no, struct svc_err *err)
{
	struct mailbox_file *f = NULL;
	const char *base = strrchr(path, '/');
	unsigned char *buf = NULL;
	int fd = -1, lock = -1, rc = -1;
	ssize_t n;

	if (no)
		*no = 0;
	if (name == NULL)
		name = base ? base + 1 : path;
	if (check_docname(name, err) != 0 || mailbox_unlock(dev, box, password, err) != 0)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return svc_errf(err, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
				"cannot open '%s': %s", path, strerror(errno));
	if ((lock = mailbox_lock(dev, false, true, err)) < 0 ||
	    mailbox_file_begin(dev, &f, err) != 0)
		goto out;
	buf = xmalloc(CHUNK);
	while ((n = read(fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			svc_errf(err, EX_IOERR, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (mailbox_file_write(f, buf, (size_t)n, err) != 0)
			goto out;
	}
	rc = commit_doc(dev, f, box, name, no, err);
	f = NULL;
out:
	mailbox_file_abort(f);
	free(buf);
	if (lock >= 0)
		close(lock);
	close(fd);
	return rc;
}

int
mailbox_store_document(struct device *dev, int box, const char *name, const void *data, size_t len,
		       struct svc_err *err)
{
	struct mailbox_file *f = NULL;
	int lock, rc = -1;

	if (box < 0 || box >= MAILBOX_INBOXES)
		return svc_errf(err, EX_USAGE, "invalid inbox %d (00-99)", box);
	if (check_docname(name, err) != 0)
		return -1;
	if ((lock = mailbox_lock(dev, false, true, err)) < 0)
		return -1;
	if (mailbox_file_begin(dev, &f, err) == 0) {
		if (mailbox_file_write(f, data, len, err) == 0)
			rc = commit_doc(dev, f, box, name, NULL, err);
		else
			mailbox_file_abort(f);
	}
	close(lock);
	return rc;
}

static int
get_doc(struct device *dev, int box, int no, struct store_doc *d, struct svc_err *err)
{
	int rc = store_doc_get(device_store(dev), box, no, d, err);

	if (rc == 0)
		return svc_errf(err, EX_NOINPUT, "no document %04d in inbox %02d", no, box);
	return rc < 0 ? -1 : 0;
}

int
mailbox_export(struct device *dev, int box, const char *password, int no, const char *path,
	       struct svc_err *err)
{
	struct store_doc d;
	char *src = NULL, *tmp = NULL, hex[65];
	unsigned char *buf = NULL, md[32];
	EVP_MD_CTX *ctx = NULL;
	int in = -1, out = -1, rc = -1;
	/* stdout, or a device or FIFO: written through, not renamed over. */
	bool direct = strcmp(path, "-") == 0 || fs_is_special(path);
	struct strbuf sb = STRBUF_INIT;
	ssize_t n;

	if (mailbox_unlock(dev, box, password, err) != 0 || get_doc(dev, box, no, &d, err) != 0)
		return -1;
	src = mailbox_file_path(dev, d.file);
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0) {
		svc_errf(err, EX_DATAERR,
			 "the content of document %04d of inbox %02d is missing "
			 "('%s': %s)",
			 no, box, src, strerror(errno));
		goto out;
	}
	if (strcmp(path, "-") == 0) {
		out = dup(STDOUT_FILENO);
	} else if (direct) {
		if ((out = open(path, O_WRONLY | O_CLOEXEC)) < 0) {
			svc_errf(err, EX_CANTCREAT, "cannot open '%s': %s", path, strerror(errno));
			goto out;
		}
	} else {
		sb_addf(&sb, "%s.tmp.XXXXXX", path);
		tmp = sb_detach(&sb);
		if ((out = mkstemp(tmp)) < 0) {
			svc_errf(err, EX_CANTCREAT, "cannot create '%s': %s", path,
				 strerror(errno));
			free(tmp);
			tmp = NULL;
			goto out;
		}
		fchmod(out, 0600);
	}
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		svc_errf(err, EX_SOFTWARE, "cannot start SHA-256");
		goto out;
	}
	buf = xmalloc(CHUNK);
	while ((n = read(in, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			svc_errf(err, EX_IOERR, "cannot read '%s': %s", src, strerror(errno));
			goto out;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		if (fs_write_all(out, buf, (size_t)n) != 0) {
			mailbox_write_error(path, errno, err);
			goto out;
		}
	}
	EVP_DigestFinal_ex(ctx, md, NULL);
	hex_encode(md, 32, hex);
	if (strcmp(hex, d.sha256) != 0) {
		svc_errf(err, EX_DATAERR,
			 "document %04d of inbox %02d is damaged: its content does not match "
			 "its SHA-256",
			 no, box);
		goto out;
	}
	if (!direct) {
		if (fsync(out) != 0 || close(out) != 0) {
			out = -1;
			mailbox_write_error(path, errno, err);
			goto out;
		}
		out = -1;
		if (rename(tmp, path) != 0) {
			svc_errf(err, EX_CANTCREAT, "cannot write '%s': %s", path, strerror(errno));
			goto out;
		}
		free(tmp);
		tmp = NULL;
		if (fs_sync_dir(path, err) != 0)
			goto out;
	}
	rc = 0;
out:
	if (out >= 0)
		close(out);
	if (tmp)
		unlink(tmp);
	if (in >= 0)
		close(in);
	EVP_MD_CTX_free(ctx);
	free(tmp);
	free(buf);
	free(src);
	return rc;
}

/* Deletes rows of DOCS in one transaction, then erases their files. */
static int
delete_docs(struct device *dev, const struct store_doc *docs, int n, const char *event,
	    struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct erase_stats es;
	char key[16], detail[64];
	int rc = 0;

	if (n == 0)
		return 0;
	if (mailbox_erase_init(dev, &es, err) != 0 || store_begin(st, err) != 0)
		return -1;
	for (int i = 0; i < n; i++) {
		snprintf(key, sizeof key, "box:%02d", docs[i].box);
		snprintf(detail, sizeof detail, "document %04d", docs[i].no);
		if (store_doc_delete(st, docs[i].box, docs[i].no, err) != 0 ||
		    device_audit(dev, event, key, docs[i].name, NULL, detail, err) != 0) {
			store_rollback(st);
			return -1;
		}
	}
	if (store_commit(st, err) != 0) {
		store_rollback(st);
		return -1;
	}
	/* The rows are gone; a file left by a failure here is erased as an
	 * orphan at the next start. */
	for (int i = 0; i < n; i++)
		if (mailbox_erase_doc_file(dev, docs[i].file, &es, rc ? NULL : err) != 0)
			rc = -1;
	return rc;
}

int
mailbox_delete(struct device *dev, int box, const char *password, int no, struct svc_err *err)
{
	struct store_doc d;
	int lock, rc;

	if (mailbox_unlock(dev, box, password, err) != 0 || get_doc(dev, box, no, &d, err) != 0)
		return -1;
	if ((lock = mailbox_lock(dev, false, true, err)) < 0)
		return -1;
	rc = delete_docs(dev, &d, 1, "box.delete", err);
	close(lock);
	return rc;
}

struct collect {
	struct store_doc *v;
	int n, cap;
};

static int
collect_cb(void *arg, const struct store_doc *d)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		c->v = xrealloc(c->v, (size_t)c->cap * sizeof c->v[0]);
	}
	c->v[c->n++] = *d;
	return 0;
}

int
mailbox_auto_erase(struct device *dev, int64_t now, int *erased, struct svc_err *err)
{
	struct collect c = { NULL, 0, 0 };
	int lock, rc = -1;

	if (erased)
		*erased = 0;
	if (store_doc_expired(device_store(dev), now, collect_cb, &c, err) != 0)
		goto out;
	if (c.n == 0) {
		rc = 0;
		goto out;
	}
	if ((lock = mailbox_lock(dev, false, true, err)) < 0)
		goto out;
	rc = delete_docs(dev, c.v, c.n, "box.auto_erase", err);
	close(lock);
	if (rc == 0 && erased)
		*erased = c.n;
out:
	free(c.v);
	return rc;
}
