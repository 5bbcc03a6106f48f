/*
 * The menus' rendering of the operation table: an item runs an operation,
 * its parameters come from the item (param=), the chosen row, or a dialog;
 * lists become frames whose rows offer the list's row operations; lines
 * and errors go to one result box. Doors are opened through the device's
 * one access rule, with the credential dialogs below as its asker.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/tui_int.h"

#define PROGRESS_MS 250 /* at most four progress updates a second */

#define now_s tui_now

/* --- the front end ------------------------------------------------------------ */

static int
fe_ask(void *arg, const char *prompt, bool hidden, bool twice, struct strbuf *out,
       struct svc_err *err)
{
	struct run_ctx *c = arg;
	struct strbuf again = STRBUF_INIT;
	int rc = dlg_input(c->t, c->title, prompt, "", hidden, 0, NULL, NULL, out);

	if (rc == 0 && twice) {
		char p[160];
		snprintf(p, sizeof p, "%s (again):", prompt);
		rc = dlg_input(c->t, c->title, p, "", hidden, 0, NULL, NULL, &again);
		if (rc == 0 && strcmp(sb_str(&again), sb_str(out)) != 0) {
			sb_release(&again);
			return svc_errf(err, EX_DATAERR, "the two entries differ; nothing changed");
		}
	}
	sb_release(&again);
	if (rc == TUI_QUIT)
		c->t->quit = true;
	return rc == 0 ? 0 : svc_errf(err, EX_USAGE, "cancelled; nothing changed");
}

struct expect {
	const char *want;
};

static int
match_expect(void *arg, const char *value, char *msg, size_t cap)
{
	const struct expect *e = arg;

	if (strcmp(value, e->want) == 0)
		return 0;
	snprintf(msg, cap, "that is not '%s'", e->want);
	return -1;
}

static int
fe_confirm(void *arg, const struct op *op, const char *question, const char *expect,
	   struct svc_err *err)
{
	struct run_ctx *c = arg;
	struct strbuf text = STRBUF_INIT, v = STRBUF_INIT;
	struct expect e = { expect };
	int rc;

	if (op->confirm == OP_CONFIRM_NONE)
		return 0;
	/* What the operation showed so far (the plan of an import, the door
	 * states) is read before the question. */
	if (c->out.len)
		dlg_text(c->t, c->title, c->out.buf);
	if (op->confirm == OP_CONFIRM_ASK) {
		rc = dlg_yesno(c->t, c->title, question);
		return rc == 1 ? 0 : svc_errf(err, EX_USAGE, "not confirmed; nothing changed");
	}
	sb_addf(&text, "%s\n\nType %s to confirm, Esc to cancel.", question, expect);
	rc = dlg_input(c->t, c->title, text.buf, "", false, 0, match_expect, &e, &v);
	sb_release(&text);
	sb_release(&v);
	if (rc == TUI_QUIT)
		c->t->quit = true;
	return rc == 0 ? 0 : svc_errf(err, EX_USAGE, "not confirmed; nothing changed");
}

static void
fe_progress(void *arg, const char *what, double fraction)
{
	struct run_ctx *c = arg;
	double now = now_s();

	if (c->rows || (c->painted && fraction < 1.0 && (now - c->last) * 1000 < PROGRESS_MS))
		return;
	c->last = now;
	c->painted = true;
	dlg_progress(c->t, c->title, what, fraction, now - c->start);
}

static void
fe_line(void *arg, const char *text)
{
	struct run_ctx *c = arg;

	if (c->rows)
		return; /* a list's lines are not shown: its rows are */
	sb_adds(&c->out, text);
	sb_addc(&c->out, '\n');
}

static int
fe_row(void *arg, const struct op_row * or)
{
	struct run_ctx *c = arg;
	struct row *r;

	if (c->rows == NULL) { /* a report: its rows are its lines */
		if (or->text)
			fe_line(c, or->text);
		else if (or->label == NULL && or->value == NULL)
			return 0; /* a row for --json only */
		else
			sb_addf(&c->out, "%-24s %s\n", or->label ? or->label : "",
				or->value ? or->value : "");
		return 0;
	}
	r = tui_add_row(c->rows);
	snprintf(r->id, sizeof r->id, "%s", or->id ? or->id : "");
	/* The id leads unless the label already shows it (an inbox "00" with
	 * no name yet is still "00"). */
	if (r->id[0] && or->label && strncmp(or->label, r->id, strlen(r->id)) != 0)
		snprintf(r->label, sizeof r->label, "%.39s  %.38s", r->id, or->label);
	else
		snprintf(r->label, sizeof r->label, "%s", or->label ? or->label : "");
	snprintf(r->value, sizeof r->value, "%s", or->value ? or->value : "");
	return 0;
}

