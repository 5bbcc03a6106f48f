#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ops/startup.h"
#include "tui/tui.h"
#include "util/json.h"

/* What one run of the CLI holds. */
struct cli {
	const char *db_path; /* --db, or NULL */
	const char *actor;   /* --operator, or NULL */
	bool verbose;
	bool yes;            /* --yes */
	const char *confirm; /* --confirm SERIAL */
	struct device *dev;
	const struct op *op;
	bool json;            /* --json */
	int nrows;            /* rows printed so far (--json) */
	struct strbuf report; /* a report's fields (--json) */
	struct strbuf many;   /* OP_MANY values, NUL-separated */
};

static const struct {
	int code;
	const char *meaning;
} exit_codes[] = {
	{ 0, "success" },
	{ EX_USAGE, "usage error: unknown command, option or setting key; not confirmed" },
	{ EX_DATAERR, "bad data: invalid value, damaged or foreign store, bad file" },
	{ EX_NOINPUT, "input file missing" },
	{ EX_NOHOST, "a mail server's name could not be resolved" },
	{ EX_UNAVAILABLE, "function not available" },
	{ EX_SOFTWARE, "internal error" },
	{ EX_CANTCREAT, "cannot create a file or the store" },
	{ EX_IOERR, "I/O error (disk full, read-only, ...)" },
	{ EX_TEMPFAIL, "locked out after wrong credentials, or busy: try again later" },
	{ EX_PROTOCOL, "a server broke the protocol" },
	{ EX_NOPERM, "permission denied: credential missing or wrong" },
};

/* The exit status table, walked by the man page generator. */
int
cli_exit_code_at(size_t i, const char **meaning)
{
	if (i >= sizeof exit_codes / sizeof exit_codes[0])
		return -1;
	*meaning = exit_codes[i].meaning;
	return exit_codes[i].code;
}

static const char env_help[] =
	"  SVCMODE_DB             the store (else /var/lib/svcmode/device.db if\n"
	"                         writable, else $XDG_DATA_HOME/svcmode/device.db)\n"
	"  SVCMODE_OPERATOR       operator name for the audit log\n"
	"  SVCMODE_MANAGER_ID, SVCMODE_MANAGER_PIN    System Manager credentials\n"
	"  SVCMODE_SERVICE_CODE, SVCMODE_SERVICE2_CODE  service mode level 1 and 2\n"
	"  SVCMODE_BOX_PASSWORD   password of a protected User Inbox (box commands)\n"
	"  NO_COLOR               the menus use no colour\n";

/* --- words ------------------------------------------------------------------ */

/* The Nth space-separated word of WORDS into BUF; false past the end. */
static bool
word_at(const char *words, int n, char *buf, size_t cap)
{
	const char *w = words;

	for (;;) {
		size_t len = strcspn(w, " ");
		if (len == 0)
			return false;
		if (n-- == 0) {
			snprintf(buf, cap, "%.*s", (int)len, w);
			return true;
		}
		w += len + (w[len] == ' ');
	}
}

static bool
has_arg(int argc, char **argv, const char *s)
{
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return false;
		if (strcmp(argv[i], s) == 0)
			return true;
	}
	return false;
}

/* How many of OP's words ARGV matches (positional words in order, "--x"
 * words anywhere), or -1 if it does not match them all. */
static int
match(const struct op *op, int argc, char **argv)
{
	char w[40];
	int n = 0, pos = 0;

	for (int i = 0; word_at(op->words, i, w, sizeof w); i++, n++) {
		if (w[0] == '-' && w[1] == '-') {
			if (!has_arg(argc, argv, w))
				return -1;
		} else if (pos >= argc || strcmp(argv[pos++], w) != 0) {
			return -1;
		}
	}
	return n;
}

static int
positional_words(const struct op *op)
{
	char w[40];
	int n = 0;

	for (int i = 0; word_at(op->words, i, w, sizeof w); i++)
		n += w[0] != '-';
	return n;
}

/* The candidates for ARGV, best match first, in table order. */
static int
candidates(int argc, char **argv, const struct op **out, int cap)
{
	const struct op *o;
	int best = 0, n = 0;

	for (int i = 0; (o = op_at(i)) != NULL; i++) {
		int m = match(o, argc, argv);
		if (m > best) {
			best = m;
			n = 0;
		}
		if (m == best && m > 0 && n < cap)
			out[n++] = o;
	}
	return n;
}

