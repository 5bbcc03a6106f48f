/* Operations of the Mail Box: User Inboxes 00-99, their settings and their
 * documents (list, store, copy out, delete). The work is the mailbox
 * module's; these read the arguments, the inbox password and the answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailbox/mailbox.h"
#include "ops/op.h"

static int
box_arg(const struct op_ctx *c)
{
	return (int)strtol(op_arg(c, "nn"), NULL, 10); /* OP_P_BOX: "00"-"99" */
}

static int
doc_arg(const struct op_ctx *c)
{
	return (int)strtol(op_arg(c, "doc"), NULL, 10); /* OP_P_NUM: 1-9999 */
}

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

/*
 * The password that opens inbox BOX for this operation. *PW stays NULL
 * when none is needed (no password is set, or the session holds
 * DOOR_MANAGER) or none is offered: the module then refuses, with
 * EX_NOPERM, and audits the refusal. In turn: $SVCMODE_BOX_PASSWORD;
 * System Manager rights when the environment offers their credentials
 * ($SVCMODE_MANAGER_ID); the person, asked (an empty answer offers none).
 */
static int
inbox_password(struct op_ctx *c, int box, struct strbuf *buf, const char **pw, struct svc_err *err)
{
	struct mailbox_inbox in;
	const char *env = getenv("SVCMODE_BOX_PASSWORD");
	char text[48];

	*pw = NULL;
	if (mailbox_inbox_get(c->dev, box, &in, err) != 0)
		return -1;
	if (!in.protected_ || (device_doors(c->dev) & DOOR_MANAGER))
		return 0;
	if (env && *env) {
		*pw = env;
		return 0;
	}
	if (getenv("SVCMODE_MANAGER_ID")) {
		snprintf(text, sizeof text, "opening inbox %02d", box);
		return device_require(c->dev, DOOR_MANAGER, text, err);
	}
	snprintf(text, sizeof text, "Password of inbox %02d", box);
	if (op_ask(c, text, true, false, buf, err) != 0)
		return -1;
	if (buf->len)
		*pw = sb_str(buf);
	return 0;
}

/* inbox_password, then the check itself (for operations that ask more
 * before they change anything). */
static int
inbox_open(struct op_ctx *c, int box, struct strbuf *buf, const char **pw, struct svc_err *err)
{
	if (inbox_password(c, box, buf, pw, err) != 0)
		return -1;
	return mailbox_unlock(c->dev, box, *pw, err);
}

/* --- the inboxes ------------------------------------------------------------ */

struct list {
	struct op_ctx *c;
	int n;
};

static int
inbox_row(void *arg, const struct mailbox_inbox *in)
{
	struct list *l = arg;
	char id[4], label[48], value[40], size[24], period[16], docs[24], bytes[24], text[128];

	mailbox_format_period(in->auto_erase, period, sizeof period);
	human_size(in->bytes, size, sizeof size);
	snprintf(id, sizeof id, "%02d", in->box);
	snprintf(label, sizeof label, "%s%s", in->name, in->protected_ ? " [PW]" : "");
	snprintf(value, sizeof value, "%lld doc %s", (long long)in->docs, size);
	snprintf(docs, sizeof docs, "%lld", (long long)in->docs);
	snprintf(bytes, sizeof bytes, "%lld", (long long)in->bytes);
	snprintf(text, sizeof text, "%02d  %-24s %5lld %12lld %-3s %-10s %s", in->box, in->name,
		 (long long)in->docs, (long long)in->bytes, in->protected_ ? "yes" : "no", period,
		 in->print_on_store ? "ON" : "OFF");
	const struct op_field f[] = {
		{ "box", id, OP_F_STR },
		{ "name", in->name, OP_F_STR },
		{ "password", in->protected_ ? "true" : "false", OP_F_BOOL },
		{ "auto_erase", period, OP_F_STR },
		{ "print_on_store", in->print_on_store ? "true" : "false", OP_F_BOOL },
		{ "documents", docs, OP_F_INT },
		{ "bytes", bytes, OP_F_INT },
	};
	if (l->n++ == 0 && !l->c->json)
		op_linef(l->c, "%-3s %-24s %5s %12s %-3s %-10s %s", "NO", "NAME", "DOCS", "BYTES",
			 "PW", "AUTO-ERASE", "PRINT");
	return op_emit(l->c, &(struct op_row){ id, label, value, text, f, 7 });
}

