/* Actions of the wipe module: Initialize All Data/Settings and its report. */
#include <stdio.h>

#include "actions/action.h"
#include "backup/backup.h"
#include "wipe/wipe.h"

static void
to_line(void *arg, const char *text)
{
	struct action_io *io = arg;

	if (io->line)
		io->line(io->arg, text);
}

/* The manual's advice, offered: back up the Mail Box before erasing it. */
static int
offer_backup(struct device *dev, struct action_io *io, struct svc_err *err)
{
	struct backup_cb cb = { io->arg, io->progress, io->line };
	struct strbuf path = STRBUF_INIT;
	struct backup_summary sum;
	int rc = 0;

	if (io->ask == NULL ||
	    io->ask(io->arg, "Back up the Mail Box first to file (empty: no backup)", false,
		    &path) != 0 ||
	    path.len == 0)
		goto out;
	rc = backup_create(dev, path.buf, NULL, NULL, &cb, &sum, err);
	if (rc == 0)
		to_line(io, "Mail Box backed up and verified");
out:
	sb_release(&path);
	return rc;
}

static int
initialize(struct device *dev, enum wipe_preset preset, struct action_io *io, struct svc_err *err)
{
	const char *serial = device_identity(dev)->serial;
	struct wipe_report *r = NULL;
	char q[192];
	int rc;

	snprintf(q, sizeof q,
		 preset == WIPE_ALL
			 ? "Erase all data and reset all settings? Type the serial number %s"
			 : "Reset all settings (data is kept)? Type the serial number %s",
		 serial);
	if (io->confirm == NULL || io->confirm(io->arg, q, serial) != 0)
		return svc_errf(err, EX_NOPERM,
				"initialization not confirmed; nothing was changed");
	if (preset == WIPE_ALL && offer_backup(dev, io, err) != 0)
		return -1;
	rc = wipe_run(dev, preset, serial, io->progress, io->arg, &r, err);
	if (rc != 0)
		return -1;
	wipe_report_lines(r, to_line, io);
	if (!wipe_report_passed(r))
		rc = svc_errf(err, EX_IOERR, "initialization done, but its verification failed");
	wipe_report_free(r);
	return rc;
}

static int
act_all(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	(void)param;
	return initialize(dev, WIPE_ALL, io, err);
}

static int
act_settings_only(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	(void)param;
	return initialize(dev, WIPE_SETTINGS_ONLY, io, err);
}

static int
act_report(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct wipe_report *r = NULL;

	(void)param;
	if (wipe_report_last(dev, &r, err) != 0) {
		if (err && err->code == EX_NOINPUT) {
			to_line(io, "No initialization has been recorded on this device.");
			return 0;
		}
		return -1;
	}
	wipe_report_lines(r, to_line, io);
	wipe_report_free(r);
	return 0;
}

const struct action_def actions_wipe[] = {
	{ "init.all", ACTION_RUN, LEVEL_MANAGER, act_all, "Initialize All Data/Settings", NULL,
	  NULL },
	{ "init.settings_only", ACTION_RUN, LEVEL_MANAGER, act_settings_only,
	  "Initialize settings only (data kept)", NULL, NULL },
	{ "init.report", ACTION_REPORT, LEVEL_USER, act_report, "Report of the last initialization",
	  NULL, NULL },
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
