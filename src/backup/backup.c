/* Backup of Mail Box: create, verify, list and restore ZIP archives. */
#include "backup/backup.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "access/access.h"
#include "backup/archive_lazy.h"
#include "mailbox/mailbox.h"
#include "store/store_mailbox.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/text.h"

#define CHUNK (64 * 1024)
/* Reads of the archive: 1 MiB at a time (16 times fewer system calls than
 * 64 KiB; libarchive hands stored entries back from this buffer). */
#define RD_CHUNK (1024 * 1024)
#define MANIFEST_NAME "svcmode-backup.json"
#define SUMS_NAME "SHA256SUMS"
/* 100 inboxes x 100 documents need about 4 MiB; more is not a backup of ours. */
#define MANIFEST_MAX (6 * 1024 * 1024)

/* --- small helpers ------------------------------------------------------- */

static void say(const struct backup_cb *cb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
say(const struct backup_cb *cb, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (cb == NULL || cb->line == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cb->line(cb->arg, buf);
}

static void
progress(const struct backup_cb *cb, const char *what, int64_t done, int64_t total)
{
	if (cb && cb->progress)
		cb->progress(cb->arg, what, total > 0 ? (double)done / (double)total : 1.0);
}

static void
sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	hex_encode(md, 32, out);
}

static void
iso_time(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The archive path of a document: inboxes/NN/DDDD NAME, the name made
 * safe for any PC file system. */
static void
doc_path(const struct store_doc *d, char *out, size_t cap)
{
	char safe[64];
	size_t i = 0, n = strlen(d->name);

	/* At most 60 bytes of the name, cut on a UTF-8 character boundary. */
	if (n > 60)
		for (n = 60; n > 0 && ((unsigned char)d->name[n] & 0xc0) == 0x80; n--)
			;
	for (const char *p = d->name; i < n; p++) {
		unsigned char c = (unsigned char)*p;
		safe[i++] = (c < 0x20 || c == 0x7f || strchr("/\\:*?\"<>|", c)) ? '_' : (char)c;
	}
	safe[i] = '\0';
	snprintf(out, cap, "inboxes/%02d/%04d %.60s", d->box, d->no, safe);
}

/* --- the parsed backup --------------------------------------------------- */

struct parsed {
	struct store_manifest_head head;
	struct store_inbox inboxes[MAILBOX_INBOXES];
	bool has_inbox[MAILBOX_INBOXES];
	int ninboxes;
	struct store_doc *docs; /* .file holds the archive path */
	int ndocs, cap;
	int64_t bytes;
	bool encrypted;
	struct svc_err *err;
};

static void
parsed_free(struct parsed *p)
{
	svc_wipe(p->inboxes, sizeof p->inboxes);
	free(p->docs);
	p->docs = NULL;
}

/* Names from an archive are outside input: UTF-8 without controls. */
static bool
printable(const char *s)
{
	return text_is_clean(s);
}

static int
man_inbox(void *arg, const struct store_inbox *in)
{
	struct parsed *p = arg;

	if (in->password[0] && !access_hash_valid(in->password))
		return svc_errf(p->err, EX_DATAERR,
				"the backup manifest's 'password' of inbox %02d is not a password "
				"hash of this device's form (pbkdf2-sha256, %d-%d iterations)",
				in->box, ACCESS_PBKDF2_ITER, ACCESS_PBKDF2_ITER_MAX);
	if (in->box < 0 || in->box >= MAILBOX_INBOXES || p->has_inbox[in->box] ||
	    strlen(in->name) > MAILBOX_NAME_MAX || !printable(in->name) || in->auto_erase < 0 ||
	    in->auto_erase > 365 * 86400LL)
		return svc_errf(p->err, EX_DATAERR,
				"the backup manifest has a bad entry for inbox %d", in->box);
	p->inboxes[in->box] = *in;
	p->has_inbox[in->box] = true;
	p->ninboxes++;
	return 0;
}

static int
man_doc(void *arg, const struct store_doc *d)
{
	struct parsed *p = arg;
	char want[sizeof d->file];

	if (d->box < 0 || d->box >= MAILBOX_INBOXES || !p->has_inbox[d->box] || d->no < 1 ||
	    d->no > 9999 || d->size < 0 || d->pages < 0 || !hex_is_lower(d->sha256, 64) ||
	    d->name[0] == '\0' || strlen(d->name) > MAILBOX_DOCNAME_MAX || !printable(d->name))
		goto bad;
	doc_path(d, want, sizeof want);
	if (strcmp(want, d->file) != 0)
		goto bad;
	for (int i = p->ndocs - 1; i >= 0 && p->docs[i].box == d->box; i--)
		if (p->docs[i].no >= d->no)
			goto bad; /* numbers must ascend within an inbox */
	if (p->ndocs && p->docs[p->ndocs - 1].box > d->box)
		goto bad;
	if (p->ndocs == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->docs = xrealloc(p->docs, (size_t)p->cap * sizeof p->docs[0]);
	}
	p->docs[p->ndocs++] = *d;
	p->bytes += d->size;
	return 0;
bad:
	return svc_errf(p->err, EX_DATAERR,
			"the backup manifest has a bad document entry (inbox %d, document %d)",
			d->box, d->no);
}

/* "2026-11-27T19:14:52Z", between 2000 and 2100. */
static bool
plausible_time(const char *t)
{
	int y, mo, d, h, mi, sec;
	char z, end;

	return sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &y, &mo, &d, &h, &mi, &sec, &z, &end) ==
		       7 &&
	       z == 'Z' && strlen(t) == 20 && y >= 2000 && y < 2100 && mo >= 1 && mo <= 12 &&
	       d >= 1 && d <= 31 && h < 24 && mi < 60 && sec < 61 && h >= 0 && mi >= 0 && sec >= 0;
}

static int
parse_manifest(struct device *dev, const char *path, const char *json, struct parsed *p,
	       struct svc_err *err)
{
	struct store *st = device_store(dev);
	int64_t per[MAILBOX_INBOXES] = { 0 };

	p->err = err;
	if (store_manifest_head(st, json, &p->head, err) != 0)
		return -1;
	if (p->head.format > BACKUP_FORMAT)
		return svc_errf(err, EX_DATAERR,
				"'%s' is backup format %lld, newer than this svcmode reads (%d): "
				"restore it with a newer svcmode",
				path, (long long)p->head.format, BACKUP_FORMAT);
	if (p->head.format < 1)
		return svc_errf(err, EX_DATAERR, "'%s' has an invalid backup format number %lld",
				path, (long long)p->head.format);
	if (!plausible_time(p->head.created))
		return svc_errf(
			err, EX_DATAERR,
			"the backup manifest has an invalid 'created' ('%.40s'): expected a "
			"UTC time such as 2026-11-27T19:14:52Z between 2000 and 2100",
			p->head.created);
	if (store_manifest_inboxes(st, json, man_inbox, p, err) != 0 ||
	    store_manifest_docs(st, json, man_doc, p, err) != 0)
		return -1;
	for (int i = 0; i < p->ndocs; i++)
		if (++per[p->docs[i].box] > MAILBOX_MAX_DOCS)
			return svc_errf(err, EX_DATAERR,
					"the backup holds more than %d documents "
					"for inbox %02d",
					MAILBOX_MAX_DOCS, p->docs[i].box);
	return 0;
}

static void
sums_text(const char *manifest_sha, const struct store_doc *docs, int n, struct strbuf *out)
{
	sb_addf(out, "%s  %s\n", manifest_sha, MANIFEST_NAME);
	for (int i = 0; i < n; i++)
		sb_addf(out, "%s  %s\n", docs[i].sha256, docs[i].file);
}

/* --- reading ------------------------------------------------------------- */

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

/* Where verified documents go during a restore. */
struct sink {
	/* Called for document I of the manifest: return 1 to keep it. */
	int (*begin)(void *arg, int i, struct svc_err *err);
	int (*write)(void *arg, const void *buf, size_t len, struct svc_err *err);
	int (*end)(void *arg, int i, struct svc_err *err);
	void *arg;
};

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
static int
read_backup(struct device *dev, int fd, const char *path, const char *passphrase, struct parsed *p,
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
	if (parse_manifest(dev, path, sb_str(&man), p, err) != 0)
		goto out;
	if (next_entry(&r, path, SUMS_NAME, -1, &e, &p->encrypted, err) != 0 ||
	    read_data(&r, path, SUMS_NAME, p->encrypted, &sums, MANIFEST_MAX, NULL, &len, hex,
		      err) != 0)
		goto out;
	sums_text(mhex, p->docs, p->ndocs, &want);
	if (strcmp(sb_str(&sums), sb_str(&want)) != 0) {
		svc_errf(err, EX_DATAERR,
			 "'%s' is damaged or tampered with: %s does not match the manifest", path,
			 SUMS_NAME);
		goto out;
	}
	if (!docs_too) {
		rc = 0;
		goto out;
	}
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
			progress(cb, label, done, p->bytes);
	}
	switch (archive_read_next_header(r.a, &e)) {
	case ARCHIVE_EOF: break;
	case ARCHIVE_OK:
		svc_errf(err, EX_DATAERR, "'%s' holds '%s', which the manifest does not list", path,
			 archive_entry_pathname(e));
		goto out;
	default: rd_fail(&r, path, "end of archive", p->encrypted, err); goto out;
	}
	progress(cb, label, 1, 1);
	rc = 0;
out:
	if (rc != 0)
		parsed_free(p);
	rd_close(&r);
	sb_release(&man);
	sb_release(&sums);
	sb_release(&want);
	return rc;
}

