/*
 * The license history kept outside the store: the highest invalidation
 * counter and every license number invalidated or erased, for one serial.
 * It is what the manual's devices keep on the counter board: a copy of the
 * store put back in place cannot bring a license back, because this file
 * still says it is gone (license.c compares the two on every license
 * operation).
 *
 * Where: $SVCMODE_LICENSE_HISTORY (a directory), else /var/lib/svcmode-counter
 * when it is writable or can be created, else
 * $XDG_DATA_HOME/svcmode-counter; the file is DIR/SERIAL. Never in the
 * store's own directory (refused): a copy of that directory would carry it.
 * Writes are atomic (temporary file, fsync, rename, fsync of the directory).
 * Errors: -1 with err; a missing file is an empty history, a damaged one
 * EX_DATAERR.
 */
#ifndef SVC_LICENSE_HISTORY_H
#define SVC_LICENSE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "license/scheme.h"
#include "util/err.h"

struct lic_hist_entry {
	char option[16];
	int64_t number;
	char state[16];          /* transferred or erased */
	int64_t counter;         /* 0 when erased */
	char transfer[LIC_TEXT]; /* "" when erased */
};

struct lic_hist {
	char *path;
	char serial[16];
	int64_t counter; /* the highest invalidation counter used */
	size_t n, cap;
	struct lic_hist_entry *e;
};

/* Reads the history of SERIAL for the store at STORE_PATH into H (empty
 * when there is no file yet). */
int lic_hist_load(const char *store_path, const char *serial, struct lic_hist *h,
		  struct svc_err *err);
/* Writes H to its file (creating the directory 0700, the file 0600). */
int lic_hist_save(const struct lic_hist *h, struct svc_err *err);
/* The entry of OPTION/NUMBER, or NULL. */
const struct lic_hist_entry *lic_hist_find(const struct lic_hist *h, const char *option,
					   int64_t number);
/* Appends E (and raises the counter to E's). */
int lic_hist_add(struct lic_hist *h, const struct lic_hist_entry *e, struct svc_err *err);
void lic_hist_release(struct lic_hist *h);

#endif
