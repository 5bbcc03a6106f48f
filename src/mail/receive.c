/* POP reception: mail receive and its UIDL de-duplication, and the test
 * of the POP connection. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "mail/mail_int.h"
#include "mailbox/mailbox.h"
#include "util/fsutil.h"
/* STAT: "+OK count size". */
int
pop_stat(struct mail_sess *s, struct mail_conn *c, int64_t *count, int64_t *bytes)
{
	struct strbuf r = STRBUF_INIT;
	long long n = -1, b = -1;
	int st = pop_command(c, "STAT", NULL, &r);

	if (st < 0) {
		sb_release(&r);
		return pop_conn_failed(s, c, &mail_codes_rx);
	}
	if (st == 1 || sscanf(r.buf, "+OK %lld %lld", &n, &b) != 2 || n < 0 || b < 0) {
		mail_fail(s, 853, "pop server %s: unexpected STAT reply '%.60s'", s->server, r.buf);
		sb_release(&r);
		return -1;
	}
	sb_release(&r);
	*count = n;
	*bytes = b;
	mail_step(s, "mailbox: %lld message(s), %lld bytes", n, b);
	return 0;
}

static int
rx_begin(struct mail_sess *s, struct mail_conn *c, int *lock)
{
	int rc;

	snprintf(s->server, sizeof s->server, "%s:%d", sb_str(&s->cfg.pop_host), s->cfg.pop_port);
	if (mail_need(&s->cfg.pop_host, "network.email.pop.server", s->err) != 0)
		return -1;
	rc = mail_lock(s, lock);
	if (rc < 0)
		return -1;
	if (rc > 0)
		return mail_fail(s, 852, "another POP reception did not finish within %d s",
				 s->cfg.timeout_s);
	return pop_open_login(s, c, &mail_codes_rx, false);
}

int
mail_test_receive(struct device *dev, const struct mail_io *io, int64_t *count, int64_t *bytes,
		  int *code, struct svc_err *err)
{
	struct mail_sess s;
	struct mail_conn c = { .fd = -1 };
	int lock = -1, rc = -1;

	*count = *bytes = 0;
	if (code)
		*code = 0;
	if (mail_sess_begin(&s, dev, io, "rx", "test-receive", err) != 0) {
		mail_cfg_release(&s.cfg);
		return -1;
	}
	if (rx_begin(&s, &c, &lock) == 0 && pop_stat(&s, &c, count, bytes) == 0) {
		if (pop_quit(&c) < 0)
			mail_step(&s, "no reply to QUIT: %s", c.why);
		rc = 0;
	}
	conn_close(&c);
	mail_unlock(&s, lock);
	if (code)
		*code = rc == 0 ? 0 : s.code;
	return mail_sess_end(&s, rc);
}

/* --- UIDL: messages stored before a lost connection are not stored again ---- */

/* The most messages a reception lists by UIDL (a mailbox beyond this is
 * not a device's; it bounds the memory a server can make svcmode use). */
#define MAIL_UIDL_MAX 1000000

/* The server's unique-ids (RFC 1939 7) by message number, and those
 * svcmode recorded as stored for this server and user (sorted). */
struct uidls {
	int64_t count;
	char **id;    /* id[i]: message i + 1; NULL when the server did not list it */
	char **known; /* recorded, in byte order */
	size_t nknown, capknown;
};

