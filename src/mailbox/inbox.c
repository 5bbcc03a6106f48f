/* Mail Box inboxes: their settings (name, password, Auto Erase, printing)
 * and unlocking them with their password. */
#include "mailbox/mailbox_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/seal.h"
#include "util/text.h"

static void
to_inbox(const struct store_inbox *s, int64_t docs, int64_t bytes, struct mailbox_inbox *out)
{
	memset(out, 0, sizeof *out);
	out->box = s->box;
	strlcpy_(out->name, s->name, sizeof out->name);
	out->protected_ = s->password[0] != '\0';
	out->auto_erase = s->auto_erase;
	out->print_on_store = s->print_on_store;
	out->docs = docs;
	out->bytes = bytes;
}

int
mailbox_inbox_get(struct device *dev, int box, struct mailbox_inbox *out, struct svc_err *err)
{
	struct store *st = device_store(dev);
	int64_t docs[100], bytes[100];
	struct store_inbox in;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (box < 0 || box >= MAILBOX_INBOXES)
		return svc_errf(err, EX_USAGE, "invalid inbox %d (00-99)", box);
	if (store_inbox_get(st, box, &in, err) >= 0 &&
	    store_inbox_usage(st, docs, bytes, err) == 0) {
		to_inbox(&in, docs[box], bytes[box], out);
		rc = 0;
	}
	svc_wipe(&in, sizeof in);
	return rc;
}

int
mailbox_inbox_each(struct device *dev, mailbox_inbox_fn fn, void *arg, struct svc_err *err)
{
	struct mailbox_inbox in;

	for (int b = 0; b < MAILBOX_INBOXES; b++) {
		if (mailbox_inbox_get(dev, b, &in, err) != 0)
			return -1;
		if (fn(arg, &in) != 0)
			return -1;
	}
	return 0;
}

/* Digits only, at most 7, not all zeros; padded to 7 like the System PIN. */
static int
password_form(const char *given, char out[8], struct svc_err *err)
{
	size_t n = strlen(given);
	bool nonzero = false;

	if (n == 0 || n > 7)
		goto bad;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)given[i]))
			goto bad;
		nonzero = nonzero || given[i] != '0';
	}
	if (!nonzero)
		return svc_errf(err, EX_USAGE, "an inbox password of all zeros is not allowed");
	memset(out, '0', 7 - n);
	memcpy(out + 7 - n, given, n + 1);
	return 0;
bad:
	return svc_errf(err, EX_USAGE, "an inbox password is 1 to 7 digits");
}

int
mailbox_unlock(struct device *dev, int box, const char *password, struct svc_err *err)
{
	struct store_inbox in;
	struct access_who who = { device_operator(dev), device_level(dev) };
	char door[16], pin[8];
	bool ok;
	int rc;

	if (box < 0 || box >= MAILBOX_INBOXES)
		return svc_errf(err, EX_USAGE, "invalid inbox %d (00-99)", box);
	if (store_inbox_get(device_store(dev), box, &in, err) < 0)
		return -1;
	if (in.password[0] == '\0' || (device_doors(dev) & DOOR_MANAGER)) {
		svc_wipe(&in, sizeof in);
		return 0;
	}
	snprintf(door, sizeof door, "box:%02d", box);
	if (password == NULL) {
		svc_wipe(&in, sizeof in);
		svc_errf(err, EX_NOPERM,
			 "inbox %02d is protected by a password (or System Manager rights)", box);
		device_audit(dev, "refused", door, NULL, NULL, "no password given", NULL);
		return -1;
	}
	ok = password_form(password, pin, NULL) == 0 && access_matches(in.password, pin);
	rc = access_attempt(device_store(dev), &who, door, ok, device_lockout_delay(dev), err);
	if (rc != 0 && err && err->code == EX_NOPERM)
		svc_errf(err, EX_NOPERM, "wrong password for inbox %02d", box);
	svc_wipe(&in, sizeof in);
	svc_wipe(pin, sizeof pin);
	return rc;
}

/* Free text: at most MAX bytes of UTF-8 without control characters, so
 * that no name can put terminal controls on a screen, in a log or in JSON. */
int
mailbox_valid_text(const char *s, size_t max)
{
	return strlen(s) <= max && text_is_clean(s);
}

