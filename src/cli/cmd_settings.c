/* get, set, reset, list, describe, export, import. */
#include <string.h>

#include "cli/cli.h"
#include "menu/menu.h"
#include "util/fsutil.h"
#include "util/json.h"

#define IMPORT_MAX ((size_t)4 << 20)

static int
cmd_get(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT;
	int rc;

	if (cli_parse("get", argc, argv, NULL, err) != 1)
		return err && err->code ? -1 : cli_usage("get", err);
	rc = config_get(cli->dev, argv[0], &v, err);
	if (rc == 0)
		fprintf(cli->out, "%s\n", sb_str(&v));
	sb_release(&v);
	return rc;
}

static int
cmd_set(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct cat_entry *e;
	struct strbuf secret = STRBUF_INIT;
	int n = cli_parse("set", argc, argv, NULL, err), rc;

	if (n < 0)
		return -1;
	if (n < 1 || n > 2)
		return cli_usage("set", err);
	if ((e = catalog_find(device_catalog(cli->dev), argv[0])) == NULL)
		return svc_errf(err, EX_USAGE, "unknown setting '%s' (see 'svcmode list')",
				argv[0]);
	if (catalog_is_hidden(e)) {
		if (n == 2)
			return svc_errf(err, EX_USAGE,
					"refusing a value for %s on the command line, where "
					"others can see it: give it on stdin (printf '%%s' VALUE | "
					"svcmode set %s) or at the prompt",
					e->key, e->key);
		if (cli_read_secret(e->label, true, &secret, err) != 0)
			return -1;
		rc = config_set(cli->dev, e->key, sb_str(&secret), err);
		sb_release(&secret);
		return rc;
	}
	if (n != 2)
		return cli_usage("set", err);
	return config_set(cli->dev, argv[0], argv[1], err);
}

static int
cmd_reset(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (cli_parse("reset", argc, argv, NULL, err) != 1)
		return err && err->code ? -1 : cli_usage("reset", err);
	return config_reset(cli->dev, argv[0], err);
}

static bool
has_prefix(const char *key, const char *prefix)
{
	size_t n = strlen(prefix);

	return prefix[0] == '\0' || (strncmp(key, prefix, n) == 0 &&
				     (key[n] == '\0' || key[n] == '.' || prefix[n - 1] == '.'));
}

static void
list_json_entry(struct strbuf *j, const struct cat_entry *e, const char *v, bool dflt)
{
	sb_adds(j, "  {\"key\": ");
	json_add_str(j, e->key);
	sb_adds(j, ", \"label\": ");
	json_add_str(j, e->label);
	sb_addf(j, ", \"type\": \"%s\", \"level\": \"%s\", \"value\": ", catalog_type_name(e->type),
		level_name(e->level));
	if ((e->type == CT_INT || e->type == CT_PORT) && *v)
		sb_adds(j, v);
	else
		json_add_str(j, v);
	sb_addf(j, ", \"default\": %s}", dflt ? "true" : "false");
}

static int
cmd_list(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct catalog *cat = device_catalog(cli->dev);
	const char *json = NULL;
	struct cli_opt opts[] = { { "json", &json }, { NULL, NULL } };
	struct strbuf v = STRBUF_INIT, j = STRBUF_INIT;
	int n = cli_parse("list", argc, argv, opts, err), rc = 0, shown = 0;
	const char *prefix = n == 1 ? argv[0] : "";

	if (n < 0 || n > 1)
		return n < 0 ? -1 : cli_usage("list", err);
	for (size_t i = 0; i < catalog_count(cat) && rc == 0; i++) {
		const struct cat_entry *e = catalog_at(cat, i);
		bool dflt;
		if (!has_prefix(e->key, prefix))
			continue;
		if ((rc = config_get(cli->dev, e->key, &v, err)) != 0 ||
		    (rc = config_is_default(cli->dev, e->key, &dflt, err)) != 0)
			break;
		if (json) {
			sb_adds(&j, shown ? ",\n" : "[\n");
			list_json_entry(&j, e, v.buf, dflt);
		} else {
			fprintf(cli->out, "%-44s %s\n", e->key, v.buf);
		}
		shown++;
	}
	if (rc == 0 && shown == 0 && *prefix)
		rc = svc_errf(err, EX_USAGE, "no setting starts with '%s'", prefix);
	if (rc == 0 && json)
		fprintf(cli->out, "%s\n]\n", shown ? j.buf : "[");
	sb_release(&v);
	sb_release(&j);
	return rc;
}

