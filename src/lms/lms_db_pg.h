/*
 * The LMS database on PostgreSQL (libpq), behind lms_db.h: lms_db.c hands
 * every call over here when --db is a postgresql:// or postgres:// URI.
 * The same statements (lms_db_sql.h) and the same schema files, turned
 * into PostgreSQL's dialect when applied. Transactions are SERIALIZABLE;
 * a serialization failure (SQLSTATE 40001, or a deadlock, 40P01) sets
 * lms_pg_conflict() so that the caller runs the whole action again.
 */
#ifndef SVC_LMS_DB_PG_H
#define SVC_LMS_DB_PG_H

#include <stdbool.h>

#include "lms/lms_db.h"

struct lms_pg;

/* 1 if TARGET names a PostgreSQL database, 0 if it is a SQLite file. */
int lms_pg_is_uri(const char *target);
/* TARGET with its password (user:PASSWORD@, password=PASSWORD) as ***,
 * for messages: a copy to free. */
char *lms_pg_masked(const char *target);

int lms_pg_open(const char *uri, struct lms_pg **out, struct svc_err *err);
void lms_pg_close(struct lms_pg *pg);
int lms_pg_begin(struct lms_pg *pg, struct svc_err *err);
int lms_pg_commit(struct lms_pg *pg, struct svc_err *err);
void lms_pg_rollback(struct lms_pg *pg);
bool lms_pg_conflict(const struct lms_pg *pg);

int lms_pg_live(struct lms_pg *pg, const char *serial, const char *option, struct lms_license *out,
		struct svc_err *err);
int lms_pg_licenses(struct lms_pg *pg, const char *serial, const char *option, lms_license_fn fn,
		    void *arg, struct svc_err *err);
int lms_pg_license_add(struct lms_pg *pg, const char *serial, const char *option, int64_t *number,
		       struct svc_err *err);
int lms_pg_license_end(struct lms_pg *pg, int64_t number, struct svc_err *err);
int lms_pg_transfer_get(struct lms_pg *pg, const char *number, struct lms_transfer *out,
			struct svc_err *err);
int lms_pg_transfer_add(struct lms_pg *pg, const struct lms_transfer *t, struct svc_err *err);
int lms_pg_transfers(struct lms_pg *pg, lms_transfer_fn fn, void *arg, struct svc_err *err);

int lms_pg_account_get(struct lms_pg *pg, const char *name, struct lms_account *out,
		       struct svc_err *err);
int lms_pg_account_add(struct lms_pg *pg, const struct lms_account *a, int64_t now,
		       struct svc_err *err);
int lms_pg_session_add(struct lms_pg *pg, const char *token_hash, const char *account,
		       int64_t expires, struct svc_err *err);
int lms_pg_session_get(struct lms_pg *pg, const char *token_hash, int64_t now,
		       struct lms_account *out, struct svc_err *err);
int lms_pg_lan_add(struct lms_pg *pg, const char *hash, const struct lms_lan *lan,
		   const char *creator, struct svc_err *err);
int lms_pg_lan_get(struct lms_pg *pg, const char *hash, struct lms_lan *out, struct svc_err *err);
int lms_pg_lan_redeem(struct lms_pg *pg, const char *hash, const char *serial, int64_t license,
		      int64_t now, struct svc_err *err);
int lms_pg_audit_add(struct lms_pg *pg, const struct lms_audit *a, struct svc_err *err);
int lms_pg_audit_failures(struct lms_pg *pg, const char *action, const char *account,
			  const char *address, int64_t since, int64_t *n, struct svc_err *err);
int lms_pg_audit(struct lms_pg *pg, int64_t limit, lms_audit_fn fn, void *arg, struct svc_err *err);

#endif
