/*
 * I/O errors injected under SQLite. A VFS that wraps the default one is
 * registered as the default, so the store opens through it unchanged; it
 * lets the first N reads/writes/truncates/syncs pass and fails the next
 * one, either once (a transient error) or for good (a disk that went
 * away). Each operation is run with N = 0, 1, 2, ... until it completes
 * without reaching the fault, and after every failure the store is
 * reopened without faults and checked: PRAGMA integrity_check is "ok",
 * the operation reported success exactly when its new state is there,
 * and a failed operation left the old state (Initialize, which records
 * its intent first, may leave it recorded: the next start completes it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "backup/backup.h"
#include "fixture.h"
#include "license/license.h"
#include "mailbox/mailbox.h"
#include "wipe/wipe.h"

/* --- the faulty VFS --- */

static sqlite3_vfs *real_vfs;
static struct {
	long countdown; /* operations left before the fault; < 0: off */
	int sticky;     /* once hit, every later operation fails too */
	int hits;
	const char *what; /* the operation that failed first */
	int full;         /* a failed write is a full disk (SQLITE_FULL) */
} fault = { -1, 0, 0, NULL, 0 };

struct ffile {
	sqlite3_file base;
	sqlite3_file *real; /* follows this struct in the same allocation */
};

static int
fault_now(const char *what)
{
	if (fault.countdown < 0)
		return fault.hits > 0 && fault.sticky;
	if (fault.countdown-- > 0)
		return 0;
	fault.hits++;
	fault.what = what;
	return 1;
}

static sqlite3_file *
R(sqlite3_file *f)
{
	return ((struct ffile *)f)->real;
}

static int
f_close(sqlite3_file *f)
{
	int rc = R(f)->pMethods ? R(f)->pMethods->xClose(R(f)) : SQLITE_OK;

	return rc;
}

static int
f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return fault_now("read") ? SQLITE_IOERR_READ : R(f)->pMethods->xRead(R(f), buf, n, off);
}

static int
f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fault_now("write"))
		return fault.full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
	return R(f)->pMethods->xWrite(R(f), buf, n, off);
}

static int
f_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return fault_now("truncate") ? SQLITE_IOERR_TRUNCATE
				     : R(f)->pMethods->xTruncate(R(f), size);
}

static int
f_sync(sqlite3_file *f, int flags)
{
	return fault_now("sync") ? SQLITE_IOERR_FSYNC : R(f)->pMethods->xSync(R(f), flags);
}

static int
f_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return R(f)->pMethods->xFileSize(R(f), size);
}

static int
f_lock(sqlite3_file *f, int l)
{
	return R(f)->pMethods->xLock(R(f), l);
}

static int
f_unlock(sqlite3_file *f, int l)
{
	return R(f)->pMethods->xUnlock(R(f), l);
}

static int
f_reserved(sqlite3_file *f, int *out)
{
	return R(f)->pMethods->xCheckReservedLock(R(f), out);
}

static int
f_fcntl(sqlite3_file *f, int op, void *arg)
{
	return R(f)->pMethods->xFileControl(R(f), op, arg);
}

static int
f_sector(sqlite3_file *f)
{
	return R(f)->pMethods->xSectorSize(R(f));
}

static int
f_devchar(sqlite3_file *f)
{
	return R(f)->pMethods->xDeviceCharacteristics(R(f));
}

static int
f_shmmap(sqlite3_file *f, int pg, int sz, int ext, void volatile **pp)
{
	return R(f)->pMethods->xShmMap(R(f), pg, sz, ext, pp);
}

static int
f_shmlock(sqlite3_file *f, int off, int n, int flags)
{
	return R(f)->pMethods->xShmLock(R(f), off, n, flags);
}

static void
f_shmbarrier(sqlite3_file *f)
{
	R(f)->pMethods->xShmBarrier(R(f));
}

static int
f_shmunmap(sqlite3_file *f, int del)
{
	return R(f)->pMethods->xShmUnmap(R(f), del);
}

/* No memory-mapped reads: every read goes through f_read. */
static int
f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	(void)f, (void)off, (void)n;
	*pp = NULL;
	return SQLITE_OK;
}

