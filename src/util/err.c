#include "util/err.h"

#include <stdio.h>
#include <string.h>

int
svc_verrf(struct svc_err *err, int code, const char *fmt, va_list ap)
{
	if (err == NULL)
		return -1;
	err->code = code;
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	return -1;
}

int
svc_errf(struct svc_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	svc_verrf(err, code, fmt, ap);
	va_end(ap);
	return -1;
}

void
svc_err_clear(struct svc_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

static const struct {
	int code;
	const char *name;
} exit_names[] = {
	{ EX_OK, "ok" },
	{ EX_USAGE, "usage error" },
	{ EX_DATAERR, "bad data" },
	{ EX_NOINPUT, "no input" },
	{ EX_SOFTWARE, "internal error" },
	{ EX_CANTCREAT, "cannot create" },
	{ EX_IOERR, "i/o error" },
	{ EX_TEMPFAIL, "try again later (locked or busy)" },
	{ EX_PROTOCOL, "remote protocol error" },
	{ EX_NOPERM, "permission denied" },
	{ EX_CONFIG, "configuration error" },
	{ EX_UNAVAILABLE, "unavailable" },
};

const char *
svc_exit_name(int code)
{
	for (size_t i = 0; i < sizeof exit_names / sizeof exit_names[0]; i++)
		if (exit_names[i].code == code)
			return exit_names[i].name;
	return "error";
}
