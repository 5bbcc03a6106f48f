/* Operations of the core: device information, the audit log, the store
 * check, the doors (lockouts, codes, PWD-CLR) and creating a store. */
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/keys.h"
#include "license/license.h"
#include "mail/mail.h"
#include "ops/op.h"
#include "tls/tls.h"

#ifndef SVC_NCURSES_VERSION
#define SVC_NCURSES_VERSION "unknown"
#endif

/* One "name: value" row of a report; NUM: the JSON value is a number. */
static int
fact(struct op_ctx *c, const char *name, const char *value, bool num)
{
	char text[600];
	struct op_field f = { name, value, num ? OP_F_INT : OP_F_STR };

	/* "model:          iR5570": the value in column 17. */
	snprintf(text, sizeof text, "%s:%*s%s", name, (int)(15 - strlen(name)), "", value);
	return op_emit(
		c,
		&(struct op_row){
			.label = name, .value = value, .text = text, .fields = &f, .nfields = 1 });
}

static int
factf(struct op_ctx *c, const char *name, long long n)
{
	char v[32];

	snprintf(v, sizeof v, "%lld", n);
	return fact(c, name, v, true);
}

static int
counter_row(void *arg, const char *name, int64_t value)
{
	struct op_ctx *c = arg;
	char text[96], v[32], key[48];
	struct op_field f = { key, v, OP_F_INT };

	snprintf(v, sizeof v, "%lld", (long long)value);
	snprintf(key, sizeof key, "counter.%s", name);
	snprintf(text, sizeof text, "counter %-10s %s", name, v);
	return op_emit(
		c, &(struct op_row){
			   .label = name, .value = v, .text = text, .fields = &f, .nfields = 1 });
}

/* The key pair in use, and certificates that expire. */
static int
tls_row(void *arg, const struct tls_info *in)
{
	struct op_ctx *c = arg;
	char v[256];

	if (in->in_use) {
		snprintf(v, sizeof v, "%.100s (%.40s, valid to %.40s)", in->name, in->key_type,
			 in->not_after);
		fact(c, "ssl key pair", v, false);
	}
	if (in->expired || in->expiring) {
		snprintf(v, sizeof v, "%s%.160s%s %s %.40s", *in->name ? "key pair '" : "",
			 *in->name ? in->name : in->subject, *in->name ? "'" : "",
			 in->expired ? "EXPIRED on" : "EXPIRES SOON:", in->not_after);
		fact(c, "certificate", v, false);
	}
	return 0;
}

/* The System Manager's information, as the device panel shows it to whoever
 * looks for the person in charge; empty fields are left out. */
static int
manager_facts(struct op_ctx *c, struct svc_err *err)
{
	static const char *const keys[][2] = {
		{ "system manager", KEY_SYSTEM_MANAGER_NAME },
		{ "contact", KEY_SYSTEM_MANAGER_CONTACT },
		{ "manager e-mail", KEY_SYSTEM_MANAGER_EMAIL },
		{ "comment", KEY_SYSTEM_MANAGER_COMMENT },
	};
	struct strbuf v = STRBUF_INIT;
	int rc = 0;

	for (size_t i = 0; i < sizeof keys / sizeof keys[0] && rc == 0; i++) {
		sb_reset(&v);
		rc = config_get(c->dev, keys[i][1], &v, err);
		if (rc == 0 && sb_str(&v)[0])
			rc = fact(c, keys[i][0], v.buf, false);
	}
	sb_release(&v);
	return rc;
}

/* svcmode info, COPIER > DISPLAY: identity, store, versions, counters. */
static int
info_run(struct op_ctx *c, struct svc_err *err)
{
	const struct store_identity *id = device_identity(c->dev);
	struct device_store_info si;

	device_store_info(c->dev, &si);
	if (fact(c, "model", id->model, false) || fact(c, "serial", id->serial, false) ||
	    fact(c, "mac", id->mac, false) || fact(c, "created", id->created, false) ||
	    fact(c, "store", si.path, false) || factf(c, "store size", (long long)si.size) ||
	    factf(c, "schema", si.schema) || fact(c, "svcmode", SVC_VERSION, false) ||
	    fact(c, "sqlite", si.sqlite, false) ||
	    fact(c, "openssl", OpenSSL_version(OPENSSL_VERSION_STRING), false) ||
	    fact(c, "ncurses", SVC_NCURSES_VERSION, false) ||
	    fact(c, "gsasl", mail_sasl_version() + strlen("libgsasl "), false) ||
	    manager_facts(c, err) != 0)
		return -1;
	if (tls_list(c->dev, tls_row, c, err) < 0 || tls_ca_list(c->dev, tls_row, c, err) < 0)
		return -1;
	return device_counter_each(c->dev, counter_row, c, err);
}