static int
run_inboxes(struct op_ctx *c, struct svc_err *err)
{
	struct list l = { c, 0 };

	return mailbox_inbox_each(c->dev, inbox_row, &l, err);
}

/* --- the documents of an inbox ------------------------------------------------ */

static int
doc_row(void *arg, const struct mailbox_doc *d)
{
	struct list *l = arg;
	char id[16], label[56], value[32], at[32], shortat[16], size[24], no[8], box[4];
	char pages[16], bytes[24], text[320];
	time_t t = (time_t)d->stored_at;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(shortat, sizeof shortat, "%m/%d %H:%M", &tm);
	human_size(d->size, size, sizeof size);
	snprintf(id, sizeof id, "%02d/%04d", d->box, d->no);
	snprintf(label, sizeof label, "%04d %.40s", d->no, d->name);
	snprintf(value, sizeof value, "%.11s %.12s", shortat, size);
	snprintf(box, sizeof box, "%02d", d->box);
	snprintf(no, sizeof no, "%04d", d->no);
	snprintf(pages, sizeof pages, "%d", d->pages);
	snprintf(bytes, sizeof bytes, "%lld", (long long)d->size);
	snprintf(text, sizeof text, "%04d %-20s %5d %12lld  %s", d->no, at, d->pages,
		 (long long)d->size, d->name);
	const struct op_field f[] = {
		{ "box", box, OP_F_STR },          { "doc", no, OP_F_STR },
		{ "name", d->name, OP_F_STR },     { "stored", at, OP_F_STR },
		{ "pages", pages, OP_F_INT },      { "size", bytes, OP_F_INT },
		{ "sha256", d->sha256, OP_F_STR },
	};
	if (l->n++ == 0 && !l->c->json)
		op_linef(l->c, "%-4s %-20s %5s %12s  %s", "DOC", "STORED", "PAGES", "BYTES",
			 "NAME");
	return op_emit(l->c, &(struct op_row){ id, label, value, text, f, 7 });
}

static int
run_docs(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf buf = STRBUF_INIT;
	struct list l = { c, 0 };
	const char *pw;
	int box = box_arg(c), rc = -1;

	if (inbox_password(c, box, &buf, &pw, err) == 0 &&
	    (rc = mailbox_doc_each(c->dev, box, pw, doc_row, &l, err)) == 0 && l.n == 0 && !c->json)
		op_notef(c, "inbox %02d holds no documents", box);
	sb_release(&buf);
	return rc;
}

/* --- one setting ---------------------------------------------------------------- */

/* The value is checked, or the new password read and checked, before the
 * inbox is opened: a refused value costs no password attempt. */
static int
prepare_set(struct op_ctx *c, struct svc_err *err)
{
	const char *field = op_arg(c, "field"), *value = op_arg(c, "value");
	char prompt[48];

	if (field == NULL) /* every setting, asked by the run */
		return 0;
	if (strcmp(field, "password") == 0) {
		if (value)
			return svc_errf(
				err, EX_USAGE,
				"refusing a password on the command line, where others can "
				"see it: give it on stdin (printf '%%s' 1234 | svcmode box set "
				"%s password) or at the prompt; an empty line removes it",
				op_arg(c, "nn"));
		snprintf(prompt, sizeof prompt, "New password of inbox %s", op_arg(c, "nn"));
		if (op_ask(c, prompt, true, true, &c->in[0], err) != 0)
			return -1;
		return mailbox_check_setting(c->dev, box_arg(c), field, sb_str(&c->in[0]), err);
	}
	if (value == NULL)
		return svc_errf(err, EX_USAGE, "usage: svcmode box set %s %s VALUE",
				op_arg(c, "nn"), field);
	return mailbox_check_setting(c->dev, box_arg(c), field, value, err);
}

