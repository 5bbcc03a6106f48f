/* Mail Box: inboxes, documents and their content files. */
#include "mailbox/mailbox.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "access/seal.h"
#include "store/store_mailbox.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/text.h"

#define CHUNK (64 * 1024)

/* --- parsing ------------------------------------------------------------- */

int
mailbox_parse_box(const char *s, int *box, struct svc_err *err)
{
	size_t n = strlen(s);

	*box = -1;
	if (n < 1 || n > 2 || !isdigit((unsigned char)s[0]) ||
	    (n == 2 && !isdigit((unsigned char)s[1])))
		return svc_errf(err, EX_USAGE, "invalid inbox '%s' (00-99)", s);
	*box = (int)strtol(s, NULL, 10);
	return 0;
}

int
mailbox_parse_list(const char *s, bool set[MAILBOX_INBOXES], struct svc_err *err)
{
	char part[16];
	const char *p = s;

	memset(set, 0, MAILBOX_INBOXES * sizeof set[0]);
	if (strcmp(s, "all") == 0) {
		memset(set, 1, MAILBOX_INBOXES * sizeof set[0]);
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		char *dash;
		int a, b;

		if (n == 0 || n >= sizeof part)
			goto bad;
		memcpy(part, p, n);
		part[n] = '\0';
		if ((dash = strchr(part, '-')) != NULL)
			*dash++ = '\0';
		if (mailbox_parse_box(part, &a, NULL) != 0 ||
		    mailbox_parse_box(dash ? dash : part, &b, NULL) != 0 || b < a)
			goto bad;
		for (int i = a; i <= b; i++)
			set[i] = true;
		p += n;
		if (*p == ',' && *++p == '\0')
			goto bad;
	}
	if (p == s)
		goto bad;
	return 0;
bad:
	memset(set, 0, MAILBOX_INBOXES * sizeof set[0]);
	return svc_errf(err, EX_USAGE, "invalid inbox list '%s' (e.g. 00,03,10-19 or all)", s);
}

static const struct {
	char unit;
	int64_t secs;
} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 } };

int
mailbox_parse_period(const char *s, int64_t *secs, struct svc_err *err)
{
	char *end;
	long long v;

	*secs = 0;
	if (strcasecmp(s, "off") == 0 || strcmp(s, "0") == 0)
		return 0;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == 0 && end != s && isdigit((unsigned char)s[0]) && end[0] && !end[1]) {
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
			if (tolower((unsigned char)end[0]) == units[i].unit && v >= 1 &&
			    v * units[i].secs <= 365 * 86400LL) {
				*secs = v * units[i].secs;
				return 0;
			}
		}
	}
	return svc_errf(err, EX_USAGE,
			"invalid Auto Erase period '%s' (OFF, or minutes/hours/days such as "
			"30m, 12h, 3d; at most 365d)",
			s);
}

void
mailbox_format_period(int64_t secs, char *buf, size_t cap)
{
	if (secs <= 0) {
		snprintf(buf, cap, "OFF");
		return;
	}
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (secs % units[i].secs == 0) {
			snprintf(buf, cap, "%lld%c", (long long)(secs / units[i].secs),
				 units[i].unit);
			return;
		}
	}
	snprintf(buf, cap, "%llds", (long long)secs);
}

/* --- paths and locks ----------------------------------------------------- */

char *
mailbox_dir(struct device *dev)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s.d/docs", store_path(device_store(dev)));
	return sb_detach(&sb);
}

char *
mailbox_file_path(struct device *dev, const char *file)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s.d/docs/%s", store_path(device_store(dev)), file);
	return sb_detach(&sb);
}

int
mailbox_lock(struct device *dev, bool exclusive, bool wait, struct svc_err *err)
{
	char *dir = mailbox_dir(dev), *path = mailbox_file_path(dev, ".lock");
	int fd = -1;

	if (fs_mkdirs(dir, 0700, err) != 0)
		goto out;
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		svc_errf(err, EX_CANTCREAT, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	while (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB)) != 0) {
		if (errno == EINTR)
			continue;
		svc_errf(err, EX_TEMPFAIL,
			 "the documents directory is busy (another svcmode is "
			 "storing or restoring documents)");
		close(fd);
		fd = -1;
		break;
	}
out:
	free(dir);
	free(path);
	return fd;
}

/* --- content files ------------------------------------------------------- */

struct mailbox_file {
	int fd;
	char *tmp, *final;
	char file[80];
	int64_t size;
	EVP_MD_CTX *md;
};

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

