/* Actions of the license module: install, SPEC LIST, #LMS > INACTIVE, ERASE. */
#include <stdio.h>
#include <string.h>

#include "actions/action.h"
#include "license/license.h"

static void
say(struct action_io *io, const char *text)
{
	if (io && io->line)
		io->line(io->arg, text);
}

static void
say_line(void *arg, const char *text)
{
	say(arg, text);
}

static int
act_install(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf key = STRBUF_INIT;
	struct license_installed res;
	char msg[128];
	int rc;

	if (param && *param) {
		sb_adds(&key, param);
	} else if (io == NULL || io->ask == NULL ||
		   io->ask(io->arg, "License key (24 characters)", false, &key) != 0) {
		sb_release(&key);
		return svc_errf(err, EX_USAGE, "no license key entered; nothing changed");
	}
	rc = license_install(dev, sb_str(&key), &res, err);
	sb_release(&key);
	if (rc != 0)
		return -1;
	snprintf(msg, sizeof msg, "%s: license %06u %s (%s)", res.opt->name, (unsigned)res.number,
		 res.already ? "was already installed" : "installed", res.opt->description);
	say(io, msg);
	return 0;
}

static int
act_report(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	(void)param;
	return license_report(dev, say_line, io, err);
}

struct rows {
	action_emit_fn emit;
	void *arg;
};

/* #LMS > INACTIVE: ST-<option> 0/1 and TR-<option> the transfer number. */
static int
inactive_rows(void *arg, const struct license_info *i)
{
	struct rows *r = arg;
	struct action_row row;

	memset(&row, 0, sizeof row);
	strlcpy_(row.id, i->opt->name, sizeof row.id);
	snprintf(row.label, sizeof row.label, "ST-%s", i->opt->name);
	strlcpy_(row.value, i->transferred ? "1" : "0", sizeof row.value);
	if (r->emit(r->arg, &row) != 0)
		return -1;
	snprintf(row.label, sizeof row.label, "TR-%s", i->opt->name);
	strlcpy_(row.value, i->transfer, sizeof row.value);
	return r->emit(r->arg, &row);
}

static int
act_inactive(struct device *dev, const char *param, struct action_io *io, action_emit_fn emit,
	     void *arg, struct svc_err *err)
{
	struct rows r = { emit, arg };

	(void)param;
	(void)io;
	return license_each(dev, inactive_rows, &r, err);
}

/* Confirms, then invalidates or erases the option PARAM (asked if empty). */
static int
end_license(struct device *dev, const char *param, struct action_io *io, bool transfer,
	    struct svc_err *err)
{
	struct strbuf name = STRBUF_INIT, q = STRBUF_INIT;
	const struct lic_option *opt;
	struct license_info info;
	char tr[LIC_TEXT], msg[128];
	bool already;
	int rc = -1;

	if (param && *param)
		sb_adds(&name, param);
	else if (io == NULL || io->ask == NULL || io->ask(io->arg, "Option", false, &name) != 0) {
		svc_errf(err, EX_USAGE, "no option chosen; nothing changed");
		goto out;
	}
	if ((opt = license_option(sb_str(&name), err)) == NULL ||
	    license_info(dev, opt, &info, err) != 0 ||
	    license_question(dev, opt, transfer, &q, err) != 0)
		goto out;
	if (info.status) {
		sb_addf(&q, " Type %s to confirm.", opt->name);
		if (io == NULL || io->confirm == NULL ||
		    io->confirm(io->arg, q.buf, opt->name) != 0) {
			svc_errf(err, EX_USAGE, "not confirmed: %s is still enabled", opt->name);
			goto out;
		}
	}
	if (license_invalidate(dev, opt, transfer, tr, &already, err) != 0)
		goto out;
	if (transfer) {
		snprintf(msg, sizeof msg, "ST-%s = 1%s", opt->name,
			 already ? " (invalidated before)" : "");
		say(io, msg);
		snprintf(msg, sizeof msg, "TR-%s %s", opt->name, tr);
	} else {
		snprintf(msg, sizeof msg, "%s %s", opt->name,
			 already ? "was already erased" : "license erased");
	}
	say(io, msg);
	rc = 0;
out:
	sb_release(&name);
	sb_release(&q);
	return rc;
}

static int
act_invalidate(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	return end_license(dev, param, io, true, err);
}

static int
act_erase(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	return end_license(dev, param, io, false, err);
}

const struct action_def actions_license[] = {
	{ "license.install", ACTION_RUN, LEVEL_SERVICE1, act_install,
	  "enter a license key from the LMS", NULL, NULL },
	{ "license.report", ACTION_REPORT, LEVEL_SERVICE1, act_report,
	  "#REPORT > SPEC LIST: options, license and transfer numbers", NULL, NULL },
	{ "license.inactive", ACTION_LIST, LEVEL_SERVICE2, NULL,
	  "#LMS > INACTIVE: ST-<option> and TR-<option>", act_inactive, "license.invalidate" },
	{ "license.invalidate", ACTION_RUN, LEVEL_SERVICE2, act_invalidate,
	  "invalidate an option for transfer (shows the transfer number)", NULL, NULL },
	{ "license.erase", ACTION_RUN, LEVEL_SERVICE2, act_erase,
	  "#LMS > ERASE: invalidate an option without transfer", NULL, NULL },
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
