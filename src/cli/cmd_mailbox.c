/* box list | set | store | export | delete, and Auto Erase at start. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "mailbox/mailbox.h"
#include "util/json.h"

/*
 * The password that opens BOX for this command: none needed (no password,
 * or the session already has System Manager rights), $SVCMODE_BOX_PASSWORD,
 * System Manager credentials from the environment, or a prompt. *PW is NULL
 * when none is offered; the module then refuses with EX_NOPERM.
 */
static int
box_password(struct cli *cli, int box, struct strbuf *buf, const char **pw, struct svc_err *err)
{
	struct mailbox_inbox in;
	const char *env = getenv("SVCMODE_BOX_PASSWORD");
	char what[48], prompt[48];

	*pw = NULL;
	if (mailbox_inbox_get(cli->dev, box, &in, err) != 0)
		return -1;
	if (!in.protected_ || device_level(cli->dev) >= LEVEL_MANAGER)
		return 0;
	if (env && *env) {
		*pw = env;
		return 0;
	}
	snprintf(what, sizeof what, "opening inbox %02d", box);
	if (getenv("SVCMODE_MANAGER_ID") || getenv("SVCMODE_SERVICE_CODE"))
		return device_require(cli->dev, LEVEL_MANAGER, what, err);
	if (!isatty(STDIN_FILENO)) {
		/* Refused (and audited) by the module; the hint is the CLI's. */
		if (mailbox_unlock(cli->dev, box, NULL, err) == 0)
			return 0;
		return svc_errf(err, EX_NOPERM,
				"inbox %02d is protected by a password: set SVCMODE_BOX_PASSWORD "
				"(or SVCMODE_MANAGER_ID and SVCMODE_MANAGER_PIN)",
				box);
	}
	snprintf(prompt, sizeof prompt, "Password of inbox %02d", box);
	if (cli_read_secret(prompt, false, buf, err) != 0)
		return -1;
	*pw = sb_str(buf);
	return 0;
}

static int
parse_doc(const char *s, int *no, struct svc_err *err)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s < '0' || *s > '9' || *end || v < 1 || v > 9999)
		return svc_errf(err, EX_USAGE, "invalid document number '%s' (0001-9999)", s);
	*no = (int)v;
	return 0;
}

static void
fmt_time(int64_t t, char *buf, size_t cap)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct list_ctx {
	struct cli *cli;
	struct strbuf *j;
	int n;
};

static int
inbox_cb(void *arg, const struct mailbox_inbox *in)
{
	struct list_ctx *c = arg;
	char period[16];

	mailbox_format_period(in->auto_erase, period, sizeof period);
	if (c->j) {
		sb_adds(c->j, c->n++ ? ",\n  " : "[\n  ");
		sb_addf(c->j, "{\"box\": \"%02d\", \"name\": ", in->box);
		json_add_str(c->j, in->name);
		sb_addf(c->j,
			", \"password\": %s, \"auto_erase\": \"%s\", \"print_on_store\": %s,"
			" \"documents\": %lld, \"bytes\": %lld}",
			in->protected_ ? "true" : "false", period,
			in->print_on_store ? "true" : "false", (long long)in->docs,
			(long long)in->bytes);
	} else {
		if (c->n++ == 0)
			fprintf(c->cli->out, "%-3s %-24s %5s %12s %-3s %-10s %s\n", "NO", "NAME",
				"DOCS", "BYTES", "PW", "AUTO-ERASE", "PRINT");
		fprintf(c->cli->out, "%02d  %-24s %5lld %12lld %-3s %-10s %s\n", in->box, in->name,
			(long long)in->docs, (long long)in->bytes, in->protected_ ? "yes" : "no",
			period, in->print_on_store ? "ON" : "OFF");
	}
	return 0;
}

