/* SMTP client: EHLO, STARTTLS (RFC 3207), AUTH (RFC 4954) with fall-back
 * to normal SMTP as the device manual describes, MAIL/RCPT/DATA. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "mail/mail_int.h"

#define SMTP_MAX_LINES 200 /* lines in one reply */

/* The device codes of SMTP failures, by kind. */
static int
smtp_code(enum mail_fail f)
{
	switch (f) {
	case MF_RESOLVE: return 802;
	case MF_CONNECT: return 801;
	case MF_TIMEOUT: return 803;
	case MF_TLS: return 806;
	case MF_AUTH: return 839;
	case MF_KERBEROS: return 843;
	case MF_REFUSED: return 805;
	default: return 804;
	}
}

static int
conn_failed(struct mail_sess *s, struct mail_conn *c)
{
	return mail_fail(s, smtp_code(c->fail), "smtp server %s: %s", s->server, c->why);
}

/* Reads one reply (RFC 5321 4.2): every line "NNN-text", the last
 * "NNN text" or "NNN", all with the same code. TEXT gets the lines' text
 * joined by '\n'. */
static int
smtp_reply(struct mail_conn *c, int *code, struct strbuf *text)
{
	struct strbuf line = STRBUF_INIT;
	int first = -1, rc = -1;

	sb_reset(text);
	for (int n = 0; n < SMTP_MAX_LINES; n++) {
		const char *l;
		int v;
		if (conn_readline(c, &line) != 0)
			goto out;
		l = line.buf;
		if (line.len < 3 || !isdigit((unsigned char)l[0]) || l[0] < '2' || l[0] > '5' ||
		    !isdigit((unsigned char)l[1]) || !isdigit((unsigned char)l[2]) ||
		    (l[3] != '\0' && l[3] != ' ' && l[3] != '-')) {
			c->fail = MF_PROTOCOL;
			snprintf(c->why, sizeof c->why, "malformed reply '%.60s'", l);
			goto out;
		}
		v = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
		if (first >= 0 && v != first) {
			c->fail = MF_PROTOCOL;
			snprintf(c->why, sizeof c->why, "malformed multi-line reply: %d then %d",
				 first, v);
			goto out;
		}
		first = v;
		if (text->len)
			sb_addc(text, '\n');
		sb_adds(text, l[3] ? l + 4 : "");
		if (l[3] != '-') {
			*code = v;
			rc = 0;
			goto out;
		}
	}
	c->fail = MF_PROTOCOL;
	snprintf(c->why, sizeof c->why, "reply longer than %d lines", SMTP_MAX_LINES);
out:
	if (text->buf == NULL)
		sb_adds(text, "");
	sb_release(&line);
	return rc;
}

/* Sends LINE and reads the reply. */
static int
smtp_cmd(struct mail_conn *c, const char *line, const char *show, int *code, struct strbuf *text)
{
	if (conn_writeline(c, line, show) != 0)
		return -1;
	return smtp_reply(c, code, text);
}

/* The first line of a reply, for messages. */
static const char *
first_line(const struct strbuf *t, char *buf, size_t n)
{
	snprintf(buf, n, "%.*s", (int)strcspn(sb_str(t), "\n"), sb_str(t));
	return buf;
}

struct ehlo {
	bool esmtp, starttls;
	char auth[256];
	struct strbuf lines;
};

/* Adds the words of LIST not yet in AUTH: both the standard "AUTH ..." and
 * the old "AUTH=..." line may be present, usually with the same list. */
static void
add_mechs(char *auth, size_t cap, const char *list)
{
	for (const char *p = list; *p;) {
		size_t w;
		bool dup = false;
		while (*p == ' ')
			p++;
		w = strcspn(p, " ");
		for (const char *q = auth; w && *q;) {
			size_t qw = strcspn(q, " ");
			if (qw == w && strncasecmp(q, p, w) == 0)
				dup = true;
			q += qw + (q[qw] ? 1 : 0);
		}
		if (w && !dup && strlen(auth) + w + 2 < cap)
			snprintf(auth + strlen(auth), cap - strlen(auth), "%s%.*s",
				 *auth ? " " : "", (int)w, p);
		p += w;
	}
}

