/* Operations of the service module: the device's running services (SMTP
 * reception, the POP Interval's receptions). */
#include <stdio.h>
#include <string.h>

#include "catalog/keys.h"
#include "ops/op.h"
#include "service/service.h"

static void
to_line(void *arg, const char *text)
{
	op_line(arg, text);
}

static int
run_run(struct op_ctx *c, struct svc_err *err)
{
	struct service_opts o = { .listen = op_arg(c, "listen"), .line = to_line, .arg = c };

	return service_run(c->dev, &o, err);
}

static int
fact(struct op_ctx *c, const char *name, const char *label, const char *value, enum op_ftype t)
{
	char text[160];
	struct op_field f = { name, value, t };

	snprintf(text, sizeof text, "%-24s %s", label, value);
	return op_emit(
		c,
		&(struct op_row){
			.label = label, .value = value, .text = text, .fields = &f, .nfields = 1 });
}

static int
setting(struct op_ctx *c, const char *name, const char *label, const char *key, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT;
	int rc = config_get(c->dev, key, &v, err);

	if (rc == 0)
		rc = fact(c, name, label, sb_str(&v), OP_F_STR);
	sb_release(&v);
	return rc;
}

static int
status_run(struct op_ctx *c, struct svc_err *err)
{
	struct service_status s;
	char pid[32], port[80];

	if (service_status(c->dev, &s, err) != 0)
		return -1;
	snprintf(pid, sizeof pid, "%ld", s.pid);
	if (s.port)
		snprintf(port, sizeof port, "%d (%s)", s.port,
			 strcmp(s.address, "*") == 0 ? "every address" : s.address);
	else
		snprintf(port, sizeof port, "closed");
	if (fact(c, "running", "Service running", s.running ? "true" : "false", OP_F_BOOL) ||
	    (s.running && fact(c, "pid", "Process", pid, OP_F_INT)) ||
	    setting(c, "smtp_rx", "SMTP RX", KEY_NETWORK_EMAIL_SMTP_RX, err) ||
	    fact(c, "smtp_listening", "SMTP RX listening on", s.running ? port : "closed",
		 OP_F_STR) ||
	    setting(c, "pop_rx", "POP RX", KEY_NETWORK_EMAIL_POP_RX, err) ||
	    setting(c, "pop_interval", "POP Interval (min)", KEY_NETWORK_EMAIL_POP_INTERVAL, err) ||
	    setting(c, "inbox", "Receive Into Inbox", KEY_NETWORK_EMAIL_RX_INBOX, err))
		return -1;
	return 0;
}

static const struct op_param p_run[] = {
	{ .name = "listen",
	  .type = OP_P_TEXT,
	  .flags = OP_OPT | OP_DASH,
	  .prompt = "the address SMTP reception listens on (default: every address)" },
	{ .name = NULL },
};

const struct op ops_service[] = {
	{ .name = "service.run",
	  .words = "service run",
	  .kind = OP_RUN,
	  .flags = OP_SERVICE,
	  .params = p_run,
	  .run = run_run,
	  .help = "run the device's reception service: SMTP reception and the POP Interval",
	  .more = "Runs until SIGTERM or SIGINT (systemd's svcmode.service starts it at\n"
		  "boot). While SMTP RX is ON it listens on the SMTP RX Port and stores\n"
		  "mail for the device's address in the Receive Into Inbox inbox, each\n"
		  "message once (by Message-ID), offering STARTTLS with the key pair in\n"
		  "use; while it is OFF the port is closed. While POP RX is ON and the POP\n"
		  "Interval is N > 0 it receives from the POP server every N minutes, never\n"
		  "beside another reception. Settings are read again every second. At most\n"
		  "64 SMTP sessions run at once. One service per store." },
	{ .name = "service.status",
	  .words = "service status",
	  .kind = OP_REPORT,
	  .run = status_run,
	  .help = "whether the reception service runs, its SMTP port, and the POP Interval" },
	{ .name = NULL },
};