static int
open_input(const char *path, struct svc_err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return svc_errf(err, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
				"cannot open '%s': %s", path, strerror(errno));
	return fd;
}

static void
fill_summary(const struct parsed *p, struct backup_summary *sum)
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
	int fd = open_input(path, err), rc = -1;

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
	if ((fd = open_input(path, err)) < 0)
		return -1;
	rc = read_backup(dev, fd, path, passphrase, &p, NULL, true, cb, "verifying", err);
	close(fd);
	if (rc == 0) {
		fill_summary(&p, sum);
		parsed_free(&p);
	}
	return rc;
}

/* Where the members of the listing's JSON object go. */
struct members {
	backup_field_fn field; /* NULL: into J, then one line */
	void *arg;
	struct strbuf j;
};

static void
member(struct members *m, const char *name, const char *value)
{
	if (m->field) {
		m->field(m->arg, name, value);
		return;
	}
	sb_adds(&m->j, m->j.len ? ", " : "{");
	json_add_str(&m->j, name);
	sb_addf(&m->j, ": %s", value);
}

static void
member_str(struct members *m, const char *name, const char *value)
{
	struct strbuf v = STRBUF_INIT;

	json_add_str(&v, value);
	member(m, name, v.buf);
	sb_release(&v);
}

/* The manifest as one JSON object, member by member. */
static void
list_json(const struct parsed *p, backup_field_fn field, const struct backup_cb *cb)
{
	struct members m = { field, cb ? cb->arg : NULL, STRBUF_INIT };
	struct strbuf v = STRBUF_INIT;
	char period[16], at[32];

	sb_addf(&v, "%lld", (long long)p->head.format);
	member(&m, "format", v.buf);
	member_str(&m, "svcmode", p->head.svcmode);
	member_str(&m, "model", p->head.model);
	member_str(&m, "serial", p->head.serial);
	member_str(&m, "created", p->head.created);
	member(&m, "encrypted", p->encrypted ? "true" : "false");
	sb_reset(&v);
	sb_adds(&v, "[");
	for (int b = 0, n = 0; b < MAILBOX_INBOXES; b++) {
		if (!p->has_inbox[b])
			continue;
		mailbox_format_period(p->inboxes[b].auto_erase, period, sizeof period);
		sb_addf(&v, "%s\n  {\"box\": \"%02d\", \"name\": ", n++ ? "," : "", b);
		json_add_str(&v, p->inboxes[b].name);
		sb_addf(&v, ", \"password\": %s, \"auto_erase\": \"%s\", \"print_on_store\": %s}",
			p->inboxes[b].password[0] ? "true" : "false", period,
			p->inboxes[b].print_on_store ? "true" : "false");
	}
	sb_adds(&v, "]");
	member(&m, "inboxes", v.buf);
	sb_reset(&v);
	sb_adds(&v, "[");
	for (int i = 0; i < p->ndocs; i++) {
		const struct store_doc *d = &p->docs[i];
		iso_time(d->stored_at, at, sizeof at);
		sb_addf(&v, "%s\n  {\"box\": \"%02d\", \"doc\": \"%04d\", \"name\": ", i ? "," : "",
			d->box, d->no);
		json_add_str(&v, d->name);
		sb_addf(&v,
			", \"stored\": \"%s\", \"pages\": %d, \"size\": %lld, \"sha256\": "
			"\"%s\"}",
			at, d->pages, (long long)d->size, d->sha256);
	}
	sb_adds(&v, "]");
	member(&m, "documents", v.buf);
	/* Not through say(): the object is longer than its buffer. */
	if (field == NULL && cb && cb->line) {
		sb_adds(&m.j, "}");
		cb->line(cb->arg, m.j.buf);
	}
	sb_release(&m.j);
	sb_release(&v);
}

