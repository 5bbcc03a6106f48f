/* The frames of the renderer: their rows (menus, settings), painting a
 * frame into curses' buffer, entering and leaving frames. */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <term.h>
#include <time.h>
#include <unistd.h>

#include "tui/tui_int.h"

/* --- rows -------------------------------------------------------------- */

void
tui_free_rows(struct frame *f)
{
	for (int i = 0; i < f->nrows; i++)
		free(f->rows[i].stamp);
	free(f->rows);
	f->rows = NULL;
	f->nrows = 0;
}

struct row *
tui_add_row(struct frame *f)
{
	f->rows = xrealloc(f->rows, (size_t)(f->nrows + 1) * sizeof *f->rows);
	memset(&f->rows[f->nrows], 0, sizeof f->rows[0]);
	return &f->rows[f->nrows++];
}

bool
tui_visible(const struct tui *t, const struct menu_item *it)
{
	if (it->show > device_level(t->dev))
		return false;
	return !(it->kind == MENU_LOGIN && (device_doors(t->dev) & level_doors(it->guard)));
}

/* The value column of a setting, as the panel shows it. */
static void
setting_value(struct tui *t, const struct cat_entry *e, struct row *r)
{
	struct strbuf v = STRBUF_INIT, stamp = STRBUF_INIT;
	struct svc_err err;

	if (config_get(t->dev, e->key, &v, &err) != 0) {
		snprintf(r->value, sizeof r->value, "(error)");
	} else if (catalog_is_hidden(e)) {
		snprintf(r->value, sizeof r->value, "%s", v.len ? "********" : "(not set)");
	} else if (e->unit[0] && v.len) {
		snprintf(r->value, sizeof r->value, "%s %s", v.buf, e->unit);
	} else {
		snprintf(r->value, sizeof r->value, "%s", sb_str(&v));
	}
	if (config_stamp(t->dev, e->key, &stamp, NULL) == 0)
		r->stamp = sb_detach(&stamp);
	sb_release(&v);
	sb_release(&stamp);
	r->locked = level_doors(e->level) && !(device_doors(t->dev) & level_doors(e->level));
	if (r->locked) {
		size_t n = strlen(r->value);

		snprintf(r->value + n, sizeof r->value - n, "%s[%s]", n ? " " : "",
			 level_title(e->level));
	}
}

static void
menu_rows(struct tui *t, struct frame *f)
{
	for (int i = 0; i < f->menu->nkids; i++) {
		const struct menu_item *it = f->menu->kids[i];
		const struct op *o;
		struct row *r;

		if (!tui_visible(t, it))
			continue;
		r = tui_add_row(f);
		r->it = it;
		snprintf(r->label, sizeof r->label, "%s", menu_label(it, t->cat));
		switch (it->kind) {
		case MENU_SUBMENU: strlcpy_(r->label + strlen(r->label), " -->", 5); break;
		case MENU_SETTING: setting_value(t, catalog_find(t->cat, it->target), r); break;
		case MENU_ACTION:
			o = op_find(it->target);
			if (o && o->kind == OP_LIST && strlen(r->label) < sizeof r->label - 5)
				strlcpy_(r->label + strlen(r->label), " -->", 5);
			break;
		case MENU_LOGIN: snprintf(r->value, sizeof r->value, "[code]"); break;
		}
	}
}

/* Rebuilds the rows of F (after a change), keeping the cursor. */
void
tui_reload(struct tui *t, struct frame *f)
{
	struct svc_err err;

	tui_free_rows(f);
	if (f->kind == F_MENU)
		menu_rows(t, f);
	else if (tui_list_rows(t, f, &err) != 0)
		snprintf(t->msg, sizeof t->msg, "%s", err.msg);
	if (f->cur >= f->nrows)
		f->cur = f->nrows ? f->nrows - 1 : 0;
}

/* --- painting ------------------------------------------------------------ */

int
tui_body_rows(void)
{
	return LINES - 4;
}

/* The title underlined in plain '-', as wide as the title: a rule across
 * the whole width cost 80 bytes of every full screen (about a twelfth of
 * a second at 9600 baud) and told nothing more. Plain '-' rather than the
 * line-drawing set, which costs 12 bytes more at TERM=vt100 (ESC [0m SO
 * SI around the cursor moves); dialog frames keep the line-drawing set. */
static void
underline(int y, int width)
{
	move(y, 0);
	for (int i = 0; i < width; i++)
		addch('-');
}

static const char *
keys_hint(const struct frame *f)
{
	if (f->kind == F_LIST)
		return "Enter:open  Esc:back  /:search  q:quit";
	return "Enter:open  Esc:back  ?:help  /:search  d:default  q:quit";
}