static bool
parse_onoff(const char *s, bool *out)
{
	static const char *const on[] = { "on", "true", "1", "yes" };
	static const char *const off[] = { "off", "false", "0", "no" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, on[i]) == 0)
			return (*out = true);
		if (strcasecmp(s, off[i]) == 0)
			return !(*out = false);
	}
	return false;
}

static int
set_value(struct store_inbox *in, const char *field, const char *value, char *shown, size_t cap,
	  struct svc_err *err)
{
	char pin[8];
	struct strbuf h = STRBUF_INIT;

	if (strcmp(field, "name") == 0) {
		if (!mailbox_valid_text(value, MAILBOX_NAME_MAX))
			return svc_errf(err, EX_USAGE,
					"invalid inbox name '%s' (at most %d bytes of printable "
					"text: UTF-8 without control characters)",
					text_is_clean(value) ? value : "?", MAILBOX_NAME_MAX);
		strlcpy_(in->name, value, sizeof in->name);
		strlcpy_(shown, value, cap);
	} else if (strcmp(field, "password") == 0) {
		strlcpy_(shown, *value ? "***" : "", cap);
		if (*value == '\0') {
			in->password[0] = '\0';
			return 0;
		}
		if (password_form(value, pin, err) != 0)
			return -1;
		if (access_hash(pin, &h, err) != 0) {
			svc_wipe(pin, sizeof pin);
			return -1;
		}
		svc_wipe(pin, sizeof pin);
		strlcpy_(in->password, h.buf, sizeof in->password);
		sb_release(&h);
	} else if (strcmp(field, "auto-erase") == 0) {
		if (mailbox_parse_period(value, &in->auto_erase, err) != 0)
			return -1;
		mailbox_format_period(in->auto_erase, shown, cap);
	} else if (strcmp(field, "print-on-store") == 0) {
		if (!parse_onoff(value, &in->print_on_store))
			return svc_errf(err, EX_USAGE,
					"invalid Print upon storing '%s' (ON or OFF)", value);
		strlcpy_(shown, in->print_on_store ? "ON" : "OFF", cap);
	} else {
		return svc_errf(err, EX_USAGE,
				"unknown inbox setting '%s' (name, password, auto-erase, "
				"print-on-store)",
				field);
	}
	return 0;
}

int
mailbox_check_setting(const char *field, const char *value, struct svc_err *err)
{
	struct store_inbox scratch;
	char pin[8], shown[64];
	int rc;

	if (strcmp(field, "password") == 0) {
		/* The form only: hashing is for the real thing. */
		rc = *value ? password_form(value, pin, err) : 0;
		svc_wipe(pin, sizeof pin);
		return rc;
	}
	memset(&scratch, 0, sizeof scratch);
	return set_value(&scratch, field, value, shown, sizeof shown, err);
}

int
mailbox_set(struct device *dev, int box, const char *password, const char *field, const char *value,
	    struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct store_inbox in, before;
	char shown[64] = "", old[64] = "", key[48];
	int rc = -1;

	if (mailbox_unlock(dev, box, password, err) != 0)
		return -1;
	if (store_inbox_get(st, box, &in, err) < 0)
		return -1;
	before = in;
	if (set_value(&in, field, value, shown, sizeof shown, err) != 0)
		goto out;
	if (strcmp(field, "name") == 0)
		strlcpy_(old, before.name, sizeof old);
	else if (strcmp(field, "password") == 0)
		strlcpy_(old, before.password[0] ? "***" : "", sizeof old);
	else if (strcmp(field, "auto-erase") == 0)
		mailbox_format_period(before.auto_erase, old, sizeof old);
	else
		strlcpy_(old, before.print_on_store ? "ON" : "OFF", sizeof old);
	snprintf(key, sizeof key, "box:%02d.%s", box, field);
	if (store_begin(st, err) != 0)
		goto out;
	if (store_inbox_put(st, &in, err) != 0 ||
	    device_audit(dev, "box.set", key, old, shown, NULL, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		goto out;
	}
	rc = 0;
out:
	svc_wipe(&in, sizeof in);
	svc_wipe(&before, sizeof before);
	return rc;
}
