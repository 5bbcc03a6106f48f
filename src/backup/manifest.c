/* The backup manifest: its format, parsing (checked as outside input) and
 * writing, and SHA256SUMS. */
#include "backup/backup_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/access.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/text.h"

/* The archive path of a document: inboxes/NN/DDDD NAME, the name made
 * safe for any PC file system. */
void
backup_doc_path(const struct store_doc *d, char *out, size_t cap)
{
	char safe[64];
	size_t i = 0, n = strlen(d->name);

	/* At most 60 bytes of the name, cut on a UTF-8 character boundary. */
	if (n > 60)
		for (n = 60; n > 0 && ((unsigned char)d->name[n] & 0xc0) == 0x80; n--)
			;
	for (const char *p = d->name; i < n; p++) {
		unsigned char c = (unsigned char)*p;
		safe[i++] = (c < 0x20 || c == 0x7f || strchr("/\\:*?\"<>|", c)) ? '_' : (char)c;
	}
	safe[i] = '\0';
	snprintf(out, cap, "inboxes/%02d/%04d %.60s", d->box, d->no, safe);
}

void
backup_parsed_free(struct parsed *p)
{
	svc_wipe(p->inboxes, sizeof p->inboxes);
	free(p->docs);
	p->docs = NULL;
}

/* Names from an archive are outside input: UTF-8 without controls. */
static bool
printable(const char *s)
{
	return text_is_clean(s);
}

static int
man_inbox(void *arg, const struct store_inbox *in)
{
	struct parsed *p = arg;

	if (in->password[0] && !access_hash_valid(in->password))
		return svc_errf(p->err, EX_DATAERR,
				"the backup manifest's 'password' of inbox %02d is not a password "
				"hash of this device's form (pbkdf2-sha256, %d-%d iterations)",
				in->box, ACCESS_PBKDF2_ITER, ACCESS_PBKDF2_ITER_MAX);
	if (in->box < 0 || in->box >= MAILBOX_INBOXES || p->has_inbox[in->box] ||
	    strlen(in->name) > MAILBOX_NAME_MAX || !printable(in->name) || in->auto_erase < 0 ||
	    in->auto_erase > 365 * 86400LL)
		return svc_errf(p->err, EX_DATAERR,
				"the backup manifest has a bad entry for inbox %d", in->box);
	p->inboxes[in->box] = *in;
	p->has_inbox[in->box] = true;
	p->ninboxes++;
	return 0;
}

static int
man_doc(void *arg, const struct store_doc *d)
{
	struct parsed *p = arg;
	char want[sizeof d->file];

	if (d->box < 0 || d->box >= MAILBOX_INBOXES || !p->has_inbox[d->box] || d->no < 1 ||
	    d->no > 9999 || d->size < 0 || d->pages < 0 || !hex_is_lower(d->sha256, 64) ||
	    d->name[0] == '\0' || strlen(d->name) > MAILBOX_DOCNAME_MAX || !printable(d->name))
		goto bad;
	backup_doc_path(d, want, sizeof want);
	if (strcmp(want, d->file) != 0)
		goto bad;
	for (int i = p->ndocs - 1; i >= 0 && p->docs[i].box == d->box; i--)
		if (p->docs[i].no >= d->no)
			goto bad; /* numbers must ascend within an inbox */
	if (p->ndocs && p->docs[p->ndocs - 1].box > d->box)
		goto bad;
	if (p->ndocs == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->docs = xrealloc(p->docs, (size_t)p->cap * sizeof p->docs[0]);
	}
	p->docs[p->ndocs++] = *d;
	p->bytes += d->size;
	return 0;
bad:
	return svc_errf(p->err, EX_DATAERR,
			"the backup manifest has a bad document entry (inbox %d, document %d)",
			d->box, d->no);
}

/* "2026-11-27T19:14:52Z", between 2000 and 2100. */
static bool
plausible_time(const char *t)
{
	int y, mo, d, h, mi, sec;
	char z, end;

	return sscanf(t, "%4d-%2d-%2dT%2d:%2d:%2d%c%c", &y, &mo, &d, &h, &mi, &sec, &z, &end) ==
		       7 &&
	       z == 'Z' && strlen(t) == 20 && y >= 2000 && y < 2100 && mo >= 1 && mo <= 12 &&
	       d >= 1 && d <= 31 && h < 24 && mi < 60 && sec < 61 && h >= 0 && mi >= 0 && sec >= 0;
}

