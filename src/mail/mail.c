/* The mail operations: the error code table, settings, steps, sessions and
 * the communication log, the reception lock, test send and probe (POP
 * reception is in receive.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "catalog/keys.h"
#include "mail/mail_int.h"
#include "mailbox/mailbox.h"
#include "util/fsutil.h"

/* The one table of device error codes of the mail client; svcmode-codes(7)
 * is generated from it. #810, #813, #839 and #843 are the manual's; the
 * others are svcmode's own. */
static const struct mail_code codes[] = {
	{ 801, EX_UNAVAILABLE, "SMTP server unreachable or refused the session" },
	{ 802, EX_NOHOST, "mail server name could not be resolved" },
	{ 803, EX_TEMPFAIL, "SMTP server did not answer within the communication timeout" },
	{ 804, EX_PROTOCOL, "SMTP server sent a malformed reply or closed the connection" },
	{ 805, EX_UNAVAILABLE, "SMTP server refused the message (MAIL FROM, RCPT TO or DATA)" },
	{ 806, EX_PROTOCOL, "SSL/TLS with the SMTP server failed or is required but not offered" },
	{ 810, EX_UNAVAILABLE,
	  "POP before SMTP: POP server unreachable, timed out or sent nonsense" },
	{ 813, EX_NOPERM, "POP before SMTP: POP server refused the login" },
	{ 839, EX_NOPERM, "SMTP authentication refused" },
	{ 843, EX_NOPERM, "Kerberos failure (no credentials, clock skew, unknown principal)" },
	{ 851, EX_UNAVAILABLE, "POP server unreachable or refused the session" },
	{ 852, EX_TEMPFAIL, "POP server did not answer within the communication timeout" },
	{ 853, EX_PROTOCOL, "POP server sent a malformed reply or closed the connection" },
	{ 854, EX_NOPERM, "POP server refused the login" },
	{ 855, EX_PROTOCOL, "SSL/TLS with the POP server failed or is required but not offered" },
	{ 856, EX_PROTOCOL, "APOP selected but the POP server's greeting has no timestamp" },
	{ 0, 0, NULL },
};

const struct pop_login_codes mail_codes_rx = { 802, 851, 852, 853, 855, 854, 856, 843 };
/* "Errors occurring while the POP server is connected are treated as
 * transmission errors." */
static const struct pop_login_codes codes_pbs = { 810, 810, 810, 810, 810, 813, 810, 813 };

const struct mail_code *
mail_codes(void)
{
	return codes;
}

const char *
mail_code_meaning(int code)
{
	for (const struct mail_code *c = codes; c->code; c++)
		if (c->code == code)
			return c->meaning;
	return NULL;
}

/* --- steps, dialogue, failures ------------------------------------------- */

void
mail_step(struct mail_sess *s, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	sb_adds(&s->steps, line);
	sb_addc(&s->steps, '\n');
	if (s->io && s->io->line)
		s->io->line(s->io->arg, line);
}

void
mail_dialog(struct mail_sess *s, const char *dir, const char *text)
{
	char line[600];

	if (s->io == NULL || !s->io->verbose || s->io->line == NULL)
		return;
	snprintf(line, sizeof line, "%s%.*s%s", dir, 500, text, strlen(text) > 500 ? "..." : "");
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	s->io->line(s->io->arg, line);
}

int
mail_fail(struct mail_sess *s, int code, const char *fmt, ...)
{
	char msg[230];
	va_list ap;
	int ex = EX_SOFTWARE;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	for (const struct mail_code *c = codes; c->code; c++)
		if (c->code == code)
			ex = c->ex;
	s->code = code;
	return svc_errf(s->err, ex, "#%d %s", code, msg);
}

/* --- settings -------------------------------------------------------------- */

