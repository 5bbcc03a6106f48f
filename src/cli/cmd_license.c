/* The license group: install, report, list, invalidate, erase, transfer-number. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "license/license.h"
#include "util/json.h"

struct sub {
	const char *name;
	int (*run)(struct cli *cli, int argc, char **argv, struct svc_err *err);
};

static void
print_line(void *arg, const char *line)
{
	struct cli *cli = arg;

	fprintf(cli->out, "%s\n", line);
}

/* Breaks TEXT into lines of at most 78 columns, for an 80-column console. */
static void
wrap(const char *text, struct strbuf *out)
{
	size_t col = 0;

	sb_reset(out);
	while (*text) {
		size_t w = strcspn(text, " ");
		if (col && col + 1 + w > 78) {
			sb_addc(out, '\n');
			col = 0;
		} else if (col) {
			sb_addc(out, ' ');
			col++;
		}
		sb_add(out, text, w);
		col += w;
		text += w;
		text += strspn(text, " ");
	}
}

/* Reads a line from the terminal with echo (a question, not a secret). */
static int
tty_answer(const char *question, struct strbuf *out, struct svc_err *err)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	char c;

	if (fd < 0)
		return svc_errf(err, EX_IOERR, "cannot open the terminal to confirm");
	if (write(fd, question, strlen(question)) < 0) {
		close(fd);
		return svc_errf(err, EX_IOERR, "cannot write to the terminal");
	}
	sb_reset(out);
	sb_adds(out, "");
	while (read(fd, &c, 1) == 1 && c != '\n')
		sb_addc(out, c);
	close(fd);
	return 0;
}

static int
lic_install(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf key = STRBUF_INIT;
	struct license_installed res;
	int n = cli_parse("license", argc, argv, NULL, err), rc;

	if (n < 0 || n > 1)
		return n < 0 ? -1 : cli_usage("license", err);
	if (n == 1 && strcmp(argv[0], "-") != 0)
		sb_adds(&key, argv[0]);
	else if (device_require(cli->dev, LEVEL_SERVICE1, "installing a license", err) != 0 ||
		 cli_read_secret("license key", false, &key, err) != 0)
		return -1;
	rc = license_install(cli->dev, sb_str(&key), &res, err);
	sb_release(&key);
	if (rc != 0)
		return -1;
	fprintf(cli->out, "%s: license %06u %s (%s)\n", res.opt->name, (unsigned)res.number,
		res.already ? "was already installed" : "installed", res.opt->description);
	return 0;
}

static int
lic_report(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	int n = cli_parse("license", argc, argv, NULL, err);

	if (n != 0)
		return n < 0 ? -1 : cli_usage("license", err);
	return license_report(cli->dev, print_line, cli, err);
}

struct list_out {
	struct cli *cli;
	bool json;
	int n;
};

static int
list_one(void *arg, const struct license_info *i)
{
	struct list_out *lo = arg;
	struct strbuf j = STRBUF_INIT;
	char num[16] = "", st[8];

	snprintf(st, sizeof st, "%s/%s", i->status ? "ON" : "OFF", i->setting ? "ON" : "OFF");
	if (i->number)
		snprintf(num, sizeof num, "%06lld", (long long)i->number);
	if (!lo->json) {
		fprintf(lo->cli->out, "%-6s  %-7s  %-11s  %-6s  %s\n", i->opt->name, st, i->state,
			*num ? num : "-", *i->transfer ? i->transfer : "-");
		return 0;
	}
	sb_addf(&j, "%s  {\"option\": ", lo->n++ ? ",\n" : "");
	json_add_str(&j, i->opt->name);
	sb_adds(&j, ", \"description\": ");
	json_add_str(&j, i->opt->description);
	sb_adds(&j, ", \"master\": ");
	if (i->opt->master)
		json_add_str(&j, i->opt->master);
	else
		sb_adds(&j, "null");
	sb_addf(&j, ", \"status\": %s, \"setting\": %s, \"state\": ", i->status ? "true" : "false",
		i->setting ? "true" : "false");
	json_add_str(&j, i->state);
	if (i->number)
		sb_addf(&j, ", \"license\": %lld", (long long)i->number);
	else
		sb_adds(&j, ", \"license\": null");
	sb_adds(&j, ", \"transfer\": ");
	if (*i->transfer)
		json_add_str(&j, i->transfer);
	else
		sb_adds(&j, "null");
	fprintf(lo->cli->out, "%s}", j.buf);
	sb_release(&j);
	return 0;
}

static int
lic_list(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *json = NULL;
	struct cli_opt opts[] = { { "json", &json }, { NULL, NULL } };
	struct list_out lo = { cli, false, 0 };
	int n = cli_parse("license", argc, argv, opts, err), rc;

	if (n != 0)
		return n < 0 ? -1 : cli_usage("license", err);
	if (device_require(cli->dev, LEVEL_SERVICE1, "listing licenses", err) != 0)
		return -1;
	lo.json = json != NULL;
	if (lo.json)
		fputs("[\n", cli->out);
	else
		fprintf(cli->out, "%-6s  %-7s  %-11s  %-6s  %s\n", "OPTION", "STATUS", "STATE",
			"NUMBER", "TRANSFER NUMBER");
	rc = license_each(cli->dev, list_one, &lo, err);
	if (lo.json)
		fputs(lo.n ? "\n]\n" : "]\n", cli->out);
	return rc;
}

