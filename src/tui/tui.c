/*
 * The one renderer of the screens/ tree. Every screen is a frame: a menu
 * of the tree, or the rows of an ACTION_LIST. Each key repaints the whole
 * frame into curses' buffer; curses then sends only what differs from the
 * terminal, so moving the highlight costs a few bytes (the '>' marker
 * column), scrolling a list costs its new line (scroll.c), and a
 * 9600-baud line is never flooded.
 *
 * This file: the keys, idle logout and the main loop; the frames and their
 * painting are in screen.c, the setting editors and search in editor.c.
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

#include "catalog/keys.h"
#include "tui/tui_int.h"
#include "util/fsutil.h"

#undef CTRL
#define CTRL(c) ((c)&0x1f)
#define ESC_DELAY_MS 50

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
	const char *env = getenv("SVCMODE_AUTO_CLEAR_SECONDS");
	int minutes = 0;

	if (env && *env)
		return strtod(env, NULL);
	if (config_get_int(t->dev, KEY_SYSTEM_AUTO_CLEAR, &minutes, NULL) != 0)
		return 0;
	return minutes * 60.0;
}

int
tui_getkey(struct tui *t)
{
	double limit = device_doors(t->dev) ? idle_limit(t) : 0;
	int ch;

	if (limit > 0) {
		double left = t->idle_since + limit - tui_now();

		timeout(left > 0 ? (int)(left * 1000) + 1 : 0);
	} else {
		timeout(-1);
	}
	ch = getch();
	if (ch != ERR)
		t->idle_since = tui_now();
	else if (!(limit > 0 && tui_now() >= t->idle_since + limit))
		ch = KEY_RESIZE == ch ? ch : 0; /* spurious wake-up: ignored */
	return ch;
}

/* --- main loop ------------------------------------------------------------ */

static void
idle_logout(struct tui *t)
{
	while (t->depth > 1)
		tui_pop(t);
	device_logout(t->dev, 0);
	tui_reload(t, tui_top(t));
	snprintf(t->msg, sizeof t->msg, "Auto Clear: the session was idle, log in again");
}

static void
on_key(struct tui *t, int ch)
{
	struct frame *f = tui_top(t);
	int n = tui_body_rows();

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
	case 'l': tui_open_row(t); break;
	case 27:
	case KEY_BACKSPACE:
	case 127:
	case 8:
	case KEY_LEFT:
	case 'h': tui_pop(t); break;
	case '?':
		if (f->nrows)
			tui_show_help(t, &f->rows[f->cur]);
		break;
	case '/': tui_search(t); break;
	case 'd':
		if (f->nrows && f->kind == F_MENU)
			tui_reset_setting(t, &f->rows[f->cur]);
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
	tui_scroll_init(t);
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
	idlok(stdscr, TRUE); /* curses' own scrolling, where scroll.c does not step */
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
	t.devnull = -1;
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
	t.idle_since = tui_now();
	tui_push_menu(&t, menu_root(t.menu));
	t.data_version = device_data_version(dev);
	while (!t.quit) {
		int64_t dv = device_data_version(dev);
		int ch;

		/* Another svcmode or a script committed: show the values as they
		 * are now (only changed cells reach the terminal). */
		if (dv != t.data_version) {
			t.data_version = dv;
			tui_reload(&t, tui_top(&t));
		}
		tui_show(&t);
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
		tui_pop(&t);
	tui_free_rows(&t.stack[0]);
	tui_scroll_end(&t);
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
