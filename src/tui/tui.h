/* The menu front end: one generic renderer of the screens/ tree. */
#ifndef SVC_TUI_H
#define SVC_TUI_H

#include <stdbool.h>

#include "config/config.h"

struct tui_opts {
	bool mono;  /* --mono, or NO_COLOR set */
	bool ascii; /* --ascii: plain +-| for lines */
};

/* Runs the menus until the user quits. Restores the terminal before it
 * returns, whatever happened. */
int tui_run(struct device *dev, const struct tui_opts *opts, struct svc_err *err);
const char *tui_curses_version(void);

#endif
