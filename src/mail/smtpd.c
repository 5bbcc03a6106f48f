/*
 * SMTP reception (RFC 5321): one session with a client on an accepted
 * socket. The device takes mail for its own address only, offers STARTTLS
 * with the key pair in use, announces PIPELINING, SIZE and 8BITMIME, and
 * answers 250 to DATA only once the message is stored (mail_deliver): a
 * client that never saw that reply sends the message again, and its
 * Message-ID keeps it from being stored twice.
 *
 * Limits: command lines of 512 bytes, 10 bad commands, 20 messages and 10
 * recipients per session, the Largest Message Received setting, and the
 * communication timeout for every read and write. The service that accepts
 * connections (src/service) bounds how many sessions run at once.
 */
#include <openssl/err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "catalog/keys.h"
#include "mail/mail_int.h"
#include "tls/tls.h"

#define CMD_MAX 512
#define BAD_MAX 10
#define MSGS_MAX 20
#define RCPT_MAX 10

struct smtpd {
	struct mail_sess s;
	struct mail_conn c;
	SSL_CTX *ctx;
	char host[256], peer[64], helo[256];
	bool greeted, in_mail;
	int nrcpt, bad, msgs, stored, dups;
	size_t max;
};

static int reply(struct smtpd *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
reply(struct smtpd *d, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 2)
		n = (int)strlen(line);
	mail_dialog(&d->s, "S: ", line);
	line[n] = '\r';
	line[n + 1] = '\n';
	return conn_write(&d->c, line, (size_t)n + 2);
}

/* "<addr>" after "FROM:" or "TO:", with optional spaces; the rest (the
 * ESMTP parameters) in *rest. The address may be empty (<>). */
static bool
path_parse(const char *arg, const char *word, char *addr, size_t cap, const char **rest)
{
	size_t wl = strlen(word), n;
	const char *p, *gt;

	if (strncasecmp(arg, word, wl) != 0)
		return false;
	p = arg + wl;
	while (*p == ' ')
		p++;
	if (*p != '<' || (gt = strchr(p, '>')) == NULL)
		return false;
	n = (size_t)(gt - p - 1);
	if (n >= cap)
		return false;
	memcpy(addr, p + 1, n);
	addr[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)addr[i] <= ' ' || addr[i] == '<' || addr[i] == 0x7f)
			return false;
	*rest = gt + 1;
	return true;
}

static void
transaction_reset(struct smtpd *d)
{
	d->in_mail = false;
	d->nrcpt = 0;
}

static int
cmd_ehlo(struct smtpd *d, const char *arg, bool ehlo)
{
	if (*arg == '\0')
		return reply(d, "501 5.5.4 %s needs a domain", ehlo ? "EHLO" : "HELO");
	snprintf(d->helo, sizeof d->helo, "%s", arg);
	d->greeted = true;
	transaction_reset(d);
	if (!ehlo)
		return reply(d, "250 %s", d->host);
	if (reply(d, "250-%s greets %s", d->host, d->peer) != 0 ||
	    reply(d, "250-PIPELINING") != 0 || reply(d, "250-SIZE %zu", d->max) != 0 ||
	    reply(d, "250-8BITMIME") != 0 || reply(d, "250-ENHANCEDSTATUSCODES") != 0 ||
	    (d->c.ssl == NULL && reply(d, "250-STARTTLS") != 0))
		return -1;
	return reply(d, "250 HELP");
}

