/*
 * Scrolling a list by one line, by hand.
 *
 * curses scrolls a list through the terminal's scrolling region, but sets
 * the region and resets it on every step (at TERM=vt100 two csr of 8 bytes
 * each, and cursor moves around them): 53-58 bytes where the new line is
 * the only news. Here a step that is exactly "the body moved by one line,
 * one new line at the edge" is sent by hand: the region is set once and
 * kept while the steps go on, and a step costs the marker column, one
 * index (or reverse index) and the new line's text.
 *
 * curses must then believe what the terminal shows: it refreshes with its
 * output sent to /dev/null, so its picture of the screen (curscr) is the
 * new one, byte for byte what was sent by hand. Any other refresh first
 * gives the region back (tui_refresh), so curses never moves the cursor
 * inside a region it does not know of.
 *
 * If svcmode is killed by a signal while the region is kept, the terminal
 * keeps it until `reset` (or the next svcmode) sets it again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <term.h>
#include <unistd.h>

#include "tui/tui_int.h"

/* The bytes of one step: at most a region, two markers and a line. tputs
 * hands them over one at a time with no argument, so the buffer is
 * static; the menus run on one thread. */
static char obuf[1024];
static size_t olen;

static int
out_ch(int c)
{
	if (olen < sizeof obuf)
		obuf[olen++] = (char)c;
	return c;
}

static void
out_cap(const char *cap)
{
	tputs(cap, 1, out_ch);
}

