/* The operation table: lookup, argument checks, the door check, and the
 * helpers run functions talk through. */
#include "ops/op.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fsutil.h"
#include "util/text.h"

/* One table per module, each in src/ops/<module>.c, ended by a NULL name.
 * The order is the order of --help and the man page. */
extern const struct op ops_core[];
extern const struct op ops_settings[];
extern const struct op ops_mail[];
extern const struct op ops_tls[];
extern const struct op ops_tls_ca[];
extern const struct op ops_mac[];
extern const struct op ops_box[];
extern const struct op ops_backup[];
extern const struct op ops_wipe[];
extern const struct op ops_license[];
extern const struct op ops_service[];

static const struct op *const tables[] = {
	ops_settings, ops_core,   ops_mail, ops_tls,     ops_tls_ca,  ops_mac,
	ops_box,      ops_backup, ops_wipe, ops_license, ops_service,
};

const struct op *
op_at(int i)
{
	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (const struct op *o = tables[t]; o->name; o++)
			if (i-- == 0)
				return o;
	return NULL;
}

int
op_count(void)
{
	int n = 0;

	while (op_at(n))
		n++;
	return n;
}

const struct op *
op_find(const char *name)
{
	const struct op *o;

	for (int i = 0; (o = op_at(i)) != NULL; i++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

int
op_nparams(const struct op *op)
{
	int n = 0;

	while (op->params && op->params[n].name)
		n++;
	return n;
}

unsigned
op_doors(const struct op_ctx *c)
{
	return c->op->doors_for ? c->op->doors_for(c) : c->op->doors;
}

/* --- argument checks ------------------------------------------------------ */

static int
bad(const struct op *op, const struct op_param *p, const char *v, int code, const char *want,
    struct svc_err *err)
{
	return svc_errf(err, code, "invalid %s '%.80s' for '%s': expected %s", p->name, v,
			op->words, want);
}

static int
check_word(const struct op *op, const struct op_param *p, const char *v, struct strbuf *canon,
	   struct svc_err *err)
{
	const char *c = p->choices;
	size_t n = strlen(v);
	char want[160];

	while (c && *c) {
		size_t len = strcspn(c, "|");
		if (len == n && strncasecmp(c, v, n) == 0) {
			sb_add(canon, c, len);
			return 0;
		}
		c += len + (c[len] == '|');
	}
	snprintf(want, sizeof want, "one of %s", p->choices ? p->choices : "(none)");
	return bad(op, p, v, EX_USAGE, want, err);
}

static int
check_box(const struct op *op, const struct op_param *p, const char *v, struct strbuf *canon,
	  struct svc_err *err)
{
	size_t n = strlen(v);

	if (n < 1 || n > 2 || !isdigit((unsigned char)v[0]) ||
	    (n == 2 && !isdigit((unsigned char)v[1])))
		return bad(op, p, v, EX_USAGE, "an inbox number 00-99", err);
	sb_addf(canon, "%02ld", strtol(v, NULL, 10));
	return 0;
}

static int
check_num(const struct op *op, const struct op_param *p, const char *v, struct strbuf *canon,
	  struct svc_err *err)
{
	char want[80], *end = NULL;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end || errno || n < p->min || n > p->max) {
		snprintf(want, sizeof want, "an integer %ld-%ld", p->min, p->max);
		return bad(op, p, v, EX_USAGE, want, err);
	}
	sb_addf(canon, "%ld", n);
	return 0;
}

static int
check_path(const struct op *op, const struct op_param *p, const char *v, struct svc_err *err)
{
	struct stat sb;

	if (*v == '\0')
		return bad(op, p, v, EX_USAGE, "a file name", err);
	if (strcmp(v, "-") == 0 && p->type != OP_P_DIR)
		return 0;
	if (p->type == OP_P_FILE) {
		if (stat(v, &sb) != 0)
			return svc_errf(err, EX_NOINPUT, "cannot read '%.160s': %s", v,
					strerror(errno));
		if (S_ISDIR(sb.st_mode))
			return svc_errf(err, EX_NOINPUT, "cannot read '%.160s': it is a folder", v);
		if (access(v, R_OK) != 0)
			return svc_errf(err, EX_NOINPUT, "cannot read '%.160s': %s", v,
					strerror(errno));
		return 0;
	}
	if (p->type == OP_P_DIR) {
		if (stat(v, &sb) != 0 || !S_ISDIR(sb.st_mode))
			return svc_errf(err, EX_CANTCREAT, "'%.160s' is not a folder", v);
		return 0;
	}
	/* OP_P_OUT: a folder that exists, and not a folder itself. */
	char *dir = fs_dirname(v);
	int rc = 0;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		rc = svc_errf(err, EX_CANTCREAT, "cannot create '%.160s': no folder '%.80s'", v,
			      dir);
	else if (stat(v, &sb) == 0 && S_ISDIR(sb.st_mode))
		rc = svc_errf(err, EX_CANTCREAT, "cannot create '%.160s': it is a folder", v);
	free(dir);
	return rc;
}

int
op_check_arg(const struct op_ctx *c, int i, const char *v, struct strbuf *canon,
	     struct svc_err *err)
{
	const struct op_param *p = &c->op->params[i];

	sb_reset(canon);
	switch (p->type) {
	case OP_P_WORD: return check_word(c->op, p, v, canon, err);
	case OP_P_BOX: return check_box(c->op, p, v, canon, err);
	case OP_P_NUM: return check_num(c->op, p, v, canon, err);
	case OP_P_FILE:
	case OP_P_OUT:
	case OP_P_DIR:
		if (check_path(c->op, p, v, err) != 0)
			return -1;
		break;
	case OP_P_KEY:
		if (c->dev && catalog_lookup(device_catalog(c->dev), v, err) == NULL)
			return -1;
		break;
	case OP_P_FLAG:
	case OP_P_TEXT: break;
	}
	/* Every value a person typed is text that ends up on screens and in
	 * logs: control characters and broken UTF-8 never get in. */
	if (!text_is_clean(v))
		return svc_errf(err, EX_DATAERR,
				"invalid %s for '%s': byte %zu is a control character or not "
				"UTF-8; expected printable text",
				p->name, c->op->words, text_bad_offset(v) + 1);
	sb_adds(canon, v);
	return 0;
}

/* Canonical forms replace what was typed; op_ctx_release frees them. */
static int
check_args(struct op_ctx *c, struct svc_err *err)
{
	struct strbuf canon = STRBUF_INIT;
	int n = op_nparams(c->op);

	for (int i = 0; i < n; i++) {
		const struct op_param *p = &c->op->params[i];

		if (c->argv[i] == NULL) {
			if (p->flags & OP_OPT)
				continue;
			sb_release(&canon);
			return svc_errf(err, EX_USAGE, "'%s' needs %s", c->op->words,
					p->prompt ? p->prompt : p->name);
		}
		if (op_check_arg(c, i, c->argv[i], &canon, err) != 0) {
			sb_release(&canon);
			return -1;
		}
		/* The further values of an OP_MANY parameter are checked too
		 * (and must already be in canonical form). */
		for (const char *v = (p->flags & OP_MANY) ? op_many_next(c, NULL) : NULL; v;
		     v = op_many_next(c, v))
			if (v != c->many && op_check_arg(c, i, v, &canon, err) != 0) {
				sb_release(&canon);
				return -1;
			}
		if (op_check_arg(c, i, c->argv[i], &canon, err) != 0) {
			sb_release(&canon);
			return -1;
		}
		if (strcmp(canon.buf, c->argv[i]) != 0) {
			free(c->canon[i]);
			c->argv[i] = c->canon[i] = sb_detach(&canon);
		}
	}
	sb_release(&canon);
	return 0;
}

/* The index of the first positional argument given, or -1. */
static int
next_positional_value(const struct op_ctx *c)
{
	for (int i = 0; c->op->params && c->op->params[i].name; i++)
		if (!(c->op->params[i].flags & OP_DASH) && c->argv[i])
			return i;
	return -1;
}

void
op_ctx_release(struct op_ctx *c)
{
	for (int i = 0; i < OP_MAX_PARAMS; i++) {
		free(c->canon[i]);
		c->canon[i] = NULL;
	}
	for (size_t i = 0; i < sizeof c->in / sizeof c->in[0]; i++)
		sb_release(&c->in[i]); /* wipes: these may be secrets */
}

int
op_exec(struct op_ctx *c, struct svc_err *err)
{
	char what[96];

	if (check_args(c, err) != 0)
		return -1;
	if (c->op->prepare && c->op->prepare(c, err) != 0)
		return -1;
	if (c->dev && op_doors(c)) {
		/* "'set system.manager.name'": the words and what they act on. */
		int first = next_positional_value(c);
		snprintf(what, sizeof what, "'%s%s%.40s'", c->op->words, first >= 0 ? " " : "",
			 first >= 0 ? c->argv[first] : "");
		if (device_require(c->dev, op_doors(c), what, err) != 0)
			return -1;
	}
	return c->op->run(c, err);
}

/* --- for run functions ------------------------------------------------------ */

static int
param_index(const struct op *op, const char *name)
{
	for (int i = 0; op->params && op->params[i].name; i++)
		if (strcmp(op->params[i].name, name) == 0)
			return i;
	return -1;
}

const char *
op_arg(const struct op_ctx *c, const char *name)
{
	int i = param_index(c->op, name);

	return i < 0 ? NULL : c->argv[i];
}

bool
op_flag(const struct op_ctx *c, const char *name)
{
	return op_arg(c, name) != NULL;
}

const char *
op_many_next(const struct op_ctx *c, const char *prev)
{
	const char *next;

	if (c->many == NULL || c->many_len == 0)
		return NULL;
	if (prev == NULL)
		return c->many;
	next = prev + strlen(prev) + 1;
	return next < c->many + c->many_len ? next : NULL;
}

int
op_many_count(const struct op_ctx *c)
{
	int n = 0;

	for (const char *v = op_many_next(c, NULL); v; v = op_many_next(c, v))
		n++;
	return n;
}

void
op_line(struct op_ctx *c, const char *text)
{
	if (c->fe && c->fe->line)
		c->fe->line(c->fe_arg, text);
}

void
op_linef(struct op_ctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	op_line(c, sb_str(&sb));
	sb_release(&sb);
}

int
op_emit(struct op_ctx *c, const struct op_row *row)
{
	return c->fe && c->fe->row ? c->fe->row(c->fe_arg, row) : 0;
}

void
op_fieldset_add(void *arg, const char *name, const char *json_value)
{
	struct op_fieldset *fs = arg;

	if (fs->n == OP_FIELDSET_MAX)
		return;
	fs->v[fs->n] = xstrdup(json_value);
	fs->f[fs->n] = (struct op_field){ name, fs->v[fs->n], OP_F_JSON };
	fs->n++;
}

int
op_fieldset_emit(struct op_ctx *c, struct op_fieldset *fs)
{
	int rc = op_emit(c, &(struct op_row){ .fields = fs->f, .nfields = fs->n });

	for (int i = 0; i < fs->n; i++)
		free(fs->v[i]);
	fs->n = 0;
	return rc;
}

void
op_notef(struct op_ctx *c, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	if (c->fe && c->fe->note)
		c->fe->note(c->fe_arg, sb_str(&sb));
	else
		op_line(c, sb_str(&sb));
	sb_release(&sb);
}

void
op_progress(struct op_ctx *c, const char *what, double fraction)
{
	if (c->fe && c->fe->progress)
		c->fe->progress(c->fe_arg, what, fraction);
}

int
op_ask(struct op_ctx *c, const char *prompt, bool hidden, bool twice, struct strbuf *out,
       struct svc_err *err)
{
	if (c->fe == NULL || c->fe->ask == NULL)
		return svc_errf(err, EX_USAGE, "%s: nobody to ask", prompt);
	return c->fe->ask(c->fe_arg, prompt, hidden, twice, out, err);
}

int
op_confirm(struct op_ctx *c, const char *question, const char *expect, struct svc_err *err)
{
	if (c->op->confirm == OP_CONFIRM_NONE)
		return 0;
	if (c->fe == NULL || c->fe->confirm == NULL)
		return svc_errf(err, EX_USAGE, "not confirmed; nothing changed");
	return c->fe->confirm(c->fe_arg, c->op, question, expect, err);
}

int
op_result(struct op_ctx *c, int rc, int code, const char *meaning, const char *note)
{
	if (rc < 0 && code)
		op_linef(c, "result: error #%d (%s)", code, meaning ? meaning : "unknown");
	else if (rc >= 0 && note && *note)
		op_linef(c, "result: OK (%s)", note);
	else if (rc >= 0)
		op_line(c, "result: OK");
	return rc < 0 ? -1 : 0;
}

/* --- usage -------------------------------------------------------------------- */

static void
add_upper(struct strbuf *out, const char *s)
{
	for (; *s; s++)
		sb_addc(out, *s == '_' ? '-' : (char)toupper((unsigned char)*s));
}

/* The value's name after an option: FILE, NN, N, or the name. */
static void
add_metavar(struct strbuf *out, const struct op_param *p)
{
	switch (p->type) {
	case OP_P_FILE:
	case OP_P_OUT: sb_adds(out, "FILE"); break;
	case OP_P_DIR: sb_adds(out, "DIR"); break;
	case OP_P_BOX: sb_adds(out, "NN"); break;
	case OP_P_NUM: sb_adds(out, "N"); break;
	default: add_upper(out, p->name); break;
	}
}

static void
add_param(struct strbuf *out, const struct op_param *p)
{
	bool opt = p->flags & OP_OPT;

	sb_adds(out, opt ? " [" : " ");
	if (p->flags & OP_DASH) {
		sb_addf(out, "--%s", p->name);
		if (p->type != OP_P_FLAG) {
			sb_addc(out, ' ');
			if (p->type == OP_P_WORD)
				sb_adds(out, p->choices);
			else
				add_metavar(out, p);
		}
	} else if (p->type == OP_P_WORD) {
		sb_adds(out, p->choices);
	} else if (p->type == OP_P_BOX) {
		sb_adds(out, "NN");
	} else {
		add_upper(out, p->name);
		if ((p->type == OP_P_FILE || p->type == OP_P_OUT) && (p->flags & OP_STDIO))
			sb_adds(out, "|-");
	}
	if (p->flags & OP_MANY)
		sb_adds(out, "...");
	if (opt)
		sb_addc(out, ']');
}

void
op_usage(const struct op *op, struct strbuf *out)
{
	/* Selector options ("init --report") come after the positionals. */
	const char *w = op->words;
	struct strbuf sel = STRBUF_INIT;

	while (*w) {
		size_t len = strcspn(w, " ");
		if (w[0] == '-' && w[1] == '-')
			sb_addf(&sel, " %.*s", (int)len, w);
		else
			sb_addf(out, "%s%.*s", out->len ? " " : "", (int)len, w);
		w += len + (w[len] == ' ');
	}
	if (sel.len)
		sb_adds(out, sel.buf);
	sb_release(&sel);
	for (const struct op_param *p = op->params; p && p->name; p++)
		add_param(out, p);
	if (op->kind == OP_LIST || op->kind == OP_REPORT)
		sb_adds(out, " [--json]");
	if (op->confirm == OP_CONFIRM_WORD || op->confirm == OP_CONFIRM_ASK)
		sb_adds(out, " [--yes]");
	if (op->confirm == OP_CONFIRM_SERIAL)
		sb_adds(out, " --confirm SERIAL");
}

void
op_doors_text(unsigned doors, struct strbuf *out)
{
	const char *names[] = { "the System Manager", "service level 1", "service level 2" };
	int n = 0;

	if (doors == 0) {
		sb_adds(out, "anyone");
		return;
	}
	for (int i = 0; i < 3; i++)
		if (doors & (1u << i))
			sb_addf(out, "%s%s", n++ ? " or " : "", names[i]);
}