static int
write_error(const char *path, int e, struct svc_err *err)
{
	if (e == ENOSPC || e == EDQUOT)
		return svc_errf(err, EX_IOERR, "the disk is full writing '%s'", path);
	return svc_errf(err, EX_IOERR, "cannot write '%s': %s", path, strerror(e));
}

int
mailbox_file_write(struct mailbox_file *f, const void *buf, size_t len, struct svc_err *err)
{
	if (fs_write_all(f->fd, buf, len) != 0)
		return write_error(f->tmp, errno, err);
	if (EVP_DigestUpdate(f->md, buf, len) != 1)
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
		return write_error(f->tmp, errno, err);
	/* Unsynced (a restore, flushed once at the end): start the write-back
	 * now so that the final flush has little left to wait for. */
	if (!sync)
		sync_file_range(f->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
	if (close(f->fd) != 0) {
		f->fd = -1;
		return write_error(f->tmp, errno, err);
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

/* --- erasing ------------------------------------------------------------- */

static const struct {
	const char *label; /* system.init.erase_method's choice */
	enum erase_method m;
} methods[] = {
	{ "1 Pass Zeros", ERASE_ZEROS },
	{ "1 Pass Random", ERASE_RANDOM },
	{ "3 Passes DoD", ERASE_DOD3 },
};

int
mailbox_erase_init(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT;
	int rc = -1;

	memset(st, 0, sizeof *st);
	if (config_get(dev, "system.init.erase_method", &v, err) != 0)
		goto out;
	for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
		if (strcmp(v.buf, methods[i].label) == 0)
			st->method = methods[i].m;
	sb_reset(&v);
	if (config_get(dev, "system.init.verify", &v, err) != 0)
		goto out;
	st->verify = strcmp(v.buf, "ON") == 0;
	rc = 0;
out:
	sb_release(&v);
	return rc;
}

static int
erase_doc_file(struct device *dev, const char *file, struct erase_stats *st, struct svc_err *err)
{
	char *path = mailbox_file_path(dev, file);
	int rc = erase_file(path, st, err);

	free(path);
	return rc;
}

/* --- inboxes ------------------------------------------------------------- */

static void
to_inbox(const struct store_inbox *s, int64_t docs, int64_t bytes, struct mailbox_inbox *out)
{
	memset(out, 0, sizeof *out);
	out->box = s->box;
	strlcpy_(out->name, s->name, sizeof out->name);
	out->protected_ = s->password[0] != '\0';
	out->auto_erase = s->auto_erase;
	out->print_on_store = s->print_on_store;
	out->docs = docs;
	out->bytes = bytes;
}

int
mailbox_inbox_get(struct device *dev, int box, struct mailbox_inbox *out, struct svc_err *err)
{
	struct store *st = device_store(dev);
	int64_t docs[100], bytes[100];
	struct store_inbox in;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (box < 0 || box >= MAILBOX_INBOXES)
		return svc_errf(err, EX_USAGE, "invalid inbox %d (00-99)", box);
	if (store_inbox_get(st, box, &in, err) >= 0 &&
	    store_inbox_usage(st, docs, bytes, err) == 0) {
		to_inbox(&in, docs[box], bytes[box], out);
		rc = 0;
	}
	svc_wipe(&in, sizeof in);
	return rc;
}

int
mailbox_inbox_each(struct device *dev, mailbox_inbox_fn fn, void *arg, struct svc_err *err)
{
	struct mailbox_inbox in;

	for (int b = 0; b < MAILBOX_INBOXES; b++) {
		if (mailbox_inbox_get(dev, b, &in, err) != 0)
			return -1;
		if (fn(arg, &in) != 0)
			return -1;
	}
	return 0;
}

static int
lockout_delay(struct device *dev)
{
	struct strbuf v = STRBUF_INIT;
	int secs = 30;

	if (config_get(dev, "service.lockout.delay", &v, NULL) == 0)
		secs = (int)strtol(v.buf, NULL, 10);
	sb_release(&v);
	return secs > 0 ? secs : 30;
}

/* Digits only, at most 7, not all zeros; padded to 7 like the System PIN. */
static int
password_form(const char *given, char out[8], struct svc_err *err)
{
	size_t n = strlen(given);
	bool nonzero = false;

	if (n == 0 || n > 7)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)given[i]))
			goto bad;
		nonzero = nonzero || given[i] != '0';
	}
	if (!nonzero)
		return svc_errf(err, EX_USAGE, "an inbox password of all zeros is not allowed");
	memset(out, '0', 7 - n);
	memcpy(out + 7 - n, given, n + 1);
	return 0;
