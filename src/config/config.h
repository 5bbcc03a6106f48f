/*
 * The device: an open store with its catalog, identity and the session's
 * access level, and the settings API every front end uses. Values are
 * validated against the catalog, access is checked, secrets are sealed and
 * PINs hashed, and every change is one audited transaction.
 *
 * On failure nothing has been written (failed logins excepted: they are
 * recorded by design) and err says which key, which value, what was
 * expected.
 */
#ifndef SVC_CONFIG_H
#define SVC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "access/access.h"
#include "catalog/catalog.h"
#include "store/store.h"
#include "util/err.h"
#include "util/strbuf.h"

struct device;

/* Credentials a front end can offer (from the environment or a prompt). */
struct device_creds {
	bool manager, service1, service2;
	char manager_id[16], manager_pin[16];
	char service1_code[16], service2_code[16];
};
/* Asked when a command needs a door the session has not opened (DOORS:
 * any one of them will do). Returns 0 and fills what it has, or -1 with
 * err set. */
typedef int (*device_ask_fn)(void *arg, unsigned doors, struct device_creds *out,
			     struct svc_err *err);

/* Where the store is: $SVCMODE_DB, /var/lib/svcmode/device.db if writable,
 * else $XDG_DATA_HOME/svcmode/device.db. */
char *device_default_path(void);

/* Creates a store with a new identity (SERIAL may be NULL: a random one). */
int device_create(const char *path, const char *serial, struct svc_err *err);
/* Opens PATH; with CREATE, a missing store is created first (*created set). */
int device_open(const char *path, bool create, bool *created, struct device **out,
		struct svc_err *err);
void device_close(struct device *dev);

struct store *device_store(struct device *dev);
const struct catalog *device_catalog(const struct device *dev);
const struct store_identity *device_identity(const struct device *dev);
/* The highest level the opened doors amount to (titles, audit). */
enum level device_level(const struct device *dev);
/* The doors the session has opened (DOOR_*). */
unsigned device_doors(const struct device *dev);
const char *device_operator(const struct device *dev);
/* The operator named in the audit log: 1-63 bytes of printable text
 * (UTF-8, no control characters), else EX_USAGE and nothing changes. The
 * default is $SVCMODE_OPERATOR (checked the same way), else the user. */
int device_set_operator(struct device *dev, const char *name, struct svc_err *err);
#define DEVICE_OPERATOR_MAX 63
/* The device's own service (SMTP reception, POP Interval receptions)
 * acts as the device: the audit log names it "svcmode serve", and the
 * System Manager's door is open, as the device panel's own receptions are
 * the customer's settings at work, not a person's operation. */
void device_as_service(struct device *dev);
/* The check of device_set_operator alone (before a store is opened). */
int device_check_operator(const char *name, struct svc_err *err);
void device_set_asker(struct device *dev, device_ask_fn fn, void *arg);

/* What the front ends read of the store, through the device. */
struct device_store_info {
	const char *path;
	int64_t size;
	int schema;
	const char *sqlite; /* the library's version */
};
void device_store_info(struct device *dev, struct device_store_info *out);
/* The audit log, oldest first (the last LIMIT records; <= 0: all). */
int device_audit_each(struct device *dev, int limit, store_audit_fn fn, void *arg,
		      struct svc_err *err);
int device_counter_each(struct device *dev, store_counter_fn fn, void *arg, struct svc_err *err);
/* Changes when any process commits to the store (the menus redraw then). */
int64_t device_data_version(struct device *dev);

/* The lockouts of the manager and service doors. CLEARABLE: this session
 * holds the level that may clear that door's (a door's own level: level 1
 * never clears the level-2 door's). */
typedef int (*device_lockout_fn)(void *arg, const char *door, int failures, bool locked,
				 bool clearable);
int device_lockout_each(struct device *dev, device_lockout_fn fn, void *arg, struct svc_err *err);
/* Clears, in one audited transaction, the lockouts this session may clear;
 * their number in *cleared. */
