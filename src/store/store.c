#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/blob.h"
#include "util/fsutil.h"

/* "SVC1": marks an SQLite file as an svcmode device store. */
#define STORE_APPLICATION_ID 0x53564331
#define STORE_BUSY_MS 10000

extern const struct svc_blob svc_schema_files[];

static const char SQL_IDENTITY_GET[] =
	"SELECT model, serial, mac, secret, created FROM device WHERE id = 1";
static const char SQL_IDENTITY_ADD[] =
	"INSERT INTO device (id, model, serial, mac, secret, created)"
	" VALUES (1, ?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
static const char SQL_SETTING_GET[] = "SELECT value FROM setting WHERE key = ?1";
static const char SQL_SETTING_PUT[] = "INSERT INTO setting (key, value) VALUES (?1, ?2)"
				      " ON CONFLICT (key) DO UPDATE SET value = excluded.value";
static const char SQL_SETTING_DEL[] = "DELETE FROM setting WHERE key = ?1";
static const char SQL_SETTING_ALL[] = "SELECT key, value FROM setting ORDER BY key";
static const char SQL_JSON_EACH[] =
	"SELECT key, type, CASE WHEN type IN ('object', 'array') THEN json(value)"
	" ELSE value END FROM json_each(?1, ?2)";
static const char SQL_JSON_VALID[] = "SELECT json_valid(?1)";
static const char SQL_DATA_VERSION[] = "PRAGMA data_version";
static const char SQL_SIZE[] =
	"SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()";

/* --- helpers shared with store_*.c --------------------------------------- */

int
store_sqlite_ex(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return EX_TEMPFAIL;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
	case SQLITE_CONSTRAINT: return EX_DATAERR;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN: return EX_IOERR;
	default: return EX_SOFTWARE;
	}
}

int
store_fail(struct store *st, const char *what, struct svc_err *err)
{
	int rc = sqlite3_extended_errcode(st->db);
	int code = store_sqlite_ex(rc);

	if ((rc & 0xff) == SQLITE_FULL || sqlite3_system_errno(st->db) == ENOSPC)
		return svc_errf(err, EX_IOERR,
				"the disk is full: cannot write the device store '%s' (%s); "
				"nothing was changed",
				st->path, what);
	if (code == EX_IOERR)
		return svc_errf(err, code, "cannot %s the device store '%s': %s (%s)",
				rc == SQLITE_IOERR_READ ? "read" : "write", st->path,
				sqlite3_errmsg(st->db), what);
	return svc_errf(err, code, "store: %s: %s", what, sqlite3_errmsg(st->db));
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql, struct svc_err *err)
{
	sqlite3_stmt *s = NULL;

	for (int i = 0; i < st->nstmts; i++) {
		if (st->stmts[i].sql == sql) {
			s = st->stmts[i].stmt;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return s;
		}
	}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
		store_fail(st, "prepare", err);
		return NULL;
	}
	if (st->nstmts < STORE_MAX_STMTS) {
		st->stmts[st->nstmts].sql = sql;
		st->stmts[st->nstmts].stmt = s;
		st->nstmts++;
	} else {
		/* Cache full: a programming error, but keep working by leaking
		 * nothing: the statement is finalized at close via the list. */
		sqlite3_finalize(s);
		svc_errf(err, EX_SOFTWARE, "store: statement cache full");
		return NULL;
	}
	return s;
}

int
store_exec_stmt(struct store *st, sqlite3_stmt *s, const char *what, struct svc_err *err)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, what, err);
	return 0;
}

int
store_each_row(struct store *st, sqlite3_stmt *s, store_row_fn row, void *arg, const char *what,
	       struct svc_err *err)
{
	int rc, stop = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if ((stop = row(arg, s)) != 0)
			break;
	sqlite3_reset(s);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? 0 : store_fail(st, what, err);
}

int
store_row_named_count(void *arg, sqlite3_stmt *s)
{
	const struct store_named_count *c = arg;

	return c->fn(c->arg, store_col(s, 0), sqlite3_column_int64(s, 1)) != 0;
}

