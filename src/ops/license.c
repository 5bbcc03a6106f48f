/* Operations of the license module: install, SPEC LIST, the license list,
 * #LMS > INACTIVE (invalidate for transfer), #LMS > ERASE and the transfer
 * number shown again. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "license/license.h"
#include "license/online.h"
#include "ops/op.h"
#include "util/json.h"

static void
to_line(void *arg, const char *text)
{
	op_line(arg, text);
}

/* --- one option as fields (list --json, report --json) ----------------------- */

#define INFO_FIELDS 8

struct info_fields {
	struct op_field f[INFO_FIELDS];
	char num[24];
};

static void
info_fields(const struct license_info *i, struct info_fields *out)
{
	const struct lic_option *o = i->opt;

	snprintf(out->num, sizeof out->num, "%lld", (long long)i->number);
	out->f[0] = (struct op_field){ "option", o->name, OP_F_STR };
	out->f[1] = (struct op_field){ "description", o->description, OP_F_STR };
	out->f[2] = (struct op_field){ "master", o->master, o->master ? OP_F_STR : OP_F_NULL };
	out->f[3] = (struct op_field){ "status", i->status ? "true" : "false", OP_F_BOOL };
	out->f[4] = (struct op_field){ "setting", i->setting ? "true" : "false", OP_F_BOOL };
	out->f[5] = (struct op_field){ "state", i->state, OP_F_STR };
	out->f[6] = (struct op_field){ "license", i->number ? out->num : NULL,
				       i->number ? OP_F_INT : OP_F_NULL };
	out->f[7] = (struct op_field){ "transfer", *i->transfer ? i->transfer : NULL,
				       *i->transfer ? OP_F_STR : OP_F_NULL };
}

/* The fields as one JSON object, for a report member that lists options. */
static void
fields_json(const struct op_field *f, int n, struct strbuf *j)
{
	sb_adds(j, "{");
	for (int k = 0; k < n; k++) {
		sb_adds(j, k ? ", " : "");
		json_add_str(j, f[k].name);
		sb_adds(j, ": ");
		if (f[k].type == OP_F_NULL || f[k].value == NULL)
			sb_adds(j, "null");
		else if (f[k].type == OP_F_STR)
			json_add_str(j, f[k].value);
		else
			sb_adds(j, f[k].value);
	}
	sb_adds(j, "}");
}

/* --- install ---------------------------------------------------------------- */

/* A key is not a secret, but it was never required on the command line:
 * without one (or with '-') it is asked, with echo. */
static int
run_install(struct op_ctx *c, struct svc_err *err)
{
	const char *arg = op_arg(c, "key");
	struct strbuf key = STRBUF_INIT;
	struct license_installed res;
	int rc;

	if (arg && *arg && strcmp(arg, "-") != 0)
		sb_adds(&key, arg);
	else if (op_ask(c, "License key (24 characters)", false, false, &key, err) != 0) {
		sb_release(&key);
		return -1;
	}
	rc = license_install(c->dev, sb_str(&key), &res, err);
	sb_release(&key);
	if (rc != 0)
		return -1;
	op_linef(c, "%s: license %06u %s (%s)", res.opt->name, (unsigned)res.number,
		 res.already ? "was already installed" : "installed", res.opt->description);
	return 0;
}

/* --- SPEC LIST ----------------------------------------------------------------- */

static int
options_json(void *arg, const struct license_info *i)
{
	struct strbuf *j = arg;
	struct info_fields f = { 0 };

	info_fields(i, &f);
	sb_adds(j, j->len > 1 ? ", " : "");
	fields_json(f.f, INFO_FIELDS, j);
	return 0;
}

/* --json: the device, every option as 'license list --json' gives it, and
 * where the device license key came from. */
static int
report_json(struct op_ctx *c, struct svc_err *err)
{
	const struct store_identity *id = device_identity(c->dev);
	struct strbuf opts = STRBUF_INIT, src = STRBUF_INIT;
	int rc = -1;

	sb_adds(&opts, "[");
	if (license_each(c->dev, options_json, &opts, err) != 0 ||
	    license_key_source(c->dev, &src, err) != 0)
		goto out;
	sb_adds(&opts, "]");
	struct op_field f[] = {
		{ "model", id->model, OP_F_STR },
		{ "serial", id->serial, OP_F_STR },
		{ "options", opts.buf, OP_F_JSON },
		{ "device_key", src.buf, OP_F_STR },
	};
	rc = op_emit(c, &(struct op_row){ .fields = f, .nfields = 4 });
out:
	sb_release(&opts);
	sb_release(&src);
	return rc;
}