static int
cmd_starttls(struct smtpd *d)
{
	char pair[64];
	struct svc_err e = { 0 };

	if (d->c.ssl)
		return reply(d, "503 5.5.1 TLS is already active");
	if (d->ctx == NULL) {
		d->ctx = SSL_CTX_new(TLS_server_method());
		if (d->ctx == NULL || SSL_CTX_set_min_proto_version(d->ctx, TLS1_2_VERSION) != 1 ||
		    tls_server_ctx(d->s.dev, d->ctx, pair, sizeof pair, &e) != 0) {
			ERR_clear_error();
			mail_step(&d->s, "STARTTLS refused: %s", e.msg[0] ? e.msg : "no TLS");
			SSL_CTX_free(d->ctx);
			d->ctx = NULL;
			return reply(d, "454 4.7.0 TLS not available");
		}
		mail_step(&d->s, "STARTTLS with key pair '%s'", pair);
	}
	if (reply(d, "220 2.0.0 ready to start TLS") != 0 ||
	    conn_starttls_server(&d->c, d->ctx) != 0)
		return -1;
	/* RFC 3207 4.2: the client starts again from EHLO. */
	d->greeted = false;
	d->helo[0] = '\0';
	transaction_reset(d);
	return 0;
}

static int
cmd_mail(struct smtpd *d, const char *arg)
{
	char from[256];
	const char *rest;

	if (!d->greeted)
		return reply(d, "503 5.5.1 EHLO or HELO first");
	if (d->in_mail)
		return reply(d, "503 5.5.1 MAIL already given");
	if (d->msgs >= MSGS_MAX)
		return reply(d, "452 4.5.3 %d messages in one session: connect again", MSGS_MAX);
	if (!path_parse(arg, "FROM:", from, sizeof from, &rest))
		return reply(d, "501 5.5.4 syntax: MAIL FROM:<address>");
	while (*rest == ' ')
		rest++;
	while (*rest) {
		const char *sp = strchr(rest, ' ');
		size_t n = sp ? (size_t)(sp - rest) : strlen(rest);
		if (n > 5 && strncasecmp(rest, "SIZE=", 5) == 0) {
			if (strtoull(rest + 5, NULL, 10) > d->max)
				return reply(d, "552 5.3.4 message larger than %zu bytes", d->max);
		} else if (!(n > 5 && strncasecmp(rest, "BODY=", 5) == 0)) {
			return reply(d, "555 5.5.4 unsupported parameter %.*s",
				     (int)(n > 40 ? 40 : n), rest);
		}
		rest += n;
		while (*rest == ' ')
			rest++;
	}
	d->in_mail = true;
	d->nrcpt = 0;
	mail_step(&d->s, "MAIL FROM:<%s>", from);
	return reply(d, "250 2.1.0 sender ok");
}

static int
cmd_rcpt(struct smtpd *d, const char *arg)
{
	char to[256];
	const char *rest;

	if (!d->in_mail)
		return reply(d, "503 5.5.1 MAIL first");
	if (!path_parse(arg, "TO:", to, sizeof to, &rest))
		return reply(d, "501 5.5.4 syntax: RCPT TO:<address>");
	if (strcasecmp(to, sb_str(&d->s.cfg.address)) != 0 || *to == '\0') {
		mail_step(&d->s, "RCPT TO:<%s> refused: not this device's address", to);
		return reply(d, "550 5.1.1 <%s>: not this device's address", to);
	}
	if (d->nrcpt >= RCPT_MAX)
		return reply(d, "452 4.5.3 too many recipients");
	d->nrcpt++;
	return reply(d, "250 2.1.5 recipient ok");
}

/* Reads the message up to the lone ".", dot-unstuffed, CRLF line ends:
 * 0 read, 1 larger than the limit (read to its end and dropped), -1 the
 * connection failed. */
static int
data_read(struct smtpd *d, struct strbuf *msg)
{
	struct strbuf line = STRBUF_INIT;
	bool over = false;
	int rc = -1;

	for (;;) {
		const char *p;
		if (conn_readline(&d->c, &line) != 0)
			goto out;
		if (strcmp(line.buf, ".") == 0)
			break;
		p = line.buf[0] == '.' ? line.buf + 1 : line.buf;
		if (over || msg->len + strlen(p) + 2 > d->max) {
			over = true;
			continue;
		}
		sb_adds(msg, p);
		sb_add(msg, "\r\n", 2);
	}
	rc = over ? 1 : 0;
out:
	sb_release(&line);
	return rc;
}

