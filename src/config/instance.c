/*
 * Instanced settings (box.NN.*): declared once in the catalog, one entry per
 * instance, but stored in their feature's rows rather than the settings
 * table, since the rows are what backup, restore and Initialize move as a
 * whole. One {key, read, write} binding per field turns a row's column
 * into the setting's stored form and back; everything else (validation,
 * hashing, audit, export and import) is the generic settings code's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/keys.h"
#include "config/device_int.h"
#include "store/store_mailbox.h"
#include "util/json.h"

struct binding {
	const char *base; /* the declared key */
	void (*read)(const struct store_inbox *in, struct strbuf *out);
	int (*write)(struct store_inbox *in, const char *stored);
};

static void
name_read(const struct store_inbox *in, struct strbuf *out)
{
	sb_adds(out, in->name);
}

static int
name_write(struct store_inbox *in, const char *stored)
{
	return strlcpy_(in->name, stored, sizeof in->name) < sizeof in->name ? 0 : -1;
}

/* The stored form is access_hash()'s, or "" for none. */
static void
password_read(const struct store_inbox *in, struct strbuf *out)
{
	sb_adds(out, in->password);
}

static int
password_write(struct store_inbox *in, const char *stored)
{
	return strlcpy_(in->password, stored, sizeof in->password) < sizeof in->password ? 0 : -1;
}

/* Seconds in the row, the period's canonical form as the setting. */
static void
erase_read(const struct store_inbox *in, struct strbuf *out)
{
	catalog_period_format(in->auto_erase, out);
}

static int
erase_write(struct store_inbox *in, const char *stored)
{
	return catalog_period_parse(stored, INT64_MAX / 2, &in->auto_erase);
}

static void
print_read(const struct store_inbox *in, struct strbuf *out)
{
	sb_adds(out, catalog_bool_text(in->print_on_store));
}

static int
print_write(struct store_inbox *in, const char *stored)
{
	in->print_on_store = catalog_value_bool(stored);
	return 0;
}

static const struct binding bindings[] = {
	{ KEY_BOX_NN_NAME, name_read, name_write },
	{ KEY_BOX_NN_PASSWORD, password_read, password_write },
	{ KEY_BOX_NN_AUTO_ERASE, erase_read, erase_write },
	{ KEY_BOX_NN_PRINT_ON_STORE, print_read, print_write },
};

static const struct binding *
binding_of(const struct cat_entry *e, struct svc_err *err)
{
	for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
		if (strcmp(bindings[i].base, e->base) == 0)
			return &bindings[i];
	svc_errf(err, EX_SOFTWARE, "no storage for the instanced setting '%s'", e->base);
	return NULL;
}

int
instance_get(struct device *dev, const struct cat_entry *e, struct strbuf *stored,
	     struct svc_err *err)
{
	const struct binding *b = binding_of(e, err);
	struct store_inbox in;
	int rc = -1;

	if (b == NULL || store_inbox_get(dev->st, e->instance, &in, err) < 0)
		goto out;
	sb_reset(stored);
	b->read(&in, stored);
	rc = strcmp(sb_str(stored), e->deflt) != 0;
out:
	svc_wipe(&in, sizeof in);
	return rc;
}

int
instance_put(struct device *dev, const struct cat_entry *e, const char *stored, struct svc_err *err)
{
	const struct binding *b = binding_of(e, err);
	struct store_inbox in;
	int rc = -1;

	if (b == NULL || store_inbox_get(dev->st, e->instance, &in, err) < 0)
		goto out;
	if (b->write(&in, stored) != 0) {
		svc_errf(err, EX_SOFTWARE, "stored form of %s does not fit its row", e->key);
		goto out;
	}
	rc = store_inbox_put(dev->st, &in, err);
out:
	svc_wipe(&in, sizeof in);
	return rc;
}

void
instance_event(const struct cat_entry *e, const char *verb, char *buf, size_t cap)
{
	/* The group's own event (box.set): Initialize All erases the values
	 * of its audit records with the group's data. */
	snprintf(buf, cap, "%.*s.%s", (int)strcspn(e->key, "."), e->key, verb);
}

/* --- export and import ------------------------------------------------------ */

/* The instance number of E if it belongs to the group PREFIX, else -1. */
static int
in_group(const struct cat_entry *e, const char *prefix)
{
	size_t n = strlen(prefix);

	return e->instance >= 0 && strncmp(e->key, prefix, n) == 0 && e->key[n] == '.' ? e->instance
										       : -1;
}

