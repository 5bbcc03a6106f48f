/* Storing a received message in a user inbox, once: the one path of SMTP
 * reception and POP reception. */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mail/mail_int.h"
#include "mailbox/mailbox.h"
#include "util/hex.h"

/* The value of the first Message-ID field of the header section, unfolded,
 * if it is one "<...>" of printable ASCII; else false. */
static bool
header_msgid(const char *msg, size_t len, char *out, size_t cap)
{
	static const char name[] = "message-id:";
	const size_t nlen = sizeof name - 1;
	size_t i = 0;

	while (i < len) {
		const char *line = msg + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) + 1 : len - i;

		if (n <= 2 && (line[0] == '\n' || (line[0] == '\r' && n == 2)))
			return false; /* the end of the header section */
		if (n > nlen && strncasecmp(line, name, nlen) == 0) {
			const char *p = line + nlen, *end = msg + len, *lt, *gt;
			size_t k;
			/* Folded values go on over lines that begin with white space. */
			while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
				p++;
			lt = p;
			gt = memchr(lt, '>', (size_t)(end - lt));
			if (lt >= end || *lt != '<' || gt == NULL || (size_t)(gt - lt) + 2 > cap)
				return false;
			for (k = 1; lt + k < gt; k++)
				if (lt[k] <= ' ' || lt[k] > '~' || lt[k] == '<')
					return false;
			memcpy(out, lt, (size_t)(gt - lt) + 1);
			out[gt - lt + 1] = '\0';
			return k > 1;
		}
		i += n;
	}
	return false;
}

void
mail_doc_name(char *out, size_t cap, long long n)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	snprintf(out, cap, "mail %04d-%02d-%02d %02d%02d%02d #%lld", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, n);
}

void
mail_msg_key(const void *msg, size_t len, char *out, size_t cap)
{
	unsigned char md[32];
	unsigned int mdlen = 0;
	size_t o, fit;

	if (header_msgid(msg, len, out, cap))
		return;
	o = (size_t)snprintf(out, cap, "sha256:");
	if (EVP_Digest(msg, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		mdlen = 0;
	/* As many whole bytes as fit, the NUL included. */
	fit = o < cap ? (cap - o - 1) / 2 : 0;
	if (fit > mdlen)
		fit = mdlen;
	if (fit > 0)
		hex_encode(md, fit, out + o);
}

int
mail_deliver(struct device *dev, const struct mail_delivery *d, struct svc_err *err)
{
	struct store *st = device_store(dev);
	char key[MAIL_MSGID_MAX];
	int seen;

	if (d->key)
		snprintf(key, sizeof key, "%s", d->key);
	else
		mail_msg_key(d->msg, d->len, key, sizeof key);
	if (store_begin(st, err) != 0)
		return -1;
	seen = store_mail_msgid_seen(st, key, err);
	if (seen < 0 ||
	    (seen == 0 && (mailbox_store_document(dev, d->box, d->name, d->msg, d->len, err) != 0 ||
			   store_mail_msgid_add(st, key, d->box, d->via, err) != 0)) ||
	    (d->uidl &&
	     store_mail_uidl_add(st, d->pop_server, d->pop_user, d->uidl, d->box, err) != 0) ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		return -1;
	}
	return seen;
}