static int
run_report(struct op_ctx *c, struct svc_err *err)
{
	if (c->json)
		return report_json(c, err);
	return license_report(c->dev, to_line, c, err);
}

/* --- the list ------------------------------------------------------------------ */

static int
list_row(void *arg, const struct license_info *i)
{
	struct op_ctx *c = arg;
	struct info_fields f = { 0 };
	char num[16] = "", st[8], text[160], value[96];

	info_fields(i, &f);
	snprintf(st, sizeof st, "%s/%s", i->status ? "ON" : "OFF", i->setting ? "ON" : "OFF");
	if (i->number)
		snprintf(num, sizeof num, "%06lld", (long long)i->number);
	snprintf(text, sizeof text, "%-6s  %-7s  %-11s  %-6s  %s", i->opt->name, st, i->state,
		 *num ? num : "-", *i->transfer ? i->transfer : "-");
	snprintf(value, sizeof value, "%-7s  %-11s  %s", st, i->state, *num ? num : "-");
	return op_emit(c, &(struct op_row){ .id = i->opt->name,
					    .label = i->opt->name,
					    .value = value,
					    .text = text,
					    .fields = f.f,
					    .nfields = INFO_FIELDS });
}

static int
run_list(struct op_ctx *c, struct svc_err *err)
{
	if (!c->json)
		op_linef(c, "%-6s  %-7s  %-11s  %-6s  %s", "OPTION", "STATUS", "STATE", "NUMBER",
			 "TRANSFER NUMBER");
	return license_each(c->dev, list_row, c, err);
}

/* #LMS > INACTIVE: ST-<option> 0/1 and TR-<option> the transfer number. */
static int
inactive_rows(void *arg, const struct license_info *i)
{
	struct op_ctx *c = arg;
	const char *st = i->transferred ? "1" : "0";
	char label[16], text[64];

	snprintf(label, sizeof label, "ST-%s", i->opt->name);
	snprintf(text, sizeof text, "%-9s %s", label, st);
	struct op_field fs[] = {
		{ "option", i->opt->name, OP_F_STR },
		{ "name", label, OP_F_STR },
		{ "value", st, OP_F_INT },
	};
	if (op_emit(c, &(struct op_row){ i->opt->name, label, st, text, fs, 3 }) != 0)
		return -1;
	snprintf(label, sizeof label, "TR-%s", i->opt->name);
	snprintf(text, sizeof text, "%-9s %s", label, *i->transfer ? i->transfer : "-");
	struct op_field ft[] = {
		{ "option", i->opt->name, OP_F_STR },
		{ "name", label, OP_F_STR },
		{ "value", *i->transfer ? i->transfer : NULL, *i->transfer ? OP_F_STR : OP_F_NULL },
	};
	return op_emit(c, &(struct op_row){ i->opt->name, label, i->transfer, text, ft, 3 });
}

static int
run_inactive(struct op_ctx *c, struct svc_err *err)
{
	return license_each(c->dev, inactive_rows, c, err);
}

/* --- invalidate, erase ------------------------------------------------------------ */

/*
 * Confirms (only what will change: asking again for the number of an
 * option already transferred is free), then invalidates or erases. A
 * refusal says which option is still enabled; when the person could not
 * see the question (a script without --yes), the message keeps it.
 */
static int
end_license(struct op_ctx *c, bool transfer, struct svc_err *err)
{
	const struct lic_option *opt = license_option(op_arg(c, "option"), err);
	struct strbuf q = STRBUF_INIT;
	struct license_info info;
	char tr[LIC_TEXT];
	bool already;
	int rc = -1;

	if (opt == NULL || license_info(c->dev, opt, &info, err) != 0 ||
	    license_question(c->dev, opt, transfer, &q, err) != 0)
		goto out;
	if (info.status && op_confirm(c, q.buf, opt->name, err) != 0) {
		if (strstr(err->msg, q.buf) == NULL)
			svc_errf(err, err->code ? err->code : EX_USAGE,
				 "not confirmed: %s is still enabled", opt->name);
		goto out;
	}
	if (license_invalidate(c->dev, opt, transfer, tr, &already, err) != 0)
		goto out;
	if (transfer) {
		op_notef(c, "%s %s; license transfer number (ST-%s = 1, TR-%s):", opt->name,
			 already ? "was already invalidated" : "invalidated for transfer",
			 opt->name, opt->name);
		op_line(c, tr);
	} else {
		op_notef(c, "%s %s", opt->name, already ? "was already erased" : "license erased");
	}
	rc = 0;
out:
	sb_release(&q);
	return rc;
}

