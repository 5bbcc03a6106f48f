/* Parses screens/ (format: screens/README.md) into a tree of items. */
#include "menu/menu.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/blob.h"

extern const struct svc_blob svc_screen_files[];

#define MENU_MAX_DEPTH 16

struct menu {
	struct menu_item *root;
};

static struct menu_item *
item_new(enum menu_kind kind, const char *file, int line)
{
	struct menu_item *it = xcalloc(1, sizeof *it);

	it->kind = kind;
	it->file = file;
	it->line = line;
	it->param = xstrdup("");
	return it;
}

static void
item_free(struct menu_item *it)
{
	if (it == NULL)
		return;
	for (int i = 0; i < it->nkids; i++)
		item_free(it->kids[i]);
	free(it->kids);
	free(it->label);
	free(it->target);
	free(it->param);
	free(it);
}

static void
item_add(struct menu_item *parent, struct menu_item *kid)
{
	parent->kids =
		xrealloc(parent->kids, (size_t)(parent->nkids + 1) * sizeof(struct menu_item *));
	parent->kids[parent->nkids++] = kid;
	kid->parent = parent;
}

/* The next token of *P: a "quoted string" or a run of non-blanks. */
static int
next_token(const char **p, struct strbuf *tok, bool *quoted)
{
	const char *s = *p;

	sb_reset(tok);
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return 0;
	*quoted = *s == '"';
	if (*quoted) {
		const char *end = strchr(++s, '"');

		if (end == NULL)
			return -1;
		sb_add(tok, s, (size_t)(end - s));
		s = end + 1;
	} else {
		const char *start = s;

		while (*s && *s != ' ' && *s != '\t')
			s++;
		sb_add(tok, start, (size_t)(s - start));
	}
	*p = s;
	return 1;
}

static const struct {
	const char *word;
	enum menu_kind kind;
} kinds[] = {
	{ "menu", MENU_SUBMENU },
	{ "setting", MENU_SETTING },
	{ "action", MENU_ACTION },
	{ "login", MENU_LOGIN },
};

/* Fills IT from the words after the kind. */
static int
parse_args(struct menu_item *it, const char *p, struct svc_err *err)
{
	struct strbuf tok = STRBUF_INIT;
	bool quoted = false;
	int r, rc = -1;

	while ((r = next_token(&p, &tok, &quoted)) > 0) {
		const char *eq = quoted ? NULL : strchr(tok.buf, '=');

		if (quoted) {
			if (it->label || it->kind == MENU_SETTING) {
				svc_errf(err, EX_DATAERR, "%s:%d: unexpected label \"%s\"",
					 it->file, it->line, tok.buf);
				goto out;
			}
			it->label = xstrdup(tok.buf);
		} else if (eq) {
			const char *v = eq + 1;
			size_t n = (size_t)(eq - tok.buf);
			enum level lv;

			if (n == 5 && strncmp(tok.buf, "param", 5) == 0) {
				free(it->param);
				it->param = xstrdup(v);
				continue;
			}
			if (level_parse(v, &lv) != 0) {
				svc_errf(err, EX_DATAERR, "%s:%d: invalid level '%s'", it->file,
					 it->line, v);
				goto out;
			}
			if (n == 5 && strncmp(tok.buf, "guard", 5) == 0)
				it->guard = lv;
			else if (n == 4 && strncmp(tok.buf, "show", 4) == 0)
				it->show = lv;
			else {
				svc_errf(err, EX_DATAERR, "%s:%d: unknown option '%s'", it->file,
					 it->line, tok.buf);
				goto out;
			}
		} else if (it->target == NULL && it->kind != MENU_SUBMENU) {
			if (it->kind == MENU_LOGIN) {
				if (level_parse(tok.buf, &it->guard) != 0) {
					svc_errf(err, EX_DATAERR, "%s:%d: invalid level '%s'",
						 it->file, it->line, tok.buf);
					goto out;
				}
			}
			it->target = xstrdup(tok.buf);
		} else {
			svc_errf(err, EX_DATAERR, "%s:%d: unexpected word '%s'", it->file, it->line,
				 tok.buf);
			goto out;
		}
	}
	if (r < 0) {
		svc_errf(err, EX_DATAERR, "%s:%d: unterminated quote", it->file, it->line);
		goto out;
	}
	if (it->kind != MENU_SUBMENU && it->target == NULL) {
		svc_errf(err, EX_DATAERR, "%s:%d: missing key or action name", it->file, it->line);
		goto out;
	}
	if (it->kind != MENU_SETTING && it->label == NULL) {
		svc_errf(err, EX_DATAERR, "%s:%d: missing \"label\"", it->file, it->line);
		goto out;
	}
	rc = 0;
out:
	sb_release(&tok);
	return rc;
}