static bool
is_group(const char *word)
{
	const struct op *o;
	char w[40];

	for (int i = 0; (o = op_at(i)) != NULL; i++)
		if (word_at(o->words, 0, w, sizeof w) && strcmp(w, word) == 0)
			return true;
	return false;
}

/* --- help --------------------------------------------------------------------- */

static void
print_usage_line(FILE *f, const struct op *op)
{
	struct strbuf u = STRBUF_INIT;

	op_usage(op, &u);
	/* A long usage gets its own line: the summaries stay aligned. */
	if (u.len > 38)
		fprintf(f, "  %s\n  %-38s %s\n", u.buf, "", op->help);
	else
		fprintf(f, "  %-38s %s\n", u.buf, op->help);
	sb_release(&u);
}

void
cli_help(FILE *f)
{
	const struct op *o;

	fputs("usage: svcmode [--db PATH] [--operator NAME] [-v] [COMMAND [ARGS...]]\n"
	      "\n"
	      "Service-mode maintenance of the device store. Without a command, or with\n"
	      "'tui', opens the menus (tui [--mono] [--ascii]). 'svcmode COMMAND --help'\n"
	      "tells more; every command is also an item of the menus.\n\n"
	      "commands:\n",
	      f);
	for (int i = 0; (o = op_at(i)) != NULL; i++)
		print_usage_line(f, o);
	fprintf(f, "\nenvironment:\n%s\nexit codes:\n", env_help);
	for (size_t i = 0; i < sizeof exit_codes / sizeof exit_codes[0]; i++)
		fprintf(f, "  %3d  %s\n", exit_codes[i].code, exit_codes[i].meaning);
}

static void
print_params(FILE *f, const struct op *op)
{
	for (const struct op_param *p = op->params; p && p->name; p++) {
		struct strbuf u = STRBUF_INIT;

		if (p->prompt == NULL)
			continue;
		if (p->flags & OP_DASH)
			sb_addf(&u, "--%s", p->name);
		else if (p->type == OP_P_WORD)
			sb_adds(&u, p->choices);
		else
			for (const char *s = p->name; *s; s++)
				sb_addc(&u, *s == '_' ? '-'
						      : (char)(*s - 32 * (*s >= 'a' && *s <= 'z')));
		fprintf(f, "  %-22s %s%s\n", u.buf, p->prompt,
			(p->flags & OP_OPT) ? " (optional)" : "");
		sb_release(&u);
	}
}

void
cli_op_help(FILE *f, const struct op *op)
{
	struct strbuf u = STRBUF_INIT, d = STRBUF_INIT;

	op_usage(op, &u);
	op_doors_text(op->doors, &d);
	fprintf(f, "usage: svcmode %s\n\n%s.\n", u.buf, op->help);
	if (op->more)
		fprintf(f, "\n%s\n", op->more);
	if (op->params && op->params[0].name) {
		fputc('\n', f);
		print_params(f, op);
	}
	fprintf(f, "\nWho: %s.\n", op->who ? op->who : d.buf);
	sb_release(&u);
	sb_release(&d);
}

/* svcmode GROUP --help: every operation of the group. */
static void
group_help(FILE *f, const char *group)
{
	const struct op *o;
	char w[40];

	const char *shown[32];
	int nshown = 0;

	fprintf(f, "usage: svcmode %s ...\n\n", group);
	for (int i = 0; (o = op_at(i)) != NULL; i++)
		if (word_at(o->words, 0, w, sizeof w) && strcmp(w, group) == 0)
			print_usage_line(f, o);
	/* The group's longer texts, each once. */
	for (int i = 0; (o = op_at(i)) != NULL; i++) {
		bool seen = false;

		if (!o->more || !word_at(o->words, 0, w, sizeof w) || strcmp(w, group) != 0)
			continue;
		for (int k = 0; k < nshown; k++)
			seen |= strcmp(shown[k], o->more) == 0;
		if (!seen && nshown < 32) {
			shown[nshown++] = o->more;
			fprintf(f, "\n%s\n", o->more);
		}
	}
	fprintf(f, "\n'svcmode %s SUBCOMMAND --help' tells more.\n", group);
}

/* --- argument parsing ------------------------------------------------------------ */

