/*
 * The parts of a settings export that live beside the catalog: the
 * inboxes' settings and the MAC Address Block exception lists. Export and
 * import (src/ops/settings.c) carry them with the settings, in one file
 * and one transaction, all or nothing (config_export_all/import_all).
 *
 *   "inboxes": {"00": {"name": "", "auto-erase": "OFF", "print-on-store": "OFF"}, ...}
 *   "mac": {"rx": ["00:1E:8F:12:34:56", ...], "tx": [...]}
 *
 * An import sets the listed inboxes' settings to the file's (inboxes it
 * does not list are left as they are) and makes each listed MAC list the
 * file's. Inbox passwords are never exported nor imported, like PINs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mac/mac.h"
#include "mailbox/mailbox.h"
#include "ops/ops_int.h"
#include "util/json.h"

/* The members of a JSON object, copied: a section reads one level at a
 * time, since the store's JSON walk cannot nest. */
struct members {
	struct {
		char *key, *type, *value;
	} m[MAILBOX_INBOXES + 2];
	int n, dropped;
};

static int
member_keep(void *arg, const char *key, const char *type, const char *value)
{
	struct members *ms = arg;

	if (ms->n == (int)(sizeof ms->m / sizeof ms->m[0])) {
		ms->dropped++;
		return 0;
	}
	ms->m[ms->n].key = xstrdup(key);
	ms->m[ms->n].type = xstrdup(type);
	ms->m[ms->n].value = xstrdup(value ? value : "");
	ms->n++;
	return 0;
}

static void
members_release(struct members *ms)
{
	for (int i = 0; i < ms->n; i++) {
		free(ms->m[i].key);
		free(ms->m[i].type);
		free(ms->m[i].value);
	}
	free(ms);
}

static struct members *
members_read(struct device *dev, const char *json, struct svc_err *err)
{
	struct members *ms = xcalloc(1, sizeof *ms);

	if (config_json_each(dev, json, "$", member_keep, ms, err) != 0) {
		members_release(ms);
		return NULL;
	}
	return ms;
}

/* --- inboxes ---------------------------------------------------------------- */

static const char *const inbox_fields[] = { "name", "auto-erase", "print-on-store" };
#define NFIELDS 3

struct inbox_change {
	int box;
	int field;
	char *value;
};
struct inbox_plan {
	struct inbox_change *c;
	int n, cap;
	struct device *dev;
	struct strbuf *problems, *plan;
	int box; /* while reading one inbox's object */
};

static void
inbox_value(const struct mailbox_inbox *in, int field, char *out, size_t cap)
{
	if (field == 0)
		snprintf(out, cap, "%s", in->name);
	else if (field == 1)
		mailbox_format_period(in->auto_erase, out, cap);
	else
		snprintf(out, cap, "%s", in->print_on_store ? "ON" : "OFF");
}

static int
inbox_export_one(void *arg, const struct mailbox_inbox *in)
{
	struct strbuf *out = arg;
	char v[64];

	sb_addf(out, "%s\n    \"%02d\": {", in->box ? "," : "", in->box);
	for (int f = 0; f < NFIELDS; f++) {
		inbox_value(in, f, v, sizeof v);
		sb_addf(out, "%s\"%s\": ", f ? ", " : "", inbox_fields[f]);
		json_add_str(out, v);
	}
	sb_adds(out, "}");
	return 0;
}

static int
inboxes_export(struct device *dev, struct strbuf *json, struct svc_err *err)
{
	sb_adds(json, "{");
	if (mailbox_inbox_each(dev, inbox_export_one, json, err) < 0)
		return -1;
	sb_adds(json, "\n  }");
	return 0;
}

static void
inbox_problem(struct inbox_plan *p, const char *fmt, const char *a, const char *b)
{
	sb_addf(p->problems, fmt, a, b);
	sb_addc(p->problems, '\n');
}

/* One field of one inbox: checked as 'box set' checks it; a change when
 * it differs from the inbox's. */
static int
inbox_field(struct inbox_plan *p, const char *key, const char *type, const char *value,
	    struct svc_err *err)
{
	struct mailbox_inbox in;
	struct svc_err e = { 0 };
	char box[8], cur[64];
	int f;

