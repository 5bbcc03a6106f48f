/*
 * The store side of Initialize All Data/Settings: the recorded intent of a
 * running initialization, the erase reports, and the erasing statements
 * on the foundation's tables (lockout states, audit values). Functions
 * that change rows run inside the caller's transaction, except
 * store_wipe_compact(), which must run outside any.
 */
#ifndef SVC_STORE_WIPE_H
#define SVC_STORE_WIPE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

struct store_wipe_job {
	char preset[16]; /* "all", "settings-only" */
	char method[16]; /* erase_method_name() */
	bool verify;
	char operator[64];
	char level[16];
	char started[32]; /* UTC, ISO 8601 */
	int64_t started_ms;
	int phase;   /* index of the next part to run */
	int resumed; /* how many times it was completed after an interruption */
	int64_t bytes;
	int64_t verify_failures;
};

/* Returns 1 and fills OUT when an initialization is in progress, else 0. */
int store_wipe_job_get(struct store *st, struct store_wipe_job *out, struct svc_err *err);
/* Records the intent; EX_TEMPFAIL if one is already recorded. */
int store_wipe_job_add(struct store *st, const struct store_wipe_job *job, struct svc_err *err);
/* Saves the progress: PHASE, tally of bytes and verification failures, resumes. */
int store_wipe_job_update(struct store *st, const struct store_wipe_job *job, struct svc_err *err);

/* Adds N items of KIND to the tally of REPORT (0: the initialization in progress). */
int store_wipe_count_add(struct store *st, int64_t report, const char *kind, int64_t n,
			 struct svc_err *err);
typedef int (*store_wipe_count_fn)(void *arg, const char *kind, int64_t n);
int store_wipe_count_each(struct store *st, int64_t report, store_wipe_count_fn fn, void *arg,
			  struct svc_err *err);

struct store_wipe_report {
	int64_t id;
	char preset[16];
	char method[16];
	bool verify;
	char verification[256];
	int64_t bytes;
	char started[32];
	char finished[32];
	int64_t duration_ms;
	char operator[64];
	char level[16];
	char model[32];
	char serial[16];
	int resumed;
	char tool[32];
};

/* Writes the report, moves the tally of the job to it and removes the job:
 * the initialization is complete when the caller commits. *ID is set. */
int store_wipe_finish(struct store *st, const struct store_wipe_report *r, int64_t *id,
		      struct svc_err *err);
/* Returns 1 and fills OUT with the last report, 0 when there is none. */
int store_wipe_report_last(struct store *st, struct store_wipe_report *out, struct svc_err *err);

/* Removes lockout states: every door except the service-mode ones when
 * ALL, else the System Manager's. Returns how many were removed. */
int store_wipe_doors(struct store *st, bool all, struct svc_err *err);
/* Replaces the recorded values of KEY in the audit log by "(erased)",
 * keeping the records. Returns how many records changed. */
int store_wipe_audit_values(struct store *st, const char *key, struct svc_err *err);

/* In the audit records of the events that start with PREFIX ("box."),
 * replaces old, new and detail (and the key, with KEYS) by "(erased)",
 * keeping the records. Returns how many records changed. */
int store_wipe_audit_events(struct store *st, const char *prefix, bool keys, struct svc_err *err);

/* VACUUM, then a WAL checkpoint that truncates the WAL file to zero bytes.
 * EX_TEMPFAIL when another connection keeps the WAL from being emptied. */
int store_wipe_compact(struct store *st, struct svc_err *err);
/* PRAGMA integrity_check ("ok" or the first problem, in PROBLEM) and the
 * number of free pages. */
int store_wipe_check(struct store *st, char *problem, size_t cap, int64_t *free_pages,
		     struct svc_err *err);

#endif
