/* Backup of Mail Box from the menus: create, verify, list, restore. */
#include <stdio.h>
#include <string.h>

#include "actions/action.h"
#include "backup/backup.h"
#include "mailbox/mailbox.h"

static int
ask(struct action_io *io, const char *prompt, bool hidden, struct strbuf *out,
    struct svc_err *err)
{
	sb_reset(out);
	if (io == NULL || io->ask == NULL || io->ask(io->arg, prompt, hidden, out) != 0)
		return svc_errf(err, EX_USAGE, "cancelled");
	return 0;
}

/* The file: the menu item's parameter, or asked. */
static int
ask_file(const char *param, struct action_io *io, struct strbuf *out, struct svc_err *err)
{
	if (*param) {
		sb_reset(out);
		sb_adds(out, param);
		return 0;
	}
	if (ask(io, "Backup file (path)", false, out, err) != 0)
		return -1;
	return out->len ? 0 : svc_errf(err, EX_USAGE, "no backup file given");
}

static int
ask_boxes(struct action_io *io, struct strbuf *buf, bool set[MAILBOX_INBOXES], const bool **out,
	  struct svc_err *err)
{
	*out = NULL;
	if (ask(io, "Inboxes (empty: all; e.g. 00,03,10-19)", false, buf, err) != 0)
		return -1;
	if (buf->len == 0)
		return 0;
	if (mailbox_parse_list(buf->buf, set, err) != 0)
		return -1;
	*out = set;
	return 0;
}

static int
ask_passphrase_for(const char *path, struct action_io *io, struct strbuf *buf, const char **out,
		   struct svc_err *err)
{
	bool enc;

	*out = NULL;
	if (backup_probe(path, &enc, err) != 0)
		return -1;
	if (!enc)
		return 0;
	if (ask(io, "Backup passphrase", true, buf, err) != 0)
		return -1;
	*out = buf->buf;
	return 0;
}

static void
say_summary(struct action_io *io, const char *what, const struct backup_summary *s)
{
	char line[200];

	if (io == NULL || io->line == NULL)
		return;
	snprintf(line, sizeof line, "%s: %d inboxes, %lld documents, %lld bytes%s", what,
		 s->inboxes, (long long)s->documents, (long long)s->bytes,
		 s->encrypted ? ", encrypted" : "");
	io->line(io->arg, line);
}

static struct backup_cb
cb_of(struct action_io *io)
{
	struct backup_cb cb = { NULL, NULL, NULL };

	if (io) {
		cb.arg = io->arg;
		cb.progress = io->progress;
		cb.line = io->line;
	}
	return cb;
}

static int
act_create(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf file = STRBUF_INIT, sel = STRBUF_INIT, p1 = STRBUF_INIT, p2 = STRBUF_INIT;
	struct backup_cb cb = cb_of(io);
	struct backup_summary s;
	bool set[MAILBOX_INBOXES];
	const bool *boxes;
	int rc = -1;

	if (ask_file(param, io, &file, err) != 0 || ask_boxes(io, &sel, set, &boxes, err) != 0 ||
	    ask(io, "Passphrase (empty: not encrypted)", true, &p1, err) != 0)
		goto out;
	if (p1.len) {
		if (ask(io, "Passphrase (again)", true, &p2, err) != 0)
			goto out;
		if (strcmp(p1.buf, sb_str(&p2)) != 0) {
			svc_errf(err, EX_DATAERR, "the two passphrases differ; nothing written");
			goto out;
		}
	}
	rc = backup_create(dev, file.buf, boxes, p1.len ? p1.buf : NULL, &cb, &s, err);
	if (rc == 0)
		say_summary(io, "backup written and verified", &s);
out:
	sb_release(&file);
	sb_release(&sel);
	sb_release(&p1);
	sb_release(&p2);
	return rc;
}

static int
act_verify(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf file = STRBUF_INIT, pass = STRBUF_INIT;
	struct backup_cb cb = cb_of(io);
	struct backup_summary s;
	const char *p;
	int rc = -1;

	if (ask_file(param, io, &file, err) == 0 &&
	    ask_passphrase_for(file.buf, io, &pass, &p, err) == 0 &&
	    (rc = backup_verify(dev, file.buf, p, &cb, &s, err)) == 0)
		say_summary(io, "backup verified", &s);
	sb_release(&file);
	sb_release(&pass);
	return rc;
}

static int
act_list(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf file = STRBUF_INIT, pass = STRBUF_INIT;
	struct backup_cb cb = cb_of(io);
	const char *p;
	int rc = -1;

	if (ask_file(param, io, &file, err) == 0 &&
	    ask_passphrase_for(file.buf, io, &pass, &p, err) == 0)
		rc = backup_list(dev, file.buf, p, false, &cb, err);
	sb_release(&file);
	sb_release(&pass);
	return rc;
}

static int
act_restore(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf file = STRBUF_INIT, pass = STRBUF_INIT, sel = STRBUF_INIT, m = STRBUF_INIT;
	struct backup_cb cb = cb_of(io);
	struct backup_summary s;
	bool set[MAILBOX_INBOXES];
	const bool *boxes;
	enum backup_mode mode = BACKUP_EMPTY_ONLY;
	const char *p;
	int rc = -1;

	if (ask_file(param, io, &file, err) != 0 ||
	    ask_passphrase_for(file.buf, io, &pass, &p, err) != 0 ||
	    ask_boxes(io, &sel, set, &boxes, err) != 0 ||
	    ask(io, "Existing documents: merge, replace, or empty (only empty inboxes)", false, &m,
		err) != 0)
		goto out;
	if (strcmp(sb_str(&m), "merge") == 0) {
		mode = BACKUP_MERGE;
	} else if (strcmp(sb_str(&m), "replace") == 0) {
		mode = BACKUP_REPLACE;
	} else if (m.len) {
		svc_errf(err, EX_USAGE, "unknown restore mode '%s' (merge, replace or empty)", m.buf);
		goto out;
	}
	/* The plan first, then the person decides. */
	if (backup_restore(dev, file.buf, p, boxes, mode, true, &cb, &s, err) != 0)
		goto out;
	if (io && io->confirm &&
	    io->confirm(io->arg, "Restore as shown? Type RESTORE", "RESTORE") != 0) {
		svc_errf(err, EX_USAGE, "not confirmed; nothing restored");
		goto out;
	}
	if ((rc = backup_restore(dev, file.buf, p, boxes, mode, false, &cb, &s, err)) == 0)
		say_summary(io, "restored", &s);
out:
	sb_release(&file);
	sb_release(&pass);
	sb_release(&sel);
	sb_release(&m);
	return rc;
}

const struct action_def actions_backup[] = {
	{ "backup.create", ACTION_RUN, LEVEL_MANAGER, act_create, "create a Backup of Mail Box",
	  NULL, NULL },
	{ "backup.verify", ACTION_RUN, LEVEL_MANAGER, act_verify, "verify a Backup of Mail Box",
	  NULL, NULL },
	{ "backup.restore", ACTION_RUN, LEVEL_MANAGER, act_restore,
	  "restore a Backup of Mail Box", NULL, NULL },
	{ "backup.list", ACTION_REPORT, LEVEL_MANAGER, act_list, "list a Backup of Mail Box", NULL,
	  NULL },
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
