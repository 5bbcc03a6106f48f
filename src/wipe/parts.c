/*
 * What Initialize All Data/Settings erases, in order: one line per kind of
 * data. A feature module that keeps user data adds its erase function
 * here (and a marker to tests/wipe/markers.sh).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mac/mac.h"
#include "mail/mail.h"
#include "mailbox/mailbox.h"
#include "store/store_wipe.h"
#include "tls/tls.h"
#include "util/fsutil.h"
#include "wipe/wipe_int.h"

/* Settings marked init = reset go back to their factory defaults (System
 * Manager ID and PIN included); the values they had are also removed from
 * the audit log, whose records stay. */
static int
part_settings(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	const struct catalog *cat = device_catalog(dev);
	int n = config_reset_for_init(dev, err);
	int64_t values = 0;

	if (n < 0)
		return -1;
	erase_count(st, "settings", n);
	for (size_t i = 0; i < catalog_count(cat); i++) {
		const struct cat_entry *e = catalog_at(cat, i);
		int rc;
		if (!e->reset_on_init)
			continue;
		if ((rc = store_wipe_audit_values(device_store(dev), e->key, err)) < 0)
			return -1;
		values += rc;
	}
	erase_count(st, "audit values", values);
	return 0;
}

/* Failed-attempt states of the doors whose credentials are reset or
 * erased (System Manager, inboxes); the service-mode doors keep theirs. */
static int
part_doors_all(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	int n = store_wipe_doors(device_store(dev), true, err);

	if (n < 0)
		return -1;
	erase_count(st, "lockout states", n);
	return 0;
}

static int
part_door_manager(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	int n = store_wipe_doors(device_store(dev), false, err);

	if (n < 0)
		return -1;
	erase_count(st, "lockout states", n);
	return 0;
}

char *
wipe_docs_dir(struct device *dev)
{
	struct strbuf sb = STRBUF_INIT;

	sb_addf(&sb, "%s.d/docs", store_path(device_store(dev)));
	return sb_detach(&sb);
}

/* The last component of PATH (PATH itself when it has no '/'). */
static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* PATH with its folder resolved (symbolic links, "..", relative): the file
 * itself when it exists (a link is followed to what would be written),
 * else its folder and its name. NULL when the folder cannot be resolved. */
static char *
resolved(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char *full = realpath(path, NULL), *dir, *rdir;

	if (full)
		return full;
	dir = fs_dirname(path);
	rdir = realpath(dir, NULL);
	free(dir);
	if (rdir == NULL)
		return NULL;
	sb_addf(&sb, "%s%s%s", rdir, strcmp(rdir, "/") == 0 ? "" : "/", base_name(path));
	free(rdir);
	return sb_detach(&sb);
}

/* Whether FILE (resolved) is something Initialize erases beside STORE (as
 * named, or resolved): STORE.d or anything under it, or a name in STORE's
 * folder made of STORE's own name and '.' or '-' and more (the store, its
 * WAL, its lock and temporary files, and what part_leftovers sweeps). */
static bool
erased_beside(const char *file, const char *store)
{
	char *s = resolved(store), *fdir = fs_dirname(file), *sdir;
	struct strbuf d = STRBUF_INIT;
	const char *tail;
	bool hit = false;
	size_t n;

	if (s == NULL) {
		free(fdir);
		return false;
	}
	sb_addf(&d, "%s.d", s);
	if (strcmp(file, d.buf) == 0 || (strncmp(file, d.buf, d.len) == 0 && file[d.len] == '/'))
		hit = true;
	sdir = fs_dirname(s);
	n = strlen(base_name(s));
	tail = base_name(file) + n;
	/* The names part_leftovers sweeps: STORE, STORE.*, STORE-*. */
	if (strcmp(fdir, sdir) == 0 && strncmp(base_name(file), base_name(s), n) == 0 &&
	    (*tail == '\0' || *tail == '.' || *tail == '-'))
		hit = true;
	free(sdir);
	free(fdir);
	free(s);
	sb_release(&d);
	return hit;
}