int
store_exec(struct store *st, const char *sql, struct svc_err *err)
{
	char *msg = NULL, verb[24];

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		/* The statement's start says what failed ("COMMIT",
		 * "PRAGMA journal_mode"). */
		size_t n = strcspn(sql, ";=(");

		while (n > 0 && sql[n - 1] == ' ')
			n--;
		snprintf(verb, sizeof verb, "%.*s", (int)n, sql);
		store_fail(st, verb, err);
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

const char *
store_col(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

void
store_note_change(struct store *st, const char *key)
{
	for (int i = 0; i < st->npending; i++)
		if (strcmp(st->pending[i], key) == 0)
			return;
	if (st->npending == STORE_MAX_PENDING) {
		st->pending_overflow = true;
		return;
	}
	st->pending[st->npending++] = xstrdup(key);
}

static void
pending_clear(struct store *st)
{
	for (int i = 0; i < st->npending; i++)
		free(st->pending[i]);
	st->npending = 0;
	st->pending_overflow = false;
}

/* --- opening, creating, migrating ----------------------------------------- */

int
store_schema_latest(void)
{
	int latest = 0;

	for (const struct svc_blob *b = svc_schema_files; b->name; b++)
		latest = (int)strtol(b->name, NULL, 10);
	return latest;
}

static int
pragma_int(struct store *st, const char *sql, int *out, struct svc_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "read header", err);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, "read header", err);
	return 0;
}

/* PRAGMA quick_check: "ok", or the first problem found. */
static int
quick_check(struct store *st, struct svc_err *err)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(1)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "integrity check", err);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW && strcmp(store_col(s, 0), "ok") != 0) {
		svc_errf(err, EX_DATAERR, "'%s' is damaged: %s; it was not modified", st->path,
			 store_col(s, 0));
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return svc_errf(err, EX_DATAERR, "'%s' is damaged: %s; it was not modified",
				st->path, sqlite3_errmsg(st->db));
	return 0;
}

static int
migrate(struct store *st, struct svc_err *err)
{
	struct strbuf sql = STRBUF_INIT;
	int from = st->version, rc = 0;

	if (from >= store_schema_latest())
		return 0;
	if (store_begin(st, err) != 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (pragma_int(st, "PRAGMA user_version", &from, err) != 0)
		goto fail;
	for (const struct svc_blob *b = svc_schema_files; b->name; b++) {
		int n = (int)strtol(b->name, NULL, 10);
		if (n <= from)
			continue;
		if (store_exec(st, b->data, err) != 0) {
			svc_errf(err, err ? err->code : EX_SOFTWARE, "migration %s failed: %s",
				 b->name, err ? err->msg : "");
			goto fail;
		}
		sb_reset(&sql);
		sb_addf(&sql, "PRAGMA user_version = %d", n);
		if (store_exec(st, sql.buf, err) != 0)
			goto fail;
		st->version = n;
	}
	rc = store_commit(st, err);
	sb_release(&sql);
	return rc;
fail:
	store_rollback(st);
	sb_release(&sql);
	return -1;
}

/* *WAL: the header's read and write versions say WAL (2, 2), so that
 * "PRAGMA journal_mode = WAL" would change nothing: a statement fewer on
 * every open. */
static int
looks_like_sqlite(const char *path, bool *wal, struct svc_err *err)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char head[20];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return svc_errf(err, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
				"cannot open device store '%s': %s", path, strerror(errno));
	n = read(fd, head, sizeof head);
	close(fd);
	*wal = n == (ssize_t)sizeof head && head[18] == 2 && head[19] == 2;
	if (n < (ssize_t)sizeof magic || memcmp(head, magic, sizeof magic) != 0)
		return svc_errf(err, EX_DATAERR,
				"'%s' is not an svcmode device store (not an SQLite database); "
				"it was not modified",
				path);
	return 0;
}

static int
configure(struct store *st, struct svc_err *err)
{
	sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(st->db, 1);
	return store_exec(st,
			  "PRAGMA foreign_keys = ON;"
			  "PRAGMA secure_delete = ON;"
			  "PRAGMA synchronous = FULL;",
			  err);
}

static int
check_header(struct store *st, struct svc_err *err)
{
	int appid = 0;

	if (pragma_int(st, "PRAGMA application_id", &appid, err) != 0) {
		svc_errf(err, EX_DATAERR, "'%s' is damaged or not an svcmode device store: %s",
			 st->path, err ? err->msg : "");
		return -1;
	}
	if (appid != STORE_APPLICATION_ID)
		return svc_errf(err, EX_DATAERR,
				"'%s' is an SQLite database but not an svcmode device store; "
				"it was not modified",
				st->path);
	if (pragma_int(st, "PRAGMA user_version", &st->version, err) != 0)
		return -1;
	if (st->version > store_schema_latest())
		return svc_errf(err, EX_DATAERR,
				"'%s' was written by a newer svcmode (schema %d; this one knows "
				"up to %d); it was not modified: upgrade svcmode",
				st->path, st->version, store_schema_latest());
	return quick_check(st, err);
}