static int
smtp_ehlo(struct mail_sess *s, struct mail_conn *c, struct ehlo *e)
{
	struct strbuf t = STRBUF_INIT, cmd = STRBUF_INIT;
	char host[128] = "localhost", fl[160];
	int code = 0, rc = -1;

	gethostname(host, sizeof host - 1);
	e->esmtp = e->starttls = false;
	e->auth[0] = '\0';
	sb_reset(&e->lines);
	sb_addf(&cmd, "EHLO %s", host);
	if (smtp_cmd(c, cmd.buf, NULL, &code, &t) != 0)
		goto fail;
	if (code != 250) {
		mail_step(s, "EHLO refused (%d): trying HELO", code);
		sb_reset(&cmd);
		sb_addf(&cmd, "HELO %s", host);
		if (smtp_cmd(c, cmd.buf, NULL, &code, &t) != 0)
			goto fail;
		if (code != 250) {
			mail_fail(s, 804, "smtp server %s refused HELO: %d %s", s->server, code,
				  first_line(&t, fl, sizeof fl));
			goto out;
		}
		rc = 0;
		goto out;
	}
	e->esmtp = true;
	sb_adds(&e->lines, t.buf);
	for (char *l = t.buf, *next; l && *l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		if (strcasecmp(l, "STARTTLS") == 0)
			e->starttls = true;
		else if (strncasecmp(l, "AUTH ", 5) == 0 || strncasecmp(l, "AUTH=", 5) == 0)
			add_mechs(e->auth, sizeof e->auth, l + 5);
	}
	rc = 0;
	goto out;
fail:
	conn_failed(s, c);
out:
	sb_release(&t);
	sb_release(&cmd);
	return rc;
}

/* One AUTH attempt: 0 accepted, 1 refused, 2 Kerberos failure on our side,
 * -1 connection failure (session failed). */
static int
smtp_auth_one(struct mail_sess *s, struct mail_conn *c, const char *mech, char *why, size_t nwhy)
{
	struct mail_sasl *m = NULL;
	struct strbuf t = STRBUF_INIT, cmd = STRBUF_INIT;
	int code = 0;
	int rc = sasl_start(&m, mech, "smtp", c->host, sb_str(&s->cfg.smtp_user),
			    sb_str(&s->cfg.smtp_password), sb_str(&s->cfg.keytab), why, nwhy);

	if (rc != 0)
		return rc == 2 ? 2 : 1;
	sb_addf(&cmd, "AUTH %s", mech);
	c->mask_in = true; /* the server's challenges are SASL payloads too */
	if (smtp_cmd(c, cmd.buf, NULL, &code, &t) != 0)
		goto connfail;
	for (int round = 0; code == 334 && round < 16; round++) {
		char *out = NULL;
		bool krb = false;
		int st = sasl_step(m, t.buf, &out, &krb, why, nwhy);
		if (st < 0) {
			/* Cancel the exchange (RFC 4954 4) and read the 501. */
			if (smtp_cmd(c, "*", NULL, &code, &t) != 0)
				goto connfail;
			rc = krb ? 2 : 1;
			goto out;
		}
		rc = conn_writeline(c, out, "********");
		if (out) {
			svc_wipe(out, strlen(out));
			free(out);
		}
		if (rc != 0 || smtp_reply(c, &code, &t) != 0)
			goto connfail;
	}
	c->mask_in = false;
	if (code == 235) {
		rc = 0;
		goto out;
	}
	snprintf(why, nwhy, "%d %.*s", code, (int)strcspn(sb_str(&t), "\n"), sb_str(&t));
	rc = 1;
	if (strcmp(mech, "GSSAPI") == 0) {
		/* The KDC issued the ticket, so the server refused it: a
		 * Kerberos failure between the two ends, not a password. */
		sasl_refused_kerberos(why, nwhy);
		rc = 2;
	}
	goto out;
connfail:
	c->mask_in = false;
	conn_failed(s, c);
	rc = -1;
out:
	c->mask_in = false;
	sasl_free(m);
	sb_release(&t);
	sb_release(&cmd);
	return rc;
}

/* Whether PLAIN or LOGIN was offered and left out only because the
 * connection is in clear and allow_plain is OFF. */
static bool
plain_refused(const struct mail_sess *s, const struct mail_conn *c, const struct ehlo *e)
{
	const char *cand[8];

	return c->ssl == NULL && !s->cfg.allow_plain &&
	       sasl_candidates(e->auth, false, true, cand, 8) > 0;
}

