/* Backup of Mail Box: what the manifest, reader, writer and restore share. */
#include "backup/backup_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "util/hex.h"
#include "util/text.h"

void
backup_say(const struct backup_cb *cb, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (cb == NULL || cb->line == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	cb->line(cb->arg, buf);
}

void
backup_progress(const struct backup_cb *cb, const char *what, int64_t done, int64_t total)
{
	if (cb && cb->progress)
		cb->progress(cb->arg, what, total > 0 ? (double)done / (double)total : 1.0);
}

void
backup_sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char md[32];
	unsigned int n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	hex_encode(md, 32, out);
}

void
backup_iso_time(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int
backup_collect_doc(void *arg, const struct store_doc *d)
{
	struct collect *c = arg;

	if (c->boxes && !c->boxes[d->box])
		return 0;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = xrealloc(c->v, (size_t)c->cap * sizeof c->v[0]);
	}
	c->v[c->n++] = *d;
	return 0;
}
