/*
 * The few SQLite helpers that the device store and the license server's
 * own database (src/lms/lms_db.c) share: the two are the only code that
 * includes sqlite3.h, and they map SQLite's errors to exit codes the same
 * way.
 */
#ifndef SVC_STORE_SQL_H
#define SVC_STORE_SQL_H

#include <sqlite3.h>

/* Binds TEXT or NULL. */
int store_bind_text(sqlite3_stmt *s, int i, const char *v);
/* Column as text, "" for NULL. */
const char *store_col(sqlite3_stmt *s, int i);
/* The sysexits code of an SQLite (extended) result code: EX_TEMPFAIL busy,
 * EX_DATAERR corrupt, not a database or a constraint, EX_IOERR full, I/O,
 * read-only or cannot open, else EX_SOFTWARE. */
int store_sqlite_ex(int rc);

#endif
