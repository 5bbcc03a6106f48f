/* Mail Box Settings > User Inboxes: the list of 100, an inbox's documents
 * and settings. The work is the mailbox module's; these only talk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "actions/action.h"
#include "mailbox/mailbox.h"

static void
human_size(int64_t n, char *buf, size_t cap)
{
	if (n < 10 * 1024)
		snprintf(buf, cap, "%lld B", (long long)n);
	else if (n < 10 * 1024 * 1024)
		snprintf(buf, cap, "%lld KB", (long long)(n / 1024));
	else
		snprintf(buf, cap, "%lld MB", (long long)(n / (1024 * 1024)));
}

/* The password that opens BOX, asked only when it is needed. */
static int
ask_password(struct device *dev, int box, struct action_io *io, struct strbuf *buf,
	     const char **pw, struct svc_err *err)
{
	struct mailbox_inbox in;
	char prompt[48];

	*pw = NULL;
	if (mailbox_inbox_get(dev, box, &in, err) != 0)
		return -1;
	if (!in.protected_ || device_level(dev) >= LEVEL_MANAGER || io == NULL || io->ask == NULL)
		return 0;
	snprintf(prompt, sizeof prompt, "Password of inbox %02d", box);
	if (io->ask(io->arg, prompt, true, buf) != 0)
		return svc_errf(err, EX_NOPERM, "inbox %02d is protected by a password", box);
	*pw = sb_str(buf);
	return mailbox_unlock(dev, box, *pw, err);
}

struct emit_ctx {
	action_emit_fn emit;
	void *arg;
};

static int
inbox_row(void *arg, const struct mailbox_inbox *in)
{
	struct emit_ctx *c = arg;
	struct action_row row;
	char size[24];

	memset(&row, 0, sizeof row);
	snprintf(row.id, sizeof row.id, "%02d", in->box);
	snprintf(row.label, sizeof row.label, "%s%s", in->name, in->protected_ ? " [PW]" : "");
	human_size(in->bytes, size, sizeof size);
	snprintf(row.value, sizeof row.value, "%lld doc %s", (long long)in->docs, size);
	return c->emit(c->arg, &row);
}

static int
list_inboxes(struct device *dev, const char *param, struct action_io *io, action_emit_fn emit,
	     void *arg, struct svc_err *err)
{
	struct emit_ctx c = { emit, arg };

	(void)param;
	(void)io;
	return mailbox_inbox_each(dev, inbox_row, &c, err);
}

static int
doc_row(void *arg, const struct mailbox_doc *d)
{
	struct emit_ctx *c = arg;
	struct action_row row;
	char size[24], at[24];
	time_t t = (time_t)d->stored_at;
	struct tm tm;

	memset(&row, 0, sizeof row);
	snprintf(row.id, sizeof row.id, "%02d/%04d", d->box, d->no);
	snprintf(row.label, sizeof row.label, "%04d %.40s", d->no, d->name);
	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%m/%d %H:%M", &tm);
	human_size(d->size, size, sizeof size);
	snprintf(row.value, sizeof row.value, "%.11s %.12s", at, size);
	return c->emit(c->arg, &row);
}

static int
list_docs(struct device *dev, const char *param, struct action_io *io, action_emit_fn emit,
	  void *arg, struct svc_err *err)
{
	struct emit_ctx c = { emit, arg };
	struct strbuf buf = STRBUF_INIT;
	const char *pw;
	int box, rc = -1;

	if (mailbox_parse_box(param, &box, err) == 0 &&
	    ask_password(dev, box, io, &buf, &pw, err) == 0)
		rc = mailbox_doc_each(dev, box, pw, doc_row, &c, err);
	sb_release(&buf);
	return rc;
}

static int
parse_doc_param(const char *param, int *box, int *no, struct svc_err *err)
{
	char b[4];
	const char *slash = strchr(param, '/');
	char *end;
	long v;

	if (slash == NULL || slash - param > 2)
		return svc_errf(err, EX_USAGE, "invalid document '%s' (NN/DOC)", param);
	memcpy(b, param, (size_t)(slash - param));
	b[slash - param] = '\0';
	if (mailbox_parse_box(b, box, err) != 0)
		return -1;
	v = strtol(slash + 1, &end, 10);
	if (*end || v < 1 || v > 9999 || slash[1] < '0' || slash[1] > '9')
		return svc_errf(err, EX_USAGE, "invalid document '%s' (NN/DOC)", param);
	*no = (int)v;
	return 0;
}