/* Parses one line into STACK (the open submenus by depth). */
static int
parse_line(const char *file, int lineno, const char *line, struct menu_item **stack, int *depth,
	   struct menu *m, struct svc_err *err)
{
	const char *p = line;
	size_t indent = 0, wl;
	struct menu_item *it = NULL;
	int level;

	while (*p == ' ')
		p++, indent++;
	if (*p == '\0' || *p == '#')
		return 0;
	if (*p == '\t' || indent % 2)
		return svc_errf(err, EX_DATAERR, "%s:%d: indent with two spaces per level", file,
				lineno);
	level = (int)(indent / 2);
	wl = strcspn(p, " \t");
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strlen(kinds[k].word) == wl && strncmp(p, kinds[k].word, wl) == 0)
			it = item_new(kinds[k].kind, file, lineno);
	if (it == NULL)
		return svc_errf(err, EX_DATAERR,
				"%s:%d: expected menu, setting, action or login, not '%.*s'", file,
				lineno, (int)wl, p);
	if (parse_args(it, p + wl, err) != 0)
		goto fail;
	if (level == 0) {
		if (m->root || it->kind != MENU_SUBMENU) {
			svc_errf(err, EX_DATAERR, "%s:%d: only one top menu (indent the rest)",
				 file, lineno);
			goto fail;
		}
		m->root = it;
	} else {
		if (level > *depth || level >= MENU_MAX_DEPTH) {
			svc_errf(err, EX_DATAERR, "%s:%d: indented deeper than its menu", file,
				 lineno);
			goto fail;
		}
		item_add(stack[level - 1], it);
	}
	*depth = it->kind == MENU_SUBMENU ? level + 1 : level;
	if (it->kind == MENU_SUBMENU)
		stack[level] = it;
	return 0;
fail:
	item_free(it);
	return -1;
}

int
menu_parse(const char *const *names, const char *const *texts, int n, struct menu **out,
	   struct svc_err *err)
{
	struct menu *m = xcalloc(1, sizeof *m);
	struct menu_item *stack[MENU_MAX_DEPTH] = { 0 };
	struct strbuf line = STRBUF_INIT;
	int depth = 0;

	*out = NULL;
	for (int f = 0; f < n; f++) {
		const char *s = texts[f];
		int lineno = 0;

		while (*s) {
			size_t len = strcspn(s, "\n");

			lineno++;
			sb_reset(&line);
			sb_add(&line, s, len);
			while (line.len &&
			       (line.buf[line.len - 1] == '\r' || line.buf[line.len - 1] == ' '))
				line.buf[--line.len] = '\0';
			if (parse_line(names[f], lineno, line.buf, stack, &depth, m, err) != 0)
				goto fail;
			s += len + (s[len] == '\n');
		}
	}
	if (m->root == NULL) {
		svc_errf(err, EX_DATAERR, "no menu in screens");
		goto fail;
	}
	sb_release(&line);
	*out = m;
	return 0;
fail:
	sb_release(&line);
	menu_free(m);
	return -1;
}

int
menu_new(struct menu **out, struct svc_err *err)
{
	const char *names[64], *texts[64];
	int n = 0;

	for (const struct svc_blob *b = svc_screen_files; b->name && n < 64; b++, n++) {
		names[n] = b->name;
		texts[n] = b->data;
	}
	return menu_parse(names, texts, n, out, err);
}