static int
run_invalidate(struct op_ctx *c, struct svc_err *err)
{
	return end_license(c, true, err);
}

static int
run_erase(struct op_ctx *c, struct svc_err *err)
{
	return end_license(c, false, err);
}

static int
run_transfer_number(struct op_ctx *c, struct svc_err *err)
{
	const struct lic_option *opt = license_option(op_arg(c, "option"), err);
	struct license_info info;

	if (opt == NULL || license_info(c->dev, opt, &info, err) != 0)
		return -1;
	if (!info.transferred)
		return svc_errf(err, EX_DATAERR, "%s has no transfer number: its license is %s",
				opt->name, info.state);
	if (!c->json) {
		op_line(c, info.transfer);
		return 0;
	}
	struct op_field f[] = {
		{ "option", opt->name, OP_F_STR },
		{ "transfer", info.transfer, OP_F_STR },
	};
	return op_emit(c, &(struct op_row){ .fields = f, .nfields = 2 });
}

/* --- provision ------------------------------------------------------------------ */

static int
run_provision(struct op_ctx *c, struct svc_err *err)
{
	if (license_provision(c->dev, op_arg(c, "file"), err) != 0)
		return -1;
	op_linef(c, "device license key: factory (serial %s)", device_identity(c->dev)->serial);
	return 0;
}

/* --- online: the LMS over HTTPS ------------------------------------------------- */

/* The engineer's LMS account: SVCMODE_LMS_USER and SVCMODE_LMS_PASSWORD,
 * else asked (the password with echo off). Never from argv. */
static int
lms_account(struct op_ctx *c, struct license_lms *lms, struct strbuf *user, struct strbuf *pw,
	    struct svc_err *err)
{
	const char *u = getenv("SVCMODE_LMS_USER"), *p = getenv("SVCMODE_LMS_PASSWORD");

	if (u && *u)
		sb_adds(user, u);
	else if (op_ask(c, "LMS account", false, false, user, err) != 0)
		return -1;
	if (p)
		sb_adds(pw, p);
	else if (op_ask(c, "LMS password", true, false, pw, err) != 0)
		return -1;
	lms->url = op_arg(c, "lms");
	lms->user = sb_str(user);
	lms->password = sb_str(pw);
	return 0;
}

static void
account_release(struct strbuf *user, struct strbuf *pw)
{
	if (pw->buf)
		OPENSSL_cleanse(pw->buf, pw->len);
	sb_release(pw);
	sb_release(user);
}

static int
run_redeem(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf user = STRBUF_INIT, pw = STRBUF_INIT;
	struct license_installed res;
	struct license_lms lms;
	int rc = -1;

	if (lms_account(c, &lms, &user, &pw, err) == 0 &&
	    license_redeem(c->dev, &lms, op_arg(c, "lan"), &res, err) == 0) {
		op_linef(c, "%s: license %06u %s (%s)", res.opt->name, (unsigned)res.number,
			 res.already ? "was already installed" : "installed", res.opt->description);
		rc = 0;
	}
	account_release(&user, &pw);
	return rc;
}

static int
run_transfer(struct op_ctx *c, struct svc_err *err)
{
	const struct lic_option *opt = license_option(op_arg(c, "option"), err);
	const char *to = op_arg(c, "to");
	struct strbuf user = STRBUF_INIT, pw = STRBUF_INIT, q = STRBUF_INIT;
	struct license_info info;
	struct license_lms lms;
	char tr[LIC_TEXT], key[LIC_TEXT];
	int rc = -1;

	if (opt == NULL || license_info(c->dev, opt, &info, err) != 0 ||
	    license_question(c->dev, opt, true, &q, err) != 0)
		goto out;
	sb_addf(&q, " Its key goes to %s.", to);
	if (info.status && op_confirm(c, q.buf, opt->name, err) != 0)
		goto out;
	if (lms_account(c, &lms, &user, &pw, err) != 0 ||
	    license_transfer(c->dev, &lms, opt, to, tr, key, err) != 0)
		goto out;
	op_notef(c, "%s invalidated here (transfer number %s); the key for %s:", opt->name, tr, to);
	op_line(c, key);
	rc = 0;
out:
	account_release(&user, &pw);
	sb_release(&q);
	return rc;
}