static const struct op_fe tui_fe = { fe_ask, fe_confirm, fe_progress, fe_line, fe_row, NULL };

/* --- credentials and doors ------------------------------------------------------ */

static int
ask_code(struct tui *t, const char *title, const char *prompt, char *out, size_t cap)
{
	struct strbuf v = STRBUF_INIT;
	int rc = dlg_input(t, title, prompt, "", true, 7, NULL, NULL, &v);

	if (rc == 0)
		strlcpy_(out, sb_str(&v), cap);
	sb_release(&v);
	if (rc == TUI_QUIT)
		t->quit = true;
	return rc;
}

int
tui_ask_creds(void *arg, unsigned doors, struct device_creds *c, struct svc_err *err)
{
	struct tui *t = arg;

	/* The cheapest door that opens it: the customer's when it is one. */
	if (doors & DOOR_MANAGER) {
		if (ask_code(t, "System Manager", "System Manager ID:", c->manager_id,
			     sizeof c->manager_id) != 0 ||
		    ask_code(t, "System Manager", "System PIN:", c->manager_pin,
			     sizeof c->manager_pin) != 0)
			return svc_errf(err, EX_NOPERM, "cancelled");
		c->manager = true;
		return 0;
	}
	if (!(device_doors(t->dev) & DOOR_SERVICE1)) {
		if (ask_code(t, "Service Mode", "Level 1 service code:", c->service1_code,
			     sizeof c->service1_code) != 0)
			return svc_errf(err, EX_NOPERM, "cancelled");
		c->service1 = true;
	}
	if (!(doors & DOOR_SERVICE1)) {
		if (ask_code(t, "Service Mode", "Level 2 service code:", c->service2_code,
			     sizeof c->service2_code) != 0)
			return svc_errf(err, EX_NOPERM, "cancelled");
		c->service2 = true;
	}
	return 0;
}