static void
uidls_release(struct uidls *u)
{
	for (int64_t i = 0; u->id && i < u->count; i++)
		free(u->id[i]);
	for (size_t i = 0; i < u->nknown; i++)
		free(u->known[i]);
	free(u->id);
	free(u->known);
	memset(u, 0, sizeof *u);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
uidl_known(const struct uidls *u, const char *id)
{
	return u->nknown && bsearch(&id, u->known, u->nknown, sizeof *u->known, cmp_str);
}

static int
known_add(void *arg, const char *uidl)
{
	struct uidls *u = arg;

	if (u->nknown == u->capknown) {
		u->capknown = u->capknown ? 2 * u->capknown : 64;
		u->known = xrealloc(u->known, u->capknown * sizeof *u->known);
	}
	u->known[u->nknown++] = xstrdup(uidl);
	return 0;
}

/* A unique-id: 1 to 70 characters 0x21-0x7E (RFC 1939 7). */
static bool
uidl_valid(const char *id)
{
	size_t n = strlen(id);

	if (n < 1 || n > 70)
		return false;
	for (const char *p = id; *p; p++)
		if (*p < 0x21 || *p > 0x7e)
			return false;
	return true;
}

/*
 * UIDL: fills U->id from the server's list. Returns 0 with the list, 1 when
 * the server has no UIDL (-ERR), -1 when the session failed.
 */
static int
pop_uidl(struct mail_sess *s, struct mail_conn *c, struct uidls *u)
{
	struct strbuf r = STRBUF_INIT, body = STRBUF_INIT;
	int st = pop_command(c, "UIDL", NULL, &r), rc = -1;

	if (st < 0) {
		pop_conn_failed(s, c, &mail_codes_rx);
		goto out;
	}
	if (st == 1) {
		rc = 1;
		goto out;
	}
	if (u->count > MAIL_UIDL_MAX) {
		mail_fail(s, 853, "pop server %s: %lld messages, more than %d to list", s->server,
			  (long long)u->count, MAIL_UIDL_MAX);
		goto out;
	}
	/* At most 70 characters of id and a number per message. */
	if (pop_multiline(c, &body, (size_t)(u->count + 1) * 96) != 0) {
		pop_conn_failed(s, c, &mail_codes_rx);
		goto out;
	}
	u->id = xcalloc((size_t)u->count + 1, sizeof *u->id);
	for (char *l = body.buf, *next; l && *l; l = next) {
		long long n = 0;
		char id[80] = "";
		next = strstr(l, "\r\n");
		if (next) {
			*next = '\0';
			next += 2;
		}
		if (sscanf(l, "%lld %79s", &n, id) != 2 || n < 1 || n > u->count ||
		    !uidl_valid(id) || u->id[n - 1] != NULL) {
			mail_fail(s, 853, "pop server %s: malformed UIDL line '%.60s'", s->server,
				  l);
			goto out;
		}
		u->id[n - 1] = xstrdup(id);
	}
	rc = 0;
out:
	sb_release(&r);
	sb_release(&body);
	return rc;
}

int
pop_uidl_check(struct mail_sess *s, struct mail_conn *c, int64_t count)
{
	struct uidls u = { .count = count };
	int rc = pop_uidl(s, c, &u);

	uidls_release(&u);
	return rc;
}

/* Forgets the recorded ids the server no longer lists (their messages were
 * deleted at an earlier QUIT), in one transaction; *forgot gets how many. */
static int
uidl_forget_gone(struct mail_sess *s, struct uidls *u, int *forgot)
{
	struct store *st = device_store(s->dev);
	const char *user = sb_str(&s->cfg.pop_login);
	char **listed = xcalloc((size_t)u->count + 1, sizeof *listed);
	size_t nl = 0, keep = 0;
	int rc = -1;

	*forgot = 0;
	for (int64_t i = 0; i < u->count; i++)
		if (u->id[i])
			listed[nl++] = u->id[i];
	qsort(listed, nl, sizeof *listed, cmp_str);
	if (store_begin(st, s->err) != 0)
		goto out;
	for (size_t i = 0; i < u->nknown; i++) {
		const char *k = u->known[i];
		if (nl && bsearch(&k, listed, nl, sizeof *listed, cmp_str)) {
			u->known[keep++] = u->known[i];
			continue;
		}
		if (store_mail_uidl_forget(st, sb_str(&s->cfg.pop_host), user, k, s->err) != 0) {
			store_rollback(st);
			/* The array is half compacted: keep it consistent. */
			for (size_t j = i; j < u->nknown; j++)
				u->known[keep++] = u->known[j];
			u->nknown = keep;
			goto out;
		}
		free(u->known[i]);
		(*forgot)++;
	}
	u->nknown = keep;
	if (store_commit(st, s->err) != 0) {
		store_rollback(st);
		goto out;
	}
	rc = 0;
out:
	free(listed);
	return rc;
}

/*
 * The hand-over of one received message to user inbox BOX: it becomes a
 * document there, and its UIDL (when the server gave one) is recorded,
 * under the server's name without the port (POP3 and POP3S reach the same
 * mailbox) and the login, in
 * the same transaction: the Mail Box module's own transaction nests in
 * ours, so the document row and the UIDL row commit together or not at
 * all. Should the commit fail after the document file was renamed into
 * place, that file has no row and the Mail Box module removes it at the
 * next start. Returns 0 only once the message is stored.
 */
static int
deliver(struct mail_sess *s, int box, const struct strbuf *msg, int64_t n, const char *uidl)
{
	char name[64];
	struct mail_delivery d = { .box = box,
				   .name = name,
				   .msg = msg->buf,
				   .len = msg->len,
				   .via = "pop",
				   .uidl = uidl,
				   .pop_server = sb_str(&s->cfg.pop_host),
				   .pop_user = sb_str(&s->cfg.pop_login) };
	int rc;

	mail_doc_name(name, sizeof name, n);
	rc = mail_deliver(s->dev, &d, s->err);
	if (rc == 1)
		mail_step(s,
			  "message %lld has the Message-ID of a message stored before: "
			  "not stored again",
			  (long long)n);
	return rc;
}

/* DELE N: 0 marked (or refused: the message stays), -1 session failed. */
static int
pop_dele(struct mail_sess *s, struct mail_conn *c, int64_t n)
{
	struct strbuf cmd = STRBUF_INIT, r = STRBUF_INIT;
	int st;

	sb_addf(&cmd, "DELE %lld", (long long)n);
	st = pop_command(c, cmd.buf, NULL, &r);
	if (st < 0)
		pop_conn_failed(s, c, &mail_codes_rx);
	else if (st == 1)
		mail_step(s, "DELE %lld refused: %.60s; the message stays on the server",
			  (long long)n, r.buf);
	sb_release(&cmd);
	sb_release(&r);
	return st < 0 ? -1 : 0;
}

int
mail_receive(struct device *dev, int box, const struct mail_io *io, int *code, struct svc_err *err)
{
	struct mail_sess s;
	struct mail_conn c = { .fd = -1 };
	struct strbuf r = STRBUF_INIT, msg = STRBUF_INIT, cmd = STRBUF_INIT, detail = STRBUF_INIT;
	struct uidls u = { 0 };
	int64_t count = 0, bytes = 0, got = 0, skipped = 0;
	int lock = -1, rc = -1, forgot = 0, st;

	if (code)
		*code = 0;
	if (box < 0 || box > 99)
		return svc_errf(err, EX_USAGE, "invalid inbox '%d' (00-99)", box);
	if (mail_sess_begin(&s, dev, io, "rx", "receive", err) != 0) {
		mail_cfg_release(&s.cfg);
		return -1;
	}
	if (rx_begin(&s, &c, &lock) != 0 || pop_stat(&s, &c, &count, &bytes) != 0)
		goto out;
	u.count = count;
	/* An empty mailbox needs no UIDL: every record of it can go. */
	st = count > 0 ? pop_uidl(&s, &c, &u) : 0;
	if (st < 0)
		goto out;
	if (st == 1) {
		mail_step(&s, "server has no UIDL: a message stored before a lost connection "
			      "will be stored again");
	} else {
		int64_t stored = 0;
		if (store_mail_uidl_each(device_store(dev), sb_str(&s.cfg.pop_host),
					 sb_str(&s.cfg.pop_login), known_add, &u, err) != 0 ||
		    uidl_forget_gone(&s, &u, &forgot) != 0)
			goto out;
		for (int64_t i = 0; i < count; i++)
			stored += u.id[i] && uidl_known(&u, u.id[i]);
		if (count > 0 || forgot > 0)
			mail_step(&s, "UIDL: %lld listed, %lld already stored, %d forgotten",
				  (long long)count, (long long)stored, forgot);
	}
	for (int64_t i = 1; i <= count; i++) {
		const char *uid = u.id ? u.id[i - 1] : NULL;
		if (uid && uidl_known(&u, uid)) {
			/* Stored by an earlier reception whose DELE never took
			 * effect: only delete it now. */
			mail_step(&s, "message %lld (UIDL %s) was already stored: not stored again",
				  (long long)i, uid);
			if (pop_dele(&s, &c, i) != 0)
				goto out;
			skipped++;
			continue;
		}
		sb_reset(&cmd);
		sb_addf(&cmd, "RETR %lld", (long long)i);
		st = pop_command(&c, cmd.buf, NULL, &r);
		if (st == 0)
			st = pop_multiline(&c, &msg, MAIL_MESSAGE_MAX);
		if (st < 0) {
			pop_conn_failed(&s, &c, &mail_codes_rx);
			goto out;
		}
		if (st == 1) {
			mail_fail(&s, 853, "pop server %s refused RETR %lld: %.60s", s.server,
				  (long long)i, r.buf);
			goto out;
		}
		st = deliver(&s, box, &msg, i, uid);
		if (st < 0)
			goto out;
		if (st == 0) {
			mail_step(&s, "message %lld (%zu bytes) stored for inbox %02d",
				  (long long)i, msg.len, box);
			got++;
		}
		/* Only now that it is stored may the server delete it. */
		if (pop_dele(&s, &c, i) != 0)
			goto out;
	}
	if (pop_quit(&c) < 0) {
		pop_conn_failed(&s, &c, &mail_codes_rx);
		goto out;
	}
	mail_step(&s, "%lld message(s) received into inbox %02d", (long long)got, box);
	if (skipped)
		mail_step(&s, "%lld message(s) stored earlier deleted on the server",
			  (long long)skipped);
	rc = 0;
out:
	conn_close(&c);
	mail_unlock(&s, lock);
	if (got) {
		struct svc_err e2 = { 0 };
		sb_addf(&detail, "%lld message(s) from %s into inbox %02d%s", (long long)got,
			s.server, box, rc == 0 ? "" : " (then failed)");
		device_audit(dev, "mail.receive", NULL, NULL, NULL, detail.buf, &e2);
	}
	uidls_release(&u);
	sb_release(&r);
	sb_release(&msg);
	sb_release(&cmd);
	sb_release(&detail);
	if (code)
		*code = rc == 0 ? 0 : s.code;
	rc = mail_sess_end(&s, rc);
	return rc < 0 ? -1 : (int)got;
}
