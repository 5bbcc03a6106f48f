/*
 * OpenSSL's error queue in the one error convention (util/err.h). Each
 * function reports the first queued error, the one that says what went
 * wrong, and empties the queue so that a later failure is not blamed on it.
 */
#ifndef SVC_ERR_OPENSSL_H
#define SVC_ERR_OPENSSL_H

#include <stddef.h>

#include "util/err.h"

/* BUF gets the first queued error ("error:...:reason"), or "" when the
 * queue is empty; the queue is drained either way. */
void svc_openssl_reason(char *buf, size_t n);

/* Fills err with "MSG (reason)", or MSG alone when nothing is queued, and
 * returns -1. */
int svc_err_openssl(struct svc_err *err, int code, const char *msg);

/* Fills err with "WHAT failed: reason" (EX_SOFTWARE) and returns -1: a
 * primitive (random numbers, a MAC, a cipher) that should not fail did. */
int svc_err_openssl_failed(struct svc_err *err, const char *what);

#endif
