/* The LMS database on PostgreSQL through libpq; see lms_db_pg.h. */
#include "lms/lms_db_pg.h"

#include <libpq-fe.h>

#include <stdlib.h>
#include <string.h>

#include "util/blob.h"
#include "util/strbuf.h"

/* ISO 8601 in UTC, as SQLite's strftime gives it: the two columns that
 * hold a time of day as text compare and print the same on both. */
#define LMS_NOW "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#include "lms/lms_db_sql.h"

extern const struct svc_blob svc_lms_schema_files[];

#define LMS_APP_ID 1280135985 /* "LMS1", SQLite's application_id */

struct lms_pg {
	PGconn *conn;
	char *shown; /* the URI without its password */
	bool conflict;
};

int
lms_pg_is_uri(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

/* Copies S into SB with every "password=VALUE" value masked. */
static void
mask_params(struct strbuf *sb, const char *s)
{
	const char *p;

	while ((p = strstr(s, "password=")) != NULL) {
		sb_add(sb, s, (size_t)(p - s) + 9);
		sb_adds(sb, "***");
		s = p + 9 + strcspn(p + 9, "& ");
	}
	sb_adds(sb, s);
}

char *
lms_pg_masked(const char *target)
{
	struct strbuf sb = STRBUF_INIT;
	const char *auth = strstr(target, "://"), *end, *at = NULL, *colon;

	if (auth == NULL) {
		mask_params(&sb, target);
		return sb_detach(&sb);
	}
	auth += 3;
	end = auth + strcspn(auth, "/?#");
	for (const char *p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
	if (colon) {
		sb_add(&sb, target, (size_t)(colon - target) + 1);
		sb_adds(&sb, "***");
		mask_params(&sb, at);
	} else {
		mask_params(&sb, target);
	}
	return sb_detach(&sb);
}

bool
lms_pg_conflict(const struct lms_pg *pg)
{
	return pg->conflict;
}

/* The sysexits code of a failed statement by its SQLSTATE: a serialization
 * failure or deadlock is worth another try (EX_TEMPFAIL, and it marks the
 * connection); a constraint is the data's fault; a lost connection is
 * the server's. */
static int
pg_ex(struct lms_pg *pg, const char *state)
{
	if (state == NULL || strncmp(state, "08", 2) == 0)
		return EX_UNAVAILABLE;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
		pg->conflict = true;
		return EX_TEMPFAIL;
	}
	if (strncmp(state, "23", 2) == 0)
		return EX_DATAERR;
	if (strcmp(state, "55P03") == 0 || strcmp(state, "57014") == 0)
		return EX_TEMPFAIL;
	return EX_SOFTWARE;
}

static int
pg_fail(struct lms_pg *pg, const char *what, const PGresult *r, struct svc_err *err)
{
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char text[256];

	strlcpy_(text, msg ? msg : PQerrorMessage(pg->conn), sizeof text);
	text[strcspn(text, "\n")] = '\0';
	return svc_errf(err, pg_ex(pg, state), "LMS database '%s': %s: %s", pg->shown, what, text);
}

/* Runs SQL (?N placeholders) with N text values V: its result, or NULL. */
static PGresult *
run(struct lms_pg *pg, const char *sql, int n, const char *const *v, const char *what,
    struct svc_err *err)
{
	char *q = xstrdup(sql);
	PGresult *r;
	ExecStatusType st;

	pg->conflict = false; /* it says how the last statement ended */
	for (char *p = q; (p = strchr(p, '?')) != NULL; p++)
		*p = '$';
	r = PQexecParams(pg->conn, q, n, NULL, v, NULL, NULL, 0);
	free(q);
	st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	pg_fail(pg, what, r, err);
	PQclear(r);
	return NULL;
}

/* Runs a statement whose result is not needed; *changed: rows it changed. */
static int
run_done(struct lms_pg *pg, const char *sql, int n, const char *const *v, const char *what,
	 long *changed, struct svc_err *err)
{
	PGresult *r = run(pg, sql, n, v, what, err);

	if (r == NULL)
		return -1;
	if (changed)
		*changed = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 0;
}

static int
exec_text(struct lms_pg *pg, const char *sql, const char *what, struct svc_err *err)
{
	PGresult *r;
	ExecStatusType st;
	int rc = 0;

	pg->conflict = false;
	r = PQexec(pg->conn, sql);
	st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		rc = pg_fail(pg, what, r, err);
	PQclear(r);
	return rc;
}

static int64_t
col_int(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void
col_text(const PGresult *r, int row, int col, char *dst, size_t cap)
{
	strlcpy_(dst, PQgetvalue(r, row, col), cap);
}

/* --- the schema: the files of schema/lms in PostgreSQL's words ---------- */

/* SQLite's words that PostgreSQL lacks: PRAGMA lines (the version lives in
 * lms_meta), WITHOUT ROWID, and INTEGER PRIMARY KEY as the source of new
 * numbers (an identity). Integers are 64 bits, as SQLite's are. */
static char *
pg_schema(const char *text)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");

		if (strncmp(p, "PRAGMA", 6) != 0) {
			for (size_t i = 0; i < len;) {
				if (strncmp(p + i, "INTEGER PRIMARY KEY", 19) == 0) {
					sb_adds(&sb, "BIGINT GENERATED BY DEFAULT AS IDENTITY "
						     "PRIMARY KEY");
					i += 19;
				} else if (strncmp(p + i, "INTEGER", 7) == 0) {
					sb_adds(&sb, "BIGINT");
					i += 7;
				} else if (strncmp(p + i, " WITHOUT ROWID", 14) == 0) {
					i += 14;
				} else {
					sb_addc(&sb, p[i++]);
				}
			}
			sb_addc(&sb, '\n');
		}
		p += len + (p[len] == '\n');
	}
	sb_addc(&sb, '\0');
	return sb_detach(&sb);
}

