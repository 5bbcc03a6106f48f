/*
 * The one error convention: a function returns 0 (or a count) on success
 * and -1 on failure, after filling the caller's struct svc_err with a
 * sysexits(3) code and a message that names the thing and quotes the value.
 * The caller decides where the message goes (stderr, status line, dialog).
 */
#ifndef SVC_ERR_H
#define SVC_ERR_H

#include <stdarg.h>
#include <sysexits.h>

/* sysexits.h has no "ok"; EX_OK is 0. */
struct svc_err {
	int code;      /* EX_USAGE, EX_DATAERR, ... */
	char msg[256]; /* lowercase, no trailing newline */
};

/* Fills err (if not NULL) and returns -1. */
int svc_errf(struct svc_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int svc_verrf(struct svc_err *err, int code, const char *fmt, va_list ap);
void svc_err_clear(struct svc_err *err);

/* A short name for an exit code ("usage", "bad data", ...). */
const char *svc_exit_name(int code);

#endif
