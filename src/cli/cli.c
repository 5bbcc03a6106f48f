#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct cli_cmd *const groups[] = {
	cli_cmds_core,   cli_cmds_settings, cli_cmds_tls,  cli_cmds_mac,     cli_cmds_mailbox,
	cli_cmds_backup, cli_cmds_wipe,     cli_cmds_mail, cli_cmds_license,
};
#define NGROUPS (sizeof groups / sizeof groups[0])

static const struct {
	int code;
	const char *meaning;
} exit_codes[] = {
	{ 0, "success" },
	{ EX_USAGE, "usage error: unknown command, option or setting key" },
	{ EX_DATAERR, "bad data: invalid value, damaged or foreign store, bad file" },
	{ EX_NOINPUT, "input file missing" },
	{ EX_NOHOST, "a mail server's name could not be resolved" },
	{ EX_UNAVAILABLE, "function not available" },
	{ EX_SOFTWARE, "internal error" },
	{ EX_CANTCREAT, "cannot create a file or the store" },
	{ EX_IOERR, "I/O error (disk full, read-only, ...)" },
	{ EX_TEMPFAIL, "locked out after wrong credentials, or busy: try again later" },
	{ EX_PROTOCOL, "a server broke the protocol" },
	{ EX_NOPERM, "permission denied: credential missing or wrong" },
};

static const struct cli_cmd *
find_cmd(const char *name)
{
	for (size_t g = 0; g < NGROUPS; g++)
		for (const struct cli_cmd *c = groups[g]; c->name; c++)
			if (strcmp(c->name, name) == 0)
				return c;
	return NULL;
}

static void
print_help(FILE *f)
{
	fputs("usage: svcmode [--db PATH] [--operator NAME] [-v] [COMMAND [ARGS...]]\n"
	      "\n"
	      "Service-mode maintenance of the device store. Without a command, or with\n"
	      "'tui', opens the menus. 'svcmode COMMAND --help' tells more.\n\n"
	      "commands:\n",
	      f);
	for (size_t g = 0; g < NGROUPS; g++)
		for (const struct cli_cmd *c = groups[g]; c->name; c++) {
			/* A long usage gets its own line: the columns stay aligned. */
			if (strlen(c->usage) > 28)
				fprintf(f, "  %-9s %s\n  %-9s %-28s %s\n", c->name, c->usage, "",
					"", c->summary);
			else
				fprintf(f, "  %-9s %-28s %s\n", c->name, c->usage, c->summary);
		}
	fputs("\nenvironment:\n"
	      "  SVCMODE_DB             the store (else /var/lib/svcmode/device.db if\n"
	      "                         writable, else $XDG_DATA_HOME/svcmode/device.db)\n"
	      "  SVCMODE_OPERATOR       operator name for the audit log\n"
	      "  SVCMODE_MANAGER_ID, SVCMODE_MANAGER_PIN    System Manager credentials\n"
	      "  SVCMODE_SERVICE_CODE, SVCMODE_SERVICE2_CODE  service mode level 1 and 2\n"
	      "  SVCMODE_BOX_PASSWORD   password of a protected User Inbox (box commands)\n"
	      "  NO_COLOR               the menus use no colour\n"
	      "\nexit codes:\n",
	      f);
	for (size_t i = 0; i < sizeof exit_codes / sizeof exit_codes[0]; i++)
		fprintf(f, "  %3d  %s\n", exit_codes[i].code, exit_codes[i].meaning);
}

static void
print_cmd_help(FILE *f, const struct cli_cmd *c)
{
	fprintf(f, "usage: svcmode %s %s\n\n%s\n", c->name, c->usage, c->summary);
	if (c->help)
		fprintf(f, "\n%s\n", c->help);
}

int
cli_usage(const char *name, struct svc_err *err)
{
	const struct cli_cmd *c = find_cmd(name);

	return svc_errf(err, EX_USAGE, "usage: svcmode %s %s", name, c ? c->usage : "");
}

static bool
wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return true;
	}
	return false;
}

static int
run_startup(struct cli *cli, struct svc_err *err)
{
	const cli_startup_fn hooks[] = { cli_startup_wipe, cli_startup_tls, cli_startup_mailbox };

	for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++)
		if (hooks[i] && hooks[i](cli, err) != 0)
			return -1;
	return 0;
}

static int
open_store(struct cli *cli, struct svc_err *err)
{
	char *path = cli->db_path ? xstrdup(cli->db_path) : device_default_path();
	bool created = false;
	int rc = device_open(path, true, &created, &cli->dev, err);

	if (rc == 0 && created)
		fprintf(cli->msg, "svcmode: created a new device store at '%s' (serial %s)\n", path,
			device_identity(cli->dev)->serial);
	free(path);
	if (rc != 0)
		return -1;
	device_set_asker(cli->dev, cli_ask_creds, cli);
	if (cli->actor)
		device_set_operator(cli->dev, cli->actor);
	return run_startup(cli, err);
}

static int
run(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct cli_cmd *c = find_cmd(argc > 0 ? argv[0] : "tui");
	char *deflt[] = { (char *)"tui", NULL };

	if (argc == 0) {
		argv = deflt;
		argc = 1;
	}
	if (c == NULL)
		return svc_errf(err, EX_USAGE, "unknown command '%s' (see 'svcmode --help')",
				argv[0]);
	if (wants_help(argc, argv)) {
		print_cmd_help(cli->out, c);
		return 0;
	}
	if ((c->flags & CLI_STORE) && open_store(cli, err) != 0)
		return -1;
	return c->run(cli, argc, argv, err);
}

/* Global options come before the command. */
static int
parse_globals(struct cli *cli, int argc, char **argv, int *first, struct svc_err *err)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--db") == 0 || strcmp(a, "--operator") == 0) && i + 1 < argc) {
			*(a[2] == 'd' ? &cli->db_path : &cli->actor) = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			cli->db_path = a + 5;
		} else if (strncmp(a, "--operator=", 11) == 0) {
			cli->actor = a + 11;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			cli->verbose = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*first = -1;
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			*first = -2;
			return 0;
		} else if (strcmp(a, "--mono") == 0 || strcmp(a, "--ascii") == 0) {
			break; /* TUI options: the tui command reads them */
		} else {
			return svc_errf(err, EX_USAGE, "unknown option '%s' (see 'svcmode --help')",
					a);
		}
	}
	*first = i;
	return 0;
}

int
cli_main(int argc, char **argv)
{
	struct cli cli = { .out = stdout, .msg = stderr };
	struct svc_err err = { 0 };
	int first = 1, rc;

	if (parse_globals(&cli, argc, argv, &first, &err) != 0)
		goto fail;
	if (first == -1) {
		print_help(stdout);
		return 0;
	}
	if (first == -2) {
		printf("svcmode %s\n", SVC_VERSION);
		return 0;
	}
	/* TUI options given without the command mean the TUI. */
	if (first < argc && argv[first][0] == '-') {
		argv[first - 1] = (char *)"tui";
		first--;
	}
	rc = run(&cli, argc - first, argv + first, &err);
	device_close(cli.dev);
	if (fflush(stdout) != 0 && rc == 0) {
		svc_errf(&err, EX_IOERR, "cannot write output");
		rc = -1;
	}
	if (rc == 0)
		return 0;
fail:
	if (err.code == 0)
		svc_errf(&err, EX_SOFTWARE, "failed without a message");
	fprintf(stderr, "svcmode: %s\n", err.msg);
	return err.code;
}
