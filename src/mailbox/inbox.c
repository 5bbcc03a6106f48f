/* Mail Box inboxes: their settings (name, password, Auto Erase, printing)
 * and unlocking them with their password. */
#include "mailbox/mailbox_int.h"

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

/* The setting FIELD of inbox BOX: box.07.name. */
static int
inbox_key(int box, const char *field, char *key, size_t cap, struct svc_err *err)
{
	char base[64];

	snprintf(base, sizeof base, "box.NN.%s", field);
	if (box < 0 || box >= MAILBOX_INBOXES || catalog_instance_key(base, box, key, cap) != 0)
		return svc_errf(err, EX_USAGE, "invalid inbox %d (00-99)", box);
	return 0;
}

int
mailbox_unlock(struct device *dev, int box, const char *password, struct svc_err *err)
{
	struct store_inbox in;
	char door[16], key[64];
	bool none;
	int rc;

	if (inbox_key(box, "password", key, sizeof key, err) != 0)
		return -1;
	if (store_inbox_get(device_store(dev), box, &in, err) < 0)
		return -1;
	none = in.password[0] == '\0';
	svc_wipe(&in, sizeof in);
	if (none || (device_doors(dev) & DOOR_MANAGER))
		return 0;
	snprintf(door, sizeof door, "box:%02d", box);
	if (password == NULL) {
		svc_errf(err, EX_NOPERM,
			 "inbox %02d is protected by a password (or System Manager rights)", box);
		device_audit(dev, "refused", door, NULL, NULL, "no password given", NULL);
		return -1;
	}
	/* The catalog's form (padded digits) against the stored hash, through
	 * the door's lockout, as for the System PIN. */
	rc = device_check_pin(dev, door, key, password, err);
	if (rc != 0 && err && err->code == EX_NOPERM)
		svc_errf(err, EX_NOPERM, "wrong password for inbox %02d", box);
	return rc;
}

/* Free text: at most MAX bytes of UTF-8 without control characters, so
 * that no name can put terminal controls on a screen, in a log or in JSON. */
int
mailbox_valid_text(const char *s, size_t max)
{
	return strlen(s) <= max && text_is_clean(s);
}

/* A refused value is bad usage of 'box set' (64), as before the catalog
 * checked it. */
static int
as_usage(int rc, struct svc_err *err)
{
	if (rc != 0 && err && err->code == EX_DATAERR)
		err->code = EX_USAGE;
	return rc;
}

int
mailbox_check_setting(struct device *dev, int box, const char *field, const char *value,
		      struct svc_err *err)
{
	struct strbuf canon = STRBUF_INIT;
	const struct cat_entry *e;
	char key[64];
	int rc = -1;

	if (inbox_key(box, field, key, sizeof key, err) != 0)
		return -1;
	e = catalog_lookup(device_catalog(dev), key, err);
	if (e != NULL)
		rc = as_usage(catalog_parse_value(e, value, &canon, err), err);
	sb_release(&canon);
	return rc;
}

int
mailbox_set(struct device *dev, int box, const char *password, const char *field, const char *value,
	    struct svc_err *err)
{
	char key[64];

	if (inbox_key(box, field, key, sizeof key, err) != 0 ||
	    mailbox_unlock(dev, box, password, err) != 0)
		return -1;
	return as_usage(config_set_opened(dev, key, value, err), err);
}
