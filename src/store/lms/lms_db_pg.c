/* The LMS database on PostgreSQL through libpq, behind lms_db.c: the same
 * statements (lms_db_sql.h) and the same schema files, turned into
 * PostgreSQL's dialect when applied. Transactions are SERIALIZABLE; a
 * serialization failure (SQLSTATE 40001, or a deadlock, 40P01) is a
 * conflict: the caller runs the whole action again. */
#include <libpq-fe.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/lms/lms_db_int.h"
#include "util/blob.h"
#include "util/strbuf.h"

extern const struct svc_blob svc_lms_schema_files[];

/* Statements are prepared once per connection (PostgreSQL then parses and
 * plans each once, not at every request): the statement texts are the
 * constants of lms_db_sql.h, so the text's address names it. */
#define PG_MAX_PREPARED 32

struct lms_pg {
	PGconn *conn;
	char *shown; /* the URI without its password */
	bool conflict;
	const char *prepared[PG_MAX_PREPARED]; /* statement sN is prepared[N] */
	int nprepared;
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

static bool
pg_conflict(const void *conn)
{
	return ((const struct lms_pg *)conn)->conflict;
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

static const char *
pg_text(const struct lms_row *row, int col)
{
	return PQgetvalue(row->res, row->i, col); /* "" for NULL */
}

static int64_t
pg_num(const struct lms_row *row, int col)
{
	return strtoll(PQgetvalue(row->res, row->i, col), NULL, 10);
}

/* ST's text in PostgreSQL's words: $N for ?N. To free. */
static char *
pg_text_of(const struct lms_stmt *st)
{
	char *q = xstrdup(st->sql);

	for (char *p = q; (p = strchr(p, '?')) != NULL; p++)
		*p = '$';
	return q;
}

static PGresult *
pg_exec_params(struct lms_pg *pg, const struct lms_stmt *st, const char *const *v)
{
	char *q = pg_text_of(st);
	PGresult *r = PQexecParams(pg->conn, q, st->n, NULL, v, NULL, NULL, 0);

	free(q);
	return r;
}

/* The name of ST's prepared statement in NAME, prepared on first use on
 * this connection; "" when all PG_MAX_PREPARED names are taken (then it
 * runs unprepared). */
static int
pg_prepare(struct lms_pg *pg, const struct lms_stmt *st, char name[16], struct svc_err *err)
{
	PGresult *r;
	char *q;
	int i, ok;

	for (i = 0; i < pg->nprepared && pg->prepared[i] != st->sql; i++)
		;
	name[0] = '\0';
	if (i == PG_MAX_PREPARED)
		return 0;
	snprintf(name, 16, "s%d", i);
	if (i < pg->nprepared)
		return 0;
	q = pg_text_of(st);
	r = PQprepare(pg->conn, name, q, st->n, NULL);
	free(q);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		pg_fail(pg, st->what, r, err);
	PQclear(r);
	if (!ok)
		return -1;
	pg->prepared[pg->nprepared++] = st->sql;
	return 0;
}

#define PG_MAX_PARAMS 8

/* The one place a statement runs, prepared (pg_prepare), the parameters into
 * text, each row of the result to ST->row. Without parameters, as it is. */
static int
pg_run(void *conn, struct lms_stmt *st, struct svc_err *err)
{
	struct lms_pg *pg = conn;
	struct lms_row row = { pg_text, pg_num, NULL, 0 };
	const char *v[PG_MAX_PARAMS];
	char nums[PG_MAX_PARAMS][24], name[16];
	PGresult *r;
	ExecStatusType status;
	int n;

	pg->conflict = false; /* it says how the last statement ended */
	st->changed = 0;
	if (st->n > PG_MAX_PARAMS)
		return svc_errf(err, EX_SOFTWARE, "%s: %d parameters", st->what, st->n);
	for (int i = 0; i < st->n; i++) {
		snprintf(nums[i], sizeof nums[i], "%lld", (long long)st->p[i].num);
		v[i] = st->p[i].is_int ? nums[i] : st->p[i].text;
	}
	if (st->n == 0) /* the text as it is: schema files hold several statements */
		r = PQexec(pg->conn, st->sql);
	else if (pg_prepare(pg, st, name, err) != 0)
		return -1;
	else if (*name)
		r = PQexecPrepared(pg->conn, name, st->n, v, NULL, NULL, 0);
	else
		r = pg_exec_params(pg, st, v);
	status = PQresultStatus(r);
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
		pg_fail(pg, st->what, r, err);
		PQclear(r);
		return -1;
	}
	st->changed = strtol(PQcmdTuples(r), NULL, 10);
	row.res = r;
	for (n = 0; n < PQntuples(r); n++) {
		row.i = n;
		if (st->row && st->row(st->ctx, &row) != 0) {
			n = -1;
			break;
		}
	}
	PQclear(r);
	return n;
}

static int
exec_text(struct lms_pg *pg, const char *sql, const char *what, struct svc_err *err)
{
	struct lms_stmt st = { .sql = sql, .what = what };

	return pg_run(pg, &st, err) < 0 ? -1 : 0;
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

struct meta {
	int64_t app, version;
};

static int
read_meta(void *ctx, const struct lms_row *row)
{
	struct meta *m = ctx;

	m->app = row->num(row, 0);
	m->version = row->num(row, 1);
	return 0;
}

/* Brings the database to the latest schema, in one transaction. */
static int
migrate_in(struct lms_pg *pg, struct svc_err *err)
{
	struct meta m = { LMS_APP_ID, 0 };
	struct lms_stmt st = { .sql = "SELECT app_id, version FROM lms_meta",
			       .what = "read version",
			       .row = read_meta,
			       .ctx = &m };
	struct lms_param p[] = { LMS_INT(LMS_APP_ID), LMS_INT(lms_schema_latest()) };
	int n = 0;
	char *sql;

	if (pg_run(pg, &st, err) < 0)
		return -1;
	if (m.app != LMS_APP_ID || m.version > lms_schema_latest())
		return svc_errf(err, EX_DATAERR,
				"'%s' is not an svcmode-lms database (or a newer one)", pg->shown);
	if (m.version == lms_schema_latest())
		return 0;
	for (const struct svc_blob *b = svc_lms_schema_files; b->name; b++) {
		if (++n <= m.version)
			continue;
		sql = pg_schema(b->data);
		n = exec_text(pg, sql, b->name, err) == 0 ? n : -1;
		free(sql);
		if (n < 0)
			return -1;
	}
	st = (struct lms_stmt){ .sql = "INSERT INTO lms_meta VALUES (?1, ?2)",
				.what = "write version",
				.p = p,
				.n = 2 };
	if (exec_text(pg, "DELETE FROM lms_meta", "write version", err) != 0 ||
	    pg_run(pg, &st, err) < 0)
		return -1;
	return 0;
}

static void pg_rollback(void *conn);
static void pg_close(void *conn);

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
			pg_rollback(pg);
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
lms_pg_open(const char *uri, void **out, struct svc_err *err)
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
		pg_close(pg);
		return -1;
	}
	PQsetNoticeProcessor(pg->conn, quiet, NULL);
	if (migrate(pg, err) != 0) {
		pg_close(pg);
		return -1;
	}
	*out = pg;
	return 0;
}

