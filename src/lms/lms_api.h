/*
 * The LMS's HTTP API and web pages, behind lms_http.c: one request in,
 * one response out. Routes are a table (lms_api.c); every handler is a
 * small function over lms_core. Errors are JSON,
 * {"error":{"code":"STABLE_CODE","message":"..."}}, with an HTTP status
 * from the table of codes.
 */
#ifndef SVC_LMS_API_H
#define SVC_LMS_API_H

#include <stddef.h>
#include <stdint.h>

#include "lms/lms_core.h"
#include "util/strbuf.h"

/* What `svcmode-lms serve` was told. */
struct lms_serve_opts {
	const char *db_path;
	const char *listen; /* HOST:PORT; port 0 picks a free one */
	const char *tls_cert, *tls_key;
	const char *secret;
	size_t secret_len;
	int rate;         /* requests per second per address (0: no limit) */
	int max_failures; /* wrong numbers per account or address in 15 minutes */
	int max_signin;   /* failed sign-ins per account or address in 15 minutes */
	int64_t token_ttl;
	int threads;
	int timeout; /* seconds a connection may sit without a byte either way */
};

/* Bearer sessions that a server thread found live this second. Nothing
 * ends a session before it expires and the database compares expiry to
 * the second (lms_db_session_get: expires > now), so within that second
 * it would answer the same: a cached session is not asked for again
 * until the clock moves on. Keyed by the token's SHA-256. */
#define LMS_SESSION_SLOTS 8
struct lms_session_cache {
	int64_t second;
	int n;
	struct {
		unsigned char digest[32];
		struct lms_account who; /* without the password hash */
	} slot[LMS_SESSION_SLOTS];
};

struct lms_req {
	const char *method, *path;
	const char *body; /* NUL-terminated */
	const char *authorization, *cookie, *content_type;
	const char *(*arg)(void *conn, const char *name); /* query or form value */
	void *conn;
	char address[64];
	const struct lms_serve_opts *opts;
	struct lms_core core;
	struct lms_account who;             /* signed in: core.account points into it */
	struct lms_session_cache *sessions; /* the thread's, or NULL: none */
	/* the response */
	int status;
	const char *type;
	struct strbuf out;
	char location[128];   /* a redirect, if set */
	char set_cookie[160]; /* a cookie to set, if set */
};

/* Handles R: fills status, type and out (never fails: errors are
 * responses). R->core.db is the calling thread's database. */
void lms_api_handle(struct lms_req *r);

/* The HTTP status of a stable error code. */
int lms_api_status(const char *code);
/* R's response: the JSON error CODE with MESSAGE. */
void lms_api_error(struct lms_req *r, const char *code, const char *message);

/* The web pages (lms_web.c): 1 if PATH is one of them (handled), else 0. */
int lms_web_handle(struct lms_req *r);

#endif
