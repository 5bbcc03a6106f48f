/* Dialog boxes drawn over the current frame: input, choice, yes/no, text,
 * progress. They never touch the store: they return what was typed. */
#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "tui/tui_int.h"

#define CTRL(c) ((c)&0x1f)

struct box {
	int y, x, h, w;
};

/* Centres an H x W box (clipped to the screen) and draws its frame. */
static struct box
box_open(struct tui *t, int h, int w, const char *title)
{
	struct box b;
	int H = LINES, W = COLS;

	if (w > W - 2)
		w = W - 2;
	if (h > H - 2)
		h = H - 2;
	b.h = h;
	b.w = w;
	b.y = (H - h) / 2;
	b.x = (W - w) / 2;
	for (int r = 0; r < h; r++) {
		move(b.y + r, b.x);
		for (int c = 0; c < w; c++) {
			chtype ch = ' ';

			if (r == 0 || r == h - 1)
				ch = c == 0       ? (r == 0 ? t->ul : t->ll)
				     : c == w - 1 ? (r == 0 ? t->ur : t->lr)
						  : t->hl;
			else if (c == 0 || c == w - 1)
				ch = t->vl;
			addch(ch);
		}
	}
	if (title && *title)
		mvprintw(b.y, b.x + 2, " %.*s ", w - 6, title);
	return b;
}

/* Writes TEXT wrapped into the box from row R; returns the next row. */
static int
box_text(const struct box *b, int r, const char *text)
{
	int width = b->w - 4;
	const char *p = text;

	while (*p && r < b->h - 1) {
		int n = (int)strcspn(p, "\n");
		int take = n;

		if (take > width) {
			take = width;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = width;
		}
		mvprintw(b->y + r, b->x + 2, "%.*s", take, p);
		p += take;
		if (*p == ' ' || *p == '\n')
			p++;
		r++;
	}
	return r;
}

static int
text_rows(const char *text, int width)
{
	int rows = 0;
	const char *p = text;

	while (*p) {
		int n = (int)strcspn(p, "\n");

		rows += n / width + 1;
		p += n + (p[n] == '\n');
	}
	return rows;
}

static void
hint(const struct box *b, const char *keys)
{
	mvprintw(b->y + b->h - 1, b->x + b->w - (int)strlen(keys) - 3, " %s ", keys);
}

int
dlg_input(struct tui *t, const char *title, const char *text, const char *initial, bool hidden,
	  int maxlen, tui_validate_fn validate, void *arg, struct strbuf *out)
{
	struct strbuf v = STRBUF_INIT;
	char msg[256] = "";
	int rc = -1;

	sb_adds(&v, initial ? initial : "");
	for (;;) {
		int w = 64, h, r, fw, ch;
		struct box b;
		const char *shown;
		size_t off;

		h = text_rows(text, w - 4) + 6;
		tui_paint(t);
		b = box_open(t, h, w, title);
		r = box_text(&b, 1, text) + 1;
		fw = b.w - 6;
		off = v.len > (size_t)fw ? v.len - (size_t)fw : 0;
		shown = sb_str(&v) + off;
		mvaddch(b.y + r, b.x + 2, '[');
		for (int i = 0; i < fw; i++)
			addch((size_t)i < v.len - off
				      ? (hidden ? '*' : (chtype)(unsigned char)shown[i])
				      : '_');
		addch(']');
		if (msg[0])
			mvprintw(b.y + r + 1, b.x + 2, "%.*s", b.w - 4, msg);
		hint(&b, "Enter:OK Esc:cancel");
		move(b.y + r, b.x + 3 + (int)(v.len - off));
		tui_refresh(t);
		ch = tui_getkey(t);
		if (ch == ERR || ch == 27 || ch == CTRL('c')) {
			rc = -1;
			break;
		}
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			if (validate && validate(arg, sb_str(&v), msg, sizeof msg) != 0)
				continue;
			sb_reset(out);
			sb_adds(out, sb_str(&v));
			rc = 0;
			break;
		}
		msg[0] = '\0';
		if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
			if (v.len)
				v.buf[--v.len] = '\0';
		} else if (ch == CTRL('u')) {
			svc_wipe(v.buf, v.len);
			sb_reset(&v);
		} else if (ch == CTRL('l')) {
			clearok(curscr, TRUE);
		} else if (ch >= 32 && ch < 127) {
			if (maxlen > 0 && (int)v.len >= maxlen)
				snprintf(msg, sizeof msg, "at most %d characters", maxlen);
			else
				sb_addc(&v, (char)ch);
		}
	}
	sb_release(&v);
	tui_paint(t);
	return rc;
}

