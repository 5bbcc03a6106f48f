/* The fuzz targets' side of a mail connection: the input becomes what
 * the server sends, through a socketpair, to the real reading code. */
#ifndef SVC_MAIL_FUZZ_H
#define SVC_MAIL_FUZZ_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mail/mail_int.h"

/* More than fits in the socket buffer is not tried. */
#define MAIL_FUZZ_MAX (128 * 1024)

/* No Kerberos: a GSSAPI offer fails on the client side without network.
 * Set once, by the first session. */
static void
mail_fuzz_init(void)
{
	static bool done;

	if (done)
		return;
	setenv("KRB5_CONFIG", "/dev/null", 1);
	setenv("KRB5CCNAME", "FILE:/nonexistent/svc-fuzz-ccache", 1);
	done = true;
}

static void
mail_fuzz_session(struct mail_sess *s, struct svc_err *err, bool allow_plain)
{
	struct strbuf *all[] = { &s->cfg.smtp_host,     &s->cfg.pop_host,     &s->cfg.address,
				 &s->cfg.pop_login,     &s->cfg.pop_password, &s->cfg.smtp_user,
				 &s->cfg.smtp_password, &s->cfg.keytab };

	mail_fuzz_init();
	memset(s, 0, sizeof *s);
	s->err = err;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		sb_adds(all[i], "");
	sb_adds(&s->cfg.smtp_host, "localhost");
	sb_adds(&s->cfg.pop_host, "localhost");
	sb_adds(&s->cfg.address, "fax@example.com");
	sb_adds(&s->cfg.smtp_user, "fuzz");
	sb_adds(&s->cfg.smtp_password, "secret-password");
	sb_adds(&s->cfg.pop_login, "fuzz");
	sb_adds(&s->cfg.pop_password, "secret-password");
	s->cfg.smtp_port = 25;
	s->cfg.pop_port = 110;
	s->cfg.timeout_s = 1;
	s->cfg.smtp_auth = true;
	s->cfg.allow_plain = allow_plain;
	snprintf(s->server, sizeof s->server, "localhost:25");
}

static void
mail_fuzz_session_end(struct mail_sess *s)
{
	struct strbuf *all[] = { &s->cfg.smtp_host,     &s->cfg.pop_host,     &s->cfg.address,
				 &s->cfg.pop_login,     &s->cfg.pop_password, &s->cfg.smtp_user,
				 &s->cfg.smtp_password, &s->cfg.keytab };

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		sb_release(all[i]);
	sb_release(&s->steps);
}

/* Opens C on one end of a socketpair whose other end has sent DATA and
 * closed for writing; *peer is that other end. -1 if DATA is too large. */
static int
mail_fuzz_conn(struct mail_conn *c, struct mail_sess *s, const uint8_t *data, size_t size,
	       int *peer)
{
	int sv[2];

	if (size > MAIL_FUZZ_MAX || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if (size && write(sv[1], data, size) != (ssize_t)size) {
		close(sv[0]);
		close(sv[1]);
		return -1;
	}
	shutdown(sv[1], SHUT_WR);
	memset(c, 0, sizeof *c);
	c->s = s;
	c->fd = sv[0];
	c->timeout_ms = 1000;
	snprintf(c->host, sizeof c->host, "localhost");
	*peer = sv[1];
	return 0;
}

#endif
