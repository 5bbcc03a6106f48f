#include "catalog/catalog.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/blob.h"

extern const struct svc_blob svc_catalog_files[];

struct catalog {
	/* Parsed: owned, with STRINGS. Compiled (catalog_table.c, made at
	 * build time from the same text): borrowed, never written. */
	struct cat_entry *entries;
	bool borrowed;
	size_t n, cap;
	char **strings; /* every string the entries point into */
	size_t nstr, capstr;
};

static const char *const type_names[] = {
	[CT_BOOL] = "bool",     [CT_INT] = "int",   [CT_ENUM] = "enum", [CT_STRING] = "string",
	[CT_SECRET] = "secret", [CT_HOST] = "host", [CT_PORT] = "port", [CT_EMAIL] = "email",
	[CT_IPV4] = "ipv4",     [CT_MAC] = "mac",   [CT_PIN] = "pin",   [CT_IFACE] = "iface",
	[CT_PERIOD] = "period",
};

static const struct {
	const char *name;
	const char *title;
} levels[] = {
	[LEVEL_USER] = { "user", "User" },
	[LEVEL_MANAGER] = { "manager", "System Manager" },
	[LEVEL_SERVICE1] = { "service1", "Service L1" },
	[LEVEL_SERVICE2] = { "service2", "Service L2" },
};

const char *
catalog_type_name(enum cat_type t)
{
	return type_names[t];
}

const char *
catalog_init_name(const struct cat_entry *e)
{
	return e->reset_on_init ? "reset" : e->with_data ? "with data" : "kept";
}

const char *
level_name(enum level l)
{
	return levels[l].name;
}

const char *
level_title(enum level l)
{
	return levels[l].title;
}

unsigned
level_doors(enum level l)
{
	static const unsigned doors[] = { 0, DOOR_MANAGER, DOOR_SERVICE1, DOOR_SERVICE2 };

	return doors[l];
}

enum level
doors_level(unsigned doors)
{
	if (doors & DOOR_SERVICE2)
		return LEVEL_SERVICE2;
	if (doors & DOOR_SERVICE1)
		return LEVEL_SERVICE1;
	return (doors & DOOR_MANAGER) ? LEVEL_MANAGER : LEVEL_USER;
}

int
level_parse(const char *s, enum level *out)
{
	for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
		if (strcmp(s, levels[i].name) == 0) {
			*out = (enum level)i;
			return 0;
		}
	}
	return -1;
}

bool
catalog_is_hidden(const struct cat_entry *e)
{
	return e->type == CT_SECRET || e->type == CT_PIN;
}

static const char *
keep(struct catalog *cat, const char *s, size_t len)
{
	char *copy = xmalloc(len + 1);

	memcpy(copy, s, len);
	copy[len] = '\0';
	if (cat->nstr == cat->capstr) {
		cat->capstr = cat->capstr ? cat->capstr * 2 : 256;
		cat->strings = xrealloc(cat->strings, cat->capstr * sizeof *cat->strings);
	}
	cat->strings[cat->nstr++] = copy;
	return copy;
}

/* The parse state: which file and line, for messages. */
struct parse {
	struct catalog *cat;
	const char *file;
	int line;
	struct cat_entry *cur;
	bool has_type, has_default, has_level, has_init;
	int inst_lo, inst_hi; /* instances = LO-HI; LO -1 when none */
	struct svc_err *err;
};

static int
perr(struct parse *p, const char *what, const char *value)
{
	return svc_errf(p->err, EX_SOFTWARE, "catalog %s:%d: %s '%s'", p->file, p->line, what,
			value);
}

static int
parse_long(const char *s, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(s, &end, 10);
	return (errno || end == s || *end) ? -1 : 0;
}

static int
parse_choices(struct parse *p, const char *v)
{
	struct cat_entry *e = p->cur;

	e->nchoices = 0;
	while (*v) {
		const char *bar = strchr(v, '|');
		const char *end = bar ? bar : v + strlen(v);
		const char *a = v, *b = end;
		while (a < b && isspace((unsigned char)*a))
			a++;
		while (b > a && isspace((unsigned char)b[-1]))
			b--;
		if (a == b || e->nchoices == CAT_MAX_CHOICES)
			return perr(p, "bad choices", v);
		e->choices[e->nchoices++] = keep(p->cat, a, (size_t)(b - a));
		v = bar ? bar + 1 : end;
	}
	return 0;
}

