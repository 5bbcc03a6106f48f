/* POP3 client (RFC 1939): greeting, CAPA (RFC 2449), STLS (RFC 2595),
 * USER/PASS, APOP, AUTH (RFC 5034), STAT, RETR, DELE, QUIT. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/keys.h"
#include "mail/mail_int.h"
#include "util/hex.h"

#define POP_MAX_CAPA 100 /* lines of a CAPA reply */

int
pop_conn_failed(struct mail_sess *s, struct mail_conn *c, const struct pop_login_codes *k)
{
	int code = k->protocol;

	switch (c->fail) {
	case MF_RESOLVE: code = k->resolve; break;
	case MF_CONNECT: code = k->unreachable; break;
	case MF_TIMEOUT: code = k->timeout; break;
	case MF_TLS: code = k->tls; break;
	default: break;
	}
	return mail_fail(s, code, "pop server %s:%d: %s", sb_str(&s->cfg.pop_host), s->cfg.pop_port,
			 c->why);
}

/* A status line: 0 "+OK", 1 "-ERR", -1 anything else (protocol). */
static int
pop_status(struct mail_conn *c, const struct strbuf *l)
{
	const char *p = sb_str(l);

	if (strncmp(p, "+OK", 3) == 0 && (p[3] == '\0' || p[3] == ' '))
		return 0;
	if (strncmp(p, "-ERR", 4) == 0 && (p[4] == '\0' || p[4] == ' '))
		return 1;
	c->fail = MF_PROTOCOL;
	snprintf(c->why, sizeof c->why, "malformed reply '%.60s'", p);
	return -1;
}

int
pop_command(struct mail_conn *c, const char *line, const char *show, struct strbuf *reply)
{
	if (line && conn_writeline(c, line, show) != 0)
		return -1;
	if (conn_readline(c, reply) != 0)
		return -1;
	return pop_status(c, reply);
}

int
pop_multiline(struct mail_conn *c, struct strbuf *out, size_t max)
{
	struct strbuf l = STRBUF_INIT;
	int rc = -1;

	sb_reset(out);
	for (;;) {
		if (conn_readline(c, &l) != 0)
			goto done;
		if (strcmp(l.buf, ".") == 0)
			break;
		const char *p = l.buf[0] == '.' ? l.buf + 1 : l.buf;
		if (out->len + strlen(p) + 2 > max) {
			c->fail = MF_PROTOCOL;
			snprintf(c->why, sizeof c->why, "multi-line reply longer than %zu bytes",
				 max);
			goto done;
		}
		sb_adds(out, p);
		sb_add(out, "\r\n", 2);
	}
	if (out->buf == NULL)
		sb_adds(out, "");
	rc = 0;
done:
	sb_release(&l);
	return rc;
}

int
pop_quit(struct mail_conn *c)
{
	struct strbuf r = STRBUF_INIT;
	int rc = pop_command(c, "QUIT", NULL, &r);

	sb_release(&r);
	return rc;
}

/* CAPA: fills CAPS with the capability lines joined by '\n' ("" when the
 * server has no CAPA). */
static int
pop_capa(struct mail_conn *c, struct strbuf *caps)
{
	struct strbuf r = STRBUF_INIT;
	int rc = pop_command(c, "CAPA", NULL, &r);

	sb_reset(caps);
	if (rc == 0) {
		rc = pop_multiline(c, caps, POP_MAX_CAPA * 200);
		for (char *p = caps->buf; p && *p; p++)
			if (*p == '\r')
				*p = ' ';
	} else if (rc == 1) {
		rc = 0;
	}
	if (caps->buf == NULL)
		sb_adds(caps, "");
	sb_release(&r);
	return rc;
}

