/* POP3 server replies as the mail client reads them (src/mail/pop.c,
 * receive.c, conn.c): the greeting and its APOP timestamp, CAPA (multi-line,
 * dot-stuffed; STLS, SASL lists), the login by the POP AUTH Method (USER/
 * PASS, APOP, or SASL with "+ " challenges), STAT, UIDL, then RETR bodies
 * (dot-unstuffed) as a reception reads them. The first byte picks the
 * method (bits 0-1: Standard, APOP, POP AUTH) and Allow PLAIN/LOGIN without SSL (bit 2); the rest
 * is what the server sends, through a socketpair (no network). */
#include <stdint.h>
#include <stdio.h>

#include "catalog/keys.h"
#include "mail_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct pop_login_codes codes = { 802, 851, 852, 853, 855, 854, 856, 843 };
static const int methods[] = {
	CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_STANDARD,
	CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_APOP,
	CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_POP_AUTH,
	CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_STANDARD,
};

/* RETR of up to four messages, as mail_receive reads them. */
static void
retrieve(struct mail_conn *c, int64_t count)
{
	struct strbuf r = STRBUF_INIT, msg = STRBUF_INIT, cmd = STRBUF_INIT;

	for (int64_t i = 1; i <= count && i <= 4; i++) {
		sb_reset(&cmd);
		sb_addf(&cmd, "RETR %lld", (long long)i);
		if (pop_command(c, cmd.buf, NULL, &r) != 0 ||
		    pop_multiline(c, &msg, 64 * 1024) != 0)
			break;
		/* Dot-unstuffed, CRLF after every line. */
		if (msg.len < 2 && msg.len != 0)
			abort();
		if (msg.len && (msg.buf[msg.len - 2] != '\r' || msg.buf[msg.len - 1] != '\n'))
			abort();
	}
	sb_release(&r);
	sb_release(&msg);
	sb_release(&cmd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_sess s;
	struct mail_conn c;
	struct svc_err err = { 0 };
	int64_t count = -1, bytes = -1;
	int peer;

	if (size < 1)
		return 0;
	mail_fuzz_session(&s, &err, data[0] & 4);
	s.cfg.pop_method = methods[data[0] & 3];
	if (mail_fuzz_conn(&c, &s, data + 1, size - 1, &peer) == 0) {
		if (pop_replies(&s, &c, &codes) == 0 && pop_stat(&s, &c, &count, &bytes) == 0) {
			if (count < 0 || bytes < 0)
				abort();
			if (pop_uidl_check(&s, &c, count) >= 0)
				retrieve(&c, count);
			pop_quit(&c);
		}
		conn_close(&c);
		close(peer);
	}
	mail_fuzz_session_end(&s);
	return 0;
}
