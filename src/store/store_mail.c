/* SQL of the mail client. */
#include "store/store_mail.h"
#include "store/store_int.h"

static const char SQL_LOG_ADD[] =
	"INSERT INTO mail_log (at, direction, operation, server, mechs, mech, tls, result, "
	"code, message, steps) VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1, ?2, ?3, ?4, "
	"?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_LOG_LAST[] =
	"SELECT id, at, direction, operation, server, mechs, mech, tls, result, code, message, "
	"steps FROM (SELECT * FROM mail_log ORDER BY id DESC LIMIT ?1) ORDER BY id";
static const char SQL_LOG_DEL[] = "DELETE FROM mail_log";
static const char SQL_MSG_DEL[] = "DELETE FROM mail_message";
static const char SQL_UIDL_DEL_ALL[] = "DELETE FROM mail_uidl";
static const char SQL_UIDL_ADD[] =
	"INSERT OR REPLACE INTO mail_uidl (server, user, uidl, box, at) VALUES (?1, ?2, ?3, ?4, "
	"strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
static const char SQL_UIDL_EACH[] =
	"SELECT uidl FROM mail_uidl WHERE server = ?1 AND user = ?2 ORDER BY uidl";
static const char SQL_MSGID_ADD[] =
	"INSERT INTO mail_msgid (msgid, box, via, at) VALUES (?1, ?2, ?3, "
	"strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))";
static const char SQL_MSGID_SEEN[] = "SELECT box FROM mail_msgid WHERE msgid = ?1";
static const char SQL_MSGID_DEL_ALL[] = "DELETE FROM mail_msgid";
static const char SQL_UIDL_DEL[] =
	"DELETE FROM mail_uidl WHERE server = ?1 AND user = ?2 AND uidl = ?3";

int
store_mail_log_add(struct store *st, const struct store_mail_log *r, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_LOG_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, r->direction);
	store_bind_text(s, 2, r->operation);
	store_bind_text(s, 3, r->server ? r->server : "");
	store_bind_text(s, 4, r->mechs ? r->mechs : "");
	store_bind_text(s, 5, r->mech ? r->mech : "");
	store_bind_text(s, 6, r->tls ? r->tls : "");
	store_bind_text(s, 7, r->result);
	sqlite3_bind_int(s, 8, r->code);
	store_bind_text(s, 9, r->message ? r->message : "");
	store_bind_text(s, 10, r->steps ? r->steps : "");
	return store_exec_stmt(st, s, "write communication log", err);
}

struct log_each {
	store_mail_log_fn fn;
	void *arg;
};

static int
log_row(void *arg, sqlite3_stmt *s)
{
	const struct log_each *e = arg;
	struct store_mail_log r = {
		.id = sqlite3_column_int64(s, 0),
		.at = store_col(s, 1),
		.direction = store_col(s, 2),
		.operation = store_col(s, 3),
		.server = store_col(s, 4),
		.mechs = store_col(s, 5),
		.mech = store_col(s, 6),
		.tls = store_col(s, 7),
		.result = store_col(s, 8),
		.code = sqlite3_column_int(s, 9),
		.message = store_col(s, 10),
		.steps = store_col(s, 11),
	};

	return e->fn(e->arg, &r) != 0;
}

int
store_mail_log_each(struct store *st, int limit, store_mail_log_fn fn, void *arg,
		    struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_LOG_LAST, err);
	struct log_each e = { fn, arg };

	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, limit > 0 ? limit : -1);
	return store_each_row(st, s, log_row, &e, "read communication log", err) < 0 ? -1 : 0;
}

int
store_mail_erase(struct store *st, int64_t *nlog, int64_t *nmsg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_LOG_DEL, err);

	if (s == NULL || store_exec_stmt(st, s, "erase communication log", err) != 0)
		return -1;
	*nlog = sqlite3_changes64(st->db);
	if ((s = store_stmt(st, SQL_MSG_DEL, err)) == NULL ||
	    store_exec_stmt(st, s, "erase received messages", err) != 0)
		return -1;
	*nmsg = sqlite3_changes64(st->db);
	return 0;
}

int
store_mail_uidl_erase(struct store *st, int64_t *n, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_UIDL_DEL_ALL, err);

	if (s == NULL || store_exec_stmt(st, s, "erase received message ids", err) != 0)
		return -1;
	*n = sqlite3_changes64(st->db);
	return 0;
}

int
store_mail_uidl_add(struct store *st, const char *server, const char *user, const char *uidl,
		    int box, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_UIDL_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, server);
	store_bind_text(s, 2, user);
	store_bind_text(s, 3, uidl);
	sqlite3_bind_int(s, 4, box);
	return store_exec_stmt(st, s, "record a received message id", err);
}

struct uidl_each {
	store_mail_uidl_fn fn;
	void *arg;
};

static int
uidl_row(void *arg, sqlite3_stmt *s)
{
	const struct uidl_each *e = arg;

	return e->fn(e->arg, store_col(s, 0)) != 0;
}

int
store_mail_uidl_each(struct store *st, const char *server, const char *user, store_mail_uidl_fn fn,
		     void *arg, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_UIDL_EACH, err);
	struct uidl_each e = { fn, arg };

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, server);
	store_bind_text(s, 2, user);
	return store_each_row(st, s, uidl_row, &e, "read received message ids", err) < 0 ? -1 : 0;
}

int
store_mail_uidl_forget(struct store *st, const char *server, const char *user, const char *uidl,
		       struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_UIDL_DEL, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, server);
	store_bind_text(s, 2, user);
	store_bind_text(s, 3, uidl);
	return store_exec_stmt(st, s, "forget a received message id", err);
}

int
store_mail_msgid_seen(struct store *st, const char *msgid, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_MSGID_SEEN, err);
	int rc;

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, msgid);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return store_fail(st, "read received message ids", err);
	return 0;
}

int
store_mail_msgid_add(struct store *st, const char *msgid, int box, const char *via,
		     struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_MSGID_ADD, err);

	if (s == NULL)
		return -1;
	store_bind_text(s, 1, msgid);
	sqlite3_bind_int(s, 2, box);
	store_bind_text(s, 3, via);
	return store_exec_stmt(st, s, "record a received Message-ID", err);
}

int
store_mail_msgid_erase(struct store *st, int64_t *n, struct svc_err *err)
{
	sqlite3_stmt *s = store_stmt(st, SQL_MSGID_DEL_ALL, err);

	if (s == NULL || store_exec_stmt(st, s, "erase received Message-IDs", err) != 0)
		return -1;
	*n = sqlite3_changes64(st->db);
	return 0;
}
