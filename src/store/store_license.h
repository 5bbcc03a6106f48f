/*
 * The license tables of the device store (schema/060_license.sql). Raw
 * rows: the license module decides what they mean. Errors as in store.h;
 * a failed call inside a transaction leaves it for the caller to roll back.
 */
#ifndef SVC_STORE_LICENSE_H
#define SVC_STORE_LICENSE_H

#include <stdint.h>

#include "store/store.h"

struct store_license {
	char option[16];
	int64_t number;
	char state[16]; /* active, transferred, erased */
	char installed[32];
	char ended[32];    /* "" while active */
	int64_t counter;   /* -1 unless transferred */
	char transfer[32]; /* "" unless transferred */
};

/* The sealed device license key: 1 and fills SEALED and SOURCE, 0 if none. */
int store_license_key_get(struct store *st, struct strbuf *sealed, struct strbuf *source,
			  struct svc_err *err);
/* Stores it, replacing the one there is (license provision moves a demo
 * key to the factory one; the license module decides when that is right). */
int store_license_key_add(struct store *st, const char *sealed, const char *source,
			  struct svc_err *err);

/* 1 and fills OUT for the row of OPTION and NUMBER, 0 if none. */
int store_license_get(struct store *st, const char *option, int64_t number,
		      struct store_license *out, struct svc_err *err);
/* The active row of OPTION (1), or 0; with LATEST, the most recent row of
 * any state instead. */
int store_license_current(struct store *st, const char *option, int latest,
			  struct store_license *out, struct svc_err *err);
/* A new active row. */
int store_license_add(struct store *st, const char *option, int64_t number, struct svc_err *err);
/* Ends the active row OPTION/NUMBER in one statement: STATE 'erased' (no
 * COUNTER or TRANSFER) or 'transferred' (both). EX_DATAERR if it was not
 * active. */
int store_license_end(struct store *st, const char *option, int64_t number, const char *state,
		      int64_t counter, const char *transfer, struct svc_err *err);
/* The next invalidation counter (1 + the highest used, 1 at first). */
int store_license_next_counter(struct store *st, int64_t *out, struct svc_err *err);

typedef int (*store_license_fn)(void *arg, const struct store_license *row);
/* Every row, by option then installation order. */
int store_license_each(struct store *st, store_license_fn fn, void *arg, struct svc_err *err);

#endif