static const struct op_param *
find_dash(const struct op *op, const char *name, size_t len, int *idx)
{
	for (int i = 0; op->params && op->params[i].name; i++) {
		const struct op_param *p = &op->params[i];
		if ((p->flags & OP_DASH) && strlen(p->name) == len &&
		    strncmp(p->name, name, len) == 0) {
			*idx = i;
			return p;
		}
	}
	return NULL;
}

static int
usage_err(const struct op *op, struct svc_err *err)
{
	struct strbuf u = STRBUF_INIT;

	op_usage(op, &u);
	svc_errf(err, EX_USAGE, "usage: svcmode %s", u.buf);
	sb_release(&u);
	return -1;
}

/* Options the CLI adds to every operation of a kind. */
static int
auto_option(struct cli *cli, struct op_ctx *c, const char *name, size_t len, const char *val,
	    int *i, int argc, char **argv, struct svc_err *err)
{
	const struct op *op = c->op;
	bool has_json = op->kind == OP_LIST || op->kind == OP_REPORT;
	bool has_yes = op->confirm == OP_CONFIRM_WORD || op->confirm == OP_CONFIRM_ASK;

	if (len == 4 && strncmp(name, "json", 4) == 0 && has_json && !val) {
		c->json = true;
		return 0;
	}
	if (len == 3 && strncmp(name, "yes", 3) == 0 && has_yes && !val) {
		cli->yes = true;
		return 0;
	}
	if (len == 7 && strncmp(name, "verbose", 7) == 0 && !val) {
		c->verbose = true;
		return 0;
	}
	if (len == 7 && strncmp(name, "confirm", 7) == 0 && op->confirm == OP_CONFIRM_SERIAL) {
		if (!val && *i + 1 >= argc)
			return svc_errf(err, EX_USAGE, "option '--confirm' needs a value");
		cli->confirm = val ? val : argv[++*i];
		return 0;
	}
	return svc_errf(err, EX_USAGE, "unknown option '--%.*s' for '%s' (see 'svcmode %s --help')",
			(int)len, name, op->words, op->words);
}

static int
take_option(struct cli *cli, struct op_ctx *c, int *i, int argc, char **argv, struct svc_err *err)
{
	const char *a = argv[*i] + 2, *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	int idx;
	const struct op_param *p = find_dash(c->op, a, len, &idx);

	if (p == NULL)
		return auto_option(cli, c, a, len, eq ? eq + 1 : NULL, i, argc, argv, err);
	if (p->type == OP_P_FLAG) {
		if (eq)
			return svc_errf(err, EX_USAGE, "option '--%s' takes no value", p->name);
		c->argv[idx] = "";
	} else if (eq) {
		c->argv[idx] = eq + 1;
	} else if (*i + 1 < argc) {
		c->argv[idx] = argv[++*i];
	} else {
		return svc_errf(err, EX_USAGE, "option '--%s' needs a value", p->name);
	}
	return 0;
}

/* The next positional parameter after index FROM, or -1. */
static int
next_positional(const struct op *op, int from)
{
	for (int i = from; op->params && op->params[i].name; i++)
		if (!(op->params[i].flags & OP_DASH))
			return i;
	return -1;
}

static int
parse_args(struct cli *cli, struct op_ctx *c, int argc, char **argv, struct svc_err *err)
{
	int skip = positional_words(c->op), pos = next_positional(c->op, 0);
	bool dashdash = false;
	char w[40];

	for (int i = skip; i < argc; i++) {
		const char *a = argv[i];
		bool selector = false;

		for (int k = 0; !dashdash && word_at(c->op->words, k, w, sizeof w); k++)
			selector |= w[0] == '-' && strcmp(w, a) == 0;
		if (selector)
			continue;
		if (!dashdash && strcmp(a, "--") == 0) {
			dashdash = true;
		} else if (!dashdash && (strcmp(a, "-v") == 0)) {
			c->verbose = true;
		} else if (!dashdash && a[0] == '-' && a[1] == '-') {
			if (take_option(cli, c, &i, argc, argv, err) != 0)
				return -1;
		} else if (!dashdash && a[0] == '-' && a[1] != '\0') {
			return svc_errf(err, EX_USAGE,
					"unknown option '%s' for '%s' (see 'svcmode %s --help')", a,
					c->op->words, c->op->words);
		} else if (pos < 0) {
			return usage_err(c->op, err);
		} else if (c->op->params[pos].flags & OP_MANY) {
			if (c->argv[pos] == NULL)
				c->argv[pos] = a;
			sb_add(&cli->many, a, strlen(a) + 1);
		} else {
			c->argv[pos] = a;
			pos = next_positional(c->op, pos + 1);
		}
	}
	/* A missing positional is a usage error here, so that another
	 * operation with the same words can be tried. */
	for (int i = 0; c->op->params && c->op->params[i].name; i++) {
		const struct op_param *p = &c->op->params[i];
		if (!(p->flags & (OP_DASH | OP_OPT)) && c->argv[i] == NULL)
			return usage_err(c->op, err);
	}
	return 0;
}

