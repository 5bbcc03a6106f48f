/* What lms_core.c and lms_auth.c share. */
#ifndef SVC_LMS_CORE_INT_H
#define SVC_LMS_CORE_INT_H

#include "lms/lms_core.h"

/* Refuses with CODE: sets it and fills ERR (a variable in scope). */
#define REFUSE(c, ecode, ex, ...) ((c)->code = (ecode), svc_errf(err, (ex), __VA_ARGS__))

/* One try of an action that writes: its transaction, begun, and ended by
 * lms_commit_ok() or lms_refused(); >= 0 done, -1 refused. */
typedef int (*lms_action_fn)(struct lms_core *c, void *args, struct svc_err *err);
/* Runs ONCE(C, ARGS, ERR) again while it fails on a conflict with another
 * writer (lms_db_conflict()), a bounded number of times with a short random
 * wait between: ONCE's result. While another try is due, lms_refused()
 * neither audits the conflict nor sets c->code. */
int lms_retry(struct lms_core *c, lms_action_fn once, void *args, struct svc_err *err);
/* Ends a failed ACTION: rolls back, then audits the refusal; -1. */
int lms_refused(struct lms_core *c, const char *action, const char *subject, struct svc_err *err);
/* Ends a successful ACTION: its audit row and the commit, together. */
int lms_commit_ok(struct lms_core *c, const char *action, const char *subject, const char *detail,
		  struct svc_err *err);
/* Refuses when the account or address failed ACTIONS (",a,b,") MAX times
 * in the last LMS_WINDOW seconds. */
int lms_rate_check(struct lms_core *c, const char *actions, int max, struct svc_err *err);
void lms_sha256_hex(const char *text, char hex[65]);
int lms_make_key(struct lms_core *c, const char *serial, const struct lic_option *opt,
		 int64_t number, char key[LIC_TEXT], struct svc_err *err);
int lms_check_serial(struct lms_core *c, const char *s, struct svc_err *err);
const struct lic_option *lms_find_option(struct lms_core *c, const char *name, struct svc_err *err);

#endif
