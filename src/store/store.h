/*
 * The device store: one SQLite file, and the only code in svcmode that
 * talks to SQLite. Every statement is prepared once with bound parameters.
 *
 * Errors: functions return -1 (or a negative count) and fill struct svc_err
 * with a sysexits code: EX_NOINPUT (no store), EX_DATAERR (not a store,
 * damaged, or written by a newer svcmode), EX_TEMPFAIL (busy),
 * EX_IOERR / EX_CANTCREAT. A failed call inside a transaction leaves the
 * transaction open for the caller to roll back; nothing is half-written
 * after store_rollback().
 */
#ifndef SVC_STORE_H
#define SVC_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"
#include "util/strbuf.h"

struct store;

struct store_identity {
	char model[32];
	char serial[16];
	char mac[24];
	unsigned char secret[32]; /* per-device secret; wipe after use */
	char created[32];
};

/* The schema version this svcmode writes (the highest schema/NNN_*.sql). */
int store_schema_latest(void);

/*
 * Creates a new store at PATH with the schema and IDENTITY, atomically:
 * it is built beside PATH and renamed into place. The directory is made
 * 0700, the file 0600. Refuses (EX_CANTCREAT) if PATH exists.
 */
int store_create(const char *path, const struct store_identity *identity, struct svc_err *err);

/*
 * Opens an existing store: checks that it is an SQLite file made by
 * svcmode, not damaged (quick check) and not newer than this program, all
 * before anything can be written; then applies pending migrations in one
 * transaction. *out is NULL on failure.
 */
int store_open(const char *path, struct store **out, struct svc_err *err);
void store_close(struct store *st);

const char *store_path(const struct store *st);
int store_schema_version(const struct store *st);
const char *store_sqlite_version(void);

/* Transactions nest; only the outermost begin/commit reach SQLite.
 * store_commit: 0; -1 when the transaction was rolled back (a full disk:
 * nothing changed); -2 when the disk did not confirm the commit, so that
 * the change is either complete or absent. */
int store_begin(struct store *st, struct svc_err *err);
int store_commit(struct store *st, struct svc_err *err);
void store_rollback(struct store *st);

int store_identity_get(struct store *st, struct store_identity *out, struct svc_err *err);

/* Settings: raw stored values (the catalog layer validates and formats). */
/* Returns 1 and fills value when the key has a row, 0 when it has none. */
int store_setting_get(struct store *st, const char *key, struct strbuf *value, struct svc_err *err);
int store_setting_put(struct store *st, const char *key, const char *value, struct svc_err *err);
int store_setting_delete(struct store *st, const char *key, struct svc_err *err);
typedef int (*store_setting_fn)(void *arg, const char *key, const char *value);
int store_setting_each(struct store *st, store_setting_fn fn, void *arg, struct svc_err *err);

/*
 * Change notification: FN is called after a commit once for each key that
 * the committed transaction changed (or reset). store_data_version()
 * changes when another connection commits; a screen compares it to see
 * that the store moved under it.
 */
typedef void (*store_watch_fn)(void *arg, const char *key);
void store_watch(struct store *st, store_watch_fn fn, void *arg);
int64_t store_data_version(struct store *st);

/* Guarded doors (manager, service1, ...): failed-attempt state. */
struct store_door {
	int failures;         /* wrong attempts since the last success */
	int64_t locked_until; /* unix time; 0 = not locked */
};
int store_door_get(struct store *st, const char *name, struct store_door *out, struct svc_err *err);
int store_door_put(struct store *st, const char *name, const struct store_door *door,
		   struct svc_err *err);

/* The audit log. */
struct store_audit {
	int64_t id;
	const char *at; /* UTC, ISO 8601; set by the store on add */
	const char *actor;
	const char *level;
	const char *event;
	const char *key;
	const char *old;
	const char *new;
	const char *detail;
};
int store_audit_add(struct store *st, const struct store_audit *rec, struct svc_err *err);
typedef int (*store_audit_fn)(void *arg, const struct store_audit *rec);
/* The last LIMIT records (all if LIMIT <= 0), oldest first. */
int store_audit_each(struct store *st, int limit, store_audit_fn fn, void *arg,
		     struct svc_err *err);

/* Device counters. */
typedef int (*store_counter_fn)(void *arg, const char *name, int64_t value);
int store_counter_each(struct store *st, store_counter_fn fn, void *arg, struct svc_err *err);

/*
 * Parses JSON with SQLite's JSON functions: FN gets each member of the
 * object (or element of the array) at PATH ("$.settings"), with its JSON
 * type ("text", "integer", "true", "object", ...) and its value as text.
 * Malformed JSON, a member name repeated at PATH, and a NUL ("\u0000")
 * in a name or a text value are EX_DATAERR.
 */
typedef int (*store_json_fn)(void *arg, const char *key, const char *type, const char *value);
int store_json_each(struct store *st, const char *json, const char *path, store_json_fn fn,
		    void *arg, struct svc_err *err);

/* Size in bytes of the database file (page_count * page_size). */
int64_t store_size(struct store *st);

#endif