static int
list(struct device *dev, const char *path, const char *passphrase, bool json, backup_field_fn field,
     const struct backup_cb *cb, struct svc_err *err)
{
	struct parsed p;
	char period[16], at[32];
	int fd, rc;

	if ((fd = open_input(path, err)) < 0)
		return -1;
	rc = read_backup(dev, fd, path, passphrase, &p, NULL, false, cb, "reading", err);
	close(fd);
	if (rc != 0)
		return -1;
	if (json) {
		list_json(&p, field, cb);
	} else {
		say(cb, "backup of %s serial %s, made %s by svcmode %s (format %lld)%s",
		    p.head.model, p.head.serial, p.head.created, p.head.svcmode,
		    (long long)p.head.format, p.encrypted ? ", encrypted" : "");
		say(cb, "%d inboxes, %d documents, %lld bytes", p.ninboxes, p.ndocs,
		    (long long)p.bytes);
		for (int b = 0; b < MAILBOX_INBOXES; b++) {
			int nd = 0;
			if (!p.has_inbox[b])
				continue;
			for (int i = 0; i < p.ndocs; i++)
				nd += p.docs[i].box == b;
			if (nd == 0 && p.inboxes[b].name[0] == '\0' && !p.inboxes[b].password[0])
				continue;
			mailbox_format_period(p.inboxes[b].auto_erase, period, sizeof period);
			say(cb, "inbox %02d %-24s %3d documents  password %-3s auto-erase %s", b,
			    p.inboxes[b].name, nd, p.inboxes[b].password[0] ? "yes" : "no", period);
			for (int i = 0; i < p.ndocs; i++) {
				if (p.docs[i].box != b)
					continue;
				iso_time(p.docs[i].stored_at, at, sizeof at);
				say(cb, "  %04d %s %12lld  %s", p.docs[i].no, at,
				    (long long)p.docs[i].size, p.docs[i].name);
			}
		}
	}
	parsed_free(&p);
	return 0;
}