int
wipe_outside_check(struct device *dev, const char *path, struct svc_err *err)
{
	const char *store = store_path(device_store(dev));
	char *file = resolved(path), *real_store = realpath(store, NULL);
	int rc = 0;

	/* The store as named and as resolved: a linked store keeps its
	 * folder of documents beside the link. */
	if (file && (erased_beside(file, store) || (real_store && erased_beside(file, real_store))))
		rc = svc_errf(err, EX_CANTCREAT,
			      "cannot back up the Mail Box to '%s': Initialize erases it with the "
			      "store's files (in %s.d or named like the store beside it); "
			      "choose a file elsewhere; nothing was changed",
			      path, store);
	free(file);
	free(real_store);
	return rc;
}

/* Visits the entries of DIR depth first; FN gets each path with its lstat. */
typedef int (*walk_fn)(void *arg, const char *path, const struct stat *sb, struct svc_err *err);

static int
walk(const char *dir, walk_fn fn, void *arg, struct svc_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		if (errno == ENOENT)
			return 0;
		return svc_errf(err, EX_IOERR, "cannot read '%s': %s", dir, strerror(errno));
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		struct strbuf p = STRBUF_INIT;
		struct stat sb;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		sb_addf(&p, "%s/%s", dir, de->d_name);
		if (lstat(p.buf, &sb) != 0) {
			if (errno != ENOENT)
				rc = svc_errf(err, EX_IOERR, "cannot read '%s': %s", p.buf,
					      strerror(errno));
		} else if (S_ISDIR(sb.st_mode)) {
			rc = walk(p.buf, fn, arg, err);
			if (rc == 0)
				rc = fn(arg, p.buf, &sb, err);
		} else {
			rc = fn(arg, p.buf, &sb, err);
		}
		sb_release(&p);
	}
	if (rc == 0 && de == NULL && errno != 0)
		rc = svc_errf(err, EX_IOERR, "cannot read '%s': %s", dir, strerror(errno));
	closedir(d);
	return rc;
}

static int
add_size(void *arg, const char *path, const struct stat *sb, struct svc_err *err)
{
	(void)path;
	(void)err;
	if (S_ISREG(sb->st_mode))
		*(int64_t *)arg += sb->st_size;
	return 0;
}

int64_t
wipe_dir_bytes(const char *dir)
{
	int64_t n = 0;

	walk(dir, add_size, &n, NULL);
	return n;
}

static int
erase_entry(void *arg, const char *path, const struct stat *sb, struct svc_err *err)
{
	struct erase_stats *st = arg;

	if (S_ISDIR(sb->st_mode))
		return 0; /* emptied by erase_flush, removed by remove_dir */
	if (S_ISREG(sb->st_mode)) {
		/* The mailbox module's lock file: empty, and other svcmode
		 * processes may hold it. */
		if (sb->st_size == 0 && strcmp(strrchr(path, '/'), "/.lock") == 0)
			return 0;
		if (erase_file(path, st, err) != 0)
			return -1;
		erase_count(st, "document files", 1);
		return 0;
	}
	/* A link, socket or fifo holds no document: remove it, follow nothing. */
	if (unlink(path) != 0 && errno != ENOENT)
		return svc_errf(err, EX_IOERR, "cannot remove '%s': %s", path, strerror(errno));
	return 0;
}

static int
remove_dir(void *arg, const char *path, const struct stat *sb, struct svc_err *err)
{
	(void)arg;
	if (S_ISDIR(sb->st_mode) && rmdir(path) != 0 && errno != ENOENT)
		return svc_errf(err, EX_IOERR, "cannot remove '%s': %s", path, strerror(errno));
	return 0;
}

/* Every file left under the documents directory (all of them before the
 * mailbox module lands, orphans of a crash after): overwritten with the
 * chosen method, all made durable at once, unlinked; then the emptied
 * directories go. */
static int
part_doc_files(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	char *dir = wipe_docs_dir(dev);
	int rc = walk(dir, erase_entry, st, err);

	if (erase_flush(st, rc == 0 ? err : NULL) != 0)
		rc = -1;
	if (rc == 0)
		rc = walk(dir, remove_dir, NULL, err);
	free(dir);
	return rc;
}

/* The names of the store's own files that stay: SQLite's (the store is
 * open), the folder of documents (its own part erases it) and the lock
 * of the running initialization (removed when it ends). */
