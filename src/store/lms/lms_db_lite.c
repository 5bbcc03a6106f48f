/* The LMS database on SQLite, behind lms_db.c; see lms_db_int.h. */
#include <sqlite3.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/lms/lms_db_int.h"
#include "store/store_sql.h"
#include "util/blob.h"
#include "util/strbuf.h"

extern const struct svc_blob svc_lms_schema_files[];

struct lms_lite {
	sqlite3 *db;
	char *path;    /* as shown in messages */
	bool writing;  /* holds write_lock */
	bool conflict; /* the last failure was SQLITE_BUSY or SQLITE_LOCKED */
};

/* The server's threads queue for the write lock here rather than in
 * SQLite's busy handler, which sleeps in growing steps: under 64 clients
 * that sleeping, not the work, made the slowest answers. Other processes
 * (the command line) still meet BEGIN IMMEDIATE and the busy timeout. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

static void
write_lock_take(struct lms_lite *l)
{
	if (!l->writing) {
		pthread_mutex_lock(&write_lock);
		l->writing = true;
	}
}

static void
write_unlock(struct lms_lite *l)
{
	if (l->writing) {
		l->writing = false;
		pthread_mutex_unlock(&write_lock);
	}
}

static int
lite_fail(struct lms_lite *l, const char *what, struct svc_err *err)
{
	int rc = sqlite3_extended_errcode(l->db);

	l->conflict = (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
	return svc_errf(err, store_sqlite_ex(rc), "LMS database '%s': %s: %s", l->path, what,
			sqlite3_errmsg(l->db));
}

static const char *
lite_text(const struct lms_row *row, int col)
{
	return store_col((sqlite3_stmt *)row->res, col);
}

static int64_t
lite_num(const struct lms_row *row, int col)
{
	return sqlite3_column_int64((sqlite3_stmt *)row->res, col);
}

static int
lite_bind(sqlite3_stmt *s, const struct lms_param *p, int n)
{
	for (int i = 0; i < n; i++)
		if ((p[i].is_int ? sqlite3_bind_int64(s, i + 1, p[i].num)
				 : store_bind_text(s, i + 1, p[i].text)) != SQLITE_OK)
			return -1;
	return 0;
}

/* The one place a statement runs: prepared, bound, stepped to SQLITE_DONE,
 * each row to ST->row. A write outside a transaction (an audit row of a
 * refusal) takes the write lock for itself. */
static int
lite_run(void *conn, struct lms_stmt *st, struct svc_err *err)
{
	struct lms_lite *l = conn;
	struct lms_row row = { lite_text, lite_num, NULL, 0 };
	sqlite3_stmt *s = NULL;
	bool alone = false;
	int rc, n = 0;

	l->conflict = false;
	st->changed = 0;
	if (sqlite3_prepare_v2(l->db, st->sql, -1, &s, NULL) != SQLITE_OK)
		return lite_fail(l, st->what, err);
	if (lite_bind(s, st->p, st->n) != 0) {
		n = lite_fail(l, st->what, err);
		goto out;
	}
	if (!l->writing && !sqlite3_stmt_readonly(s)) {
		write_lock_take(l);
		alone = true;
	}
	row.res = s;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row.i = n++;
		if (st->row && st->row(st->ctx, &row) != 0) {
			n = -1;
			goto out;
		}
	}
	if (rc != SQLITE_DONE)
		n = lite_fail(l, st->what, err);
	else
		st->changed = sqlite3_changes(l->db);
out:
	sqlite3_finalize(s);
	if (alone)
		write_unlock(l);
	return n;
}

static int
exec(struct lms_lite *l, const char *sql, struct svc_err *err)
{
	l->conflict = false;
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return lite_fail(l, "exec", err);
	return 0;
}

static int
read_int(void *ctx, const struct lms_row *row)
{
	*(int *)ctx = (int)row->num(row, 0);
	return 0;
}

