/* The license server's database: licenses, transfers, and the service's
 * accounts, sessions, License Access Numbers and audit; see lms_db.h.
 * Each action is written here once, as a statement of lms_db_sql.h run by
 * the backend of the database (lms_db_int.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/lms/lms_db_int.h"
#include "store/lms/lms_db_sql.h"
#include "util/blob.h"
#include "util/strbuf.h"

extern const struct svc_blob svc_lms_schema_files[];

struct lms_db {
	const struct lms_backend *be;
	void *conn;
	void *json; /* SQLite for the JSON of requests: CONN itself, or in memory */
};

int
lms_schema_latest(void)
{
	int n = 0;

	for (const struct svc_blob *b = svc_lms_schema_files; b->name; b++)
		n++;
	return n;
}

int
lms_db_open(const char *path, struct lms_db **out, struct svc_err *err)
{
	struct lms_db *db = xcalloc(1, sizeof *db);
	bool pg = lms_pg_is_uri(path);

	*out = NULL;
	db->be = pg ? &lms_pg_backend : &lms_lite_backend;
	if ((pg ? lms_pg_open(path, &db->conn, err) : lms_lite_open(path, true, &db->conn, err)) !=
	    0) {
		lms_db_close(db);
		return -1;
	}
	/* On PostgreSQL, SQLite stays, in memory, for the JSON of requests
	 * (lms_db_json_get): one parser for both backends. */
	if (!pg)
		db->json = db->conn;
	else if (lms_lite_open(NULL, false, &db->json, err) != 0) {
		lms_db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

void
lms_db_close(struct lms_db *db)
{
	if (db == NULL)
		return;
	if (db->json != db->conn)
		lms_lite_backend.close(db->json);
	if (db->conn)
		db->be->close(db->conn);
	free(db);
}

int
lms_db_begin(struct lms_db *db, struct svc_err *err)
{
	return db->be->begin(db->conn, err);
}

int
lms_db_commit(struct lms_db *db, struct svc_err *err)
{
	return db->be->commit(db->conn, err);
}

void
lms_db_rollback(struct lms_db *db)
{
	db->be->rollback(db->conn);
}

bool
lms_db_conflict(const struct lms_db *db)
{
	return db->be->conflict(db->conn);
}

/* Runs SQL with the N parameters P, each row to ROW(CTX): the rows read,
 * or -1. WHAT names it in messages; *CHANGED (if not NULL): rows changed. */
static int
run(struct lms_db *db, const char *sql, const struct lms_param *p, int n, const char *what,
    lms_row_fn row, void *ctx, long *changed, struct svc_err *err)
{
	struct lms_stmt st = { sql, what, p, n, row, ctx, 0 };
	int rc = db->be->run(db->conn, &st, err);

	if (changed)
		*changed = st.changed;
	return rc;
}

/* The time of day as the license and transfer tables hold it. */
static void
now_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* --- rows ----------------------------------------------------------------- */

static int
read_license(void *ctx, const struct lms_row *r)
{
	struct lms_license *l = ctx;

	memset(l, 0, sizeof *l);
	l->number = r->num(r, 0);
	strlcpy_(l->serial, r->text(r, 1), sizeof l->serial);
	strlcpy_(l->option, r->text(r, 2), sizeof l->option);
	strlcpy_(l->state, r->text(r, 3), sizeof l->state);
	strlcpy_(l->issued, r->text(r, 4), sizeof l->issued);
	return 0;
}

static int
read_transfer(void *ctx, const struct lms_row *r)
{
	struct lms_transfer *t = ctx;

	memset(t, 0, sizeof *t);
	strlcpy_(t->number, r->text(r, 0), sizeof t->number);
	strlcpy_(t->from, r->text(r, 1), sizeof t->from);
	strlcpy_(t->to, r->text(r, 2), sizeof t->to);
	strlcpy_(t->option, r->text(r, 3), sizeof t->option);
	t->counter = r->num(r, 4);
	t->license = r->num(r, 5);
	t->new_license = r->num(r, 6);
	strlcpy_(t->at, r->text(r, 7), sizeof t->at);
	return 0;
}

static int
read_account(void *ctx, const struct lms_row *r)
{
	struct lms_account *a = ctx;

	memset(a, 0, sizeof *a);
	strlcpy_(a->name, r->text(r, 0), sizeof a->name);
	strlcpy_(a->role, r->text(r, 1), sizeof a->role);
	strlcpy_(a->password, r->text(r, 2), sizeof a->password);
	return 0;
}

static int
read_lan(void *ctx, const struct lms_row *r)
{
	struct lms_lan *lan = ctx;

	memset(lan, 0, sizeof *lan);
	strlcpy_(lan->hint, r->text(r, 0), sizeof lan->hint);
	strlcpy_(lan->option, r->text(r, 1), sizeof lan->option);
	strlcpy_(lan->serial, r->text(r, 2), sizeof lan->serial);
	lan->license = r->num(r, 3);
	lan->created = r->num(r, 4);
	lan->redeemed = r->num(r, 5);
	return 0;
}

static int
read_audit(void *ctx, const struct lms_row *r)
{
	struct lms_audit *a = ctx;

	memset(a, 0, sizeof *a);
	a->id = r->num(r, 0);
	a->at = r->num(r, 1);
	strlcpy_(a->account, r->text(r, 2), sizeof a->account);
	strlcpy_(a->address, r->text(r, 3), sizeof a->address);
	strlcpy_(a->action, r->text(r, 4), sizeof a->action);
	strlcpy_(a->subject, r->text(r, 5), sizeof a->subject);
	strlcpy_(a->result, r->text(r, 6), sizeof a->result);
	strlcpy_(a->detail, r->text(r, 7), sizeof a->detail);
	return 0;
}

static int
read_int64(void *ctx, const struct lms_row *r)
{
	*(int64_t *)ctx = r->num(r, 0);
	return 0;
}

/* The caller's function for each row of a list, as a row reader. */
struct each {
	union {
		lms_license_fn license;
		lms_transfer_fn transfer;
		lms_audit_fn audit;
	} fn;
	void *arg;
};

static int
each_license(void *ctx, const struct lms_row *r)
{
	struct each *e = ctx;
	struct lms_license l;

	read_license(&l, r);
	return e->fn.license(e->arg, &l);
}

static int
each_transfer(void *ctx, const struct lms_row *r)
{
	struct each *e = ctx;
	struct lms_transfer t;

	read_transfer(&t, r);
	return e->fn.transfer(e->arg, &t);
}

static int
each_audit(void *ctx, const struct lms_row *r)
{
	struct each *e = ctx;
	struct lms_audit a;

	read_audit(&a, r);
	return e->fn.audit(e->arg, &a);
}

/* Runs a statement of at most one row, read into OUT (SIZE bytes, zeroed
 * unless found): 1, 0 without a row, or -1. */
static int
one(struct lms_db *db, const char *sql, const struct lms_param *p, int n, const char *what,
    lms_row_fn row, void *out, size_t size, struct svc_err *err)
{
	int rc;

	memset(out, 0, size);
	rc = run(db, sql, p, n, what, row, out, NULL, err);
	if (rc <= 0)
		memset(out, 0, size);
	return rc < 0 ? -1 : rc > 0;
}

/* --- licenses and transfers ----------------------------------------------- */

int
lms_db_live(struct lms_db *db, const char *serial, const char *option, struct lms_license *out,
	    struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(serial), LMS_TEXT(option) };

	return one(db, SQL_LIVE, p, 2, "read license", read_license, out, sizeof *out, err);
}

int
lms_db_licenses(struct lms_db *db, const char *serial, const char *option, lms_license_fn fn,
		void *arg, struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(serial), LMS_TEXT(option) };
	struct each e = { .fn.license = fn, .arg = arg };

	return run(db, SQL_LICENSES, p, 2, "read licenses", each_license, &e, NULL, err) < 0 ? -1
											     : 0;
}