/* SQLite would only say "unable to open database file" later on. */
static int
check_writable(const char *path, struct svc_err *err)
{
	char *dir = fs_dirname(path);
	int rc = 0;

	if (access(path, W_OK) != 0 || access(dir, W_OK) != 0)
		rc = svc_errf(err, EX_IOERR,
			      "device store '%s' is not writable (%s); nothing was changed", path,
			      strerror(errno));
	free(dir);
	return rc;
}

int
store_open(const char *path, struct store **out, struct svc_err *err)
{
	struct store *st;
	bool wal = false;

	*out = NULL;
	if (looks_like_sqlite(path, &wal, err) != 0 || check_writable(path, err) != 0)
		return -1;
	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		svc_errf(err, EX_IOERR, "cannot open device store '%s': %s", path,
			 st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto fail;
	}
	/* Everything up to here only reads: a foreign or damaged file is
	 * refused before any statement that could write to it. */
	if (configure(st, err) != 0 || check_header(st, err) != 0)
		goto fail;
	if ((!wal && store_exec(st, "PRAGMA journal_mode = WAL", err) != 0) ||
	    migrate(st, err) != 0)
		goto fail;
	*out = st;
	return 0;
fail:
	store_close(st);
	return -1;
}

static int
build_new(const char *tmp, const struct store_identity *id, struct svc_err *err)
{
	struct store st = { 0 };
	sqlite3_stmt *s;
	int rc = -1;

	st.path = (char *)tmp;
	if (sqlite3_open_v2(tmp, &st.db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		svc_errf(err, EX_CANTCREAT, "cannot create device store '%s': %s", tmp,
			 st.db ? sqlite3_errmsg(st.db) : "out of memory");
		goto out;
	}
	if (configure(&st, err) != 0 ||
	    store_exec(&st, "PRAGMA application_id = 1398162225", err) != 0 ||
	    migrate(&st, err) != 0)
		goto out;
	if ((s = store_stmt(&st, SQL_IDENTITY_ADD, err)) == NULL)
		goto out;
	store_bind_text(s, 1, id->model);
	store_bind_text(s, 2, id->serial);
	store_bind_text(s, 3, id->mac);
	sqlite3_bind_blob(s, 4, id->secret, sizeof id->secret, SQLITE_STATIC);
	if (store_exec_stmt(&st, s, "write identity", err) != 0)
		goto out;
	rc = store_exec(&st, "PRAGMA journal_mode = WAL", err);
out:
	for (int i = 0; i < st.nstmts; i++)
		sqlite3_finalize(st.stmts[i].stmt);
	if (st.db && sqlite3_close(st.db) != SQLITE_OK && rc == 0)
		rc = svc_errf(err, EX_IOERR, "cannot close '%s'", tmp);
	return rc;
}

int
store_create(const char *path, const struct store_identity *id, struct svc_err *err)
{
	struct strbuf tmp = STRBUF_INIT;
	char *dir = fs_dirname(path);
	int fd, rc = -1;

	_Static_assert(STORE_APPLICATION_ID == 1398162225, "application id literal");
	if (access(path, F_OK) == 0) {
		svc_errf(err, EX_CANTCREAT, "a device store already exists at '%s'", path);
		goto out;
	}
	if (fs_mkdirs(dir, 0700, err) != 0)
		goto out;
	sb_addf(&tmp, "%s.new-XXXXXX", path);
	if ((fd = mkstemp(tmp.buf)) < 0) {
		svc_errf(err, EX_CANTCREAT, "cannot create device store '%s': %s", path,
			 strerror(errno));
		goto out;
	}
	close(fd);
	if (build_new(tmp.buf, id, err) != 0)
		goto fail;
	fd = open(tmp.buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		svc_errf(err, EX_IOERR, "cannot sync '%s': %s", tmp.buf, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto fail;
	}
	close(fd);
	/* link() refuses to replace a store that appeared meanwhile. */
	if (link(tmp.buf, path) != 0) {
		svc_errf(err, EX_CANTCREAT, "cannot create device store '%s': %s", path,
			 strerror(errno));
		goto fail;
	}
	unlink(tmp.buf);
	rc = fs_sync_dir(path, err);
	goto out;
fail:
	unlink(tmp.buf);
out:
	sb_release(&tmp);
	free(dir);
	return rc;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->depth > 0)
		store_rollback(st);
	for (int i = 0; i < st->nstmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	sqlite3_close(st->db);
	pending_clear(st);
	free(st->path);
	free(st);
}

const char *
store_path(const struct store *st)
{
	return st->path;
}

int
store_schema_version(const struct store *st)
{
	return st->version;
}

const char *
store_sqlite_version(void)
{
	return sqlite3_libversion();
}

/* --- transactions and change notification -------------------------------- */

int
store_begin(struct store *st, struct svc_err *err)
{
	if (st->depth++ > 0)
		return 0;
	if (store_exec(st, "BEGIN IMMEDIATE", err) != 0) {
		st->depth = 0;
		return -1;
	}
	return 0;
}

int
store_commit(struct store *st, struct svc_err *err)
{
	if (st->depth == 0)
		return svc_errf(err, EX_SOFTWARE, "store: commit without a transaction");
	if (--st->depth > 0)
		return 0;
	if (store_exec(st, "COMMIT", err) != 0) {
		int rc = sqlite3_extended_errcode(st->db);

		store_exec(st, "ROLLBACK", NULL);
		pending_clear(st);
		/* The change was written but the disk did not confirm it: like a
		 * power loss at this moment, it may be there or not (never half). */
		if (rc == SQLITE_IOERR_FSYNC || rc == SQLITE_IOERR_DIR_FSYNC) {
			svc_errf(err, EX_IOERR,
				 "the disk did not confirm writing to the device store '%s' (%s); "
				 "the change is either complete or absent: check it before "
				 "repeating it",
				 st->path, sqlite3_errstr(rc));
			return -2;
		}
		return -1;
	}
	for (int i = 0; i < st->npending; i++)
		for (int w = 0; w < st->nwatch; w++)
			st->watch[w].fn(st->watch[w].arg, st->pending[i]);
	if (st->pending_overflow)
		for (int w = 0; w < st->nwatch; w++)
			st->watch[w].fn(st->watch[w].arg, "*");
	pending_clear(st);
	return 0;
}

void
store_rollback(struct store *st)
{
	if (st->depth == 0)
		return;
	st->depth = 0;
	if (sqlite3_get_autocommit(st->db) == 0)
		store_exec(st, "ROLLBACK", NULL);
	pending_clear(st);
}

void
store_watch(struct store *st, store_watch_fn fn, void *arg)
{
	if (st->nwatch < STORE_MAX_WATCH) {
		st->watch[st->nwatch].fn = fn;
		st->watch[st->nwatch].arg = arg;
		st->nwatch++;
	}
}

static int64_t
single_int(struct store *st, const char *sql)
{
	sqlite3_stmt *s = store_stmt(st, sql, NULL);
	int64_t v = -1;

	if (s && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	if (s)
		sqlite3_reset(s);
	return v;
}

int64_t
store_data_version(struct store *st)
{
	return single_int(st, SQL_DATA_VERSION);
}

int64_t
store_size(struct store *st)
{
	return single_int(st, SQL_SIZE);
}

/* --- identity ------------------------------------------------------------- */

int
store_identity_get(struct store *st, struct store_identity *out, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_IDENTITY_GET, err);
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		strlcpy_(out->model, store_col(s, 0), sizeof out->model);
		strlcpy_(out->serial, store_col(s, 1), sizeof out->serial);
		strlcpy_(out->mac, store_col(s, 2), sizeof out->mac);
		if (sqlite3_column_bytes(s, 3) == (int)sizeof out->secret)
			memcpy(out->secret, sqlite3_column_blob(s, 3), sizeof out->secret);
		strlcpy_(out->created, store_col(s, 4), sizeof out->created);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return svc_errf(err, EX_DATAERR, "'%s' has no device identity", st->path);
	if (rc != SQLITE_ROW)
		return store_fail(st, "read identity", err);
	return 0;
}

/* --- settings ------------------------------------------------------------- */

int
store_setting_get(struct store *st, const char *key, struct strbuf *value, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_SETTING_GET, err);
	int rc;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		sb_reset(value);
		sb_adds(value, store_col(s, 0));
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, "read setting", err);
}

