/* Settings export and import as JSON (import parsed by SQLite's JSON1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/device_int.h"
#include "util/json.h"

#define EXPORT_FORMAT "svcmode-settings"
#define EXPORT_VERSION 1
#define CONFIG_SECTIONS_MAX 8

static bool
numeric(const struct cat_entry *e)
{
	return e->type == CT_INT || e->type == CT_PORT;
}

int
config_export(struct device *dev, bool include_secrets, struct strbuf *out, struct svc_err *err)
{
	return config_export_all(dev, include_secrets, NULL, out, err);
}

int
config_export_all(struct device *dev, bool include_secrets, const struct config_section *sections,
		  struct strbuf *out, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT;
	bool first = true;
	int rc = -1;

	if (include_secrets && device_require(dev, DOOR_MANAGER, "exporting secrets", err) != 0)
		return -1;
	sb_addf(out, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n  \"model\": ", EXPORT_FORMAT,
		EXPORT_VERSION);
	json_add_str(out, dev->id.model);
	sb_adds(out, ",\n  \"serial\": ");
	json_add_str(out, dev->id.serial);
	sb_adds(out, ",\n  \"settings\": {");
	for (size_t i = 0; i < catalog_count(dev->cat); i++) {
		const struct cat_entry *e = catalog_at(dev->cat, i);
		/* PIN hashes never leave; secrets only when asked for; an
		 * instanced key goes with its group's section. */
		if (e->type == CT_PIN || (e->type == CT_SECRET && !include_secrets) ||
		    e->instance >= 0)
			continue;
		if (config_get_plain(dev, e->key, &v, err) != 0)
			goto out;
		sb_adds(out, first ? "\n    " : ",\n    ");
		first = false;
		json_add_str(out, e->key);
		sb_adds(out, ": ");
		if (numeric(e))
			sb_adds(out, v.buf);
		else
			json_add_str(out, v.buf);
	}
	sb_adds(out, "\n  }");
	for (const struct config_section *sec = sections; sec && sec->name; sec++) {
		sb_addf(out, ",\n  \"%s\": ", sec->name);
		if ((sec->instances ? instance_export(dev, sec->instances, out, err)
				    : sec->export(dev, out, err)) != 0)
			goto out;
	}
	sb_adds(out, "\n}\n");
	rc = 0;
out:
	sb_release(&v);
	return rc;
}

int
config_json_each(struct device *dev, const char *json, const char *path, config_json_fn fn,
		 void *arg, struct svc_err *err)
{
	return store_json_each(dev->st, json, path, fn, arg, err);
}

struct import_item {
	const struct cat_entry *e;
	char *stored;
	char *canon;
};

struct import {
	struct device *dev;
	struct strbuf *problems;
	int nproblems;
	struct import_item *items;
	size_t n, cap;
	unsigned need; /* the doors of the keys to change: all are needed */
	bool seen_settings;
	const struct config_section *sections;
	void *state[CONFIG_SECTIONS_MAX];
	char *section_json[CONFIG_SECTIONS_MAX]; /* as found in the file */
	int changes;                             /* of the sections */
	int version;                             /* 1; -1 for any other; 0 when missing */
	char format[64];
};

static void
problem(struct import *im, const char *msg)
{
	sb_addf(im->problems, "%s\n", msg);
	im->nproblems++;
}

static int
top_field(void *arg, const char *key, const char *type, const char *value)
{
	struct import *im = arg;

	if (strcmp(key, "format") == 0 && strcmp(type, "text") == 0)
		strlcpy_(im->format, value, sizeof im->format);
	/* Only the version this program writes: a later format may mean
	 * something else by the same keys. */
	if (strcmp(key, "version") == 0)
		im->version = strcmp(type, "integer") == 0 && strcmp(value, "1") == 0 ? 1 : -1;
	if (strcmp(key, "settings") == 0 && strcmp(type, "object") == 0)
		im->seen_settings = true;
	for (int i = 0; im->sections && im->sections[i].name; i++)
		if (strcmp(key, im->sections[i].name) == 0 && im->section_json[i] == NULL)
			im->section_json[i] = xstrdup(value);
	return 0;
}