static int
set_one(struct op_ctx *c, const char *field, struct svc_err *err)
{
	struct strbuf buf = STRBUF_INIT;
	const char *value = strcmp(field, "password") == 0 ? sb_str(&c->in[0]) : op_arg(c, "value");
	const char *pw;
	int box = box_arg(c), rc = -1;

	if (inbox_password(c, box, &buf, &pw, err) == 0)
		rc = mailbox_set(c->dev, box, pw, field, value, err);
	sb_release(&buf);
	return rc;
}

/* --- every setting, asked ------------------------------------------------------- */

/* The order the panel asks them in; what each is and takes is the
 * catalog's (box.NN.FIELD). */
static const char *const asked[] = { "name", "auto-erase", "print-on-store", "password" };
#define S_N (sizeof asked / sizeof asked[0])

/* "Name (printable text ...) [Sales]": the catalog's label and what it
 * takes, with the current value (a password: set or none). */
static int
ask_prompt(struct op_ctx *c, int box, const char *field, struct strbuf *prompt, bool *hidden,
	   struct svc_err *err)
{
	const struct cat_entry *e;
	struct cat_entry asked_for;
	struct strbuf cur = STRBUF_INIT, want = STRBUF_INIT;
	char key[64];

	snprintf(key, sizeof key, "box.%02d.%s", box, field);
	if ((e = catalog_lookup(device_catalog(c->dev), key, err)) == NULL ||
	    config_get(c->dev, key, &cur, err) != 0) {
		sb_release(&cur);
		return -1;
	}
	*hidden = catalog_is_hidden(e);
	/* Here an empty answer keeps the value; '-' is what removes. */
	asked_for = *e;
	asked_for.empty_ok = false;
	catalog_expected(&asked_for, &want);
	sb_reset(prompt);
	if (*hidden)
		sb_addf(prompt, "New %s (%s; - removes) [%s]", e->label, sb_str(&want),
			cur.len ? "set" : "none");
	else
		sb_addf(prompt, "%s (%s) [%s]", e->label, sb_str(&want), sb_str(&cur));
	sb_release(&cur);
	sb_release(&want);
	return 0;
}

static int
set_all(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf buf = STRBUF_INIT, prompt = STRBUF_INIT, v[S_N];
	const char *pw, *value[S_N];
	int box = box_arg(c), rc = -1, changed = 0;
	bool hidden;

	for (size_t i = 0; i < S_N; i++)
		v[i] = (struct strbuf)STRBUF_INIT;
	if (inbox_open(c, box, &buf, &pw, err) != 0)
		goto out;
	/* Every answer first, each checked: a bad one changes nothing. An
	 * empty answer keeps the setting; "-" removes a password. */
	for (size_t i = 0; i < S_N; i++) {
		if (ask_prompt(c, box, asked[i], &prompt, &hidden, err) != 0 ||
		    op_ask(c, sb_str(&prompt), hidden, hidden, &v[i], err) != 0)
			goto out;
		value[i] = sb_str(&v[i]);
		if (hidden && strcmp(value[i], "-") == 0)
			value[i] = "";
		else if (*value[i] == '\0')
			value[i] = NULL;
		if (value[i] && mailbox_check_setting(c->dev, box, asked[i], value[i], err) != 0)
			goto out;
	}
	for (size_t i = 0; i < S_N; i++) {
		if (value[i] == NULL)
			continue;
		if (mailbox_set(c->dev, box, pw, asked[i], value[i], err) != 0)
			goto out;
		changed++;
	}
	op_line(c, changed ? "inbox settings saved" : "nothing changed");
	rc = 0;
out:
	for (size_t i = 0; i < S_N; i++)
		sb_release(&v[i]);
	sb_release(&prompt);
	sb_release(&buf);
	return rc;
}