	snprintf(box, sizeof box, "%02d", p->box);
	for (f = 0; f < NFIELDS && strcmp(key, inbox_fields[f]) != 0; f++)
		;
	if (f == NFIELDS) {
		inbox_problem(p,
			      strcmp(key, "password") == 0
				      ? "inboxes.%s.%s: inbox passwords are never imported "
					"(set them with 'box set')"
				      : "inboxes.%s.%s: unknown inbox setting",
			      box, key);
		return 0;
	}
	if (strcmp(type, "text") != 0 || mailbox_check_setting(key, value, &e) != 0) {
		inbox_problem(p, "inboxes.%s: %s", box, e.msg[0] ? e.msg : "expected a string");
		return 0;
	}
	if (mailbox_inbox_get(p->dev, p->box, &in, err) != 0)
		return -1;
	inbox_value(&in, f, cur, sizeof cur);
	if (strcmp(cur, value) == 0)
		return 0;
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->c = xrealloc(p->c, (size_t)p->cap * sizeof *p->c);
	}
	p->c[p->n++] = (struct inbox_change){ p->box, f, xstrdup(value) };
	sb_addf(p->plan, "inbox %s %s: '%s' -> '%s'\n", box, key, cur, value);
	return 0;
}

/* One inbox's object: its fields, checked one by one. */
static int
inbox_one(struct inbox_plan *p, const char *key, const char *type, const char *value,
	  struct svc_err *err)
{
	struct svc_err e = { 0 };
	struct members *fields;
	int rc = 0;

	if (strlen(key) != 2 || mailbox_parse_box(key, &p->box, &e) != 0) {
		inbox_problem(p, "inboxes.%s: %s", key, "expected an inbox number 00-99");
		return 0;
	}
	if (strcmp(type, "object") != 0) {
		inbox_problem(p, "inboxes.%s: %s", key, "expected an object of settings");
		return 0;
	}
	if ((fields = members_read(p->dev, value, err)) == NULL)
		return -1;
	for (int i = 0; i < fields->n && rc == 0; i++)
		rc = inbox_field(p, fields->m[i].key, fields->m[i].type, fields->m[i].value, err);
	members_release(fields);
	return rc;
}

static void
inboxes_release(void *state)
{
	struct inbox_plan *p = state;

	for (int i = 0; i < p->n; i++)
		free(p->c[i].value);
	free(p->c);
	free(p);
}

static int
inboxes_plan(struct device *dev, const char *json, struct strbuf *problems, struct strbuf *plan,
	     void **state, struct svc_err *err)
{
	struct inbox_plan *p;
	struct members *boxes;
	int n, rc = 0;

	*state = NULL;
	if (json == NULL)
		return 0;
	if ((boxes = members_read(dev, json, err)) == NULL)
		return -1;
	p = xcalloc(1, sizeof *p);
	p->dev = dev;
	p->problems = problems;
	p->plan = plan;
	for (int i = 0; i < boxes->n && rc == 0; i++)
		rc = inbox_one(p, boxes->m[i].key, boxes->m[i].type, boxes->m[i].value, err);
	members_release(boxes);
	if (rc != 0) {
		inboxes_release(p);
		return -1;
	}
	n = p->n;
	if (n == 0)
		inboxes_release(p);
	else
		*state = p;
	return n;
}

static int
inboxes_apply(struct device *dev, void *state, struct svc_err *err)
{
	struct inbox_plan *p = state;

	for (int i = 0; i < p->n; i++)
		if (mailbox_set(dev, p->c[i].box, NULL, inbox_fields[p->c[i].field], p->c[i].value,
				err) != 0)
			return -1;
	return 0;
}

/* --- MAC exception lists ----------------------------------------------------- */

struct mac_list {
	char (*addr)[18];
	int n;
};
struct mac_plan {
	struct device *dev;
	struct strbuf *problems;
	struct mac_list want[2]; /* the file's lists */
	bool given[2];
	enum mac_dir d;
};

static int
mac_export_one(void *arg, const char *addr, const char *added)
{
	struct strbuf *out = arg;

	(void)added;
	if (out->len && out->buf[out->len - 1] != '[')
		sb_adds(out, ", ");
	json_add_str(out, addr);
	return 0;
}

static int
mac_export(struct device *dev, struct strbuf *json, struct svc_err *err)
{
	for (int d = MAC_RX; d <= MAC_TX; d++) {
		sb_addf(json, "%s\"%s\": [", d == MAC_RX ? "{" : ", ", mac_dir_name(d));
		if (mac_each(dev, d, mac_export_one, json, err) < 0)
			return -1;
		sb_adds(json, "]");
	}
	sb_adds(json, "}");
	return 0;
}

static int
mac_addr(struct mac_plan *p, const char *type, const char *value)
{
	struct mac_list *l = &p->want[p->d];
	struct svc_err e = { 0 };
	char norm[18];

	if (strcmp(type, "text") != 0 || mac_normalize(value, norm, &e) != 0) {
		sb_addf(p->problems, "mac.%s: %s\n", mac_dir_name(p->d),
			e.msg[0] ? e.msg : "expected MAC addresses as strings");
		return 0;
	}
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->addr[i], norm) == 0)
			return 0;
	if (l->n == MAC_MAX_ENTRIES) {
		sb_addf(p->problems, "mac.%s: more than %d addresses\n", mac_dir_name(p->d),
			MAC_MAX_ENTRIES);
		return 1;
	}
	if (l->addr == NULL)
		l->addr = xcalloc(MAC_MAX_ENTRIES, sizeof *l->addr);
	memcpy(l->addr[l->n++], norm, sizeof norm);
	return 0;
}

