/* Operations of the Backup of Mail Box: create, verify, list, restore.
 * The work is the backup module's; these read the arguments and the
 * passphrases and say what happened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup/backup.h"
#include "mailbox/mailbox.h"
#include "ops/op.h"
#include "ops/ops_int.h"

static void
to_progress(void *arg, const char *what, double fraction)
{
	op_progress(arg, what, fraction);
}

static void
to_line(void *arg, const char *text)
{
	op_line(arg, text);
}

/* --box LIST: *OUT is SET, or NULL for every inbox (none given, or the
 * menus' empty answer). */
static int
boxes_arg(const struct op_ctx *c, bool set[MAILBOX_INBOXES], const bool **out, struct svc_err *err)
{
	const char *list = op_arg(c, "box");

	*out = NULL;
	if (list == NULL || *list == '\0')
		return 0;
	if (mailbox_parse_list(list, set, err) != 0)
		return -1;
	*out = set;
	return 0;
}

/* The passphrase of the archive at PATH when it is encrypted (*PASS NULL
 * when it is not). */
static int
archive_passphrase(struct op_ctx *c, const char *path, struct strbuf *buf, const char **pass,
		   struct svc_err *err)
{
	bool enc;

	*pass = NULL;
	if (backup_probe(path, &enc, err) != 0)
		return -1;
	if (!enc)
		return 0;
	if (op_ask(c, "Backup passphrase", true, false, buf, err) != 0)
		return -1;
	*pass = sb_str(buf);
	return 0;
}

static void
summary(struct op_ctx *c, const char *what, const char *path, const struct backup_summary *s)
{
	op_notef(c, "%s '%s': %d inbox%s, %lld document%s, %lld bytes%s", what, path, s->inboxes,
		 s->inboxes == 1 ? "" : "es", (long long)s->documents, s->documents == 1 ? "" : "s",
		 (long long)s->bytes, s->encrypted ? ", encrypted" : "");
}

/* A backup is read more than once (probed, checked, then used): never
 * from stdin. */
static int
prepare_read(struct op_ctx *c, struct svc_err *err)
{
	if (strcmp(op_arg(c, "file"), "-") == 0)
		return svc_errf(err, EX_NOINPUT,
				"cannot read a backup from stdin ('-'): it is read more than "
				"once; name its file");
	return 0;
}

/* --- create ------------------------------------------------------------------ */

/* The selection and the new passphrase (asked twice) are checked before
 * any door is opened: refused input writes nothing. */
int
ops_backup_passphrase(struct op_ctx *c, struct svc_err *err)
{
	if (!op_flag(c, "encrypt"))
		return 0;
	if (op_ask(c, "Backup passphrase", true, true, &c->in[0], err) != 0)
		return -1;
	if (c->in[0].len < BACKUP_PASSPHRASE_MIN)
		return svc_errf(err, EX_USAGE, "a backup passphrase needs at least %d characters",
				BACKUP_PASSPHRASE_MIN);
	return 0;
}

static int
prepare_create(struct op_ctx *c, struct svc_err *err)
{
	bool set[MAILBOX_INBOXES];
	const bool *boxes;

	if (boxes_arg(c, set, &boxes, err) != 0)
		return -1;
	return ops_backup_passphrase(c, err);
}

static int
run_create(struct op_ctx *c, struct svc_err *err)
{
	const char *file = op_arg(c, "file");
	bool to_stdout = strcmp(file, "-") == 0, set[MAILBOX_INBOXES];
	/* To stdout, nothing but the archive goes there. */
	struct backup_cb cb = { c, to_progress, to_stdout ? NULL : to_line };
	struct backup_summary s;
	const bool *boxes;

	if (boxes_arg(c, set, &boxes, err) != 0 ||
	    backup_create(c->dev, file, boxes, op_flag(c, "encrypt") ? sb_str(&c->in[0]) : NULL,
			  &cb, &s, err) != 0)
		return -1;
	summary(c, to_stdout ? "backup streamed" : "backup written and verified", file, &s);
	return 0;
}

/* --- verify, list ------------------------------------------------------------- */

static int
run_verify(struct op_ctx *c, struct svc_err *err)
{
	struct backup_cb cb = { c, to_progress, to_line };
	struct strbuf pass = STRBUF_INIT;
	struct backup_summary s;
	const char *file = op_arg(c, "file"), *p;
	int rc = -1;

	if (archive_passphrase(c, file, &pass, &p, err) == 0 &&
	    (rc = backup_verify(c->dev, file, p, &cb, &s, err)) == 0)
		op_linef(c,
			 "OK %s: %s serial %s, made %s, %d inboxes, %lld documents, %lld bytes%s",
			 file, s.model, s.serial, s.created, s.inboxes, (long long)s.documents,
			 (long long)s.bytes, s.encrypted ? ", encrypted" : "");
	sb_release(&pass);
	return rc;
}

static int
run_list(struct op_ctx *c, struct svc_err *err)
{
	struct op_fieldset fs = { .n = 0 };
	struct backup_cb cb = { c, NULL, to_line };
	struct strbuf pass = STRBUF_INIT;
	const char *file = op_arg(c, "file"), *p;
	int rc = -1;

	if (archive_passphrase(c, file, &pass, &p, err) != 0)
		goto out;
	if (!c->json) {
		rc = backup_list(c->dev, file, p, false, &cb, err);
		goto out;
	}
	cb.arg = &fs;
	cb.line = NULL;
	/* The manifest's members (the module's literals for names), --json. */
	if (backup_list_fields(c->dev, file, p, op_fieldset_add, &cb, err) == 0)
		rc = op_fieldset_emit(c, &fs);
out:
	for (int i = 0; i < fs.n; i++)
		free(fs.v[i]);
	sb_release(&pass);
	return rc;
}