int
dlg_choice(struct tui *t, const char *title, const char *const *items, int n, int cur, bool edit)
{
	int top = 0;

	if (cur < 0 || cur >= n)
		cur = 0;
	for (;;) {
		int w = 20, h, ch, vis;
		struct box b;

		for (int i = 0; i < n; i++)
			if ((int)strlen(items[i]) + 8 > w)
				w = (int)strlen(items[i]) + 8;
		if ((int)strlen(title) + 8 > w)
			w = (int)strlen(title) + 8;
		if (w < 34)
			w = 34;
		h = n + 2;
		if (h > LINES - 4)
			h = LINES - 4;
		vis = h - 2;
		if (cur < top)
			top = cur;
		if (cur >= top + vis)
			top = cur - vis + 1;
		tui_paint(t);
		b = box_open(t, h, w, title);
		for (int i = 0; i < vis && top + i < n; i++)
			mvprintw(b.y + 1 + i, b.x + 1, "%c %.*s", top + i == cur ? '>' : ' ',
				 b.w - 5, items[top + i]);
		hint(&b, "Enter:OK Esc:cancel");
		move(b.y + 1 + cur - top, b.x + 1);
		tui_refresh(t);
		ch = tui_getkey(t);
		switch (ch) {
		case KEY_UP:
		case 'k':
			if (cur > 0)
				cur--;
			break;
		case KEY_DOWN:
		case 'j':
			if (cur < n - 1)
				cur++;
			break;
		case '\n':
		case '\r':
		case KEY_ENTER:
		case 'l':
		case KEY_RIGHT: tui_paint(t); return cur;
		case 'q':
			if (edit &&
			    dlg_yesno(t, "Quit", "Discard this edit and quit svcmode?") != 1)
				break;
			tui_paint(t);
			return TUI_QUIT;
		case CTRL('l'): clearok(curscr, TRUE); break;
		case ERR:
		case CTRL('c'):
		case 27:
		case KEY_LEFT:
		case 'h':
		case KEY_BACKSPACE:
		case 127:
		case 8: tui_paint(t); return -1;
		default:
			if (ch >= '1' && ch <= '9' && ch - '1' < n)
				cur = ch - '1';
			break;
		}
	}
}

int
dlg_yesno(struct tui *t, const char *title, const char *text)
{
	for (;;) {
		struct box b;
		int ch;

		tui_paint(t);
		b = box_open(t, text_rows(text, 52) + 3, 56, title);
		box_text(&b, 1, text);
		hint(&b, "y:yes n:no");
		move(b.y + b.h - 2, b.x + 2);
		tui_refresh(t);
		ch = tui_getkey(t);
		if (ch == 'y' || ch == 'Y')
			return tui_paint(t), 1;
		if (ch == 'n' || ch == 'N' || ch == 27 || ch == ERR || ch == 'q')
			return tui_paint(t), 0;
	}
}

void
dlg_text(struct tui *t, const char *title, const char *text)
{
	const char *lines[512];
	int n = 0, top = 0;
	const char *p = text;

	while (*p && n < 512) {
		lines[n++] = p;
		p += strcspn(p, "\n");
		if (*p)
			p++;
	}
	for (;;) {
		int h = n + 2, w = 76, vis, ch;
		struct box b;

		if (h > LINES - 2)
			h = LINES - 2;
		if (h < 5)
			h = 5;
		vis = h - 2;
		tui_paint(t);
		b = box_open(t, h, w, title);
		for (int i = 0; i < vis && top + i < n; i++)
			mvprintw(b.y + 1 + i, b.x + 2, "%.*s",
				 (int)strcspn(lines[top + i], "\n") < b.w - 4
					 ? (int)strcspn(lines[top + i], "\n")
					 : b.w - 4,
				 lines[top + i]);
		hint(&b, n > vis ? "j/k:scroll Enter:close" : "Enter:close");
		move(b.y + b.h - 1, b.x + 1);
		tui_refresh(t);
		ch = tui_getkey(t);
		if ((ch == KEY_DOWN || ch == 'j') && top + vis < n)
			top++;
		else if ((ch == KEY_UP || ch == 'k') && top > 0)
			top--;
		else if (ch == ' ' || ch == KEY_NPAGE)
			top = top + vis < n - vis ? top + vis : (n > vis ? n - vis : 0);
		else if (ch == 'b' || ch == KEY_PPAGE)
			top = top > vis ? top - vis : 0;
		else if (ch == CTRL('l'))
			clearok(curscr, TRUE);
		else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER || ch == 27 || ch == 'q' ||
			 ch == ERR || ch == 'h' || ch == KEY_LEFT || ch == KEY_BACKSPACE ||
			 ch == 127)
			break;
	}
	tui_paint(t);
}

static void
clock_text(char *buf, size_t cap, double s)
{
	int v = s < 0 ? 0 : s > 359999 ? 359999 : (int)(s + 0.5);

	snprintf(buf, cap, "%d:%02d", v / 60 % 6000, v % 60);
}

void
dlg_progress(struct tui *t, const char *title, const char *what, double fraction, double elapsed)
{
	char el[16], left[16];
	struct box b;
	int bar, fill;

	if (fraction < 0)
		fraction = 0;
	if (fraction > 1)
		fraction = 1;
	clock_text(el, sizeof el, elapsed);
	if (fraction > 0.01)
		clock_text(left, sizeof left, elapsed * (1 - fraction) / fraction);
	else
		snprintf(left, sizeof left, "?");
	tui_paint(t);
	b = box_open(t, 6, 64, title);
	mvprintw(b.y + 1, b.x + 2, "%.*s", b.w - 4, what);
	bar = b.w - 11;
	fill = (int)(fraction * bar + 0.5);
	move(b.y + 2, b.x + 2);
	addch('[');
	for (int i = 0; i < bar; i++)
		addch(i < fill ? '#' : ' ');
	printw("] %3d%%", (int)(fraction * 100 + 0.5));
	mvprintw(b.y + 3, b.x + 2, "elapsed %s  left %s", el, left);
	move(b.y + 2, b.x + 3 + fill);
	tui_refresh(t);
}
