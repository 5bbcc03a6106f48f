/* Reading and changing settings: validation, access, sealing, audit. */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/seal.h"
#include "catalog/keys.h"
#include "config/device_int.h"

#define SEAL_PURPOSE "svcmode settings v1"

/* What a hidden value looks like on screen and in the audit log. */
static const char *
hidden_shown(const char *stored)
{
	return *stored ? "***" : "";
}

/* 1 and the stored form if E has a value of its own, 0 if it is at its
 * default; an instanced key's value lives in its feature's row. */
static int
raw_get(struct device *dev, const struct cat_entry *e, struct strbuf *stored, struct svc_err *err)
{
	return e->instance >= 0 ? instance_get(dev, e, stored, err)
				: store_setting_get(dev->st, e->key, stored, err);
}

static int
current(struct device *dev, const struct cat_entry *e, struct strbuf *stored, struct svc_err *err)
{
	int rc = raw_get(dev, e, stored, err);

	if (rc == 0) {
		sb_reset(stored);
		sb_adds(stored, e->deflt);
	}
	return rc < 0 ? -1 : 0;
}

int
settings_stored(struct device *dev, const struct cat_entry *e, struct strbuf *out,
		struct svc_err *err)
{
	return current(dev, e, out, err);
}

int
config_get(struct device *dev, const char *key, struct strbuf *out, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);
	struct strbuf v = STRBUF_INIT;

	if (e == NULL || current(dev, e, &v, err) != 0) {
		sb_release(&v);
		return -1;
	}
	sb_reset(out);
	sb_adds(out, catalog_is_hidden(e) ? hidden_shown(sb_str(&v)) : sb_str(&v));
	sb_release(&v);
	return 0;
}

/* The typed reads: the catalog says the key is of that type, so a
 * misspelt or mistyped key fails here (EX_SOFTWARE) rather than reading
 * as OFF or 0. The catalog, not this code, knows how a value is spelt. */
static int
get_choice(struct device *dev, const char *key, enum cat_type want, int *out, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);
	struct strbuf v = STRBUF_INIT;
	int rc = -1;

	*out = 0;
	if (e && e->type != want)
		return svc_errf(err, EX_SOFTWARE, "setting '%s' is not %s", key,
				want == CT_BOOL ? "ON/OFF" : "a choice");
	if (e && current(dev, e, &v, err) == 0) {
		*out = want == CT_BOOL ? catalog_value_bool(sb_str(&v))
				       : catalog_choice_index(e, sb_str(&v));
		rc = *out < 0 ? svc_errf(err, EX_DATAERR,
					 "stored value '%s' of %s is none of its choices",
					 sb_str(&v), key)
			      : 0;
	}
	sb_release(&v);
	return rc;
}

int
config_get_bool(struct device *dev, const char *key, bool *out, struct svc_err *err)
{
	int i;
	int rc = get_choice(dev, key, CT_BOOL, &i, err);

	*out = rc == 0 && i == 1;
	return rc;
}

int
config_get_choice(struct device *dev, const char *key, int *out, struct svc_err *err)
{
	return get_choice(dev, key, CT_ENUM, out, err);
}

int
config_get_int(struct device *dev, const char *key, int *out, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);
	struct strbuf v = STRBUF_INIT;
	int rc = -1;

	*out = 0;
	if (e && e->type != CT_INT && e->type != CT_PORT)
		return svc_errf(err, EX_SOFTWARE, "setting '%s' is not a number", key);
	if (e && current(dev, e, &v, err) == 0) {
		*out = (int)strtol(sb_str(&v), NULL, 10);
		rc = 0;
	}
	sb_release(&v);
	return rc;
}

int
config_stamp(struct device *dev, const char *key, struct strbuf *out, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);

	return e ? current(dev, e, out, err) : -1;
}

int
config_is_default(struct device *dev, const char *key, bool *out, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);
	struct strbuf v = STRBUF_INIT;
	int rc;

	if (e == NULL)
		return -1;
	rc = raw_get(dev, e, &v, err);
	sb_release(&v);
	if (rc < 0)
		return -1;
	*out = rc == 0;
	return 0;
}

int
config_get_plain(struct device *dev, const char *key, struct strbuf *out, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);
	unsigned char k[SEAL_KEY_LEN];
	struct strbuf v = STRBUF_INIT;
	int rc = -1;

	if (e == NULL || current(dev, e, &v, err) != 0)
		goto out;
	if (e->type != CT_SECRET || v.len == 0) {
		sb_reset(out);
		sb_adds(out, sb_str(&v));
		rc = 0;
		goto out;
	}
	if (device_key(dev, SEAL_PURPOSE, k, err) != 0)
		goto out;
	rc = seal_decrypt(k, e->key, v.buf, out, err);
	if (rc != 0)
		svc_errf(err, EX_DATAERR, "stored value of %s cannot be decrypted: %s", key,
			 err ? err->msg : "");
	OPENSSL_cleanse(k, sizeof k);
