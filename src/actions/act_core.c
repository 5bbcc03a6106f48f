/*
 * Actions of the core: COPIER > DISPLAY, COPIER > FUNCTION (audit log,
 * store check), and placeholder rows for the actions the feature modules
 * implement (run = NULL, list = NULL: "not available yet" until the
 * module's own entry of the same name lands and wins).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions/action.h"

#ifndef SVC_VERSION
#define SVC_VERSION "0.1.0"
#endif

static void linef(struct action_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
linef(struct action_io *io, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (io && io->line)
		io->line(io->arg, buf);
}

static int
display_counter(void *arg, const char *name, int64_t value)
{
	linef(arg, "  %-24s %12lld", name, (long long)value);
	return 0;
}

/* COPIER > DISPLAY: identity, versions, store, counters. */
static int
core_display(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	const struct store_identity *id = device_identity(dev);
	struct store *st = device_store(dev);
	long long size = (long long)store_size(st);

	(void)param;
	linef(io, "Model              %s", id->model);
	linef(io, "Serial Number      %s", id->serial);
	linef(io, "MAC Address        %s", id->mac);
	linef(io, "Store Created      %s", id->created);
	linef(io, "svcmode Version    %s", SVC_VERSION);
	linef(io, "SQLite Version     %s", store_sqlite_version());
	linef(io, "Store Schema       %d", store_schema_version(st));
	linef(io, "Store Size         %lld bytes (%lld KiB)", size, (size + 1023) / 1024);
	linef(io, "Counters");
	return store_counter_each(st, display_counter, io, err);
}

/* COPIER > FUNCTION > Audit Log: the last 500 records, newest last. */
struct audit_rows {
	action_emit_fn emit;
	void *arg;
	int64_t n;
};

static int
audit_row(void *arg, const struct store_audit *r)
{
	struct audit_rows *a = arg;
	struct action_row row;

	memset(&row, 0, sizeof row);
	snprintf(row.id, sizeof row.id, "%lld", (long long)r->id);
	/* "2026-11-27T19:08:01Z" -> "11-27 19:08" keeps the label short. */
	/* "2026-11-27T19:08:01Z" -> "19:08": short rows are cheap on a slow
	 * line; the row action shows the record in full. */
	snprintf(row.label, sizeof row.label, "%lld %.5s %s %s", (long long)r->id,
		 strlen(r->at) >= 16 ? r->at + 11 : r->at, r->event, r->key ? r->key : "");
	snprintf(row.value, sizeof row.value, "%s", r->actor);
	a->n++;
	return a->emit(a->arg, &row);
}

static int
core_audit(struct device *dev, const char *param, struct action_io *io, action_emit_fn emit,
	   void *arg, struct svc_err *err)
{
	struct audit_rows a = { emit, arg, 0 };

	(void)param;
	(void)io;
	return store_audit_each(device_store(dev), 500, audit_row, &a, err);
}

/* One audit record in full (row action of core.audit). */
struct audit_show {
	struct action_io *io;
	long long want;
	int found;
};

static int
audit_show_row(void *arg, const struct store_audit *r)
{
	struct audit_show *s = arg;

	if ((long long)r->id != s->want)
		return 0;
	s->found = 1;
	linef(s->io, "Record    %lld", (long long)r->id);
	linef(s->io, "Time      %s", r->at);
	linef(s->io, "Operator  %s", r->actor);
	linef(s->io, "Level     %s", r->level);
	linef(s->io, "Event     %s", r->event);
	linef(s->io, "Key       %s", r->key ? r->key : "-");
	if (r->old || r->new)
		linef(s->io, "Change    '%s' -> '%s'", r->old ? r->old : "", r->new ? r->new : "");
	if (r->detail)
		linef(s->io, "Detail    %.140s", r->detail);
	return 0;
}

static int
core_audit_show(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct audit_show s = { io, 0, 0 };
	char *end = NULL;

	s.want = strtoll(param, &end, 10);
	if (*param == '\0' || *end)
		return svc_errf(err, EX_USAGE, "invalid audit record '%s'", param);
	if (store_audit_each(device_store(dev), 0, audit_show_row, &s, err) != 0)
		return -1;
	if (!s.found)
		return svc_errf(err, EX_NOINPUT, "no audit record '%s'", param);
	return 0;
}