/* --- the front end -------------------------------------------------------------- */

static void
fe_line(void *arg, const char *text)
{
	struct cli *cli = arg;

	(void)cli;
	fprintf(stdout, "%s\n", text);
	fflush(stdout);
}

static void
add_fields(struct strbuf *j, const struct op_row *r)
{
	for (int i = 0; i < r->nfields; i++) {
		const struct op_field *f = &r->fields[i];
		sb_addf(j, "%s", j->len && j->buf[j->len - 1] != '{' ? ", " : "");
		json_add_str(j, f->name);
		sb_adds(j, ": ");
		if (f->type == OP_F_STR)
			json_add_str(j, f->value ? f->value : "");
		else if (f->type == OP_F_NULL || f->value == NULL)
			sb_adds(j, "null");
		else
			sb_adds(j, f->value);
	}
}

static int
fe_row(void *arg, const struct op_row *r)
{
	struct cli *cli = arg;
	struct strbuf j = STRBUF_INIT;

	if (cli->json && cli->op->kind == OP_REPORT) {
		add_fields(&cli->report, r);
		return 0;
	}
	if (cli->json) { /* a list, as JSON */
		sb_adds(&j, "{");
		add_fields(&j, r);
		fprintf(stdout, "%s  %s}", cli->nrows++ ? ",\n" : "[\n", j.buf);
		sb_release(&j);
		return 0;
	}
	if (r->text)
		fprintf(stdout, "%s\n", r->text);
	else if (r->label == NULL && r->value == NULL)
		return 0; /* a row for --json only */
	else if (r->value && *r->value)
		fprintf(stdout, "%-40s %s\n", r->label ? r->label : "", r->value);
	else
		fprintf(stdout, "%s\n", r->label ? r->label : "");
	return 0;
}

/* At most five updates a second: a serial line must not be flooded. On a
 * terminal the line is redrawn in place; into a file or a pipe each update
 * is a line of its own, so that a log holds no carriage returns. */
static void
fe_progress(void *arg, const char *what, double fraction)
{
	static struct timespec last;
	struct timespec now;
	bool tty = isatty(STDERR_FILENO);

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (fraction < 1.0 &&
	    (now.tv_sec - last.tv_sec) * 1000000000L + (now.tv_nsec - last.tv_nsec) < 200000000L)
		return;
	last = now;
	fprintf(stderr, "%s%s: %3d%%%s", tty ? "\r" : "", what, (int)(fraction * 100 + 0.5),
		!tty || fraction >= 1.0 ? "\n" : "");
	fflush(stderr);
}

static int
fe_ask(void *arg, const char *prompt, bool hidden, bool twice, struct strbuf *out,
       struct svc_err *err)
{
	(void)arg;
	if (hidden)
		return cli_read_secret(prompt, twice, out, err);
	if (!isatty(STDIN_FILENO))
		return cli_read_secret(prompt, false, out, err);
	return cli_read_tty(prompt, out, err);
}

static int
confirm_typed(const char *question, const char *expect, int wrong, struct svc_err *err)
{
	struct strbuf typed = STRBUF_INIT, q = STRBUF_INIT;
	int rc = 0;

	sb_addf(&q, "%s\nType %s to confirm", question, expect);
	if (cli_read_tty(q.buf, &typed, err) != 0)
		rc = -1;
	else if (strcmp(sb_str(&typed), expect) != 0)
		rc = svc_errf(err, wrong,
			      "not confirmed (typed '%.40s', expected '%.40s'); nothing "
			      "changed",
			      sb_str(&typed), expect);
	sb_release(&typed);
	sb_release(&q);
	return rc;
}

static int
fe_confirm(void *arg, const struct op *op, const char *question, const char *expect,
	   struct svc_err *err)
{
	struct cli *cli = arg;
	bool tty = isatty(STDIN_FILENO);