int
lms_db_license_add(struct lms_db *db, const char *serial, const char *option, int64_t *number,
		   struct svc_err *err)
{
	char now[32];
	const struct lms_param p[] = { LMS_TEXT(serial), LMS_TEXT(option), LMS_TEXT(now) };
	struct lms_param q[] = { LMS_TEXT(serial), LMS_TEXT(option), LMS_INT(0) };
	long live = 0;
	int rc;

	*number = 0;
	now_iso(now);
	rc = run(db, SQL_LICENSE_ADD, p, 3, "add license", read_int64, number, NULL, err);
	if (rc < 0)
		return -1;
	if (rc != 1 || *number <= 0) {
		*number = 0;
		return svc_errf(err, EX_SOFTWARE, "add license: no number");
	}
	q[2].num = *number;
	if (run(db, SQL_LIVE_ADD, q, 3, "add license", NULL, NULL, &live, err) < 0)
		return -1;
	return live == 1 ? 0 : 1; /* 1: SERIAL holds OPTION already */
}

/* The license's serial and option, as its end returns them. */
struct ended {
	char serial[16], option[16];
};

static int
read_ended(void *ctx, const struct lms_row *r)
{
	struct ended *e = ctx;

	strlcpy_(e->serial, r->text(r, 0), sizeof e->serial);
	strlcpy_(e->option, r->text(r, 1), sizeof e->option);
	return 0;
}

