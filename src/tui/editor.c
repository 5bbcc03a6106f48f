/* Settings in the renderer: the editor, reset to default, help, opening
 * a row; and search over the screens tree. */
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
	tui_reload(t, tui_top(t));
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
		/* ON first, as the panel lists it. */
		const char *onoff[] = { catalog_bool_text(true), catalog_bool_text(false) };
		const char *const *items = e->type == CT_BOOL ? onoff : e->choices;
		int n = e->type == CT_BOOL ? 2 : e->nchoices, cur;

		config_get(t->dev, e->key, &v, NULL);
		cur = e->type == CT_BOOL ? !catalog_value_bool(sb_str(&v))
					 : catalog_choice_index(e, sb_str(&v));
		if (cur < 0)
			cur = 0;
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

void
tui_reset_setting(struct tui *t, struct row *r)
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
		tui_reload(t, tui_top(t));
	}
	sb_release(&q);
}

void
tui_show_help(struct tui *t, const struct row *r)
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

		o = name ? op_find(name) : tui_top(t)->list;
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

void
tui_open_row(struct tui *t)
{
	struct frame *f = tui_top(t);
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
	case MENU_SUBMENU: tui_push_menu(t, it); break;
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
			tui_reload(t, f);
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
		struct frame *f = tui_top(t);
		bool on_path = false;

		for (k = 0; k < n; k++)
			if (f->kind == F_MENU && chain[k] == f->menu)
				on_path = true;
		if (on_path || t->depth == 1)
			break;
		tui_pop(t);
	}
	for (k = 0; k < n && chain[k] != tui_top(t)->menu; k++)
		;
	while (--k >= 0)
		if (tui_push_menu(t, chain[k]) != 0)
			return;
	for (int i = 0; i < tui_top(t)->nrows; i++)
		if (tui_top(t)->rows[i].it == it)
			tui_top(t)->cur = i;
	if (!tui_visible(t, it))
		snprintf(t->msg, sizeof t->msg, "%s is not shown at this level",
			 menu_label(it, t->cat));
}

void
tui_search(struct tui *t)
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