static int
parse_type(struct parse *p, const char *v)
{
	for (size_t i = 0; i < sizeof type_names / sizeof type_names[0]; i++) {
		if (strcmp(v, type_names[i]) == 0) {
			p->cur->type = (enum cat_type)i;
			p->has_type = true;
			return 0;
		}
	}
	return perr(p, "unknown type", v);
}

/* Removed by migration 081: svcmode never configured the controller's
 * network interface (its operating system does), so these values changed
 * nothing. Kept here so that old exports still import and scripts get a
 * reason instead of "unknown setting". */
static const char *const retired[] = {
	"network.tcpip.ipv4.netmask",
	"network.tcpip.ipv4.gateway",
	"network.tcpip.dns.primary",
	"network.tcpip.dns.secondary",
	NULL,
};

const char *
catalog_retired(const char *key)
{
	for (const char *const *k = retired; *k; k++)
		if (strcmp(*k, key) == 0)
			return "it was removed (schema 081) because it changed nothing: the "
			       "controller's operating system configures its network interface";
	return NULL;
}

int
catalog_instance_key(const char *base, int n, char *buf, size_t cap)
{
	const char *nn = strstr(base, ".NN.");
	int len;

	if (nn == NULL || n < 0 || n > 99)
		return -1;
	len = snprintf(buf, cap, "%.*s.%02d.%s", (int)(nn - base), base, n, nn + 4);
	return len < 0 || (size_t)len >= cap ? -1 : 0;
}

int
catalog_instances(const struct catalog *cat, const char *base, int *lo, int *hi)
{
	*lo = *hi = -1;
	for (size_t i = 0; i < cat->n; i++) {
		const struct cat_entry *e = &cat->entries[i];
		if (e->instance < 0 || strcmp(e->base, base) != 0)
			continue;
		if (*lo < 0 || e->instance < *lo)
			*lo = e->instance;
		if (e->instance > *hi)
			*hi = e->instance;
	}
	return *lo < 0 ? -1 : 0;
}

/* The instanced entry whose declared name KEY fits with something else in
 * place of NN (box.100.name, box.x.name), or NULL. */
static const struct cat_entry *
instanced_like(const struct catalog *cat, const char *key, const char **inst, int *inst_len)
{
	for (size_t i = 0; i < cat->n; i++) {
		const struct cat_entry *e = &cat->entries[i];
		const char *nn = e->instance >= 0 ? strstr(e->base, ".NN.") : NULL;
		size_t pre, post, len = strlen(key);
		const char *dot;

		if (nn == NULL)
			continue;
		pre = (size_t)(nn - e->base) + 1;
		post = strlen(nn + 3);
		if (len <= pre + post || strncmp(key, e->base, pre) != 0 ||
		    strcmp(key + len - post, nn + 3) != 0)
			continue;
		dot = memchr(key + pre, '.', len - pre - post);
		if (dot != NULL)
			continue;
		*inst = key + pre;
		*inst_len = (int)(len - pre - post);
		return e;
	}
	return NULL;
}

const struct cat_entry *
catalog_lookup(const struct catalog *cat, const char *key, struct svc_err *err)
{
	const struct cat_entry *e = catalog_find(cat, key), *like;
	const char *inst;
	int n, lo, hi;

	if (e == NULL && (like = instanced_like(cat, key, &inst, &n)) != NULL) {
		catalog_instances(cat, like->base, &lo, &hi);
		svc_errf(err, EX_USAGE,
			 "invalid instance '%.*s' in '%.80s' (%s): expected %02d-%02d",
			 n > 20 ? 20 : n, inst, key, like->base, lo, hi);
	} else if (e == NULL && catalog_retired(key))
		svc_errf(err, EX_USAGE, "setting '%.80s': %s", key, catalog_retired(key));
	else if (e == NULL)
		svc_errf(err, EX_USAGE, "unknown setting '%.80s' (see 'svcmode list')", key);
	return e;
}