/* --- the audit log ----------------------------------------------------------- */

struct log_walk {
	struct op_ctx *c;
	long long want; /* log show: the record; 0: every one */
	bool found;
};

static int
audit_row(void *arg, const struct store_audit *r)
{
	struct log_walk *w = arg;
	struct strbuf text = STRBUF_INIT;
	char id[24], label[80];
	int rc;

	snprintf(id, sizeof id, "%lld", (long long)r->id);
	sb_addf(&text, "%s %-10s %-8s %-12s %s", r->at, r->actor, r->level, r->event,
		r->key ? r->key : "-");
	if (r->old || r->new)
		sb_addf(&text, " '%s' -> '%s'", r->old ? r->old : "", r->new ? r->new : "");
	sb_addf(&text, "%s%s", r->detail ? ": " : "", r->detail ? r->detail : "");
	/* The menus' row: "123 19:08 set system.manager.name", short on a slow line. */
	snprintf(label, sizeof label, "%s %.5s %s %s", id, strlen(r->at) >= 16 ? r->at + 11 : r->at,
		 r->event, r->key ? r->key : "");
	struct op_field f[] = {
		{ "id", id, OP_F_INT },
		{ "at", r->at, OP_F_STR },
		{ "operator", r->actor, OP_F_STR },
		{ "level", r->level, OP_F_STR },
		{ "event", r->event, OP_F_STR },
		{ "key", r->key, r->key ? OP_F_STR : OP_F_NULL },
		{ "old", r->old, r->old ? OP_F_STR : OP_F_NULL },
		{ "new", r->new, r->new ? OP_F_STR : OP_F_NULL },
		{ "detail", r->detail, r->detail ? OP_F_STR : OP_F_NULL },
	};
	rc = op_emit(w->c, &(struct op_row){ .id = id,
					     .label = label,
					     .value = r->actor,
					     .text = text.buf,
					     .fields = f,
					     .nfields = 9 });
	sb_release(&text);
	return rc;
}

static int
log_run(struct op_ctx *c, struct svc_err *err)
{
	struct log_walk w = { c, 0, false };
	const char *limit = op_arg(c, "limit");

	return device_audit_each(c->dev, limit ? (int)strtol(limit, NULL, 10) : 0, audit_row, &w,
				 err);
}

static int
record_row(void *arg, const struct store_audit *r)
{
	struct log_walk *w = arg;
	char id[24];

	if ((long long)r->id != w->want)
		return 0;
	w->found = true;
	snprintf(id, sizeof id, "%lld", (long long)r->id);
	if (fact(w->c, "record", id, true) || fact(w->c, "at", r->at, false) ||
	    fact(w->c, "operator", r->actor, false) || fact(w->c, "level", r->level, false) ||
	    fact(w->c, "event", r->event, false) || fact(w->c, "key", r->key ? r->key : "-", false))
		return -1;
	if ((r->old || r->new) && (fact(w->c, "old", r->old ? r->old : "", false) ||
				   fact(w->c, "new", r->new ? r->new : "", false)))
		return -1;
	return r->detail ? fact(w->c, "detail", r->detail, false) : 0;
}

static int
log_show_run(struct op_ctx *c, struct svc_err *err)
{
	struct log_walk w = { c, strtoll(op_arg(c, "record"), NULL, 10), false };

	if (device_audit_each(c->dev, 0, record_row, &w, err) != 0)
		return -1;
	if (!w.found)
		return svc_errf(err, EX_NOINPUT, "no audit record '%s'", op_arg(c, "record"));
	return 0;
}

/* COPIER > FUNCTION > Store Check: the store opened (so its integrity check
 * passed); reports the settings that differ from their factory default. */
