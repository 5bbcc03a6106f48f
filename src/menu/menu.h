/*
 * The menu tree, as data: screens/ describes it, this module parses it
 * (no curses here). The TUI renders it; the CLI uses it for menu paths.
 */
#ifndef SVC_MENU_H
#define SVC_MENU_H

#include "util/strbuf.h"

/* The breadcrumb of the screen that shows KEY ("System Settings > ...").
 * Returns 0 if some screen shows it, -1 if none does. */
int menu_path_for_key(const char *key, struct strbuf *out);

#endif