/* COPIER > FUNCTION > Store Check: the store opened (so its integrity check
 * passed); reports the settings that differ from their factory default. */
static int
core_check(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	const struct catalog *cat = device_catalog(dev);
	size_t n = catalog_count(cat), changed = 0;
	int steps = 0;

	(void)param;
	linef(io, "Store %s: integrity checked on open, schema %d", store_path(device_store(dev)),
	      store_schema_version(device_store(dev)));
	for (size_t i = 0; i < n; i++) {
		const struct cat_entry *e = catalog_at(cat, i);
		bool dflt = true;

		if (config_is_default(dev, e->key, &dflt, err) != 0)
			return -1;
		if (!dflt) {
			changed++;
			linef(io, "  changed: %s", e->key);
		}
		if (io->progress && (int)(i * 10 / n) != steps) {
			steps = (int)(i * 10 / n);
			io->progress(io->arg, "checking settings", (double)i / (double)n);
		}
	}
	if (io->progress)
		io->progress(io->arg, "checking settings", 1.0);
	linef(io, "%zu settings, %zu changed from the factory default", n, changed);
	return 0;
}

/* COPIER > FUNCTION > Clear Lockouts: opens the System Manager and service
 * doors locked by wrong codes (a field engineer's job when the manager has
 * locked himself out). Typed confirmation; one audited transaction. */
static const char *const doors[] = { "manager", "service1", "service2" };

static int
core_unlock(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct store *st = device_store(dev);
	int opened = 0;

	(void)param;
	for (size_t i = 0; i < sizeof doors / sizeof doors[0]; i++) {
		struct store_door d;

		if (store_door_get(st, doors[i], &d, err) != 0)
			return -1;
		linef(io, "%-9s %d wrong attempt(s)%s", doors[i], d.failures,
		      d.locked_until ? ", locked" : "");
	}
	if (io->confirm == NULL ||
	    io->confirm(io->arg, "Clear the failed attempts and lockouts of every door?",
			"CLEAR") != 0) {
		device_audit(dev, "unlock", NULL, NULL, NULL, "refused: not confirmed", NULL);
		return svc_errf(err, EX_NOPERM, "not confirmed: nothing changed");
	}
	if (store_begin(st, err) != 0)
		return -1;
	for (size_t i = 0; i < sizeof doors / sizeof doors[0]; i++) {
		struct store_door d;

		if (store_door_get(st, doors[i], &d, err) != 0)
			goto fail;
		if (d.failures == 0 && d.locked_until == 0)
			continue;
		if (store_door_put(st, doors[i], &(struct store_door){ 0, 0 }, err) != 0 ||
		    device_audit(dev, "unlock", NULL, NULL, NULL, doors[i], err) != 0)
			goto fail;
		opened++;
	}
	if (store_commit(st, err) != 0)
		goto fail;
	linef(io, "%d door(s) cleared", opened);
	return 0;
fail:
	store_rollback(st);
	return -1;
}

#define TODO(name, kind, lvl, help, rows)                                                          \
	{                                                                                          \
		name, kind, lvl, NULL, help, NULL, rows                                            \
	}