int
instance_export(struct device *dev, const char *prefix, struct strbuf *json, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT;
	int open = -1, rc = -1;

	sb_adds(json, "{");
	for (size_t i = 0; i < catalog_count(dev->cat); i++) {
		const struct cat_entry *e = catalog_at(dev->cat, i);
		int n = in_group(e, prefix);
		/* Passwords and secrets never leave, as PINs do not. */
		if (n < 0 || catalog_is_hidden(e) || e->type == CT_SECRET)
			continue;
		if (config_get_plain(dev, e->key, &v, err) != 0)
			goto out;
		if (n != open)
			sb_addf(json, "%s\n    \"%02d\": {", open < 0 ? "" : "},", n);
		else
			sb_adds(json, ", ");
		open = n;
		json_add_str(json, strrchr(e->key, '.') + 1);
		sb_adds(json, ": ");
		if (e->type == CT_INT || e->type == CT_PORT)
			sb_adds(json, sb_str(&v));
		else
			json_add_str(json, sb_str(&v));
	}
	sb_adds(json, open < 0 ? "}" : "}\n  }");
	rc = 0;
out:
	sb_release(&v);
	return rc;
}

/* The members of a JSON object, copied: the store's JSON walk cannot nest. */
struct member {
	char *key, *type, *value;
};
struct members {
	struct member *m;
	size_t n, cap;
};

static int
member_keep(void *arg, const char *key, const char *type, const char *value)
{
	struct members *ms = arg;

	if (ms->n == ms->cap) {
		ms->cap = ms->cap ? ms->cap * 2 : 16;
		ms->m = xrealloc(ms->m, ms->cap * sizeof *ms->m);
	}
	ms->m[ms->n++] =
		(struct member){ xstrdup(key), xstrdup(type), xstrdup(value ? value : "") };
	return 0;
}

static void
members_release(struct members *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		free(ms->m[i].key);
		free(ms->m[i].type);
		free(ms->m[i].value);
	}
	free(ms->m);
}

/* One instance's object: each member as the setting PREFIX.NN.MEMBER. */
struct instance_walk {
	const char *prefix, *nn;
	config_json_fn fn;
	void *arg;
};

static int
instance_member(void *arg, const char *key, const char *type, const char *value)
{
	struct instance_walk *w = arg;
	struct strbuf full = STRBUF_INIT;
	int rc;

	sb_addf(&full, "%s.%s.%s", w->prefix, w->nn, key);
	rc = w->fn(w->arg, sb_str(&full), type, value);
	sb_release(&full);
	return rc;
}

/* Whether NN (two digits) is an instance of the group PREFIX; if not,
 * a line in PROBLEMS says which are. */
static bool
group_has(const struct catalog *cat, const char *section, const char *prefix, const char *nn,
	  struct strbuf *problems)
{
	const struct cat_entry *any = NULL;
	int lo, hi;

	for (size_t i = 0; i < catalog_count(cat); i++) {
		const struct cat_entry *e = catalog_at(cat, i);
		int n = in_group(e, prefix);
		if (n >= 0 && strlen(nn) == 2 && nn[0] == '0' + n / 10 && nn[1] == '0' + n % 10)
			return true;
		any = n >= 0 ? e : any;
	}
	if (any == NULL || catalog_instances(cat, any->base, &lo, &hi) != 0)
		lo = hi = -1;
	sb_addf(problems, "%s.%.20s: invalid instance: expected %02d-%02d (%s.NN.*)\n", section, nn,
		lo, hi, prefix);
	return false;
}

int
instance_import(struct device *dev, const char *section, const char *prefix, const char *json,
		config_json_fn fn, void *arg, struct strbuf *problems, struct svc_err *err)
{
	struct members nn = { 0 };
	int rc = 0;

	if (store_json_each(dev->st, json, "$", member_keep, &nn, err) != 0)
		return -1;
	for (size_t i = 0; i < nn.n && rc == 0; i++) {
		struct instance_walk w = { prefix, nn.m[i].key, fn, arg };
		if (!group_has(dev->cat, section, prefix, nn.m[i].key, problems))
			continue;
		if (strcmp(nn.m[i].type, "object") != 0) {
			sb_addf(problems, "%s.%s: expected an object of settings (%s.NN.*)\n",
				section, nn.m[i].key, prefix);
			continue;
		}
		rc = store_json_each(dev->st, nn.m[i].value, "$", instance_member, &w, err);
	}
	members_release(&nn);
	return rc;
}