static int
check_run(struct op_ctx *c, struct svc_err *err)
{
	const struct catalog *cat = device_catalog(c->dev);
	size_t n = catalog_count(cat), changed = 0;

	struct device_store_info si;

	device_store_info(c->dev, &si);
	op_linef(c, "Store %s: integrity checked on open, schema %d", si.path, si.schema);
	for (size_t i = 0; i < n; i++) {
		const struct cat_entry *e = catalog_at(cat, i);
		bool dflt = true;

		if (config_is_default(c->dev, e->key, &dflt, err) != 0)
			return -1;
		if (!dflt) {
			changed++;
			op_linef(c, "  changed: %s", e->key);
		}
		op_progress(c, "checking settings", (double)(i + 1) / (double)n);
	}
	op_linef(c, "%zu settings, %zu changed from the factory default", n, changed);
	return 0;
}

/* --- doors ----------------------------------------------------------------------- */

static int
lockout_line(void *arg, const char *door, int failures, bool locked, bool clearable)
{
	op_linef(arg, "%-9s %d wrong attempt(s)%s%s", door, failures, locked ? ", locked" : "",
		 clearable ? "" : " (level 2 clears it)");
	return 0;
}

static int
unlock_run(struct op_ctx *c, struct svc_err *err)
{
	int cleared = 0;

	if (device_lockout_each(c->dev, lockout_line, c, err) != 0 ||
	    op_confirm(c, "Clear the failed attempts and lockouts of these doors?", "CLEAR", err) !=
		    0 ||
	    device_lockout_clear(c->dev, &cleared, err) != 0)
		return -1;
	op_linef(c, "%d door(s) cleared", cleared);
	return 0;
}

static int
pwd_clr_run(struct op_ctx *c, struct svc_err *err)
{
	if (op_confirm(c, "Set the System Manager ID and PIN back to 7654321?", "CLEAR", err) !=
		    0 ||
	    config_pwd_clear(c->dev, err) != 0)
		return -1;
	op_line(c, "System Manager ID and PIN are 7654321 again; the customer sets new ones.");
	return 0;
}

/* passwd: the keys each door changes; the new values are read and checked
 * before the current credential opens the door, so a refused value
 * changes nothing and writes no login record. */
static const char *const manager_keys[] = { KEY_SYSTEM_MANAGER_ID, KEY_SYSTEM_MANAGER_PIN, NULL };
static const char *const service1_keys[] = { KEY_SERVICE_CODE_LEVEL1, NULL };
static const char *const service2_keys[] = { KEY_SERVICE_CODE_LEVEL2, NULL };

static const char *const *
passwd_keys(const struct op *op)
{
	if (strcmp(op->name, "passwd.manager") == 0)
		return manager_keys;
	return strcmp(op->name, "passwd.service1") == 0 ? service1_keys : service2_keys;
}

static int
passwd_prepare(struct op_ctx *c, struct svc_err *err)
{
	const char *const *keys = passwd_keys(c->op);
	struct strbuf canon = STRBUF_INIT;
	int rc = 0;

	for (int i = 0; keys[i] && rc == 0; i++) {
		const struct cat_entry *e = catalog_find(device_catalog(c->dev), keys[i]);
		char prompt[96];

		snprintf(prompt, sizeof prompt, "new %s", e->label);
		rc = op_ask(c, prompt, true, true, &c->in[i], err);
		if (rc == 0)
			rc = catalog_parse_value(e, sb_str(&c->in[i]), &canon, err);
	}
	sb_release(&canon);
	return rc;
}

static int
passwd_run(struct op_ctx *c, struct svc_err *err)
{
	const char *const *keys = passwd_keys(c->op);
	const char *values[2];
	int n = 0;

	for (; keys[n]; n++)
		values[n] = sb_str(&c->in[n]);
	if (config_set_many(c->dev, keys, values, n, err) != 0)
		return -1;
	op_linef(c, "%s changed", n == 2 ? "System Manager ID and PIN" : "service code");
	return 0;
}

static int
init_store_run(struct op_ctx *c, struct svc_err *err)
{
	char *path = c->db ? xstrdup(c->db) : device_default_path();
	const char *serial = op_arg(c, "serial"), *keyfile = op_arg(c, "device-key-file");
	int rc = keyfile ? license_init_store(path, serial, keyfile, err)
			 : device_create(path, serial, err);

	if (rc == 0)
		op_notef(c, "created device store '%s'", path);
	free(path);
	return rc;
}