static int
f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f, (void)off, (void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods faulty_methods = {
	3,         f_close,      f_read,     f_write, f_truncate, f_sync,    f_size,
	f_lock,    f_unlock,     f_reserved, f_fcntl, f_sector,   f_devchar, f_shmmap,
	f_shmlock, f_shmbarrier, f_shmunmap, f_fetch, f_unfetch,
};

static int
v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct ffile *ff = (struct ffile *)f;
	int rc;

	(void)vfs;
	ff->real = (sqlite3_file *)(ff + 1);
	rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
	/* SQLite calls xClose even after a failed xOpen when pMethods is set. */
	f->pMethods = ff->real->pMethods ? &faulty_methods : NULL;
	return rc;
}

static int
v_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	(void)vfs;
	return real_vfs->xDelete(real_vfs, name, sync);
}

static int
v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	(void)vfs;
	return real_vfs->xAccess(real_vfs, name, flags, out);
}

static int
v_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	(void)vfs;
	return real_vfs->xFullPathname(real_vfs, name, n, out);
}

static int
v_random(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xRandomness(real_vfs, n, out);
}

static int
v_sleep(sqlite3_vfs *vfs, int us)
{
	(void)vfs;
	return real_vfs->xSleep(real_vfs, us);
}

static int
v_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	return real_vfs->xCurrentTime(real_vfs, out);
}

static int
v_lasterr(sqlite3_vfs *vfs, int n, char *out)
{
	(void)vfs;
	return real_vfs->xGetLastError(real_vfs, n, out);
}

static int
v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static sqlite3_vfs faulty_vfs;

static void
vfs_install(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	assert_non_null(real_vfs);
	faulty_vfs = (sqlite3_vfs){
		.iVersion = 2,
		.szOsFile = (int)sizeof(struct ffile) + real_vfs->szOsFile,
		.mxPathname = real_vfs->mxPathname,
		.zName = "svc-faulty",
		.xOpen = v_open,
		.xDelete = v_delete,
		.xAccess = v_access,
		.xFullPathname = v_fullpath,
		.xRandomness = v_random,
		.xSleep = v_sleep,
		.xCurrentTime = v_time,
		.xGetLastError = v_lasterr,
		.xCurrentTimeInt64 = v_time64,
	};
	assert_int_equal(sqlite3_vfs_register(&faulty_vfs, 1), SQLITE_OK);
}

static void
fault_arm(long after, int sticky)
{
	fault.countdown = after;
	fault.sticky = sticky;
	fault.hits = 0;
}

static void
fault_off(void)
{
	fault.countdown = -1;
	fault.sticky = 0;
}

/* --- checks on the store, through the real VFS --- */

static char *
query(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *out = NULL;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, "unix"), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		out = strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0)
							: "");
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(out);
	return out;
}

static long
query_long(const char *path, const char *sql)
{
	char *s = query(path, sql);
	long v = strtol(s, NULL, 10);

	free(s);
	return v;
}

static void
assert_intact(const char *path)
{
	char *ic = query(path, "PRAGMA integrity_check");

	assert_string_equal(ic, "ok");
	free(ic);
}

/* Reopens the store without faults, at the set-up's level. */
static void
reopen(struct tfix *f)
{
	struct svc_err err = { 0 };

	if (f->dev != NULL)
		device_close(f->dev);
	f->dev = NULL;
	fault_off();
	assert_intact(f->path);
	if (tfix_reopen(f, f->login, &err) != 0)
		fail_msg("reopening the store after a fault: %s", err.msg);
}

/* Whether a failed operation's outcome is, as its message says, unknown:
 * the disk did not confirm the commit, so the change is complete or
 * absent, like after a power loss at that moment. */
static int
uncertain(int rc, const struct svc_err *err)
{
	return rc != 0 && strstr(err->msg, "either complete or absent") != NULL;
}

/*
 * One operation under test: PREPARE (may be NULL) runs without faults,
 * RUN with the fault armed, CHECK after the store was reopened without
 * faults (RC is what RUN returned).
 */
