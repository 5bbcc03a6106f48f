/* backup create | verify | list | restore: Backup of Mail Box. */
#include <string.h>

#include "backup/backup.h"
#include "cli/cli.h"
#include "mailbox/mailbox.h"

/* System Manager rights before any passphrase is asked; refusals audited. */
static int
need_manager(struct cli *cli, const char *what, struct svc_err *err)
{
	if (device_require(cli->dev, LEVEL_MANAGER, what, err) == 0)
		return 0;
	if (err->code == EX_NOPERM)
		device_audit(cli->dev, "refused", "backup", NULL, NULL, err->msg, NULL);
	return -1;
}

static void
cli_line(void *arg, const char *text)
{
	struct cli *cli = arg;

	fprintf(cli->out, "%s\n", text);
}

static int
parse_boxes(const char *list, bool set[MAILBOX_INBOXES], const bool **out, struct svc_err *err)
{
	*out = NULL;
	if (list == NULL)
		return 0;
	if (mailbox_parse_list(list, set, err) != 0)
		return -1;
	*out = set;
	return 0;
}

/* Asks for the passphrase of PATH if it is encrypted; *PASS NULL if not. */
static int
read_passphrase(const char *path, struct strbuf *buf, const char **pass, struct svc_err *err)
{
	bool enc;

	*pass = NULL;
	if (backup_probe(path, &enc, err) != 0)
		return -1;
	if (!enc)
		return 0;
	if (cli_read_secret("Backup passphrase", false, buf, err) != 0)
		return -1;
	*pass = sb_str(buf);
	return 0;
}

static void
summary(struct cli *cli, const char *what, const char *path, const struct backup_summary *s)
{
	fprintf(cli->msg, "svcmode: %s '%s': %d inbox%s, %lld document%s, %lld bytes%s\n", what,
		path, s->inboxes, s->inboxes == 1 ? "" : "es", (long long)s->documents,
		s->documents == 1 ? "" : "s", (long long)s->bytes, s->encrypted ? ", encrypted" : "");
}

static int
backup_create_cmd(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *list = NULL, *enc = NULL;
	const bool *boxes;
	struct cli_opt opts[] = { { "box=", &list }, { "encrypt", &enc }, { NULL, NULL } };
	struct backup_cb cb = { cli, cli_progress, cli_line };
	struct backup_summary s;
	struct strbuf pass = STRBUF_INIT;
	bool set[MAILBOX_INBOXES];
	int n = cli_parse("backup create", argc, argv, opts, err), rc = -1;

	if (n < 0 || n != 1)
		return n < 0 ? -1 : cli_usage("backup", err);
	if (parse_boxes(list, set, &boxes, err) != 0)
		return -1;
	/* Rights first: nobody types a passphrase twice to be refused. */
	if (need_manager(cli, "creating a Backup of Mail Box", err) != 0)
		return -1;
	if (enc && cli_read_secret("Backup passphrase", true, &pass, err) != 0)
		goto out;
	rc = backup_create(cli->dev, argv[0], boxes, enc ? sb_str(&pass) : NULL,
			   &cb, &s, err);
	if (rc == 0)
		summary(cli, strcmp(argv[0], "-") ? "backup written and verified" : "backup streamed",
			argv[0], &s);
out:
	sb_release(&pass);
	return rc;
}

static int
backup_verify_cmd(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct backup_cb cb = { cli, cli_progress, cli_line };
	struct backup_summary s;
	struct strbuf pass = STRBUF_INIT;
	const char *p;
	int n = cli_parse("backup verify", argc, argv, NULL, err), rc = -1;

	if (n < 0 || n != 1)
		return n < 0 ? -1 : cli_usage("backup", err);
	if (need_manager(cli, "verifying a Backup of Mail Box", err) == 0 &&
	    read_passphrase(argv[0], &pass, &p, err) == 0)
		rc = backup_verify(cli->dev, argv[0], p, &cb, &s, err);
	if (rc == 0) {
		fprintf(cli->out, "OK %s: %s serial %s, made %s, %d inboxes, %lld documents, %lld "
				  "bytes%s\n",
			argv[0], s.model, s.serial, s.created, s.inboxes, (long long)s.documents,
			(long long)s.bytes, s.encrypted ? ", encrypted" : "");
	}
	sb_release(&pass);
	return rc;
}