int
tui_enter(struct tui *t, unsigned doors, const char *what)
{
	struct svc_err err;

	svc_err_clear(&err);
	if (device_require(t->dev, doors, what, &err) != 0) {
		snprintf(t->msg, sizeof t->msg, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* --- parameters ----------------------------------------------------------------- */

struct arg_check {
	struct op_ctx *c;
	int i;
};

static int
check_typed(void *arg, const char *value, char *msg, size_t cap)
{
	struct arg_check *a = arg;
	struct strbuf canon = STRBUF_INIT;
	struct svc_err err = { 0 };
	int rc = 0;

	const struct op_param *p = &a->c->op->params[a->i];

	/* The menus have no standard input or output to stand for. */
	if ((p->type == OP_P_FILE || p->type == OP_P_OUT) && strcmp(value, "-") == 0) {
		snprintf(msg, cap, "type a file name");
		return -1;
	}
	if (*value == '\0' && (p->flags & OP_STDIO)) {
		snprintf(msg, cap, "type a file name");
		return -1;
	}
	if (*value && op_check_arg(a->c, a->i, value, &canon, &err) != 0) {
		snprintf(msg, cap, "%s", err.msg);
		rc = -1;
	}
	sb_release(&canon);
	return rc;
}

/* One parameter asked with a dialog; 1 if left out, -1 cancelled. */
static int
ask_param(struct tui *t, struct op_ctx *c, int i, const char *title, struct strbuf *out)
{
	const struct op_param *p = &c->op->params[i];
	struct arg_check a = { c, i };
	const char *items[16];
	char words[256];
	int n = 0, rc;

	if (p->type == OP_P_FLAG) {
		rc = dlg_yesno(t, title, p->prompt ? p->prompt : p->name);
		return rc == 1 ? 0 : rc == 0 ? 1 : -1;
	}
	if (p->type == OP_P_WORD) {
		snprintf(words, sizeof words, "%s", p->choices);
		for (char *w = words; *w && n < 15;) {
			size_t len = strcspn(w, "|");
			items[n++] = w;
			w += len + (w[len] == '|');
			if (w[-1] == '|')
				w[-1] = '\0';
		}
		if (p->flags & OP_OPT)
			items[n++] = "(none)";
		rc = dlg_choice(t, p->prompt ? p->prompt : p->name, items, n, 0, false);
		if (rc < 0)
			return -1;
		if (strcmp(items[rc], "(none)") == 0)
			return 1;
		sb_adds(out, items[rc]);
		return 0;
	}
	rc = dlg_input(t, title, p->prompt ? p->prompt : p->name, "", p->flags & OP_SECRET, 0,
		       check_typed, &a, out);
	if (rc != 0)
		return -1;
	if (out->len == 0)
		return (p->flags & OP_OPT) && !(p->flags & OP_STDIO) ? 1 : -1;
	return 0;
}

/*
 * Fills C's arguments: the item's FIXED param, the chosen row's ROWID, or
 * a dialog. The values are kept in VALS (owned by the caller). Returns 0,
 * or -1 if the person cancelled.
 */
static int
fill_args(struct tui *t, struct op_ctx *c, const char *title, const char *fixed, const char *rowid,
	  struct strbuf *vals)
{
	bool fixed_used = false;
	int nrow = 0;

	/* A row id such as "03/0002" fills several OP_ROWID params in turn. */
	for (int i = 0; i < op_nparams(c->op); i++)
		nrow += (c->op->params[i].flags & OP_ROWID) != 0;
	for (int i = 0; i < op_nparams(c->op); i++) {
		const struct op_param *p = &c->op->params[i];
		int rc;

		if ((p->flags & OP_FIXED) && fixed && *fixed && !fixed_used) {
			c->argv[i] = fixed;
			fixed_used = true;
			continue;
		}
		if ((p->flags & OP_ROWID) && rowid) {
			if (nrow == 1) {
				c->argv[i] = rowid;
			} else {
				size_t len = strcspn(rowid, "/");
				sb_add(&vals[i], rowid, len);
				c->argv[i] = sb_str(&vals[i]);
				rowid += len + (rowid[len] == '/');
			}
			continue;
		}
		if (p->flags & (OP_NOASK | OP_OVERRIDE))
			continue;
		rc = ask_param(t, c, i, title, &vals[i]);
		if (rc < 0)
			return -1;
		if (rc == 0)
			c->argv[i] = sb_str(&vals[i]);
	}
	return 0;
}

/* --- running ------------------------------------------------------------------------ */

static int
read_list(struct tui *t, struct frame *f, struct svc_err *err)
{
	struct run_ctx rc = { .t = t, .title = f->title, .start = now_s(), .rows = f };
	struct op_ctx c = { .dev = t->dev, .op = f->list, .fe = &tui_fe, .fe_arg = &rc };
	int r;

	for (int i = 0; i < OP_MAX_PARAMS; i++)
		c.argv[i] = f->args[i];
	r = op_exec(&c, err);
	op_ctx_release(&c);
	sb_release(&rc.out);
	return r;
}

int
tui_list_rows(struct tui *t, struct frame *f, struct svc_err *err)
{
	return read_list(t, f, err);
}

static void
push_list(struct tui *t, const struct op_ctx *c, const char *label)
{
	struct frame *f, *up = tui_top(t);
	struct svc_err err;

	if (t->depth >= (int)(sizeof t->stack / sizeof t->stack[0]))
		return;
	f = &t->stack[t->depth++];
	memset(f, 0, sizeof *f);
	f->kind = F_LIST;
	f->list = c->op;
	f->entry_doors = device_doors(t->dev);
	for (int i = 0; i < OP_MAX_PARAMS; i++)
		f->args[i] = c->argv[i] ? xstrdup(c->argv[i]) : NULL;
	snprintf(f->title, sizeof f->title, "%.100s%s%.50s",
		 up->menu && !up->menu->parent ? "" : up->title,
		 up->menu && !up->menu->parent ? "" : " > ", label);
	svc_err_clear(&err);
	if (read_list(t, f, &err) != 0) {
		tui_drop_frame(t);
		snprintf(t->msg, sizeof t->msg, "%s", err.msg);
		return;
	}
	snprintf(t->msg, sizeof t->msg, "%d entries", f->nrows);
}

/* A refusal that an OP_OVERRIDE flag would lift: shows why and asks. */
static bool
offer_override(struct tui *t, struct op_ctx *c, const char *label, const struct svc_err *err)
{
	struct strbuf q = STRBUF_INIT;
	bool yes = false;

	for (int i = 0; i < op_nparams(c->op); i++) {
		const struct op_param *p = &c->op->params[i];

		if (!(p->flags & OP_OVERRIDE) || c->argv[i])
			continue;
		sb_addf(&q, "%s\n\n%s", err->msg, p->prompt ? p->prompt : p->name);
		yes = dlg_yesno(t, label, q.buf) == 1;
		if (yes)
			c->argv[i] = "";
		break;
	}
	sb_release(&q);
	return yes;
}

void
tui_run_op(struct tui *t, const struct op *op, const char *label, const char *fixed,
	   const char *rowid)
{
	struct run_ctx rc = { t, label, STRBUF_INIT, now_s(), 0, false, NULL };
	struct op_ctx c = { .dev = t->dev, .op = op, .fe = &tui_fe, .fe_arg = &rc };
	struct strbuf vals[OP_MAX_PARAMS];
	struct svc_err err;
	int r;

	memset(vals, 0, sizeof vals);
	svc_err_clear(&err);
	if (fill_args(t, &c, label, fixed, rowid, vals) != 0) {
		snprintf(t->msg, sizeof t->msg, "%.90s: cancelled", label);
		goto out;
	}
	if (op->kind == OP_LIST) {
		push_list(t, &c, label);
		goto out;
	}
	r = op_exec(&c, &err);
	if (r != 0 && err.code == EX_DATAERR && offer_override(t, &c, label, &err)) {
		for (size_t k = 0; k < sizeof c.in / sizeof c.in[0]; k++)
			sb_release(&c.in[k]); /* prepare reads them again */
		svc_err_clear(&err);
		r = op_exec(&c, &err);
	}
	if (r != 0) {
		if (rc.out.len)
			sb_addc(&rc.out, '\n');
		sb_addf(&rc.out, "Error: %s\n(exit code %d: %s)", err.msg, err.code,
			svc_exit_name(err.code));
	} else if (rc.out.len == 0) {
		sb_adds(&rc.out, "Done.");
	}
	tui_reload(t, tui_top(t));
	dlg_text(t, label, rc.out.buf);
	snprintf(t->msg, sizeof t->msg, "%.90s: %.300s", label, r == 0 ? "done" : err.msg);
out:
	op_ctx_release(&c);
	for (int i = 0; i < OP_MAX_PARAMS; i++)
		sb_release(&vals[i]);
	sb_release(&rc.out);
}

/* The list's own param= (rx or tx): it goes along to the row operations. */
static const char *
list_fixed(const struct frame *f)
{
	for (int i = 0; i < op_nparams(f->list); i++)
		if (f->list->params[i].flags & OP_FIXED)
			return f->args[i];
	return NULL;
}

/* Enter on a list row: the list's row operations, each run on the row. */
void
tui_row_op(struct tui *t, struct row *r)
{
	struct frame *f = tui_top(t);
	const struct op *ops[16];
	const char *labels[16];
	char buf[256], label[96], id[40];
	int n = 0, pick;

	if (f->list->row_ops == NULL || !*f->list->row_ops || !r->id[0]) {
		snprintf(t->msg, sizeof t->msg, "%s  %s", r->label, r->value);
		return;
	}
	snprintf(buf, sizeof buf, "%s", f->list->row_ops);
	for (char *tok = buf; *tok && n < 16;) {
		size_t len = strcspn(tok, ",");
		char *next = tok + len + (tok[len] == ',');

		tok[len] = '\0';
		if ((ops[n] = op_find(tok)) != NULL) {
			labels[n] = ops[n]->help;
			n++;
		}
		tok = next;
	}
	if (n == 0)
		return;
	pick = n == 1 ? 0 : dlg_choice(t, r->label, labels, n, 0, false);
	if (pick == TUI_QUIT)
		t->quit = true;
	if (pick < 0)
		return;
	snprintf(label, sizeof label, "%.40s: %.50s", r->label, labels[pick]);
	snprintf(id, sizeof id, "%s", r->id);
	tui_run_op(t, ops[pick], label, list_fixed(f), id);
}
