/*
 * Inside the LMS database only: what lms_db.c asks of its two backends,
 * SQLite (lms_db_lite.c) and PostgreSQL (lms_db_pg.c, on libpq). The
 * actions of lms_db.h are written once, in lms_db.c, as a statement of
 * lms_db_sql.h, its parameters and a reader of its rows; a backend runs
 * that statement, holds the transaction and says whether the last failure
 * was a conflict worth another try.
 */
#ifndef SVC_LMS_DB_INT_H
#define SVC_LMS_DB_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "store/lms/lms_db.h"

/* A statement's parameter ?N: text (NULL binds NULL) or, with is_int, NUM. */
struct lms_param {
	const char *text;
	int64_t num;
	bool is_int;
};
#define LMS_TEXT(v) ((struct lms_param){ .text = (v) })
#define LMS_INT(v) ((struct lms_param){ .num = (v), .is_int = true })

/* One row of a result, read through its backend's accessors. */
struct lms_row {
	const char *(*text)(const struct lms_row *row, int col); /* "" for NULL */
	int64_t (*num)(const struct lms_row *row, int col);
	const void *res; /* the backend's statement or result */
	int i;           /* the row's index in it */
};
/* Reads ROW into CTX; non-zero stops the statement, which then fails. */
typedef int (*lms_row_fn)(void *ctx, const struct lms_row *row);

struct lms_stmt {
	const char *sql;  /* from lms_db_sql.h: ?N placeholders */
	const char *what; /* for messages: "read license" */
	const struct lms_param *p;
	int n;
	lms_row_fn row; /* NULL: rows are not read */
	void *ctx;
	long changed; /* out: the rows it inserted, updated or deleted */
};

/* A backend's connection and what lms_db.c calls on it. run: the rows read
 * (0 or more) or -1 (ERR filled, unless ROW stopped it). The SQLite
 * backend also serves, in memory, the JSON of requests on PostgreSQL. */
struct lms_backend {
	int (*run)(void *conn, struct lms_stmt *st, struct svc_err *err);
	int (*begin)(void *conn, struct svc_err *err);
	int (*commit)(void *conn, struct svc_err *err);
	void (*rollback)(void *conn);
	bool (*conflict)(const void *conn);
	void (*close)(void *conn);
};

extern const struct lms_backend lms_lite_backend, lms_pg_backend;

/* The schema files of schema/lms, compiled in (cmake/Embed.cmake), and
 * how many: file N (001_, 002_...) brings the database to version N. */
int lms_schema_latest(void);
#define LMS_APP_ID 0x4c4d5331 /* "LMS1": SQLite's application_id, lms_meta's */

/* SQLite: the file PATH, created 0600 with its schema if missing; with
 * SCHEMA false an in-memory database without one (PATH unused). */
int lms_lite_open(const char *path, bool schema, void **out, struct svc_err *err);

/* 1 if TARGET names a PostgreSQL database, 0 if it is a SQLite file. */
int lms_pg_is_uri(const char *target);
/* TARGET with its password (user:PASSWORD@, password=PASSWORD) as ***,
 * for messages: a copy to free. */
char *lms_pg_masked(const char *target);
/* The PostgreSQL database of URI, its schema brought up to date. */
int lms_pg_open(const char *uri, void **out, struct svc_err *err);

#endif