#define F(key, member, kind) CFG_FIELD(key, struct mail_cfg, member, kind)
static const struct cfg_field cfg_fields[] = {
	F(KEY_NETWORK_EMAIL_SMTP_SERVER, smtp_host, CFG_TEXT),
	F(KEY_NETWORK_EMAIL_SMTP_PORT, smtp_port, CFG_INT),
	F(KEY_NETWORK_EMAIL_ADDRESS, address, CFG_TEXT),
	F(KEY_NETWORK_EMAIL_POP_SERVER, pop_host, CFG_TEXT),
	F(KEY_NETWORK_EMAIL_POP_PORT, pop_port, CFG_INT),
	F(KEY_NETWORK_EMAIL_POP_LOGIN, pop_login, CFG_TEXT),
	F(KEY_NETWORK_EMAIL_POP_PASSWORD, pop_password, CFG_PLAIN),
	F(KEY_NETWORK_EMAIL_TIMEOUT, timeout_s, CFG_INT),
	F(KEY_NETWORK_EMAIL_SMTP_RX_MAX, rx_max_mb, CFG_INT),
	F(KEY_NETWORK_EMAIL_RX_INBOX, rx_box, CFG_INT),
	F(KEY_NETWORK_EMAIL_AUTH_POP_BEFORE_SMTP, pop_before_smtp, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD, pop_method, CFG_CHOICE),
	F(KEY_NETWORK_EMAIL_AUTH_SMTP_AUTH, smtp_auth, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_AUTH_SMTP_USER, smtp_user, CFG_TEXT),
	F(KEY_NETWORK_EMAIL_AUTH_SMTP_PASSWORD, smtp_password, CFG_PLAIN),
	F(KEY_NETWORK_EMAIL_SSL_SMTP_SEND, ssl_smtp, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_SSL_POP, ssl_pop, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_SSL_SMTPS, smtps, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_SSL_POP3S, pop3s, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_SSL_REQUIRE, ssl_require, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_SSL_VERIFY, ssl_verify, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_AUTH_ALLOW_PLAIN, allow_plain, CFG_BOOL),
	F(KEY_NETWORK_EMAIL_AUTH_GSSAPI_KEYTAB, keytab, CFG_TEXT),
};
#undef F

void
mail_cfg_release(struct mail_cfg *c)
{
	struct strbuf *all[] = { &c->smtp_host,    &c->pop_host,  &c->address,       &c->pop_login,
				 &c->pop_password, &c->smtp_user, &c->smtp_password, &c->keytab };
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		sb_release(all[i]); /* wipes: two of them are passwords */
}

static int
cfg_read(struct device *dev, struct mail_cfg *c, struct svc_err *err)
{
	memset(c, 0, sizeof *c);
	if (config_bind(dev, cfg_fields, sizeof cfg_fields / sizeof cfg_fields[0], c, err) != 0) {
		mail_cfg_release(c);
		return -1;
	}
	return 0;
}

int
mail_need(const struct strbuf *v, const char *key, struct svc_err *err)
{
	if (sb_str(v)[0])
		return 0;
	return svc_errf(err, EX_CONFIG, "%s is not set (svcmode set %s VALUE)", key, key);
}

static bool
address_ok(const char *a)
{
	const char *at = strchr(a, '@');

	if (at == NULL || at == a || at[1] == '\0' || strlen(a) > 254)
		return false;
	for (const char *p = a; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == 0x7f)
			return false;
	return true;
}

int
mail_ready(struct device *dev, bool send, const char *to, struct svc_err *err)
{
	static const char *const tx[] = { KEY_NETWORK_EMAIL_SMTP_SERVER, KEY_NETWORK_EMAIL_ADDRESS,
					  NULL };
	static const char *const rx[] = { KEY_NETWORK_EMAIL_POP_SERVER, NULL };
	struct strbuf v = STRBUF_INIT;
	int rc = 0;

	if (send && to && !address_ok(to))
		return svc_errf(err, EX_USAGE, "invalid address '%s' for --to", to);
	for (const char *const *k = send ? tx : rx; *k && rc == 0; k++)
		if ((rc = config_get(dev, *k, &v, err)) == 0)
			rc = mail_need(&v, *k, err);
	sb_release(&v);
	return rc;
}

/* --- sessions and the communication log ------------------------------------- */