static void
check_row(void *arg, const char *option, const char *here, const char *lms, bool disabled)
{
	struct op_ctx *c = arg;
	char text[96];

	snprintf(text, sizeof text, "%-6s  %-11s  %-11s  %s", option, here, lms,
		 disabled ? "disabled: transferred at the LMS" : "-");
	struct op_field f[] = {
		{ "option", option, OP_F_STR },
		{ "state", here, OP_F_STR },
		{ "lms", lms, OP_F_STR },
		{ "disabled", disabled ? "true" : "false", OP_F_BOOL },
	};
	op_emit(c, &(struct op_row){ .id = option,
				     .label = option,
				     .value = lms,
				     .text = text,
				     .fields = f,
				     .nfields = 4 });
}

static int
run_check(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf user = STRBUF_INIT, pw = STRBUF_INIT;
	struct license_lms lms;
	int rc = -1;

	if (lms_account(c, &lms, &user, &pw, err) != 0)
		goto out;
	if (!c->json)
		op_linef(c, "%-6s  %-11s  %-11s  %s", "OPTION", "HERE", "AT THE LMS", "ACTION");
	rc = license_check(c->dev, &lms, check_row, c, err);
out:
	account_release(&user, &pw);
	return rc;
}

/* --- the table -------------------------------------------------------------------- */

/* The options this device offers (license_option), in the scheme's order;
 * the unit test holds this list against the scheme's table. */
#define LICENSE_OPTIONS "SEND|SPDF|PCL|PS|ERDS|EAM|ELA|BRDIM"

static const struct op_param p_key[] = {
	{ .name = "key",
	  .type = OP_P_TEXT,
	  .flags = OP_OPT | OP_NOASK,
	  .prompt = "the license key from the LMS; without it (or '-'), asked" },
	{ .name = NULL },
};

static const struct op_param p_option[] = {
	{ .name = "option",
	  .type = OP_P_WORD,
	  .flags = OP_ROWID,
	  .choices = LICENSE_OPTIONS,
	  .prompt = "Option" },
	{ .name = NULL },
};

static const struct op_param p_keyfile[] = {
	{ .name = "file",
	  .type = OP_P_FILE,
	  .prompt = "the device key file from the LMS (svcmode-lms device-key), mode 0600" },
	{ .name = NULL },
};

#define P_LMS                                                                                      \
	{                                                                                          \
		.name = "lms", .type = OP_P_TEXT, .flags = OP_DASH,                                \
		.prompt = "the LMS's address, https://HOST[:PORT]"                                 \
	}

static const struct op_param p_redeem[] = {
	{ .name = "lan", .type = OP_P_TEXT, .prompt = "the License Access Number from sales" },
	P_LMS,
	{ .name = NULL },
};

static const struct op_param p_transfer[] = {
	{ .name = "option",
	  .type = OP_P_WORD,
	  .flags = OP_ROWID,
	  .choices = LICENSE_OPTIONS,
	  .prompt = "Option" },
	{ .name = "to",
	  .type = OP_P_TEXT,
	  .flags = OP_DASH,
	  .prompt = "the serial number of the device the option goes to" },
	P_LMS,
	{ .name = NULL },
};

static const struct op_param p_check[] = {
	P_LMS,
	{ .name = NULL },
};

#define LMS_MORE                                                                                   \
	"HTTPS only; the LMS's certificate must verify against the system's CA\n"                  \
	"bundle or a CA imported with 'svcmode cert import-ca'. The engineer's LMS\n"              \
	"account comes from SVCMODE_LMS_USER and SVCMODE_LMS_PASSWORD, or is asked\n"              \
	"(never on the command line)."

#define END_MORE                                                                                   \
	"Invalidating a master also disables its active slaves (SPDF is the slave\n"               \
	"of SEND); the confirmation names them. On a terminal it asks you to type\n"               \
	"the option; scripts pass --yes. An option already ended needs no\n"                       \
	"confirmation: asking again shows the same result."

