/*
 * The license server's database: licenses issued and transfers accepted
 * (schema/lms/). A SQLite file by default (lms_db_lite.c); a PostgreSQL
 * database when the target is a postgresql:// or postgres:// URI
 * (lms_db_pg.c, on libpq). Part of the store layer, in its own library
 * svc_store_lms that only svcmode-lms links: the only code of svcmode-lms
 * that talks to either. Errors as in store.h (EX_CANTCREAT, EX_DATAERR for
 * a foreign file, EX_TEMPFAIL busy or a serialization failure,
 * EX_UNAVAILABLE no PostgreSQL server).
 */
#ifndef SVC_LMS_DB_H
#define SVC_LMS_DB_H

#include <stdbool.h>
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

/* Opens PATH, creating it (0600) with its schema if missing; or the
 * PostgreSQL database of the URI PATH, its schema brought up to date. */
int lms_db_open(const char *path, struct lms_db **out, struct svc_err *err);
void lms_db_close(struct lms_db *db);
/* SQLite: BEGIN IMMEDIATE. PostgreSQL: BEGIN ISOLATION LEVEL SERIALIZABLE. */
int lms_db_begin(struct lms_db *db, struct svc_err *err);
int lms_db_commit(struct lms_db *db, struct svc_err *err);
void lms_db_rollback(struct lms_db *db);
/* True when the last statement failed on a conflict with another writer
 * (PostgreSQL: a serialization failure or deadlock; SQLite: busy or
 * locked): roll back and run the whole action again. */
bool lms_db_conflict(const struct lms_db *db);

/* The live (issued) license of SERIAL/OPTION: 1 and OUT, or 0. */
int lms_db_live(struct lms_db *db, const char *serial, const char *option, struct lms_license *out,
		struct svc_err *err);
typedef int (*lms_license_fn)(void *arg, const struct lms_license *l);
/* Licenses of SERIAL (NULL: all), of OPTION (NULL: all), oldest first. */
int lms_db_licenses(struct lms_db *db, const char *serial, const char *option, lms_license_fn fn,
		    void *arg, struct svc_err *err);
/* A new issued license; *number is its license number. 1 when SERIAL holds
 * a live OPTION already: its key (table license_live) refuses the second,
 * and the caller rolls back. Nothing is read first (see schema/lms/004). */
int lms_db_license_add(struct lms_db *db, const char *serial, const char *option, int64_t *number,
		       struct svc_err *err);
/* Ends the live license NUMBER (transferred); EX_DATAERR if it is not live. */
int lms_db_license_end(struct lms_db *db, int64_t number, struct svc_err *err);

int lms_db_transfer_get(struct lms_db *db, const char *number, struct lms_transfer *out,
			struct svc_err *err);
int lms_db_transfer_add(struct lms_db *db, const struct lms_transfer *t, struct svc_err *err);
typedef int (*lms_transfer_fn)(void *arg, const struct lms_transfer *t);
int lms_db_transfers(struct lms_db *db, lms_transfer_fn fn, void *arg, struct svc_err *err);

/* --- the network service (schema/lms/002_service.sql) ------------------ */

struct lms_account {
	char name[64];
	char role[16];      /* engineer, admin */
	char password[192]; /* pbkdf2-sha256$ITER$SALT$HASH */
};

struct lms_lan {
	char hint[8];
	char option[16];
	char serial[16]; /* "" while not redeemed */
	int64_t license;
	int64_t created, redeemed;
};

struct lms_audit {
	int64_t id, at;
	char account[64], address[64], action[32], subject[64], result[32], detail[256];
};

/* The member PATH ("$.user") of the JSON object BODY: 1 and a copy in *OUT
 * (free it) with its JSON type in TYPE[16] ("text", "integer", ...), 0 if
 * absent. EX_DATAERR if BODY is not a JSON object. */
int lms_db_json_get(struct lms_db *db, const char *body, const char *path, char **out,
		    char type[16], struct svc_err *err);

/* 1 and OUT, or 0 if there is no account NAME. */
int lms_db_account_get(struct lms_db *db, const char *name, struct lms_account *out,
		       struct svc_err *err);
/* EX_DATAERR if NAME exists. */
int lms_db_account_add(struct lms_db *db, const struct lms_account *a, int64_t now,
		       struct svc_err *err);

/* Sessions by the SHA-256 (hex) of their token. Get: 1 and the account if
 * the session exists and has not expired at NOW, else 0. */
int lms_db_session_add(struct lms_db *db, const char *token_hash, const char *account,
		       int64_t expires, struct svc_err *err);
int lms_db_session_get(struct lms_db *db, const char *token_hash, int64_t now,
		       struct lms_account *out, struct svc_err *err);

int lms_db_lan_add(struct lms_db *db, const char *hash, const struct lms_lan *lan,
		   const char *creator, struct svc_err *err);
int lms_db_lan_get(struct lms_db *db, const char *hash, struct lms_lan *out, struct svc_err *err);
/* Marks an unredeemed LAN redeemed; EX_DATAERR if it was redeemed. */
int lms_db_lan_redeem(struct lms_db *db, const char *hash, const char *serial, int64_t license,
		      int64_t now, struct svc_err *err);

int lms_db_audit_add(struct lms_db *db, const struct lms_audit *a, struct svc_err *err);
/* Rows of the actions in ACTIONS (",verify,transfer,") since SINCE that
 * failed (not "ok", not "RATE_LIMITED"), by ACCOUNT or by ADDRESS: *n. */
int lms_db_audit_failures(struct lms_db *db, const char *action, const char *account,
			  const char *address, int64_t since, int64_t *n, struct svc_err *err);
typedef int (*lms_audit_fn)(void *arg, const struct lms_audit *a);
/* The LIMIT newest rows, newest first. */
int lms_db_audit(struct lms_db *db, int64_t limit, lms_audit_fn fn, void *arg, struct svc_err *err);

#endif
