/*
 * `svcmode-lms serve`: the HTTP/1.1 server, on GNU libmicrohttpd (TLS in
 * the server through its GnuTLS back end). Why that library: it is small,
 * maintained by GNU for two decades, in Debian as libmicrohttpd-dev, and
 * carries GNU Taler's exchange, a C payment service of the same shape as
 * this one; it has the limits a public service needs (connection timeout,
 * connections per address, memory per connection) as options.
 *
 * Threads: a pool of MHD threads, each with its own database connection
 * (opened before serving, taken on first use, closed when the thread
 * ends); on SQLite transactions are BEGIN IMMEDIATE, so requests on
 * different threads serialize there.
 * SIGTERM or SIGINT stops the daemon: requests under way finish, then
 * the threads and their connections close.
 */
#include "lms/lms_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lms/lms_api.h"
#include "util/fsutil.h"

#define BODY_MAX 16384 /* bytes: every request of the API is far smaller */
#define BUCKETS 4096

struct bucket {
	char addr[64];
	double tokens, last;
};

struct server {
	const struct lms_serve_opts *o;
	pthread_key_t db_key;
	pthread_key_t sessions_key; /* the thread's struct lms_session_cache */
	pthread_mutex_t lock;       /* the buckets, the ready connections */
	struct bucket *buckets;
	/* Connections opened before serving, one per thread: a thread takes
	 * one on its first request, which then does not wait for the
	 * connection's set-up (on PostgreSQL a SCRAM sign-in and the schema
	 * check, a few ms each, all threads at once). */
	struct lms_db **ready;
	int nready;
};

struct conn_state {
	struct strbuf body;
	bool too_large, limited;
};

static void
db_free(void *p)
{
	lms_db_close(p);
}

/* The calling thread's database: one opened before serving, or opened now
 * when those have gone to other threads. */
static struct lms_db *
thread_db(struct server *s, struct svc_err *err)
{
	struct lms_db *db = pthread_getspecific(s->db_key);

	if (db != NULL)
		return db;
	pthread_mutex_lock(&s->lock);
	if (s->nready > 0)
		db = s->ready[--s->nready];
	pthread_mutex_unlock(&s->lock);
	if (db != NULL || lms_db_open(s->o->db_path, &db, err) == 0)
		pthread_setspecific(s->db_key, db);
	return db;
}

/* One connection per thread, opened before serving: a wrong --db also
 * fails here, at start, rather than on each request. */
static int
ready_open(struct server *s, struct svc_err *err)
{
	s->ready = xcalloc((size_t)s->o->threads, sizeof(struct lms_db *));
	for (; s->nready < s->o->threads; s->nready++)
		if (lms_db_open(s->o->db_path, &s->ready[s->nready], err) != 0)
			return -1;
	return 0;
}

static void
ready_close(struct server *s)
{
	while (s->nready > 0)
		lms_db_close(s->ready[--s->nready]);
	free(s->ready);
	s->ready = NULL;
}

static void
sessions_free(void *p)
{
	if (p)
		OPENSSL_cleanse(p, sizeof(struct lms_session_cache));
	free(p);
}

/* The calling thread's session cache, made on first use. */
static struct lms_session_cache *
thread_sessions(struct server *s)
{
	struct lms_session_cache *sc = pthread_getspecific(s->sessions_key);

	if (sc == NULL) {
		sc = xcalloc(1, sizeof *sc);
		pthread_setspecific(s->sessions_key, sc);
	}
	return sc;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Token bucket per address: RATE a second, bursts of twice that. Addresses
 * that share a slot share a bucket, which errs on the strict side. */
static bool
rate_ok(struct server *s, const char *addr)
{
	unsigned h = 5381;
	struct bucket *b;
	double t = now_s();
	bool ok;

	if (s->o->rate <= 0)
		return true;
	for (const char *p = addr; *p; p++)
		h = h * 33 + (unsigned char)*p;
	pthread_mutex_lock(&s->lock);
	b = &s->buckets[h % BUCKETS];
	if (strcmp(b->addr, addr) != 0) {
		strlcpy_(b->addr, addr, sizeof b->addr);
		b->tokens = 2.0 * s->o->rate;
		b->last = t;
	}
	b->tokens += (t - b->last) * s->o->rate;
	if (b->tokens > 2.0 * s->o->rate)
		b->tokens = 2.0 * s->o->rate;
	b->last = t;
	ok = b->tokens >= 1.0;
	if (ok)
		b->tokens -= 1.0;
	pthread_mutex_unlock(&s->lock);
	return ok;
}

static void
peer_address(struct MHD_Connection *c, char out[64])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	strlcpy_(out, "unknown", 64);
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, 64);
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, 64);
}

static const char *
conn_arg(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND | MHD_POSTDATA_KIND, name);
}

static enum MHD_Result
send_response(struct MHD_Connection *c, struct lms_req *r)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(
		r->out.len, r->out.buf ? r->out.buf : (char *)"", MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", r->type ? r->type : "application/json");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; frame-ancestors 'none'; form-action 'self'");
	if (r->location[0])
		MHD_add_response_header(resp, "Location", r->location);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->status == 429)
		MHD_add_response_header(resp, "Retry-After", "60");
	ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
