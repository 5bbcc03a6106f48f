/* Operations on the settings of the catalog: get, set, reset, list,
 * describe, export, import. In the menus the first four are the
 * "setting KEY" items themselves. */
#include <stdio.h>
#include <string.h>

#include "menu/menu.h"
#include "ops/op.h"
#include "ops/ops_int.h"
#include "util/fsutil.h"

#define IMPORT_MAX ((size_t)4 << 20)

static const struct cat_entry *
entry(const struct op_ctx *c)
{
	return catalog_find(device_catalog(c->dev), op_arg(c, "key"));
}

/* Changing a key needs the door of its catalog level. */
static unsigned
key_doors(const struct op_ctx *c)
{
	const struct cat_entry *e = c->dev ? entry(c) : NULL;

	return e ? level_doors(e->level) : 0;
}

static int
get_run(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT;
	int rc = config_get(c->dev, op_arg(c, "key"), &v, err);

	if (rc == 0) {
		struct op_field f[] = { { "key", op_arg(c, "key"), OP_F_STR },
					{ "value", v.buf, OP_F_STR } };
		rc = op_emit(c, &(struct op_row){ .label = op_arg(c, "key"),
						  .value = v.buf,
						  .text = v.buf,
						  .fields = f,
						  .nfields = 2 });
	}
	sb_release(&v);
	return rc;
}

/* The value is checked here, before any door opens, so that a bad one
 * leaves no login record; a secret or PIN is read here, never from argv. */
static int
set_prepare(struct op_ctx *c, struct svc_err *err)
{
	const struct cat_entry *e = entry(c);
	struct strbuf canon = STRBUF_INIT;
	int rc;

	if (!catalog_is_hidden(e) && op_arg(c, "value") == NULL)
		return svc_errf(err, EX_USAGE, "usage: svcmode set KEY VALUE (%s needs a value)",
				e->key);
	if (catalog_is_hidden(e) && op_arg(c, "value"))
		return svc_errf(err, EX_USAGE,
				"refusing a value for %s on the command line, where others can "
				"see it: give it on stdin (printf '%%s' VALUE | svcmode set %s) or "
				"at the prompt",
				e->key, e->key);
	if (catalog_is_hidden(e) && op_ask(c, e->label, true, true, &c->in[0], err) != 0)
		return -1;
	rc = catalog_parse_value(e, op_arg(c, "value") ? op_arg(c, "value") : sb_str(&c->in[0]),
				 &canon, err);
	sb_release(&canon);
	return rc;
}

static int
set_run(struct op_ctx *c, struct svc_err *err)
{
	const char *v = op_arg(c, "value");

	return config_set(c->dev, op_arg(c, "key"), v ? v : sb_str(&c->in[0]), err);
}

static int
reset_run(struct op_ctx *c, struct svc_err *err)
{
	return config_reset(c->dev, op_arg(c, "key"), err);
}

static bool
has_prefix(const char *key, const char *prefix)
{
	size_t n = strlen(prefix);

	return prefix[0] == '\0' || (strncmp(key, prefix, n) == 0 &&
				     (key[n] == '\0' || key[n] == '.' || prefix[n - 1] == '.'));
}

static int
list_one(struct op_ctx *c, const struct cat_entry *e, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT, text = STRBUF_INIT;
	bool dflt = true, num = e->type == CT_INT || e->type == CT_PORT;
	int rc = -1;

	if (config_get(c->dev, e->key, &v, err) != 0 ||
	    config_is_default(c->dev, e->key, &dflt, err) != 0)
		goto out;
	sb_addf(&text, "%-44s %s", e->key, v.buf);
	struct op_field f[] = {
		{ "key", e->key, OP_F_STR },
		{ "label", e->label, OP_F_STR },
		{ "type", catalog_type_name(e->type), OP_F_STR },
		{ "level", level_name(e->level), OP_F_STR },
		{ "value", v.buf, num && *v.buf ? OP_F_INT : OP_F_STR },
		{ "default", dflt ? "true" : "false", OP_F_BOOL },
	};
	rc = op_emit(c, &(struct op_row){ .id = e->key,
					  .label = e->key,
					  .value = v.buf,
					  .text = text.buf,
					  .fields = f,
					  .nfields = 6 });
out:
	sb_release(&v);
	sb_release(&text);
	return rc;
}