static int
doc_cb(void *arg, const struct mailbox_doc *d)
{
	struct list_ctx *c = arg;
	char at[32];

	fmt_time(d->stored_at, at, sizeof at);
	if (c->j) {
		sb_adds(c->j, c->n++ ? ",\n  " : "[\n  ");
		sb_addf(c->j, "{\"box\": \"%02d\", \"doc\": \"%04d\", \"name\": ", d->box, d->no);
		json_add_str(c->j, d->name);
		sb_addf(c->j,
			", \"stored\": \"%s\", \"pages\": %d, \"size\": %lld, \"sha256\": \"%s\"}",
			at, d->pages, (long long)d->size, d->sha256);
	} else {
		if (c->n++ == 0)
			fprintf(c->cli->out, "%-4s %-20s %5s %12s  %s\n", "DOC", "STORED", "PAGES",
				"BYTES", "NAME");
		fprintf(c->cli->out, "%04d %-20s %5d %12lld  %s\n", d->no, at, d->pages,
			(long long)d->size, d->name);
	}
	return 0;
}

static int
box_list(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *json = NULL, *pw;
	struct cli_opt opts[] = { { "json", &json }, { NULL, NULL } };
	struct strbuf j = STRBUF_INIT, secret = STRBUF_INIT;
	struct list_ctx c = { cli, NULL, 0 };
	int n = cli_parse("box list", argc, argv, opts, err), box, rc = -1;

	if (n < 0 || n > 1)
		return n < 0 ? -1 : cli_usage("box", err);
	if (json)
		c.j = &j;
	if (n == 0) {
		rc = mailbox_inbox_each(cli->dev, inbox_cb, &c, err);
	} else if (mailbox_parse_box(argv[0], &box, err) == 0 &&
		   box_password(cli, box, &secret, &pw, err) == 0) {
		rc = mailbox_doc_each(cli->dev, box, pw, doc_cb, &c, err);
		if (rc == 0 && !json && c.n == 0)
			fprintf(cli->msg, "svcmode: inbox %02d holds no documents\n", box);
	}
	if (rc == 0 && json)
		fprintf(cli->out, "%s\n]\n", c.n ? j.buf : "[");
	sb_release(&j);
	sb_release(&secret);
	return rc;
}

static int
box_set(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf secret = STRBUF_INIT, value = STRBUF_INIT;
	const char *pw;
	int n = cli_parse("box set", argc, argv, NULL, err), box, rc = -1;

	if (n < 0)
		return -1;
	if (n < 2 || n > 3)
		return cli_usage("box", err);
	if (mailbox_parse_box(argv[0], &box, err) != 0)
		return -1;
	if (strcmp(argv[1], "password") == 0) {
		if (n == 3)
			return svc_errf(err, EX_USAGE,
					"refusing a password on the command line, where others can "
					"see it: give it on stdin (printf '%%s' 1234 | svcmode box set "
					"%02d password) or at the prompt; an empty line removes it",
					box);
	} else if (n != 3) {
		return cli_usage("box", err);
	}
	if (box_password(cli, box, &secret, &pw, err) != 0)
		goto out;
	if (n == 2) {
		char prompt[48];
		snprintf(prompt, sizeof prompt, "New password of inbox %02d", box);
		if (cli_read_secret(prompt, true, &value, err) != 0)
			goto out;
	}
	rc = mailbox_set(cli->dev, box, pw, argv[1], n == 3 ? argv[2] : sb_str(&value), err);
out:
	sb_release(&secret);
	sb_release(&value);
	return rc;
}

static int
box_store(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *name = NULL, *pw;
	struct cli_opt opts[] = { { "name=", &name }, { NULL, NULL } };
	struct strbuf secret = STRBUF_INIT;
	int n = cli_parse("box store", argc, argv, opts, err), box, no, rc = -1;

	if (n < 0)
		return -1;
	if (n < 2 || (name && n != 2))
		return n >= 2 ? svc_errf(err, EX_USAGE, "--name needs exactly one FILE")
			      : cli_usage("box", err);
	if (mailbox_parse_box(argv[0], &box, err) != 0 ||
	    box_password(cli, box, &secret, &pw, err) != 0)
		goto out;
	for (int i = 1; i < n; i++) {
		if (mailbox_store_file(cli->dev, box, pw, argv[i], name, &no, err) != 0)
			goto out;
		fprintf(cli->out, "%02d/%04d %s\n", box, no, argv[i]);
	}
	rc = 0;
out:
	sb_release(&secret);
	return rc;
}