void
tui_paint(struct tui *t)
{
	struct frame *f = &t->stack[t->depth - 1];
	const char *lv = level_title(device_level(t->dev));
	int W = COLS, n = tui_body_rows(), tl, tw;

	erase();
	if (LINES < MIN_H || COLS < MIN_W) {
		mvprintw(0, 0, "svcmode needs a terminal of at least %dx%d;", MIN_W, MIN_H);
		mvprintw(1, 0, "this one is %dx%d. Resize it, or q to quit.", COLS, LINES);
		return;
	}
	/* Title: breadcrumb left (cut from the left), level right. */
	tl = (int)strlen(f->title);
	if (t->color)
		attron(COLOR_PAIR(1));
	if (tl > W - (int)strlen(lv) - 3)
		mvprintw(0, 0, "...%s", f->title + tl - (W - (int)strlen(lv) - 6));
	else
		mvaddstr(0, 0, f->title);
	tw = getcurx(stdscr);
	mvaddstr(0, W - (int)strlen(lv), lv);
	if (t->color)
		attroff(COLOR_PAIR(1));
	underline(1, tw);
	if (f->cur < f->top)
		f->top = f->cur;
	if (f->cur >= f->top + n)
		f->top = f->cur - n + 1;
	if (f->top > 0 && f->top > f->nrows - n)
		f->top = f->nrows > n ? f->nrows - n : 0;
	for (int i = 0; i < n && f->top + i < f->nrows; i++) {
		const struct row *r = &f->rows[f->top + i];
		int idx = f->top + i, vl = (int)strlen(r->value), room, x;

		x = f->kind == F_MENU ? 5 : 2;
		if (f->kind == F_MENU)
			mvprintw(2 + i, 1, "%2d", idx + 1);
		room = W - x - vl - 3;
		mvprintw(2 + i, x, "%.*s", room > 0 ? room : 0, r->label);
		if (vl)
			mvaddstr(2 + i, W - vl - 1, r->value);
	}
	if (f->nrows == 0)
		mvaddstr(2, 2, "(empty)");
	/* More above / below: on the underline and the spacer line, so scrolling
	 * never moves them. (No second rule: 85 bytes of every full screen.) */
	if (f->top > 0)
		mvaddch(1, 0, '^');
	if (f->top + n < f->nrows)
		mvaddch(LINES - 2, 0, 'v');
	mvprintw(LINES - 1, 0, "%.*s", W - 1, t->msg[0] ? t->msg : keys_hint(f));
	if (f->nrows) {
		mvaddch(2 + f->cur - f->top, 0, '>');
		move(2 + f->cur - f->top, 0);
	}
}

void
tui_show(struct tui *t)
{
	tui_paint(t);
	if (!tui_scroll_step(t))
		tui_refresh(t);
}

/* --- frames ------------------------------------------------------------ */

struct frame *
tui_top(struct tui *t)
{
	return &t->stack[t->depth - 1];
}

int
tui_push_menu(struct tui *t, const struct menu_item *m)
{
	struct frame *f;
	struct strbuf bc = STRBUF_INIT;
	unsigned before = device_doors(t->dev);
	char what[96];

	if (t->depth >= (int)(sizeof t->stack / sizeof t->stack[0]))
		return -1;
	snprintf(what, sizeof what, "entering %s", m->label ? m->label : "the menu");
	if (m->guard > LEVEL_USER && tui_enter(t, level_doors(m->guard), what) != 0)
		return -1;
	f = &t->stack[t->depth++];
	memset(f, 0, sizeof *f);
	f->kind = F_MENU;
	f->menu = m;
	f->entry_doors = before;
	menu_breadcrumb(m, &bc);
	snprintf(f->title, sizeof f->title, "%s", m->parent ? bc.buf : m->label);
	sb_release(&bc);
	menu_rows(t, f);
	return 0;
}

void
tui_pop(struct tui *t)
{
	struct frame *f = tui_top(t);

	if (t->depth <= 1) {
		snprintf(t->msg, sizeof t->msg, "this is the top menu: q quits");
		return;
	}
	tui_drop_frame(t);
	(void)f;
	tui_reload(t, tui_top(t)); /* levels and values may have changed */
}

/* Leaving a frame closes the doors opened inside it. */
void
tui_drop_frame(struct tui *t)
{
	struct frame *f = tui_top(t);

	device_logout(t->dev, f->entry_doors);
	tui_free_rows(f);
	for (int i = 0; i < OP_MAX_PARAMS; i++)
		free(f->args[i]);
	t->depth--;
}
