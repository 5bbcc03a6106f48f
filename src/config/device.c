#include "config/device_int.h"

#include <errno.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/seal.h"
#include "catalog/keys.h"
#include "util/fsutil.h"
#include "util/text.h"

#define DEMO_MODEL "iR5570"
/* Canon's IEEE OUI; the rest of the MAC is random. */
#define DEMO_OUI "00:00:85"

char *
device_default_path(void)
{
	const char *env = getenv("SVCMODE_DB"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	struct strbuf sb = STRBUF_INIT;

	if (env && *env)
		return xstrdup(env);
	if (access("/var/lib/svcmode", W_OK) == 0 ||
	    (access("/var/lib/svcmode", F_OK) != 0 && access("/var/lib", W_OK) == 0))
		return xstrdup("/var/lib/svcmode/device.db");
	if (xdg && *xdg == '/')
		sb_addf(&sb, "%s/svcmode/device.db", xdg);
	else
		sb_addf(&sb, "%s/.local/share/svcmode/device.db", home && *home ? home : ".");
	return sb_detach(&sb);
}

static int
new_identity(const char *serial, struct store_identity *id, struct svc_err *err)
{
	unsigned char r[8];

	memset(id, 0, sizeof *id);
	if (seal_random(r, sizeof r, err) != 0 || seal_random(id->secret, 32, err) != 0)
		return -1;
	strlcpy_(id->model, DEMO_MODEL, sizeof id->model);
	if (serial) {
		if (!text_is_serial(serial))
			return svc_errf(err, EX_USAGE,
					"invalid serial number '%s': expected 3 "
					"capital letters and 5 digits, like ABC12345",
					serial);
		strlcpy_(id->serial, serial, sizeof id->serial);
	} else {
		snprintf(id->serial, sizeof id->serial, "%c%c%c%05u", 'A' + r[0] % 26,
			 'A' + r[1] % 26, 'A' + r[2] % 26,
			 (unsigned)((r[3] << 16 | r[4] << 8 | r[5]) % 100000));
	}
	snprintf(id->mac, sizeof id->mac, DEMO_OUI ":%02X:%02X:%02X", r[5], r[6], r[7]);
	return 0;
}

int
device_create(const char *path, const char *serial, struct svc_err *err)
{
	struct store_identity id;
	int rc;

	if (new_identity(serial, &id, err) != 0)
		return -1;
	rc = store_create(path, &id, err);
	OPENSSL_cleanse(&id, sizeof id);
	return rc;
}

static int
default_operator(struct device *dev, struct svc_err *err)
{
	const char *env = getenv("SVCMODE_OPERATOR");
	struct passwd *pw;

	if (env && *env)
		return device_set_operator(dev, env, err);
	pw = getpwuid(geteuid());
	return device_set_operator(dev, pw && text_is_clean(pw->pw_name) ? pw->pw_name : "unknown",
				   err);
}

int
device_open(const char *path, bool create, bool *created, struct device **out, struct svc_err *err)
{
	struct device *dev = xcalloc(1, sizeof *dev);
	char *real = NULL;

	*out = NULL;
	if (created)
		*created = false;
	if (create && access(path, F_OK) != 0) {
		if (device_create(path, NULL, err) != 0)
			goto fail;
		if (created)
			*created = true;
	}
	/* The real path, once: the documents folder, the lock files and the
	 * start-up clean-up are all derived from it, so a store reached through
	 * a symbolic link keeps everything beside the real file. */
	if ((real = realpath(path, NULL)) == NULL) {
		svc_errf(err, errno == ENOENT ? EX_NOINPUT : EX_IOERR,
			 "cannot open device store '%s': %s", path, strerror(errno));
		goto fail;
	}
	if (default_operator(dev, err) != 0 || catalog_new(&dev->cat, err) != 0 ||
	    store_open(real, &dev->st, err) != 0 || store_identity_get(dev->st, &dev->id, err) != 0)
		goto fail;
	free(real);
	*out = dev;
	return 0;
fail:
	free(real);
	device_close(dev);
	return -1;
}

void
device_close(struct device *dev)
{
	if (dev == NULL)
		return;
	store_close(dev->st);
	catalog_free(dev->cat);
	OPENSSL_cleanse(&dev->id, sizeof dev->id);
	free(dev);
}

struct store *
device_store(struct device *dev)
{
	return dev->st;
}

const struct catalog *
device_catalog(const struct device *dev)
{
	return dev->cat;
}

const struct store_identity *
device_identity(const struct device *dev)
{
	return &dev->id;
}

enum level
device_level(const struct device *dev)
{
	return doors_level(dev->doors);
}

unsigned
device_doors(const struct device *dev)
{
	return dev->doors;
}

const char *
device_operator(const struct device *dev)
{
	return dev->actor;
}

int
device_check_operator(const char *name, struct svc_err *err)
{
	/* Refused, never cut or mended: the audit log names who acted exactly
	 * as given, and it ends up on screens and in JSON. */
	if (*name == '\0' || strlen(name) > DEVICE_OPERATOR_MAX || !text_is_clean(name))
		return svc_errf(err, EX_USAGE,
				"invalid operator name '%.40s%s': expected 1-%d bytes of printable "
				"text (UTF-8, no control characters)",
				text_is_clean(name) ? name : "?", strlen(name) > 40 ? "..." : "",
				DEVICE_OPERATOR_MAX);
	return 0;
}

int
device_set_operator(struct device *dev, const char *name, struct svc_err *err)
{
	if (device_check_operator(name, err) != 0)
		return -1;
	strlcpy_(dev->actor, name, sizeof dev->actor);
	return 0;
}

void
device_as_service(struct device *dev)
{
	strlcpy_(dev->actor, "svcmode serve", sizeof dev->actor);
	dev->doors |= DOOR_MANAGER;
}

void
device_set_asker(struct device *dev, device_ask_fn fn, void *arg)
{
	dev->ask = fn;
	dev->ask_arg = arg;
}

struct access_who
device_who(const struct device *dev)
{
	return (struct access_who){ .actor = dev->actor, .level = doors_level(dev->doors) };
}

int
device_key(const struct device *dev, const char *purpose, unsigned char key[32],
	   struct svc_err *err)
{
	return seal_derive(dev->id.secret, purpose, key, err);
}

int
device_audit(struct device *dev, const char *event, const char *key, const char *old,
	     const char *new, const char *detail, struct svc_err *err)
{
	struct store_audit r = {
		.actor = dev->actor,
		.level = level_name(doors_level(dev->doors)),
		.event = event,
		.key = key,
		.old = old,
		.new = new,
		.detail = detail,
	};

	return store_audit_add(dev->st, &r, err);
}

const struct cat_entry *
device_entry(const struct device *dev, const char *key, struct svc_err *err)
{
	return catalog_lookup(dev->cat, key, err);
}

/* --- doors ---------------------------------------------------------------- */

void
device_store_info(struct device *dev, struct device_store_info *out)
{
	out->path = store_path(dev->st);
	out->size = store_size(dev->st);
	out->schema = store_schema_version(dev->st);
	out->sqlite = store_sqlite_version();
}

int
device_audit_each(struct device *dev, int limit, store_audit_fn fn, void *arg, struct svc_err *err)
{
	return store_audit_each(dev->st, limit, fn, arg, err);
}

int
device_counter_each(struct device *dev, store_counter_fn fn, void *arg, struct svc_err *err)
{
	return store_counter_each(dev->st, fn, arg, err);
}

int64_t
device_data_version(struct device *dev)
{
	return store_data_version(dev->st);
}

/* Each door's lockout is cleared only by a session that holds that door's
 * level (the manager's by service level 1, the customer's field engineer):
 * level 1 must not reset the guesses at the level-2 code. */
static const struct {
	const char *name;
	unsigned needs;
} lockouts[] = {
	{ "manager", DOOR_SERVICE1 },
	{ "service1", DOOR_SERVICE1 },
	{ "service2", DOOR_SERVICE2 },
};
#define NLOCKOUTS (sizeof lockouts / sizeof lockouts[0])

int
device_lockout_each(struct device *dev, device_lockout_fn fn, void *arg, struct svc_err *err)
{
	for (size_t i = 0; i < NLOCKOUTS; i++) {
		struct store_door d;
		int rc;

		if (store_door_get(dev->st, lockouts[i].name, &d, err) != 0)
			return -1;
		rc = fn(arg, lockouts[i].name, d.failures, d.locked_until != 0,
			(dev->doors & lockouts[i].needs) != 0);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
device_lockout_clear(struct device *dev, int *cleared, struct svc_err *err)
{
	*cleared = 0;
	if (store_begin(dev->st, err) != 0)
		return -1;
	for (size_t i = 0; i < NLOCKOUTS; i++) {
		struct store_door d;

		if (!(dev->doors & lockouts[i].needs))
			continue;
		if (store_door_get(dev->st, lockouts[i].name, &d, err) != 0)
			goto fail;
		if (d.failures == 0 && d.locked_until == 0)
			continue;
		if (store_door_put(dev->st, lockouts[i].name, &(struct store_door){ 0, 0 }, err) !=
			    0 ||
		    device_audit(dev, "unlock", NULL, NULL, NULL, lockouts[i].name, err) != 0)
			goto fail;
		(*cleared)++;
	}
	if (store_commit(dev->st, err) == 0)
		return 0;
fail:
	store_rollback(dev->st);
	*cleared = 0;
	return -1;
}

int
device_lockout_delay(struct device *dev)
{
	int secs = 0;

	/* An unreadable store still locks: the catalog's default. */
	if (config_get_int(dev, KEY_SERVICE_LOCKOUT_DELAY, &secs, NULL) != 0 || secs <= 0)
		secs = 30;
	return secs;
}

/* The stored value of a pin-type KEY, or its factory default. */
static int
stored_pin(struct device *dev, const char *key, struct strbuf *out, struct svc_err *err)
{
	const struct cat_entry *e = device_entry(dev, key, err);

	return e ? settings_stored(dev, e, out, err) : -1;
}

/* Pads a typed PIN like the panel does ("02" -> "0000002"). */
static bool
padded(struct device *dev, const char *key, const char *given, struct strbuf *out)
{
	const struct cat_entry *e = catalog_find(dev->cat, key);

	return e && catalog_parse_value(e, given, out, NULL) == 0;
}

int
device_check_pin(struct device *dev, const char *door, const char *key, const char *given,
		 struct svc_err *err)
{
	struct strbuf want = STRBUF_INIT, pin = STRBUF_INIT;
	struct access_who who = device_who(dev);
	bool ok;
	int rc = -1;

	if (stored_pin(dev, key, &want, err) != 0)
		goto out;
	ok = padded(dev, key, given, &pin) && access_matches(want.buf, pin.buf);
	rc = access_attempt(dev->st, &who, door, ok, device_lockout_delay(dev), err);
out:
	sb_release(&want);
	sb_release(&pin);
	return rc;
}

static int
login_manager(struct device *dev, const struct device_creds *c, struct svc_err *err)
{
	struct strbuf id = STRBUF_INIT, pin = STRBUF_INIT, a = STRBUF_INIT, b = STRBUF_INIT;
	struct access_who who = device_who(dev);
	bool ok;
	int rc = -1;

	if (stored_pin(dev, KEY_SYSTEM_MANAGER_ID, &id, err) != 0 ||
	    stored_pin(dev, KEY_SYSTEM_MANAGER_PIN, &pin, err) != 0)
		goto out;
	/* Both are checked, whatever the first gives, so timing tells nothing. */
	ok = (int)padded(dev, KEY_SYSTEM_MANAGER_ID, c->manager_id, &a) &
	     (int)padded(dev, KEY_SYSTEM_MANAGER_PIN, c->manager_pin, &b);
	ok = (int)access_matches(id.buf, a.buf ? a.buf : "") &
	     (int)access_matches(pin.buf, b.buf ? b.buf : "") & (int)ok;
	rc = access_attempt(dev->st, &who, "manager", ok, device_lockout_delay(dev), err);
	if (rc != 0 && err && err->code == EX_NOPERM)
		svc_errf(err, EX_NOPERM, "wrong System Manager ID or PIN");
out:
	sb_release(&id);
	sb_release(&pin);
	sb_release(&a);
	sb_release(&b);
	return rc;
}

int
device_login(struct device *dev, enum level door, const struct device_creds *c, struct svc_err *err)
{
	int rc;

	switch (door) {
	case LEVEL_MANAGER: rc = login_manager(dev, c, err); break;
	case LEVEL_SERVICE1:
		rc = device_check_pin(dev, "service1", KEY_SERVICE_CODE_LEVEL1, c->service1_code,
				      err);
		if (rc != 0 && err && err->code == EX_NOPERM)
			svc_errf(err, EX_NOPERM, "wrong level-1 service code");
		break;
	case LEVEL_SERVICE2:
		if (!(dev->doors & DOOR_SERVICE1))
			return svc_errf(err, EX_NOPERM,
					"level 2 is entered from inside Service Mode level 1");
		rc = device_check_pin(dev, "service2", KEY_SERVICE_CODE_LEVEL2, c->service2_code,
				      err);
		if (rc != 0 && err && err->code == EX_NOPERM)
			svc_errf(err, EX_NOPERM, "wrong level-2 service code");
		break;
	default: return svc_errf(err, EX_SOFTWARE, "no door for level %d", door);
	}
	if (rc == 0)
		dev->doors |= level_doors(door);
	return rc;
}

void
device_logout(struct device *dev, unsigned keep)
{
	dev->doors &= keep;
	/* Level 2 is entered from level 1 and goes with it. */
	if (!(dev->doors & DOOR_SERVICE1))
		dev->doors &= ~DOOR_SERVICE2;
}

/* What would open DOORS, for the message when nothing offered does. */
static int
missing(unsigned doors, const char *what, struct svc_err *err)
{
	if (doors == DOOR_MANAGER)
		return svc_errf(err, EX_NOPERM,
				"%s needs the System Manager ID and PIN (SVCMODE_MANAGER_ID and "
				"SVCMODE_MANAGER_PIN, or a terminal); a service code does not "
				"open System Settings: a forgotten ID/PIN is reset with PWD-CLR "
				"in Service Mode (svcmode pwd-clr)",
				what);
	if (doors == DOOR_SERVICE2)
		return svc_errf(err, EX_NOPERM,
				"%s needs Service Mode level 2: set SVCMODE_SERVICE_CODE and "
				"SVCMODE_SERVICE2_CODE, or run on a terminal",
				what);
	if (doors & DOOR_MANAGER)
		return svc_errf(err, EX_NOPERM,
				"%s needs System Manager rights (SVCMODE_MANAGER_ID and "
				"SVCMODE_MANAGER_PIN) or Service Mode level 1 "
				"(SVCMODE_SERVICE_CODE), or a terminal",
				what);
	return svc_errf(err, EX_NOPERM,
			"%s needs Service Mode level 1: set SVCMODE_SERVICE_CODE, or run on a "
			"terminal",
			what);
}

/*
 * A level-2 operation with only a level-1 code: a wrong code still counts
 * towards the level-1 lockout (as on the panel), but a right one opens
 * nothing and so writes nothing: the refusal names what is missing.
 */
static int
level1_only(struct device *dev, unsigned doors, const struct device_creds *c, const char *what,
	    struct svc_err *err)
{
	struct strbuf want = STRBUF_INIT, pin = STRBUF_INIT;
	bool ok;

	if (access_locked_for(dev->st, "service1", NULL) > 0 ||
	    stored_pin(dev, KEY_SERVICE_CODE_LEVEL1, &want, err) != 0)
		ok = false;
	else
		ok = padded(dev, KEY_SERVICE_CODE_LEVEL1, c->service1_code, &pin) &&
		     access_matches(want.buf, pin.buf);
	sb_release(&want);
	sb_release(&pin);
	if (!ok)
		return device_login(dev, LEVEL_SERVICE1, c, err);
	return missing(doors, what, err);
}

/* Opens the cheapest of DOORS that the credentials C fit. */
static int
open_door(struct device *dev, unsigned doors, const struct device_creds *c, const char *what,
	  struct svc_err *err)
{
	bool held1 = dev->doors & DOOR_SERVICE1;

	if ((doors & DOOR_MANAGER) && c->manager)
		return device_login(dev, LEVEL_MANAGER, c, err);
	if (!(doors & (DOOR_SERVICE1 | DOOR_SERVICE2)) || (!held1 && !c->service1))
		return missing(doors, what, err);
	if (!held1 && !(doors & DOOR_SERVICE1) && !c->service2)
		return level1_only(dev, doors, c, what, err);
	if (!held1 && device_login(dev, LEVEL_SERVICE1, c, err) != 0)
		return -1;
	if (dev->doors & doors)
		return 0;
	if (!c->service2)
		return missing(doors, what, err);
	return device_login(dev, LEVEL_SERVICE2, c, err);
}

int
device_require(struct device *dev, unsigned doors, const char *what, struct svc_err *err)
{
	struct device_creds c;
	int rc;

	if (doors == 0 || (dev->doors & doors))
		return 0;
	memset(&c, 0, sizeof c);
	if (dev->ask == NULL)
		return missing(doors, what, err);
	if (dev->ask(dev->ask_arg, doors, &c, err) != 0)
		rc = -1;
	else
		rc = open_door(dev, doors, &c, what, err);
	OPENSSL_cleanse(&c, sizeof c);
	return rc;
}

int
device_require_audited(struct device *dev, unsigned doors, const char *what, const char *key,
		       struct svc_err *err)
{
	struct svc_err mine = { 0 };

	if (device_require(dev, doors, what, err ? err : &mine) == 0)
		return 0;
	err = err ? err : &mine;
	if (err->code == EX_NOPERM)
		device_audit(dev, "refused", key, NULL, NULL, err->msg, NULL);
	return -1;
}