respond_error(struct MHD_Connection *c, const char *code, const char *msg)
{
	struct lms_req r = { .out = STRBUF_INIT };
	enum MHD_Result ret;

	lms_api_error(&r, code, msg);
	ret = send_response(c, &r);
	sb_release(&r.out);
	return ret;
}

static enum MHD_Result
dispatch(struct server *s, struct MHD_Connection *c, const char *url, const char *method,
	 struct conn_state *st)
{
	struct lms_req r = { .out = STRBUF_INIT, .opts = s->o };
	struct svc_err err = { 0 };
	enum MHD_Result ret;

	r.method = method;
	r.path = url;
	r.body = st->body.buf ? st->body.buf : "";
	r.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
	r.cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "lms_session");
	r.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
	r.arg = conn_arg;
	r.conn = c;
	peer_address(c, r.address);
	r.core.db = thread_db(s, &err);
	r.sessions = thread_sessions(s);
	r.core.secret = s->o->secret;
	r.core.secret_len = s->o->secret_len;
	r.core.address = r.address;
	r.core.max_failures = s->o->max_failures;
	r.core.max_signin = s->o->max_signin;
	if (r.core.db == NULL)
		lms_api_error(&r, "BUSY", err.msg);
	else
		lms_api_handle(&r);
	ret = send_response(c, &r);
	sb_release(&r.out);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
	   const char *version, const char *upload, size_t *upload_size, void **req_cls)
{
	struct server *s = cls;
	struct conn_state *st = *req_cls;
	char addr[64];

	(void)version;
	if (st == NULL) {
		const char *len = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");

		st = xcalloc(1, sizeof *st);
		*req_cls = st;
		peer_address(c, addr);
		st->limited = !rate_ok(s, addr);
		st->too_large = len && strtoull(len, NULL, 10) > BODY_MAX;
		return MHD_YES;
	}
	if (*upload_size) {
		/* The body is read to its end but kept only up to the limit. */
		if (!st->too_large && st->body.len + *upload_size <= BODY_MAX)
			sb_add(&st->body, upload, *upload_size);
		else
			st->too_large = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (st->limited)
		return respond_error(c, "RATE_LIMITED", "too many requests from this address");
	if (st->too_large)
		return respond_error(c, "TOO_LARGE", "the request body is over 16 KiB");
	return dispatch(s, c, url, method, st);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **req_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct conn_state *st = *req_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (st) {
		sb_release(&st->body);
		free(st);
		*req_cls = NULL;
	}
}

static struct MHD_Daemon *
start(struct server *s, const struct lms_listen *la, const char *cert, const char *key)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;

	if (cert)
		flags |= MHD_USE_TLS;
	if (la->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	return MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &la->addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)s->o->threads, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)s->o->timeout, MHD_OPTION_CONNECTION_LIMIT, 512u,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)65536, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		cert ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, cert, MHD_OPTION_HTTPS_MEM_KEY,
		key, MHD_OPTION_END);
}

/* Waits for SIGTERM or SIGINT (blocked in every thread). */
static int
wait_signal(const sigset_t *set)
{
	int sig = 0;

	while (sigwait(set, &sig) != 0)
		;
	return sig;
}

int
lms_serve(const struct lms_serve_opts *o, struct svc_err *err)
{
	struct server s = { .o = o };
	struct strbuf cert = STRBUF_INIT, key = STRBUF_INIT;
	struct MHD_Daemon *d = NULL;
	struct lms_listen la;
	char name[80];
	const union MHD_DaemonInfo *info;
	sigset_t set;
	int rc = -1, sig;

	if (lms_listen_parse(o->listen, &la, err) != 0)
		return -1;
	if ((o->tls_cert == NULL) != (o->tls_key == NULL))
		return svc_errf(err, EX_USAGE, "TLS needs both --tls-cert FILE and --tls-key FILE");
	if (o->tls_cert && (fs_read(o->tls_cert, 1 << 20, &cert, err) != 0 ||
			    fs_read(o->tls_key, 1 << 20, &key, err) != 0))
		goto out;
	if (ready_open(&s, err) != 0)
		goto out;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	pthread_mutex_init(&s.lock, NULL);
	pthread_key_create(&s.db_key, db_free);
	pthread_key_create(&s.sessions_key, sessions_free);
	s.buckets = xcalloc(BUCKETS, sizeof *s.buckets);
	d = start(&s, &la, o->tls_cert ? cert.buf : NULL, key.buf);
	if (d == NULL) {
		svc_errf(err, EX_UNAVAILABLE, "cannot serve on %s (in use, or a bad certificate?)",
			 o->listen);
		goto out_threads;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	lms_listen_name(&la, info ? (unsigned)info->port : 0u, name);
	fprintf(stderr, "svcmode-lms: serving %s on %s\n", o->tls_cert ? "https" : "http", name);
	sig = wait_signal(&set);
	fprintf(stderr, "svcmode-lms: signal %d: stopping\n", sig);
	MHD_stop_daemon(d);
	rc = 0;
out_threads:
	free(s.buckets);
	pthread_key_delete(s.sessions_key);
	pthread_key_delete(s.db_key);
	pthread_mutex_destroy(&s.lock);
out:
	ready_close(&s);
	sb_release(&cert);
	sb_release(&key);
	return rc;
}