out:
	sb_release(&v);
	return rc;
}

int
settings_encode(struct device *dev, const struct cat_entry *e, const char *value,
		struct strbuf *stored, struct svc_err *err)
{
	struct strbuf canon = STRBUF_INIT;
	unsigned char k[SEAL_KEY_LEN];
	int rc = -1;

	if (catalog_parse_value(e, value, &canon, err) != 0)
		goto out;
	sb_reset(stored);
	if (e->type == CT_PIN && canon.len > 0) {
		rc = access_hash(canon.buf, stored, err);
	} else if (e->type == CT_SECRET && canon.len > 0) {
		if (device_key(dev, SEAL_PURPOSE, k, err) == 0)
			rc = seal_encrypt(k, e->key, canon.buf, canon.len, stored, err);
		OPENSSL_cleanse(k, sizeof k);
	} else {
		sb_adds(stored, sb_str(&canon));
		rc = 0;
	}
out:
	sb_release(&canon);
	return rc;
}

int
settings_write(struct device *dev, const struct cat_entry *e, const char *stored,
	       const char *shown_new, struct svc_err *err)
{
	struct strbuf old = STRBUF_INIT;
	bool hidden = catalog_is_hidden(e);
	char event[32] = "set";
	int rc = -1;

	if (current(dev, e, &old, err) != 0)
		goto out;
	/* A row equal to the default (or an emptied secret) is dropped: the
	 * key is then "at default". */
	if (e->instance >= 0) {
		instance_event(e, "set", event, sizeof event);
		rc = instance_put(dev, e, stored, err);
	} else if ((!hidden && strcmp(stored, e->deflt) == 0) ||
		   (e->type == CT_SECRET && *stored == '\0'))
		rc = store_setting_delete(dev->st, e->key, err);
	else
		rc = store_setting_put(dev->st, e->key, stored, err);
	if (rc == 0)
		rc = device_audit(dev, event, e->key, hidden ? hidden_shown(old.buf) : old.buf,
				  hidden ? hidden_shown(stored) : shown_new, NULL, err);
out:
	sb_release(&old);
	return rc;
}

/* OPENED: the caller has checked access itself (an inbox opened with its
 * password); else the key's level is required. */
static int
set_common(struct device *dev, const char *key, const char *value, const char *stamp, bool opened,
	   struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);
	struct strbuf stored = STRBUF_INIT, canon = STRBUF_INIT, now = STRBUF_INIT;
	char what[160];
	int rc = -1;

	/* Validate first: bad input must not even leave a login record. */
	if (e == NULL || catalog_parse_value(e, value, &canon, err) != 0)
		goto out;
	snprintf(what, sizeof what, "changing %s", key);
	/* A refusal writes nothing; a wrong credential is recorded by the
	 * door itself. */
	if (!opened && device_require(dev, level_doors(e->level), what, err) != 0)
		goto out;
	if (settings_encode(dev, e, value, &stored, err) != 0 || store_begin(dev->st, err) != 0)
		goto out;
	if (stamp && (current(dev, e, &now, err) != 0 || strcmp(now.buf, stamp) != 0)) {
		if (now.buf)
			svc_errf(err, EX_TEMPFAIL, "%s was changed meanwhile (now '%s'); not saved",
				 key, catalog_is_hidden(e) ? "***" : now.buf);
		store_rollback(dev->st);
		goto out;
	}
	if (settings_write(dev, e, stored.buf, canon.buf, err) != 0) {
		store_rollback(dev->st);
		goto out;
	}
	rc = store_commit(dev->st, err);
out:
	sb_release(&stored);
	sb_release(&canon);
	sb_release(&now);
	return rc;
}

int
config_set(struct device *dev, const char *key, const char *value, struct svc_err *err)
{
	return set_common(dev, key, value, NULL, false, err);
}

int
config_set_opened(struct device *dev, const char *key, const char *value, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);

	if (e && e->instance < 0)
		return svc_errf(err, EX_SOFTWARE, "%s is not an instanced setting", key);
	return e ? set_common(dev, key, value, NULL, true, err) : -1;
}

static int reset_one(struct device *dev, const struct cat_entry *e, struct svc_err *err);

