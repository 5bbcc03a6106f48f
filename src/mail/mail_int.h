/* Inside the mail module only. */
#ifndef SVC_MAIL_INT_H
#define SVC_MAIL_INT_H

#include <openssl/ssl.h>
#include <stdbool.h>
#include <stdint.h>

#include "mail/mail.h"
#include "util/strbuf.h"

/* Longest line accepted from a server (RFC 5321 allows 512 for replies,
 * RFC 5322 998 for message lines; this leaves room for broken servers
 * without letting one fill memory). */
#define MAIL_LINE_MAX 4096
/* Largest message accepted by mail receive. */
#define MAIL_MESSAGE_MAX (64L * 1024 * 1024)
/* The idle period between POP QUIT and SMTP connect (device manual). */
#define MAIL_POP_IDLE_MS 300

/* What went wrong on a connection; the protocol maps it to a device code. */
enum mail_fail {
	MF_NONE,
	MF_RESOLVE,  /* name could not be resolved */
	MF_CONNECT,  /* refused, unreachable */
	MF_TIMEOUT,  /* no data within the communication timeout */
	MF_PROTOCOL, /* garbage, over-long line, malformed reply, closed early */
	MF_TLS,      /* handshake or certificate verification */
	MF_AUTH,     /* login refused */
	MF_KERBEROS, /* GSSAPI failed on the client side */
	MF_REFUSED,  /* SMTP refused the message */
	MF_CONFIG,   /* the settings ask for something the server lacks */
};

/* The settings one operation needs, read once. */
struct mail_cfg {
	struct strbuf smtp_host, pop_host, address, pop_login, pop_password, smtp_user,
		smtp_password, keytab;
	int pop_method; /* CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_... */
	int smtp_port, pop_port, timeout_s;
	int rx_max_mb, rx_box; /* SMTP reception's size limit; its inbox and POP Interval's */
	bool pop_before_smtp, smtp_auth, ssl_smtp, ssl_pop, smtps, pop3s, ssl_require, ssl_verify,
		allow_plain;
};

/* One operation: its steps, the log row being built, and the outcome. */
struct mail_sess {
	struct device *dev;
	const struct mail_io *io;
	struct mail_cfg cfg;
	struct strbuf steps;
	char direction[8], operation[16], server[300], mechs[256], mech[32], tls[96];
	/* What a successful session must say beside its OK (PLAIN/LOGIN
	 * refused in clear, so the message went out unauthenticated). */
	char note[200];
	int code;
	struct svc_err *err;
};

struct mail_conn {
	struct mail_sess *s;
	int fd;
	SSL_CTX *ctx;
	SSL *ssl;
	char host[256];
	int timeout_ms;
	char buf[8192];
	size_t pos, len;
	bool mask_in;        /* mask server lines (SASL exchange) */
	enum mail_fail fail; /* why the last call failed */
	char why[200];       /* detail of that failure */
};

/* A session of DIRECTION ("tx", "rx") and OPERATION ("send", "smtp-rx"):
 * opens the System Manager's door and reads the settings. Always end it
 * with mail_sess_end, which writes its communication log row and returns
 * RC, or -1 if the row could not be written. */
int mail_sess_begin(struct mail_sess *s, struct device *dev, const struct mail_io *io,
		    const char *direction, const char *operation, struct svc_err *err);
int mail_sess_end(struct mail_sess *s, int rc);
/* Frees what a failed mail_sess_begin read of the settings. */
void mail_cfg_release(struct mail_cfg *c);
/* 0 when the setting KEY (value V) is set; else -1, err EX_CONFIG names it. */
int mail_need(const struct strbuf *v, const char *key, struct svc_err *err);