bad:
	return svc_errf(err, EX_USAGE, "an inbox password is 1 to 7 digits");
}

int
mailbox_unlock(struct device *dev, int box, const char *password, struct svc_err *err)
{
	struct store_inbox in;
	struct access_who who = { device_operator(dev), device_level(dev) };
	char door[16], pin[8];
	bool ok;
	int rc;

	if (box < 0 || box >= MAILBOX_INBOXES)
		return svc_errf(err, EX_USAGE, "invalid inbox %d (00-99)", box);
	if (store_inbox_get(device_store(dev), box, &in, err) < 0)
		return -1;
	if (in.password[0] == '\0' || (device_doors(dev) & DOOR_MANAGER)) {
		svc_wipe(&in, sizeof in);
		return 0;
	}
	snprintf(door, sizeof door, "box:%02d", box);
	if (password == NULL) {
		svc_wipe(&in, sizeof in);
		svc_errf(err, EX_NOPERM,
			 "inbox %02d is protected by a password (or System Manager rights)", box);
		device_audit(dev, "refused", door, NULL, NULL, "no password given", NULL);
		return -1;
	}
	ok = password_form(password, pin, NULL) == 0 && access_matches(in.password, pin);
	rc = access_attempt(device_store(dev), &who, door, ok, lockout_delay(dev), err);
	if (rc != 0 && err && err->code == EX_NOPERM)
		svc_errf(err, EX_NOPERM, "wrong password for inbox %02d", box);
	svc_wipe(&in, sizeof in);
	svc_wipe(pin, sizeof pin);
	return rc;
}

/* Free text: at most MAX bytes of UTF-8 without control characters, so
 * that no name can put terminal controls on a screen, in a log or in JSON. */
static int
valid_text(const char *s, size_t max)
{
	return strlen(s) <= max && text_is_clean(s);
}

static bool
parse_onoff(const char *s, bool *out)
{
	static const char *const on[] = { "on", "true", "1", "yes" };
	static const char *const off[] = { "off", "false", "0", "no" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, on[i]) == 0)
			return (*out = true);
		if (strcasecmp(s, off[i]) == 0)
			return !(*out = false);
	}
	return false;
}

static int
set_value(struct store_inbox *in, const char *field, const char *value, char *shown, size_t cap,
	  struct svc_err *err)
{
	char pin[8];
	struct strbuf h = STRBUF_INIT;

	if (strcmp(field, "name") == 0) {
		if (!valid_text(value, MAILBOX_NAME_MAX))
			return svc_errf(err, EX_USAGE,
					"invalid inbox name '%s' (at most %d bytes of printable "
					"text: UTF-8 without control characters)",
					text_is_clean(value) ? value : "?", MAILBOX_NAME_MAX);
		strlcpy_(in->name, value, sizeof in->name);
		strlcpy_(shown, value, cap);
	} else if (strcmp(field, "password") == 0) {
		strlcpy_(shown, *value ? "***" : "", cap);
		if (*value == '\0') {
			in->password[0] = '\0';
			return 0;
		}
		if (password_form(value, pin, err) != 0)
			return -1;
		if (access_hash(pin, &h, err) != 0) {
			svc_wipe(pin, sizeof pin);
			return -1;
		}
		svc_wipe(pin, sizeof pin);
		strlcpy_(in->password, h.buf, sizeof in->password);
		sb_release(&h);
	} else if (strcmp(field, "auto-erase") == 0) {
		if (mailbox_parse_period(value, &in->auto_erase, err) != 0)
			return -1;
		mailbox_format_period(in->auto_erase, shown, cap);
	} else if (strcmp(field, "print-on-store") == 0) {
		if (!parse_onoff(value, &in->print_on_store))
			return svc_errf(err, EX_USAGE,
					"invalid Print upon storing '%s' (ON or OFF)", value);
		strlcpy_(shown, in->print_on_store ? "ON" : "OFF", cap);
	} else {
		return svc_errf(err, EX_USAGE,
				"unknown inbox setting '%s' (name, password, auto-erase, "
				"print-on-store)",
				field);
	}
	return 0;
}