static void
pg_close(void *conn)
{
	struct lms_pg *pg = conn;

	if (pg == NULL)
		return;
	PQfinish(pg->conn);
	free(pg->shown);
	free(pg);
}

/* Every action's transaction is SERIALIZABLE: PostgreSQL then refuses
 * (40001) whichever of two concurrent transfers of one number commits
 * second, and the caller's retry finds the number used. */
static int
pg_begin(void *conn, struct svc_err *err)
{
	return exec_text(conn, "BEGIN ISOLATION LEVEL SERIALIZABLE", "begin", err);
}

static int
pg_commit(void *conn, struct svc_err *err)
{
	struct lms_pg *pg = conn;

	if (PQtransactionStatus(pg->conn) == PQTRANS_INERROR)
		return svc_errf(err, EX_SOFTWARE, "LMS database '%s': commit after a failure",
				pg->shown);
	return exec_text(pg, "COMMIT", "commit", err);
}

static void
pg_rollback(void *conn)
{
	struct lms_pg *pg = conn;

	if (PQtransactionStatus(pg->conn) != PQTRANS_IDLE)
		PQclear(PQexec(pg->conn, "ROLLBACK"));
}

const struct lms_backend lms_pg_backend = {
	pg_run, pg_begin, pg_commit, pg_rollback, pg_conflict, pg_close,
};
