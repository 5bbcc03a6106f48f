/*
 * What the LMS does, for its command line (lms.c) and its network service
 * (lms_api.c) alike: issue keys, check transfer numbers, move licenses,
 * redeem License Access Numbers, manage accounts and sessions. Every
 * change is one transaction (BEGIN IMMEDIATE) and every action, refused
 * or not, is audited with who asked and from where.
 *
 * Errors: -1 with ERR filled (sysexits code, message naming the value)
 * and core->code set to a stable upper-case code ("NUMBER_USED") that the
 * API returns; the database is then unchanged but for the audit row.
 */
#ifndef SVC_LMS_CORE_H
#define SVC_LMS_CORE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "license/scheme.h"
#include "store/lms/lms_db.h"

struct lms_core {
	struct lms_db *db;
	const char *secret; /* the vendor secret */
	size_t secret_len;
	const char *account; /* who asks: an account, or "(cli)" */
	const char *address; /* from where: an IP address, or "local" */
	int max_failures;    /* wrong numbers per account or address in the window */
	int max_signin;      /* failed sign-ins per account or address in the window */
	const char *code;    /* the stable code of the last refusal */
	bool retry;          /* a conflict now means another try, not a refusal */
};

#define LMS_WINDOW 900  /* seconds over which failures are counted */
#define LMS_LAN_TEXT 20 /* 16 symbols + 3 dashes + NUL */

/* A key given out, and for a transfer or verification where it came from. */
struct lms_grant {
	char serial[16];
	char option[16];
	int64_t number; /* license number */
	char key[LIC_TEXT];
	char from[16];        /* transfers: the source device */
	int64_t from_license; /* the license the number ended */
	unsigned counter;     /* the device's invalidation counter */
	char transfer[LIC_TEXT];
	char issued[32];
};

/* The key of SERIAL/OPTION: the live license's, or a new one. */
int lms_issue(struct lms_core *c, const char *serial, const char *option, struct lms_grant *out,
	      struct svc_err *err);
/* Checks transfer NUMBER. FROM and OPTION may be NULL: the license is then
 * found from the number; given, they must match it. */
int lms_verify(struct lms_core *c, const char *from, const char *option, const char *number,
	       struct lms_grant *out, struct svc_err *err);
/* Verifies NUMBER, ends its license and issues one for TO. */
int lms_transfer(struct lms_core *c, const char *from, const char *to, const char *option,
		 const char *number, struct lms_grant *out, struct svc_err *err);
/* Redeems License Access Number LAN for SERIAL. */
int lms_redeem(struct lms_core *c, const char *lan, const char *serial, struct lms_grant *out,
	       struct svc_err *err);
/* COUNT new License Access Numbers for OPTION, each given to FN. */
int lms_lan_create(struct lms_core *c, const char *option, int count,
		   void (*fn)(void *arg, const char *lan), void *arg, struct svc_err *err);

typedef int (*lms_grant_fn)(void *arg, const struct lms_license *l, const char *key);
/* SERIAL's licenses, oldest first, with the key of the live ones. */
int lms_licenses(struct lms_core *c, const char *serial, lms_grant_fn fn, void *arg,
		 struct svc_err *err);

/* A new account; ROLE engineer or admin; PASSWORD at least 10 characters. */
int lms_account_add(struct lms_core *c, const char *name, const char *role, const char *password,
		    struct svc_err *err);
/* Signs USER in: a new token (64 hex digits) valid for TTL seconds. */
int lms_signin(struct lms_core *c, const char *user, const char *password, int64_t ttl,
	       char token[65], int64_t *expires, struct svc_err *err);
/* The account of a live session TOKEN: 0 and OUT, or -1 (UNAUTHORIZED). */
int lms_session(struct lms_core *c, const char *token, struct lms_account *out,
		struct svc_err *err);

/* The address `serve --listen` names: an IPv4 address, or an IPv6 one in
 * brackets (RFC 3986), and a port (0: any free one). */
struct lms_listen {
	struct sockaddr_storage addr; /* a sockaddr_in or sockaddr_in6 */
	socklen_t len;
	char host[INET6_ADDRSTRLEN]; /* without brackets: "127.0.0.1", "::1" */
};
/* Parses LISTEN ("127.0.0.1:8443", "[::1]:8443", "[::]:0") into OUT; -1
 * and EX_USAGE naming the part that is wrong, OUT zeroed. */
int lms_listen_parse(const char *listen, struct lms_listen *out, struct svc_err *err);
/* "HOST:PORT", or "[HOST]:PORT" for IPv6, for messages: OUT[80]. */
void lms_listen_name(const struct lms_listen *l, unsigned port, char out[80]);

/* Records an action of c->account at c->address. */
void lms_audit(struct lms_core *c, const char *action, const char *subject, const char *result,
	       const char *detail);

#endif
