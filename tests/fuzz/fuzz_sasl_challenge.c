/* SASL server challenges as the mail client handles them (src/mail/sasl.c
 * through libgsasl): the base64 text of "334 ..." (SMTP) and "+ ..." (POP)
 * lines fed to sasl_step for CRAM-MD5, NTLM, LOGIN and PLAIN, which need no
 * network. The first byte picks the mechanism (bits 0-1), the user name
 * form (bit 2: DOMAIN\user or user@domain, for NTLM) and how the rest is
 * read (bit 3): as base64 lines separated by '\n', exactly as the server
 * sent them, or as length-prefixed raw challenges that this target
 * encodes, so that the mechanisms' own parsers see arbitrary bytes. The
 * rest is also offered as a mechanism list (EHLO AUTH, CAPA SASL). */
#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROUNDS 16 /* as many as smtp.c and pop.c allow */

static const char *const mechs[] = { "CRAM-MD5", "NTLM", "LOGIN", "PLAIN" };

/* One step; false once the exchange is over. */
static bool
step(struct mail_sasl *m, const char *in)
{
	char *out = NULL, why[200] = "";
	bool krb = true;
	int st = sasl_step(m, in, &out, &krb, why, sizeof why);

	if (st < 0) {
		if (out != NULL || why[0] == '\0' || krb)
			abort(); /* no Kerberos here: no GSSAPI */
		return false;
	}
	if (out == NULL)
		abort();
	free(out);
	return st == 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mail_sasl *m = NULL;
	char why[200], *text, *b64;
	const char *cand[8];
	const uint8_t *p, *end = data + size;
	int n;

	if (size < 1)
		return 0;
	text = malloc(size);
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	n = sasl_candidates(text, (data[0] & 0x10) != 0, (data[0] & 0x20) != 0, cand, 8);
	if (n < 0 || n > 5)
		abort();
	if (sasl_start(&m, mechs[data[0] & 3], "smtp", "mail.example",
		       data[0] & 4 ? "EXAMPLE\\fuzz" : "fuzz@example", "secret-password", "", why,
		       sizeof why) != 0)
		abort();
	if (data[0] & 8) {
		char *line = text, *nl;
		for (int r = 0; r < ROUNDS && line; r++, line = nl) {
			nl = strchr(line, '\n');
			if (nl)
				*nl++ = '\0';
			if (!step(m, line))
				break;
		}
	} else {
		p = data + 1;
		for (int r = 0; r < ROUNDS && p < end; r++) {
			size_t len = *p++;
			if (len > (size_t)(end - p))
				len = (size_t)(end - p);
			b64 = malloc(4 * (len / 3 + 1) + 1);
			EVP_EncodeBlock((unsigned char *)b64, p, (int)len);
			p += len;
			bool more = step(m, b64);
			free(b64);
			if (!more)
				break;
		}
	}
	sasl_free(m);
	free(text);
	return 0;
}
