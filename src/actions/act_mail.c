/* Actions of the mail module: the Connection Tests under E-Mail/I-Fax and
 * the communication log report. Each step reaches io->line as it happens. */
#include <stdio.h>
#include <string.h>

#include "actions/action.h"
#include "mail/mail.h"

static void
act_line(void *arg, const char *text)
{
	struct action_io *io = arg;

	if (io->line)
		io->line(io->arg, text);
}

static int
act_result(struct action_io *io, int rc, int code)
{
	char line[200];

	if (rc < 0 && code)
		snprintf(line, sizeof line, "Result: NG  #%d %s", code, mail_code_meaning(code));
	else
		snprintf(line, sizeof line, "Result: %s", rc < 0 ? "NG" : "OK");
	act_line(io, line);
	return rc < 0 ? -1 : 0;
}

static int
act_test_send(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct mail_io mio = { io, act_line, false };
	int code = 0;
	int rc = mail_test_send(dev, param && *param ? param : NULL, &mio, &code, err);

	return act_result(io, rc, code);
}

static int
act_test_receive(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct mail_io mio = { io, act_line, false };
	int64_t count = 0, bytes = 0;
	char line[96];
	int code = 0, rc;

	(void)param;
	rc = mail_test_receive(dev, &mio, &count, &bytes, &code, err);
	if (rc == 0) {
		snprintf(line, sizeof line, "Messages: %lld (%lld bytes)", (long long)count,
			 (long long)bytes);
		act_line(io, line);
	}
	return act_result(io, rc, code);
}

static int
act_probe(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct mail_io mio = { io, act_line, false };
	int code = 0;
	int rc = mail_probe(dev, &mio, &code, err);

	(void)param;
	return act_result(io, rc, code);
}

static int
log_line(void *arg, const struct store_mail_log *r)
{
	struct action_io *io = arg;
	char line[160], result[16];

	/* 80 columns: date, time, direction, operation, OK or NG #code, server. */
	if (r->code)
		snprintf(result, sizeof result, "NG #%d", r->code);
	else
		snprintf(result, sizeof result, "%s", strcmp(r->result, "ok") == 0 ? "OK" : "NG");
	snprintf(line, sizeof line, "%.10s %.8s %s %-12s %-7s %.32s", r->at, r->at + 11,
		 r->direction, r->operation, result, r->server);
	act_line(io, line);
	if (r->mech[0] || r->tls[0]) {
		snprintf(line, sizeof line, "    %s%s%s%.40s", r->mech[0] ? "auth " : "", r->mech,
			 r->tls[0] ? "  tls " : "", r->tls);
		act_line(io, line);
	}
	if (r->code) {
		snprintf(line, sizeof line, "    %.74s", r->message);
		act_line(io, line);
	}
	return 0;
}

static int
act_log(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	(void)param;
	return mail_log_each(dev, 200, log_line, io, err);
}

const struct action_def actions_mail[] = {
	{ "mail.test_send", ACTION_RUN, LEVEL_MANAGER, act_test_send,
	  "send a test e-mail with the current settings", NULL, NULL },
	{ "mail.test_receive", ACTION_RUN, LEVEL_MANAGER, act_test_receive,
	  "log into the POP server and count the messages", NULL, NULL },
	{ "mail.probe", ACTION_RUN, LEVEL_MANAGER, act_probe,
	  "show what the SMTP and POP servers offer", NULL, NULL },
	{ "mail.log", ACTION_REPORT, LEVEL_MANAGER, act_log, "the communication log", NULL, NULL },
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
