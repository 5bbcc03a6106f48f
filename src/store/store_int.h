/*
 * Inside the store module only: the connection, the statement cache and
 * helpers that the per-feature store_*.c files share. Nothing outside
 * src/store/ includes this header; sqlite3.h only here and in the license
 * server's own database (src/lms/lms_db.c, through store_sql.h).
 */
#ifndef SVC_STORE_INT_H
#define SVC_STORE_INT_H

#include <sqlite3.h>

#include "store/store_sql.h"

#include "store/store.h"

#define STORE_MAX_STMTS 96
#define STORE_MAX_WATCH 8
#define STORE_MAX_PENDING 64

struct store {
	sqlite3 *db;
	char *path;
	int version;
	int depth; /* transaction nesting */
	struct {
		const char *sql; /* identity is the pointer: SQL lives in static consts */
		sqlite3_stmt *stmt;
	} stmts[STORE_MAX_STMTS];
	int nstmts;
	struct {
		store_watch_fn fn;
		void *arg;
	} watch[STORE_MAX_WATCH];
	int nwatch;
	char *pending[STORE_MAX_PENDING]; /* keys changed in the open transaction */
	int npending;
	bool pending_overflow;
};

/* A reset statement from the cache, ready to bind. NULL + err on failure. */
sqlite3_stmt *store_stmt(struct store *st, const char *sql, struct svc_err *err);
/* Fills err from the connection's last error and returns -1. */
int store_fail(struct store *st, const char *what, struct svc_err *err);
/* Steps a statement that returns no rows; checks it ended in SQLITE_DONE. */
int store_exec_stmt(struct store *st, sqlite3_stmt *s, const char *what, struct svc_err *err);
/*
 * Steps S (bound, from store_stmt) and calls ROW for each row until ROW
 * returns non-zero; S is reset in every case. Returns ROW's non-zero value,
 * 0 after the last row, or -1 with err (store_fail, WHAT) if a step failed.
 */
typedef int (*store_row_fn)(void *arg, sqlite3_stmt *s);
int store_each_row(struct store *st, sqlite3_stmt *s, store_row_fn row, void *arg, const char *what,
		   struct svc_err *err);
/* A store_row_fn for rows of (name, count): FN(ARG, name, count); 1 stops. */
struct store_named_count {
	int (*fn)(void *arg, const char *name, int64_t n);
	void *arg;
};
int store_row_named_count(void *arg, sqlite3_stmt *s);
/* Runs one SQL text with no parameters (pragmas, schema). */
int store_exec(struct store *st, const char *sql, struct svc_err *err);
/* Records KEY for the watchers of the open transaction. */
void store_note_change(struct store *st, const char *key);

#endif