void
menu_free(struct menu *m)
{
	if (m == NULL)
		return;
	item_free(m->root);
	free(m);
}

const struct menu_item *
menu_root(const struct menu *m)
{
	return m->root;
}

static int
walk(const struct menu_item *it, menu_walk_fn fn, void *arg)
{
	int r = fn(arg, it);

	for (int i = 0; r == 0 && i < it->nkids; i++)
		r = walk(it->kids[i], fn, arg);
	return r;
}

int
menu_walk(const struct menu *m, menu_walk_fn fn, void *arg)
{
	return walk(m->root, fn, arg);
}

const char *
menu_label(const struct menu_item *it, const struct catalog *cat)
{
	const struct cat_entry *e;

	if (it->label)
		return it->label;
	e = cat ? catalog_find(cat, it->target) : NULL;
	return e ? e->label : it->target;
}

void
menu_breadcrumb(const struct menu_item *it, struct strbuf *out)
{
	const struct menu_item *chain[MENU_MAX_DEPTH + 1];
	int n = 0;

	sb_reset(out);
	sb_adds(out, "");
	if (it && it->kind != MENU_SUBMENU)
		it = it->parent;
	for (; it && it->parent && n <= MENU_MAX_DEPTH; it = it->parent)
		chain[n++] = it;
	while (n-- > 0) {
		sb_adds(out, chain[n]->label);
		if (n)
			sb_adds(out, " > ");
	}
}

struct check {
	const struct catalog *cat;
	struct strbuf *problems;
	const char *key; /* looking for this key */
	const char *op;  /* or for this action (cat_entry.screen) */
	const struct menu_item *found;
	int n;
};

static int
check_item(void *arg, const struct menu_item *it)
{
	struct check *c = arg;

	if (it->kind == MENU_SETTING && catalog_find(c->cat, it->target) == NULL) {
		sb_addf(c->problems, "%s:%d: unknown setting '%s'\n", it->file, it->line,
			it->target);
		c->n++;
	}
	return 0;
}

static int
find_key(void *arg, const struct menu_item *it)
{
	struct check *c = arg;

	if ((it->kind == MENU_SETTING && c->key && strcmp(it->target, c->key) == 0) ||
	    (it->kind == MENU_ACTION && c->op && strcmp(it->target, c->op) == 0)) {
		c->found = it;
		return 1;
	}
	return 0;
}

int
menu_check_keys(const struct menu *m, const struct catalog *cat, bool coverage,
		struct strbuf *problems)
{
	struct check c = { cat, problems, NULL, NULL, NULL, 0 };

	menu_walk(m, check_item, &c);
	for (size_t i = 0; coverage && i < catalog_count(cat); i++) {
		const struct cat_entry *e = catalog_at(cat, i);

		c.key = e->key;
		c.op = NULL;
		c.found = NULL;
		menu_walk(m, find_key, &c);
		if (e->panel && c.found == NULL) {
			sb_addf(problems, "setting '%s' is on no screen (or mark it panel = no)\n",
				e->key);
			c.n++;
		}
		c.key = NULL;
		c.op = e->screen;
		if (e->screen && (menu_walk(m, find_key, &c), c.found == NULL)) {
			sb_addf(problems, "setting '%s': no screen runs '%s'\n", e->key, e->screen);
			c.n++;
		}
	}
	return c.n;
}

int
menu_path_for_setting(const struct cat_entry *e, struct strbuf *out)
{
	struct menu *m = NULL;
	struct check c = { NULL, NULL, e->key, NULL, NULL, 0 };
	int rc = -1;

	if (menu_new(&m, NULL) != 0)
		return -1;
	menu_walk(m, find_key, &c);
	if (c.found == NULL && e->screen) {
		c.key = NULL;
		c.op = e->screen;
		menu_walk(m, find_key, &c);
	}
	if (c.found) {
		menu_breadcrumb(c.found, out);
		/* An operation's screen is one level below its item. */
		if (c.found->kind == MENU_ACTION && c.found->label)
			sb_addf(out, " > %s", c.found->label);
		rc = 0;
	}
	menu_free(m);
	return rc;
}
