/*
 * Actions: the named operations behind menu items (connection test,
 * generate key, initialize, backup, invalidate license...) and reports
 * (read-only text such as COPIER > DISPLAY). An action never paints: it
 * talks to the person through struct action_io, which the TUI implements
 * with dialogs and a progress bar and the CLI with stdin/stderr, so one
 * piece of code serves both.
 */
#ifndef SVC_ACTION_H
#define SVC_ACTION_H

#include <stdbool.h>

#include "config/config.h"
#include "util/err.h"
#include "util/strbuf.h"

struct action_io {
	void *arg;
	/* Asks for a value (HIDDEN: a secret, echo off). 0, or -1 if cancelled. */
	int (*ask)(void *arg, const char *prompt, bool hidden, struct strbuf *out);
	/* Destructive actions: the person must type EXPECT exactly (e.g. the
	 * serial number). 0 if confirmed, -1 if not. */
	int (*confirm)(void *arg, const char *question, const char *expect);
	/* Progress in [0, 1] with a short label; the front end throttles it. */
	void (*progress)(void *arg, const char *what, double fraction);
	/* One line of output: a step of a connection test, a report line. */
	void (*line)(void *arg, const char *text);
};

enum action_kind {
	ACTION_RUN,    /* an operation; its lines are shown in a result box */
	ACTION_REPORT, /* read-only text (COPIER > DISPLAY, SPEC LIST) */
	ACTION_LIST,   /* a dynamic list (User Inboxes, key pairs, MAC entries) */
};

/* PARAM is the menu item's argument (e.g. "rx" for a MAC filter), or the
 * id of the list row the action was chosen on; may be "". */
typedef int (*action_fn)(struct device *dev, const char *param, struct action_io *io,
			 struct svc_err *err);

/* One row of an ACTION_LIST: selecting it offers the def's row_actions,
 * each run with PARAM = the row's id. */
struct action_row {
	char id[40];    /* "07", a key pair name, a MAC address */
	char label[48]; /* left column */
	char value[32]; /* right-aligned column */
};
typedef int (*action_emit_fn)(void *arg, const struct action_row *row);
typedef int (*action_list_fn)(struct device *dev, const char *param, struct action_io *io,
			      action_emit_fn emit, void *arg, struct svc_err *err);

struct action_def {
	const char *name; /* as named in screens/, e.g. "mail.test_send" */
	enum action_kind kind;
	enum level level;        /* needed to run it */
	action_fn run;           /* RUN, REPORT; NULL: "not available yet" */
	const char *help;        /* one line */
	action_list_fn list;     /* LIST only */
	const char *row_actions; /* LIST only: "box.docs,box.settings" */
};

/* Every action of every module; NULL if NAME is unknown. Where a name is
 * declared twice (a placeholder and the module's own), the implemented one
 * wins. */
const struct action_def *action_find(const char *name);
/* Iterates all actions: index 0, 1, ... until NULL. */
const struct action_def *action_at(int i);
/* Runs NAME after checking its level (device_require). EX_UNAVAILABLE
 * "not available yet" when the module has not landed. */
int action_run(struct device *dev, const char *name, const char *param, struct action_io *io,
	       struct svc_err *err);

#endif