static int
schema_latest(void)
{
	int n = 0;

	for (const struct svc_blob *b = svc_lms_schema_files; b->name; b++)
		n++;
	return n;
}

/* Brings the database to the latest schema, in one transaction. */
static int
migrate_in(struct lms_pg *pg, struct svc_err *err)
{
	PGresult *r;
	int64_t app = LMS_APP_ID, version = 0;
	int n = 0;
	char *sql;
	char latest[24];

	r = run(pg, "SELECT app_id, version FROM lms_meta", 0, NULL, "read version", err);
	if (r == NULL)
		return -1;
	if (PQntuples(r) > 0) {
		app = col_int(r, 0, 0);
		version = col_int(r, 0, 1);
	}
	PQclear(r);
	if (app != LMS_APP_ID || version > schema_latest())
		return svc_errf(err, EX_DATAERR,
				"'%s' is not an svcmode-lms database (or a newer one)", pg->shown);
	if (version == schema_latest())
		return 0;
	for (const struct svc_blob *b = svc_lms_schema_files; b->name; b++) {
		if (++n <= version)
			continue;
		sql = pg_schema(b->data);
		n = exec_text(pg, sql, b->name, err) == 0 ? n : -1;
		free(sql);
		if (n < 0)
			return -1;
	}
	snprintf(latest, sizeof latest, "%d", schema_latest());
	return run_done(pg, "DELETE FROM lms_meta", 0, NULL, "write version", NULL, err) == 0 &&
			       run_done(pg, "INSERT INTO lms_meta VALUES (1280135985, ?1)", 1,
					(const char *const[]){ latest }, "write version", NULL,
					err) == 0
		       ? 0
		       : -1;
}

/* One process migrates at a time: the others wait on an advisory lock,
 * then find the work done. */
static int
migrate(struct lms_pg *pg, struct svc_err *err)
{
	int rc;

	if (exec_text(pg, "SELECT pg_advisory_lock(1280135985)", "lock schema", err) != 0)
		return -1;
	rc = exec_text(pg,
		       "CREATE TABLE IF NOT EXISTS lms_meta (app_id BIGINT NOT NULL, "
		       "version BIGINT NOT NULL)",
		       "create lms_meta", err);
	if (rc == 0 && (rc = exec_text(pg, "BEGIN", "begin", err)) == 0) {
		rc = migrate_in(pg, err);
		if (rc == 0)
			rc = exec_text(pg, "COMMIT", "commit schema", err);
		else
			lms_pg_rollback(pg);
	}
	exec_text(pg, "SELECT pg_advisory_unlock(1280135985)", "unlock schema", err);
	return rc;
}

