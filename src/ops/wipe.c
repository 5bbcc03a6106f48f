/* Operations of the wipe module: Initialize All Data/Settings and its report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backup/backup.h"
#include "ops/op.h"
#include "ops/ops_int.h"
#include "wipe/wipe.h"

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

/* --- the report ------------------------------------------------------------- */

/* Lines, or with --json the report's members (as 'init --report --json'
 * always gave them). */
static int
show(struct op_ctx *c, const struct wipe_report *r)
{
	struct op_fieldset fs = { .n = 0 };

	if (!c->json) {
		wipe_report_lines(r, to_line, c);
		return 0;
	}
	wipe_report_fields(r, op_fieldset_add, &fs);
	return op_fieldset_emit(c, &fs);
}

static int
run_report(struct op_ctx *c, struct svc_err *err)
{
	struct wipe_report *r = NULL;
	int rc;

	if (wipe_report_last(c->dev, &r, err) != 0)
		return -1;
	rc = show(c, r);
	wipe_report_free(r);
	return rc;
}

/* --- initializing ------------------------------------------------------------- */

/* The front end's refusal, naming the serial number to type when it does
 * not already (a script that forgot --confirm learns what to give). */
static int
not_confirmed(const char *serial, struct svc_err *err)
{
	if (err->code == EX_USAGE && strstr(err->msg, serial) == NULL)
		svc_errf(err, EX_USAGE,
			 "initialization erases data: confirm with the serial number of this "
			 "device ('%s'); nothing was changed",
			 serial);
	return -1;
}

/* --backup FILE and --encrypt, checked and the passphrase read before any
 * door is opened: a refused backup writes nothing, not even a login
 * record. The report goes to stdout, so an archive there would be spoilt
 * by it; a file that Initialize erases (in the store's folder of documents,
 * or named like the store beside it) would be lost with the rest. */
static int
prepare_init(struct op_ctx *c, struct svc_err *err)
{
	const char *backup = op_arg(c, "backup");

	if (backup == NULL || *backup == '\0') {
		if (op_flag(c, "encrypt"))
			return svc_errf(err, EX_USAGE, "--encrypt needs --backup FILE");
		return 0;
	}
	if (strcmp(backup, "-") == 0)
		return svc_errf(err, EX_USAGE,
				"cannot back up the Mail Box to '-' before an initialization: "
				"its report goes to stdout; name a file");
	if (wipe_outside_check(c->dev, backup, err) != 0)
		return -1;
	return ops_backup_passphrase(c, err);
}

/* --backup FILE: the Mail Box is saved (and verified) before anything is
 * erased; if that fails, nothing is. Its full path is shown: it is the one
 * copy of the customer's documents left once Initialize is done. */
static int
backup_first(struct op_ctx *c, const char *path, struct svc_err *err)
{
	struct backup_cb cb = { c, to_progress, NULL };
	struct backup_summary sum;
	const char *pass = op_flag(c, "encrypt") ? sb_str(&c->in[0]) : NULL;
	char *full;

	if (backup_create(c->dev, path, NULL, pass, &cb, &sum, err) != 0)
		return -1;
	op_notef(c, "Mail Box backed up to '%s' (%lld documents), verified", path,
		 (long long)sum.documents);
	full = realpath(path, NULL);
	op_linef(c, "backup:        %s", full ? full : path);
	op_linef(c, "encrypted:     %s", sum.encrypted ? "yes (AES-256, passphrase)" : "no");
	free(full);
	return 0;
}

static int
initialize(struct op_ctx *c, enum wipe_preset preset, struct svc_err *err)
{
	const struct store_identity *id = device_identity(c->dev);
	const char *backup = op_arg(c, "backup");
	struct wipe_report *r = NULL;
	char q[224];
	int rc;

	if (backup && *backup == '\0')
		backup = NULL;
	snprintf(q, sizeof q,
		 preset == WIPE_ALL ? "This erases all user data and resets all settings of %s "
				      "(serial number %s)."
				    : "This resets all settings of %s (serial number %s); user "
				      "data is kept.",
		 id->model, id->serial);
	if (op_confirm(c, q, id->serial, err) != 0)
		return not_confirmed(id->serial, err);
	if (backup && backup_first(c, backup, err) != 0)
		return -1;
	if (wipe_run(c->dev, preset, id->serial, to_progress, c, &r, err) != 0)
		return -1;
	rc = show(c, r);
	if (rc == 0 && !wipe_report_passed(r))
		rc = svc_errf(err, EX_IOERR,
			      "initialization done, but its verification failed "
			      "(see the report above)");
	wipe_report_free(r);
	return rc;
}

static int
run_all(struct op_ctx *c, struct svc_err *err)
{
	return initialize(c, WIPE_ALL, err);
}

