#include "tui/tui.h"

#include <curses.h>

int
tui_run(struct device *dev, const struct tui_opts *opts, struct svc_err *err)
{
	(void)dev;
	(void)opts;
	return svc_errf(err, EX_UNAVAILABLE,
			"the menus are not available yet: use the CLI "
			"(svcmode --help)");
}

const char *
tui_curses_version(void)
{
	return curses_version();
}