int
mailbox_check_setting(const char *field, const char *value, struct svc_err *err)
{
	struct store_inbox scratch;
	char pin[8], shown[64];
	int rc;

	if (strcmp(field, "password") == 0) {
		/* The form only: hashing is for the real thing. */
		rc = *value ? password_form(value, pin, err) : 0;
		svc_wipe(pin, sizeof pin);
		return rc;
	}
	memset(&scratch, 0, sizeof scratch);
	return set_value(&scratch, field, value, shown, sizeof shown, err);
}

int
mailbox_set(struct device *dev, int box, const char *password, const char *field, const char *value,
	    struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct store_inbox in, before;
	char shown[64] = "", old[64] = "", key[48];
	int rc = -1;

	if (mailbox_unlock(dev, box, password, err) != 0)
		return -1;
	if (store_inbox_get(st, box, &in, err) < 0)
		return -1;
	before = in;
	if (set_value(&in, field, value, shown, sizeof shown, err) != 0)
		goto out;
	if (strcmp(field, "name") == 0)
		strlcpy_(old, before.name, sizeof old);
	else if (strcmp(field, "password") == 0)
		strlcpy_(old, before.password[0] ? "***" : "", sizeof old);
	else if (strcmp(field, "auto-erase") == 0)
		mailbox_format_period(before.auto_erase, old, sizeof old);
	else
		strlcpy_(old, before.print_on_store ? "ON" : "OFF", sizeof old);
	snprintf(key, sizeof key, "box:%02d.%s", box, field);
	if (store_begin(st, err) != 0)
		goto out;
	if (store_inbox_put(st, &in, err) != 0 ||
	    device_audit(dev, "box.set", key, old, shown, NULL, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		goto out;
	}
	rc = 0;
out:
	svc_wipe(&in, sizeof in);
	svc_wipe(&before, sizeof before);
	return rc;
}

/* --- documents ----------------------------------------------------------- */

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
	if (*name == '\0' || !valid_text(name, MAILBOX_DOCNAME_MAX))
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
			write_error(path, errno, err);
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
			write_error(path, errno, err);
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
		if (erase_doc_file(dev, docs[i].file, &es, rc ? NULL : err) != 0)
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

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Erases the files of the documents directory that ALL or no row names. */
static int
sweep(struct device *dev, bool all, struct erase_stats *es, int64_t *count, struct svc_err *err)
{
	char *dir = mailbox_dir(dev);
	struct dirent *e;
	DIR *d;
	int rc = 0;

	*count = 0;
	if ((d = opendir(dir)) == NULL) {
		rc = errno == ENOENT ? 0
				     : svc_errf(err, EX_IOERR, "cannot read '%s': %s", dir,
						strerror(errno));
		free(dir);
		return rc;
	}
	while ((e = readdir(d)) != NULL) {
		int known = 0;
		if (!has_suffix(e->d_name, ".doc") && !has_suffix(e->d_name, ".tmp"))
			continue;
		if (!all && has_suffix(e->d_name, ".doc") &&
		    (known = store_doc_file_known(device_store(dev), e->d_name, err)) < 0) {
			rc = -1;
			break;
		}
		if (known)
			continue;
		if (erase_doc_file(dev, e->d_name, es, err) != 0) {
			rc = -1;
			break;
		}
		if (has_suffix(e->d_name, ".doc"))
			(*count)++;
	}
	closedir(d);
	free(dir);
	return rc;
}

int
mailbox_cleanup(struct device *dev, struct svc_err *err)
{
	struct erase_stats es;
	int64_t n;
	int lock, rc;

	if ((lock = mailbox_lock(dev, true, false, NULL)) < 0)
		return 0; /* someone is writing documents: leave their files alone */
	rc = mailbox_erase_init(dev, &es, err) == 0 ? sweep(dev, false, &es, &n, err) : -1;
	close(lock);
	return rc;
}

int
mailbox_erase_all(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	struct store *s = device_store(dev);
	int64_t docs = 0, inboxes = 0, files = 0;
	int lock, rc = -1;

	if ((lock = mailbox_lock(dev, true, true, err)) < 0)
		return -1;
	if (store_begin(s, err) != 0)
		goto out;
	if (store_mailbox_clear(s, &docs, &inboxes, err) != 0 || store_commit(s, err) != 0) {
		store_rollback(s);
		goto out;
	}
	if (sweep(dev, true, st, &files, err) != 0)
		goto out;
	erase_count(st, "documents", files > docs ? files : docs);
	erase_count(st, "inbox settings", inboxes);
	rc = 0;
out:
	close(lock);
	return rc;
}