	switch (op->confirm) {
	case OP_CONFIRM_NONE: return 0;
	case OP_CONFIRM_ASK:
		if (cli->yes || !tty)
			return 0;
		return confirm_typed(question, "yes", EX_USAGE, err);
	case OP_CONFIRM_WORD:
		if (cli->yes)
			return 0;
		if (!tty)
			return svc_errf(err, EX_USAGE,
					"%s Add --yes to confirm from a script; "
					"nothing changed",
					question);
		return confirm_typed(question, expect, EX_USAGE, err);
	case OP_CONFIRM_SERIAL:
		if (cli->confirm && strcmp(cli->confirm, expect) == 0)
			return 0;
		if (cli->confirm)
			return svc_errf(err, EX_NOPERM,
					"not confirmed: '%.20s' is not this device's serial number "
					"(see 'svcmode info'); nothing changed",
					cli->confirm);
		if (!tty)
			return svc_errf(
				err, EX_USAGE,
				"not confirmed: give --confirm SERIAL (this device's serial "
				"number, see 'svcmode info'); nothing changed");
		return confirm_typed(question, expect, EX_NOPERM, err);
	}
	return 0;
}

static void
fe_note(void *arg, const char *text)
{
	(void)arg;
	fprintf(stderr, "svcmode: %s\n", text);
}

static const struct op_fe cli_fe = { fe_ask, fe_confirm, fe_progress, fe_line, fe_row, fe_note };

/* --- running ----------------------------------------------------------------------- */

static int
open_store(struct cli *cli, struct svc_err *err)
{
	char *path, *env = getenv("SVCMODE_OPERATOR");
	struct strbuf note = STRBUF_INIT;
	bool created = false;
	int rc;

	/* The operator is input too: checked before the store is touched. */
	if ((cli->actor && device_check_operator(cli->actor, err) != 0) ||
	    (env && *env && device_check_operator(env, err) != 0))
		return -1;
	path = cli->db_path ? xstrdup(cli->db_path) : device_default_path();
	rc = device_open(path, true, &created, &cli->dev, err);

	if (rc == 0 && created)
		fprintf(stderr, "svcmode: created a new device store at '%s' (serial %s)\n", path,
			device_identity(cli->dev)->serial);
	free(path);
	if (rc != 0)
		return -1;
	device_set_asker(cli->dev, cli_ask_creds, cli);
	if (cli->actor && device_set_operator(cli->dev, cli->actor, err) != 0)
		return -1;
	rc = op_startup(cli->dev, &note, err);
	if (note.len)
		fputs(note.buf, stderr);
	sb_release(&note);
	return rc;
}

static int
run_tui(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct tui_opts to = { 0 };
	const char *no_color = getenv("NO_COLOR");

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mono") == 0)
			to.mono = true;
		else if (strcmp(argv[i], "--ascii") == 0)
			to.ascii = true;
		else
			return svc_errf(err, EX_USAGE, "usage: svcmode tui [--mono] [--ascii]");
	}
	to.mono = to.mono || (no_color && *no_color);
	if (open_store(cli, err) != 0)
		return -1;
	return tui_run(cli->dev, &to, err);
}

/* Finishes the output of --json. */
static void
end_json(struct cli *cli, struct op_ctx *c, int rc)
{
	if (!c->json || rc != 0)
		return;
	if (c->op->kind == OP_REPORT)
		printf("{%s}\n", cli->report.buf + 1);
	else
		fputs(cli->nrows ? "\n]\n" : "[]\n", stdout);
}

/* A serial confirmation is input: checked before any door opens, so that a
 * wrong or missing one writes nothing, not even a login record. */
static int
check_serial(struct cli *cli, const struct op_ctx *c, struct svc_err *err)
{
	const char *serial = device_identity(cli->dev)->serial;

	if (c->op->confirm != OP_CONFIRM_SERIAL)
		return 0;
	if (cli->confirm && strcmp(cli->confirm, serial) != 0)
		return svc_errf(err, EX_NOPERM,
				"not confirmed: '%.20s' is not this device's serial number "
				"(see 'svcmode info'); nothing changed",
				cli->confirm);
	if (cli->confirm == NULL && !isatty(STDIN_FILENO))
		return svc_errf(err, EX_USAGE,
				"not confirmed: give --confirm %s (this device's serial number, "
				"see 'svcmode info'); nothing changed",
				serial);
	return 0;
}