static int
box_export(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf secret = STRBUF_INIT;
	const char *pw;
	int n = cli_parse("box export", argc, argv, NULL, err), box, no, rc = -1;

	if (n < 0 || n != 3)
		return n < 0 ? -1 : cli_usage("box", err);
	if (mailbox_parse_box(argv[0], &box, err) == 0 && parse_doc(argv[1], &no, err) == 0 &&
	    box_password(cli, box, &secret, &pw, err) == 0)
		rc = mailbox_export(cli->dev, box, pw, no, argv[2], err);
	sb_release(&secret);
	return rc;
}

static int
box_delete(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf secret = STRBUF_INIT;
	const char *pw;
	int n = cli_parse("box delete", argc, argv, NULL, err), box, no, rc = -1;

	if (n < 0 || n != 2)
		return n < 0 ? -1 : cli_usage("box", err);
	if (mailbox_parse_box(argv[0], &box, err) == 0 && parse_doc(argv[1], &no, err) == 0 &&
	    box_password(cli, box, &secret, &pw, err) == 0)
		rc = mailbox_delete(cli->dev, box, pw, no, err);
	sb_release(&secret);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct cli *, int, char **, struct svc_err *);
} box_cmds[] = {
	{ "list", box_list },	  { "set", box_set },	    { "store", box_store },
	{ "export", box_export }, { "delete", box_delete },
};

static int
cmd_box(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (argc < 2)
		return cli_usage("box", err);
	for (size_t i = 0; i < sizeof box_cmds / sizeof box_cmds[0]; i++)
		if (strcmp(argv[1], box_cmds[i].name) == 0)
			return box_cmds[i].run(cli, argc - 1, argv + 1, err);
	return svc_errf(err, EX_USAGE, "unknown box command '%s' (list, set, store, export, delete)",
			argv[1]);
}

const struct cli_cmd cli_cmds_mailbox[] = {
	{ "box", "list|set|store|export|delete ...", "Mail Box: User Inboxes 00-99",
	  "  box list [NN] [--json]       the 100 inboxes, or the documents of inbox NN\n"
	  "  box set NN name|auto-erase|print-on-store VALUE\n"
	  "  box set NN password          the new password from stdin or the prompt\n"
	  "                               (1-7 digits, not all zeros; empty removes it)\n"
	  "  box store NN FILE... [--name NAME]   store files as documents\n"
	  "  box export NN DOC FILE|-     copy a document out, checking its SHA-256\n"
	  "  box delete NN DOC            overwrite and remove a document\n"
	  "\n"
	  "Auto Erase takes OFF or a period: 30m, 12h, 3d (at most 365d). Expired\n"
	  "documents are erased when svcmode starts and before a backup, with the\n"
	  "method of system.init.erase_method.\n"
	  "\n"
	  "A password-protected inbox opens with its password from\n"
	  "SVCMODE_BOX_PASSWORD or the prompt, or with System Manager rights\n"
	  "(SVCMODE_MANAGER_ID and SVCMODE_MANAGER_PIN). Three wrong passwords lock\n"
	  "the inbox like the System PIN.",
	  CLI_STORE, cmd_box },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};

static int
startup_mailbox(struct cli *cli, struct svc_err *err)
{
	int erased = 0;

	if (mailbox_cleanup(cli->dev, err) != 0 ||
	    mailbox_auto_erase(cli->dev, (int64_t)time(NULL), &erased, err) != 0) {
		/* Not fatal: every other command must still work. */
		fprintf(cli->msg, "svcmode: warning: Auto Erase: %s\n", err->msg);
		svc_err_clear(err);
		return 0;
	}
	if (erased)
		fprintf(cli->msg, "svcmode: Auto Erase removed %d expired document%s\n", erased,
			erased == 1 ? "" : "s");
	return 0;
}

const cli_startup_fn cli_startup_mailbox = startup_mailbox;