static const struct op_param p_log[] = {
	{ "limit", OP_P_NUM, OP_OPT | OP_DASH | OP_NOASK, NULL, "only the last N records", 1,
	  1000000 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};
static const struct op_param p_record[] = {
	{ "record", OP_P_NUM, OP_ROWID, NULL, "the record's number", 1, 999999999999 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};
static const struct op_param p_init_store[] = {
	{ "serial", OP_P_TEXT, OP_OPT | OP_DASH, NULL, "the serial number, like ABC12345", 0, 0 },
	{ "device-key-file", OP_P_FILE, OP_OPT | OP_DASH, NULL,
	  "the device license key file of 'svcmode-lms device-key'", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

#define PASSWD_MORE                                                                                \
	"The new value is asked first (twice at a terminal; one line per value on\n"               \
	"stdin) and checked; then the current credential opens the door (from the\n"               \
	"environment or a prompt). A refused value changes nothing."

const struct op ops_core[] = {
	{ .name = "core.info",
	  .words = "info",
	  .kind = OP_REPORT,
	  .run = info_run,
	  .help = "device identity, store, library versions and counters" },
	{ .name = "core.log",
	  .words = "log",
	  .kind = OP_LIST,
	  .params = p_log,
	  .run = log_run,
	  .row_ops = "core.log_show",
	  .help = "show the audit log, oldest first" },
	{ .name = "core.log_show",
	  .words = "log show",
	  .kind = OP_REPORT,
	  .params = p_record,
	  .run = log_show_run,
	  .help = "one audit record in full" },
	{ .name = "core.check",
	  .words = "check",
	  .kind = OP_RUN,
	  .doors = DOOR_SERVICE1,
	  .run = check_run,
	  .help = "check the store and list the changed settings" },
	{ .name = "core.unlock",
	  .words = "unlock",
	  .kind = OP_RUN,
	  .doors = DOOR_SERVICE1,
	  .confirm = OP_CONFIRM_WORD,
	  .run = unlock_run,
	  .help = "clear the lockouts of the System Manager and service doors",
	  .more = "Level 1 clears the System Manager's and its own door; the level-2 door's\n"
		  "lockout needs level 2." },
	{ .name = "core.pwd_clr",
	  .words = "pwd-clr",
	  .kind = OP_RUN,
	  .doors = DOOR_SERVICE1,
	  .confirm = OP_CONFIRM_WORD,
	  .run = pwd_clr_run,
	  .help = "PWD-CLR: System Manager ID and PIN back to the factory 7654321",
	  .more = "COPIER > FUNCTION > CLEAR > PWD-CLR in Service Mode, for a customer who\n"
		  "has forgotten them. Also clears the System Manager door's lockout. Audited." },
	{ .name = "passwd.manager",
	  .words = "passwd manager",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .prepare = passwd_prepare,
	  .run = passwd_run,
	  .help = "change the System Manager ID and PIN",
	  .more = PASSWD_MORE },
	{ .name = "passwd.service1",
	  .words = "passwd service1",
	  .kind = OP_RUN,
	  .doors = DOOR_SERVICE1,
	  .prepare = passwd_prepare,
	  .run = passwd_run,
	  .help = "change the level-1 service code",
	  .more = PASSWD_MORE },
	{ .name = "passwd.service2",
	  .words = "passwd service2",
	  .kind = OP_RUN,
	  .doors = DOOR_SERVICE2,
	  .prepare = passwd_prepare,
	  .run = passwd_run,
	  .help = "change the level-2 service code",
	  .more = PASSWD_MORE },
	{ .name = "core.init_store",
	  .words = "init-store",
	  .kind = OP_RUN,
	  .flags = OP_NOSTORE,
	  .params = p_init_store,
	  .run = init_store_run,
	  .help = "create a new device store",
	  .more = "Creates the store at --db (or the default path) with a new identity and\n"
		  "factory defaults. Refuses to overwrite an existing store.\n"
		  "--device-key-file: the device license key made by 'svcmode-lms device-key'\n"
		  "(factory provisioning); the serial is the file's. Without it, the store uses\n"
		  "the key of the published demo vendor secret." },
	{ .name = NULL },
};