static bool
unchanged(struct import *im, const struct cat_entry *e, const char *canon)
{
	struct strbuf cur = STRBUF_INIT;
	bool same;

	if (e->type == CT_SECRET)
		same = config_get_plain(im->dev, e->key, &cur, NULL) == 0 &&
		       strcmp(cur.buf ? cur.buf : "", canon) == 0;
	else
		same = config_get(im->dev, e->key, &cur, NULL) == 0 && strcmp(cur.buf, canon) == 0;
	sb_release(&cur);
	return same;
}

static int
one_setting(void *arg, const char *key, const char *type, const char *value)
{
	struct import *im = arg;
	const struct cat_entry *e = catalog_find(im->dev->cat, key);
	struct strbuf canon = STRBUF_INIT, stored = STRBUF_INIT;
	struct svc_err err = { 0 };
	char msg[320];

	if (e == NULL && catalog_retired(key)) {
		/* An export made before the key was retired: nothing to do. */
	} else if (e == NULL) {
		/* "unknown setting", or a bad instance of an instanced key */
		catalog_lookup(im->dev->cat, key, &err);
		problem(im, err.msg);
	} else if (strcmp(type, "true") == 0 || strcmp(type, "false") == 0) {
		if (e->type != CT_BOOL) {
			snprintf(msg, sizeof msg, "invalid value %s for %s: not an ON/OFF setting",
				 type, key);
			problem(im, msg);
		} else {
			one_setting(arg, key, "text", type);
		}
	} else if (strcmp(type, "text") != 0 && strcmp(type, "integer") != 0) {
		snprintf(msg, sizeof msg,
			 "invalid value for %s: expected a string or a number, "
			 "got JSON %s",
			 key, type);
		problem(im, msg);
	} else if (e->type == CT_PIN) {
		snprintf(msg, sizeof msg, "%s cannot be imported: %s", key,
			 e->instance >= 0 ? "passwords are never exported nor imported"
					  : "use 'svcmode passwd'");
		problem(im, msg);
	} else if (catalog_parse_value(e, value, &canon, &err) != 0) {
		problem(im, err.msg);
	} else if (!unchanged(im, e, canon.buf)) {
		if (settings_encode(im->dev, e, canon.buf, &stored, &err) != 0) {
			problem(im, err.msg);
		} else {
			if (im->n == im->cap) {
				im->cap = im->cap ? im->cap * 2 : 32;
				im->items = xrealloc(im->items, im->cap * sizeof *im->items);
			}
			im->items[im->n++] =
				(struct import_item){ e, sb_detach(&stored), xstrdup(canon.buf) };
			im->need |= level_doors(e->level);
		}
	}
	sb_release(&canon);
	sb_release(&stored);
	return 0;
}

static int
apply(struct import *im, struct svc_err *err)
{
	char detail[64];

	if (store_begin(im->dev->st, err) != 0)
		return -1;
	for (size_t i = 0; i < im->n; i++) {
		if (settings_write(im->dev, im->items[i].e, im->items[i].stored, im->items[i].canon,
				   err) != 0)
			goto fail;
	}
	for (int i = 0; im->sections && im->sections[i].name; i++)
		if (im->state[i] && im->sections[i].apply(im->dev, im->state[i], err) != 0)
			goto fail;
	snprintf(detail, sizeof detail, "%zu settings changed%s", im->n,
		 im->changes ? ", with inboxes and lists" : "");
	if (device_audit(im->dev, "import", NULL, NULL, NULL, detail, err) != 0)
		goto fail;
	return store_commit(im->dev->st, err);
fail:
	store_rollback(im->dev->st);
	return -1;
}

static void
import_free(struct import *im)
{
	for (int i = 0; im->sections && im->sections[i].name; i++) {
		if (im->state[i])
			im->sections[i].release(im->state[i]);
		free(im->section_json[i]);
	}
	for (size_t i = 0; i < im->n; i++) {
		svc_wipe(im->items[i].canon, strlen(im->items[i].canon));
		free(im->items[i].stored);
		free(im->items[i].canon);
	}
	free(im->items);
}

/* One line of the plan: what KEY becomes. */
static void
plan_line(struct import *im, const struct import_item *it, struct strbuf *plan)
{
	struct strbuf cur = STRBUF_INIT;
	bool hidden = catalog_is_hidden(it->e);

	if (config_get(im->dev, it->e->key, &cur, NULL) != 0)
		sb_adds(&cur, "?");
	sb_addf(plan, "%s: '%s' -> '%s'\n", it->e->key, cur.buf, hidden ? "***" : it->canon);
	sb_release(&cur);
}