int
mail_sess_begin(struct mail_sess *s, struct device *dev, const struct mail_io *io,
		const char *direction, const char *operation, struct svc_err *err)
{
	memset(s, 0, sizeof *s);
	s->dev = dev;
	s->io = io;
	s->err = err;
	snprintf(s->direction, sizeof s->direction, "%s", direction);
	snprintf(s->operation, sizeof s->operation, "%s", operation);
	if (device_require(dev, DOOR_MANAGER, "a mail connection test", err) != 0)
		return -1;
	return cfg_read(dev, &s->cfg, err);
}

/* Writes the log row; returns RC, or -1 if the row could not be written. */
int
mail_sess_end(struct mail_sess *s, int rc)
{
	struct store *st = device_store(s->dev);
	struct svc_err e2 = { 0 };
	struct store_mail_log r = {
		.direction = s->direction,
		.operation = s->operation,
		.server = s->server,
		.mechs = s->mechs,
		.mech = s->mech,
		.tls = s->tls,
		.result = rc == 0 ? "ok" : "error",
		.code = rc == 0 ? 0 : s->code,
		.message = rc == 0 ? s->note : (s->err ? s->err->msg : "failed"),
		.steps = sb_str(&s->steps),
	};

	if (store_begin(st, &e2) != 0 || store_mail_log_add(st, &r, &e2) != 0 ||
	    store_commit(st, &e2) != 0) {
		store_rollback(st);
		if (rc == 0) {
			if (s->err)
				*s->err = e2;
			rc = -1;
		}
	}
	if (rc == 0 && s->note[0] && s->io && s->io->note)
		s->io->note(s->io->arg, s->note);
	mail_cfg_release(&s->cfg);
	sb_release(&s->steps);
	return rc;
}

/* --- the lock between a POP reception and POP before SMTP ------------------- */

static void
lock_path(struct mail_sess *s, struct strbuf *path)
{
	sb_addf(path, "%s.mail-lock", store_path(device_store(s->dev)));
}

int
mail_lock(struct mail_sess *s, int *fd)
{
	struct strbuf path = STRBUF_INIT;
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	int waited_ms = 0, rc = 0;

	lock_path(s, &path);
	while ((*fd = fs_trylock(path.buf, true)) < 0) {
		if (*fd == -1) {
			rc = svc_errf(s->err, EX_CANTCREAT, "cannot lock '%s': %s", path.buf,
				      strerror(errno));
			break;
		}
		if (waited_ms == 0)
			mail_step(s, "a POP reception is in progress: waiting for it to finish");
		if (waited_ms >= s->cfg.timeout_s * 1000) {
			rc = 1;
			break;
		}
		nanosleep(&pause, NULL);
		waited_ms += 50;
	}
	if (*fd >= 0 && waited_ms)
		mail_step(s, "the POP reception finished after %d ms", waited_ms);
	sb_release(&path);
	return rc;
}

/* The lock file goes with the lock: nothing is left beside the store. */
void
mail_unlock(struct mail_sess *s, int fd)
{
	struct strbuf path = STRBUF_INIT;

	if (fd < 0)
		return;
	lock_path(s, &path);
	fs_unlock_remove(path.buf, fd);
	sb_release(&path);
}

/* --- operations ------------------------------------------------------------ */

/* POP before SMTP: log in, QUIT, then the idle period. */
static int
pop_before_smtp(struct mail_sess *s)
{
	struct mail_conn c;
	struct timespec idle = { 0, MAIL_POP_IDLE_MS * 1000L * 1000L };
	int lock = -1, rc;

	if (mail_need(&s->cfg.pop_host, KEY_NETWORK_EMAIL_POP_SERVER, s->err) != 0)
		return -1;
	mail_step(s, "POP before SMTP: %s:%d", sb_str(&s->cfg.pop_host), s->cfg.pop_port);
	rc = mail_lock(s, &lock);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return mail_fail(s, 810, "a POP reception in progress did not finish within %d s",
				 s->cfg.timeout_s);
	rc = pop_open_login(s, &c, &codes_pbs, false);
	if (rc == 0 && pop_quit(&c) < 0)
		rc = pop_conn_failed(s, &c, &codes_pbs);
	conn_close(&c);
	mail_unlock(s, lock);
	if (rc != 0)
		return -1;
	mail_step(s, "POP QUIT; idle %d ms before SMTP", MAIL_POP_IDLE_MS);
	while (nanosleep(&idle, &idle) != 0 && errno == EINTR)
		;
	return 0;
}