const struct op ops_license[] = {
	{
		.name = "license.install",
		.words = "license install",
		.help = "Enter a license key from the LMS",
		.more = "Keys: 24 characters in groups of 4 (dashes and spaces optional, any\n"
			"case); a mistyped group is named. Without KEY, or with '-', the key\n"
			"is read from the terminal or one line of stdin. Keys come from\n"
			"svcmode-lms.",
		.kind = OP_RUN,
		.doors = DOOR_SERVICE1,
		.params = p_key,
		.run = run_install,
	},
	{
		.name = "license.report",
		.words = "license report",
		.help = "#REPORT > SPEC LIST: options, license and transfer numbers",
		.more = "One 'OPTION STATUS/SETTING' line per option (SEND ON/ON), then every\n"
			"license with its state and transfer number, and where the device\n"
			"license key came from.",
		.kind = OP_REPORT,
		.doors = DOOR_SERVICE1,
		.run = run_report,
	},
	{
		.name = "license.list",
		.words = "license list",
		.help = "The options with their state, license and transfer numbers",
		.kind = OP_LIST,
		.doors = DOOR_SERVICE1,
		.row_ops = "license.transfer_number",
		.run = run_list,
	},
	{
		.name = "license.inactive",
		.words = "license inactive",
		.help = "#LMS > INACTIVE: ST-<option> and TR-<option>",
		.more = "ST-<option> is 1 once the option was invalidated for transfer;\n"
			"TR-<option> is its license transfer number.",
		.kind = OP_LIST,
		.doors = DOOR_SERVICE2,
		.row_ops = "license.invalidate",
		.run = run_inactive,
	},
	{
		.name = "license.invalidate",
		.words = "license invalidate",
		.help = "Invalidate an option for transfer and show its 24-digit transfer number",
		.more = END_MORE,
		.kind = OP_RUN,
		.doors = DOOR_SERVICE2,
		.confirm = OP_CONFIRM_WORD,
		.params = p_option,
		.run = run_invalidate,
	},
	{
		.name = "license.erase",
		.words = "license erase",
		.help = "#LMS > ERASE: invalidate an option without transfer",
		.more = END_MORE,
		.kind = OP_RUN,
		.doors = DOOR_SERVICE2,
		.confirm = OP_CONFIRM_WORD,
		.params = p_option,
		.run = run_erase,
	},
	{
		.name = "license.transfer_number",
		.words = "license transfer-number",
		.help = "Show the transfer number of an invalidated option again",
		.kind = OP_REPORT,
		.doors = DOOR_SERVICE1,
		.params = p_option,
		.run = run_transfer_number,
	},
	{
		.name = "license.provision",
		.words = "license provision",
		.help = "Give the device its factory license key (from a device key file)",
		.more = "A store made without --device-key-file has the demo key (a source\n"
			"build) or none (the package: licensing is refused until this). FILE is\n"
			"'SERIAL HEX64' from svcmode-lms device-key for this serial, mode 0600.\n"
			"Refused while an option is enabled under the demo key (erase it first)\n"
			"and when the device has its factory key already. Audited.",
		.kind = OP_RUN,
		.doors = DOOR_SERVICE2,
		.params = p_keyfile,
		.run = run_provision,
	},
	{
		.name = "license.redeem",
		.words = "license redeem",
		.help = "Redeem a License Access Number at the LMS and install its key",
		.more = LMS_MORE,
		.kind = OP_RUN,
		.doors = DOOR_SERVICE1,
		.params = p_redeem,
		.run = run_redeem,
	},
	{
		.name = "license.transfer",
		.words = "license transfer",
		.help = "Move an option to another device online: invalidate here, get its key",
		.more = "Invalidates OPTION here (as 'license invalidate', confirmed the same\n"
			"way), sends the transfer number to the LMS and prints the destination's\n"
			"key. If the LMS cannot be reached after the invalidation, the number is\n"
			"kept: run the same command again, or carry the number by hand.\n" LMS_MORE,
		.kind = OP_RUN,
		.doors = DOOR_SERVICE2,
		.confirm = OP_CONFIRM_WORD,
		.params = p_transfer,
		.run = run_transfer,
	},
	{
		.name = "license.check",
		.words = "license check",
		.help = "Check the licenses at the LMS; disable those transferred elsewhere",
		.more = "Asks the LMS for this serial's licenses and disables, audited, every\n"
			"option enabled here that the LMS knows was transferred away.\n" LMS_MORE,
		.kind = OP_LIST,
		.doors = DOOR_SERVICE1,
		.params = p_check,
		.run = run_check,
	},
	{ .name = NULL },
};