/* box set NN FIELD [VALUE]: one setting; box set NN (and the menus): every
 * setting, asked. */
static int
run_set(struct op_ctx *c, struct svc_err *err)
{
	const char *field = op_arg(c, "field");

	return field ? set_one(c, field, err) : set_all(c, err);
}

/* --- documents: store, copy out, delete -------------------------------------------- */

/* The files to store: every value of the OP_MANY parameter, or the one
 * given (the menus ask one). */
static const char *
next_file(const struct op_ctx *c, const char *prev)
{
	if (op_many_count(c) > 0)
		return op_many_next(c, prev);
	return prev ? NULL : op_arg(c, "file");
}

static int
prepare_store(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name");

	if (name && *name && op_many_count(c) > 1)
		return svc_errf(err, EX_USAGE, "--name needs exactly one FILE");
	return 0;
}

static int
run_store(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf buf = STRBUF_INIT;
	const char *name = op_arg(c, "name"), *pw;
	int box = box_arg(c), no, rc = -1;

	if (name && *name == '\0')
		name = NULL;
	if (inbox_password(c, box, &buf, &pw, err) != 0)
		goto out;
	for (const char *f = next_file(c, NULL); f; f = next_file(c, f)) {
		if (mailbox_store_file(c->dev, box, pw, f, name, &no, err) != 0)
			goto out;
		op_linef(c, "%02d/%04d %s", box, no, f);
	}
	rc = 0;
out:
	sb_release(&buf);
	return rc;
}

static int
run_export(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf buf = STRBUF_INIT;
	const char *file = op_arg(c, "file"), *pw;
	int box = box_arg(c), no = doc_arg(c), rc = -1;

	if (inbox_password(c, box, &buf, &pw, err) == 0 &&
	    (rc = mailbox_export(c->dev, box, pw, no, file, err)) == 0 && strcmp(file, "-") != 0)
		op_notef(c, "document %04d of inbox %02d copied to '%s'", no, box, file);
	sb_release(&buf);
	return rc;
}

static int
run_delete(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf buf = STRBUF_INIT;
	char question[96];
	const char *pw;
	int box = box_arg(c), no = doc_arg(c), rc = -1;

	/* The password first: nobody confirms to be refused. */
	if (inbox_open(c, box, &buf, &pw, err) != 0)
		goto out;
	snprintf(question, sizeof question,
		 "Delete document %04d of inbox %02d? It is overwritten and cannot come back.", no,
		 box);
	if (op_confirm(c, question, "yes", err) != 0 ||
	    mailbox_delete(c->dev, box, pw, no, err) != 0)
		goto out;
	op_linef(c, "document %04d of inbox %02d deleted", no, box);
	rc = 0;
out:
	sb_release(&buf);
	return rc;
}

/* --- the table ------------------------------------------------------------------ */

/*
 * The menus: User Inboxes lists the 100 inboxes; on a row (id "NN") its
 * documents, storing a file and its settings. The documents' rows have the
 * id "NN/DOC", one value for each of the row operations' two OP_ROWID
 * parameters (inbox, document) in order.
 */
#define BOX_MORE                                                                                   \
	"Auto Erase takes OFF or a period: 30m, 12h, 3d (at most 365d). Expired\n"                 \
	"documents are erased when svcmode starts and before a backup, with the\n"                 \
	"method of system.init.erase_method.\n"                                                    \
	"\n"                                                                                       \
	"A password-protected inbox opens with its password from\n"                                \
	"SVCMODE_BOX_PASSWORD or the prompt (stdin when it is not a terminal; an\n"                \
	"empty line offers none), or with System Manager rights\n"                                 \
	"(SVCMODE_MANAGER_ID and SVCMODE_MANAGER_PIN). Three wrong passwords lock\n"               \
	"the inbox like the System PIN."

#define P_BOX(fl)                                                                                  \
	{                                                                                          \
		.name = "nn", .type = OP_P_BOX, .flags = (fl), .prompt = "Inbox (00-99)"           \
	}
