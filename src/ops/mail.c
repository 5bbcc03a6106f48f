/* Operations of the mail module: E-Mail/I-Fax > Connection Tests, mail
 * reception, the communication log and the table of device error codes.
 * Each step of a test reaches the person as it happens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail/mail.h"
#include "ops/op.h"
#include "util/json.h"

/* One test as it runs: its steps go out at once, its note waits for the
 * result line. */
struct mail_run {
	struct op_ctx *c;
	char note[200];
};

static void
step_line(void *arg, const char *text)
{
	struct mail_run *r = arg;

	op_line(r->c, text);
}

static void
step_note(void *arg, const char *text)
{
	struct mail_run *r = arg;

	snprintf(r->note, sizeof r->note, "%s", text);
}

static struct mail_io
mio(struct mail_run *r)
{
	return (struct mail_io){ r, step_line, r->c->verbose, step_note };
}

static int
result(struct mail_run *r, int rc, int code)
{
	return op_result(r->c, rc, code, mail_code_meaning(code), r->note);
}

/* What a test needs is checked before the door: an invalid --to or no
 * server set is a refusal that leaves no trace (no login record, no
 * communication log row). */
static int
send_prepare(struct op_ctx *c, struct svc_err *err)
{
	return mail_ready(c->dev, true, op_arg(c, "to"), err);
}

static int
receive_prepare(struct op_ctx *c, struct svc_err *err)
{
	return mail_ready(c->dev, false, NULL, err);
}

static int
test_send_run(struct op_ctx *c, struct svc_err *err)
{
	struct mail_run r = { c, "" };
	struct mail_io io = mio(&r);
	int code = 0, rc = mail_test_send(c->dev, op_arg(c, "to"), &io, &code, err);

	return result(&r, rc, code);
}

static int
test_receive_run(struct op_ctx *c, struct svc_err *err)
{
	struct mail_run r = { c, "" };
	struct mail_io io = mio(&r);
	int64_t count = 0, bytes = 0;
	int code = 0, rc = mail_test_receive(c->dev, &io, &count, &bytes, &code, err);

	if (rc == 0) {
		op_linef(c, "messages: %lld", (long long)count);
		op_linef(c, "bytes: %lld", (long long)bytes);
	}
	return result(&r, rc, code);
}

static int
receive_run(struct op_ctx *c, struct svc_err *err)
{
	struct mail_run r = { c, "" };
	struct mail_io io = mio(&r);
	int code = 0,
	    rc = mail_receive(c->dev, (int)strtol(op_arg(c, "box"), NULL, 10), &io, &code, err);

	if (rc >= 0)
		op_linef(c, "received: %d", rc);
	return result(&r, rc, code);
}

static int
probe_run(struct op_ctx *c, struct svc_err *err)
{
	struct mail_run r = { c, "" };
	struct mail_io io = mio(&r);
	int code = 0, rc = mail_probe(c->dev, &io, &code, err);

	return result(&r, rc, code);
}

/* --- the communication log --------------------------------------------------- */

/* One exchange: its --json fields, kept with the strings they point to. */
struct log_fields {
	char id[24], code[16];
	struct strbuf steps; /* a JSON array */
	struct op_field f[12];
};

/* The steps of a row ("a\nb") as a JSON array. */
static void
steps_json(struct strbuf *j, const char *steps)
{
	sb_adds(j, "[");
	for (const char *p = steps; *p;) {
		size_t w = strcspn(p, "\n");
		char *step = xmalloc(w + 1);

		memcpy(step, p, w);
		step[w] = '\0';
		sb_adds(j, p != steps ? ", " : "");
		json_add_str(j, step);
		free(step);
		p += w + (p[w] ? 1 : 0);
	}
	sb_adds(j, "]");
}

static void
log_fields_init(struct log_fields *lf, const struct store_mail_log *r)
{
	snprintf(lf->id, sizeof lf->id, "%lld", (long long)r->id);
	snprintf(lf->code, sizeof lf->code, "%d", r->code);
	lf->steps = (struct strbuf)STRBUF_INIT;
	steps_json(&lf->steps, r->steps);
	const struct op_field f[12] = {
		{ "id", lf->id, OP_F_INT },
		{ "at", r->at, OP_F_STR },
		{ "direction", r->direction, OP_F_STR },
		{ "operation", r->operation, OP_F_STR },
		{ "server", r->server, OP_F_STR },
		{ "mechanisms_offered", r->mechs, OP_F_STR },
		{ "mechanism", r->mech, OP_F_STR },
		{ "tls", r->tls, OP_F_STR },
		{ "result", r->result, OP_F_STR },
		{ "code", r->code ? lf->code : NULL, r->code ? OP_F_INT : OP_F_NULL },
		{ "message", r->message, OP_F_STR },
		{ "steps", lf->steps.buf, OP_F_JSON },
	};
	memcpy(lf->f, f, sizeof f);
}

