/* mail test-send, test-receive, receive, probe, log, codes. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "mail/mail.h"
#include "util/json.h"

static void
print_line(void *arg, const char *text)
{
	struct cli *cli = arg;

	fprintf(cli->out, "%s\n", text);
	fflush(cli->out);
}

/* On failure, the meaning of the device code as the last line. */
static int
result(struct cli *cli, int rc, int code)
{
	if (rc < 0 && code)
		fprintf(cli->out, "result: error #%d (%s)\n", code, mail_code_meaning(code));
	else if (rc >= 0)
		fprintf(cli->out, "result: OK\n");
	return rc < 0 ? -1 : 0;
}

static int
sub_test_send(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *to = NULL, *v = NULL;
	struct cli_opt opts[] = { { "to=", &to }, { "v", &v }, { "verbose", &v }, { NULL, NULL } };
	struct mail_io io = { cli, print_line, cli->verbose };
	int code = 0, n = cli_parse("mail test-send", argc, argv, opts, err), rc;

	if (n != 0)
		return n < 0 ? -1 : cli_usage("mail", err);
	io.verbose = io.verbose || v;
	rc = mail_test_send(cli->dev, to, &io, &code, err);
	return result(cli, rc, code);
}

static int
sub_test_receive(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *v = NULL;
	struct cli_opt opts[] = { { "v", &v }, { "verbose", &v }, { NULL, NULL } };
	struct mail_io io = { cli, print_line, cli->verbose };
	int64_t count = 0, bytes = 0;
	int code = 0, n = cli_parse("mail test-receive", argc, argv, opts, err), rc;

	if (n != 0)
		return n < 0 ? -1 : cli_usage("mail", err);
	io.verbose = io.verbose || v;
	rc = mail_test_receive(cli->dev, &io, &count, &bytes, &code, err);
	if (rc == 0)
		fprintf(cli->out, "messages: %lld\nbytes: %lld\n", (long long)count,
			(long long)bytes);
	return result(cli, rc, code);
}

static int
sub_receive(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *box = NULL, *v = NULL;
	struct cli_opt opts[] = {
		{ "box=", &box }, { "v", &v }, { "verbose", &v }, { NULL, NULL }
	};
	struct mail_io io = { cli, print_line, cli->verbose };
	char *end = NULL;
	long b;
	int code = 0, n = cli_parse("mail receive", argc, argv, opts, err), rc;

	if (n != 0 || box == NULL)
		return n < 0 ? -1 : cli_usage("mail", err);
	b = strtol(box, &end, 10);
	if (*box == '\0' || *end || b < 0 || b > 99 || strlen(box) > 2)
		return svc_errf(err, EX_USAGE, "invalid inbox '%s' for --box (00-99)", box);
	io.verbose = io.verbose || v;
	rc = mail_receive(cli->dev, (int)b, &io, &code, err);
	if (rc >= 0)
		fprintf(cli->out, "received: %d\n", rc);
	return result(cli, rc, code);
}

static int
sub_probe(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *v = NULL;
	struct cli_opt opts[] = { { "v", &v }, { "verbose", &v }, { NULL, NULL } };
	struct mail_io io = { cli, print_line, cli->verbose };
	int code = 0, n = cli_parse("mail probe", argc, argv, opts, err), rc;

	if (n != 0)
		return n < 0 ? -1 : cli_usage("mail", err);
	io.verbose = io.verbose || v;
	rc = mail_probe(cli->dev, &io, &code, err);
	return result(cli, rc, code);
}

struct log_out {
	struct cli *cli;
	bool json;
	int n;
};

static void
jfield(struct strbuf *j, const char *name, const char *v)
{
	sb_addf(j, ", \"%s\": ", name);
	json_add_str(j, v);
}