#define P_DOC                                                                                      \
	{                                                                                          \
		.name = "doc", .type = OP_P_NUM, .flags = OP_ROWID,                                \
		.prompt = "Document number (0001-9999)", .min = 1, .max = 9999                     \
	}

static const struct op_param p_box[] = {
	P_BOX(OP_ROWID),
	{ .name = NULL },
};

static const struct op_param p_set[] = {
	P_BOX(OP_ROWID),
	/* The menus ask every setting in turn (the run does). */
	{ .name = "field",
	  .type = OP_P_WORD,
	  .flags = OP_OPT | OP_NOASK,
	  .choices = "name|auto-erase|print-on-store|password",
	  .prompt = "the setting (password: the new one from stdin or the prompt, 1-7 digits, "
		    "not all zeros, an empty line removes it); without it, every setting is "
		    "asked" },
	{ .name = "value",
	  .type = OP_P_TEXT,
	  .flags = OP_OPT | OP_NOASK,
	  .prompt = "its new value" },
	{ .name = NULL },
};

static const struct op_param p_store[] = {
	P_BOX(OP_ROWID),
	{ .name = "file", .type = OP_P_FILE, .flags = OP_MANY, .prompt = "File to store (path)" },
	{ .name = "name",
	  .type = OP_P_TEXT,
	  .flags = OP_OPT | OP_DASH,
	  .prompt = "Document name (empty: the file's name)" },
	{ .name = NULL },
};

static const struct op_param p_export[] = {
	P_BOX(OP_ROWID),
	P_DOC,
	{ .name = "file",
	  .type = OP_P_OUT,
	  .flags = OP_STDIO,
	  .prompt = "Copy to file (path; - for standard output)" },
	{ .name = NULL },
};

static const struct op_param p_doc[] = {
	P_BOX(OP_ROWID),
	P_DOC,
	{ .name = NULL },
};

const struct op ops_box[] = {
	{
		.name = "box.inboxes",
		.words = "box list",
		.help = "Mail Box: the User Inboxes 00-99",
		.more = BOX_MORE,
		.kind = OP_LIST,
		.row_ops = "box.docs,box.store,box.settings",
		.run = run_inboxes,
	},
	{
		.name = "box.docs",
		.words = "box list",
		.help = "The documents of inbox NN",
		.more = BOX_MORE,
		.kind = OP_LIST,
		.params = p_box,
		.row_ops = "box.export,box.delete",
		.run = run_docs,
	},
	{
		.name = "box.settings",
		.words = "box set",
		.help = "Change the settings of inbox NN",
		.more = "With a setting and its value, changes that one. Without, asks each\n"
			"setting with its current value: an empty answer keeps it, and '-'\n"
			"as the new password removes the password; every answer is checked\n"
			"before anything is changed.\n\n" BOX_MORE,
		.kind = OP_RUN,
		.params = p_set,
		.run = run_set,
		.prepare = prepare_set,
	},
	{
		.name = "box.store",
		.words = "box store",
		.help = "Store files as documents of inbox NN",
		.more = "--name names the document (one FILE only); else the file's "
			"name.\n\n" BOX_MORE,
		.kind = OP_RUN,
		.params = p_store,
		.run = run_store,
		.prepare = prepare_store,
	},
	{
		.name = "box.export",
		.words = "box export",
		.help = "Copy a document out, checking its SHA-256",
		.more = "The file appears only once it is complete and checked; '-' writes\n"
			"the document to stdout.\n\n" BOX_MORE,
		.kind = OP_RUN,
		.params = p_export,
		.run = run_export,
	},
	{
		.name = "box.delete",
		.words = "box delete",
		.help = "Overwrite and remove a document",
		.more = "The content is overwritten with the method of\n"
			"system.init.erase_method before it is removed.\n\n" BOX_MORE,
		.kind = OP_RUN,
		.confirm = OP_CONFIRM_ASK,
		.params = p_doc,
		.run = run_delete,
	},
	{ .name = NULL },
};
