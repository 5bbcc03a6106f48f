#include "util/err_openssl.h"

#include <openssl/err.h>
#include <stdio.h>

void
svc_openssl_reason(char *buf, size_t n)
{
	unsigned long e = ERR_get_error();

	if (n > 0)
		buf[0] = '\0';
	if (e && n > 0)
		ERR_error_string_n(e, buf, n);
	ERR_clear_error();
}

int
svc_err_openssl(struct svc_err *err, int code, const char *msg)
{
	char reason[160];

	svc_openssl_reason(reason, sizeof reason);
	if (*reason)
		return svc_errf(err, code, "%s (%s)", msg, reason);
	return svc_errf(err, code, "%s", msg);
}

int
svc_err_openssl_failed(struct svc_err *err, const char *what)
{
	/* 128: the length these messages have always been cut to. */
	char reason[128];

	svc_openssl_reason(reason, sizeof reason);
	return svc_errf(err, EX_SOFTWARE, "%s failed: %s", what, reason);
}