static int
run_op(struct cli *cli, struct op_ctx *c, struct svc_err *err)
{
	int rc;

	cli->op = c->op;
	c->fe = &cli_fe;
	c->fe_arg = cli;
	c->verbose = c->verbose || cli->verbose;
	cli->json = c->json;
	if (c->json)
		sb_adds(&cli->report, "{");
	if (c->op->flags & OP_NOSTORE) {
		c->db = cli->db_path;
	} else {
		if (open_store(cli, err) != 0 || check_serial(cli, c, err) != 0)
			return -1;
		c->dev = cli->dev;
	}
	c->many = cli->many.buf;
	c->many_len = cli->many.len;
	rc = op_exec(c, err);
	end_json(cli, c, rc);
	return rc;
}

static int
run(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct op *cand[8];
	struct svc_err first = { 0 };
	int n;

	if (argc == 0 || strcmp(argv[0], "tui") == 0) {
		char *deflt[] = { (char *)"tui", NULL };
		return run_tui(cli, argc ? argc : 1, argc ? argv : deflt, err);
	}
	n = candidates(argc, argv, cand, 8);
	if (has_arg(argc, argv, "--help") || has_arg(argc, argv, "-h")) {
		if (n == 0 && is_group(argv[0])) {
			group_help(stdout, argv[0]);
			return 0;
		}
		for (int i = 0; i < n; i++)
			cli_op_help(stdout, cand[i]);
		if (n > 0)
			return 0;
	}
	if (n == 0 && is_group(argv[0]) && argc == 1)
		return svc_errf(err, EX_USAGE,
				"usage: svcmode %s SUBCOMMAND ... (see 'svcmode %s --help')",
				argv[0], argv[0]);
	if (n == 0 && is_group(argv[0]))
		return svc_errf(err, EX_USAGE,
				"unknown %s command '%.40s' (see 'svcmode %s --help')", argv[0],
				argv[1], argv[0]);
	if (n == 0)
		return svc_errf(err, EX_USAGE, "unknown command '%.40s' (see 'svcmode --help')",
				argv[0]);
	for (int i = 0; i < n; i++) {
		struct op_ctx c = { .op = cand[i] };
		struct svc_err e = { 0 };

		sb_reset(&cli->many);
		cli->yes = false;
		cli->confirm = NULL;
		if (parse_args(cli, &c, argc, argv, &e) == 0) {
			int rc = run_op(cli, &c, err);
			op_ctx_release(&c);
			return rc;
		}
		if (i == 0)
			first = e;
	}
	*err = first;
	return -1;
}

/* Global options come before the command. */
static int
parse_globals(struct cli *cli, int argc, char **argv, int *first, struct svc_err *err)
{
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if ((strcmp(a, "--db") == 0 || strcmp(a, "--operator") == 0) && i + 1 < argc) {
			*(a[2] == 'd' ? &cli->db_path : &cli->actor) = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			cli->db_path = a + 5;
		} else if (strncmp(a, "--operator=", 11) == 0) {
			cli->actor = a + 11;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			cli->verbose = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			*first = -1;
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			*first = -2;
			return 0;
		} else if (strcmp(a, "--mono") == 0 || strcmp(a, "--ascii") == 0) {
			break; /* TUI options: the tui command reads them */
		} else {
			return svc_errf(err, EX_USAGE, "unknown option '%s' (see 'svcmode --help')",
					a);
		}
	}
	*first = i;
	return 0;
}

int
cli_main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct svc_err err = { 0 };
	int first = 1, rc;

	if (parse_globals(&cli, argc, argv, &first, &err) != 0)
		goto fail;
	if (first == -1) {
		cli_help(stdout);
		return 0;
	}
	if (first == -2) {
		printf("svcmode %s\n", SVC_VERSION);
		return 0;
	}
	/* TUI options given without the command mean the TUI. */
	if (first < argc && argv[first][0] == '-') {
		argv[first - 1] = (char *)"tui";
		first--;
	}
	rc = run(&cli, argc - first, argv + first, &err);
	device_close(cli.dev);
	sb_release(&cli.report);
	sb_release(&cli.many);
	if (fflush(stdout) != 0 && rc == 0) {
		svc_errf(&err, EX_IOERR, "cannot write output");
		rc = -1;
	}
	if (rc == 0)
		return 0;
fail:
	if (err.code == 0)
		svc_errf(&err, EX_SOFTWARE, "failed without a message");
	fprintf(stderr, "svcmode: %s\n", err.msg);
	return err.code;
}