/* Whether the capability KW is listed; *args gets the rest of its line. */
static bool
capa_has(const char *caps, const char *kw, char *args, size_t n)
{
	size_t k = strlen(kw);

	if (caps == NULL)
		return false;
	for (const char *l = caps; *l;) {
		size_t w = strcspn(l, "\n");
		if (w >= k && strncasecmp(l, kw, k) == 0 &&
		    (l[k] == ' ' || l[k] == '\n' || w == k)) {
			if (args) {
				const char *a = l + k;
				size_t aw = w - k;
				while (aw && *a == ' ')
					a++, aw--;
				while (aw && a[aw - 1] == ' ')
					aw--;
				snprintf(args, n, "%.*s", (int)aw, a);
			}
			return true;
		}
		l += w + (l[w] ? 1 : 0);
	}
	if (args)
		args[0] = '\0';
	return false;
}

/* The greeting's "<...>" timestamp for APOP (RFC 1939 7). */
static bool
apop_stamp(const char *greeting, char *out, size_t n)
{
	const char *a = strchr(greeting, '<'), *b = a ? strchr(a, '>') : NULL;

	if (a == NULL || b == NULL || b - a < 3 || (size_t)(b - a + 2) > n)
		return false;
	snprintf(out, n, "%.*s", (int)(b - a + 1), a);
	return true;
}

