/* What lms_db.c and lms_db_svc.c share: the handle and its SQL helpers. */
#ifndef SVC_LMS_DB_INT_H
#define SVC_LMS_DB_INT_H

#include <sqlite3.h>

#include "lms/lms_db.h"

struct lms_db {
	sqlite3 *db;
	char *path;
};

/* -1 with the SQLite error of DB, naming WHAT. */
int lmsdb_fail(struct lms_db *db, const char *what, struct svc_err *err);
sqlite3_stmt *lmsdb_prep(struct lms_db *db, const char *sql, struct svc_err *err);
/* Steps S to its end: 0 if it ended in SQLITE_DONE. Finalizes S. */
int lmsdb_done(struct lms_db *db, sqlite3_stmt *s, const char *what, struct svc_err *err);

#endif
