/* Listing a backup: its manifest as lines or as one JSON object. */
#include "backup/backup_int.h"

#include <stdio.h>
#include <unistd.h>

#include "util/json.h"

/* Where the members of the listing's JSON object go. */
struct members {
	backup_field_fn field; /* NULL: into J, then one line */
	void *arg;
	struct strbuf j;
};

static void
member(struct members *m, const char *name, const char *value)
{
	if (m->field) {
		m->field(m->arg, name, value);
		return;
	}
	sb_adds(&m->j, m->j.len ? ", " : "{");
	json_add_str(&m->j, name);
	sb_addf(&m->j, ": %s", value);
}

static void
member_str(struct members *m, const char *name, const char *value)
{
	struct strbuf v = STRBUF_INIT;

	json_add_str(&v, value);
	member(m, name, v.buf);
	sb_release(&v);
}

/* The manifest as one JSON object, member by member. */
static void
list_json(const struct parsed *p, backup_field_fn field, const struct backup_cb *cb)
{
	struct members m = { field, cb ? cb->arg : NULL, STRBUF_INIT };
	struct strbuf v = STRBUF_INIT;
	char period[16], at[32];

	sb_addf(&v, "%lld", (long long)p->head.format);
	member(&m, "format", v.buf);
	member_str(&m, "svcmode", p->head.svcmode);
	member_str(&m, "model", p->head.model);
	member_str(&m, "serial", p->head.serial);
	member_str(&m, "created", p->head.created);
	member(&m, "encrypted", p->encrypted ? "true" : "false");
	sb_reset(&v);
	sb_adds(&v, "[");
	for (int b = 0, n = 0; b < MAILBOX_INBOXES; b++) {
		if (!p->has_inbox[b])
			continue;
		mailbox_format_period(p->inboxes[b].auto_erase, period, sizeof period);
		sb_addf(&v, "%s\n  {\"box\": \"%02d\", \"name\": ", n++ ? "," : "", b);
		json_add_str(&v, p->inboxes[b].name);
		sb_addf(&v, ", \"password\": %s, \"auto_erase\": \"%s\", \"print_on_store\": %s}",
			p->inboxes[b].password[0] ? "true" : "false", period,
			p->inboxes[b].print_on_store ? "true" : "false");
	}
	sb_adds(&v, "]");
	member(&m, "inboxes", v.buf);
	sb_reset(&v);
	sb_adds(&v, "[");
	for (int i = 0; i < p->ndocs; i++) {
		const struct store_doc *d = &p->docs[i];
		backup_iso_time(d->stored_at, at, sizeof at);
		sb_addf(&v, "%s\n  {\"box\": \"%02d\", \"doc\": \"%04d\", \"name\": ", i ? "," : "",
			d->box, d->no);
		json_add_str(&v, d->name);
		sb_addf(&v,
			", \"stored\": \"%s\", \"pages\": %d, \"size\": %lld, \"sha256\": "
			"\"%s\"}",
			at, d->pages, (long long)d->size, d->sha256);
	}
	sb_adds(&v, "]");
	member(&m, "documents", v.buf);
	/* Not through backup_say(): the object is longer than its buffer. */
	if (field == NULL && cb && cb->line) {
		sb_adds(&m.j, "}");
		cb->line(cb->arg, m.j.buf);
	}
	sb_release(&m.j);
	sb_release(&v);
}

static int
list(struct device *dev, const char *path, const char *passphrase, bool json, backup_field_fn field,
     const struct backup_cb *cb, struct svc_err *err)
{
	struct parsed p;
	char period[16], at[32];
	int fd, rc;

	if ((fd = backup_open_input(path, err)) < 0)
		return -1;
	rc = backup_read(dev, fd, path, passphrase, &p, NULL, false, cb, "reading", err);
	close(fd);
	if (rc != 0)
		return -1;
	if (json) {
		list_json(&p, field, cb);
	} else {
		backup_say(cb, "backup of %s serial %s, made %s by svcmode %s (format %lld)%s",
			   p.head.model, p.head.serial, p.head.created, p.head.svcmode,
			   (long long)p.head.format, p.encrypted ? ", encrypted" : "");
		backup_say(cb, "%d inboxes, %d documents, %lld bytes", p.ninboxes, p.ndocs,
			   (long long)p.bytes);
		for (int b = 0; b < MAILBOX_INBOXES; b++) {
			int nd = 0;
			if (!p.has_inbox[b])
				continue;
			for (int i = 0; i < p.ndocs; i++)
				nd += p.docs[i].box == b;
			if (nd == 0 && p.inboxes[b].name[0] == '\0' && !p.inboxes[b].password[0])
				continue;
			mailbox_format_period(p.inboxes[b].auto_erase, period, sizeof period);
			backup_say(cb,
				   "inbox %02d %-24s %3d documents  password %-3s auto-erase %s", b,
				   p.inboxes[b].name, nd, p.inboxes[b].password[0] ? "yes" : "no",
				   period);
			for (int i = 0; i < p.ndocs; i++) {
				if (p.docs[i].box != b)
					continue;
				backup_iso_time(p.docs[i].stored_at, at, sizeof at);
				backup_say(cb, "  %04d %s %12lld  %s", p.docs[i].no, at,
					   (long long)p.docs[i].size, p.docs[i].name);
			}
		}
	}
	backup_parsed_free(&p);
	return 0;
}

int
backup_list(struct device *dev, const char *path, const char *passphrase, bool json,
	    const struct backup_cb *cb, struct svc_err *err)
{
	return list(dev, path, passphrase, json, NULL, cb, err);
}

int
backup_list_fields(struct device *dev, const char *path, const char *passphrase,
		   backup_field_fn field, const struct backup_cb *cb, struct svc_err *err)
{
	return list(dev, path, passphrase, true, field, cb, err);
}