struct fault_op {
	void (*prepare)(struct tfix *f, long run);
	int (*run)(struct tfix *f, long run, struct svc_err *err);
	void (*check)(struct tfix *f, long run, int rc, const struct svc_err *err);
};

/* What the previous run left: the count CHECK compares against. */
static long expected;

/* Runs OP with the fault after N operations (STICKY or not) until a run
 * finishes without reaching it. N steps by one up to 64, then by about 3%,
 * so a long operation (Initialize runs thousands) is still sampled from
 * start to end in a few hundred runs. Returns the number of runs. */
static long
sweep(struct tfix *f, int sticky, const struct fault_op *op)
{
	long n, runs;

	for (n = 0, runs = 1;; n += n < 64 ? 1 : n / 32, runs++) {
		struct svc_err err = { 0 };
		int rc, hit;

		if (op->prepare)
			op->prepare(f, n);
		fault_arm(n, sticky);
		rc = op->run(f, n, &err);
		hit = fault.hits;
		if (getenv("IOERR_TRACE"))
			print_message("run %ld: %s %ld%s: rc %d %s\n", runs,
				      hit ? fault.what : "no fault", n, sticky ? " (sticky)" : "",
				      rc, rc ? err.msg : "");
		if (rc != 0) {
			assert_true(hit > 0); /* only the injected fault may fail it */
			assert_true(err.code != 0 && err.msg[0] != '\0');
		}
		reopen(f);
		op->check(f, n, rc, &err);
		if (!hit)
			return runs;
	}
}

/* Both kinds of fault; prints and returns the number of runs. */
static long
sweep_both(struct tfix *f, const char *what, const struct fault_op *op)
{
	long runs = sweep(f, 0, op);

	runs += sweep(f, 1, op);
	print_message("%s: %ld runs with an I/O error\n", what, runs);
	return runs;
}

/* --- set: the new value with its audit record, or neither --- */

static int
run_set(struct tfix *f, long run, struct svc_err *err)
{
	char v[32];

	snprintf(v, sizeof v, "run %ld", run);
	return config_set(f->dev, "system.manager.comment", v, err);
}

static void
check_set(struct tfix *f, long run, int rc, const struct svc_err *err)
{
	char want[32], *got;
	long audits;

	snprintf(want, sizeof want, "run %ld", run);
	got = query(f->path, "SELECT coalesce((SELECT value FROM setting WHERE "
			     "key = 'system.manager.comment'), '')");
	audits = query_long(f->path, "SELECT count(*) FROM audit WHERE event = 'set' AND "
				     "key = 'system.manager.comment'");
	if (uncertain(rc, err) && strcmp(got, want) == 0)
		rc = 0; /* it was complete */
	if (rc == 0)
		assert_string_equal(got, want);
	else
		assert_string_not_equal(got, want);
	assert_int_equal(audits, expected + (rc == 0));
	expected = audits;
	free(got);
}

static void
test_ioerr__set(void **state)
{
	static const struct fault_op op = { NULL, run_set, check_set };

	expected = 0;
	assert_true(sweep_both(*state, "set", &op) > 4);
}

/* --- import of ten changes: all or none --- */

static const char *const ten_keys[] = {
	"system.manager.name",        "system.manager.contact",   "network.email.smtp.port",
	"network.email.pop.port",     "network.tcpip.dhcp",       "system.auto_clear",
	"network.email.smtp.server",  "network.email.pop.server", "network.email.auth.smtp_auth",
	"network.email.pop.interval",
};

static const char ten_json[] =
	"{\"format\": \"svcmode-settings\", \"version\": 1, \"settings\": {"
	"\"system.manager.name\": \"N\", \"system.manager.contact\": \"C\","
	"\"network.email.smtp.port\": 2525, \"network.email.pop.port\": 1110,"
	"\"network.tcpip.dhcp\": \"ON\", \"system.auto_clear\": 5,"
	"\"network.email.smtp.server\": \"smtp.example.com\","
	"\"network.email.pop.server\": \"pop.example.com\","
	"\"network.email.auth.smtp_auth\": \"ON\", \"network.email.pop.interval\": 7}}";

