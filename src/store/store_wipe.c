/* SQL of Initialize All Data/Settings (see store_wipe.h). */
#include "store/store_wipe.h"

#include <string.h>

#include "store/store_int.h"

static const char SQL_JOB_GET[] =
	"SELECT preset, method, verify, operator, level, started, started_ms, phase, resumed,"
	" bytes, verify_failures FROM wipe_job WHERE id = 1";
static const char SQL_JOB_ADD[] =
	"INSERT INTO wipe_job (id, preset, method, verify, operator, level, started, started_ms)"
	" VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_JOB_UPDATE[] =
	"UPDATE wipe_job SET phase = ?1, resumed = ?2, bytes = ?3, verify_failures = ?4"
	" WHERE id = 1";
static const char SQL_JOB_DEL[] = "DELETE FROM wipe_job WHERE id = 1";
static const char SQL_COUNT_ADD[] = "INSERT INTO wipe_count (report, kind, n) VALUES (?1, ?2, ?3)"
				    " ON CONFLICT (report, kind) DO UPDATE SET n = n + excluded.n";
static const char SQL_COUNT_EACH[] =
	"SELECT kind, n FROM wipe_count WHERE report = ?1 ORDER BY rowid";
static const char SQL_COUNT_MOVE[] = "UPDATE wipe_count SET report = ?1 WHERE report = 0";
static const char SQL_REPORT_ADD[] =
	"INSERT INTO wipe_report (preset, method, verify, verification, bytes, started, finished,"
	" duration_ms, operator, level, model, serial, resumed, tool)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
static const char SQL_REPORT_LAST[] =
	"SELECT id, preset, method, verify, verification, bytes, started, finished, duration_ms,"
	" operator, level, model, serial, resumed, tool FROM wipe_report ORDER BY id DESC LIMIT 1";
static const char SQL_DOORS_ALL[] = "DELETE FROM door WHERE name NOT GLOB 'service*'";
static const char SQL_DOORS_MANAGER[] = "DELETE FROM door WHERE name = 'manager'";
static const char SQL_AUDIT_VALUES[] =
	"UPDATE audit SET"
	" old = CASE WHEN old IS NULL OR old IN ('', '***') THEN old ELSE '(erased)' END,"
	" new = CASE WHEN new IS NULL OR new IN ('', '***') THEN new ELSE '(erased)' END"
	" WHERE key = ?1 AND (old NOT IN ('', '***', '(erased)') OR"
	" new NOT IN ('', '***', '(erased)'))";
static const char SQL_AUDIT_EVENTS[] =
	"UPDATE audit SET"
	" key = CASE WHEN ?2 AND key IS NOT NULL AND key <> '' THEN '(erased)' ELSE key END,"
	" old = CASE WHEN old IS NULL OR old IN ('', '***') THEN old ELSE '(erased)' END,"
	" new = CASE WHEN new IS NULL OR new IN ('', '***') THEN new ELSE '(erased)' END,"
	" detail = CASE WHEN detail IS NULL OR detail = '' THEN detail ELSE '(erased)' END"
	" WHERE substr(event, 1, length(?1)) = ?1 AND"
	" (coalesce(old, '') NOT IN ('', '***', '(erased)') OR"
	" coalesce(new, '') NOT IN ('', '***', '(erased)') OR"
	" coalesce(detail, '') NOT IN ('', '(erased)') OR"
	" (?2 AND coalesce(key, '') NOT IN ('', '(erased)')))";
static const char SQL_FREE_PAGES[] = "PRAGMA freelist_count";

static void
copy_col(char *dst, size_t cap, sqlite3_stmt *s, int i)
{
	strlcpy_(dst, store_col(s, i), cap);
}

int
store_wipe_job_get(struct store *st, struct store_wipe_job *out, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_JOB_GET, err);
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		copy_col(out->preset, sizeof out->preset, s, 0);
		copy_col(out->method, sizeof out->method, s, 1);
		out->verify = sqlite3_column_int(s, 2) != 0;
		copy_col(out->operator, sizeof out->operator, s, 3);
		copy_col(out->level, sizeof out->level, s, 4);
		copy_col(out->started, sizeof out->started, s, 5);
		out->started_ms = sqlite3_column_int64(s, 6);
		out->phase = sqlite3_column_int(s, 7);
		out->resumed = sqlite3_column_int(s, 8);
		out->bytes = sqlite3_column_int64(s, 9);
		out->verify_failures = sqlite3_column_int64(s, 10);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, "read the initialization in progress", err);
}

int
store_wipe_job_add(struct store *st, const struct store_wipe_job *job, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_JOB_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, job->preset);
	store_bind_text(s, 2, job->method);
	sqlite3_bind_int(s, 3, job->verify ? 1 : 0);
	store_bind_text(s, 4, job->operator);
	store_bind_text(s, 5, job->level);
	store_bind_text(s, 6, job->started);
	sqlite3_bind_int64(s, 7, job->started_ms);
	if (sqlite3_step(s) != SQLITE_DONE) {
		int ext = sqlite3_extended_errcode(st->db);
		sqlite3_reset(s);
		if (ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			return svc_errf(err, EX_TEMPFAIL,
					"an initialization is already in progress");
		return store_fail(st, "record the initialization", err);
	}
	sqlite3_reset(s);
	return 0;
}