const struct action_def actions_core[] = {
	{ "core.display", ACTION_REPORT, LEVEL_SERVICE1, core_display,
	  "COPIER > DISPLAY: model, serial, versions, store, counters", NULL, NULL },
	{ "core.audit", ACTION_LIST, LEVEL_SERVICE1, NULL, "the audit log", core_audit,
	  "core.audit_show" },
	{ "core.audit_show", ACTION_REPORT, LEVEL_SERVICE1, core_audit_show,
	  "show the audit record", NULL, NULL },
	{ "core.check", ACTION_RUN, LEVEL_SERVICE1, core_check,
	  "check the store and list changed settings", NULL, NULL },

	{ "core.unlock", ACTION_RUN, LEVEL_SERVICE1, core_unlock,
	  "clear the lockouts of the System Manager and service doors", NULL, NULL },

	/* Placeholders: the modules implement these. */
	TODO("mail.test_send", ACTION_RUN, LEVEL_MANAGER, "send a test mail", NULL),
	TODO("mail.test_receive", ACTION_RUN, LEVEL_MANAGER, "receive test (POP)", NULL),
	TODO("mail.probe", ACTION_RUN, LEVEL_MANAGER, "probe the mail servers", NULL),
	TODO("mail.log", ACTION_REPORT, LEVEL_MANAGER, "mail log", NULL),
	TODO("tls.keys", ACTION_LIST, LEVEL_MANAGER, "key pairs",
	     "tls.show,tls.use,tls.csr,tls.install,tls.export,tls.delete"),
	TODO("tls.show", ACTION_REPORT, LEVEL_MANAGER, "show the key pair", NULL),
	TODO("tls.use", ACTION_RUN, LEVEL_MANAGER, "use for SSL", NULL),
	TODO("tls.csr", ACTION_RUN, LEVEL_MANAGER, "make a certificate request", NULL),
	TODO("tls.install", ACTION_RUN, LEVEL_MANAGER, "install the signed certificate", NULL),
	TODO("tls.export", ACTION_RUN, LEVEL_MANAGER, "export the certificate", NULL),
	TODO("tls.delete", ACTION_RUN, LEVEL_MANAGER, "delete the key pair", NULL),
	TODO("tls.genkey", ACTION_RUN, LEVEL_MANAGER, "generate a key pair", NULL),
	TODO("tls.import_p12", ACTION_RUN, LEVEL_MANAGER, "import a key pair", NULL),
	TODO("tls.cas", ACTION_LIST, LEVEL_MANAGER, "CA certificates", "tls.ca_show,tls.ca_delete"),
	TODO("tls.ca_show", ACTION_REPORT, LEVEL_MANAGER, "show the CA certificate", NULL),
	TODO("tls.ca_delete", ACTION_RUN, LEVEL_MANAGER, "delete the CA certificate", NULL),
	TODO("tls.ca_import", ACTION_RUN, LEVEL_MANAGER, "import a CA certificate", NULL),
	TODO("mac.entries", ACTION_LIST, LEVEL_MANAGER, "filter exceptions", "mac.remove"),
	TODO("mac.remove", ACTION_RUN, LEVEL_MANAGER, "remove the address", NULL),
	TODO("mac.add", ACTION_RUN, LEVEL_MANAGER, "add an address", NULL),
	TODO("mac.clear", ACTION_RUN, LEVEL_MANAGER, "remove every address", NULL),
	TODO("mac.apply", ACTION_RUN, LEVEL_MANAGER, "apply the filters", NULL),
	TODO("box.inboxes", ACTION_LIST, LEVEL_USER, "user inboxes", "box.docs,box.settings"),
	TODO("box.docs", ACTION_LIST, LEVEL_USER, "documents", NULL),
	TODO("box.settings", ACTION_RUN, LEVEL_USER, "inbox settings", NULL),
	TODO("backup.create", ACTION_RUN, LEVEL_MANAGER, "back up the mail boxes", NULL),
	TODO("backup.verify", ACTION_RUN, LEVEL_MANAGER, "verify a backup", NULL),
	TODO("backup.restore", ACTION_RUN, LEVEL_MANAGER, "restore a backup", NULL),
	TODO("backup.list", ACTION_REPORT, LEVEL_MANAGER, "backups", NULL),
	TODO("init.all", ACTION_RUN, LEVEL_MANAGER, "initialize all data/settings", NULL),
	TODO("init.settings_only", ACTION_RUN, LEVEL_MANAGER, "initialize settings only", NULL),
	TODO("init.report", ACTION_REPORT, LEVEL_MANAGER, "last initialization report", NULL),
	TODO("license.install", ACTION_RUN, LEVEL_SERVICE1, "install a license key", NULL),
	TODO("license.report", ACTION_REPORT, LEVEL_SERVICE1, "SPEC LIST", NULL),
	TODO("license.inactive", ACTION_LIST, LEVEL_SERVICE2, "#LMS INACTIVE", NULL),
	TODO("license.erase", ACTION_LIST, LEVEL_SERVICE2, "#LMS ERASE", NULL),
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