/* --- restore ----------------------------------------------------------------- */

static int
prepare_restore(struct op_ctx *c, struct svc_err *err)
{
	bool set[MAILBOX_INBOXES];
	const bool *boxes;

	if (prepare_read(c, err) != 0)
		return -1;
	if (op_flag(c, "replace") && op_flag(c, "merge"))
		return svc_errf(err, EX_USAGE, "--replace and --merge exclude each other");
	return boxes_arg(c, set, &boxes, err);
}

/* Asked once the plan is shown, before anything is written. */
static int
restore_confirm(void *arg, struct svc_err *err)
{
	return op_confirm(arg, "Restore as shown above?", "yes", err);
}

static int
run_restore(struct op_ctx *c, struct svc_err *err)
{
	struct backup_cb cb = { c, to_progress, to_line };
	struct strbuf pass = STRBUF_INIT;
	struct backup_summary s;
	bool set[MAILBOX_INBOXES], dry = op_flag(c, "dry-run");
	enum backup_mode mode = op_flag(c, "replace") ? BACKUP_REPLACE
				: op_flag(c, "merge") ? BACKUP_MERGE
						      : BACKUP_EMPTY_ONLY;
	const char *file = op_arg(c, "file"), *p;
	const bool *boxes;
	int rc = -1;

	if (boxes_arg(c, set, &boxes, err) == 0 &&
	    archive_passphrase(c, file, &pass, &p, err) == 0 &&
	    (rc = dry ? backup_restore(c->dev, file, p, boxes, mode, true, &cb, &s, err)
		      : backup_restore_confirm(c->dev, file, p, boxes, mode, restore_confirm, &cb,
					       &s, err)) == 0 &&
	    !dry)
		summary(c, "restored", file, &s);
	sb_release(&pass);
	return rc;
}

/* --- the table ------------------------------------------------------------------ */

#define BACKUP_WHO                                                                                 \
	"Needs System Manager rights (SVCMODE_MANAGER_ID and SVCMODE_MANAGER_PIN).\n"              \
	"An encrypted backup's passphrase is read from stdin or asked at the terminal."

#define P_FILE(t, what)                                                                            \
	{                                                                                          \
		.name = "file", .type = (t), .prompt = (what)                                      \
	}
#define P_BOXES                                                                                    \
	{                                                                                          \
		.name = "box", .type = OP_P_TEXT, .flags = OP_OPT | OP_DASH,                       \
		.prompt = "Inboxes (empty: all; e.g. 00,03,10-19)"                                 \
	}

static const struct op_param p_create[] = {
	{ .name = "file",
	  .type = OP_P_OUT,
	  .flags = OP_STDIO,
	  .prompt = "Backup file (path; - for standard output)" },
	P_BOXES,
	{ .name = "encrypt",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH,
	  .prompt = "Passphrase protection (AES-256; asked twice, at least 8 characters)" },
	{ .name = NULL },
};

static const struct op_param p_file[] = {
	P_FILE(OP_P_FILE, "Backup file (path)"),
	{ .name = NULL },
};

static const struct op_param p_restore[] = {
	P_FILE(OP_P_FILE, "Backup file (path)"),
	P_BOXES,
	{ .name = "replace",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH,
	  .prompt = "Replace: the inboxes become what the backup holds" },
	{ .name = "merge",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH,
	  .prompt = "Merge: keep existing documents and settings, add the rest" },
	/* The menus show the plan and ask before restoring anyway. */
	{ .name = "dry-run",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH | OP_NOASK,
	  .prompt = "only show the plan" },
	{ .name = NULL },
};

const struct op ops_backup[] = {
	{
		.name = "backup.create",
		.words = "backup create",
		.help = "Create a Backup of Mail Box",
		.more = "Writes the inboxes (all, or LIST such as 00,03,10-19) to a ZIP archive;\n"
			"--encrypt asks twice for a passphrase (stdin or prompt, at least 8\n"
			"characters) and uses AES-256. The file appears only once it is\n"
			"complete and has been read back and verified.\n\n" BACKUP_WHO,
		.kind = OP_RUN,
		.doors = DOOR_MANAGER,
		.params = p_create,
		.run = run_create,
		.prepare = prepare_create,
	},
	{
		.name = "backup.verify",
		.words = "backup verify",
		.help = "Verify a Backup of Mail Box",
		.more = "Checks the manifest and every document's SHA-256.\n\n" BACKUP_WHO,
		.kind = OP_RUN,
		.doors = DOOR_MANAGER,
		.params = p_file,
		.run = run_verify,
		.prepare = prepare_read,
	},
	{
		.name = "backup.list",
		.words = "backup list",
		.help = "What a Backup of Mail Box holds",
		.more = "From its manifest (the documents are not read: see 'backup "
			"verify').\n\n" BACKUP_WHO,
		.kind = OP_REPORT,
		.doors = DOOR_MANAGER,
		.params = p_file,
		.run = run_list,
		.prepare = prepare_read,
	},
	{
		.name = "backup.restore",
		.words = "backup restore",
		.help = "Restore a Backup of Mail Box",
		.more = "Verifies the whole archive first, shows the plan, then restores in one\n"
			"transaction. Without --replace or --merge only empty inboxes are\n"
			"restored; --merge keeps existing documents and settings, --replace\n"
			"makes the listed inboxes exactly what the backup holds. --dry-run\n"
			"shows the plan only. At a terminal the plan is confirmed (--yes skips\n"
			"the question); scripts go on.\n\n" BACKUP_WHO,
		.kind = OP_RUN,
		.doors = DOOR_MANAGER,
		.confirm = OP_CONFIRM_ASK,
		.params = p_restore,
		.run = run_restore,
		.prepare = prepare_restore,
	},
	{ .name = NULL },
};