static int
list_run(struct op_ctx *c, struct svc_err *err)
{
	const struct catalog *cat = device_catalog(c->dev);
	const char *prefix = op_arg(c, "prefix") ? op_arg(c, "prefix") : "";
	int shown = 0;

	for (size_t i = 0; i < catalog_count(cat); i++) {
		const struct cat_entry *e = catalog_at(cat, i);
		/* The 400 inbox settings (box.NN.*) when asked for by prefix:
		 * 'box list' is their overview. */
		if (!has_prefix(e->key, prefix) || (e->instance >= 0 && *prefix == '\0'))
			continue;
		if (list_one(c, e, err) != 0)
			return -1;
		shown++;
	}
	if (shown == 0 && *prefix)
		return svc_errf(err, EX_USAGE, "no setting starts with '%s'", prefix);
	return 0;
}

static int
field(struct op_ctx *c, const char *name, const char *label, const char *value)
{
	char text[512];
	struct op_field f = { name, value, OP_F_STR };

	snprintf(text, sizeof text, "%-9s %s", label, value);
	return op_emit(
		c,
		&(struct op_row){
			.label = label, .value = value, .text = text, .fields = &f, .nfields = 1 });
}

static int
describe_run(struct op_ctx *c, struct svc_err *err)
{
	const struct cat_entry *e = entry(c);
	struct strbuf accepts = STRBUF_INIT, menu = STRBUF_INIT;
	const char *dflt = catalog_is_hidden(e) ? (*e->deflt ? "(set; see the README)" : "(none)")
						: (*e->deflt ? e->deflt : "(empty)");
	int rc;

	(void)err;
	catalog_expected(e, &accepts);
	if (menu_path_for_setting(e, &menu) != 0)
		sb_adds(&menu, "(not on a screen; CLI only)");
	rc = field(c, "key", "key:", e->key) | field(c, "label", "label:", e->label) |
	     field(c, "type", "type:", catalog_type_name(e->type)) |
	     field(c, "accepts", "accepts:", accepts.buf);
	if (*e->unit)
		rc |= field(c, "unit", "unit:", e->unit);
	rc |= field(c, "default", "default:", dflt) |
	      field(c, "level", "level:", level_title(e->level)) |
	      field(c, "init", "init:", catalog_init_name(e)) |
	      field(c, "menu", "menu:", menu.buf) | field(c, "help", "help:", e->help) |
	      field(c, "effect", "effect:", e->effect);
	sb_release(&accepts);
	sb_release(&menu);
	return rc ? -1 : 0;
}

static unsigned
export_doors(const struct op_ctx *c)
{
	return op_flag(c, "include-secrets") ? DOOR_MANAGER : 0;
}

static int
export_run(struct op_ctx *c, struct svc_err *err)
{
	const char *file = op_arg(c, "file") ? op_arg(c, "file") : "-";
	bool secrets = op_flag(c, "include-secrets");
	struct strbuf j = STRBUF_INIT, detail = STRBUF_INIT;
	int rc = config_export_all(c->dev, secrets, ops_transfer_sections, &j, err);

	if (rc == 0)
		rc = fs_write_atomic(file, j.buf, j.len, 0600, err);
	/* Audited once written, with where it went: a failed export is not an
	 * export. */
	if (rc == 0 && secrets) {
		sb_addf(&detail, "with secrets to '%s'", strcmp(file, "-") ? file : "stdout");
		rc = device_audit(c->dev, "export", NULL, NULL, NULL, detail.buf, err);
	}
	if (rc == 0 && strcmp(file, "-") != 0)
		op_linef(c, "Settings written to %s%s", file, secrets ? " (with secrets)" : "");
	sb_release(&j);
	sb_release(&detail);
	return rc;
}

static void
note_lines(struct op_ctx *c, const char *text)
{
	while (text && *text) {
		size_t len = strcspn(text, "\n");
		op_notef(c, "%.*s", (int)len, text);
		text += len + (text[len] == '\n');
	}
}

/* The file is read and checked, and what would change is shown and
 * confirmed, before any door opens. */
static int
import_prepare(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf problems = STRBUF_INIT, plan = STRBUF_INIT;
	int n = -1;

	if (fs_read(op_arg(c, "file"), IMPORT_MAX, &c->in[0], err) != 0)
		goto out;
	n = config_import_all(c->dev, sb_str(&c->in[0]), ops_transfer_sections, false, &problems,
			      &plan, err);
	note_lines(c, problems.buf);
	if (n < 0)
		goto out;
	if (n > 0) {
		char q[96];

		note_lines(c, plan.buf);
		snprintf(q, sizeof q, "Import these %d change%s?", n, n == 1 ? "" : "s");
		if (op_confirm(c, q, "yes", err) != 0)
			n = -1;
	}
out:
	sb_release(&problems);
	sb_release(&plan);
	return n < 0 ? -1 : 0;
}