static int
smtp_auth(struct mail_sess *s, struct mail_conn *c, const struct ehlo *e)
{
	const char *cand[8];
	char why[200] = "";
	int n, refused = 0, kerberos = 0;

	snprintf(s->mechs, sizeof s->mechs, "%s", e->auth);
	if (!e->esmtp || e->auth[0] == '\0') {
		mail_step(s, "server offers no SMTP AUTH: sending by normal SMTP");
		return 0;
	}
	mail_step(s, "server offers AUTH %s", e->auth);
	n = sasl_candidates(e->auth, c->ssl != NULL, s->cfg.allow_plain, cand, 8);
	if (n == 0 && plain_refused(s, c, e)) {
		/* The manual sends the password in clear here; we do not, and
		 * the person must know the message went out without AUTH. */
		snprintf(s->note, sizeof s->note,
			 "server offers PLAIN/LOGIN only without TLS: sent without "
			 "authentication; turn on SSL or allow_plain");
		mail_step(s, "%s", s->note);
		return 0;
	}
	if (n == 0) {
		mail_step(s, "no mechanism in common: sending by normal SMTP");
		return 0;
	}
	for (int i = 0; i < n; i++) {
		int r;
		mail_step(s, "AUTH %s", cand[i]);
		r = smtp_auth_one(s, c, cand[i], why, sizeof why);
		if (r < 0)
			return -1;
		if (r == 0) {
			snprintf(s->mech, sizeof s->mech, "%s", cand[i]);
			mail_step(s, "AUTH %s accepted", cand[i]);
			return 0;
		}
		if (r == 2)
			kerberos++;
		else
			refused++;
		mail_step(s, "AUTH %s %s: %s%s", cand[i], r == 2 ? "failed (Kerberos)" : "refused",
			  why, i + 1 < n ? "; trying the next mechanism" : "");
	}
	if (kerberos && !refused)
		return mail_fail(s, 843, "kerberos failure for '%s': %s", sb_str(&s->cfg.smtp_user),
				 why);
	return mail_fail(s, 839, "smtp authentication refused for '%s' (%s): %s",
			 sb_str(&s->cfg.smtp_user), s->mechs, why);
}

/* Dot-stuffs and sends the message, then ".". */
static int
smtp_data(struct mail_sess *s, struct mail_conn *c, const char *to, char *msgid, size_t nid)
{
	struct strbuf m = STRBUF_INIT;
	char date[64], host[128] = "localhost";
	time_t now = time(NULL);
	struct tm tm;
	const struct store_identity *id = device_identity(s->dev);
	int rc;

	gethostname(host, sizeof host - 1);
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(msgid, nid, "<%lld.%ld.svcmode@%s>", (long long)now, (long)getpid(), host);
	sb_addf(&m,
		"From: <%s>\r\nTo: <%s>\r\nSubject: svcmode test message\r\nDate: %s\r\n"
		"Message-ID: %s\r\nMIME-Version: 1.0\r\n"
		"Content-Type: text/plain; charset=us-ascii\r\n\r\n"
		"This is a connection test message sent by svcmode\r\n"
		"from device %s, serial number %s.\r\n.\r\n",
		sb_str(&s->cfg.address), to, date, msgid, id->model, id->serial);
	mail_dialog(s, "C: ", "(the test message, then \".\")");
	rc = conn_write(c, m.buf, m.len);
	sb_release(&m);
	return rc;
}

static int
expect(struct mail_sess *s, struct mail_conn *c, const char *line, int want1, int want2,
       const char *what)
{
	struct strbuf t = STRBUF_INIT;
	char fl[200];
	int code = 0;

	if ((line ? smtp_cmd(c, line, NULL, &code, &t) : smtp_reply(c, &code, &t)) != 0) {
		sb_release(&t);
		return conn_failed(s, c);
	}
	if (code != want1 && code != want2) {
		mail_fail(s, 805, "smtp server %s refused %s: %d %s", s->server, what, code,
			  first_line(&t, fl, sizeof fl));
		sb_release(&t);
		return -1;
	}
	mail_step(s, "%s: %d %s", what, code, first_line(&t, fl, sizeof fl));
	sb_release(&t);
	return 0;
}