int
lms_db_license_end(struct lms_db *db, int64_t number, struct svc_err *err)
{
	const struct lms_param p[] = { LMS_INT(number) };
	struct ended e = { "", "" };
	const struct lms_param q[] = { LMS_TEXT(e.serial), LMS_TEXT(e.option), LMS_INT(number) };
	long changed = 0;

	if (run(db, SQL_LICENSE_END, p, 1, "end license", read_ended, &e, &changed, err) < 0)
		return -1;
	if (changed != 1)
		return svc_errf(err, EX_DATAERR, "license %06lld is not live", (long long)number);
	if (run(db, SQL_LIVE_END, q, 3, "end license", NULL, NULL, &changed, err) < 0)
		return -1;
	if (changed != 1)
		return svc_errf(err, EX_SOFTWARE,
				"license %06lld: issued, but not the live one of %s",
				(long long)number, e.serial);
	return 0;
}

int
lms_db_transfer_get(struct lms_db *db, const char *number, struct lms_transfer *out,
		    struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(number) };

	return one(db, SQL_TRANSFER_GET, p, 1, "read transfer", read_transfer, out, sizeof *out,
		   err);
}

int
lms_db_transfer_add(struct lms_db *db, const struct lms_transfer *t, struct svc_err *err)
{
	char now[32];
	const struct lms_param p[] = { LMS_TEXT(t->number),     LMS_TEXT(t->from),
				       LMS_TEXT(t->to),         LMS_TEXT(t->option),
				       LMS_INT(t->counter),     LMS_INT(t->license),
				       LMS_INT(t->new_license), LMS_TEXT(now) };

	now_iso(now);
	return run(db, SQL_TRANSFER_ADD, p, 8, "record transfer", NULL, NULL, NULL, err) < 0 ? -1
											     : 0;
}

int
lms_db_transfers(struct lms_db *db, lms_transfer_fn fn, void *arg, struct svc_err *err)
{
	struct each e = { .fn.transfer = fn, .arg = arg };

	return run(db, SQL_TRANSFERS, NULL, 0, "read transfers", each_transfer, &e, NULL, err) < 0
		       ? -1
		       : 0;
}

/* --- the network service's tables (schema/lms/002_service.sql) ---------- */

struct json_member {
	char *type;
	char **out;
};

static int
read_json(void *ctx, const struct lms_row *r)
{
	struct json_member *m = ctx;

	if (strcmp(r->text(r, 0), "object") != 0)
		return -1;
	/* json_type() of a missing member is NULL: "" here. */
	strlcpy_(m->type, r->text(r, 1), 16);
	if (m->type[0])
		*m->out = xstrdup(r->text(r, 2));
	return 0;
}

int
lms_db_json_get(struct lms_db *db, const char *body, const char *path, char **out, char type[16],
		struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(body), LMS_TEXT(path) };
	struct json_member m = { type, out };
	struct lms_stmt st = { SQL_JSON, "read request", p, 2, read_json, &m, 0 };

	*out = NULL;
	type[0] = '\0';
	/* json_type() fails on malformed JSON: that is the client's error. */
	if (lms_lite_backend.run(db->json, &st, err) != 1)
		return svc_errf(err, EX_DATAERR, "the request body is not a JSON object");
	return type[0] != '\0';
}

int
lms_db_account_get(struct lms_db *db, const char *name, struct lms_account *out,
		   struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(name) };

	return one(db, SQL_ACCOUNT_GET, p, 1, "read account", read_account, out, sizeof *out, err);
}