int
backup_list(struct device *dev, const char *path, const char *passphrase, bool json,
	    const struct backup_cb *cb, struct svc_err *err)
{
	return list(dev, path, passphrase, json, NULL, cb, err);
}

int
backup_list_fields(struct device *dev, const char *path, const char *passphrase,
		   backup_field_fn field, const struct backup_cb *cb, struct svc_err *err)
{
	return list(dev, path, passphrase, true, field, cb, err);
}

/* --- creating ------------------------------------------------------------ */

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
			progress(cb, "backing up", *done, total);
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

struct collect {
	struct store_doc *v;
	int n, cap;
	const bool *boxes;
};

static int
collect_doc(void *arg, const struct store_doc *d)
{
	struct collect *c = arg;

	if (c->boxes && !c->boxes[d->box])
		return 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = xrealloc(c->v, (size_t)c->cap * sizeof c->v[0]);
	}
	c->v[c->n++] = *d;
	return 0;
}

static void
build_manifest(struct device *dev, const struct store_inbox *ins, const bool *sel,
	       const struct collect *docs, struct strbuf *j)
{
	const struct store_identity *id = device_identity(dev);
	char at[32], apath[sizeof docs->v[0].file];

	iso_time((int64_t)time(NULL), at, sizeof at);
	sb_addf(j, "{\n \"format\": %d,\n \"svcmode\": ", BACKUP_FORMAT);
	json_add_str(j, SVC_VERSION);
	sb_adds(j, ",\n \"model\": ");
	json_add_str(j, id->model);
	sb_adds(j, ",\n \"serial\": ");
	json_add_str(j, id->serial);
	sb_addf(j, ",\n \"created\": \"%s\",\n \"inboxes\": [", at);
	for (int b = 0, n = 0; b < MAILBOX_INBOXES; b++) {
		if (!sel[b])
			continue;
		sb_addf(j, "%s\n  {\"box\": %d, \"name\": ", n++ ? "," : "", b);
		json_add_str(j, ins[b].name);
		sb_adds(j, ", \"password\": ");
		json_add_str(j, ins[b].password);
		sb_addf(j, ", \"auto_erase\": %lld, \"print_on_store\": %d}",
			(long long)ins[b].auto_erase, ins[b].print_on_store ? 1 : 0);
	}
	sb_adds(j, "\n ],\n \"documents\": [");
	for (int i = 0; i < docs->n; i++) {
		const struct store_doc *d = &docs->v[i];
		doc_path(d, apath, sizeof apath);
		sb_addf(j, "%s\n  {\"box\": %d, \"no\": %d, \"name\": ", i ? "," : "", d->box,
			d->no);
		json_add_str(j, d->name);
		sb_addf(j,
			", \"stored\": %lld, \"pages\": %d, \"size\": %lld, \"sha256\": \"%s\","
			" \"path\": ",
			(long long)d->stored_at, d->pages, (long long)d->size, d->sha256);
		json_add_str(j, apath);
		sb_adds(j, "}");
	}
	sb_adds(j, "\n ]\n}\n");
}