static int
field(struct parse *p, const char *name, const char *v)
{
	struct cat_entry *e = p->cur;
	long n;

	if (strcmp(name, "label") == 0)
		e->label = keep(p->cat, v, strlen(v));
	else if (strcmp(name, "help") == 0)
		e->help = keep(p->cat, v, strlen(v));
	else if (strcmp(name, "effect") == 0)
		e->effect = keep(p->cat, v, strlen(v));
	else if (strcmp(name, "unit") == 0)
		e->unit = keep(p->cat, v, strlen(v));
	else if (strcmp(name, "default") == 0) {
		e->deflt = keep(p->cat, v, strlen(v));
		p->has_default = true;
	} else if (strcmp(name, "type") == 0)
		return parse_type(p, v);
	else if (strcmp(name, "choices") == 0)
		return parse_choices(p, v);
	else if (strcmp(name, "min") == 0 || strcmp(name, "max") == 0) {
		if (parse_long(v, &n) != 0)
			return perr(p, "not a number", v);
		*(name[1] == 'i' ? &e->min : &e->max) = n;
	} else if (strcmp(name, "max_bytes") == 0) {
		if (parse_long(v, &e->max_bytes) != 0 || e->max_bytes < 1)
			return perr(p, "not a positive number", v);
	} else if (strcmp(name, "level") == 0) {
		if (level_parse(v, &e->level) != 0)
			return perr(p, "unknown level", v);
		p->has_level = true;
	} else if (strcmp(name, "init") == 0) {
		if (strcmp(v, "reset") != 0 && strcmp(v, "keep") != 0 && strcmp(v, "data") != 0)
			return perr(p, "init must be reset, keep or data, not", v);
		e->reset_on_init = strcmp(v, "reset") == 0;
		e->with_data = strcmp(v, "data") == 0;
		p->has_init = true;
	} else if (strcmp(name, "instances") == 0) {
		/* Two-digit instance numbers, as the panel shows inboxes. */
		if (strlen(v) != 5 || v[2] != '-' ||
		    sscanf(v, "%2d-%2d", &p->inst_lo, &p->inst_hi) != 2 ||
		    p->inst_lo > p->inst_hi || strstr(e->key, ".NN.") == NULL)
			return perr(p, "instances must be LO-HI (00-99) for a key with .NN., not",
				    v);
	} else if (strcmp(name, "empty") == 0) {
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return perr(p, "empty must be yes or no, not", v);
		e->empty_ok = strcmp(v, "yes") == 0;
	} else if (strcmp(name, "screen") == 0) {
		e->screen = keep(p->cat, v, strlen(v));
	} else if (strcmp(name, "panel") == 0) {
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			return perr(p, "panel must be yes or no, not", v);
		e->panel = strcmp(v, "yes") == 0;
	} else
		return perr(p, "unknown field", name);
	return 0;
}

static struct cat_entry *
add_entry(struct catalog *cat)
{
	if (cat->n == cat->cap) {
		cat->cap = cat->cap ? cat->cap * 2 : 64;
		cat->entries = xrealloc(cat->entries, cat->cap * sizeof *cat->entries);
	}
	return &cat->entries[cat->n++];
}

/* An instanced declaration becomes one entry per instance: lookups,
 * listings and loops over the catalog then need nothing special. */
static int
expand(struct parse *p)
{
	struct catalog *cat = p->cat;
	struct cat_entry decl = cat->entries[cat->n - 1];
	char key[128];

	if (p->inst_lo < 0)
		return 0;
	if (strstr(strstr(decl.key, ".NN.") + 3, ".NN.") != NULL)
		return perr(p, "NN twice in", decl.key);
	cat->n--;
	for (int i = p->inst_lo; i <= p->inst_hi; i++) {
		struct cat_entry *e = add_entry(cat);
		if (catalog_instance_key(decl.key, i, key, sizeof key) != 0)
			return perr(p, "key too long:", decl.key);
		*e = decl;
		e->key = keep(cat, key, strlen(key));
		e->base = decl.key;
		e->instance = i;
	}
	return 0;
}

/* Closes the entry being parsed: required fields, defaults, validity. */
static int
finish(struct parse *p)
{
	struct cat_entry *e = p->cur;
	struct strbuf canon = STRBUF_INIT;
	int rc;

	if (e == NULL)
		return 0;
	p->cur = NULL;
	if (!p->has_type || !p->has_default || !p->has_level || e->label == NULL)
		return perr(p, "entry lacks label, type, default or level:", e->key);
	if (!p->has_init)
		e->reset_on_init = e->level < LEVEL_SERVICE1;
	if (e->help == NULL)
		e->help = "";
	if (e->effect == NULL)
		e->effect = "";
	if (e->unit == NULL)
		e->unit = "";
	if (e->type == CT_ENUM && e->nchoices == 0)
		return perr(p, "enum without choices:", e->key);
	if (e->max == 0 && e->type != CT_INT)
		e->max = e->type == CT_PIN ? 7 : e->type == CT_PERIOD ? 365 : 255;
	if (e->type == CT_PORT) {
		e->min = 1;
		e->max = 65535;
	}
	rc = catalog_parse_value(e, e->deflt, &canon, p->err);
	if (rc == 0 && strcmp(canon.buf ? canon.buf : "", e->deflt) != 0)
		rc = perr(p, "default is not in canonical form:", e->deflt);
	sb_release(&canon);
	return rc == 0 ? expand(p) : rc;
}