int device_lockout_clear(struct device *dev, int *cleared, struct svc_err *err);

/* Seconds a door stays locked after three wrong codes (Lockout Delay). */
int device_lockout_delay(struct device *dev);
/*
 * The one access rule: succeeds when the session holds one of DOORS (0:
 * anyone), else asks the front end for credentials and opens the cheapest
 * door they fit. WHAT names the thing wanted, for the message ("changing
 * system.manager.name"). EX_NOPERM when nothing offered opens a door;
 * the message says which credentials would.
 */
int device_require(struct device *dev, unsigned doors, const char *what, struct svc_err *err);
/* device_require, and a refusal (EX_NOPERM: no credential opened a door)
 * recorded in the audit log as "refused" on KEY with the message: for
 * the operations whose refusals the log must show. */
int device_require_audited(struct device *dev, unsigned doors, const char *what, const char *key,
			   struct svc_err *err);
/* Logs into DOOR (LEVEL_MANAGER, _SERVICE1, _SERVICE2) with CREDS. */
int device_login(struct device *dev, enum level door, const struct device_creds *creds,
		 struct svc_err *err);
/* Closes every door not in KEEP (idle logout, leaving Service Mode). */
void device_logout(struct device *dev, unsigned keep);
/* Checks a credential against the stored value of KEY (a pin-type
 * setting), through the door's lockout. */
int device_check_pin(struct device *dev, const char *door, const char *key, const char *given,
		     struct svc_err *err);
/* A key derived from the device secret for PURPOSE. */
int device_key(const struct device *dev, const char *purpose, unsigned char key[32],
	       struct svc_err *err);
/* Appends to the audit log as the session's operator and level. */
int device_audit(struct device *dev, const char *event, const char *key, const char *old,
		 const char *new, const char *detail, struct svc_err *err);

/* --- settings --- */
/* The value as shown: "***" for a set secret or PIN, "" for an unset one. */
int config_get(struct device *dev, const char *key, struct strbuf *out, struct svc_err *err);
/* The usable value: a secret decrypted (wipe it after use). PINs stay hashed. */
int config_get_plain(struct device *dev, const char *key, struct strbuf *out, struct svc_err *err);
/* Whether KEY has a value other than its factory default. */
int config_is_default(struct device *dev, const char *key, bool *out, struct svc_err *err);
/* The stored form, as a stamp for config_set_checked. */
/* A bool (ON/OFF), int/port or enum setting as a value (an enum as the
 * index of its choice: compare with keys.h's CHOICE_ macros); EX_SOFTWARE
 * when the catalog gives KEY another type. */
int config_get_bool(struct device *dev, const char *key, bool *out, struct svc_err *err);
int config_get_int(struct device *dev, const char *key, int *out, struct svc_err *err);
int config_get_choice(struct device *dev, const char *key, int *out, struct svc_err *err);

/*
 * A feature's settings struct, bound once: {key, offset, kind} rows read in
 * one call, each through its typed getter. CFG_TEXT and CFG_PLAIN fill a
 * struct strbuf (never NULL afterwards; CFG_PLAIN decrypts a secret), CFG_INT
 * an int, CFG_BOOL a bool, CFG_CHOICE an int (the choice's index).
 */
enum cfg_kind { CFG_TEXT, CFG_PLAIN, CFG_INT, CFG_BOOL, CFG_CHOICE };
struct cfg_field {
	const char *key;
	size_t offset;
	enum cfg_kind kind;
};
#define CFG_FIELD(key, type, member, kind)                                                         \
	{                                                                                          \
		key, offsetof(type, member), kind                                                  \
	}
/* On failure the strbufs already read stay for the caller to release. */
int config_bind(struct device *dev, const struct cfg_field *fields, size_t n, void *base,
		struct svc_err *err);
int config_stamp(struct device *dev, const char *key, struct strbuf *out, struct svc_err *err);
int config_set(struct device *dev, const char *key, const char *value, struct svc_err *err);
/* config_set of an instanced key (box.07.name) whose door the caller has
 * opened itself (the inbox, with its password); EX_SOFTWARE for any other
 * key. Validated, hashed and audited like config_set. */
