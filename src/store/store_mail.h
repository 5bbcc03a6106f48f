/* The mail client's tables: the communication log and the messages
 * received for user inboxes. */
#ifndef SVC_STORE_MAIL_H
#define SVC_STORE_MAIL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct store_mail_log {
	int64_t id;
	const char *at; /* set by the store on add */
	const char *direction, *operation, *server, *mechs, *mech, *tls, *result, *message, *steps;
	int code;
};

int store_mail_log_add(struct store *st, const struct store_mail_log *r, struct svc_err *err);
typedef int (*store_mail_log_fn)(void *arg, const struct store_mail_log *r);
/* The last LIMIT rows (all if LIMIT <= 0), oldest first. */
int store_mail_log_each(struct store *st, int limit, store_mail_log_fn fn, void *arg,
			struct svc_err *err);
/* Deletes every log row and message; counts in *nlog and *nmsg. */
int store_mail_erase(struct store *st, int64_t *nlog, int64_t *nmsg, struct svc_err *err);

/* The UIDLs of the messages stored from SERVER (host) for USER. Add
 * inside the transaction that stores the message's document. */
int store_mail_uidl_add(struct store *st, const char *server, const char *user, const char *uidl,
			int box, struct svc_err *err);
typedef int (*store_mail_uidl_fn)(void *arg, const char *uidl);
/* Every recorded UIDL of SERVER and USER, in byte order. */
int store_mail_uidl_each(struct store *st, const char *server, const char *user,
			 store_mail_uidl_fn fn, void *arg, struct svc_err *err);
int store_mail_uidl_forget(struct store *st, const char *server, const char *user, const char *uidl,
			   struct svc_err *err);
/* Deletes every recorded UIDL; the count in *n. */
int store_mail_uidl_erase(struct store *st, int64_t *n, struct svc_err *err);

/* The Message-IDs (or "sha256:HEX") of the messages stored in user
 * inboxes. seen: 1 recorded, 0 not, -1 error. Add inside the transaction
 * that stores the message's document; VIA is "smtp" or "pop". */
int store_mail_msgid_seen(struct store *st, const char *msgid, struct svc_err *err);
int store_mail_msgid_add(struct store *st, const char *msgid, int box, const char *via,
			 struct svc_err *err);
int store_mail_msgid_erase(struct store *st, int64_t *n, struct svc_err *err);

#endif
