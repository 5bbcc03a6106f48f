/*
 * The license server's own SQLite file: licenses issued and transfers
 * accepted (schema/lms/). The only code of svcmode-lms that talks to
 * SQLite. Errors as in
 * store.h (EX_CANTCREAT, EX_DATAERR for a foreign file, EX_TEMPFAIL busy).
 */
#ifndef SVC_LMS_DB_H
#define SVC_LMS_DB_H

#include <stdint.h>

#include "util/err.h"

struct lms_db;

struct lms_license {
	int64_t number;
	char serial[16];
	char option[16];
	char state[16]; /* issued, transferred */
	char issued[32];
};

struct lms_transfer {
	char number[32]; /* normalized: 24 digits in dashed groups */
	char from[16];
	char to[16];
	char option[16];
	int64_t counter;
	int64_t license;     /* the license it ended on FROM */
	int64_t new_license; /* the license issued for TO */
	char at[32];
};

/* Opens PATH, creating it (0600) with its schema if missing. */
int lms_db_open(const char *path, struct lms_db **out, struct svc_err *err);
void lms_db_close(struct lms_db *db);
int lms_db_begin(struct lms_db *db, struct svc_err *err); /* BEGIN IMMEDIATE */
int lms_db_commit(struct lms_db *db, struct svc_err *err);
void lms_db_rollback(struct lms_db *db);

/* The live (issued) license of SERIAL/OPTION: 1 and OUT, or 0. */
int lms_db_live(struct lms_db *db, const char *serial, const char *option, struct lms_license *out,
		struct svc_err *err);
typedef int (*lms_license_fn)(void *arg, const struct lms_license *l);
/* Licenses of SERIAL (NULL: all), of OPTION (NULL: all), oldest first. */
int lms_db_licenses(struct lms_db *db, const char *serial, const char *option, lms_license_fn fn,
		    void *arg, struct svc_err *err);
/* A new issued license; *number is its license number. */
int lms_db_license_add(struct lms_db *db, const char *serial, const char *option, int64_t *number,
		       struct svc_err *err);
int lms_db_license_end(struct lms_db *db, int64_t number, struct svc_err *err);

int lms_db_transfer_get(struct lms_db *db, const char *number, struct lms_transfer *out,
			struct svc_err *err);
int lms_db_transfer_add(struct lms_db *db, const struct lms_transfer *t, struct svc_err *err);
typedef int (*lms_transfer_fn)(void *arg, const struct lms_transfer *t);
int lms_db_transfers(struct lms_db *db, lms_transfer_fn fn, void *arg, struct svc_err *err);

#endif
