/* The license server's database: licenses, transfers, and the service's
 * accounts, sessions, License Access Numbers and audit; see lms_db.h. */
#include "lms/lms_db.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lms/lms_db_pg.h"
#include "store/store_sql.h"
#include "util/blob.h"
#include "util/strbuf.h"

/* The files of schema/lms, compiled in (cmake/Embed.cmake). */
extern const struct svc_blob svc_lms_schema_files[];

struct lms_db {
	sqlite3 *db;       /* the file; on PostgreSQL, an in-memory one for JSON */
	struct lms_pg *pg; /* PostgreSQL: every call goes there */
	char *path;        /* as shown in messages: without a password */
	bool writing;      /* holds write_lock */
};

/* The server's threads queue for the write lock here rather than in
 * SQLite's busy handler, which sleeps in growing steps: under 64 clients
 * that sleeping, not the work, made the slowest answers. Other processes
 * (the command line) still meet BEGIN IMMEDIATE and the busy timeout. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static void
write_unlock(struct lms_db *db)
{
	if (db->writing) {
		db->writing = false;
		pthread_mutex_unlock(&write_lock);
	}
}

#define LMS_APP_ID 0x4c4d5331 /* "LMS1" */
#define LMS_NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
#include "lms/lms_db_sql.h"

static int
lmsdb_fail(struct lms_db *db, const char *what, struct svc_err *err)
{
	return svc_errf(err, store_sqlite_ex(sqlite3_extended_errcode(db->db)),
			"LMS database '%s': %s: %s", db->path, what, sqlite3_errmsg(db->db));
}

static sqlite3_stmt *
lmsdb_prep(struct lms_db *db, const char *sql, struct svc_err *err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(db->db, sql, -1, &s, NULL) != SQLITE_OK) {
		lmsdb_fail(db, "prepare", err);
		return NULL;
	}
	return s;
}

static int
lmsdb_done(struct lms_db *db, sqlite3_stmt *s, const char *what, struct svc_err *err)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, what, err);
}