/* Steps (always shown and logged) and dialogue (verbose only). */
void mail_step(struct mail_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mail_dialog(struct mail_sess *s, const char *dir, const char *text);
/* Fails the session with device code CODE; returns -1. */
int mail_fail(struct mail_sess *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Connects to HOST:PORT within the timeout; with TLS, handshakes at once. */
int conn_open(struct mail_conn *c, struct mail_sess *s, const char *host, int port, int timeout_s,
	      bool tls);
/* The server side: wraps an accepted socket FD (read and write time out
 * after TIMEOUT_S). */
void conn_accepted(struct mail_conn *c, struct mail_sess *s, int fd, int timeout_s);
/* The server side of STARTTLS with CTX (SSL_accept); anything the client
 * sent before the handshake is dropped. */
int conn_starttls_server(struct mail_conn *c, SSL_CTX *ctx);
void conn_close(struct mail_conn *c);
/* Upgrades to TLS (after STARTTLS/STLS) and records version and cipher. */
int conn_starttls(struct mail_conn *c);
/* Writes LINE + CRLF; SHOW is what the dialogue shows (NULL: LINE). */
int conn_writeline(struct mail_conn *c, const char *line, const char *show);
int conn_write(struct mail_conn *c, const void *data, size_t n);
/* Reads one line without its CRLF into OUT. */
int conn_readline(struct mail_conn *c, struct strbuf *out);
/* The server certificate's subject and expiry, for probe. */
void conn_cert_info(struct mail_conn *c, char *subject, size_t ns, char *expiry, size_t ne);

/* SASL: the mechanisms svcmode supports, strongest first. */
extern const char *const mail_sasl_order[];
/* Fills CAND with the offered mechanisms svcmode will try, in order. */
int sasl_candidates(const char *offered, bool tls, bool allow_plain, const char *cand[], int max);
struct mail_sasl;
/* The GSSAPI client keytab must be a regular file owned by this user (or
 * root) that group and others can neither read nor write, as ssh demands
 * of private keys. 0 fine; -1 with WHY naming the file, what it is and
 * what is expected. */
int sasl_keytab_check(const char *path, char *why, size_t nwhy);
/* Starts MECH for USER/PASSWORD toward SERVICE@HOST: 0 started, 2 the
 * client keytab was refused (a Kerberos failure), -1 anything else. */
int sasl_start(struct mail_sasl **out, const char *mech, const char *service, const char *host,
	       const char *user, const char *password, const char *keytab, char *why, size_t nwhy);
/* One step: IN is the server's base64 (may be ""); *out the client's base64
 * (malloc'd). 0 done, 1 needs more, -1 failed (*kerberos when GSS-API). */
int sasl_step(struct mail_sasl *m, const char *in, char **out, bool *kerberos, char *why,
	      size_t nwhy);
void sasl_free(struct mail_sasl *m);
/* A server refused a GSSAPI exchange whose ticket the KDC had issued:
 * appends the likely Kerberos causes to WHY (the server's reply). */
void sasl_refused_kerberos(char *why, size_t nwhy);

/* The X509_STORE used to verify servers (the one place to add CAs). */
X509_STORE *mail_trust_store(struct device *dev, char *why, size_t nwhy);

/* POP session pieces shared by reception and POP before SMTP. */
struct pop_login_codes {
	int resolve, unreachable, timeout, protocol, tls, refused, apop_missing, kerberos;
};
/* The codes of a POP reception (mail.c). */
extern const struct pop_login_codes mail_codes_rx;
/* Connects, negotiates STLS and logs in with the POP AUTH Method; on
 * failure the session has failed with the matching code of CODES. With
 * PROBE, reports capabilities and certificate and stops before login. */
int pop_open_login(struct mail_sess *s, struct mail_conn *c, const struct pop_login_codes *codes,
		   bool probe);
/* Sends LINE, reads "+OK"/"-ERR": 0 +OK, 1 -ERR, -1 connection failure. */
int pop_command(struct mail_conn *c, const char *line, const char *show, struct strbuf *reply);
/* Reads a multi-line body up to "." (dot-unstuffed, CRLF kept) of at
 * most MAX bytes. */
int pop_multiline(struct mail_conn *c, struct strbuf *out, size_t max);
int pop_quit(struct mail_conn *c);
int pop_conn_failed(struct mail_sess *s, struct mail_conn *c, const struct pop_login_codes *k);

/* SMTP: the whole TX after POP before SMTP. */
int smtp_send(struct mail_sess *s, const char *to, bool probe_only);

/* The reading of server replies on an open connection, without TLS, for
 * the fuzz targets (tests/fuzz): SMTP greeting, EHLO and AUTH; POP greeting,
 * CAPA and login; the STAT reply of a reception. */
int smtp_replies(struct mail_sess *s, struct mail_conn *c);
int pop_replies(struct mail_sess *s, struct mail_conn *c, const struct pop_login_codes *k);
int pop_stat(struct mail_sess *s, struct mail_conn *c, int64_t *count, int64_t *bytes);
/* The UIDL list of a mailbox of COUNT messages, read and dropped: 0, 1
 * (no UIDL) or -1 as a reception sees it. */
int pop_uidl_check(struct mail_sess *s, struct mail_conn *c, int64_t count);

/* One received message for a user inbox. */
struct mail_delivery {
	int box;
	const char *name; /* the document's name */
	const void *msg;
	size_t len;
	const char *via; /* "smtp", "pop" */
	const char *key; /* the de-duplication key; NULL: mail_msg_key of MSG */
	/* POP: the UIDL to record with it (NULL: none), of this server and login. */
	const char *uidl, *pop_server, *pop_user;
};
/* A received message's document name: "mail 2026-12-05 081500 #N" (UTC). */
void mail_doc_name(char *out, size_t cap, long long n);
/* "<id@host>", or "sha256:" and 64 hex digits. */
#define MAIL_MSGID_MAX 256
/* The key that de-duplicates a message: its Message-ID, else the SHA-256
 * of the whole message. */
void mail_msg_key(const void *msg, size_t len, char *out, size_t cap);
/* Stores D's message in its inbox in one transaction with its key (and
 * UIDL), unless a message of the same key was stored before: 0 stored, 1
 * already stored (only the UIDL recorded), -1 with err. */
int mail_deliver(struct device *dev, const struct mail_delivery *d, struct svc_err *err);

/* Lock between a POP reception and POP before SMTP in other processes:
 * the flock(2) of STORE.mail-lock, a file that exists only while a
 * process holds it. 0 locked, 1 not within the timeout, -1 with err. */
int mail_lock(struct mail_sess *s, int *fd);
void mail_unlock(struct mail_sess *s, int fd);

#endif