static int
begin_entry(struct parse *p, const char *key, size_t len)
{
	struct catalog *cat = p->cat;

	if (finish(p) != 0)
		return -1;
	p->cur = add_entry(cat);
	memset(p->cur, 0, sizeof *p->cur);
	p->cur->key = keep(cat, key, len);
	p->cur->base = p->cur->key;
	p->cur->instance = -1;
	p->cur->panel = true;
	p->has_type = p->has_default = p->has_level = p->has_init = false;
	p->inst_lo = p->inst_hi = -1;
	return 0;
}

static int
parse_line(struct parse *p, char *line)
{
	char *eq, *name, *v, *end;

	while (isspace((unsigned char)*line))
		line++;
	end = line + strlen(line);
	while (end > line && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (*line == '\0' || *line == '#')
		return 0;
	if (*line == '[') {
		if (end[-1] != ']' || end - line < 3)
			return perr(p, "bad section", line);
		return begin_entry(p, line + 1, (size_t)(end - line - 2));
	}
	if (p->cur == NULL || (eq = strchr(line, '=')) == NULL)
		return perr(p, "expected 'name = value', got", line);
	name = line;
	for (char *q = eq; q > name && isspace((unsigned char)q[-1]); q--)
		q[-1] = '\0';
	*eq = '\0';
	for (v = eq + 1; isspace((unsigned char)*v); v++)
		;
	return field(p, name, v);
}

static int
parse_text(struct parse *p, const char *text)
{
	const char *s = text;

	p->line = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		char *line = xmalloc(len + 1);
		int rc;

		memcpy(line, s, len);
		line[len] = '\0';
		p->line++;
		rc = parse_line(p, line);
		free(line);
		if (rc != 0)
			return -1;
		s += len + (nl ? 1 : 0);
	}
	return finish(p);
}

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct cat_entry *)a)->key, ((const struct cat_entry *)b)->key);
}

int
catalog_parse(const char *const *names, const char *const *texts, int n, struct catalog **out,
	      struct svc_err *err)
{
	struct catalog *cat = xcalloc(1, sizeof *cat);
	struct parse p = { .cat = cat, .err = err };

	*out = NULL;
	for (int i = 0; i < n; i++) {
		p.file = names[i];
		if (parse_text(&p, texts[i]) != 0)
			goto fail;
	}
	qsort(cat->entries, cat->n, sizeof *cat->entries, by_key);
	for (size_t i = 1; i < cat->n; i++) {
		if (strcmp(cat->entries[i - 1].key, cat->entries[i].key) == 0) {
			svc_errf(err, EX_SOFTWARE, "catalog: key '%s' declared twice",
				 cat->entries[i].key);
			goto fail;
		}
	}
	*out = cat;
	return 0;
fail:
	catalog_free(cat);
	return -1;
}

int
catalog_parse_embedded(struct catalog **out, struct svc_err *err)
{
	const char *names[64], *texts[64];
	int n = 0;

	for (const struct svc_blob *b = svc_catalog_files; b->name && n < 64; b++, n++) {
		names[n] = b->name;
		texts[n] = b->data;
	}
	return catalog_parse(names, texts, n, out, err);
}

int
catalog_wrap(const struct cat_entry *entries, size_t n, struct catalog **out)
{
	struct catalog *cat = xcalloc(1, sizeof *cat);

	/* The catalog API hands out const entries only; the cast keeps one
	 * struct for parsed and compiled catalogs. */
	cat->entries = (struct cat_entry *)entries;
	cat->n = cat->cap = n;
	cat->borrowed = true;
	*out = cat;
	return 0;
}

void
catalog_free(struct catalog *cat)
{
	if (cat == NULL)
		return;
	for (size_t i = 0; i < cat->nstr; i++)
		free(cat->strings[i]);
	free(cat->strings);
	if (!cat->borrowed)
		free(cat->entries);
	free(cat);
}

size_t
catalog_count(const struct catalog *cat)
{
	return cat->n;
}

const struct cat_entry *
catalog_at(const struct catalog *cat, size_t i)
{
	return i < cat->n ? &cat->entries[i] : NULL;
}

const struct cat_entry *
catalog_find(const struct catalog *cat, const char *key)
{
	struct cat_entry probe = { .key = key };

	return bsearch(&probe, cat->entries, cat->n, sizeof *cat->entries, by_key);
}