static int
apop_digest(const char *stamp, const char *password, char hex[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_MD_CTX *x = EVP_MD_CTX_new();
	int ok = x && EVP_DigestInit_ex(x, EVP_md5(), NULL) == 1 &&
		 EVP_DigestUpdate(x, stamp, strlen(stamp)) == 1 &&
		 EVP_DigestUpdate(x, password, strlen(password)) == 1 &&
		 EVP_DigestFinal_ex(x, md, &n) == 1 && n == 16;

	EVP_MD_CTX_free(x);
	if (ok)
		hex_encode(md, 16, hex);
	svc_wipe(md, sizeof md);
	return ok ? 0 : -1;
}

/* POP AUTH (RFC 5034): 0 accepted, 1 refused, 2 Kerberos, -1 connection. */
static int
pop_auth_one(struct mail_sess *s, struct mail_conn *c, const char *mech, char *why, size_t nwhy)
{
	struct mail_sasl *m = NULL;
	struct strbuf r = STRBUF_INIT, cmd = STRBUF_INIT;
	int rc = -1, st;

	st = sasl_start(&m, mech, "pop", c->host, sb_str(&s->cfg.pop_login),
			sb_str(&s->cfg.pop_password), sb_str(&s->cfg.keytab), why, nwhy);
	if (st != 0)
		return st == 2 ? 2 : 1;
	sb_addf(&cmd, "AUTH %s", mech);
	c->mask_in = true;
	if (conn_writeline(c, cmd.buf, NULL) != 0)
		goto out;
	for (int round = 0; round < 16; round++) {
		char *o = NULL;
		bool krb = false;
		if (conn_readline(c, &r) != 0)
			goto out;
		if (strncmp(r.buf, "+ ", 2) != 0 && strcmp(r.buf, "+") != 0)
			break;
		st = sasl_step(m, r.buf[1] ? r.buf + 2 : "", &o, &krb, why, nwhy);
		if (st < 0) {
			if (pop_command(c, "*", NULL, &r) < 0)
				goto out;
			rc = krb ? 2 : 1;
			goto out;
		}
		st = conn_writeline(c, o, "********");
		if (o) {
			svc_wipe(o, strlen(o));
			free(o);
		}
		if (st != 0)
			goto out;
	}
	c->mask_in = false;
	st = pop_status(c, &r);
	if (st < 0)
		goto out;
	rc = st;
	if (st == 1) {
		snprintf(why, nwhy, "%s", r.buf);
		if (strcmp(mech, "GSSAPI") == 0) {
			sasl_refused_kerberos(why, nwhy);
			rc = 2;
		}
	}
out:
	c->mask_in = false;
	sasl_free(m);
	sb_release(&r);
	sb_release(&cmd);
	return rc;
}

static int
pop_login(struct mail_sess *s, struct mail_conn *c, const struct pop_login_codes *k,
	  const char *stamp, const char *caps)
{
	const struct mail_cfg *cfg = &s->cfg;
	const char *user = sb_str(&cfg->pop_login);
	struct strbuf r = STRBUF_INIT, cmd = STRBUF_INIT;
	int rc = -1, st;

	if (cfg->pop_method == CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_APOP) {
		char hex[33] = "";
		if (*stamp == '\0') {
			mail_fail(
				s, k->apop_missing,
				"pop server %s:%d: APOP selected but the greeting has no timestamp",
				sb_str(&cfg->pop_host), cfg->pop_port);
			goto out;
		}
		snprintf(s->mech, sizeof s->mech, "APOP");
		if (apop_digest(stamp, sb_str(&cfg->pop_password), hex) != 0) {
			mail_fail(s, k->protocol, "cannot compute the APOP digest");
			goto out;
		}
		sb_addf(&cmd, "APOP %s %s", user, hex);
		svc_wipe(hex, sizeof hex);
		struct strbuf show = STRBUF_INIT;
		sb_addf(&show, "APOP %s ********", user);
		st = pop_command(c, cmd.buf, show.buf, &r);
		sb_release(&show);
	} else if (cfg->pop_method == CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_POP_AUTH) {
		char mechs[256], why[200] = "";
		const char *cand[8];
		int n, refused = 0, kerberos = 0;
		capa_has(caps, "SASL", mechs, sizeof mechs);
		snprintf(s->mechs, sizeof s->mechs, "%s", mechs);
		mail_step(s, "server offers SASL %s", mechs[0] ? mechs : "(none)");
		n = sasl_candidates(mechs, c->ssl != NULL, cfg->allow_plain, cand, 8);
		if (n == 0) {
			mail_fail(s, k->refused,
				  "pop server %s:%d offers no SASL mechanism svcmode may use "
				  "('%s')%s",
				  sb_str(&cfg->pop_host), cfg->pop_port, mechs,
				  c->ssl ? "" : "; PLAIN/LOGIN are not allowed without SSL");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			mail_step(s, "AUTH %s", cand[i]);
			st = pop_auth_one(s, c, cand[i], why, sizeof why);
			if (st < 0) {
				pop_conn_failed(s, c, k);
				goto out;
			}
			if (st == 0) {
				snprintf(s->mech, sizeof s->mech, "%s", cand[i]);
				mail_step(s, "AUTH %s accepted", cand[i]);
				rc = 0;
				goto out;
			}
			st == 2 ? kerberos++ : refused++;
			mail_step(s, "AUTH %s %s: %s", cand[i],
				  st == 2 ? "failed (Kerberos)" : "refused", why);
		}
		mail_fail(s, kerberos && !refused ? k->kerberos : k->refused,
			  "pop server %s:%d refused the login of '%s': %s", sb_str(&cfg->pop_host),
			  cfg->pop_port, user, why);
		goto out;
	} else {
		snprintf(s->mech, sizeof s->mech, "USER/PASS");
		sb_addf(&cmd, "USER %s", user);
		st = pop_command(c, cmd.buf, NULL, &r);
		if (st == 0) {
			sb_release(&cmd);
			sb_addf(&cmd, "PASS %s", sb_str(&cfg->pop_password));
			st = pop_command(c, cmd.buf, "PASS ********", &r);
		}
	}
	if (st < 0) {
		pop_conn_failed(s, c, k);
		goto out;
	}
	if (st == 1) {
		mail_fail(s, k->refused, "pop server %s:%d refused the login of '%s' (%s): %s",
			  sb_str(&cfg->pop_host), cfg->pop_port, user, s->mech, r.buf);
		goto out;
	}
	mail_step(s, "logged in as '%s' (%s)", user, s->mech);
	rc = 0;
out:
	sb_release(&r);
	sb_release(&cmd);
	return rc;
}

int
pop_open_login(struct mail_sess *s, struct mail_conn *c, const struct pop_login_codes *k,
	       bool probe)
{
	const struct mail_cfg *cfg = &s->cfg;
	struct strbuf r = STRBUF_INIT, caps = STRBUF_INIT;
	char stamp[256] = "", mechs[256];
	bool want_tls = !cfg->pop3s && (cfg->ssl_pop || cfg->ssl_require || probe);
	int rc = -1, st;

	if (conn_open(c, s, sb_str(&cfg->pop_host), cfg->pop_port, cfg->timeout_s, cfg->pop3s) !=
	    0) {
		pop_conn_failed(s, c, k);
		goto out;
	}
	st = pop_command(c, NULL, NULL, &r);
	if (st != 0) {
		if (st == 1) {
			c->fail = MF_CONNECT;
			snprintf(c->why, sizeof c->why, "server refused the session: %.80s", r.buf);
		}
		pop_conn_failed(s, c, k);
		goto out;
	}
	mail_step(s, "greeting: %s", r.buf);
	apop_stamp(r.buf, stamp, sizeof stamp);
	if (want_tls || probe ||
	    cfg->pop_method == CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_POP_AUTH) {
		if (pop_capa(c, &caps) != 0) {
			pop_conn_failed(s, c, k);
			goto out;
		}
	}
	if (probe) {
		for (const char *l = caps.buf; *l;) {
			size_t w = strcspn(l, "\n");
			mail_step(s, "CAPA: %.*s", (int)w, l);
			l += w + (l[w] ? 1 : 0);
		}
		mail_step(s, "APOP: %s",
			  stamp[0] ? "offered (greeting has a timestamp)" : "not offered");
	}
	if (want_tls) {
		if (capa_has(caps.buf, "STLS", NULL, 0)) {
			mail_step(s, "STLS");
			st = pop_command(c, "STLS", NULL, &r);
			if (st < 0 || (st == 0 && conn_starttls(c) != 0)) {
				pop_conn_failed(s, c, k);
				goto out;
			}
			if (st == 1 && cfg->ssl_require) {
				mail_fail(s, k->tls, "pop server %s:%d refused STLS: %s",
					  sb_str(&cfg->pop_host), cfg->pop_port, r.buf);
				goto out;
			}
			if (st == 1)
				mail_step(s, "STLS refused: continuing in clear");
			else if (pop_capa(c, &caps) != 0) {
				pop_conn_failed(s, c, k);
				goto out;
			}
		} else if (cfg->ssl_require) {
			mail_fail(s, k->tls,
				  "pop server %s:%d offers no STLS and Require SSL is ON",
				  sb_str(&cfg->pop_host), cfg->pop_port);
			goto out;
		} else {
			mail_step(s, "server offers no STLS: continuing in clear");
		}
	}
	if (probe) {
		char subj[256], exp[64];
		capa_has(caps.buf, "SASL", mechs, sizeof mechs);
		snprintf(s->mechs, sizeof s->mechs, "%s", mechs);
		if (c->ssl) {
			conn_cert_info(c, subj, sizeof subj, exp, sizeof exp);
			mail_step(s, "certificate: %s, expires %s", subj, exp);
		}
		mail_step(s, "SASL%s: %s", c->ssl ? " after TLS" : "", mechs[0] ? mechs : "(none)");
		rc = 0;
		goto out;
	}
	rc = pop_login(s, c, k, stamp, caps.buf);
out:
	svc_wipe(stamp, sizeof stamp);
	sb_release(&r);
	sb_release(&caps);
	return rc;
}

/* The server's side of a login on C, already open, as pop_open_login reads
 * it: greeting, APOP timestamp, CAPA (STLS, SASL), then the login by the
 * POP AUTH Method. No STLS: for the fuzz targets (tests/fuzz). */
int
pop_replies(struct mail_sess *s, struct mail_conn *c, const struct pop_login_codes *k)
{
	struct strbuf r = STRBUF_INIT, caps = STRBUF_INIT;
	char stamp[256] = "", mechs[256];
	int rc = -1;

	if (pop_command(c, NULL, NULL, &r) == 0 && pop_capa(c, &caps) == 0) {
		apop_stamp(r.buf, stamp, sizeof stamp);
		capa_has(caps.buf, "STLS", NULL, 0);
		capa_has(caps.buf, "SASL", mechs, sizeof mechs);
		rc = pop_login(s, c, k, stamp, caps.buf);
	}
	sb_release(&r);
	sb_release(&caps);
	return rc;
}
