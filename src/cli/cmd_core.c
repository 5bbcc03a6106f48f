/* tui, info, log, init-store, passwd. */
#include <openssl/crypto.h>
#include <openssl/opensslv.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "license/license.h"
#include "tui/tui.h"
#include "util/json.h"

static int
cmd_tui(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *mono = NULL, *ascii = NULL;
	struct cli_opt opts[] = { { "mono", &mono }, { "ascii", &ascii }, { NULL, NULL } };
	struct tui_opts to = { 0 };
	const char *no_color = getenv("NO_COLOR");
	int n = cli_parse("tui", argc, argv, opts, err);

	if (n != 0)
		return n < 0 ? -1 : cli_usage("tui", err);
	to.mono = mono != NULL || (no_color && *no_color);
	to.ascii = ascii != NULL;
	return tui_run(cli->dev, &to, err);
}

static int
print_counter(void *arg, const char *name, int64_t value)
{
	struct cli *cli = arg;

	fprintf(cli->out, "counter %-10s %lld\n", name, (long long)value);
	return 0;
}

static int
cmd_info(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct store_identity *id = device_identity(cli->dev);
	struct store *st = device_store(cli->dev);

	if (cli_parse("info", argc, argv, NULL, err) != 0)
		return err && err->code ? -1 : cli_usage("info", err);
	fprintf(cli->out,
		"model:          %s\nserial:         %s\nmac:            %s\n"
		"created:        %s\nstore:          %s\nstore size:     %lld bytes\n"
		"schema:         %d\nsvcmode:        %s\nsqlite:         %s\n"
		"openssl:        %s\nncurses:        %s\n",
		id->model, id->serial, id->mac, id->created, store_path(st),
		(long long)store_size(st), store_schema_version(st), SVC_VERSION,
		store_sqlite_version(), OpenSSL_version(OPENSSL_VERSION_STRING),
		tui_curses_version());
	const cli_info_fn more[] = { cli_info_mail, cli_info_tls };
	for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
		if (more[i] && more[i](cli, err) != 0)
			return -1;
	return store_counter_each(st, print_counter, cli, err);
}

struct log_out {
	struct cli *cli;
	bool json;
	int n;
};

static void
json_field(struct strbuf *j, const char *name, const char *v)
{
	sb_addf(j, ", \"%s\": ", name);
	if (v)
		json_add_str(j, v);
	else
		sb_adds(j, "null");
}

static int
print_audit(void *arg, const struct store_audit *r)
{
	struct log_out *lo = arg;
	struct strbuf j = STRBUF_INIT;

	if (!lo->json) {
		fprintf(lo->cli->out, "%s %-10s %-8s %-12s %s", r->at, r->actor, r->level, r->event,
			r->key ? r->key : "-");
		if (r->old || r->new)
			fprintf(lo->cli->out, " '%s' -> '%s'", r->old ? r->old : "",
				r->new ? r->new : "");
		fprintf(lo->cli->out, "%s%s\n", r->detail ? ": " : "", r->detail ? r->detail : "");
		return 0;
	}
	sb_addf(&j, "%s  {\"id\": %lld", lo->n++ ? ",\n" : "", (long long)r->id);
	json_field(&j, "at", r->at);
	json_field(&j, "operator", r->actor);
	json_field(&j, "level", r->level);
	json_field(&j, "event", r->event);
	json_field(&j, "key", r->key);
	json_field(&j, "old", r->old);
	json_field(&j, "new", r->new);
	json_field(&j, "detail", r->detail);
	fprintf(lo->cli->out, "%s}", j.buf);
	sb_release(&j);
	return 0;
}

static int
cmd_log(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *json = NULL, *limit = NULL;
	struct cli_opt opts[] = { { "json", &json }, { "limit=", &limit }, { NULL, NULL } };
	struct log_out lo = { cli, false, 0 };
	long n = 0;
	int npos = cli_parse("log", argc, argv, opts, err), rc;

	if (npos != 0)
		return npos < 0 ? -1 : cli_usage("log", err);
	if (limit && cli_limit(limit, &n, err) != 0)
		return -1;
	lo.json = json != NULL;
	if (lo.json)
		fputs("[\n", cli->out);
	rc = store_audit_each(device_store(cli->dev), (int)n, print_audit, &lo, err);
	if (lo.json)
		fputs(lo.n ? "\n]\n" : "]\n", cli->out);
	return rc;
}