int
backup_parse_manifest(struct device *dev, const char *path, const char *json, struct parsed *p,
		      struct svc_err *err)
{
	struct store *st = device_store(dev);
	int64_t per[MAILBOX_INBOXES] = { 0 };

	p->err = err;
	if (store_manifest_head(st, json, &p->head, err) != 0)
		return -1;
	if (p->head.format > BACKUP_FORMAT)
		return svc_errf(err, EX_DATAERR,
				"'%s' is backup format %lld, newer than this svcmode reads (%d): "
				"restore it with a newer svcmode",
				path, (long long)p->head.format, BACKUP_FORMAT);
	if (p->head.format < 1)
		return svc_errf(err, EX_DATAERR, "'%s' has an invalid backup format number %lld",
				path, (long long)p->head.format);
	if (!plausible_time(p->head.created))
		return svc_errf(
			err, EX_DATAERR,
			"the backup manifest has an invalid 'created' ('%.40s'): expected a "
			"UTC time such as 2026-11-27T19:14:52Z between 2000 and 2100",
			p->head.created);
	if (store_manifest_inboxes(st, json, man_inbox, p, err) != 0 ||
	    store_manifest_docs(st, json, man_doc, p, err) != 0)
		return -1;
	for (int i = 0; i < p->ndocs; i++)
		if (++per[p->docs[i].box] > MAILBOX_MAX_DOCS)
			return svc_errf(err, EX_DATAERR,
					"the backup holds more than %d documents "
					"for inbox %02d",
					MAILBOX_MAX_DOCS, p->docs[i].box);
	return 0;
}

void
backup_sums_text(const char *manifest_sha, const struct store_doc *docs, int n, bool store_docs,
		 struct strbuf *out)
{
	char apath[sizeof docs->file];

	sb_addf(out, "%s  %s\n", manifest_sha, MANIFEST_NAME);
	for (int i = 0; i < n; i++) {
		if (store_docs)
			backup_doc_path(&docs[i], apath, sizeof apath);
		sb_addf(out, "%s  %s\n", docs[i].sha256, store_docs ? apath : docs[i].file);
	}
}

void
backup_build_manifest(struct device *dev, const struct store_inbox *ins, const bool *sel,
		      const struct collect *docs, struct strbuf *j)
{
	const struct store_identity *id = device_identity(dev);
	char at[32], apath[sizeof docs->v[0].file];

	backup_iso_time((int64_t)time(NULL), at, sizeof at);
	sb_addf(j, "{\n \"format\": %d,\n \"svcmode\": ", BACKUP_FORMAT);
	json_add_str(j, SVC_VERSION);
	sb_adds(j, ",\n \"model\": ");
	json_add_str(j, id->model);
	sb_adds(j, ",\n \"serial\": ");
	json_add_str(j, id->serial);
	sb_addf(j, ",\n \"created\": \"%s\",\n \"inboxes\": [", at);
	for (int b = 0, n = 0; b < MAILBOX_INBOXES; b++) {
		if (!sel[b])
			continue;
		sb_addf(j, "%s\n  {\"box\": %d, \"name\": ", n++ ? "," : "", b);
		json_add_str(j, ins[b].name);
		sb_adds(j, ", \"password\": ");
		json_add_str(j, ins[b].password);
		sb_addf(j, ", \"auto_erase\": %lld, \"print_on_store\": %d}",
			(long long)ins[b].auto_erase, ins[b].print_on_store ? 1 : 0);
	}
	sb_adds(j, "\n ],\n \"documents\": [");
	for (int i = 0; i < docs->n; i++) {
		const struct store_doc *d = &docs->v[i];
		backup_doc_path(d, apath, sizeof apath);
		sb_addf(j, "%s\n  {\"box\": %d, \"no\": %d, \"name\": ", i ? "," : "", d->box,
			d->no);
		json_add_str(j, d->name);
		sb_addf(j,
			", \"stored\": %lld, \"pages\": %d, \"size\": %lld, \"sha256\": \"%s\","
			" \"path\": ",
			(long long)d->stored_at, d->pages, (long long)d->size, d->sha256);
		json_add_str(j, apath);
		sb_adds(j, "}");
	}
	sb_adds(j, "\n ]\n}\n");
}