/* The trace field the device adds in front (RFC 5321 4.4). */
static void
received_field(struct smtpd *d, struct strbuf *out)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	sb_addf(out, "Received: from %s ([%s])\r\n\tby %s (svcmode) with %s; %s\r\n", d->helo,
		d->peer, d->host, d->c.ssl ? "ESMTPS" : "ESMTP", date);
}

static int
store_message(struct smtpd *d, const struct strbuf *msg)
{
	struct strbuf doc = STRBUF_INIT;
	char name[64], key[MAIL_MSGID_MAX];
	struct svc_err e = { 0 };
	struct mail_delivery dl = { .box = d->s.cfg.rx_box, .name = name, .via = "smtp" };
	int rc;

	/* The key is the message as the client sent it: a retry carries a
	 * new Received field but the same message. */
	mail_msg_key(msg->buf, msg->len, key, sizeof key);
	received_field(d, &doc);
	sb_add(&doc, msg->buf, msg->len);
	mail_doc_name(name, sizeof name, d->msgs + 1);
	dl.msg = doc.buf;
	dl.len = doc.len;
	dl.key = key;
	rc = mail_deliver(d->s.dev, &dl, &e);
	sb_release(&doc);
	if (rc < 0) {
		mail_step(&d->s, "message %s not stored: %s", key, e.msg);
		return reply(d, "451 4.3.0 cannot store the message now: try again later");
	}
	d->msgs++;
	if (rc == 1) {
		d->dups++;
		mail_step(&d->s, "message %s was stored before: not stored again", key);
	} else {
		d->stored++;
		mail_step(&d->s, "message %s (%zu bytes) stored in inbox %02d", key, msg->len,
			  d->s.cfg.rx_box);
	}
	return reply(d, "250 2.0.0 message stored");
}

static int
cmd_data(struct smtpd *d)
{
	struct strbuf msg = STRBUF_INIT;
	int rc;

	if (!d->in_mail || d->nrcpt == 0)
		return reply(d, "503 5.5.1 %s first", d->in_mail ? "RCPT" : "MAIL");
	if (reply(d, "354 end data with <CRLF>.<CRLF>") != 0)
		return -1;
	rc = data_read(d, &msg);
	transaction_reset(d);
	if (rc == 1) {
		mail_step(&d->s, "message refused: larger than %zu bytes", d->max);
		rc = reply(d, "552 5.3.4 message larger than %zu bytes", d->max);
	} else if (rc == 0) {
		rc = store_message(d, &msg);
	}
	sb_release(&msg);
	return rc;
}

/* One command: 0 go on, 1 the client said QUIT, -1 the connection failed. */
static int
command(struct smtpd *d, const char *line)
{
	char verb[12];
	size_t n = strcspn(line, " ");
	const char *arg = line + n;

	while (*arg == ' ')
		arg++;
	snprintf(verb, sizeof verb, "%.*s", (int)(n < sizeof verb ? n : sizeof verb - 1), line);
	if (strcasecmp(verb, "EHLO") == 0 || strcasecmp(verb, "HELO") == 0)
		return cmd_ehlo(d, arg, strcasecmp(verb, "EHLO") == 0);
	if (strcasecmp(verb, "STARTTLS") == 0)
		return cmd_starttls(d);
	if (strcasecmp(verb, "MAIL") == 0)
		return cmd_mail(d, arg);
	if (strcasecmp(verb, "RCPT") == 0)
		return cmd_rcpt(d, arg);
	if (strcasecmp(verb, "DATA") == 0)
		return cmd_data(d);
	if (strcasecmp(verb, "RSET") == 0) {
		transaction_reset(d);
		return reply(d, "250 2.0.0 reset");
	}
	if (strcasecmp(verb, "NOOP") == 0)
		return reply(d, "250 2.0.0 ok");
	if (strcasecmp(verb, "VRFY") == 0)
		return reply(d, "252 2.5.0 cannot verify, send it and see");
	if (strcasecmp(verb, "HELP") == 0)
		return reply(d, "214 2.0.0 EHLO HELO STARTTLS MAIL RCPT DATA RSET NOOP VRFY QUIT");
	if (strcasecmp(verb, "QUIT") == 0) {
		reply(d, "221 2.0.0 bye");
		return 1;
	}
	d->bad++;
	return reply(d, "500 5.5.2 unknown command");
}