static int
exec(struct lms_db *db, const char *sql, struct svc_err *err)
{
	if (sqlite3_exec(db->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return lmsdb_fail(db, "exec", err);
	return 0;
}

static int
pragma_int(struct lms_db *db, const char *sql, int *out, struct svc_err *err)
{
	sqlite3_stmt *s = lmsdb_prep(db, sql, err);
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	*out = rc == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : lmsdb_fail(db, "read header", err);
}

/* The schema files after VERSION, in order, in the caller's transaction:
 * file N (001_, 002_...) brings the file to version N. */
static int
schema_migrate(struct lms_db *db, int version, struct svc_err *err)
{
	int n = 0;

	for (const struct svc_blob *b = svc_lms_schema_files; b->name; b++)
		if (++n > version && exec(db, b->data, err) != 0)
			return -1;
	return 0;
}

static int
schema_latest(void)
{
	int n = 0;

	for (const struct svc_blob *b = svc_lms_schema_files; b->name; b++)
		n++;
	return n;
}

/* A PostgreSQL database by its URI. SQLite stays, in memory, for the
 * JSON of requests (lms_db_json_get): one parser for both backends. */
static int
open_pg(const char *uri, struct lms_db **out, struct svc_err *err)
{
	struct lms_db *db = xcalloc(1, sizeof *db);

	db->path = lms_pg_masked(uri);
	if (lms_pg_open(uri, &db->pg, err) != 0) {
		lms_db_close(db);
		return -1;
	}
	if (sqlite3_open_v2(":memory:", &db->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		lmsdb_fail(db, "open", err);
		lms_db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

int
lms_db_open(const char *path, struct lms_db **out, struct svc_err *err)
{
	struct lms_db *db;
	int app = 0, version = 0, fd;

	*out = NULL;
	if (lms_pg_is_uri(path))
		return open_pg(path, out, err);
	db = xcalloc(1, sizeof *db);
	db->path = xstrdup(path);
	/* Created 0600 before SQLite opens it: it says who holds which license.
	 * Only when missing: closing any descriptor of the file drops every
	 * POSIX lock this process holds on it, the server's other connections'
	 * too, and another process would then delete the live WAL. */
	if (access(path, F_OK) != 0) {
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			svc_errf(err, EX_CANTCREAT, "cannot open LMS database '%s'", path);
			goto fail;
		}
		close(fd);
	}
	if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		lmsdb_fail(db, "open", err);
		goto fail;
	}
	sqlite3_busy_timeout(db->db, 5000);
	if (exec(db, "PRAGMA foreign_keys = ON", err) != 0 ||
	    pragma_int(db, "PRAGMA application_id", &app, err) != 0 ||
	    pragma_int(db, "PRAGMA user_version", &version, err) != 0)
		goto fail;
	if ((app != 0 || version != 0) && (app != LMS_APP_ID || version > schema_latest())) {
		svc_errf(err, EX_DATAERR, "'%s' is not an svcmode-lms database (or a newer one)",
			 path);
		goto fail;
	}
	if (version < schema_latest()) {
		/* Read again under the write lock: another process may have
		 * migrated it meanwhile. */
		if (lms_db_begin(db, err) != 0)
			goto fail;
		if (pragma_int(db, "PRAGMA user_version", &version, err) != 0 ||
		    schema_migrate(db, version, err) != 0 || lms_db_commit(db, err) != 0) {
			lms_db_rollback(db);
			goto fail;
		}
	}
	if (exec(db, "PRAGMA journal_mode = WAL", err) != 0)
		goto fail;
	*out = db;
	return 0;
fail:
	lms_db_close(db);
	return -1;
}

void
lms_db_close(struct lms_db *db)
{
	if (db == NULL)
		return;
	write_unlock(db);
	lms_pg_close(db->pg);
	sqlite3_close(db->db);
	free(db->path);
	free(db);
}

int
lms_db_begin(struct lms_db *db, struct svc_err *err)
{
	if (db->pg) /* no lock: SERIALIZABLE, and lms_db_conflict() */
		return lms_pg_begin(db->pg, err);
	if (!db->writing) {
		pthread_mutex_lock(&write_lock);
		db->writing = true;
	}
	if (exec(db, "BEGIN IMMEDIATE", err) == 0)
		return 0;
	write_unlock(db);
	return -1;
}

int
lms_db_commit(struct lms_db *db, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_commit(db->pg, err);
	if (exec(db, "COMMIT", err) != 0)
		return -1; /* still open: the caller rolls back */
	write_unlock(db);
	return 0;
}

void
lms_db_rollback(struct lms_db *db)
{
	if (db->pg) {
		lms_pg_rollback(db->pg);
		return;
	}
	if (sqlite3_get_autocommit(db->db) == 0)
		sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
	write_unlock(db);
}

/* From here on, each call goes first to its twin in lms_db_pg.c when the
 * database is PostgreSQL; the rest of each is SQLite's. */

bool
lms_db_conflict(const struct lms_db *db)
{
	return db->pg && lms_pg_conflict(db->pg);
}

static void
read_license(sqlite3_stmt *s, struct lms_license *l)
{
	memset(l, 0, sizeof *l);
	l->number = sqlite3_column_int64(s, 0);
	strlcpy_(l->serial, store_col(s, 1), sizeof l->serial);
	strlcpy_(l->option, store_col(s, 2), sizeof l->option);
	strlcpy_(l->state, store_col(s, 3), sizeof l->state);
	strlcpy_(l->issued, store_col(s, 4), sizeof l->issued);
}

static void
read_transfer(sqlite3_stmt *s, struct lms_transfer *t)
{
	memset(t, 0, sizeof *t);
	strlcpy_(t->number, store_col(s, 0), sizeof t->number);
	strlcpy_(t->from, store_col(s, 1), sizeof t->from);
	strlcpy_(t->to, store_col(s, 2), sizeof t->to);
	strlcpy_(t->option, store_col(s, 3), sizeof t->option);
	t->counter = sqlite3_column_int64(s, 4);
	t->license = sqlite3_column_int64(s, 5);
	t->new_license = sqlite3_column_int64(s, 6);
	strlcpy_(t->at, store_col(s, 7), sizeof t->at);
}

int
lms_db_live(struct lms_db *db, const char *serial, const char *option, struct lms_license *out,
	    struct svc_err *err)
{
	if (db->pg)
		return lms_pg_live(db->pg, serial, option, out, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_LIVE, err);
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, option, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_license(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, "read license", err);
}

int
lms_db_licenses(struct lms_db *db, const char *serial, const char *option, lms_license_fn fn,
		void *arg, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_licenses(db->pg, serial, option, fn, arg, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_LICENSES, err);
	struct lms_license l;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, option, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_license(s, &l);
		if (fn(arg, &l) != 0) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, "read licenses", err);
}

int
lms_db_license_add(struct lms_db *db, const char *serial, const char *option, int64_t *number,
		   struct svc_err *err)
{
	if (db->pg)
		return lms_pg_license_add(db->pg, serial, option, number, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_LICENSE_ADD, err);
	int rc, done;

	*number = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, serial, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, option, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*number = sqlite3_column_int64(s, 0);
	done = rc == SQLITE_ROW ? sqlite3_step(s) : rc;
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW && done == SQLITE_DONE)
		return 0;
	*number = 0;
	return lmsdb_fail(db, "add license", err);
}

int
lms_db_license_end(struct lms_db *db, int64_t number, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_license_end(db->pg, number, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_LICENSE_END, err);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, number);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return lmsdb_fail(db, "end license", err);
	if (sqlite3_changes(db->db) != 1)
		return svc_errf(err, EX_DATAERR, "license %06lld is not live", (long long)number);
	return 0;
}