static long
ten_changed(const char *path)
{
	return query_long(path, "SELECT count(*) FROM setting WHERE key IN ("
				"'system.manager.name','system.manager.contact',"
				"'network.email.smtp.port','network.email.pop.port',"
				"'network.tcpip.dhcp','system.auto_clear',"
				"'network.email.smtp.server','network.email.pop.server',"
				"'network.email.auth.smtp_auth','network.email.pop.interval')");
}

/* Back to the factory values. */
static void
prepare_import(struct tfix *f, long run)
{
	struct svc_err err = { 0 };

	(void)run;
	for (size_t i = 0; i < sizeof ten_keys / sizeof *ten_keys; i++)
		assert_int_equal(config_reset(f->dev, ten_keys[i], &err), 0);
	assert_int_equal(ten_changed(f->path), 0);
}

static int
run_import(struct tfix *f, long run, struct svc_err *err)
{
	struct strbuf problems = STRBUF_INIT;
	int rc;

	(void)run;
	rc = config_import(f->dev, ten_json, &problems, err);
	sb_release(&problems);
	return rc < 0 ? -1 : 0;
}

static void
check_import(struct tfix *f, long run, int rc, const struct svc_err *err)
{
	long changed = ten_changed(f->path);

	(void)run;
	if (uncertain(rc, err) && changed == 10)
		rc = 0;
	assert_int_equal(changed, rc == 0 ? 10 : 0);
}

static void
test_ioerr__import(void **state)
{
	static const struct fault_op op = { prepare_import, run_import, check_import };

	assert_true(sweep_both(*state, "import", &op) > 4);
}

/* --- a document: its row and its file, or neither --- */

static int
run_store(struct tfix *f, long run, struct svc_err *err)
{
	char data[3000];

	(void)run;
	memset(data, 'd', sizeof data);
	return mailbox_store_document(f->dev, 7, "scan.pdf", data, sizeof data, err);
}

static void
check_store(struct tfix *f, long run, int rc, const struct svc_err *err)
{
	struct svc_err e2 = { 0 };
	long docs = query_long(f->path, "SELECT count(*) FROM mailbox_doc WHERE box = 7");

	(void)run;
	if (uncertain(rc, err) && docs == expected + 1)
		rc = 0;
	assert_int_equal(docs, expected + (rc == 0));
	expected = docs;
	/* No file without its row once the start-up clean-up has run. */
	assert_int_equal(mailbox_cleanup(f->dev, &e2), 0);
	assert_int_equal(tfix_count_files(f, "device.db.d/docs"), docs);
}

static void
test_ioerr__store_document(void **state)
{
	static const struct fault_op op = { NULL, run_store, check_store };

	expected = 0;
	assert_true(sweep_both(*state, "document store", &op) > 4);
}

/* --- Initialize: untouched, or recorded and completed at the next start --- */

static void
prepare_init(struct tfix *f, long run)
{
	struct svc_err err = { 0 };

	(void)run;
	assert_int_equal(config_set(f->dev, "system.manager.name", "before", &err), 0);
}

static int
run_init(struct tfix *f, long run, struct svc_err *err)
{
	struct wipe_report *r = NULL;
	int rc;

	(void)run;
	rc = wipe_run(f->dev, WIPE_SETTINGS_ONLY, TFIX_SERIAL, NULL, NULL, &r, err);
	wipe_report_free(r);
	return rc;
}

static void
check_init(struct tfix *f, long run, int rc, const struct svc_err *err)
{
	struct strbuf desc = STRBUF_INIT;
	struct svc_err e2 = { 0 };
	struct wipe_report *r = NULL;
	int pending = wipe_pending(f->dev, &desc, &e2);
	char *name;

	(void)run;
	assert_true(pending >= 0);
	if (pending == 1) {
		assert_true(rc != 0);
		assert_int_equal(wipe_resume(f->dev, NULL, NULL, &r, &e2), 0);
		wipe_report_free(r);
		assert_intact(f->path);
	}
	name = query(f->path, "SELECT coalesce((SELECT value FROM setting WHERE "
			      "key = 'system.manager.name'), '')");
	/* Done (at once, by the resume, or as the message says), or never
	 * started. */
	if (rc != 0 && (uncertain(rc, err) || strstr(err->msg, "initialization is complete")) &&
	    name[0] == '\0')
		rc = 0;
	assert_string_equal(name, rc == 0 || pending == 1 ? "" : "before");
	free(name);
	sb_release(&desc);
}