static int
serve(struct smtpd *d)
{
	struct strbuf line = STRBUF_INIT;
	int rc = 0;

	if (reply(d, "220 %s ESMTP svcmode", d->host) != 0)
		return -1;
	while (rc == 0) {
		if (conn_readline(&d->c, &line) != 0) {
			if (d->c.fail == MF_TIMEOUT)
				reply(d, "421 4.4.2 %s timeout: closing", d->host);
			else if (d->c.fail == MF_PROTOCOL && strstr(d->c.why, "closed") == NULL)
				reply(d, "500 5.5.2 %s: closing", d->c.why);
			rc = -1;
			break;
		}
		if (line.len > CMD_MAX) {
			d->bad++;
			rc = reply(d, "500 5.5.2 line too long");
		} else {
			rc = command(d, line.buf);
		}
		if (rc == 0 && d->bad >= BAD_MAX) {
			reply(d, "421 4.7.0 too many bad commands: closing");
			mail_step(&d->s, "%d bad commands: closed", d->bad);
			rc = -1;
		}
	}
	sb_release(&line);
	return rc < 0 ? -1 : 0;
}

/* The name the device greets with: its Host Name setting (TCP/IP
 * Settings), else the system's. */
static void
host_name(struct device *dev, char *out, size_t cap)
{
	struct strbuf v = STRBUF_INIT;

	if (config_get(dev, KEY_NETWORK_TCPIP_HOSTNAME, &v, NULL) == 0 && sb_str(&v)[0])
		snprintf(out, cap, "%s", v.buf);
	else if (gethostname(out, cap - 1) != 0 || out[0] == '\0')
		snprintf(out, cap, "localhost");
	sb_release(&v);
}

int
mail_smtpd(struct device *dev, int fd, const char *peer, const struct mail_io *io,
	   struct svc_err *err)
{
	struct smtpd d = { 0 };
	struct svc_err e = { 0 };
	int rc;

	if (mail_sess_begin(&d.s, dev, io, "rx", "smtp-rx", err) != 0) {
		close(fd);
		return -1;
	}
	snprintf(d.peer, sizeof d.peer, "%s", peer);
	snprintf(d.s.server, sizeof d.s.server, "%s", peer);
	host_name(dev, d.host, sizeof d.host);
	d.max = (size_t)d.s.cfg.rx_max_mb * 1024 * 1024;
	conn_accepted(&d.c, &d.s, fd, d.s.cfg.timeout_s);
	mail_step(&d.s, "connection from %s", peer);
	rc = serve(&d);
	if (rc != 0) {
		mail_step(&d.s, "session ended: %s", d.c.why[0] ? d.c.why : "closed");
		svc_errf(err, EX_PROTOCOL, "%s", d.c.why[0] ? d.c.why : "connection closed");
	}
	mail_step(&d.s, "%d message(s) stored in inbox %02d, %d already stored", d.stored,
		  d.s.cfg.rx_box, d.dups);
	if (d.stored) {
		char detail[160];
		snprintf(detail, sizeof detail, "%d message(s) from %s into inbox %02d by SMTP",
			 d.stored, peer, d.s.cfg.rx_box);
		device_audit(dev, "mail.smtp_rx", NULL, NULL, NULL, detail, &e);
	}
	conn_close(&d.c);
	SSL_CTX_free(d.ctx);
	/* The row says how the session ended; the service goes on either way. */
	return mail_sess_end(&d.s, rc);
}