int
lms_db_transfer_get(struct lms_db *db, const char *number, struct lms_transfer *out,
		    struct svc_err *err)
{
	if (db->pg)
		return lms_pg_transfer_get(db->pg, number, out, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_TRANSFER_GET, err);
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, number, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		read_transfer(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, "read transfer", err);
}

int
lms_db_transfer_add(struct lms_db *db, const struct lms_transfer *t, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_transfer_add(db->pg, t, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_TRANSFER_ADD, err);
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, t->number, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, t->from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, t->to, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, t->option, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, t->counter);
	sqlite3_bind_int64(s, 6, t->license);
	sqlite3_bind_int64(s, 7, t->new_license);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, "record transfer", err);
}

int
lms_db_transfers(struct lms_db *db, lms_transfer_fn fn, void *arg, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_transfers(db->pg, fn, arg, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_TRANSFERS, err);
	struct lms_transfer t;
	int rc;

	if (s == NULL)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_transfer(s, &t);
		if (fn(arg, &t) != 0) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, "read transfers", err);
}

/* --- the network service's tables (schema/lms/002_service.sql) ---------- */

static const char SQL_JSON[] = "SELECT json_type(?1), json_type(?1, ?2), ?1 ->> ?2";

int
lms_db_json_get(struct lms_db *db, const char *body, const char *path, char **out, char type[16],
		struct svc_err *err)
{
	sqlite3_stmt *s = lmsdb_prep(db, SQL_JSON, err);
	int rc, found = 0;

	*out = NULL;
	type[0] = '\0';
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && strcmp(store_col(s, 0), "object") == 0) {
		found = sqlite3_column_type(s, 1) != SQLITE_NULL;
		strlcpy_(type, store_col(s, 1), 16);
		if (found)
			*out = xstrdup(store_col(s, 2));
		sqlite3_finalize(s);
		return found;
	}
	sqlite3_finalize(s);
	/* json_type() fails on malformed JSON: that is the client's error. */
	return svc_errf(err, EX_DATAERR, "the request body is not a JSON object");
}

static void
read_account(sqlite3_stmt *s, struct lms_account *a)
{
	strlcpy_(a->name, store_col(s, 0), sizeof a->name);
	strlcpy_(a->role, store_col(s, 1), sizeof a->role);
	strlcpy_(a->password, store_col(s, 2), sizeof a->password);
}

/* Runs S (bound) for at most one row: 1 and READ's result, 0, or -1. */
static int
one_account(struct lms_db *db, sqlite3_stmt *s, struct lms_account *out, struct svc_err *err)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		read_account(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, "read account", err);
}

int
lms_db_account_get(struct lms_db *db, const char *name, struct lms_account *out,
		   struct svc_err *err)
{
	if (db->pg)
		return lms_pg_account_get(db->pg, name, out, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_ACCOUNT_GET, err);

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return one_account(db, s, out, err);
}

int
lms_db_account_add(struct lms_db *db, const struct lms_account *a, int64_t now, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_account_add(db->pg, a, now, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_ACCOUNT_ADD, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, a->role, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->password, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, now);
	if (lmsdb_done(db, s, "add account", err) != 0)
		return -1;
	if (sqlite3_changes(db->db) != 1)
		return svc_errf(err, EX_DATAERR, "account '%s' exists already", a->name);
	return 0;
}

int
lms_db_session_add(struct lms_db *db, const char *token_hash, const char *account, int64_t expires,
		   struct svc_err *err)
{
	if (db->pg)
		return lms_pg_session_add(db->pg, token_hash, account, expires, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_SESSION_PURGE, err);

	/* Expired sessions go as new ones come: the table stays small. */
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, expires - 7 * 86400);
	if (lmsdb_done(db, s, "purge sessions", err) != 0)
		return -1;
	s = lmsdb_prep(db, SQL_SESSION_ADD, err);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, expires);
	return lmsdb_done(db, s, "add session", err);
}

