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
/* Asked when a command needs more than the session's level. Returns 0 and
 * fills what it has, or -1 with err set. */
typedef int (*device_ask_fn)(void *arg, enum level need, struct device_creds *out,
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
enum level device_level(const struct device *dev);
const char *device_operator(const struct device *dev);
void device_set_operator(struct device *dev, const char *name);
void device_set_asker(struct device *dev, device_ask_fn fn, void *arg);

/* Raises the session to NEED, asking for credentials if needed. WHAT names
 * the thing wanted, for the message ("changing system.manager.name"). */
int device_require(struct device *dev, enum level need, const char *what, struct svc_err *err);
/* Logs into DOOR (LEVEL_MANAGER, _SERVICE1, _SERVICE2) with CREDS. */
int device_login(struct device *dev, enum level door, const struct device_creds *creds,
		 struct svc_err *err);
/* Drops back to user level (idle logout, leaving Service Mode). */
void device_logout(struct device *dev, enum level to);
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
int config_stamp(struct device *dev, const char *key, struct strbuf *out, struct svc_err *err);
int config_set(struct device *dev, const char *key, const char *value, struct svc_err *err);
/* Like config_set, but fails with EX_TEMPFAIL ("changed meanwhile") if the
 * stored form is no longer STAMP. */
int config_set_checked(struct device *dev, const char *key, const char *value, const char *stamp,
		       struct svc_err *err);
int config_reset(struct device *dev, const char *key, struct svc_err *err);
/* Resets every key that Initialize All Data/Settings resets, inside the
 * caller's transaction; returns how many were not at their default. */
int config_reset_for_init(struct device *dev, struct svc_err *err);

/* --- export / import (JSON) --- */
int config_export(struct device *dev, bool include_secrets, struct strbuf *out,
		  struct svc_err *err);
/* All or nothing: every bad key or value is listed in PROBLEMS (one per
 * line) and nothing is written. Returns the number of changed keys. */
int config_import(struct device *dev, const char *json, struct strbuf *problems,
		  struct svc_err *err);

#endif
