/* SQL of the mac module: table mac_entry (schema/030_mac.sql). */
#include "store/store_mac.h"

#include "store/store_int.h"

static const char SQL_ADD[] = "INSERT INTO mac_entry (dir, addr, added)"
			      " VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
static const char SQL_DEL[] = "DELETE FROM mac_entry WHERE dir = ?1 AND addr = ?2";
static const char SQL_CLEAR[] = "DELETE FROM mac_entry WHERE ?1 IS NULL OR dir = ?1";
static const char SQL_COUNT[] = "SELECT count(*) FROM mac_entry WHERE dir = ?1";
static const char SQL_EACH[] = "SELECT addr, added FROM mac_entry WHERE dir = ?1 ORDER BY addr";

int
store_mac_add(struct store *st, const char *dir, const char *addr, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, dir);
	store_bind_text(s, 2, addr);
	return store_exec_stmt(st, s, "add MAC address", err);
}

int
store_mac_remove(struct store *st, const char *dir, const char *addr, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_DEL, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, dir);
	store_bind_text(s, 2, addr);
	if (store_exec_stmt(st, s, "remove MAC address", err) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_mac_clear(struct store *st, const char *dir, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_CLEAR, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, dir);
	if (store_exec_stmt(st, s, "clear MAC addresses", err) != 0)
		return -1;
	return sqlite3_changes(st->db);
}

int
store_mac_count(struct store *st, const char *dir, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_COUNT, err);
	int n;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, dir);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return store_fail(st, "count MAC addresses", err);
	}
	n = sqlite3_column_int(s, 0);
	sqlite3_reset(s);
	return n;
}

struct mac_each {
	store_mac_fn fn;
	void *arg;
	int n;
};

static int
mac_row(void *arg, sqlite3_stmt *s)
{
	struct mac_each *e = arg;

	e->n++;
	return e->fn(e->arg, store_col(s, 0), store_col(s, 1));
}

int
store_mac_each(struct store *st, const char *dir, store_mac_fn fn, void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_EACH, err);
	struct mac_each e = { fn, arg, 0 };
	int rc;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, dir);
	rc = store_each_row(st, s, mac_row, &e, "read MAC addresses", err);
	return rc ? rc : e.n;
}