static void
quiet(void *arg, const char *msg)
{
	(void)arg; /* NOTICEs (a table that exists) are no one's business */
	(void)msg;
}

int
lms_pg_open(const char *uri, struct lms_pg **out, struct svc_err *err)
{
	struct lms_pg *pg = xcalloc(1, sizeof *pg);
	char msg[256];

	*out = NULL;
	pg->shown = lms_pg_masked(uri);
	pg->conn = PQconnectdb(uri);
	if (PQstatus(pg->conn) != CONNECTION_OK) {
		strlcpy_(msg, PQerrorMessage(pg->conn), sizeof msg);
		msg[strcspn(msg, "\n")] = '\0';
		svc_errf(err, EX_UNAVAILABLE, "cannot connect to LMS database '%s': %s", pg->shown,
			 msg);
		lms_pg_close(pg);
		return -1;
	}
	PQsetNoticeProcessor(pg->conn, quiet, NULL);
	if (migrate(pg, err) != 0) {
		lms_pg_close(pg);
		return -1;
	}
	*out = pg;
	return 0;
}

void
lms_pg_close(struct lms_pg *pg)
{
	if (pg == NULL)
		return;
	PQfinish(pg->conn);
	free(pg->shown);
	free(pg);
}

/* Every action's transaction is SERIALIZABLE: PostgreSQL then refuses
 * (40001) whichever of two concurrent transfers of one number commits
 * second, and the caller's retry finds the number used. */
int
lms_pg_begin(struct lms_pg *pg, struct svc_err *err)
{
	return exec_text(pg, "BEGIN ISOLATION LEVEL SERIALIZABLE", "begin", err);
}

int
lms_pg_commit(struct lms_pg *pg, struct svc_err *err)
{
	if (PQtransactionStatus(pg->conn) == PQTRANS_INERROR)
		return svc_errf(err, EX_SOFTWARE, "LMS database '%s': commit after a failure",
				pg->shown);
	return exec_text(pg, "COMMIT", "commit", err);
}

void
lms_pg_rollback(struct lms_pg *pg)
{
	PGresult *r;

	if (PQtransactionStatus(pg->conn) == PQTRANS_IDLE)
		return;
	r = PQexec(pg->conn, "ROLLBACK");
	PQclear(r);
}

/* --- licenses and transfers --------------------------------------------- */

static void
read_license(const PGresult *r, int i, struct lms_license *l)
{
	memset(l, 0, sizeof *l);
	l->number = col_int(r, i, 0);
	col_text(r, i, 1, l->serial, sizeof l->serial);
	col_text(r, i, 2, l->option, sizeof l->option);
	col_text(r, i, 3, l->state, sizeof l->state);
	col_text(r, i, 4, l->issued, sizeof l->issued);
}

static void
read_transfer(const PGresult *r, int i, struct lms_transfer *t)
{
	memset(t, 0, sizeof *t);
	col_text(r, i, 0, t->number, sizeof t->number);
	col_text(r, i, 1, t->from, sizeof t->from);
	col_text(r, i, 2, t->to, sizeof t->to);
	col_text(r, i, 3, t->option, sizeof t->option);
	t->counter = col_int(r, i, 4);
	t->license = col_int(r, i, 5);
	t->new_license = col_int(r, i, 6);
	col_text(r, i, 7, t->at, sizeof t->at);
}

int
lms_pg_live(struct lms_pg *pg, const char *serial, const char *option, struct lms_license *out,
	    struct svc_err *err)
{
	PGresult *r =
		run(pg, SQL_LIVE, 2, (const char *const[]){ serial, option }, "read license", err);
	int have;

	memset(out, 0, sizeof *out);
	if (r == NULL)
		return -1;
	have = PQntuples(r) > 0;
	if (have)
		read_license(r, 0, out);
	PQclear(r);
	return have;
}

int
lms_pg_licenses(struct lms_pg *pg, const char *serial, const char *option, lms_license_fn fn,
		void *arg, struct svc_err *err)
{
	PGresult *r = run(pg, SQL_LICENSES, 2, (const char *const[]){ serial, option },
			  "read licenses", err);
	struct lms_license l;
	int rc = 0;

	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		read_license(r, i, &l);
		rc = fn(arg, &l) != 0 ? -1 : 0;
	}
	PQclear(r);
	return rc;
}