static int
write_archive(struct device *dev, struct out *o, const char *path, const char *passphrase,
	      const struct strbuf *man, const struct collect *docs, int64_t total,
	      const struct backup_cb *cb, struct svc_err *err)
{
	struct archive *a = archive_lazy_load(err) == 0 ? archive_write_new() : NULL;
	struct strbuf sums = STRBUF_INIT;
	struct store_doc *ad = xcalloc((size_t)docs->n + 1, sizeof *ad);
	unsigned char *buf = xmalloc(CHUNK);
	char mhex[65];
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
	for (int i = 0; i < docs->n; i++) {
		ad[i] = docs->v[i];
		doc_path(&docs->v[i], ad[i].file, sizeof ad[i].file);
	}
	sha256_hex(man->buf, man->len, mhex);
	sums_text(mhex, ad, docs->n, &sums);
	if (put_blob(a, o, path, MANIFEST_NAME, man, now, err) != 0 ||
	    put_blob(a, o, path, SUMS_NAME, &sums, now, err) != 0)
		goto out;
	for (int i = 0; i < docs->n; i++)
		if (put_doc(dev, a, o, path, &docs->v[i], ad[i].file, buf, &done, total, cb, err) !=
		    0)
			goto out;
	if (archive_write_close(a) != ARCHIVE_OK) {
		wr_fail(a, o, path, err);
		goto out;
	}
	rc = 0;
out:
	if (a)
		archive_write_free(a);
	sb_release(&sums);
	free(ad);
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
	if (store_doc_each(st, -1, collect_doc, &docs, err) != 0)
		goto out;
	for (int i = 0; i < docs.n; i++)
		total += docs.v[i].size;
	build_manifest(dev, ins, sel, &docs, &man);
	if (out_open(&o, path, err) != 0)
		goto out;
	if (write_archive(dev, &o, path, passphrase, &man, &docs, total, cb, err) != 0)
		goto fail;
	if (!o.is_stdout) {
		if (fsync(o.fd) != 0) {
			o.err_no = errno;
			wr_fail(NULL, &o, path, err);
			goto fail;
		}
		/* Read back everything that was written before calling it done. */
		if (read_backup(dev, o.fd, path, passphrase, &p, NULL, true, cb, "verifying",
				err) != 0) {
			char why[256];
			strlcpy_(why, err ? err->msg : "", sizeof why);
			svc_errf(err, EX_IOERR,
				 "the backup did not verify after writing (%s); "
				 "nothing was saved",
				 why);
			goto fail;
		}
		fill_summary(&p, sum);
		parsed_free(&p);
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

/* --- restoring ----------------------------------------------------------- */

struct plan {
	struct parsed *p;
	struct device *dev;
	bool sel[MAILBOX_INBOXES];
	bool restore_settings[MAILBOX_INBOXES];
	bool *take;       /* per backup document */
	int *no;          /* the number it will have */
	char (*file)[80]; /* its new file once written */
	struct mailbox_file *cur;
	struct collect old; /* documents of replaced inboxes */
	int written;
};

static int
sink_begin(void *arg, int i, struct svc_err *err)
{
	struct plan *pl = arg;

	if (!pl->take[i])
		return 0;
	return mailbox_file_begin(pl->dev, &pl->cur, err) == 0 ? 1 : -1;
}

static int
sink_write(void *arg, const void *buf, size_t len, struct svc_err *err)
{
	struct plan *pl = arg;

	return mailbox_file_write(pl->cur, buf, len, err);
}

static int
sink_end(void *arg, int i, struct svc_err *err)
{
	struct plan *pl = arg;
	char sha[65];
	int64_t size;
	int rc = mailbox_file_finish(pl->cur, false, pl->file[i], &size, sha, err);

	if (rc == 0 && (size != pl->p->docs[i].size || strcmp(sha, pl->p->docs[i].sha256) != 0))
		rc = svc_errf(err, EX_DATAERR, "document %02d/%04d changed while being restored",
			      pl->p->docs[i].box, pl->p->docs[i].no);
	if (rc != 0) {
		mailbox_file_abort(pl->cur);
		pl->file[i][0] = '\0';
	} else {
		/* Renamed into place but named by no row yet: kept here,
		 * removed by plan_undo or by the next start's cleanup. */
		mailbox_file_release(pl->cur);
	}
	pl->cur = NULL;
	return rc;
}

static void
plan_free(struct plan *pl)
{
	free(pl->take);
	free(pl->no);
	free(pl->file);
	free(pl->old.v);
}

/* Removes the files written for a restore that did not commit. */
static void
plan_undo(struct plan *pl)
{
	for (int i = 0; i < pl->p->ndocs; i++) {
		if (pl->file[i][0]) {
			char *path = mailbox_file_path(pl->dev, pl->file[i]);
			unlink(path);
			free(path);
			pl->file[i][0] = '\0';
		}
	}
}

static bool
inbox_is_default(const struct store_inbox *in)
{
	return in->name[0] == '\0' && in->password[0] == '\0' && in->auto_erase == 0 &&
	       !in->print_on_store;
}

static const char *const mode_word[] = {
	[BACKUP_EMPTY_ONLY] = "restore",
	[BACKUP_MERGE] = "merge",
	[BACKUP_REPLACE] = "replace",
};

static int
plan_make(struct plan *pl, const bool *boxes, enum backup_mode mode, const struct backup_cb *cb,
	  struct svc_err *err)
{
	struct parsed *p = pl->p;
	struct store *st = device_store(pl->dev);
	struct collect cur = { NULL, 0, 0, NULL };
	struct strbuf busy = STRBUF_INIT;
	bool *used = xcalloc(10000, sizeof *used);
	int rc = -1;

	pl->take = xcalloc((size_t)p->ndocs + 1, sizeof *pl->take);
	pl->no = xcalloc((size_t)p->ndocs + 1, sizeof *pl->no);
	pl->file = xcalloc((size_t)p->ndocs + 1, sizeof *pl->file);
	for (int b = 0; b < MAILBOX_INBOXES; b++) {
		if (boxes && boxes[b] && !p->has_inbox[b]) {
			svc_errf(err, EX_USAGE, "inbox %02d is not in the backup", b);
			goto out;
		}
		pl->sel[b] = p->has_inbox[b] && (boxes == NULL || boxes[b]);
	}
	if (store_doc_each(st, -1, collect_doc, &cur, err) != 0)
		goto out;
	for (int b = 0; b < MAILBOX_INBOXES; b++) {
		struct store_inbox in;
		int has_row, ncur = 0, ntake = 0, nsame = 0, total;
		if (!pl->sel[b])
			continue;
		if ((has_row = store_inbox_get(st, b, &in, err)) < 0)
			goto out;
		memset(used, 0, 10000 * sizeof *used);
		for (int k = 0; k < cur.n; k++) {
			if (cur.v[k].box != b)
				continue;
			ncur++;
			if (mode == BACKUP_REPLACE)
				collect_doc(&pl->old, &cur.v[k]);
			else
				used[cur.v[k].no] = true;
		}
		if (mode == BACKUP_EMPTY_ONLY && (ncur > 0 || !inbox_is_default(&in)))
			sb_addf(&busy, "%s%02d", busy.len ? ", " : "", b);
		pl->restore_settings[b] = mode != BACKUP_MERGE || !has_row || inbox_is_default(&in);
		svc_wipe(&in, sizeof in);
		for (int i = 0; i < p->ndocs; i++) {
			const struct store_doc *d = &p->docs[i];
			bool same = false;
			if (d->box != b)
				continue;
			for (int k = 0; mode == BACKUP_MERGE && k < cur.n && !same; k++)
				same = cur.v[k].box == b && strcmp(cur.v[k].name, d->name) == 0 &&
				       strcmp(cur.v[k].sha256, d->sha256) == 0;
			if (same) {
				nsame++;
				continue;
			}
			pl->take[i] = true;
			ntake++;
			pl->no[i] = d->no;
			for (int n = d->no; used[pl->no[i]];)
				pl->no[i] = n = n % 9999 + 1;
			used[pl->no[i]] = true;
		}
		total = (mode == BACKUP_REPLACE ? 0 : ncur) + ntake;
		if (total > MAILBOX_MAX_DOCS) {
			svc_errf(err, EX_CANTCREAT,
				 "inbox %02d would hold %d documents (at most %d); nothing was "
				 "changed",
				 b, total, MAILBOX_MAX_DOCS);
			goto out;
		}
		if (ncur == 0 && ntake == 0 && nsame == 0 && inbox_is_default(&p->inboxes[b]) &&
		    (has_row == 0 || !pl->restore_settings[b]))
			continue; /* empty before and after: not worth a line */
		if (mode == BACKUP_REPLACE)
			say(cb,
			    "inbox %02d: replace: %d document%s removed, %d restored, settings "
			    "from the backup",
			    b, ncur, ncur == 1 ? "" : "s", ntake);
		else
			say(cb,
			    "inbox %02d: %s: %d document%s restored, %d already there, settings %s",
			    b, mode_word[mode], ntake, ntake == 1 ? "" : "s", nsame,
			    pl->restore_settings[b] ? "from the backup" : "kept");
	}
	if (busy.len) {
		svc_errf(err, EX_USAGE,
			 "inboxes not empty: %s (give --merge to keep what they hold or --replace "
			 "to replace them); nothing was changed",
			 busy.buf);
		goto out;
	}
	rc = 0;
out:
	free(used);
	free(cur.v);
	sb_release(&busy);
	return rc;
}

static int
plan_commit(struct plan *pl, enum backup_mode mode, struct svc_err *err)
{
	struct device *dev = pl->dev;
	struct store *st = device_store(dev);
	struct parsed *p = pl->p;
	char key[16], detail[160];

	if (store_begin(st, err) != 0)
		return -1;
	for (int k = 0; k < pl->old.n; k++)
		if (store_doc_delete(st, pl->old.v[k].box, pl->old.v[k].no, err) != 0)
			goto fail;
	for (int b = 0; b < MAILBOX_INBOXES; b++) {
		int n = 0;
		if (!pl->sel[b])
			continue;
		if (pl->restore_settings[b] && store_inbox_put(st, &p->inboxes[b], err) != 0)
			goto fail;
		for (int i = 0; i < p->ndocs; i++) {
			struct store_doc d;
			if (!pl->take[i] || p->docs[i].box != b)
				continue;
			d = p->docs[i];
			d.no = pl->no[i];
			strlcpy_(d.file, pl->file[i], sizeof d.file);
			if (store_doc_add(st, &d, err) != 0)
				goto fail;
			n++;
		}
		snprintf(key, sizeof key, "box:%02d", b);
		snprintf(detail, sizeof detail,
			 "%s: %d documents from the backup of serial %s made %s", mode_word[mode],
			 n, p->head.serial, p->head.created);
		if (device_audit(dev, "backup.restore", key, NULL, NULL, detail, err) != 0)
			goto fail;
	}
	/* -2: the disk did not confirm the commit, so it may have reached the
	 * disk after all (see store_commit): the caller keeps the files. Any
	 * other failure (a full disk) rolled it back: the caller removes them. */
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

static int
restore(struct device *dev, const char *path, const char *passphrase, const bool *boxes,
	enum backup_mode mode, bool dry_run, backup_confirm_fn confirm, const struct backup_cb *cb,
	struct backup_summary *sum, struct svc_err *err)
{
	struct parsed p, again;
	struct plan pl;
	struct sink sink = { sink_begin, sink_write, sink_end, &pl };
	struct erase_stats es;
	int fd = -1, lock = -1, rc = -1, committed = 0;

	memset(&pl, 0, sizeof pl);
	memset(&p, 0, sizeof p);
	if (sum)
		memset(sum, 0, sizeof *sum);
	if ((fd = open_input(path, err)) < 0)
		return -1;
	/* 1: the whole archive is checked before anything is written. */
	if (read_backup(dev, fd, path, passphrase, &p, NULL, true, cb, "verifying", err) != 0)
		goto out;
	fill_summary(&p, sum);
	if (strcmp(p.head.serial, device_identity(dev)->serial) != 0)
		say(cb,
		    "the backup comes from another device (%s serial %s); restoring onto "
		    "serial %s",
		    p.head.model, p.head.serial, device_identity(dev)->serial);
	if ((lock = mailbox_lock(dev, true, true, err)) < 0)
		goto out;
	/* 2: what would change. */
	pl.p = &p;
	pl.dev = dev;
	if (plan_make(&pl, boxes, mode, cb, err) != 0)
		goto out;
	if (dry_run) {
		say(cb, "dry run: nothing was changed");
		rc = 0;
		goto out;
	}
	if (confirm && confirm(cb ? cb->arg : NULL, err) != 0)
		goto out;
	/* 3: the documents, to files that no row names yet (checked again). */
	if (read_backup(dev, fd, path, passphrase, &again, &sink, true, cb, "restoring", err) !=
	    0) {
		mailbox_file_abort(pl.cur);
		pl.cur = NULL;
		plan_undo(&pl);
		goto out;
	}
	parsed_free(&again);
	/* 4: the files durable (one flush for all), then every row in one
	 * transaction. */
	if (mailbox_sync(dev, err) != 0 || (committed = plan_commit(&pl, mode, err)) != 0) {
		/* After a failed commit the files stay: the rows may be on disk,
		 * and the start-up clean-up removes files that no row names. */
		if (committed != -2)
			plan_undo(&pl);
		goto out;
	}
	/* 5: the replaced documents' files, overwritten. */
	if (mailbox_erase_init(dev, &es, NULL) == 0)
		for (int k = 0; k < pl.old.n; k++) {
			char *f = mailbox_file_path(dev, pl.old.v[k].file);
			erase_file(f, &es, NULL);
			free(f);
		}
	rc = 0;
out:
	if (lock >= 0)
		close(lock);
	if (fd >= 0)
		close(fd);
	plan_free(&pl);
	parsed_free(&p);
	return rc;
}

int
backup_restore(struct device *dev, const char *path, const char *passphrase, const bool *boxes,
	       enum backup_mode mode, bool dry_run, const struct backup_cb *cb,
	       struct backup_summary *sum, struct svc_err *err)
{
	return restore(dev, path, passphrase, boxes, mode, dry_run, NULL, cb, sum, err);
}

int
backup_restore_confirm(struct device *dev, const char *path, const char *passphrase,
		       const bool *boxes, enum backup_mode mode, backup_confirm_fn confirm,
		       const struct backup_cb *cb, struct backup_summary *sum, struct svc_err *err)
{
	return restore(dev, path, passphrase, boxes, mode, false, confirm, cb, sum, err);
}