/* An instanced group's section: its members are settings like those of
 * "settings" (one_setting), each bad one a problem. */
static int
instances_plan(struct import *im, const struct config_section *sec, const char *json,
	       struct svc_err *err)
{
	size_t before = im->problems->len;
	int counted = im->nproblems;

	if (json == NULL)
		return 0;
	if (instance_import(im->dev, sec->name, sec->instances, json, one_setting, im, im->problems,
			    err) != 0)
		return -1;
	/* one_setting counted its own problems; the walk's are the other lines. */
	im->nproblems = counted;
	for (size_t k = before; k < im->problems->len; k++)
		im->nproblems += im->problems->buf[k] == '\n';
	return 0;
}

/* Each section reads its part of the file; their bad entries count as
 * problems, their changes with the settings'. */
static int
sections_plan(struct import *im, struct strbuf *plan, struct svc_err *err)
{
	for (int i = 0; im->sections && im->sections[i].name; i++) {
		const struct config_section *sec = &im->sections[i];
		size_t before = im->problems->len;
		struct strbuf lines = STRBUF_INIT;
		int n;

		if (sec->instances) {
			if (instances_plan(im, sec, im->section_json[i], err) != 0)
				return -1;
			continue;
		}
		n = sec->plan(im->dev, im->section_json[i], im->problems, &lines, &im->state[i],
			      err);

		if (n < 0) {
			sb_release(&lines);
			return -1;
		}
		for (size_t k = before; k < im->problems->len; k++)
			im->nproblems += im->problems->buf[k] == '\n';
		if (plan)
			sb_adds(plan, sb_str(&lines));
		sb_release(&lines);
		if (n > 0)
			im->need |= sec->doors;
		im->changes += n;
	}
	return 0;
}

static int
import_run(struct device *dev, const char *json, const struct config_section *sections,
	   struct strbuf *problems, struct strbuf *plan, bool write, struct svc_err *err)
{
	struct import im = { .dev = dev, .problems = problems, .need = 0, .sections = sections };
	int rc = -1;

	if (store_json_each(dev->st, json, "$", top_field, &im, err) != 0)
		goto out;
	if (strcmp(im.format, EXPORT_FORMAT) != 0 || !im.seen_settings) {
		svc_errf(err, EX_DATAERR,
			 "not a settings export: expected an object with "
			 "\"format\": \"%s\" and \"settings\"",
			 EXPORT_FORMAT);
		goto out;
	}
	if (im.version != EXPORT_VERSION) {
		svc_errf(err, EX_DATAERR,
			 "unsupported settings export version: expected \"version\": %d (a "
			 "number)",
			 EXPORT_VERSION);
		goto out;
	}
	if (store_json_each(dev->st, json, "$.settings", one_setting, &im, err) != 0 ||
	    sections_plan(&im, plan, err) != 0)
		goto out;
	if (im.nproblems > 0) {
		svc_errf(err, EX_DATAERR, "%d invalid entr%s in the import; nothing was changed",
			 im.nproblems, im.nproblems == 1 ? "y" : "ies");
		goto out;
	}
	for (size_t i = 0; plan && i < im.n; i++)
		plan_line(&im, &im.items[i], plan);
	for (unsigned door = 1; write && im.n + (size_t)im.changes > 0 && door <= DOOR_SERVICE2;
	     door <<= 1)
		if ((im.need & door) &&
		    device_require(dev, door, "importing these settings", err) != 0)
			goto out;
	if (write && im.n + (size_t)im.changes > 0 && apply(&im, err) != 0)
		goto out;
	rc = (int)im.n + im.changes;
out:
	import_free(&im);
	return rc;
}

int
config_import(struct device *dev, const char *json, struct strbuf *problems, struct svc_err *err)
{
	return import_run(dev, json, NULL, problems, NULL, true, err);
}

int
config_import_all(struct device *dev, const char *json, const struct config_section *sections,
		  bool write, struct strbuf *problems, struct strbuf *plan, struct svc_err *err)
{
	return import_run(dev, json, sections, problems, plan, write, err);
}

int
config_import_plan(struct device *dev, const char *json, struct strbuf *problems,
		   struct strbuf *plan, struct svc_err *err)
{
	return import_run(dev, json, NULL, problems, plan, false, err);
}