static void
out_flush(void)
{
	size_t off = 0;

	while (off < olen) {
		ssize_t n = write(STDOUT_FILENO, obuf + off, olen - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the terminal is gone: nothing left to keep right */
		off += (size_t)n;
	}
	olen = 0;
}

/* Absent or cancelled ((char *)-1 in terminfo) capabilities are not used. */
static bool
has_cap(const char *cap)
{
	return cap != NULL && (uintptr_t)cap != UINTPTR_MAX && *cap != '\0';
}

void
tui_scroll_init(struct tui *t)
{
	t->region = false;
	t->devnull = -1;
	if (!has_cap(change_scroll_region) || !has_cap(scroll_forward) ||
	    !has_cap(scroll_reverse) || !has_cap(save_cursor) || !has_cap(restore_cursor) ||
	    !has_cap(carriage_return))
		return; /* curses' own scrolling, as before */
	t->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
}

/* Sets the region to rows TOP..BOT, keeping the cursor where it is
 * (DECSTBM homes it). */
static void
set_region(int top, int bot)
{
	out_cap(save_cursor);
	out_cap(tiparm(change_scroll_region, top, bot));
	out_cap(restore_cursor);
}

void
tui_scroll_release(struct tui *t)
{
	if (!t->region)
		return;
	set_region(0, LINES - 1);
	out_flush();
	t->region = false;
}

void
tui_refresh(struct tui *t)
{
	tui_scroll_release(t);
	refresh();
}

void
tui_scroll_end(struct tui *t)
{
	tui_scroll_release(t);
	if (t->devnull >= 0)
		close(t->devnull);
	t->devnull = -1;
}

/* One cell of a window, as getcchar gives it. */
struct cell {
	wchar_t wch[CCHARW_MAX + 1];
	attr_t attrs;
	short pair;
};

static void
cell_at(WINDOW *w, int y, int x, struct cell *c)
{
	cchar_t cc;

	memset(c, 0, sizeof *c);
	if (mvwin_wch(w, y, x, &cc) == OK)
		getcchar(&cc, c->wch, &c->attrs, &c->pair, NULL);
}

static bool
cell_same(WINDOW *a, int ya, WINDOW *b, int yb, int x)
{
	struct cell ca, cb;

	cell_at(a, ya, x, &ca);
	cell_at(b, yb, x, &cb);
	return ca.attrs == cb.attrs && ca.pair == cb.pair &&
	       memcmp(ca.wch, cb.wch, sizeof ca.wch) == 0;
}

/* The cell's character if it is plain ASCII without attributes, else 0. */
static int
cell_plain(WINDOW *w, int y, int x)
{
	struct cell c;

	cell_at(w, y, x, &c);
	if (c.attrs != 0 || c.pair != 0 || c.wch[1] != 0 || c.wch[0] < 0x20 || c.wch[0] > 0x7e)
		return 0;
	return (int)c.wch[0];
}

/* Row YS of stdscr is row YC of curscr, column 0 aside if SKIP0. */
static bool
row_same(int ys, int yc, bool skip0)
{
	for (int x = skip0 ? 1 : 0; x < COLS; x++)
		if (!cell_same(stdscr, ys, curscr, yc, x))
			return false;
	return true;
}

/*
 * Whether stdscr is curscr with rows TOP..BOT moved by DIR (1: up, the
 * list going down), the old cursor row's column 0 (row OLD of stdscr)
 * aside, and a new plain line at the edge NEW that does not reach the
 * last column (no wrap).
 */
static bool
is_step(int top, int bot, int dir, int old, int edge)
{
	for (int y = 0; y < LINES; y++) {
		if (y == edge)
			continue;
		if (y < top || y > bot) {
			if (!row_same(y, y, false))
				return false;
		} else if (!row_same(y, y + dir, y == old)) {
			return false;
		}
	}
	if (!cell_plain(stdscr, old, 0))
		return false;
	for (int x = 0; x < COLS; x++)
		if (!cell_plain(stdscr, edge, x))
			return false;
	return cell_plain(stdscr, edge, COLS - 1) == ' ';
}

/* The new line, on a blank line with the cursor at its start: runs of
 * blanks skipped with cuf where that is shorter, trailing blanks not sent. */
static void
out_line(int y)
{
	int end = COLS, x = 0;

	while (end > 0 && cell_plain(stdscr, y, end - 1) == ' ')
		end--;
	while (x < end) {
		int run = 0;
		while (x + run < end && cell_plain(stdscr, y, x + run) == ' ')
			run++;
		if (run > 4 && has_cap(parm_right_cursor)) {
			out_cap(tiparm(parm_right_cursor, run));
			x += run;
			continue;
		}
		for (int i = 0; i < (run ? run : 1); i++)
			out_ch(cell_plain(stdscr, y, x + i));
		x += run ? run : 1;
	}
}

/* curses takes the new screen as sent: its refresh goes to /dev/null, in
 * full (no typeahead check, which could stop it half way). */
static void
sync_curses(struct tui *t)
{
	int keep = dup(STDOUT_FILENO);

	if (keep < 0) {
		clearok(curscr, TRUE); /* cannot hide it: a full repaint, still right */
		refresh();
		return;
	}
	dup2(t->devnull, STDOUT_FILENO);
	typeahead(-1);
	refresh();
	typeahead(STDIN_FILENO);
	dup2(keep, STDOUT_FILENO);
	close(keep);
}

bool
tui_scroll_step(struct tui *t)
{
	int top = 2, bot = LINES - 3, sy, sx, cy, cx, dir, old;

	/* A repaint asked for (Ctrl-L) is curses' to send. */
	if (t->devnull < 0 || LINES < MIN_H || COLS < MIN_W || is_cleared(curscr) ||
	    is_cleared(stdscr))
		return false;
	getyx(stdscr, sy, sx);
	getyx(curscr, cy, cx);
	if (sx != 0 || cx != 0 || sy != cy || (sy != top && sy != bot))
		return false;
	dir = sy == bot ? 1 : -1;
	old = sy - dir;
	if (!is_step(top, bot, dir, old, sy)) {
		wmove(curscr, cy, cx);
		wmove(stdscr, sy, sx);
		return false;
	}
	if (!t->region)
		set_region(top, bot);
	if (!cell_same(stdscr, old, curscr, sy, 0)) {
		out_ch(cell_plain(stdscr, old, 0));
		out_cap(carriage_return);
	}
	out_cap(dir > 0 ? scroll_forward : scroll_reverse);
	out_line(sy);
	out_cap(carriage_return);
	wmove(curscr, cy, cx);
	wmove(stdscr, sy, sx);
	out_flush();
	t->region = true;
	sync_curses(t);
	return true;
}
