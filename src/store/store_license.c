/* The license tables; see store_license.h. */
#include "store/store_license.h"

#include <string.h>

#include "store/store_int.h"

#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"

static const char SQL_KEY_GET[] = "SELECT sealed, source FROM license_key WHERE id = 1";
static const char SQL_KEY_ADD[] =
	"INSERT OR REPLACE INTO license_key (id, sealed, source, created) "
	"VALUES (1, ?1, ?2, " NOW ")";
static const char SQL_GET[] =
	"SELECT option, number, state, installed, ended, counter, transfer FROM license "
	"WHERE option = ?1 AND number = ?2";
static const char SQL_ACTIVE[] =
	"SELECT option, number, state, installed, ended, counter, transfer FROM license "
	"WHERE option = ?1 AND state = 'active'";
static const char SQL_LATEST[] =
	"SELECT option, number, state, installed, ended, counter, transfer FROM license "
	"WHERE option = ?1 ORDER BY state = 'active' DESC, coalesce(ended, installed) DESC, "
	"counter DESC LIMIT 1";
static const char SQL_ADD[] =
	"INSERT INTO license (option, number, state, installed) VALUES (?1, ?2, 'active', " NOW ")";
static const char SQL_END[] =
	"UPDATE license SET state = ?3, ended = " NOW ", counter = ?4, transfer = ?5 "
	"WHERE option = ?1 AND number = ?2 AND state = 'active'";
static const char SQL_NEXT_COUNTER[] = "SELECT coalesce(max(counter), 0) + 1 FROM license";
static const char SQL_ALL[] =
	"SELECT option, number, state, installed, ended, counter, transfer FROM license "
	"ORDER BY option, installed, number";

static void
read_row(sqlite3_stmt *s, struct store_license *out)
{
	memset(out, 0, sizeof *out);
	strlcpy_(out->option, store_col(s, 0), sizeof out->option);
	out->number = sqlite3_column_int64(s, 1);
	strlcpy_(out->state, store_col(s, 2), sizeof out->state);
	strlcpy_(out->installed, store_col(s, 3), sizeof out->installed);
	strlcpy_(out->ended, store_col(s, 4), sizeof out->ended);
	out->counter = sqlite3_column_type(s, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(s, 5);
	strlcpy_(out->transfer, store_col(s, 6), sizeof out->transfer);
}

/* Steps S for at most one row: 1 with OUT filled, 0 for none. */
static int
one_row(struct store *st, sqlite3_stmt *s, struct store_license *out, const char *what,
	struct svc_err *err)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		read_row(s, out);
	else
		memset(out, 0, sizeof *out);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, what, err);
}

int
store_license_key_get(struct store *st, struct strbuf *sealed, struct strbuf *source,
		      struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEY_GET, err);
	int rc;

	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		sb_reset(sealed);
		sb_adds(sealed, store_col(s, 0));
		sb_reset(source);
		sb_adds(source, store_col(s, 1));
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(st, "read the device license key", err);
}

int
store_license_key_add(struct store *st, const char *sealed, const char *source, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_KEY_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, sealed);
	store_bind_text(s, 2, source);
	return store_exec_stmt(st, s, "write the device license key", err);
}

int
store_license_get(struct store *st, const char *option, int64_t number, struct store_license *out,
		  struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_GET, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, option);
	sqlite3_bind_int64(s, 2, number);
	return one_row(st, s, out, "read license", err);
}

int
store_license_current(struct store *st, const char *option, int latest, struct store_license *out,
		      struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, latest ? SQL_LATEST : SQL_ACTIVE, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, option);
	return one_row(st, s, out, "read license", err);
}

int
store_license_add(struct store *st, const char *option, int64_t number, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, option);
	sqlite3_bind_int64(s, 2, number);
	return store_exec_stmt(st, s, "write license", err);
}

int
store_license_end(struct store *st, const char *option, int64_t number, const char *state,
		  int64_t counter, const char *transfer, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_END, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, option);
	sqlite3_bind_int64(s, 2, number);
	store_bind_text(s, 3, state);
	if (transfer) {
		sqlite3_bind_int64(s, 4, counter);
		store_bind_text(s, 5, transfer);
	} else {
		sqlite3_bind_null(s, 4);
		sqlite3_bind_null(s, 5);
	}
	if (store_exec_stmt(st, s, "end license", err) != 0)
		return -1;
	if (sqlite3_changes(st->db) != 1)
		return svc_errf(err, EX_DATAERR, "license %lld of %s is not active",
				(long long)number, option);
	return 0;
}

int
store_license_next_counter(struct store *st, int64_t *out, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_NEXT_COUNTER, err);
	int rc;

	*out = 0;
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return rc == SQLITE_ROW ? 0 : store_fail(st, "read the invalidation counter", err);
}

struct license_each {
	store_license_fn fn;
	void *arg;
};

static int
license_row(void *arg, sqlite3_stmt *s)
{
	const struct license_each *e = arg;
	struct store_license row;

	read_row(s, &row);
	return e->fn(e->arg, &row) != 0 ? -1 : 0;
}

int
store_license_each(struct store *st, store_license_fn fn, void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_ALL, err);
	struct license_each e = { fn, arg };

	if (s == NULL)
		return -1;
	return store_each_row(st, s, license_row, &e, "read licenses", err);
}