static int
pragma_int(struct lms_lite *l, const char *sql, int *out, struct svc_err *err)
{
	struct lms_stmt st = { .sql = sql, .what = "read header", .row = read_int, .ctx = out };
	int n;

	*out = 0;
	n = lite_run(l, &st, err);
	if (n == 0)
		return svc_errf(err, EX_SOFTWARE, "LMS database '%s': %s: no answer", l->path, sql);
	return n < 0 ? -1 : 0;
}

static int
lite_begin(void *conn, struct svc_err *err)
{
	struct lms_lite *l = conn;

	write_lock_take(l);
	if (exec(l, "BEGIN IMMEDIATE", err) == 0)
		return 0;
	write_unlock(l);
	return -1;
}

static int
lite_commit(void *conn, struct svc_err *err)
{
	struct lms_lite *l = conn;

	if (exec(l, "COMMIT", err) != 0)
		return -1; /* still open: the caller rolls back */
	write_unlock(l);
	return 0;
}

static void
lite_rollback(void *conn)
{
	struct lms_lite *l = conn;

	if (sqlite3_get_autocommit(l->db) == 0)
		sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	write_unlock(l);
}

static bool
lite_conflict(const void *conn)
{
	return ((const struct lms_lite *)conn)->conflict;
}

static void
lite_close(void *conn)
{
	struct lms_lite *l = conn;

	if (l == NULL)
		return;
	write_unlock(l);
	sqlite3_close(l->db);
	free(l->path);
	free(l);
}

const struct lms_backend lms_lite_backend = {
	lite_run, lite_begin, lite_commit, lite_rollback, lite_conflict, lite_close,
};

/* Brings the file to the latest schema: the files after its version, in
 * one transaction; the version read again under the write lock, since
 * another process may have migrated it meanwhile. */
static int
migrate(struct lms_lite *l, struct svc_err *err)
{
	int app = 0, version = 0, n = 0;

	if (pragma_int(l, "PRAGMA application_id", &app, err) != 0 ||
	    pragma_int(l, "PRAGMA user_version", &version, err) != 0)
		return -1;
	if ((app != 0 || version != 0) && (app != LMS_APP_ID || version > lms_schema_latest()))
		return svc_errf(err, EX_DATAERR,
				"'%s' is not an svcmode-lms database (or a newer one)", l->path);
	if (version == lms_schema_latest())
		return 0;
	if (lite_begin(l, err) != 0)
		return -1;
	if (pragma_int(l, "PRAGMA user_version", &version, err) != 0)
		goto fail;
	for (const struct svc_blob *b = svc_lms_schema_files; b->name; b++)
		if (++n > version && exec(l, b->data, err) != 0)
			goto fail;
	if (lite_commit(l, err) == 0)
		return 0;
fail:
	lite_rollback(l);
	return -1;
}

int
lms_lite_open(const char *path, bool schema, void **out, struct svc_err *err)
{
	struct lms_lite *l = xcalloc(1, sizeof *l);
	int fd;

	*out = NULL;
	l->path = xstrdup(schema ? path : ":memory:");
	/* Created 0600 before SQLite opens it: it says who holds which license.
	 * Only when missing: closing any descriptor of the file drops every
	 * POSIX lock this process holds on it, the server's other connections'
	 * too, and another process would then delete the live WAL. */
	if (schema && access(path, F_OK) != 0) {
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd < 0) {
			svc_errf(err, EX_CANTCREAT, "cannot open LMS database '%s'", path);
			goto fail;
		}
		close(fd);
	}
	if (sqlite3_open_v2(l->path, &l->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		lite_fail(l, "open", err);
		goto fail;
	}
	if (schema) {
		sqlite3_busy_timeout(l->db, 5000);
		if (exec(l, "PRAGMA foreign_keys = ON", err) != 0 || migrate(l, err) != 0 ||
		    exec(l, "PRAGMA journal_mode = WAL", err) != 0)
			goto fail;
	}
	*out = l;
	return 0;
fail:
	lite_close(l);
	return -1;
}