static int
doc_delete(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf buf = STRBUF_INIT;
	char question[96], expect[8];
	const char *pw;
	int box = 0, no = 0, rc = -1;

	if (parse_doc_param(param, &box, &no, err) != 0 ||
	    ask_password(dev, box, io, &buf, &pw, err) != 0)
		goto out;
	snprintf(expect, sizeof expect, "%04d", no);
	snprintf(question, sizeof question,
		 "Delete document %04d of inbox %02d? It is overwritten. Type %s", no, box, expect);
	if (io && io->confirm && io->confirm(io->arg, question, expect) != 0) {
		svc_errf(err, EX_USAGE, "not confirmed; nothing deleted");
		goto out;
	}
	if ((rc = mailbox_delete(dev, box, pw, no, err)) == 0 && io && io->line) {
		snprintf(question, sizeof question, "document %04d of inbox %02d deleted", no, box);
		io->line(io->arg, question);
	}
out:
	sb_release(&buf);
	return rc;
}

/* Asks one setting; an empty answer keeps it. */
static int
ask_field(struct device *dev, int box, const char *pw, struct action_io *io, const char *label,
	  const char *field, const char *current, bool hidden, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT;
	char prompt[96];
	int rc = 0;

	snprintf(prompt, sizeof prompt, "%s [%s]", label, current);
	if (io->ask(io->arg, prompt, hidden, &v) != 0) {
		sb_release(&v);
		return svc_errf(err, EX_USAGE, "cancelled");
	}
	if (v.len) {
		/* "-" removes a password (the panel's Clear). */
		const char *value = strcmp(field, "password") == 0 && strcmp(v.buf, "-") == 0
					    ? ""
					    : v.buf;
		rc = mailbox_set(dev, box, pw, field, value, err);
	}
	sb_release(&v);
	return rc;
}

static int
inbox_settings(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf buf = STRBUF_INIT;
	struct mailbox_inbox in;
	char period[16];
	const char *pw;
	int box, rc = -1;

	if (io == NULL || io->ask == NULL)
		return svc_errf(err, EX_USAGE, "inbox settings need someone to answer");
	if (mailbox_parse_box(param, &box, err) != 0 ||
	    ask_password(dev, box, io, &buf, &pw, err) != 0 ||
	    mailbox_inbox_get(dev, box, &in, err) != 0)
		goto out;
	mailbox_format_period(in.auto_erase, period, sizeof period);
	if (ask_field(dev, box, pw, io, "Name (up to 24 characters)", "name", in.name, false,
		      err) != 0 ||
	    ask_field(dev, box, pw, io, "Time until Document Auto Erase (OFF, 30m, 12h, 3d)",
		      "auto-erase", period, false, err) != 0 ||
	    ask_field(dev, box, pw, io, "Print upon storing (ON/OFF)", "print-on-store",
		      in.print_on_store ? "ON" : "OFF", false, err) != 0 ||
	    ask_field(dev, box, pw, io, "New password (1-7 digits; - removes)", "password",
		      in.protected_ ? "set" : "none", true, err) != 0)
		goto out;
	if (io->line)
		io->line(io->arg, "inbox settings saved");
	rc = 0;
out:
	sb_release(&buf);
	return rc;
}

const struct action_def actions_mailbox[] = {
	{ "box.inboxes", ACTION_LIST, LEVEL_USER, NULL, "User Inboxes 00-99", list_inboxes,
	  "box.docs,box.settings" },
	{ "box.docs", ACTION_LIST, LEVEL_USER, NULL, "documents of an inbox", list_docs,
	  "box.doc_delete" },
	{ "box.doc_delete", ACTION_RUN, LEVEL_USER, doc_delete, "delete a document", NULL, NULL },
	{ "box.settings", ACTION_RUN, LEVEL_USER, inbox_settings, "inbox settings", NULL, NULL },
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