int
store_setting_put(struct store *st, const char *key, const char *value, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_SETTING_PUT, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	store_bind_text(s, 2, value);
	if (store_exec_stmt(st, s, "write setting", err) != 0)
		return -1;
	store_note_change(st, key);
	return 0;
}

int
store_setting_delete(struct store *st, const char *key, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_SETTING_DEL, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	if (store_exec_stmt(st, s, "reset setting", err) != 0)
		return -1;
	store_note_change(st, key);
	return 0;
}

struct setting_each {
	store_setting_fn fn;
	void *arg;
};

/* A row of SQL_SETTING_ALL to the caller's function: 1 stops the list. */
static int
setting_row(void *arg, sqlite3_stmt *s)
{
	const struct setting_each *e = arg;

	return e->fn(e->arg, store_col(s, 0), store_col(s, 1)) != 0;
}

int
store_setting_each(struct store *st, store_setting_fn fn, void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_SETTING_ALL, err);
	struct setting_each e = { fn, arg };

	if (s == NULL)
		return -1;
	return store_each_row(st, s, setting_row, &e, "read settings", err) < 0 ? -1 : 0;
}

/* --- JSON ----------------------------------------------------------------- */

/* A member name or value with a NUL inside ("\\u0000") would be cut short
 * in C and applied to another key or a shorter value; a repeated member
 * name would let the last one silently win. Both are refused. */