int
mail_test_send(struct device *dev, const char *to, const struct mail_io *io, int *code,
	       struct svc_err *err)
{
	struct mail_sess s;
	int rc = -1;

	if (code)
		*code = 0;
	if (to && !address_ok(to))
		return svc_errf(err, EX_USAGE, "invalid address '%s' for --to", to);
	if (mail_sess_begin(&s, dev, io, "tx", "test-send", err) != 0) {
		mail_cfg_release(&s.cfg);
		return -1;
	}
	snprintf(s.server, sizeof s.server, "%s:%d", sb_str(&s.cfg.smtp_host), s.cfg.smtp_port);
	if (mail_need(&s.cfg.smtp_host, KEY_NETWORK_EMAIL_SMTP_SERVER, err) != 0 ||
	    mail_need(&s.cfg.address, KEY_NETWORK_EMAIL_ADDRESS, err) != 0)
		goto out;
	if (s.cfg.pop_before_smtp && pop_before_smtp(&s) != 0)
		goto out;
	rc = smtp_send(&s, to ? to : sb_str(&s.cfg.address), false);
out:
	if (code)
		*code = rc == 0 ? 0 : s.code;
	return mail_sess_end(&s, rc);
}

int
mail_probe(struct device *dev, const struct mail_io *io, int *code, struct svc_err *err)
{
	struct mail_sess s;
	struct mail_conn c = { .fd = -1 };
	int rc = 0, first = 0;

	if (code)
		*code = 0;
	if (mail_sess_begin(&s, dev, io, "tx", "probe", err) != 0) {
		mail_cfg_release(&s.cfg);
		return -1;
	}
	snprintf(s.server, sizeof s.server, "%s:%d", sb_str(&s.cfg.smtp_host), s.cfg.smtp_port);
	if (sb_str(&s.cfg.smtp_host)[0]) {
		mail_step(&s, "SMTP server %s", s.server);
		rc = smtp_send(&s, NULL, true);
		first = rc == 0 ? 0 : s.code;
	} else {
		mail_step(&s, "no SMTP server set");
	}
	if (mail_sess_end(&s, rc) != 0 && first == 0) {
		if (code)
			*code = 0;
		return -1;
	}
	if (mail_sess_begin(&s, dev, io, "rx", "probe", first ? NULL : err) != 0) {
		mail_cfg_release(&s.cfg);
		return -1;
	}
	snprintf(s.server, sizeof s.server, "%s:%d", sb_str(&s.cfg.pop_host), s.cfg.pop_port);
	rc = 0;
	if (sb_str(&s.cfg.pop_host)[0]) {
		mail_step(&s, "POP server %s", s.server);
		rc = pop_open_login(&s, &c, &mail_codes_rx, true);
		if (rc == 0)
			pop_quit(&c);
		conn_close(&c);
	} else {
		mail_step(&s, "no POP server set");
	}
	if (code)
		*code = first ? first : (rc == 0 ? 0 : s.code);
	rc = mail_sess_end(&s, rc);
	return first ? -1 : rc;
}

/* --- the log --------------------------------------------------------------- */

int
mail_log_each(struct device *dev, int limit, mail_log_fn fn, void *arg, struct svc_err *err)
{
	return store_mail_log_each(device_store(dev), limit, fn, arg, err);
}

int
mail_erase_log(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	int64_t nlog = 0, nmsg = 0, nuidl = 0, nid = 0;

	if (store_mail_erase(device_store(dev), &nlog, &nmsg, err) != 0 ||
	    store_mail_uidl_erase(device_store(dev), &nuidl, err) != 0 ||
	    store_mail_msgid_erase(device_store(dev), &nid, err) != 0)
		return -1;
	erase_count(st, "communication log entries", nlog);
	if (nmsg)
		erase_count(st, "received messages", nmsg);
	if (nuidl)
		erase_count(st, "received message ids", nuidl + nid);
	return 0;
}