static int
mac_dir_one(struct mac_plan *p, const char *key, const char *type, const char *value,
	    struct svc_err *err)
{
	struct svc_err e = { 0 };
	struct members *addrs;
	int rc = 0;

	if (mac_dir_parse(key, &p->d, &e) != 0 || strcmp(type, "array") != 0) {
		sb_addf(p->problems, "mac.%s: expected \"rx\" or \"tx\" with an array\n", key);
		return 0;
	}
	p->given[p->d] = true;
	if ((addrs = members_read(p->dev, value, err)) == NULL)
		return -1;
	if (addrs->dropped)
		sb_addf(p->problems, "mac.%s: more than %d addresses\n", key, MAC_MAX_ENTRIES);
	for (int i = 0; i < addrs->n && rc == 0; i++)
		rc = mac_addr(p, addrs->m[i].type, addrs->m[i].value);
	members_release(addrs);
	return 0;
}

static void
mac_release(void *state)
{
	struct mac_plan *p = state;

	free(p->want[0].addr);
	free(p->want[1].addr);
	free(p);
}

struct mac_have {
	struct mac_list *want;
	struct strbuf *plan;
	const char *dir;
	int changes;
	bool seen[MAC_MAX_ENTRIES];
};

/* An address the device has: kept if the file lists it, else removed. */
static int
mac_have_one(void *arg, const char *addr, const char *added)
{
	struct mac_have *h = arg;

	(void)added;
	for (int i = 0; i < h->want->n; i++)
		if (strcmp(h->want->addr[i], addr) == 0) {
			h->seen[i] = true;
			return 0;
		}
	sb_addf(h->plan, "mac %s: remove %s\n", h->dir, addr);
	h->changes++;
	return 0;
}

static int
mac_plan(struct device *dev, const char *json, struct strbuf *problems, struct strbuf *plan,
	 void **state, struct svc_err *err)
{
	struct mac_plan *p;
	int changes = 0;

	*state = NULL;
	if (json == NULL)
		return 0;
	struct members *dirs = members_read(dev, json, err);
	int rc = 0;

	if (dirs == NULL)
		return -1;
	p = xcalloc(1, sizeof *p);
	p->dev = dev;
	p->problems = problems;
	for (int i = 0; i < dirs->n && rc == 0; i++)
		rc = mac_dir_one(p, dirs->m[i].key, dirs->m[i].type, dirs->m[i].value, err);
	members_release(dirs);
	if (rc != 0)
		goto fail;
	for (int d = MAC_RX; d <= MAC_TX; d++) {
		struct mac_have h = { &p->want[d], plan, mac_dir_name(d), 0, { false } };
		if (!p->given[d])
			continue;
		if (mac_each(dev, d, mac_have_one, &h, err) < 0)
			goto fail;
		for (int i = 0; i < p->want[d].n; i++)
			if (!h.seen[i]) {
				sb_addf(plan, "mac %s: add %s\n", h.dir, p->want[d].addr[i]);
				h.changes++;
			}
		changes += h.changes;
		if (h.changes == 0)
			p->given[d] = false; /* nothing to write */
	}
	if (changes == 0) {
		mac_release(p);
		return 0;
	}
	*state = p;
	return changes;
fail:
	mac_release(p);
	return -1;
}

static int
mac_apply_lists(struct device *dev, void *state, struct svc_err *err)
{
	struct mac_plan *p = state;

	for (int d = MAC_RX; d <= MAC_TX; d++) {
		const char *addrs[MAC_MAX_ENTRIES];
		if (!p->given[d])
			continue;
		for (int i = 0; i < p->want[d].n; i++)
			addrs[i] = p->want[d].addr[i];
		/* The whole import is one transaction: the list is never seen
		 * empty, and the filter settings come from the same file. */
		if (mac_clear(dev, d, true, err) < 0 ||
		    (p->want[d].n && mac_add(dev, d, addrs, p->want[d].n, err) != 0))
			return -1;
	}
	return 0;
}

const struct config_section ops_transfer_sections[] = {
	{ "inboxes", DOOR_MANAGER, inboxes_export, inboxes_plan, inboxes_apply, inboxes_release },
	{ "mac", DOOR_MANAGER, mac_export, mac_plan, mac_apply_lists, mac_release },
	{ NULL, 0, NULL, NULL, NULL, NULL },
};