static int
cmd_describe(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct cat_entry *e;
	struct strbuf s = STRBUF_INIT;

	if (cli_parse("describe", argc, argv, NULL, err) != 1)
		return err && err->code ? -1 : cli_usage("describe", err);
	if ((e = catalog_find(device_catalog(cli->dev), argv[0])) == NULL)
		return svc_errf(err, EX_USAGE, "unknown setting '%s' (see 'svcmode list')",
				argv[0]);
	catalog_expected(e, &s);
	fprintf(cli->out, "key:      %s\nlabel:    %s\ntype:     %s\naccepts:  %s\n", e->key,
		e->label, catalog_type_name(e->type), s.buf);
	if (*e->unit)
		fprintf(cli->out, "unit:     %s\n", e->unit);
	fprintf(cli->out, "default:  %s\nlevel:    %s\ninit:     %s\n",
		catalog_is_hidden(e) ? (*e->deflt ? "(set; see the README)" : "(none)")
				     : (*e->deflt ? e->deflt : "(empty)"),
		level_title(e->level), e->reset_on_init ? "reset" : "kept");
	sb_reset(&s);
	fprintf(cli->out, "menu:     %s\nhelp:     %s\n",
		menu_path_for_key(e->key, &s) == 0 ? s.buf : "(not on a screen; CLI only)",
		e->help);
	sb_release(&s);
	return 0;
}

static int
cmd_export(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *secrets = NULL;
	struct cli_opt opts[] = { { "include-secrets", &secrets }, { NULL, NULL } };
	struct strbuf j = STRBUF_INIT;
	int n = cli_parse("export", argc, argv, opts, err), rc;

	if (n < 0 || n > 1)
		return n < 0 ? -1 : cli_usage("export", err);
	rc = config_export(cli->dev, secrets != NULL, &j, err);
	if (rc == 0)
		rc = fs_write_atomic(n == 1 ? argv[0] : "-", j.buf, j.len, 0600, err);
	sb_release(&j);
	return rc;
}

static int
cmd_import(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf j = STRBUF_INIT, problems = STRBUF_INIT;
	int rc = -1;

	if (cli_parse("import", argc, argv, NULL, err) != 1)
		return err && err->code ? -1 : cli_usage("import", err);
	if (fs_read(argv[0], IMPORT_MAX, &j, err) != 0)
		goto out;
	rc = config_import(cli->dev, sb_str(&j), &problems, err);
	if (problems.len)
		fputs(problems.buf, stderr);
	if (rc >= 0) {
		fprintf(cli->msg, "svcmode: imported %d changed setting%s\n", rc,
			rc == 1 ? "" : "s");
		rc = 0;
	}
out:
	sb_release(&j);
	sb_release(&problems);
	return rc;
}

const struct cli_cmd cli_cmds_settings[] = {
	{ "get", "KEY", "print a setting's value (*** for a set secret)",
	  "Secrets and PINs print *** when set and nothing when unset.", CLI_STORE, cmd_get },
	{ "set", "KEY [VALUE]", "change a setting (secrets: value on stdin)",
	  "Booleans take on/off/true/false/1/0, choices the panel's spelling, in any\n"
	  "case. A secret or PIN is read from stdin (or asked twice at the terminal);\n"
	  "a value on the command line is refused. Protected keys need credentials\n"
	  "in the environment (see svcmode --help).",
	  CLI_STORE, cmd_set },
	{ "reset", "KEY", "return a setting to its factory default", NULL, CLI_STORE, cmd_reset },
	{ "list", "[PREFIX] [--json]", "list settings and their values", NULL, CLI_STORE,
	  cmd_list },
	{ "describe", "KEY", "label, type, range, default, level, menu path, help", NULL, CLI_STORE,
	  cmd_describe },
	{ "export", "[--include-secrets] [FILE]", "write all settings as JSON (stdout by default)",
	  "Secrets are left out unless --include-secrets, which needs the System\n"
	  "Manager credentials. PINs and codes are never exported.",
	  CLI_STORE, cmd_export },
	{ "import", "FILE|-", "apply a JSON export, all or nothing",
	  "Every invalid key or value is listed and nothing is written.", CLI_STORE, cmd_import },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