static int
import_run(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf problems = STRBUF_INIT;
	int rc = config_import_all(c->dev, sb_str(&c->in[0]), ops_transfer_sections, true,
				   &problems, NULL, err);

	note_lines(c, problems.buf);
	sb_release(&problems);
	if (rc < 0)
		return -1;
	op_notef(c, "imported %d change%s", rc, rc == 1 ? "" : "s");
	return 0;
}

static const struct op_param p_key[] = {
	{ "key", OP_P_KEY, OP_ROWID, NULL, "the setting's key", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};
static const struct op_param p_set[] = {
	{ "key", OP_P_KEY, OP_ROWID, NULL, "the setting's key", 0, 0 },
	{ "value", OP_P_TEXT, OP_OPT, NULL, "the new value (secrets: from stdin or the prompt)", 0,
	  0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};
static const struct op_param p_list[] = {
	{ "prefix", OP_P_TEXT, OP_OPT | OP_NOASK, "@key", "only keys under this prefix", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};
static const struct op_param p_export[] = {
	{ "include-secrets", OP_P_FLAG, OP_OPT | OP_DASH, NULL,
	  "include the mail passwords (System Manager)", 0, 0 },
	{ "file", OP_P_OUT, OP_OPT | OP_STDIO, NULL, "file to write (- or none: standard output)",
	  0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};
static const struct op_param p_import[] = {
	{ "file", OP_P_FILE, OP_STDIO, NULL,
	  "the settings file (JSON, from export; - for standard "
	  "input)",
	  0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

#define KEY_WHO                                                                                    \
	"the door of the setting's level ('describe KEY' says): System Settings keys "             \
	"open only with the System Manager ID and PIN"

const struct op ops_settings[] = {
	{ .name = "settings.get",
	  .words = "get",
	  .kind = OP_EDIT,
	  .params = p_key,
	  .run = get_run,
	  .help = "print a setting's value (*** for a set secret)",
	  .more = "Secrets and PINs print *** when set and nothing when unset." },
	{ .name = "settings.set",
	  .words = "set",
	  .kind = OP_EDIT,
	  .params = p_set,
	  .run = set_run,
	  .prepare = set_prepare,
	  .doors_for = key_doors,
	  .who = KEY_WHO,
	  .help = "change a setting (secrets: value on stdin)",
	  .more = "Booleans take on/off/true/false/1/0, choices the panel's spelling, in any\n"
		  "case. A secret or PIN is read from stdin (or asked twice at the terminal);\n"
		  "a value on the command line is refused. System Settings keys open only\n"
		  "with the System Manager ID and PIN; a service code does not open them." },
	{ .name = "settings.reset",
	  .words = "reset",
	  .kind = OP_EDIT,
	  .params = p_key,
	  .run = reset_run,
	  .doors_for = key_doors,
	  .who = KEY_WHO,
	  .help = "return a setting to its factory default" },
	{ .name = "settings.list",
	  .words = "list",
	  .kind = OP_LIST,
	  .params = p_list,
	  .run = list_run,
	  .row_ops = "settings.describe",
	  .help = "list settings and their values" },
	{ .name = "settings.describe",
	  .words = "describe",
	  .kind = OP_REPORT,
	  .params = p_key,
	  .run = describe_run,
	  .help = "label, type, range, default, level, menu path, help" },
	{ .name = "settings.export",
	  .words = "export",
	  .kind = OP_RUN,
	  .params = p_export,
	  .run = export_run,
	  .doors_for = export_doors,
	  .who = "anyone; with --include-secrets, the System Manager",
	  .help = "write all settings as JSON (stdout by default)",
	  .more = "Secrets are left out unless --include-secrets, which needs the System\n"
		  "Manager credentials. PINs and codes are never exported." },
	{ .name = "settings.import",
	  .words = "import",
	  .kind = OP_RUN,
	  .params = p_import,
	  .confirm = OP_CONFIRM_ASK,
	  .prepare = import_prepare,
	  .run = import_run,
	  .help = "apply a JSON export, all or nothing",
	  .more = "Every invalid key or value is listed and nothing is written. What would\n"
		  "change is shown first; at a terminal it asks before applying (--yes\n"
		  "skips the question; scripts without a terminal go on)." },
	{ .name = NULL },
};