int config_set_opened(struct device *dev, const char *key, const char *value, struct svc_err *err);
/* Like config_set, but fails with EX_TEMPFAIL ("changed meanwhile") if the
 * stored form is no longer STAMP. */
int config_set_checked(struct device *dev, const char *key, const char *value, const char *stamp,
		       struct svc_err *err);
int config_reset(struct device *dev, const char *key, struct svc_err *err);
/* COPIER > FUNCTION > CLEAR > PWD-CLR: the System Manager ID and PIN go
 * back to the factory 7654321/7654321 and the manager door's lockout is
 * cleared, in one audited transaction. The caller has opened a service
 * door (the operation table says which). */
int config_pwd_clear(struct device *dev, struct svc_err *err);
/* Resets every key that Initialize All Data/Settings resets, inside the
 * caller's transaction; returns how many were not at their default. */
int config_reset_for_init(struct device *dev, struct svc_err *err);

/* --- export / import (JSON) --- */
/* The JSON; secrets need DOOR_MANAGER. The caller audits an export with
 * secrets once it has been written. */
int config_export(struct device *dev, bool include_secrets, struct strbuf *out,
		  struct svc_err *err);
/* All or nothing: every bad key or value is listed in PROBLEMS (one per
 * line) and nothing is written. Returns the number of changed keys. */
int config_import(struct device *dev, const char *json, struct strbuf *problems,
		  struct svc_err *err);
/* What config_import would change, one "KEY: 'old' -> 'new'" line each
 * (secrets as ***), without writing or asking for credentials. */
int config_import_plan(struct device *dev, const char *json, struct strbuf *problems,
		       struct strbuf *plan, struct svc_err *err);
/* A part of the export that a feature module keeps beside the catalog's
 * settings (the inboxes' settings, the MAC exception lists): NAME is its
 * key in the export. export writes its JSON value. plan reads the
 * imported value (NULL when the file has none), lists bad entries in
 * PROBLEMS and what would change in PLAN (one line each), keeps what it
 * will write in *STATE and returns the number of changes, or -1. apply
 * writes *STATE inside the import's one transaction; release frees it. */
struct config_section {
	const char *name;
	unsigned doors; /* needed to import a change of it */
	/* Set for the instanced keys PREFIX.NN.* ("box"): the catalog makes
	 * the section ({"07": {"name": ...}}, hidden values left out) and its
	 * members are imported as settings; the functions below are NULL. */
	const char *instances;
	int (*export)(struct device *dev, struct strbuf *json, struct svc_err *err);
	int (*plan)(struct device *dev, const char *json, struct strbuf *problems,
		    struct strbuf *plan, void **state, struct svc_err *err);
	int (*apply)(struct device *dev, void *state, struct svc_err *err);
	void (*release)(void *state);
};
/* config_export and config_import with SECTIONS (ended by a NULL name) as
 * well: one file, one transaction, all or nothing. */
int config_export_all(struct device *dev, bool include_secrets,
		      const struct config_section *sections, struct strbuf *out,
		      struct svc_err *err);
int config_import_all(struct device *dev, const char *json, const struct config_section *sections,
		      bool write, struct strbuf *problems, struct strbuf *plan,
		      struct svc_err *err);
/* The members of the JSON object or array at PATH of JSON ("$.mac.rx"),
 * for a section's plan: KEY (or the index), TYPE as SQLite's json_each
 * names it ("text", "integer", "object", "array", ...), VALUE. */
typedef int (*config_json_fn)(void *arg, const char *key, const char *type, const char *value);
int config_json_each(struct device *dev, const char *json, const char *path, config_json_fn fn,
		     void *arg, struct svc_err *err);
/* Sets several keys in one transaction: every value is validated and every
 * door opened first; on any refusal nothing is written. */
int config_set_many(struct device *dev, const char *const *keys, const char *const *values, int n,
		    struct svc_err *err);

#endif
