/*
 * The one renderer of the screens/ tree. Every screen is a frame: a menu
 * of the tree, or the rows of an ACTION_LIST. Each key repaints the whole
 * frame into curses' buffer; curses then sends only what differs from the
 * terminal, so moving the highlight costs a few bytes (the '>' marker
 * column), scrolling a list uses the terminal's scrolling region, and a
 * 9600-baud line is never flooded.
 */
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

#define top_frame tui_top
#define now_s tui_now
#define reload tui_reload
#include "util/fsutil.h"

#undef CTRL
#define CTRL(c) ((c)&0x1f)
#define ESC_DELAY_MS 50
#define MIN_H 24
#define MIN_W 80

double
tui_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- idle logout (Auto Clear) -------------------------------------------- */

static double
idle_limit(struct tui *t)
{
	struct strbuf v = STRBUF_INIT;
	const char *env = getenv("SVCMODE_AUTO_CLEAR_SECONDS");
	double secs = 0;

	if (env && *env)
		return strtod(env, NULL);
	if (config_get(t->dev, "system.auto_clear", &v, NULL) == 0)
		secs = strtod(sb_str(&v), NULL) * 60;
	sb_release(&v);
	return secs;
}

int
tui_getkey(struct tui *t)
{
	double limit = device_doors(t->dev) ? idle_limit(t) : 0;
	int ch;

	if (limit > 0) {
		double left = t->idle_since + limit - now_s();

		timeout(left > 0 ? (int)(left * 1000) + 1 : 0);
	} else {
		timeout(-1);
	}
	ch = getch();
	if (ch != ERR)
		t->idle_since = now_s();
	else if (!(limit > 0 && now_s() >= t->idle_since + limit))
		ch = KEY_RESIZE == ch ? ch : 0; /* spurious wake-up: ignored */
	return ch;
}

/* --- rows -------------------------------------------------------------- */

static void
free_rows(struct frame *f)
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

static bool
visible(const struct tui *t, const struct menu_item *it)
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

		if (!visible(t, it))
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

	free_rows(f);
	if (f->kind == F_MENU)
		menu_rows(t, f);
	else if (tui_list_rows(t, f, &err) != 0)
		snprintf(t->msg, sizeof t->msg, "%s", err.msg);
	if (f->cur >= f->nrows)
		f->cur = f->nrows ? f->nrows - 1 : 0;
}

/* --- painting ------------------------------------------------------------ */

static int
body_rows(void)
{
	return LINES - 4;
}

