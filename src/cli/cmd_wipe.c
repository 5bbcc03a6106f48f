/* init: Initialize All Data/Settings, its report, and the start-up hook
 * that completes an interrupted initialization before any command. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backup/backup.h"
#include "cli/cli.h"
#include "wipe/wipe.h"

struct progress_out {
	struct cli *cli;
	struct timespec last;
	bool shown;
};

/* One line on stderr, rewritten in place at most five times a second: a
 * serial console at 9600 baud must not be flooded. */
static void
progress(void *arg, const char *what, double fraction)
{
	struct progress_out *p = arg;
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (fraction < 1.0 && p->shown &&
	    (now.tv_sec - p->last.tv_sec) * 1000000000L + (now.tv_nsec - p->last.tv_nsec) <
		    200000000L)
		return;
	p->last = now;
	p->shown = true;
	fprintf(p->cli->msg, "\r%3d%% %-72.72s", (int)(fraction * 100 + 0.5), what);
	if (fraction >= 1.0)
		fputc('\n', p->cli->msg);
	fflush(p->cli->msg);
}

static void
print_line(void *arg, const char *text)
{
	fprintf(((struct cli *)arg)->out, "%s\n", text);
}

static int
show(struct cli *cli, struct wipe_report *r, bool json)
{
	struct strbuf j = STRBUF_INIT;

	if (json) {
		wipe_report_json(r, &j);
		fputs(j.buf, cli->out);
		sb_release(&j);
	} else {
		wipe_report_lines(r, print_line, cli);
	}
	return 0;
}

/* At a terminal without --confirm: the person types the serial number,
 * as on the panel. Returns what was typed, or NULL (nothing typed). */
static const char *
ask_serial(struct cli *cli, bool all, char *buf, size_t cap)
{
	const struct store_identity *id = device_identity(cli->dev);
	FILE *tty;
	size_t n;

	if (!isatty(STDIN_FILENO) || (tty = fopen("/dev/tty", "r+")) == NULL)
		return NULL;
	fprintf(tty, "%s of %s %s.\nType its serial number to confirm: ",
		all ? "This erases all user data and resets all settings"
		    : "This resets all settings",
		id->model, id->serial);
	fflush(tty);
	if (fgets(buf, (int)cap, tty) == NULL)
		buf[0] = '\0';
	fclose(tty);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return n ? buf : NULL;
}

/* --backup FILE: the Mail Box is saved (and verified) before anything is
 * erased; if that fails, nothing is. The serial is checked first so that a
 * wrong one does not leave a backup behind for nothing. */
static int
backup_first(struct cli *cli, const char *path, const char *confirm, struct svc_err *err)
{
	struct backup_cb cb = { cli, cli_progress, NULL };
	struct backup_summary sum;

	if (confirm == NULL || strcmp(confirm, device_identity(cli->dev)->serial) != 0)
		return svc_errf(err, EX_NOPERM,
				"initialization not confirmed (the serial number is "
				"'svcmode info'); nothing was changed");
	if (backup_create(cli->dev, path, NULL, NULL, &cb, &sum, err) != 0)
		return -1;
	fprintf(cli->msg, "svcmode: Mail Box backed up to '%s' (%lld documents), verified\n", path,
		(long long)sum.documents);
	return 0;
}

static int
cmd_init(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *all = NULL, *settings = NULL, *confirm = NULL, *report = NULL, *json = NULL;
	const char *backup = NULL;
	struct cli_opt opts[] = { { "all", &all },
				  { "settings-only", &settings },
				  { "confirm=", &confirm },
				  { "report", &report },
				  { "json", &json },
				  { "backup=", &backup },
				  { NULL, NULL } };
	struct progress_out po = { .cli = cli };
	struct wipe_report *r = NULL;
	char typed[32];
	int n = cli_parse("init", argc, argv, opts, err), rc;

	if (n != 0 || (all && settings) || (report && (all || settings || confirm)) ||
	    (json && !report))
		return n < 0 ? -1 : cli_usage("init", err);
	if (report) {
		if (wipe_report_last(cli->dev, &r, err) != 0)
			return -1;
		show(cli, r, json != NULL);
		wipe_report_free(r);
		return 0;
	}
	if (confirm == NULL)
		confirm = ask_serial(cli, settings == NULL, typed, sizeof typed);
	if (backup && backup_first(cli, backup, confirm, err) != 0)
		return -1;
	rc = wipe_run(cli->dev, settings ? WIPE_SETTINGS_ONLY : WIPE_ALL, confirm, progress, &po,
		      &r, err);
	if (rc != 0)
		return -1;
	show(cli, r, false);
	if (!wipe_report_passed(r))
		rc = svc_errf(err, EX_IOERR,
			      "initialization done, but its verification failed "
			      "(see the report above)");
	wipe_report_free(r);
	return rc;
}

const struct cli_cmd cli_cmds_wipe[] = {
	{ "init", "--confirm SERIAL | --report",
	  "Initialize All Data/Settings (factory reset), or show its last report",
	  "svcmode init [--all|--settings-only] --confirm SERIAL\n"
	  "svcmode init --report [--json]\n"
	  "\n"
	  "Erases all user data and resets every setting that the catalog marks\n"
	  "init = reset to its factory default (System Manager ID and PIN become\n"
	  "7654321); keeps service-mode settings, the device identity, licenses,\n"
	  "counters and the audit log. Document files are overwritten with the\n"
	  "method of system.init.erase_method before they are removed, and read\n"
	  "back when system.init.verify is ON; the store is vacuumed and its WAL\n"
	  "emptied. Needs System Manager rights or service level 1.\n"
	  "\n"
	  "  --all              user data and settings (the default)\n"
	  "  --settings-only    reset settings only; user data is kept\n"
	  "  --backup FILE      first back up the Mail Box to FILE (verified); if the\n"
	  "                     backup fails, nothing is erased\n"
	  "  --confirm SERIAL   the serial number of this device ('svcmode info'):\n"
	  "                     without it nothing is changed (exit 64; a wrong one\n"
	  "                     exits 77). At a terminal, svcmode asks for it\n"
	  "  --report           show the report of the last initialization\n"
	  "  --json             with --report: as JSON\n"
	  "\n"
	  "Progress goes to stderr, the report to stdout. If svcmode is stopped\n"
	  "during an initialization, the next svcmode command completes it first\n"
	  "and says so. Exit 74 if the verification found a difference.",
	  CLI_STORE, cmd_init },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};

static int
startup(struct cli *cli, struct svc_err *err)
{
	struct strbuf desc = STRBUF_INIT;
	struct progress_out po = { .cli = cli };
	struct wipe_report *r = NULL;
	int rc = wipe_pending(cli->dev, &desc, err);

	if (rc <= 0)
		goto out;
	fprintf(cli->msg, "svcmode: an initialization was interrupted (%s); completing it first\n",
		desc.buf);
	if ((rc = wipe_resume(cli->dev, progress, &po, &r, err)) != 0) {
		char why[sizeof err->msg];
		strlcpy_(why, err->msg, sizeof why);
		svc_errf(err, err->code, "cannot complete the interrupted initialization: %s", why);
		goto out;
	}
	fprintf(cli->msg,
		"svcmode: the interrupted initialization is complete (report %s; "
		"'svcmode init --report' shows it)\n",
		r ? "saved" : "missing");
	wipe_report_free(r);
out:
	sb_release(&desc);
	return rc < 0 ? -1 : 0;
}

const cli_startup_fn cli_startup_wipe = startup;