int
lms_db_account_add(struct lms_db *db, const struct lms_account *a, int64_t now, struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(a->name), LMS_TEXT(a->role), LMS_TEXT(a->password),
				       LMS_INT(now) };
	long changed = 0;

	if (run(db, SQL_ACCOUNT_ADD, p, 4, "add account", NULL, NULL, &changed, err) < 0)
		return -1;
	if (changed != 1)
		return svc_errf(err, EX_DATAERR, "account '%s' exists already", a->name);
	return 0;
}

int
lms_db_session_add(struct lms_db *db, const char *token_hash, const char *account, int64_t expires,
		   struct svc_err *err)
{
	const struct lms_param old[] = { LMS_INT(expires - 7 * 86400) };
	const struct lms_param p[] = { LMS_TEXT(token_hash), LMS_TEXT(account), LMS_INT(expires) };

	/* Expired sessions go as new ones come: the table stays small. */
	if (run(db, SQL_SESSION_PURGE, old, 1, "purge sessions", NULL, NULL, NULL, err) < 0 ||
	    run(db, SQL_SESSION_ADD, p, 3, "add session", NULL, NULL, NULL, err) < 0)
		return -1;
	return 0;
}

int
lms_db_session_get(struct lms_db *db, const char *token_hash, int64_t now, struct lms_account *out,
		   struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(token_hash), LMS_INT(now) };

	return one(db, SQL_SESSION_GET, p, 2, "read session", read_account, out, sizeof *out, err);
}

int
lms_db_lan_add(struct lms_db *db, const char *hash, const struct lms_lan *lan, const char *creator,
	       struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(hash), LMS_TEXT(lan->hint), LMS_TEXT(lan->option),
				       LMS_INT(lan->created), LMS_TEXT(creator) };

	return run(db, SQL_LAN_ADD, p, 5, "add license access number", NULL, NULL, NULL, err) < 0
		       ? -1
		       : 0;
}

int
lms_db_lan_get(struct lms_db *db, const char *hash, struct lms_lan *out, struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(hash) };

	return one(db, SQL_LAN_GET, p, 1, "read license access number", read_lan, out, sizeof *out,
		   err);
}

int
lms_db_lan_redeem(struct lms_db *db, const char *hash, const char *serial, int64_t license,
		  int64_t now, struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(hash), LMS_TEXT(serial), LMS_INT(license),
				       LMS_INT(now) };
	long changed = 0;

	if (run(db, SQL_LAN_REDEEM, p, 4, "redeem license access number", NULL, NULL, &changed,
		err) < 0)
		return -1;
	if (changed != 1)
		return svc_errf(err, EX_DATAERR, "license access number was redeemed already");
	return 0;
}

int
lms_db_audit_add(struct lms_db *db, const struct lms_audit *a, struct svc_err *err)
{
	const struct lms_param p[] = { LMS_INT(a->at),       LMS_TEXT(a->account),
				       LMS_TEXT(a->address), LMS_TEXT(a->action),
				       LMS_TEXT(a->subject), LMS_TEXT(a->result),
				       LMS_TEXT(a->detail) };

	return run(db, SQL_AUDIT_ADD, p, 7, "write audit", NULL, NULL, NULL, err) < 0 ? -1 : 0;
}

int
lms_db_audit_failures(struct lms_db *db, const char *action, const char *account,
		      const char *address, int64_t since, int64_t *n, struct svc_err *err)
{
	const struct lms_param p[] = { LMS_TEXT(action), LMS_TEXT(account), LMS_TEXT(address),
				       LMS_INT(since) };
	int rc;

	*n = 0;
	rc = run(db, SQL_AUDIT_FAILURES, p, 4, "count failures", read_int64, n, NULL, err);
	if (rc < 0)
		return -1;
	return rc == 1 ? 0 : svc_errf(err, EX_SOFTWARE, "count failures: no count");
}

int
lms_db_audit(struct lms_db *db, int64_t limit, lms_audit_fn fn, void *arg, struct svc_err *err)
{
	const struct lms_param p[] = { LMS_INT(limit) };
	struct each e = { .fn.audit = fn, .arg = arg };

	return run(db, SQL_AUDIT, p, 1, "read audit", each_audit, &e, NULL, err) < 0 ? -1 : 0;
}
