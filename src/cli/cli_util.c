/* The CLI's side of a person: secrets, typed confirmations, credentials. */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"

static int
read_tty_line(int fd, const char *prompt, bool echo, struct strbuf *out)
{
	struct termios old, quiet;
	char c;
	int rc = 0;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return -1;
	if (tcgetattr(fd, &old) != 0)
		return -1;
	quiet = old;
	if (!echo)
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	/* TCSANOW: an answer typed ahead (before the prompt) is kept. */
	tcsetattr(fd, TCSANOW, &quiet);
	sb_reset(out);
	for (;;) {
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		sb_addc(out, c);
	}
	tcsetattr(fd, TCSANOW, &old);
	if (!echo && write(fd, "\n", 1) < 0)
		rc = -1;
	return rc;
}

static int
read_stdin_line(struct strbuf *out)
{
	char c;

	sb_reset(out);
	for (;;) {
		ssize_t n = read(STDIN_FILENO, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0 || c == '\n')
			break;
		sb_addc(out, c);
	}
	if (out->len > 0 && out->buf[out->len - 1] == '\r')
		out->buf[--out->len] = '\0';
	if (out->buf == NULL)
		sb_adds(out, "");
	return 0;
}

int
cli_read_tty(const char *prompt, struct strbuf *out, struct svc_err *err)
{
	struct strbuf ask = STRBUF_INIT;
	int fd, rc = 0;

	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		return svc_errf(err, EX_IOERR, "cannot open the terminal to ask: %s", prompt);
	sb_addf(&ask, "%s: ", prompt);
	if (read_tty_line(fd, ask.buf, true, out) != 0)
		rc = svc_errf(err, EX_IOERR, "cannot read the answer from the terminal");
	close(fd);
	sb_release(&ask);
	return rc;
}

int
cli_read_secret(const char *prompt, bool confirm, struct strbuf *out, struct svc_err *err)
{
	struct strbuf again = STRBUF_INIT;
	struct strbuf ask = STRBUF_INIT;
	int fd, rc = -1;

	if (!isatty(STDIN_FILENO)) {
		if (read_stdin_line(out) != 0)
			return svc_errf(err, EX_IOERR, "cannot read %s from stdin", prompt);
		return 0;
	}
	if ((fd = open("/dev/tty", O_RDWR | O_CLOEXEC)) < 0)
		return svc_errf(err, EX_IOERR, "cannot open the terminal to ask for %s", prompt);
	sb_addf(&ask, "%s: ", prompt);
	if (read_tty_line(fd, ask.buf, false, out) != 0) {
		svc_errf(err, EX_IOERR, "cannot read %s from the terminal", prompt);
		goto out;
	}
	if (confirm) {
		sb_reset(&ask);
		sb_addf(&ask, "%s (again): ", prompt);
		if (read_tty_line(fd, ask.buf, false, &again) != 0 ||
		    strcmp(sb_str(&again), sb_str(out)) != 0) {
			svc_errf(err, EX_DATAERR, "the two entries of %s differ; nothing changed",
				 prompt);
			goto out;
		}
	}
	rc = 0;
out:
	close(fd);
	sb_release(&again);
	sb_release(&ask);
	return rc;
}

static bool
from_env(const char *name, char *dst, size_t cap)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		return false;
	strlcpy_(dst, v, cap);
	return true;
}

static int
prompt_into(const char *prompt, char *dst, size_t cap, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT;
	int rc = cli_read_secret(prompt, false, &v, err);

	if (rc == 0)
		strlcpy_(dst, sb_str(&v), cap);
	sb_release(&v);
	return rc;
}

int
cli_ask_creds(void *arg, unsigned doors, struct device_creds *c, struct svc_err *err)
{
	(void)arg;
	c->manager = from_env("SVCMODE_MANAGER_ID", c->manager_id, sizeof c->manager_id) &&
		     from_env("SVCMODE_MANAGER_PIN", c->manager_pin, sizeof c->manager_pin);
	c->service1 = from_env("SVCMODE_SERVICE_CODE", c->service1_code, sizeof c->service1_code);
	c->service2 = from_env("SVCMODE_SERVICE2_CODE", c->service2_code, sizeof c->service2_code);
	if (c->manager || c->service1 || !isatty(STDIN_FILENO))
		return 0;
	/* Nothing in the environment and a person at the terminal: ask for
	 * the cheapest door that opens it. */
	if (doors & DOOR_MANAGER) {
		if (prompt_into("System Manager ID", c->manager_id, sizeof c->manager_id, err) ||
		    prompt_into("System PIN", c->manager_pin, sizeof c->manager_pin, err))
			return -1;
		c->manager = true;
		return 0;
	}
	if (prompt_into("Service code (level 1)", c->service1_code, sizeof c->service1_code, err))
		return -1;
	c->service1 = true;
	if (!(doors & DOOR_SERVICE1)) {
		if (prompt_into("Service code (level 2)", c->service2_code, sizeof c->service2_code,
				err))
			return -1;
		c->service2 = true;
	}
	return 0;
}
