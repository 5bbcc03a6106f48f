/* The service's tables of the LMS database: accounts, sessions, License
 * Access Numbers, the audit; and reading JSON requests. See lms_db.h. */
#include <stdlib.h>
#include <string.h>

#include "lms/lms_db_int.h"
#include "store/store_sql.h"
#include "util/strbuf.h"

static const char SQL_JSON[] = "SELECT json_type(?1), json_type(?1, ?2), ?1 ->> ?2";
static const char SQL_ACCOUNT_GET[] = "SELECT name, role, password FROM account WHERE name = ?1";
static const char SQL_ACCOUNT_ADD[] =
	"INSERT INTO account (name, role, password, created) VALUES (?1, ?2, ?3, ?4) "
	"ON CONFLICT (name) DO NOTHING";
static const char SQL_SESSION_ADD[] =
	"INSERT INTO session (token, account, expires) VALUES (?1, ?2, ?3)";
static const char SQL_SESSION_GET[] =
	"SELECT a.name, a.role, a.password FROM session s JOIN account a ON a.name = s.account "
	"WHERE s.token = ?1 AND s.expires > ?2";
static const char SQL_SESSION_PURGE[] = "DELETE FROM session WHERE expires <= ?1";
static const char SQL_LAN_ADD[] =
	"INSERT INTO lan (hash, hint, option, created, creator) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_LAN_GET[] = "SELECT hint, option, serial, license, created, redeemed "
				  "FROM lan WHERE hash = ?1";
static const char SQL_LAN_REDEEM[] = "UPDATE lan SET serial = ?2, license = ?3, redeemed = ?4 "
				     "WHERE hash = ?1 AND serial IS NULL";
static const char SQL_AUDIT_ADD[] =
	"INSERT INTO audit (at, account, address, action, subject, result, detail) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_AUDIT_FAILURES[] =
	"SELECT count(*) FROM audit WHERE action = ?1 AND at >= ?4 AND result <> 'ok' AND "
	"(account = ?2 OR address = ?3)";
static const char SQL_AUDIT[] = "SELECT id, at, account, address, action, subject, result, "
				"detail FROM audit ORDER BY id DESC LIMIT ?1";

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

int
lms_db_audit_add(struct lms_db *db, const struct lms_audit *a, struct svc_err *err)
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