static void
hline_at(struct tui *t, int y)
{
	move(y, 0);
	for (int i = 0; i < COLS; i++)
		addch(t->hl);
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
	int W = COLS, n = body_rows(), tl;

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
	mvaddstr(0, W - (int)strlen(lv), lv);
	if (t->color)
		attroff(COLOR_PAIR(1));
	hline_at(t, 1);
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
	/* More above / below: on the rule and the spacer line, so scrolling
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

static void
show(struct tui *t)
{
	tui_paint(t);
	refresh();
}

/* --- frames ------------------------------------------------------------ */

struct frame *
tui_top(struct tui *t)
{
	return &t->stack[t->depth - 1];
}

static int
push_menu(struct tui *t, const struct menu_item *m)
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

static void
pop(struct tui *t)
{
	struct frame *f = top_frame(t);

	if (t->depth <= 1) {
		snprintf(t->msg, sizeof t->msg, "this is the top menu: q quits");
		return;
	}
	tui_drop_frame(t);
	(void)f;
	reload(t, top_frame(t)); /* levels and values may have changed */
}

/* Leaving a frame closes the doors opened inside it. */
void
tui_drop_frame(struct tui *t)
{
	struct frame *f = top_frame(t);

	device_logout(t->dev, f->entry_doors);
	free_rows(f);
	for (int i = 0; i < OP_MAX_PARAMS; i++)
		free(f->args[i]);
	t->depth--;
}

/* --- settings --------------------------------------------------------- */

struct validate_ctx {
	const struct cat_entry *e;
};

static int
validate_value(void *arg, const char *value, char *msg, size_t cap)
{
	struct validate_ctx *v = arg;
	struct strbuf canon = STRBUF_INIT;
	struct svc_err err;
	int rc;

	svc_err_clear(&err);
	rc = catalog_parse_value(v->e, value, &canon, &err);
	sb_release(&canon);
	if (rc != 0)
		snprintf(msg, cap, "%s", err.msg);
	return rc;
}

static void
save_setting(struct tui *t, struct row *r, const char *value)
{
	const struct cat_entry *e = catalog_find(t->cat, r->it->target);
	struct svc_err err;
	struct strbuf now = STRBUF_INIT;

	svc_err_clear(&err);
	if (config_set_checked(t->dev, e->key, value, r->stamp ? r->stamp : "", &err) == 0) {
		snprintf(t->msg, sizeof t->msg, "%s saved", e->label);
	} else if (err.code == EX_TEMPFAIL) {
		config_get(t->dev, e->key, &now, NULL);
		snprintf(t->msg, sizeof t->msg,
			 "not saved: %s was changed meanwhile elsewhere; it is now '%s'", e->label,
			 catalog_is_hidden(e) ? "********" : sb_str(&now));
	} else {
		snprintf(t->msg, sizeof t->msg, "not saved: %.300s", err.msg);
	}
	sb_release(&now);
	reload(t, top_frame(t));
}

static void
edit_setting(struct tui *t, struct row *r)
{
	const struct cat_entry *e = catalog_find(t->cat, r->it->target);
	struct strbuf v = STRBUF_INIT, again = STRBUF_INIT, text = STRBUF_INIT, exp = STRBUF_INIT;
	struct validate_ctx vc = { e };
	int rc;

	if (r->locked) {
		snprintf(t->msg, sizeof t->msg, "%s is locked: it needs %s", e->label,
			 level_title(e->level));
		return;
	}
	if (e->type == CT_BOOL || e->type == CT_ENUM) {
		static const char *const onoff[] = { "ON", "OFF" };
		const char *const *items = e->type == CT_BOOL ? onoff : e->choices;
		int n = e->type == CT_BOOL ? 2 : e->nchoices, cur = 0;

		config_get(t->dev, e->key, &v, NULL);
		for (int i = 0; i < n; i++)
			if (strcmp(items[i], sb_str(&v)) == 0)
				cur = i;
		rc = dlg_choice(t, e->label, items, n, cur, true);
		if (rc == TUI_QUIT)
			t->quit = true;
		else if (rc >= 0)
			save_setting(t, r, items[rc]);
		goto out;
	}
	catalog_expected(e, &exp);
	sb_addf(&text, "%s: %s%s%s", e->label, exp.buf, e->unit[0] ? ", in " : "", e->unit);
	if (e->type == CT_PIN)
		sb_adds(&text, "\nShorter input is padded with zeros; all zeros is refused.");
	if (catalog_is_hidden(e)) {
		rc = dlg_input(t, e->label, text.buf, "", true, (int)e->max, validate_value, &vc,
			       &v);
		if (rc == 0)
			rc = dlg_input(t, e->label, "Type it again:", "", true, (int)e->max, NULL,
				       NULL, &again);
		if (rc == 0 && strcmp(sb_str(&v), sb_str(&again)) != 0) {
			snprintf(t->msg, sizeof t->msg, "not saved: the two entries differ");
			goto out;
		}
	} else {
		struct strbuf cur = STRBUF_INIT;
		int maxlen = e->type == CT_INT || e->type == CT_PORT ? 11 : (int)e->max;

		config_get(t->dev, e->key, &cur, NULL);
		rc = dlg_input(t, e->label, text.buf, sb_str(&cur), false, maxlen, validate_value,
			       &vc, &v);
		sb_release(&cur);
	}
	if (rc == 0)
		save_setting(t, r, sb_str(&v));
out:
	sb_release(&v);
	sb_release(&again);
	sb_release(&text);
	sb_release(&exp);
}

static void
reset_setting(struct tui *t, struct row *r)
{
	const struct cat_entry *e;
	struct strbuf q = STRBUF_INIT;
	struct svc_err err;

	if (r->it == NULL || r->it->kind != MENU_SETTING) {
		snprintf(t->msg, sizeof t->msg, "d resets a setting to its factory default");
		return;
	}
	e = catalog_find(t->cat, r->it->target);
	if (r->locked) {
		snprintf(t->msg, sizeof t->msg, "%s is locked: it needs %s", e->label,
			 level_title(e->level));
		return;
	}
	sb_addf(&q, "Reset %s to its factory default%s%s%s?", e->label,
		catalog_is_hidden(e) ? "" : " '", catalog_is_hidden(e) ? "" : e->deflt,
		catalog_is_hidden(e) ? "" : "'");
	if (dlg_yesno(t, "Factory Default", q.buf) == 1) {
		svc_err_clear(&err);
		if (config_reset(t->dev, e->key, &err) == 0)
			snprintf(t->msg, sizeof t->msg, "%s reset to its factory default",
				 e->label);
		else
			snprintf(t->msg, sizeof t->msg, "not reset: %.300s", err.msg);
		reload(t, top_frame(t));
	}
	sb_release(&q);
}

static void
show_help(struct tui *t, const struct row *r)
{
	struct strbuf h = STRBUF_INIT, exp = STRBUF_INIT;
	const struct op *o;

	if (r->it && r->it->kind == MENU_SETTING) {
		const struct cat_entry *e = catalog_find(t->cat, r->it->target);

		catalog_expected(e, &exp);
		sb_addf(&h, "%s\n\nKey:      %s\nAccepts:  %s%s%s\nDefault:  %s\nLevel:    %s",
			e->help, e->key, exp.buf, e->unit[0] ? " " : "", e->unit,
			catalog_is_hidden(e) ? "(secret)" : (e->deflt[0] ? e->deflt : "(empty)"),
			level_title(e->level));
		dlg_text(t, e->label, h.buf);
	} else {
		const char *name = r->it ? r->it->target : NULL;
		struct strbuf who = STRBUF_INIT;

		o = name ? op_find(name) : top_frame(t)->list;
		if (o)
			op_doors_text(o->doors, &who);
		if (r->it && r->it->kind == MENU_SUBMENU)
			sb_addf(&h, "A menu.%s%s", r->it->guard ? " Entering asks for " : "",
				r->it->guard ? level_title(r->it->guard) : "");
		else if (r->it && r->it->kind == MENU_LOGIN)
			sb_addf(&h, "Enters %s: asks for its code.", level_title(r->it->guard));
		else if (o)
			sb_addf(&h, "%s.\n\nOperation: %s\nCLI:       svcmode %s\nWho:       %s",
				o->help, o->name, o->words, who.buf);
		else
			sb_addf(&h, "Row %s", r->id);
		sb_release(&who);
		dlg_text(t, "Help", h.buf);
	}
	sb_release(&h);
	sb_release(&exp);
}

static void
open_row(struct tui *t)
{
	struct frame *f = top_frame(t);
	struct row *r;
	const struct menu_item *it;

	if (f->nrows == 0)
		return;
	r = &f->rows[f->cur];
	if (f->kind == F_LIST) {
		tui_row_op(t, r);
		return;
	}
	it = r->it;
	switch (it->kind) {
	case MENU_SUBMENU: push_menu(t, it); break;
	case MENU_SETTING: edit_setting(t, r); break;
	case MENU_ACTION: {
		const struct op *o = op_find(it->target);

		if (o)
			tui_run_op(t, o, it->label, it->param, NULL);
		break;
	}
	case MENU_LOGIN:
		if (tui_enter(t, level_doors(it->guard), "entering level 2") == 0) {
			snprintf(t->msg, sizeof t->msg, "%s entered", level_title(it->guard));
			reload(t, f);
		}
		break;
	}
}

/* --- search ------------------------------------------------------------- */

struct search {
	struct tui *t;
	const char *q;
	const struct menu_item *hits[64];
	int n;
};

/* Search finds what the session could reach: items behind a guard are
 * found (the jump asks for the credential), items shown only at a higher
 * level are not. */
static bool
shown_ever(const struct tui *t, const struct menu_item *it)
{
	for (; it; it = it->parent)
		if (it->show > device_level(t->dev))
			return false;
	return true;
}

static int
search_item(void *arg, const struct menu_item *it)
{
	struct search *s = arg;
	const char *label = menu_label(it, s->t->cat);

	if (it->parent == NULL || s->n >= 64 || !shown_ever(s->t, it))
		return 0;
	if (strcasestr(label, s->q) || (it->target && strcasestr(it->target, s->q)))
		s->hits[s->n++] = it;
	return 0;
}

/* Goes to IT: back to the deepest open menu above it, then down (asking
 * the guards on the way). */
static void
jump_to(struct tui *t, const struct menu_item *it)
{
	const struct menu_item *chain[24];
	int n = 0, k;

	for (const struct menu_item *p = it->parent; p && n < 24; p = p->parent)
		chain[n++] = p; /* chain[n-1] is the root */
	for (;;) {
		struct frame *f = top_frame(t);
		bool on_path = false;

		for (k = 0; k < n; k++)
			if (f->kind == F_MENU && chain[k] == f->menu)
				on_path = true;
		if (on_path || t->depth == 1)
			break;
		pop(t);
	}
	for (k = 0; k < n && chain[k] != top_frame(t)->menu; k++)
		;
	while (--k >= 0)
		if (push_menu(t, chain[k]) != 0)
			return;
	for (int i = 0; i < top_frame(t)->nrows; i++)
		if (top_frame(t)->rows[i].it == it)
			top_frame(t)->cur = i;
	if (!visible(t, it))
		snprintf(t->msg, sizeof t->msg, "%s is not shown at this level",
			 menu_label(it, t->cat));
}

static void
search(struct tui *t)
{
	struct strbuf q = STRBUF_INIT, bc = STRBUF_INIT;
	struct search s = { t, NULL, { 0 }, 0 };
	char *labels[64];
	int pick;

	if (dlg_input(t, "Search", "Label or key (part of it):", "", false, 40, NULL, NULL, &q) !=
		    0 ||
	    q.len == 0)
		goto out;
	s.q = q.buf;
	menu_walk(t->menu, search_item, &s);
	if (s.n == 0) {
		snprintf(t->msg, sizeof t->msg, "nothing matches '%s'", q.buf);
		goto out;
	}
	for (int i = 0; i < s.n; i++) {
		menu_breadcrumb(s.hits[i], &bc);
		labels[i] = xmalloc(160);
		snprintf(labels[i], 160, "%-32.32s %s", menu_label(s.hits[i], t->cat), bc.buf);
	}
	pick = s.n == 1 ? 0
			: dlg_choice(t, "Search results", (const char *const *)labels, s.n, 0,
				     false);
	for (int i = 0; i < s.n; i++)
		free(labels[i]);
	if (pick == TUI_QUIT)
		t->quit = true;
	else if (pick >= 0)
		jump_to(t, s.hits[pick]);
out:
	sb_release(&q);
	sb_release(&bc);
}

/* --- main loop ------------------------------------------------------------ */

static void
idle_logout(struct tui *t)
{
	while (t->depth > 1)
		pop(t);
	device_logout(t->dev, 0);
	reload(t, top_frame(t));
	snprintf(t->msg, sizeof t->msg, "Auto Clear: the session was idle, log in again");
}

static void
on_key(struct tui *t, int ch)
{
	struct frame *f = top_frame(t);
	int n = body_rows();

	switch (ch) {
	case KEY_UP:
	case 'k':
		if (f->cur > 0)
			f->cur--;
		break;
	case KEY_DOWN:
	case 'j':
		if (f->cur + 1 < f->nrows)
			f->cur++;
		break;
	case KEY_NPAGE:
	case CTRL('f'):
	case ' ':
		f->cur = f->cur + n < f->nrows ? f->cur + n : (f->nrows ? f->nrows - 1 : 0);
		break;
	case KEY_PPAGE:
	case CTRL('b'): f->cur = f->cur > n ? f->cur - n : 0; break;
	case KEY_HOME:
	case 'g': f->cur = 0; break;
	case KEY_END:
	case 'G': f->cur = f->nrows ? f->nrows - 1 : 0; break;
	case '\n':
	case '\r':
	case KEY_ENTER:
	case KEY_RIGHT:
	case 'l': open_row(t); break;
	case 27:
	case KEY_BACKSPACE:
	case 127:
	case 8:
	case KEY_LEFT:
	case 'h': pop(t); break;
	case '?':
		if (f->nrows)
			show_help(t, &f->rows[f->cur]);
		break;
	case '/': search(t); break;
	case 'd':
		if (f->nrows && f->kind == F_MENU)
			reset_setting(t, &f->rows[f->cur]);
		break;
	case CTRL('l'): clearok(curscr, TRUE); break;
	case 'q':
	case CTRL('c'): /* raw mode: Ctrl-C is a key, and quits cleanly */ t->quit = true; break;
	default:
		if (ch >= '1' && ch <= '9' && ch - '1' < f->nrows) {
			f->cur = ch - '1';
			if (f->cur < f->top)
				f->top = f->cur;
		}
		break;
	}
}

static bool
vt_class(const char *term)
{
	return term && (strncmp(term, "vt", 2) == 0 || strcmp(term, "ansi") == 0 ||
			strcmp(term, "dumb") == 0);
}

static const struct {
	char c;
	int key;
} arrows[] = { { 'A', KEY_UP }, { 'B', KEY_DOWN }, { 'C', KEY_RIGHT }, { 'D', KEY_LEFT } };

/* Whether terminfo has TERM. setupterm, unlike a failed newterm, leaves
 * nothing allocated behind. */
static bool
known_terminal(void)
{
	int errret = 0;

	if (setupterm(NULL, STDOUT_FILENO, &errret) != OK)
		return false;
	del_curterm(cur_term);
	return true;
}

static int
setup_terminal(struct tui *t, struct svc_err *err)
{
	const char *term = getenv("TERM");
	const char *cs;

	setlocale(LC_CTYPE, "");
	cs = nl_langinfo(CODESET);
	/* A VT100 does not understand UTF-8: ncurses in a UTF-8 locale may draw
	 * the ACS lines as Unicode (for terminals it believes ignore the
	 * alternate character set), so it is told to use the terminal's own
	 * (smacs/acsc) whenever the terminal is VT100-class or the locale is
	 * not UTF-8. */
	if (vt_class(term) || !cs || strcmp(cs, "UTF-8") != 0)
		setenv("NCURSES_NO_UTF8_ACS", "0", 1);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return svc_errf(err, EX_USAGE,
				"the menus need a terminal: use the commands "
				"(svcmode --help) in scripts");
	/* An unknown TERM is an error message, not initscr's exit(). */
	if (term == NULL || *term == '\0' || !known_terminal())
		return svc_errf(err, EX_USAGE, "unknown terminal type '%s' (set TERM, e.g. vt100)",
				term ? term : "");
	t->screen = newterm(NULL, stdout, stdin);
	if (t->screen == NULL)
		return svc_errf(err, EX_USAGE, "unknown terminal type '%s' (set TERM, e.g. vt100)",
				term ? term : "");
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	/* Arrows in either cursor-key mode: a terminal that ignores smkx (or a
	 * terminfo entry that does not match the terminal) still works. */
	for (size_t i = 0; i < sizeof arrows / sizeof arrows[0]; i++) {
		char seq[4] = { 27, '[', arrows[i].c, 0 };

		define_key(seq, arrows[i].key);
		seq[1] = 'O';
		define_key(seq, arrows[i].key);
	}
	idlok(stdscr, TRUE); /* lets a scrolled list use the scrolling region */
	t->color = !t->opts->mono && has_colors() && !(getenv("NO_COLOR") && *getenv("NO_COLOR"));
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_CYAN, -1);
	}
	if (t->opts->ascii) {
		t->hl = '-';
		t->vl = '|';
		t->ul = t->ur = t->ll = t->lr = '+';
	} else {
		t->hl = ACS_HLINE;
		t->vl = ACS_VLINE;
		t->ul = ACS_ULCORNER;
		t->ur = ACS_URCORNER;
		t->ll = ACS_LLCORNER;
		t->lr = ACS_LRCORNER;
	}
	return 0;
}