static int
backup_list_cmd(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *json = NULL, *p;
	struct cli_opt opts[] = { { "json", &json }, { NULL, NULL } };
	struct backup_cb cb = { cli, NULL, cli_line };
	struct strbuf pass = STRBUF_INIT;
	int n = cli_parse("backup list", argc, argv, opts, err), rc = -1;

	if (n < 0 || n != 1)
		return n < 0 ? -1 : cli_usage("backup", err);
	if (need_manager(cli, "listing a Backup of Mail Box", err) == 0 &&
	    read_passphrase(argv[0], &pass, &p, err) == 0)
		rc = backup_list(cli->dev, argv[0], p, json != NULL, &cb, err);
	sb_release(&pass);
	return rc;
}

static int
backup_restore_cmd(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *list = NULL, *replace = NULL, *merge = NULL, *dry = NULL, *p;
	const bool *boxes;
	struct cli_opt opts[] = { { "box=", &list },	     { "replace", &replace },
				  { "merge", &merge },	     { "dry-run", &dry },
				  { NULL, NULL } };
	struct backup_cb cb = { cli, cli_progress, cli_line };
	struct backup_summary s;
	struct strbuf pass = STRBUF_INIT;
	bool set[MAILBOX_INBOXES];
	enum backup_mode mode;
	int n = cli_parse("backup restore", argc, argv, opts, err), rc = -1;

	if (n < 0 || n != 1)
		return n < 0 ? -1 : cli_usage("backup", err);
	if (replace && merge)
		return svc_errf(err, EX_USAGE, "--replace and --merge exclude each other");
	mode = replace ? BACKUP_REPLACE : merge ? BACKUP_MERGE : BACKUP_EMPTY_ONLY;
	if (parse_boxes(list, set, &boxes, err) != 0)
		return -1;
	if (need_manager(cli, "restoring a Backup of Mail Box", err) == 0 &&
	    read_passphrase(argv[0], &pass, &p, err) == 0)
		rc = backup_restore(cli->dev, argv[0], p, boxes, mode, dry != NULL, &cb,
				    &s, err);
	if (rc == 0 && !dry)
		summary(cli, "restored", argv[0], &s);
	sb_release(&pass);
	return rc;
}

static const struct {
	const char *name;
	int (*run)(struct cli *, int, char **, struct svc_err *);
} backup_cmds[] = {
	{ "create", backup_create_cmd },
	{ "verify", backup_verify_cmd },
	{ "list", backup_list_cmd },
	{ "restore", backup_restore_cmd },
};

static int
cmd_backup(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (argc < 2)
		return cli_usage("backup", err);
	for (size_t i = 0; i < sizeof backup_cmds / sizeof backup_cmds[0]; i++)
		if (strcmp(argv[1], backup_cmds[i].name) == 0)
			return backup_cmds[i].run(cli, argc - 1, argv + 1, err);
	return svc_errf(err, EX_USAGE, "unknown backup command '%s' (create, verify, list, restore)",
			argv[1]);
}

const struct cli_cmd cli_cmds_backup[] = {
	{ "backup", "create|verify|list|restore ...", "Backup of Mail Box (System Manager)",
	  "  backup create FILE|- [--box LIST] [--encrypt]\n"
	  "      write the inboxes (all, or LIST such as 00,03,10-19) to a ZIP archive;\n"
	  "      --encrypt asks twice for a passphrase (stdin or prompt, at least 8\n"
	  "      characters) and uses AES-256. The file appears only once it is\n"
	  "      complete and has been read back and verified.\n"
	  "  backup verify FILE        check the manifest and every document's SHA-256\n"
	  "  backup list FILE [--json] what the backup holds (from its manifest)\n"
	  "  backup restore FILE [--box LIST] [--replace|--merge] [--dry-run]\n"
	  "      verifies the whole archive first, then restores in one transaction.\n"
	  "      Without --replace or --merge only empty inboxes are restored;\n"
	  "      --merge keeps existing documents and settings, --replace makes the\n"
	  "      listed inboxes exactly what the backup holds. --dry-run shows the plan.\n"
	  "\n"
	  "Needs System Manager rights (SVCMODE_MANAGER_ID and SVCMODE_MANAGER_PIN).\n"
	  "An encrypted backup's passphrase is read from stdin or asked at the terminal.",
	  CLI_STORE, cmd_backup },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