/* Each step on its own line, after PREFIX. */
static void
add_steps(struct strbuf *t, const char *prefix, const char *steps)
{
	for (const char *p = steps; *p;) {
		size_t w = strcspn(p, "\n");
		sb_addf(t, "\n%s%.*s", prefix, (int)w, p);
		p += w + (p[w] ? 1 : 0);
	}
}

/* The CLI's text: one line, then the message and the steps indented. */
static void
log_text(const struct store_mail_log *r, struct strbuf *t)
{
	sb_addf(t, "%s %s %-12s %-22s %-5s", r->at, r->direction, r->operation, r->server,
		r->result);
	if (r->code)
		sb_addf(t, " #%d", r->code);
	if (r->mech[0])
		sb_addf(t, " mech=%s", r->mech);
	if (r->tls[0])
		sb_addf(t, " tls=%s", r->tls);
	if (r->message[0])
		sb_addf(t, "\n    %s", r->message);
	add_steps(t, "    | ", r->steps);
}

static int
log_row(void *arg, const struct store_mail_log *r)
{
	struct op_ctx *c = arg;
	struct strbuf text = STRBUF_INIT;
	struct log_fields lf = { 0 };
	char label[80], value[32];
	int rc;

	log_fields_init(&lf, r);
	log_text(r, &text);
	/* The menus' row, 80 columns: date, time, direction, operation, result. */
	snprintf(label, sizeof label, "%.10s %.5s %s %-12s", r->at,
		 strlen(r->at) >= 16 ? r->at + 11 : "", r->direction, r->operation);
	if (r->code)
		snprintf(value, sizeof value, "NG #%d", r->code);
	else
		snprintf(value, sizeof value, "%s", strcmp(r->result, "ok") == 0 ? "OK" : "NG");
	rc = op_emit(c, &(struct op_row){ .id = lf.id,
					  .label = label,
					  .value = value,
					  .text = text.buf,
					  .fields = lf.f,
					  .nfields = 12 });
	sb_release(&text);
	sb_release(&lf.steps);
	return rc;
}

static int
log_run(struct op_ctx *c, struct svc_err *err)
{
	const char *limit = op_arg(c, "limit");

	return mail_log_each(c->dev, limit ? (int)strtol(limit, NULL, 10) : 0, log_row, c, err);
}

static const char *
or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* One exchange in full: the row of the communication log that was chosen. */
struct show {
	struct op_ctx *c;
	long long want;
	bool found;
};

static int
show_row(void *arg, const struct store_mail_log *r)
{
	struct show *s = arg;
	struct strbuf t = STRBUF_INIT;
	struct log_fields lf = { 0 };
	int rc;

	if ((long long)r->id != s->want)
		return 0;
	s->found = true;
	log_fields_init(&lf, r);
	/* "name:" and the value in column 17, as the other reports. */
	sb_addf(&t, "record:         %lld\nat:             %s\n", (long long)r->id, r->at);
	sb_addf(&t, "direction:      %s\noperation:      %s\nserver:         %s\n", r->direction,
		r->operation, r->server);
	sb_addf(&t, "offered:        %s\nmechanism:      %s\ntls:            %s\n",
		or_dash(r->mechs), or_dash(r->mech), or_dash(r->tls));
	if (r->code)
		sb_addf(&t, "result:         %s #%d (%s)", r->result, r->code,
			mail_code_meaning(r->code) ? mail_code_meaning(r->code) : "unknown");
	else
		sb_addf(&t, "result:         %s", r->result);
	if (r->message[0])
		sb_addf(&t, "\nmessage:        %s", r->message);
	if (r->steps[0]) {
		sb_adds(&t, "\nsteps:");
		add_steps(&t, "  | ", r->steps);
	}
	rc = op_emit(s->c, &(struct op_row){ .label = "record",
					     .value = lf.id,
					     .text = t.buf,
					     .fields = lf.f,
					     .nfields = 12 });
	sb_release(&t);
	sb_release(&lf.steps);
	return rc;
}

static int
show_run(struct op_ctx *c, struct svc_err *err)
{
	struct show s = { c, strtoll(op_arg(c, "record"), NULL, 10), false };

	if (mail_log_each(c->dev, 0, show_row, &s, err) != 0)
		return -1;
	if (!s.found)
		return svc_errf(err, EX_NOINPUT, "no communication log record '%s'",
				op_arg(c, "record"));
	return 0;
}

