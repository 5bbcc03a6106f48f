/*
 * The menu tree, as data: screens/ describes it (format: screens/README.md),
 * this module parses it (no curses here). The TUI renders it; the CLI uses
 * it for menu paths. A parsed tree is read-only and owns all its strings.
 */
#ifndef SVC_MENU_H
#define SVC_MENU_H

#include <stdbool.h>

#include "catalog/catalog.h"
#include "util/err.h"
#include "util/strbuf.h"

enum menu_kind {
	MENU_SUBMENU,
	MENU_SETTING, /* target: a catalog key */
	MENU_ACTION,  /* target: an action name (run, report or list) */
	MENU_LOGIN,   /* raises the session to guard (the level-2 door) */
};

struct menu_item {
	enum menu_kind kind;
	char *label;      /* NULL for a setting: the catalog label is used */
	char *target;     /* key or action name; NULL for a submenu */
	char *param;      /* action parameter, "" if none */
	enum level guard; /* submenu: asked on entry; login: the level */
	enum level show;  /* hidden below this level */
	const char *file; /* where it was declared, for messages */
	int line;
	struct menu_item *parent;
	struct menu_item **kids;
	int nkids;
};

struct menu;

/* Parses the compiled-in screens/; err names the file and line of a
 * malformed one. */
int menu_new(struct menu **out, struct svc_err *err);
/* Parses screen text from the given files (tests). */
int menu_parse(const char *const *names, const char *const *texts, int n, struct menu **out,
	       struct svc_err *err);
void menu_free(struct menu *m);

const struct menu_item *menu_root(const struct menu *m);
/* Depth-first walk of every item (the root first); stops when FN returns
 * non-zero and returns that value. */
typedef int (*menu_walk_fn)(void *arg, const struct menu_item *it);
int menu_walk(const struct menu *m, menu_walk_fn fn, void *arg);

/* The item's label: its own, or the catalog label of its key. */
const char *menu_label(const struct menu_item *it, const struct catalog *cat);
/* "System Settings > Network Settings" for the submenus above and including
 * IT (a submenu) or holding IT (another item); the root is left out. */
void menu_breadcrumb(const struct menu_item *it, struct strbuf *out);

/* Every screen key is in the catalog and (with COVERAGE) every panel key
 * of the catalog is on a screen. Appends one line per problem; returns
 * their number. */
int menu_check_keys(const struct menu *m, const struct catalog *cat, bool coverage,
		    struct strbuf *problems);

/* The breadcrumb of the screen that shows setting E ("System Settings >
 * ..."): its setting row, or the screen of the operation its catalog entry
 * names (screen = OP). Returns 0 if some screen shows it, -1 if none does. */
int menu_path_for_setting(const struct cat_entry *e, struct strbuf *out);

#endif
