/* Shared by the renderer (tui.c: keys and the main loop; screen.c: frames
 * and painting; editor.c: settings and search) and its dialogs (dialog.c).
 * Curses only lives in src/tui/. */
#ifndef SVC_TUI_INT_H
#define SVC_TUI_INT_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "menu/menu.h"
#include "ops/op.h"
#include "tui/tui.h"

#define TUI_QUIT (-2) /* a dialog's answer: the person asked to quit */
/* The smallest terminal the screens fit. */
#define MIN_H 24
#define MIN_W 80

struct row {
	const struct menu_item *it; /* F_MENU */
	char id[40];                /* F_LIST: the row's id */
	char label[80];
	char value[48];
	char *stamp; /* settings: the stored form when the screen was drawn */
	bool locked;
};

enum frame_kind { F_MENU, F_LIST };

struct frame {
	enum frame_kind kind;
	const struct menu_item *menu; /* F_MENU: the submenu; F_LIST: the item */
	const struct op *list;        /* F_LIST: the list operation */
	char *args[OP_MAX_PARAMS];    /* F_LIST: its arguments (owned) */
	char title[160];
	unsigned entry_doors; /* the doors held on entry: leaving closes the others */
	struct row *rows;
	int nrows, cur, top;
};

/* What an operation's front end talks to while it runs. */
struct run_ctx {
	struct tui *t;
	const char *title;
	struct strbuf out; /* the lines for the result box */
	double start, last;
	bool painted;
	struct frame *rows; /* a list being read: its rows go here */
};

struct tui {
	SCREEN *screen;
	double idle_since;    /* monotonic time of the last key */
	int64_t data_version; /* the store's, when the frame was last read */
	struct device *dev;
	const struct catalog *cat;
	struct menu *menu;
	const struct tui_opts *opts;
	struct frame stack[24];
	int depth;
	char msg[400]; /* the status line's message until the next key */
	bool color;
	bool quit;
	chtype hl, vl, ul, ur, ll, lr; /* line drawing: ACS or +-| */
	int devnull; /* where curses' refresh goes after a step by hand; -1: no steps */
	bool region; /* the body's scrolling region is set on the terminal */
};

/* Seconds on the monotonic clock. */
double tui_now(void);

/* Frames (screen.c). */
struct frame *tui_top(struct tui *t);
struct row *tui_add_row(struct frame *f);
void tui_free_rows(struct frame *f);
/* Whether item IT is shown at the device's level and doors. */
bool tui_visible(const struct tui *t, const struct menu_item *it);
/* Opens submenu M as a new frame (asking for its door): 0, or -1. */
int tui_push_menu(struct tui *t, const struct menu_item *m);
/* Esc: back to the frame below (not from the top menu). */
void tui_pop(struct tui *t);
/* Lines for a frame's rows. */
int tui_body_rows(void);
/* Paints the frame and sends it to the terminal. */
void tui_show(struct tui *t);
/* Rebuilds the rows of F (after a change), keeping the cursor. */
void tui_reload(struct tui *t, struct frame *f);
/* Pops the top frame, closing the doors opened inside it. */
void tui_drop_frame(struct tui *t);

/* Operations (tui_op.c). */
/* Runs OP from an item labelled LABEL: FIXED is the item's param=, ROWID
 * the chosen row's id (or NULL); the rest is asked. A list opens a frame. */
void tui_run_op(struct tui *t, const struct op *op, const char *label, const char *fixed,
		const char *rowid);
/* Enter on a list row: offers the list's row operations. */
void tui_row_op(struct tui *t, struct row *r);
/* The rows of a list frame, from its operation. */
int tui_list_rows(struct tui *t, struct frame *f, struct svc_err *err);
/* The device's asker: the credential dialogs for DOORS. */
int tui_ask_creds(void *arg, unsigned doors, struct device_creds *c, struct svc_err *err);
/* Opens one of DOORS (asking); the status line says why not. */
int tui_enter(struct tui *t, unsigned doors, const char *what);

/* Scrolling by hand (scroll.c). _init after newterm, _end before endwin. */
void tui_scroll_init(struct tui *t);
void tui_scroll_end(struct tui *t);
/* Sends a one-line scroll of a list's body by hand if that is what stdscr
 * holds over the terminal; false: nothing sent, refresh as usual. */
bool tui_scroll_step(struct tui *t);
/* Gives the terminal its whole screen back as the scrolling region. */
void tui_scroll_release(struct tui *t);
/* refresh(), after giving the region back: every refresh goes here. */
void tui_refresh(struct tui *t);

/* Repaints the frame under any dialog (into curses' buffer, no output). */
void tui_paint(struct tui *t);

/* Settings and search (editor.c). */
/* Enter on the current row: a submenu, an operation or a setting editor. */
void tui_open_row(struct tui *t);
/* d: the current setting back to its default (asking first). */
void tui_reset_setting(struct tui *t, struct row *r);
/* ?: the help of the current row. */
void tui_show_help(struct tui *t, const struct row *r);
/* /: search the labels of the screens tree and jump to the match. */
void tui_search(struct tui *t);

/* Dialogs. Each paints over the current frame and returns with the frame
 * repainted. VALIDATE (may be NULL) returns 0, or -1 with a message shown
 * under the field. Results: 0 OK, -1 cancelled, TUI_QUIT. */
typedef int (*tui_validate_fn)(void *arg, const char *value, char *msg, size_t cap);
int dlg_input(struct tui *t, const char *title, const char *text, const char *initial, bool hidden,
	      int maxlen, tui_validate_fn validate, void *arg, struct strbuf *out);
/* Returns the chosen index, -1 if cancelled, TUI_QUIT. */
int dlg_choice(struct tui *t, const char *title, const char *const *items, int n, int cur,
	       bool edit);
/* y/n question: 1 yes, 0 no. */
int dlg_yesno(struct tui *t, const char *title, const char *text);
/* A box of text lines (result of an action, report, help). */
void dlg_text(struct tui *t, const char *title, const char *text);
/* Progress bar; throttled by the caller. */
void dlg_progress(struct tui *t, const char *title, const char *what, double fraction,
		  double elapsed);

/* The key of the next keypress (ncurses keypad codes); ERR on timeout. */
int tui_getkey(struct tui *t);

#endif