static void
test_ioerr__init(void **state)
{
	static const struct fault_op op = { prepare_init, run_init, check_init };

	assert_true(sweep_both(*state, "initialize", &op) > 4);
}

/* --- license invalidate: active, or transferred with its number --- */

/* An active SEND license: the one a failed run left, or a new one made
 * with the demo secret. */
static void
prepare_invalidate(struct tfix *f, long run)
{
	unsigned char dk[LIC_DEVKEY_LEN];
	struct license_installed in;
	struct license_info li;
	struct svc_err err = { 0 };
	char key[LIC_TEXT];

	assert_int_equal(license_info(f->dev, lic_option_find("SEND"), &li, &err), 0);
	static long number = 100; /* a used number never enables again */

	(void)run;
	expected = li.status ? li.number : number++;
	if (li.status)
		return;
	assert_int_equal(
		lic_device_key(lic_demo_secret, strlen(lic_demo_secret), TFIX_SERIAL, dk, &err), 0);
	assert_int_equal(lic_key_issue(dk, TFIX_SERIAL, (unsigned)lic_option_find("SEND")->code,
				       (uint32_t)expected, key, &err),
			 0);
	if (license_install(f->dev, key, &in, &err) != 0)
		fail_msg("install: %s", err.msg);
}

static int
run_invalidate(struct tfix *f, long run, struct svc_err *err)
{
	char tr[LIC_TEXT];
	bool already;

	(void)run;
	return license_invalidate(f->dev, lic_option_find("SEND"), true, tr, &already, err);
}

static void
check_invalidate(struct tfix *f, long run, int rc, const struct svc_err *err)
{
	struct license_info li;
	struct svc_err e2 = { 0 };

	(void)run;
	assert_int_equal(license_info(f->dev, lic_option_find("SEND"), &li, &e2), 0);
	assert_int_equal(li.number, expected);
	if (uncertain(rc, err) && li.transferred)
		rc = 0;
	if (rc == 0) {
		/* Transferred, with a number to give the new device. */
		assert_string_equal(li.state, "transferred");
		assert_true(li.transferred && !li.status && strlen(li.transfer) > 20);
	} else {
		assert_string_equal(li.state, "active");
		assert_true(!li.transferred && li.status && li.transfer[0] == '\0');
	}
}

static void
test_ioerr__license_invalidate(void **state)
{
	static const struct fault_op op = { prepare_invalidate, run_invalidate, check_invalidate };

	assert_true(sweep_both(*state, "license invalidate", &op) > 4);
}

/* --- backup restore --replace: the old inbox or the backup's, whole --- */

/* Inbox 07 holds one document of 'o's; the backup (made once) one of
 * 'n's. The check reads the rows and their files. */
static void
prepare_restore(struct tfix *f, long run)
{
	struct svc_err err = { 0 };
	char old[2000], path[160];
	bool boxes[MAILBOX_INBOXES] = { 0 };

	(void)run;
	snprintf(path, sizeof path, "%s/box07.zip", f->dir);
	boxes[7] = true;
	if (access(path, F_OK) != 0) {
		char fresh[3000];

		memset(fresh, 'n', sizeof fresh);
		assert_int_equal(
			mailbox_store_document(f->dev, 7, "new", fresh, sizeof fresh, &err), 0);
		if (backup_create(f->dev, path, boxes, NULL, NULL, NULL, &err) != 0)
			fail_msg("backup: %s", err.msg);
	}
	/* Back to the old state: only the document of 'o's. */
	fault_off();
	while (query_long(f->path, "SELECT count(*) FROM mailbox_doc WHERE box = 7") > 0) {
		long no = query_long(f->path, "SELECT min(no) FROM mailbox_doc WHERE box = 7");
		assert_int_equal(mailbox_delete(f->dev, 7, NULL, (int)no, &err), 0);
	}
	memset(old, 'o', sizeof old);
	assert_int_equal(mailbox_store_document(f->dev, 7, "old", old, sizeof old, &err), 0);
	assert_int_equal(mailbox_cleanup(f->dev, &err), 0);
}