static int
cmd_init_store(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *serial = NULL, *keyfile = NULL;
	struct cli_opt opts[] = { { "serial=", &serial },
				  { "device-key-file=", &keyfile },
				  { NULL, NULL } };
	char *path;
	int n = cli_parse("init-store", argc, argv, opts, err), rc;

	if (n != 0)
		return n < 0 ? -1 : cli_usage("init-store", err);
	path = cli->db_path ? xstrdup(cli->db_path) : device_default_path();
	rc = keyfile ? license_init_store(path, serial, keyfile, err)
		     : device_create(path, serial, err);
	if (rc == 0)
		fprintf(cli->msg, "svcmode: created device store '%s'\n", path);
	free(path);
	return rc;
}

/* passwd: which door, the key(s) it changes, and what to ask for. */
static const struct {
	const char *name;
	enum level level;
	const char *keys[2];
} doors[] = {
	{ "manager", LEVEL_MANAGER, { "system.manager.id", "system.manager.pin" } },
	{ "service1", LEVEL_SERVICE1, { "service.code.level1", NULL } },
	{ "service2", LEVEL_SERVICE2, { "service.code.level2", NULL } },
};

static int
change_code(struct cli *cli, const char *key, struct svc_err *err)
{
	const struct cat_entry *e = catalog_find(device_catalog(cli->dev), key);
	struct strbuf v = STRBUF_INIT;
	char prompt[96];
	int rc;

	snprintf(prompt, sizeof prompt, "new %s", e->label);
	rc = cli_read_secret(prompt, true, &v, err);
	if (rc == 0)
		rc = config_set(cli->dev, key, sb_str(&v), err);
	sb_release(&v);
	return rc;
}

static int
cmd_passwd(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	int n = cli_parse("passwd", argc, argv, NULL, err);
	char what[64];

	if (n != 1)
		return n < 0 ? -1 : cli_usage("passwd", err);
	for (size_t i = 0; i < sizeof doors / sizeof doors[0]; i++) {
		if (strcmp(argv[0], doors[i].name) != 0)
			continue;
		snprintf(what, sizeof what, "changing the %s code", doors[i].name);
		/* The old credential first: the door's own login. */
		if (device_require(cli->dev, doors[i].level, what, err) != 0)
			return -1;
		for (int k = 0; k < 2 && doors[i].keys[k]; k++)
			if (change_code(cli, doors[i].keys[k], err) != 0)
				return -1;
		return 0;
	}
	return svc_errf(err, EX_USAGE, "invalid door '%s': expected manager, service1 or service2",
			argv[0]);
}

const struct cli_cmd cli_cmds_core[] = {
	{ "tui", "[--mono] [--ascii]", "open the menus (the default)",
	  "--mono: reverse and bold only, no colour (also when NO_COLOR is set).\n"
	  "--ascii: draw lines with plain +-| characters.",
	  CLI_STORE, cmd_tui },
	{ "info", "", "device identity, store and library versions", NULL, CLI_STORE, cmd_info },
	{ "log", "[--json] [--limit N]", "show the audit log", NULL, CLI_STORE, cmd_log },
	{ "init-store", "[--serial ABC12345] [--device-key-file FILE]", "create a new device store",
	  "Creates the store at --db (or the default path) with a new identity and\n"
	  "factory defaults. Refuses to overwrite an existing store.\n"
	  "--device-key-file: the device license key made by 'svcmode-lms device-key'\n"
	  "(factory provisioning); the serial is the file's. Without it, the store uses\n"
	  "the key of the published demo vendor secret.",
	  CLI_NOSTORE, cmd_init_store },
	{ "passwd", "manager|service1|service2", "change the System Manager ID/PIN or a code",
	  "The current credential comes from the environment or a prompt; the new one\n"
	  "from the terminal (asked twice) or one line per value on stdin (manager:\n"
	  "ID then PIN).",
	  CLI_STORE, cmd_passwd },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