int
store_wipe_job_update(struct store *st, const struct store_wipe_job *job, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_JOB_UPDATE, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, job->phase);
	sqlite3_bind_int(s, 2, job->resumed);
	sqlite3_bind_int64(s, 3, job->bytes);
	sqlite3_bind_int64(s, 4, job->verify_failures);
	return store_exec_stmt(st, s, "record the initialization's progress", err);
}

int
store_wipe_count_add(struct store *st, int64_t report, const char *kind, int64_t n,
		     struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_COUNT_ADD, err);

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, report);
	store_bind_text(s, 2, kind);
	sqlite3_bind_int64(s, 3, n);
	return store_exec_stmt(st, s, "record erase counts", err);
}

int
store_wipe_count_each(struct store *st, int64_t report, store_wipe_count_fn fn, void *arg,
		      struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_COUNT_EACH, err);
	struct store_named_count c = { fn, arg };

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, report);
	return store_each_row(st, s, store_row_named_count, &c, "read erase counts", err) < 0 ? -1
											      : 0;
}

int
store_wipe_finish(struct store *st, const struct store_wipe_report *r, int64_t *id,
		  struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_REPORT_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, r->preset);
	store_bind_text(s, 2, r->method);
	sqlite3_bind_int(s, 3, r->verify ? 1 : 0);
	store_bind_text(s, 4, r->verification);
	sqlite3_bind_int64(s, 5, r->bytes);
	store_bind_text(s, 6, r->started);
	store_bind_text(s, 7, r->finished);
	sqlite3_bind_int64(s, 8, r->duration_ms);
	store_bind_text(s, 9, r->operator);
	store_bind_text(s, 10, r->level);
	store_bind_text(s, 11, r->model);
	store_bind_text(s, 12, r->serial);
	sqlite3_bind_int(s, 13, r->resumed);
	store_bind_text(s, 14, r->tool);
	if (store_exec_stmt(st, s, "write the erase report", err) != 0)
		return -1;
	*id = sqlite3_last_insert_rowid(st->db);
	if ((s = store_stmt(st, SQL_COUNT_MOVE, err)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, *id);
	if (store_exec_stmt(st, s, "write the erase report", err) != 0)
		return -1;
	if ((s = store_stmt(st, SQL_JOB_DEL, err)) == NULL)
		return -1;
	return store_exec_stmt(st, s, "close the initialization", err);
}

int
store_wipe_report_last(struct store *st, struct store_wipe_report *out, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_REPORT_LAST, err);
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(s, 0);
		copy_col(out->preset, sizeof out->preset, s, 1);
		copy_col(out->method, sizeof out->method, s, 2);
		out->verify = sqlite3_column_int(s, 3) != 0;
		copy_col(out->verification, sizeof out->verification, s, 4);
		out->bytes = sqlite3_column_int64(s, 5);
		copy_col(out->started, sizeof out->started, s, 6);
		copy_col(out->finished, sizeof out->finished, s, 7);
		out->duration_ms = sqlite3_column_int64(s, 8);
		copy_col(out->operator, sizeof out->operator, s, 9);
		copy_col(out->level, sizeof out->level, s, 10);
		copy_col(out->model, sizeof out->model, s, 11);
		copy_col(out->serial, sizeof out->serial, s, 12);
		out->resumed = sqlite3_column_int(s, 13);
		copy_col(out->tool, sizeof out->tool, s, 14);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, "read the erase report", err);
}

int
store_wipe_doors(struct store *st, bool all, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, all ? SQL_DOORS_ALL : SQL_DOORS_MANAGER, err);

	if (s == NULL || store_exec_stmt(st, s, "reset lockout states", err) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_wipe_audit_values(struct store *st, const char *key, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_AUDIT_VALUES, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, key);
	if (store_exec_stmt(st, s, "erase values in the audit log", err) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_wipe_audit_events(struct store *st, const char *prefix, bool keys, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_AUDIT_EVENTS, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, prefix);
	sqlite3_bind_int(s, 2, keys ? 1 : 0);
	if (store_exec_stmt(st, s, "erase values in the audit log", err) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_wipe_compact(struct store *st, struct svc_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc, busy = 1;

	if (st->depth > 0)
		return svc_errf(err, EX_SOFTWARE, "store: VACUUM inside a transaction");
	/* VACUUM rebuilds the file: free pages and slack space go. In WAL mode
	 * the new pages go to the WAL; the checkpoint copies them back and
	 * TRUNCATE leaves the WAL file empty, so no old page image survives
	 * in any file of the store. */
	if (store_exec(st, "VACUUM", err) != 0)
		return -1;
	if (sqlite3_prepare_v2(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &s, NULL) !=
	    SQLITE_OK)
		return store_fail(st, "checkpoint", err);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		busy = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, "checkpoint", err);
	if (busy)
		return svc_errf(err, EX_TEMPFAIL,
				"store: another svcmode keeps the write-ahead log of '%s' in use; "
				"close it and run svcmode again to complete the initialization",
				st->path);
	return 0;
}

int
store_wipe_check(struct store *st, char *problem, size_t cap, int64_t *free_pages,
		 struct svc_err *err)
{
	sqlite3_stmt *s = NULL;
	int rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check(1)", -1, &s, NULL) != SQLITE_OK)
		return store_fail(st, "integrity check", err);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		strlcpy_(problem, store_col(s, 0), cap);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, "integrity check", err);
	if ((s = store_stmt(st, SQL_FREE_PAGES, err)) == NULL)
		return -1;
	rc = sqlite3_step(s);
	*free_pages = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return store_fail(st, "count free pages", err);
	return 0;
}