static int
run_restore(struct tfix *f, long run, struct svc_err *err)
{
	bool boxes[MAILBOX_INBOXES] = { 0 };
	char path[160];

	(void)run;
	boxes[7] = true;
	snprintf(path, sizeof path, "%s/box07.zip", f->dir);
	return backup_restore(f->dev, path, NULL, boxes, BACKUP_REPLACE, false, NULL, NULL, err);
}

static void
check_restore(struct tfix *f, long run, int rc, const struct svc_err *err)
{
	struct svc_err e2 = { 0 };
	char *name = query(f->path, "SELECT group_concat(name || ':' || size, ',') FROM "
				    "mailbox_doc WHERE box = 7");
	char *file = query(f->path, "SELECT file FROM mailbox_doc WHERE box = 7");
	char *path, out[160];

	(void)run;
	if (uncertain(rc, err) && strcmp(name, "new:3000") == 0)
		rc = 0;
	assert_string_equal(name, rc == 0 ? "new:3000" : "old:2000");
	/* The row's file is there, with the row's content. */
	path = mailbox_file_path(f->dev, file);
	assert_int_equal(access(path, R_OK), 0);
	snprintf(out, sizeof out, "%s/exported", f->dir);
	assert_int_equal(
		mailbox_export(f->dev, 7, NULL,
			       (int)query_long(f->path, "SELECT no FROM mailbox_doc WHERE box = 7"),
			       out, &e2),
		0);
	assert_int_equal(mailbox_cleanup(f->dev, &e2), 0);
	assert_int_equal(tfix_count_files(f, "device.db.d/docs"), 1);
	free(path);
	free(name);
	free(file);
}

static void
test_ioerr__backup_restore(void **state)
{
	static const struct fault_op op = { prepare_restore, run_restore, check_restore };

	assert_true(sweep_both(*state, "backup restore", &op) > 4);
}

/* A full disk is a certain failure: the restore was rolled back, so the
 * files it wrote are gone at once (not left for the next start's clean-up
 * under a message that says nothing changed). */
static void
check_restore_full(struct tfix *f, long run, int rc, const struct svc_err *err)
{
	if (rc != 0 && strstr(err->msg, "the disk is full"))
		assert_int_equal(tfix_count_files(f, "device.db.d/docs"), 1);
	check_restore(f, run, rc, err);
}

static void
test_ioerr__backup_restore_full(void **state)
{
	static const struct fault_op op = { prepare_restore, run_restore, check_restore_full };
	long runs;

	fault.full = 1;
	runs = sweep_both(*state, "backup restore, disk full", &op);
	fault.full = 0;
	assert_true(runs > 4);
}

/* --- opening a store: a clear error, never a crash or a changed file --- */

static void
test_ioerr__open(void **state)
{
	struct tfix *f = *state;
	long n;

	device_close(f->dev);
	f->dev = NULL;
	for (n = 0;; n++) {
		struct svc_err err = { 0 };
		struct device *dev = NULL;
		int rc;

		fault_arm(n, 1);
		rc = device_open(f->path, false, NULL, &dev, &err);
		if (rc == 0)
			device_close(dev);
		else
			assert_true(err.code != 0 && err.msg[0] != '\0');
		if (fault.hits == 0)
			break;
		fault_off();
		assert_intact(f->path);
	}
	fault_off();
	print_message("open: %ld runs with an I/O error\n", n + 1);
	reopen(f);
}

static int
setup(void **state)
{
	return tfix_setup(state, "ioerr", LEVEL_MANAGER);
}

/* Service Mode level 2, for the license. */
static int
setup2(void **state)
{
	return tfix_setup(state, "ioerr", LEVEL_SERVICE2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ioerr__set, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_ioerr__import, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_ioerr__store_document, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_ioerr__init, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_ioerr__license_invalidate, setup2,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_ioerr__backup_restore_full, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_ioerr__backup_restore, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_ioerr__open, setup, tfix_teardown),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	vfs_install();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