static int
codes_run(struct op_ctx *c, struct svc_err *err)
{
	(void)err;
	for (const struct mail_code *m = mail_codes(); m->code; m++) {
		char code[16], ex[16], label[32], text[200];
		struct op_field f[] = { { "code", code, OP_F_INT },
					{ "exit", ex, OP_F_INT },
					{ "meaning", m->meaning, OP_F_STR } };

		snprintf(code, sizeof code, "%d", m->code);
		snprintf(ex, sizeof ex, "%d", m->ex);
		snprintf(label, sizeof label, "#%d (exit %d)", m->code, m->ex);
		snprintf(text, sizeof text, "#%d  %d  %s", m->code, m->ex, m->meaning);
		if (op_emit(c, &(struct op_row){ .label = label,
						 .value = m->meaning,
						 .text = text,
						 .fields = f,
						 .nfields = 3 }) != 0)
			return -1;
	}
	return 0;
}

static const struct op_param p_send[] = {
	{ .name = "to",
	  .type = OP_P_TEXT,
	  .flags = OP_OPT | OP_DASH,
	  .prompt = "send to (empty: the device's own address)" },
	{ .name = NULL },
};
static const struct op_param p_receive[] = {
	{ .name = "box", .type = OP_P_BOX, .flags = OP_DASH, .prompt = "into user inbox (00-99)" },
	{ .name = NULL },
};
static const struct op_param p_log[] = {
	{ .name = "limit",
	  .type = OP_P_NUM,
	  .flags = OP_OPT | OP_DASH | OP_NOASK,
	  .prompt = "only the last N exchanges (default: all)",
	  .min = 1,
	  .max = 1000000 },
	{ .name = NULL },
};
static const struct op_param p_record[] = {
	{ .name = "record",
	  .type = OP_P_NUM,
	  .flags = OP_ROWID,
	  .prompt = "the record's number (see 'mail log')",
	  .min = 1,
	  .max = 999999999999 },
	{ .name = NULL },
};

/* The same text for every test: --help of the group shows it once. */
#define MAIL_MORE                                                                                  \
	"Each step is shown as it happens; -v (before 'mail' or after the\n"                       \
	"subcommand) also prints the protocol dialogue, with passwords, SASL\n"                    \
	"payloads and APOP digests masked. Every exchange is kept in the\n"                        \
	"communication log ('mail log'). On failure the exit status is a\n"                        \
	"sysexits code, the message starts with the device error code (#8xx) and\n"                \
	"the last line is 'result: error #8xx (MEANING)'; 'svcmode mail codes'\n"                  \
	"lists the codes."

const struct op ops_mail[] = {
	{ .name = "mail.test_send",
	  .words = "mail test-send",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_send,
	  .prepare = send_prepare,
	  .run = test_send_run,
	  .help = "send a test message through the whole TX path with the current settings "
		  "(POP before SMTP, STARTTLS, SMTP AUTH)",
	  .more = MAIL_MORE },
	{ .name = "mail.test_receive",
	  .words = "mail test-receive",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .prepare = receive_prepare,
	  .run = test_receive_run,
	  .help = "log into the POP server; report the messages and bytes waiting",
	  .more = MAIL_MORE },
	{ .name = "mail.receive",
	  .words = "mail receive",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_receive,
	  .prepare = receive_prepare,
	  .run = receive_run,
	  .help = "retrieve every message into a user inbox, deleting each on the server once "
		  "it is stored",
	  .more = MAIL_MORE },
	{ .name = "mail.probe",
	  .words = "mail probe",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .run = probe_run,
	  .help = "what the SMTP and POP servers offer (EHLO, CAPA, STARTTLS/STLS, SASL "
		  "mechanisms, certificate)",
	  .more = MAIL_MORE },
	{ .name = "mail.log",
	  .words = "mail log",
	  .kind = OP_LIST,
	  .doors = DOOR_MANAGER,
	  .params = p_log,
	  .run = log_run,
	  .row_ops = "mail.log_show",
	  .help = "the communication log, oldest first" },
	{ .name = "mail.log_show",
	  .words = "mail log show",
	  .kind = OP_REPORT,
	  .doors = DOOR_MANAGER,
	  .params = p_record,
	  .run = show_run,
	  .help = "one exchange of the communication log in full" },
	{ .name = "mail.codes",
	  .words = "mail codes",
	  .kind = OP_LIST,
	  .run = codes_run,
	  .help = "the device error codes of the mail tests: code, exit status, meaning" },
	{ .name = NULL },
};