int
lms_pg_license_add(struct lms_pg *pg, const char *serial, const char *option, int64_t *number,
		   struct svc_err *err)
{
	PGresult *r = run(pg, SQL_LICENSE_ADD, 2, (const char *const[]){ serial, option },
			  "add license", err);

	*number = 0;
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1)
		*number = col_int(r, 0, 0);
	PQclear(r);
	return *number > 0 ? 0 : svc_errf(err, EX_SOFTWARE, "add license: no number");
}

int
lms_pg_license_end(struct lms_pg *pg, int64_t number, struct svc_err *err)
{
	char n[24];
	long changed = 0;

	snprintf(n, sizeof n, "%lld", (long long)number);
	if (run_done(pg, SQL_LICENSE_END, 1, (const char *const[]){ n }, "end license", &changed,
		     err) != 0)
		return -1;
	if (changed != 1)
		return svc_errf(err, EX_DATAERR, "license %06lld is not live", (long long)number);
	return 0;
}

int
lms_pg_transfer_get(struct lms_pg *pg, const char *number, struct lms_transfer *out,
		    struct svc_err *err)
{
	PGresult *r =
		run(pg, SQL_TRANSFER_GET, 1, (const char *const[]){ number }, "read transfer", err);
	int have;

	memset(out, 0, sizeof *out);
	if (r == NULL)
		return -1;
	have = PQntuples(r) > 0;
	if (have)
		read_transfer(r, 0, out);
	PQclear(r);
	return have;
}

int
lms_pg_transfer_add(struct lms_pg *pg, const struct lms_transfer *t, struct svc_err *err)
{
	char counter[24], license[24], new_license[24];

	snprintf(counter, sizeof counter, "%lld", (long long)t->counter);
	snprintf(license, sizeof license, "%lld", (long long)t->license);
	snprintf(new_license, sizeof new_license, "%lld", (long long)t->new_license);
	return run_done(pg, SQL_TRANSFER_ADD, 7,
			(const char *const[]){ t->number, t->from, t->to, t->option, counter,
					       license, new_license },
			"record transfer", NULL, err);
}

int
lms_pg_transfers(struct lms_pg *pg, lms_transfer_fn fn, void *arg, struct svc_err *err)
{
	PGresult *r = run(pg, SQL_TRANSFERS, 0, NULL, "read transfers", err);
	struct lms_transfer t;
	int rc = 0;

	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		read_transfer(r, i, &t);
		rc = fn(arg, &t) != 0 ? -1 : 0;
	}
	PQclear(r);
	return rc;
}

/* --- the network service's tables --------------------------------------- */

static void
i64(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
}

static int
one_account(struct lms_pg *pg, PGresult *r, struct lms_account *out)
{
	int have;

	(void)pg;
	memset(out, 0, sizeof *out);
	if (r == NULL)
		return -1;
	have = PQntuples(r) > 0;
	if (have) {
		col_text(r, 0, 0, out->name, sizeof out->name);
		col_text(r, 0, 1, out->role, sizeof out->role);
		col_text(r, 0, 2, out->password, sizeof out->password);
	}
	PQclear(r);
	return have;
}

int
lms_pg_account_get(struct lms_pg *pg, const char *name, struct lms_account *out,
		   struct svc_err *err)
{
	return one_account(
		pg, run(pg, SQL_ACCOUNT_GET, 1, (const char *const[]){ name }, "read account", err),
		out);
}

int
lms_pg_account_add(struct lms_pg *pg, const struct lms_account *a, int64_t now, struct svc_err *err)
{
	char t[24];
	long changed = 0;

	i64(t, now);
	if (run_done(pg, SQL_ACCOUNT_ADD, 4,
		     (const char *const[]){ a->name, a->role, a->password, t }, "add account",
		     &changed, err) != 0)
		return -1;
	if (changed != 1)
		return svc_errf(err, EX_DATAERR, "account '%s' exists already", a->name);
	return 0;
}

int
lms_pg_session_add(struct lms_pg *pg, const char *token_hash, const char *account, int64_t expires,
		   struct svc_err *err)
{
	char old[24], t[24];

