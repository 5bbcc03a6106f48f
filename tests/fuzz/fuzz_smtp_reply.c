/* SMTP server replies as the mail client reads them (src/mail/smtp.c,
 * conn.c): the greeting, the EHLO reply (multi-line 250-/250, AUTH and
 * AUTH= lists, STARTTLS), HELO after a refused EHLO, the AUTH exchange with
 * its 334 challenges (SASL through libgsasl), then any further replies. The
 * first byte sets Allow PLAIN/LOGIN without SSL (bit 0); the rest is what
 * the server sends, through a socketpair (no network). */
#include <stdint.h>

#include "mail_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_sess s;
	struct mail_conn c;
	struct svc_err err = { 0 };
	int peer;

	if (size < 1)
		return 0;
	mail_fuzz_session(&s, &err, data[0] & 1);
	if (mail_fuzz_conn(&c, &s, data + 1, size - 1, &peer) == 0) {
		/* The input always ends, so every session ends in a failure:
		 * of the connection or with a device code. */
		(void)smtp_replies(&s, &c);
		if (c.fail == MF_NONE && s.code == 0)
			abort();
		conn_close(&c);
		close(peer);
	}
	mail_fuzz_session_end(&s);
	return 0;
}
