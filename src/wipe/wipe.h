/*
 * Initialize All Data/Settings: the factory reset of the device's data.
 *
 * The intent is recorded in the store before anything changes; the erase
 * then runs as a sequence of parts (settings, lockout states, the data of
 * each feature module, document files), each committed together with the
 * recorded progress, and ends with VACUUM and a truncating WAL checkpoint,
 * so that no erased byte survives in any file of the store. An
 * initialization that was interrupted (killed, power lost) is completed by
 * wipe_resume(), which every front end calls before anything else.
 *
 * Errors: -1 with err filled (EX_USAGE, EX_NOPERM for a missing or wrong
 * confirmation or credential: nothing has changed; EX_IOERR, EX_TEMPFAIL
 * during the erase: the intent stays recorded and the next start
 * completes it).
 */
#ifndef SVC_WIPE_H
#define SVC_WIPE_H

#include <stdbool.h>

#include "config/config.h"
#include "util/err.h"
#include "util/strbuf.h"

enum wipe_preset {
	WIPE_ALL = 1,           /* the manual's function: user data and settings */
	WIPE_SETTINGS_ONLY = 2, /* settings only; user data is kept */
};

const char *wipe_preset_name(enum wipe_preset p); /* "all", "settings-only" */
int wipe_preset_parse(const char *s, enum wipe_preset *out);

/* Progress: WHAT is a short line (part, bytes, time left), FRACTION in [0, 1]. */
typedef void (*wipe_progress_fn)(void *arg, const char *what, double fraction);

struct wipe_report;

/*
 * Initializes: checks that CONFIRM is the device's serial number (else
 * EX_USAGE when NULL, EX_NOPERM when different) and that the session holds
 * DOOR_MANAGER or DOOR_SERVICE1 (device_require), then records
 * the intent and erases. *OUT (the caller frees it) is the stored report.
 */
int wipe_run(struct device *dev, enum wipe_preset preset, const char *confirm, wipe_progress_fn fn,
	     void *arg, struct wipe_report **out, struct svc_err *err);

/* Whether PATH may receive the backup made before an initialization: -1
 * with EX_CANTCREAT when Initialize would erase it (inside the store's
 * folder of documents STORE.d, or named like the store beside it), else 0.
 * Reads only. */
int wipe_outside_check(struct device *dev, const char *path, struct svc_err *err);

/* Returns 1 when an interrupted initialization is recorded, with a short
 * description in DESC ("all, started 2026-... by tester"); 0 when none. */
int wipe_pending(struct device *dev, struct strbuf *desc, struct svc_err *err);
/* Completes the recorded initialization (no rights needed: they were
 * checked when it was started). */
int wipe_resume(struct device *dev, wipe_progress_fn fn, void *arg, struct wipe_report **out,
		struct svc_err *err);
/*
 * What a front end calls after opening the store, before anything else:
 * completes a recorded interrupted initialization (wipe_pending,
 * wipe_resume; nothing is printed, no progress is reported). Appends to
 * NOTE the lines the person should be told ("svcmode: an initialization
 * was interrupted (...)", then that it is complete), each ended by '\n';
 * nothing when no initialization was pending. Returns 0, or -1
 * with err when the initialization cannot be completed (NOTE then says
 * that one was found).
 */
int wipe_startup(struct device *dev, struct strbuf *note, struct svc_err *err);

/* The last report; EX_NOINPUT when the device was never initialized. */
int wipe_report_last(struct device *dev, struct wipe_report **out, struct svc_err *err);
typedef void (*wipe_line_fn)(void *arg, const char *line);
void wipe_report_lines(const struct wipe_report *r, wipe_line_fn fn, void *arg);
void wipe_report_json(const struct wipe_report *r, struct strbuf *out);
/* The report's top-level JSON members in order: NAME and its VALUE
 * written as JSON (a string literal, a number, true/false or an object);
 * wipe_report_json is made of them. */
typedef void (*wipe_field_fn)(void *arg, const char *name, const char *value);
void wipe_report_fields(const struct wipe_report *r, wipe_field_fn fn, void *arg);
/* False when the verification found a difference or a damaged store. */
bool wipe_report_passed(const struct wipe_report *r);
void wipe_report_free(struct wipe_report *r);

#endif