int
lms_db_session_get(struct lms_db *db, const char *token_hash, int64_t now, struct lms_account *out,
		   struct svc_err *err)
{
	if (db->pg)
		return lms_pg_session_get(db->pg, token_hash, now, out, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_SESSION_GET, err);

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, token_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	return one_account(db, s, out, err);
}

int
lms_db_lan_add(struct lms_db *db, const char *hash, const struct lms_lan *lan, const char *creator,
	       struct svc_err *err)
{
	if (db->pg)
		return lms_pg_lan_add(db->pg, hash, lan, creator, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_LAN_ADD, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, lan->hint, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, lan->option, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, lan->created);
	sqlite3_bind_text(s, 5, creator, -1, SQLITE_STATIC);
	return lmsdb_done(db, s, "add license access number", err);
}

int
lms_db_lan_get(struct lms_db *db, const char *hash, struct lms_lan *out, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_lan_get(db->pg, hash, out, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_LAN_GET, err);
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		strlcpy_(out->hint, store_col(s, 0), sizeof out->hint);
		strlcpy_(out->option, store_col(s, 1), sizeof out->option);
		strlcpy_(out->serial, store_col(s, 2), sizeof out->serial);
		out->license = sqlite3_column_int64(s, 3);
		out->created = sqlite3_column_int64(s, 4);
		out->redeemed = sqlite3_column_int64(s, 5);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, "read license access number", err);
}

int
lms_db_lan_redeem(struct lms_db *db, const char *hash, const char *serial, int64_t license,
		  int64_t now, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_lan_redeem(db->pg, hash, serial, license, now, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_LAN_REDEEM, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, serial, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, license);
	sqlite3_bind_int64(s, 4, now);
	if (lmsdb_done(db, s, "redeem license access number", err) != 0)
		return -1;
	if (sqlite3_changes(db->db) != 1)
		return svc_errf(err, EX_DATAERR, "license access number was redeemed already");
	return 0;
}

static int audit_insert(struct lms_db *db, const struct lms_audit *a, struct svc_err *err);

int
lms_db_audit_add(struct lms_db *db, const struct lms_audit *a, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_audit_add(db->pg, a, err);
	bool alone = !db->writing; /* not inside a transaction: a write of its own */
	int rc;

	if (alone) {
		pthread_mutex_lock(&write_lock);
		db->writing = true;
	}
	rc = audit_insert(db, a, err);
	if (alone)
		write_unlock(db);
	return rc;
}

static int
audit_insert(struct lms_db *db, const struct lms_audit *a, struct svc_err *err)
{
	sqlite3_stmt *s = lmsdb_prep(db, SQL_AUDIT_ADD, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, a->at);
	sqlite3_bind_text(s, 2, a->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, a->address, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, a->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, a->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, a->result, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 7, a->detail, -1, SQLITE_STATIC);
	return lmsdb_done(db, s, "write audit", err);
}

int
lms_db_audit_failures(struct lms_db *db, const char *action, const char *account,
		      const char *address, int64_t since, int64_t *n, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_audit_failures(db->pg, action, account, address, since, n, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_AUDIT_FAILURES, err);
	int rc;

	*n = 0;
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, action, -1, SQLITE_STATIC);
	store_bind_text(s, 2, account);
	store_bind_text(s, 3, address);
	sqlite3_bind_int64(s, 4, since);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0 : lmsdb_fail(db, "count failures", err);
}

static void
read_audit(sqlite3_stmt *s, struct lms_audit *a)
{
	memset(a, 0, sizeof *a);
	a->id = sqlite3_column_int64(s, 0);
	a->at = sqlite3_column_int64(s, 1);
	strlcpy_(a->account, store_col(s, 2), sizeof a->account);
	strlcpy_(a->address, store_col(s, 3), sizeof a->address);
	strlcpy_(a->action, store_col(s, 4), sizeof a->action);
	strlcpy_(a->subject, store_col(s, 5), sizeof a->subject);
	strlcpy_(a->result, store_col(s, 6), sizeof a->result);
	strlcpy_(a->detail, store_col(s, 7), sizeof a->detail);
}

int
lms_db_audit(struct lms_db *db, int64_t limit, lms_audit_fn fn, void *arg, struct svc_err *err)
{
	if (db->pg)
		return lms_pg_audit(db->pg, limit, fn, arg, err);
	sqlite3_stmt *s = lmsdb_prep(db, SQL_AUDIT, err);
	struct lms_audit a;
	int rc;

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_audit(s, &a);
		if (fn(arg, &a) != 0) {
			sqlite3_finalize(s);
			return -1;
		}
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : lmsdb_fail(db, "read audit", err);
}