static int
invalidate(struct cli *cli, int argc, char **argv, bool transfer, struct svc_err *err)
{
	const char *yes = NULL;
	struct cli_opt opts[] = { { "yes", &yes }, { NULL, NULL } };
	struct strbuf q = STRBUF_INIT, answer = STRBUF_INIT;
	const struct lic_option *opt;
	struct license_info info;
	char tr[LIC_TEXT];
	bool already;
	int n = cli_parse("license", argc, argv, opts, err), rc = -1;

	if (n != 1)
		return n < 0 ? -1 : cli_usage("license", err);
	if ((opt = license_option(argv[0], err)) == NULL)
		return -1;
	if (device_require(cli->dev, LEVEL_SERVICE2,
			   transfer ? "invalidating a license for transfer" : "erasing a license",
			   err) != 0 ||
	    license_info(cli->dev, opt, &info, err) != 0 ||
	    license_question(cli->dev, opt, transfer, &q, err) != 0)
		goto out;
	/* Confirm only what will change: asking again for the number is free. */
	if (info.status && yes == NULL) {
		if (!isatty(STDIN_FILENO)) {
			svc_errf(err, EX_USAGE,
				 "%s Add --yes to confirm from a script; nothing "
				 "changed",
				 q.buf);
			goto out;
		}
		wrap(q.buf, &answer);
		sb_reset(&q);
		sb_addf(&q, "%s\nType %s to confirm: ", answer.buf, opt->name);
		if (tty_answer(q.buf, &answer, err) != 0)
			goto out;
		if (strcmp(sb_str(&answer), opt->name) != 0) {
			svc_errf(err, EX_USAGE, "not confirmed: %s is still enabled", opt->name);
			goto out;
		}
	}
	if (license_invalidate(cli->dev, opt, transfer, tr, &already, err) != 0)
		goto out;
	if (transfer) {
		fprintf(cli->out, "%s\n", tr);
		fprintf(cli->msg,
			"svcmode: %s %s; license transfer number (ST-%s = 1, TR-%s):\n"
			"  %s\n",
			opt->name, already ? "was already invalidated" : "invalidated for transfer",
			opt->name, opt->name, tr);
	} else {
		fprintf(cli->msg, "svcmode: %s %s\n", opt->name,
			already ? "was already erased" : "license erased");
	}
	rc = 0;
out:
	sb_release(&q);
	sb_release(&answer);
	return rc;
}

static int
lic_invalidate(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	return invalidate(cli, argc, argv, true, err);
}

static int
lic_erase(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	return invalidate(cli, argc, argv, false, err);
}

static int
lic_transfer_number(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct lic_option *opt;
	struct license_info info;
	int n = cli_parse("license", argc, argv, NULL, err);

	if (n != 1)
		return n < 0 ? -1 : cli_usage("license", err);
	if ((opt = license_option(argv[0], err)) == NULL ||
	    device_require(cli->dev, LEVEL_SERVICE1, "showing a transfer number", err) != 0 ||
	    license_info(cli->dev, opt, &info, err) != 0)
		return -1;
	if (!info.transferred)
		return svc_errf(err, EX_DATAERR, "%s has no transfer number: its license is %s",
				opt->name, info.state);
	fprintf(cli->out, "%s\n", info.transfer);
	return 0;
}

static const struct sub subs[] = {
	{ "install", lic_install }, { "report", lic_report },
	{ "list", lic_list },       { "invalidate", lic_invalidate },
	{ "erase", lic_erase },     { "transfer-number", lic_transfer_number },
};

static int
cmd_license(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (argc < 2)
		return cli_usage("license", err);
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(cli, argc - 1, argv + 1, err);
	return svc_errf(err, EX_USAGE,
			"unknown license command '%s': expected install, report, "
			"list, invalidate, erase or transfer-number",
			argv[1]);
}

const struct cli_cmd cli_cmds_license[] = {
	{ "license", "SUBCOMMAND [ARGS]", "install keys, SPEC LIST, #LMS transfer",
	  "subcommands:\n"
	  "  license install [KEY|-]          enter a license key (level 1); without KEY,\n"
	  "                                   read it from the terminal or stdin\n"
	  "  license report                   #REPORT > SPEC LIST: 'SEND ON/ON' lines,\n"
	  "                                   license and transfer numbers (level 1)\n"
	  "  license list [--json]            options with state and numbers (level 1)\n"
	  "  license invalidate OPTION [--yes]  #LMS > INACTIVE: invalidate for transfer\n"
	  "                                   and print the 24-digit transfer number\n"
	  "                                   (level 2); asking again shows it again\n"
	  "  license erase OPTION [--yes]     #LMS > ERASE: invalidate, no transfer (level 2)\n"
	  "  license transfer-number OPTION   show the transfer number again (level 1)\n"
	  "\n"
	  "OPTION: SEND, SPDF (slave of SEND), PCL, PS, ERDS, EAM, ELA, BRDIM.\n"
	  "Invalidating a master also disables its active slaves; the confirmation names\n"
	  "them. On a terminal it asks you to type the option; scripts pass --yes.\n"
	  "Keys: 24 characters in groups of 4 (dashes and spaces optional); a mistyped\n"
	  "group is named. Keys and transfer numbers come from svcmode-lms.",
	  CLI_STORE, cmd_license },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