	i64(old, expires - 7 * 86400);
	i64(t, expires);
	if (run_done(pg, SQL_SESSION_PURGE, 1, (const char *const[]){ old }, "purge sessions", NULL,
		     err) != 0)
		return -1;
	return run_done(pg, SQL_SESSION_ADD, 3, (const char *const[]){ token_hash, account, t },
			"add session", NULL, err);
}

int
lms_pg_session_get(struct lms_pg *pg, const char *token_hash, int64_t now, struct lms_account *out,
		   struct svc_err *err)
{
	char t[24];

	i64(t, now);
	return one_account(pg,
			   run(pg, SQL_SESSION_GET, 2, (const char *const[]){ token_hash, t },
			       "read session", err),
			   out);
}

int
lms_pg_lan_add(struct lms_pg *pg, const char *hash, const struct lms_lan *lan, const char *creator,
	       struct svc_err *err)
{
	char t[24];

	i64(t, lan->created);
	return run_done(pg, SQL_LAN_ADD, 5,
			(const char *const[]){ hash, lan->hint, lan->option, t, creator },
			"add license access number", NULL, err);
}

int
lms_pg_lan_get(struct lms_pg *pg, const char *hash, struct lms_lan *out, struct svc_err *err)
{
	PGresult *r = run(pg, SQL_LAN_GET, 1, (const char *const[]){ hash },
			  "read license access number", err);
	int have;

	memset(out, 0, sizeof *out);
	if (r == NULL)
		return -1;
	have = PQntuples(r) > 0;
	if (have) {
		col_text(r, 0, 0, out->hint, sizeof out->hint);
		col_text(r, 0, 1, out->option, sizeof out->option);
		col_text(r, 0, 2, out->serial, sizeof out->serial);
		out->license = col_int(r, 0, 3);
		out->created = col_int(r, 0, 4);
		out->redeemed = col_int(r, 0, 5);
	}
	PQclear(r);
	return have;
}

int
lms_pg_lan_redeem(struct lms_pg *pg, const char *hash, const char *serial, int64_t license,
		  int64_t now, struct svc_err *err)
{
	char l[24], t[24];
	long changed = 0;

	i64(l, license);
	i64(t, now);
	if (run_done(pg, SQL_LAN_REDEEM, 4, (const char *const[]){ hash, serial, l, t },
		     "redeem license access number", &changed, err) != 0)
		return -1;
	if (changed != 1)
		return svc_errf(err, EX_DATAERR, "license access number was redeemed already");
	return 0;
}

int
lms_pg_audit_add(struct lms_pg *pg, const struct lms_audit *a, struct svc_err *err)
{
	char t[24];

	i64(t, a->at);
	return run_done(pg, SQL_AUDIT_ADD, 7,
			(const char *const[]){ t, a->account, a->address, a->action, a->subject,
					       a->result, a->detail },
			"write audit", NULL, err);
}

int
lms_pg_audit_failures(struct lms_pg *pg, const char *action, const char *account,
		      const char *address, int64_t since, int64_t *n, struct svc_err *err)
{
	char t[24];
	PGresult *r;

	*n = 0;
	i64(t, since);
	r = run(pg, SQL_AUDIT_FAILURES, 4, (const char *const[]){ action, account, address, t },
		"count failures", err);
	if (r == NULL)
		return -1;
	*n = col_int(r, 0, 0);
	PQclear(r);
	return 0;
}

int
lms_pg_audit(struct lms_pg *pg, int64_t limit, lms_audit_fn fn, void *arg, struct svc_err *err)
{
	char l[24];
	PGresult *r;
	struct lms_audit a;
	int rc = 0;

	i64(l, limit);
	r = run(pg, SQL_AUDIT, 1, (const char *const[]){ l }, "read audit", err);
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && rc == 0; i++) {
		memset(&a, 0, sizeof a);
		a.id = col_int(r, i, 0);
		a.at = col_int(r, i, 1);
		col_text(r, i, 2, a.account, sizeof a.account);
		col_text(r, i, 3, a.address, sizeof a.address);
		col_text(r, i, 4, a.action, sizeof a.action);
		col_text(r, i, 5, a.subject, sizeof a.subject);
		col_text(r, i, 6, a.result, sizeof a.result);
		col_text(r, i, 7, a.detail, sizeof a.detail);
		rc = fn(arg, &a) != 0 ? -1 : 0;
	}
	PQclear(r);
	return rc;
}