/* Whether JSON text holds the escape of a NUL character: SQLite's JSON
 * functions cut a name or a value at it. Backslashes appear in valid JSON
 * only inside strings, each starting one escape. */
static bool
json_has_nul(const char *json)
{
	for (const char *p = json; (p = strchr(p, '\\')) != NULL; p += 2) {
		if (p[1] == 'u' && strncmp(p + 2, "0000", 4) == 0)
			return true;
		if (p[1] == '\0')
			break;
	}
	return false;
}

struct json_seen {
	char **names;
	size_t n;
};

static int
json_row_bad(sqlite3_stmt *s, struct json_seen *seen, const char *path, struct svc_err *err)
{
	const char *key = store_col(s, 0);

	if (sqlite3_column_type(s, 0) != SQLITE_TEXT)
		return 0; /* an array index */
	for (size_t i = 0; i < seen->n; i++)
		if (strcmp(seen->names[i], key) == 0)
			return svc_errf(err, EX_DATAERR,
					"invalid JSON at %s: '%.60s' appears twice", path, key);
	seen->names = xrealloc(seen->names, (seen->n + 1) * sizeof *seen->names);
	seen->names[seen->n++] = xstrdup(key);
	return 0;
}

static void
json_seen_free(struct json_seen *seen)
{
	for (size_t i = 0; i < seen->n; i++)
		free(seen->names[i]);
	free(seen->names);
}

int
store_json_each(struct store *st, const char *json, const char *path, store_json_fn fn, void *arg,
		struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_JSON_VALID, err);
	struct json_seen seen = { NULL, 0 };
	int rc, valid, bad = 0;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, json);
	rc = sqlite3_step(s);
	valid = rc == SQLITE_ROW && sqlite3_column_int(s, 0) == 1;
	sqlite3_reset(s);
	if (!valid)
		return svc_errf(err, EX_DATAERR, "malformed JSON");
	if (json_has_nul(json))
		return svc_errf(err, EX_DATAERR,
				"invalid JSON: a name or value holds a NUL character (\\u0000)");
	if ((s = store_stmt(st, SQL_JSON_EACH, err)) == NULL)
		return -1;
	store_bind_text(s, 1, json);
	store_bind_text(s, 2, path);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *v = sqlite3_column_type(s, 2) == SQLITE_NULL ? NULL : store_col(s, 2);
		if ((bad = json_row_bad(s, &seen, path, err)) != 0 ||
		    fn(arg, store_col(s, 0), store_col(s, 1), v) != 0)
			break;
	}
	sqlite3_reset(s);
	json_seen_free(&seen);
	if (bad)
		return -1;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return svc_errf(err, EX_DATAERR, "malformed JSON at %s: %s", path,
				sqlite3_errmsg(st->db));
	return 0;
}