static bool
kept_beside(const char *suffix)
{
	static const char *const keep[] = { "", "-wal", "-shm", "-journal", ".d", ".wipe-lock" };

	for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++)
		if (strcmp(suffix, keep[i]) == 0)
			return true;
	return false;
}

/* STORE.mail-lock, STORE.service-lock: removed only under their lock, so
 * never while a POP reception or the reception service holds one (they
 * hold no customer data: a pid and a port at most). */
static int
leftover_lock(const char *path, struct erase_stats *st, struct svc_err *err)
{
	int fd = fs_trylock(path, false);

	if (fd == -2) {
		erase_count(st, "lock files in use (kept)", 1);
		return 0;
	}
	if (fd < 0)
		return errno == ENOENT ? 0
				       : svc_errf(err, EX_IOERR, "cannot lock '%s': %s", path,
						  strerror(errno));
	fs_unlock_remove(path, fd);
	erase_count(st, "leftover files", 1);
	return 0;
}

/* One entry named like the store beside it: a stale temporary of a store
 * created, a backup or an export that was interrupted (it may hold the
 * customer's data: overwritten like a document), or a lock file. */
static int
leftover(const char *path, const char *suffix, struct erase_stats *st, struct svc_err *err)
{
	struct stat sb;

	if (strcmp(suffix, ".mail-lock") == 0 || strcmp(suffix, ".service-lock") == 0)
		return leftover_lock(path, st, err);
	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0
				       : svc_errf(err, EX_IOERR, "cannot read '%s': %s", path,
						  strerror(errno));
	if (S_ISDIR(sb.st_mode))
		return 0; /* not one of ours: none is made */
	if (S_ISREG(sb.st_mode)) {
		if (erase_file(path, st, err) != 0)
			return -1;
	} else if (unlink(path) != 0 && errno != ENOENT) {
		return svc_errf(err, EX_IOERR, "cannot remove '%s': %s", path, strerror(errno));
	}
	erase_count(st, "leftover files", 1);
	return 0;
}

/* Whatever svcmode left beside the store under the store's name (STORE.*,
 * STORE-*) other than the store's own files. */
static int
part_leftovers(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	const char *store = store_path(device_store(dev)), *base = base_name(store);
	char *dir = fs_dirname(store);
	size_t n = strlen(base);
	DIR *d = opendir(dir);
	struct dirent *de;
	int rc = 0;

	if (d == NULL) {
		rc = svc_errf(err, EX_IOERR, "cannot read '%s': %s", dir, strerror(errno));
		free(dir);
		return rc;
	}
	while (rc == 0 && (errno = 0, de = readdir(d)) != NULL) {
		const char *suffix = de->d_name + n;
		struct strbuf p = STRBUF_INIT;
		if (strncmp(de->d_name, base, n) != 0 || (*suffix != '.' && *suffix != '-') ||
		    kept_beside(suffix))
			continue;
		sb_addf(&p, "%s/%s", dir, de->d_name);
		rc = leftover(p.buf, suffix, st, err);
		sb_release(&p);
	}
	if (rc == 0 && de == NULL && errno != 0)
		rc = svc_errf(err, EX_IOERR, "cannot read '%s': %s", dir, strerror(errno));
	closedir(d);
	free(dir);
	return rc;
}

const struct wipe_part wipe_parts[] = {
	{ "settings", WIPE_ALL | WIPE_SETTINGS_ONLY, part_settings, NULL, false, NULL, false },
	{ "lockout states", WIPE_ALL, part_doors_all, NULL, false, NULL, false },
	{ "lockout state", WIPE_SETTINGS_ONLY, part_door_manager, NULL, false, NULL, false },
	{ "inboxes", WIPE_ALL, mailbox_erase_all, NULL, false, "box.", false },
	{ "key pairs", WIPE_ALL, tls_erase_user, tls_provision, false, "tls.", true },
	{ "mac lists", WIPE_ALL, mac_erase, NULL, false, "mac.", false },
	{ "communication log", WIPE_ALL, mail_erase_log, NULL, false, "mail.", false },
	{ "document files", WIPE_ALL, part_doc_files, NULL, true, NULL, false },
	{ "leftover files", WIPE_ALL, part_leftovers, NULL, false, NULL, false },
	{ NULL, 0, NULL, NULL, false, NULL, false },
};