static int
run_settings_only(struct op_ctx *c, struct svc_err *err)
{
	return initialize(c, WIPE_SETTINGS_ONLY, err);
}

/* --- the table ---------------------------------------------------------------- */

#define BACKUP_PROMPT "Back up the Mail Box to this file first (verified; empty: no backup)"
#define ENCRYPT_PROMPT                                                                             \
	"Protect that backup with a passphrase (AES-256; asked twice, at least 8 characters)"

static const struct op_param p_all[] = {
	{ .name = "all",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH | OP_NOASK,
	  .prompt = "user data and settings (the default)" },
	{ .name = "backup", .type = OP_P_OUT, .flags = OP_OPT | OP_DASH, .prompt = BACKUP_PROMPT },
	{ .name = "encrypt",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH,
	  .prompt = ENCRYPT_PROMPT },
	{ .name = NULL },
};

/* Settings only: user data stays, so the menus do not offer a backup. */
static const struct op_param p_settings[] = {
	{ .name = "backup",
	  .type = OP_P_OUT,
	  .flags = OP_OPT | OP_DASH | OP_NOASK,
	  .prompt = BACKUP_PROMPT },
	{ .name = "encrypt",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH | OP_NOASK,
	  .prompt = ENCRYPT_PROMPT },
	{ .name = NULL },
};

/* What every initialization does after its own part. */
#define INIT_COMMON                                                                                \
	"--backup FILE first backs up the Mail Box to FILE (verified); if the\n"                   \
	"backup fails, nothing is erased. FILE may not be '-', nor lie in the\n"                   \
	"store's folder of documents (STORE.d) or be named like the store beside\n"                \
	"it, since the initialization erases those (exit 73). --encrypt asks twice\n"              \
	"for a passphrase (stdin or prompt, at least 8 characters) and encrypts\n"                 \
	"the backup with AES-256, as 'backup create --encrypt' does. The backup's\n"               \
	"full path and whether it is encrypted are shown before the report.\n"                     \
	"--confirm SERIAL is the serial number of\n"                                               \
	"this device ('svcmode info'): without it nothing is changed (exit 64; a\n"                \
	"wrong one exits 77); at a terminal, svcmode asks for it.\n"                               \
	"\n"                                                                                       \
	"Progress goes to stderr, the report to stdout ('svcmode init --report'\n"                 \
	"shows it again). If svcmode is stopped during an initialization, the next\n"              \
	"svcmode command completes it first and says so. Exit 74 if the\n"                         \
	"verification found a difference."

#define INIT_ALL_MORE                                                                              \
	"Erases all user data and resets every setting that the catalog marks\n"                   \
	"init = reset to its factory default (System Manager ID and PIN become\n"                  \
	"7654321); keeps service-mode settings, the device identity, licenses,\n"                  \
	"counters and the audit log. Document files are overwritten with the\n"                    \
	"method of system.init.erase_method before they are removed, and read\n"                   \
	"back when system.init.verify is ON; the store is vacuumed and its WAL\n"                  \
	"emptied. 'svcmode init --settings-only' resets settings only.\n"                          \
	"\n" INIT_COMMON

#define INIT_SETTINGS_MORE                                                                         \
	"Resets every setting that the catalog marks init = reset to its factory\n"                \
	"default (System Manager ID and PIN become 7654321). User data is kept:\n"                 \
	"inboxes and their documents, key pairs, MAC address lists and the\n"                      \
	"communication log; so are service-mode settings, the device identity,\n"                  \
	"licenses, counters and the audit log.\n"                                                  \
	"\n" INIT_COMMON

const struct op ops_wipe[] = {
	{
		.name = "init.all",
		.words = "init",
		.help = "Initialize All Data/Settings (factory reset)",
		.more = INIT_ALL_MORE,
		.kind = OP_RUN,
		.doors = DOOR_MANAGER | DOOR_SERVICE1,
		.confirm = OP_CONFIRM_SERIAL,
		.params = p_all,
		.run = run_all,
		.prepare = prepare_init,
	},
	{
		.name = "init.settings_only",
		.words = "init --settings-only",
		.help = "Initialize settings only (factory reset; user data is kept)",
		.more = INIT_SETTINGS_MORE,
		.kind = OP_RUN,
		.doors = DOOR_MANAGER | DOOR_SERVICE1,
		.confirm = OP_CONFIRM_SERIAL,
		.params = p_settings,
		.run = run_settings_only,
		.prepare = prepare_init,
	},
	{
		.name = "init.report",
		.words = "init --report",
		.help = "Show the report of the last initialization",
		.more = "Exit 66 when this device has not been initialized by svcmode yet.",
		.kind = OP_REPORT,
		.run = run_report,
	},
	{ .name = NULL },
};