static int
print_log(void *arg, const struct store_mail_log *r)
{
	struct log_out *lo = arg;
	struct strbuf j = STRBUF_INIT;

	if (!lo->json) {
		fprintf(lo->cli->out, "%s %s %-12s %-22s %-5s", r->at, r->direction, r->operation,
			r->server, r->result);
		if (r->code)
			fprintf(lo->cli->out, " #%d", r->code);
		if (r->mech[0])
			fprintf(lo->cli->out, " mech=%s", r->mech);
		if (r->tls[0])
			fprintf(lo->cli->out, " tls=%s", r->tls);
		fputc('\n', lo->cli->out);
		if (r->message[0])
			fprintf(lo->cli->out, "    %s\n", r->message);
		for (const char *p = r->steps; *p;) {
			size_t w = strcspn(p, "\n");
			fprintf(lo->cli->out, "    | %.*s\n", (int)w, p);
			p += w + (p[w] ? 1 : 0);
		}
		return 0;
	}
	sb_addf(&j, "%s  {\"id\": %lld", lo->n++ ? ",\n" : "", (long long)r->id);
	jfield(&j, "at", r->at);
	jfield(&j, "direction", r->direction);
	jfield(&j, "operation", r->operation);
	jfield(&j, "server", r->server);
	jfield(&j, "mechanisms_offered", r->mechs);
	jfield(&j, "mechanism", r->mech);
	jfield(&j, "tls", r->tls);
	jfield(&j, "result", r->result);
	if (r->code)
		sb_addf(&j, ", \"code\": %d", r->code);
	else
		sb_adds(&j, ", \"code\": null");
	jfield(&j, "message", r->message);
	sb_adds(&j, ", \"steps\": [");
	for (const char *p = r->steps; *p;) {
		size_t w = strcspn(p, "\n");
		char *step = xmalloc(w + 1);
		memcpy(step, p, w);
		step[w] = '\0';
		if (p != r->steps)
			sb_adds(&j, ", ");
		json_add_str(&j, step);
		free(step);
		p += w + (p[w] ? 1 : 0);
	}
	sb_adds(&j, "]");
	fprintf(lo->cli->out, "%s}", j.buf);
	sb_release(&j);
	return 0;
}

static int
sub_log(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *json = NULL, *limit = NULL;
	struct cli_opt opts[] = { { "json", &json }, { "limit=", &limit }, { NULL, NULL } };
	struct log_out lo = { cli, false, 0 };
	long n = 0;
	int npos = cli_parse("mail log", argc, argv, opts, err), rc;

	if (npos != 0)
		return npos < 0 ? -1 : cli_usage("mail", err);
	if (limit && cli_limit(limit, &n, err) != 0)
		return -1;
	if (device_require(cli->dev, LEVEL_MANAGER, "reading the communication log", err) != 0)
		return -1;
	lo.json = json != NULL;
	if (lo.json)
		fputs("[\n", cli->out);
	rc = mail_log_each(cli->dev, (int)n, print_log, &lo, err);
	if (lo.json)
		fputs(lo.n ? "\n]\n" : "]\n", cli->out);
	return rc;
}

static int
sub_codes(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (cli_parse("mail codes", argc, argv, NULL, err) != 0)
		return err && err->code ? -1 : cli_usage("mail", err);
	for (const struct mail_code *c = mail_codes(); c->code; c++)
		fprintf(cli->out, "#%d  %d  %s\n", c->code, c->ex, c->meaning);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(struct cli *, int, char **, struct svc_err *);
} subs[] = {
	{ "test-send", sub_test_send },
	{ "test-receive", sub_test_receive },
	{ "receive", sub_receive },
	{ "probe", sub_probe },
	{ "log", sub_log },
	{ "codes", sub_codes },
};

static int
cmd_mail(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (argc < 2)
		return cli_usage("mail", err);
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
		if (strcmp(argv[1], subs[i].name) == 0)
			return subs[i].run(cli, argc - 1, argv + 1, err);
	return svc_errf(err, EX_USAGE, "unknown mail command '%s' (see 'svcmode mail --help')",
			argv[1]);
}

static int
info_mail(struct cli *cli, struct svc_err *err)
{
	(void)err;
	fprintf(cli->out, "gsasl:          %s\n", mail_sasl_version() + strlen("libgsasl "));
	return 0;
}

const struct cli_cmd cli_cmds_mail[] = {
	{ "mail", "test-send|test-receive|receive|probe|log|codes ...",
	  "mail connection tests, reception and the communication log",
	  "  test-send [--to ADDR]  send a test message through the whole TX path with\n"
	  "                         the current settings (POP before SMTP, STARTTLS,\n"
	  "                         SMTP AUTH); ADDR defaults to the device's address\n"
	  "  test-receive           log into the POP server; report messages and bytes\n"
	  "  receive --box NN       retrieve every message into user inbox NN (00-99),\n"
	  "                         deleting each on the server once it is stored\n"
	  "  probe                  what the SMTP and POP servers offer (EHLO, CAPA,\n"
	  "                         STARTTLS/STLS, SASL mechanisms, certificate)\n"
	  "  log [--json] [--limit N]  the communication log, oldest first\n"
	  "  codes                  the mail error codes: code, exit status, meaning\n"
	  "  -v (before 'mail' or after the subcommand) prints the protocol dialogue,\n"
	  "  with passwords, SASL payloads and APOP digests masked.\n"
	  "  Needs the System Manager (SVCMODE_MANAGER_ID/PIN). On failure the exit\n"
	  "  status is a sysexits code and the message starts with the error code (#8xx).",
	  CLI_STORE, cmd_mail },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
const cli_info_fn cli_info_mail = info_mail;