/* The compiled-in screens, or $SVCMODE_SCREENS (a screens file: for trying
 * out a screen without rebuilding, and for bench/). */
static int
load_screens(struct tui *t, struct svc_err *err)
{
	const char *path = getenv("SVCMODE_SCREENS");
	struct strbuf text = STRBUF_INIT;
	int rc;

	if (path == NULL || *path == '\0')
		return menu_new(&t->menu, err);
	if (fs_read(path, 1 << 20, &text, err) != 0)
		return -1;
	{
		const char *names[] = { path };
		const char *texts[] = { sb_str(&text) };

		rc = menu_parse(names, texts, 1, &t->menu, err);
	}
	sb_release(&text);
	return rc;
}

int
tui_run(struct device *dev, const struct tui_opts *opts, struct svc_err *err)
{
	struct tui t;
	struct strbuf problems = STRBUF_INIT;
	int rc = 0;

	memset(&t, 0, sizeof t);
	t.dev = dev;
	t.cat = device_catalog(dev);
	t.opts = opts;
	if (load_screens(&t, err) != 0)
		return -1;
	if (menu_check_keys(t.menu, t.cat, getenv("SVCMODE_SCREENS") == NULL, &problems) != 0) {
		svc_errf(err, EX_SOFTWARE, "the screens do not match the catalog: %.200s",
			 problems.buf);
		rc = -1;
		goto out;
	}
	device_set_asker(dev, tui_ask_creds, &t);
	if (setup_terminal(&t, err) != 0) {
		rc = -1;
		goto out;
	}
	t.idle_since = now_s();
	push_menu(&t, menu_root(t.menu));
	t.data_version = store_data_version(device_store(dev));
	while (!t.quit) {
		int64_t dv = store_data_version(device_store(dev));
		int ch;

		/* Another svcmode or a script committed: show the values as they
		 * are now (only changed cells reach the terminal). */
		if (dv != t.data_version) {
			t.data_version = dv;
			reload(&t, top_frame(&t));
		}
		show(&t);
		ch = tui_getkey(&t);
		if (ch == 0)
			continue;
		if (ch == ERR) {
			idle_logout(&t);
			continue;
		}
		t.msg[0] = '\0';
		if (LINES < MIN_H || COLS < MIN_W) {
			if (ch == 'q')
				break;
			continue;
		}
		on_key(&t, ch);
	}
	while (t.depth > 1)
		pop(&t);
	free_rows(&t.stack[0]);
	endwin();
	delscreen(t.screen);
	device_set_asker(dev, NULL, NULL);
	device_logout(dev, 0);
out:
	sb_release(&problems);
	menu_free(t.menu);
	return rc;
}

const char *
tui_curses_version(void)
{
	return curses_version();
}