int
config_set_many(struct device *dev, const char *const *keys, const char *const *values, int n,
		struct svc_err *err)
{
	struct strbuf canon = STRBUF_INIT, stored[8];
	const struct cat_entry *e[8];
	int rc = -1, done = 0;

	if (n < 1 || n > 8)
		return svc_errf(err, EX_SOFTWARE, "config_set_many: %d keys", n);
	/* Every value first: one refused value changes nothing. */
	for (int i = 0; i < n; i++)
		if ((e[i] = device_entry(dev, keys[i], err)) == NULL ||
		    catalog_parse_value(e[i], values[i], &canon, err) != 0)
			goto out;
	for (int i = 0; i < n; i++) {
		char what[160];
		snprintf(what, sizeof what, "changing %s", keys[i]);
		if (device_require(dev, level_doors(e[i]->level), what, err) != 0)
			goto out;
	}
	for (; done < n; done++) {
		stored[done] = (struct strbuf)STRBUF_INIT;
		if (settings_encode(dev, e[done], values[done], &stored[done], err) != 0) {
			done++;
			goto out;
		}
	}
	if (store_begin(dev->st, err) != 0)
		goto out;
	for (int i = 0; i < n; i++) {
		sb_reset(&canon);
		catalog_parse_value(e[i], values[i], &canon, NULL);
		if (settings_write(dev, e[i], stored[i].buf, canon.buf, err) != 0) {
			store_rollback(dev->st);
			goto out;
		}
	}
	rc = store_commit(dev->st, err);
out:
	for (int i = 0; i < done; i++)
		sb_release(&stored[i]);
	sb_release(&canon);
	return rc;
}

int
config_pwd_clear(struct device *dev, struct svc_err *err)
{
	static const char *const keys[] = { KEY_SYSTEM_MANAGER_ID, KEY_SYSTEM_MANAGER_PIN };
	int rc = 0;

	/* The caller opened the service door that allows it: the keys' own
	 * door (the System Manager's) is exactly what was forgotten. */
	if (store_begin(dev->st, err) != 0)
		return -1;
	for (size_t i = 0; i < 2 && rc >= 0; i++) {
		const struct cat_entry *e = device_entry(dev, keys[i], err);
		rc = e ? reset_one(dev, e, err) : -1;
	}
	if (rc >= 0)
		rc = store_door_put(dev->st, "manager", &(struct store_door){ 0, 0 }, err);
	if (rc >= 0)
		rc = device_audit(dev, "pwd-clr", NULL, NULL, NULL,
				  "System Manager ID and PIN back to the factory values", err);
	if (rc < 0) {
		store_rollback(dev->st);
		return -1;
	}
	return store_commit(dev->st, err);
}

int
config_set_checked(struct device *dev, const char *key, const char *value, const char *stamp,
		   struct svc_err *err)
{
	return set_common(dev, key, value, stamp, false, err);
}

static int
reset_one(struct device *dev, const struct cat_entry *e, struct svc_err *err)
{
	struct strbuf old = STRBUF_INIT;
	bool hidden = catalog_is_hidden(e);
	char event[32] = "reset";
	int rc = raw_get(dev, e, &old, err);

	if (rc == 1) {
		if (e->instance >= 0) {
			instance_event(e, "reset", event, sizeof event);
			rc = instance_put(dev, e, e->deflt, err);
		} else {
			rc = store_setting_delete(dev->st, e->key, err);
		}
		if (rc == 0)
			rc = device_audit(dev, event, e->key, hidden ? "***" : old.buf,
					  hidden ? hidden_shown(e->deflt) : e->deflt, NULL, err);
		if (rc == 0)
			rc = 1;
	}
	sb_release(&old);
	return rc;
}

int
config_reset(struct device *dev, const char *key, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);
	char what[160];

	if (e == NULL)
		return -1;
	snprintf(what, sizeof what, "resetting %s", key);
	if (device_require(dev, level_doors(e->level), what, err) != 0)
		return -1;
	if (store_begin(dev->st, err) != 0)
		return -1;
	if (reset_one(dev, e, err) < 0) {
		store_rollback(dev->st);
		return -1;
	}
	return store_commit(dev->st, err);
}

int
config_reset_for_init(struct device *dev, struct svc_err *err)
{
	int count = 0;

	for (size_t i = 0; i < catalog_count(dev->cat); i++) {
		const struct cat_entry *e = catalog_at(dev->cat, i);
		int rc;
		if (!e->reset_on_init)
			continue;
		if ((rc = reset_one(dev, e, err)) < 0)
			return -1;
		count += rc;
	}
	return count;
}