int
smtp_send(struct mail_sess *s, const char *to, bool probe_only)
{
	struct mail_conn c;
	struct ehlo e = { .lines = STRBUF_INIT };
	struct strbuf t = STRBUF_INIT, cmd = STRBUF_INIT;
	const struct mail_cfg *cfg = &s->cfg;
	char fl[200], msgid[200];
	int code = 0, rc = -1;

	snprintf(s->server, sizeof s->server, "%s:%d", sb_str(&cfg->smtp_host), cfg->smtp_port);
	if (conn_open(&c, s, sb_str(&cfg->smtp_host), cfg->smtp_port, cfg->timeout_s, cfg->smtps) !=
	    0) {
		conn_failed(s, &c);
		goto out;
	}
	if (smtp_reply(&c, &code, &t) != 0) {
		conn_failed(s, &c);
		goto out;
	}
	if (code != 220) {
		mail_fail(s, 801, "smtp server %s refused the session: %d %s", s->server, code,
			  first_line(&t, fl, sizeof fl));
		goto out;
	}
	mail_step(s, "greeting: %d %s", code, first_line(&t, fl, sizeof fl));
	if (smtp_ehlo(s, &c, &e) != 0)
		goto out;
	if (probe_only)
		for (char *l = e.lines.buf; l && *l;) {
			size_t w = strcspn(l, "\n");
			mail_step(s, "EHLO: %.*s", (int)w, l);
			l += w + (l[w] ? 1 : 0);
		}
	if (!cfg->smtps && (cfg->ssl_smtp || cfg->ssl_require || probe_only)) {
		if (e.starttls) {
			mail_step(s, "STARTTLS");
			if (smtp_cmd(&c, "STARTTLS", NULL, &code, &t) != 0) {
				conn_failed(s, &c);
				goto out;
			}
			if (code == 220) {
				if (conn_starttls(&c) != 0) {
					conn_failed(s, &c);
					goto out;
				}
				if (smtp_ehlo(s, &c, &e) != 0)
					goto out;
			} else if (cfg->ssl_require) {
				mail_fail(s, 806, "smtp server %s refused STARTTLS: %d %s",
					  s->server, code, first_line(&t, fl, sizeof fl));
				goto out;
			} else {
				mail_step(s, "STARTTLS refused (%d): continuing in clear", code);
			}
		} else if (cfg->ssl_require) {
			mail_fail(s, 806, "smtp server %s offers no STARTTLS and Require SSL is ON",
				  s->server);
			goto out;
		} else {
			mail_step(s, "server offers no STARTTLS: continuing in clear");
		}
	}
	if (probe_only) {
		char subj[256], exp[64];
		snprintf(s->mechs, sizeof s->mechs, "%s", e.auth);
		if (c.ssl) {
			conn_cert_info(&c, subj, sizeof subj, exp, sizeof exp);
			mail_step(s, "certificate: %s, expires %s", subj, exp);
			mail_step(s, "AUTH after TLS: %s", e.auth[0] ? e.auth : "(none)");
		} else {
			mail_step(s, "AUTH: %s", e.auth[0] ? e.auth : "(none)");
		}
		smtp_cmd(&c, "QUIT", NULL, &code, &t);
		rc = 0;
		goto out;
	}
	if (cfg->smtp_auth && smtp_auth(s, &c, &e) != 0)
		goto out;
	sb_addf(&cmd, "MAIL FROM:<%s>", sb_str(&cfg->address));
	if (expect(s, &c, cmd.buf, 250, 250, "MAIL FROM") != 0)
		goto out;
	sb_reset(&cmd);
	sb_addf(&cmd, "RCPT TO:<%s>", to);
	if (expect(s, &c, cmd.buf, 250, 251, "RCPT TO") != 0)
		goto out;
	if (expect(s, &c, "DATA", 354, 354, "DATA") != 0)
		goto out;
	if (smtp_data(s, &c, to, msgid, sizeof msgid) != 0) {
		conn_failed(s, &c);
		goto out;
	}
	if (expect(s, &c, NULL, 250, 250, "message") != 0)
		goto out;
	mail_step(s, "message %s accepted for <%s>", msgid, to);
	if (smtp_cmd(&c, "QUIT", NULL, &code, &t) != 0)
		mail_step(s, "no reply to QUIT (%s); the message was already accepted", c.why);
	rc = 0;
out:
	conn_close(&c);
	sb_release(&e.lines);
	sb_release(&t);
	sb_release(&cmd);
	return rc;
}

/* The server's side of a session on C, already open, as smtp_send reads
 * it: greeting, EHLO (or HELO), the AUTH exchange, then replies until one
 * fails. No STARTTLS and no message: for the fuzz targets (tests/fuzz). */
int
smtp_replies(struct mail_sess *s, struct mail_conn *c)
{
	struct ehlo e = { .lines = STRBUF_INIT };
	struct strbuf t = STRBUF_INIT;
	int code = 0, rc = -1;

	if (smtp_reply(c, &code, &t) == 0 && smtp_ehlo(s, c, &e) == 0 && smtp_auth(s, c, &e) == 0) {
		while (expect(s, c, NULL, 250, 251, "reply") == 0)
			;
		rc = 0;
	}
	sb_release(&e.lines);
	sb_release(&t);
	return rc;
}
