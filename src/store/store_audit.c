/* Doors (the lockout state of each credential), the audit log and the
 * counters: the store's records of who did what. */
#include "store/store_int.h"

#include <string.h>

static const char SQL_DOOR_GET[] = "SELECT failures, locked_until FROM door WHERE name = ?1";
static const char SQL_DOOR_PUT[] =
	"INSERT INTO door (name, failures, locked_until) VALUES (?1, ?2, ?3)"
	" ON CONFLICT (name) DO UPDATE SET failures = excluded.failures,"
	" locked_until = excluded.locked_until";
static const char SQL_AUDIT_ADD[] =
	"INSERT INTO audit (at, operator, level, event, key, old, new, detail)"
	" VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_AUDIT_LAST[] =
	"SELECT id, at, operator, level, event, key, old, new, detail FROM"
	" (SELECT * FROM audit ORDER BY id DESC LIMIT ?1) ORDER BY id";
static const char SQL_COUNTERS[] = "SELECT name, value FROM counter ORDER BY name";

/* --- doors ---------------------------------------------------------------- */

int
store_door_get(struct store *st, const char *name, struct store_door *out, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DOOR_GET, err);
	int rc;

	memset(out, 0, sizeof *out);
	if (s == NULL)
		return -1;
	store_bind_text(s, 1, name);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->failures = sqlite3_column_int(s, 0);
		out->locked_until = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "read lockout state", err);
	return 0;
}

int
store_door_put(struct store *st, const char *name, const struct store_door *door,
	       struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DOOR_PUT, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, name);
	sqlite3_bind_int(s, 2, door->failures);
	sqlite3_bind_int64(s, 3, door->locked_until);
	return store_exec_stmt(st, s, "write lockout state", err);
}

/* --- audit ---------------------------------------------------------------- */

int
store_audit_add(struct store *st, const struct store_audit *r, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_AUDIT_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, r->actor ? r->actor : "");
	store_bind_text(s, 2, r->level ? r->level : "");
	store_bind_text(s, 3, r->event);
	store_bind_text(s, 4, r->key);
	store_bind_text(s, 5, r->old);
	store_bind_text(s, 6, r->new);
	store_bind_text(s, 7, r->detail);
	return store_exec_stmt(st, s, "write audit log", err);
}

static const char *
col_or_null(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? NULL : store_col(s, i);
}

struct audit_each {
	store_audit_fn fn;
	void *arg;
};

static int
audit_row(void *arg, sqlite3_stmt *s)
{
	const struct audit_each *e = arg;
	struct store_audit r = {
		.id = sqlite3_column_int64(s, 0),
		.at = store_col(s, 1),
		.actor = store_col(s, 2),
		.level = store_col(s, 3),
		.event = store_col(s, 4),
		.key = col_or_null(s, 5),
		.old = col_or_null(s, 6),
		.new = col_or_null(s, 7),
		.detail = col_or_null(s, 8),
	};

	return e->fn(e->arg, &r) != 0;
}

int
store_audit_each(struct store *st, int limit, store_audit_fn fn, void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_AUDIT_LAST, err);
	struct audit_each e = { fn, arg };

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, limit > 0 ? limit : -1);
	return store_each_row(st, s, audit_row, &e, "read audit log", err) < 0 ? -1 : 0;
}

int
store_counter_each(struct store *st, store_counter_fn fn, void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_COUNTERS, err);
	struct store_named_count c = { fn, arg };

	if (s == NULL)
		return -1;
	return store_each_row(st, s, store_row_named_count, &c, "read counters", err) < 0 ? -1 : 0;
}
