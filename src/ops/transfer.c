/*
 * The parts of a settings export beside the "settings" object: the
 * inboxes' settings (the catalog's instanced keys box.NN.*, which the
 * config module exports and imports as settings) and the MAC Address Block
 * exception lists. Export and import (src/ops/settings.c) carry them with
 * the settings, in one file and one transaction, all or nothing
 * (config_export_all/import_all).
 *
 *   "inboxes": {"00": {"auto-erase": "OFF", "name": "", "print-on-store": "OFF"}, ...}
 *   "mac": {"rx": ["00:1E:8F:12:34:56", ...], "tx": [...]}
 *
 * An import sets the listed inboxes' settings to the file's (inboxes and
 * fields it does not list are left as they are) and makes each listed MAC
 * list the file's. Inbox passwords are never exported nor imported, like
 * PINs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mac/mac.h"
#include "ops/ops_int.h"
#include "util/json.h"

/* The members of a JSON object, copied: a section reads one level at a
 * time, since the store's JSON walk cannot nest. */
struct members {
	struct {
		char *key, *type, *value;
	} m[MAC_MAX_ENTRIES + 2];
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
	/* The inboxes' settings are the catalog's box.NN.* keys. */
	{ .name = "inboxes", .doors = DOOR_MANAGER, .instances = "box" },
	{ .name = "mac",
	  .doors = DOOR_MANAGER,
	  .export = mac_export,
	  .plan = mac_plan,
	  .apply = mac_apply_lists,
	  .release = mac_release },
	{ .name = NULL },
};
