/* The man pages generated from the tables they describe: the settings
 * catalog (svcmode-settings(7)), the device error codes (svcmode-codes(7))
 * and svcmode(1)'s exit statuses. svcmode-gen writes them at build time, so a new
 * setting or code reaches its page without anyone writing it twice. */
#include <sysexits.h>

#include "catalog/catalog.h"
#include "cli/cli.h"
#include "mail/mail.h"
#include "menu/menu.h"

/* One ".IP TAG" line and its value, as roff. */
static void
field(FILE *f, const char *tag, const char *value)
{
	fprintf(f, ".IP \"%s\" 12\n", tag);
	cli_gen_roff(f, value);
	fputc('\n', f);
}

/* The factory default as the page shows it. PINs and codes are the
 * device's published factory values; secrets are never shown. */
static void
default_text(const struct cat_entry *e, struct strbuf *out)
{
	if (e->type == CT_SECRET)
		sb_adds(out, *e->deflt ? "(set at the factory; never shown)" : "(none)");
	else if (!*e->deflt)
		sb_adds(out, "(empty)");
	else
		sb_addf(out, "%s%s%s", e->deflt, *e->unit ? " " : "", e->unit);
}

/* An instanced key (box.NN.name) is one entry, under its declared name,
 * with the range of its instances. */
static void
setting(FILE *f, const struct catalog *cat, const struct cat_entry *e)
{
	struct strbuf accepts = STRBUF_INIT, dflt = STRBUF_INIT, menu = STRBUF_INIT;
	char range[16] = "";
	int lo, hi;

	catalog_expected(e, &accepts);
	if (*e->unit)
		sb_addf(&accepts, " (%s)", e->unit);
	default_text(e, &dflt);
	if (menu_path_for_setting(e, &menu) != 0)
		sb_adds(&menu, "(not on a screen; CLI only)");
	if (e->instance >= 0 && catalog_instances(cat, e->base, &lo, &hi) == 0)
		snprintf(range, sizeof range, "%02d-%02d", lo, hi);
	fputs(".SS ", f);
	cli_gen_roff(f, e->base);
	fputs("\n.B \"", f);
	cli_gen_roff(f, e->label);
	fputs("\"\n.br\n", f);
	cli_gen_roff(f, e->help);
	fputs("\n.PD 0\n", f);
	field(f, "Type:", catalog_type_name(e->type));
	if (*range)
		field(f, "Instances:", range);
	field(f, "Accepts:", accepts.buf);
	field(f, "Default:", dflt.buf);
	field(f, "Level:", level_title(e->level));
	field(f, "Menu:", menu.buf);
	field(f, "Initialize:", catalog_init_name(e));
	field(f, "Effect:", e->effect);
	fputs(".PD\n", f);
	sb_release(&accepts);
	sb_release(&dflt);
	sb_release(&menu);
}

int
cli_gen_settings(FILE *f, struct svc_err *err)
{
	struct catalog *cat = NULL;

	if (catalog_new(&cat, err) != 0)
		return -1;
	fputs(".SH SETTINGS\n", f);
	for (size_t i = 0; i < catalog_count(cat); i++) {
		const struct cat_entry *e = catalog_at(cat, i);
		int lo, hi;

		if (e->instance < 0 ||
		    (catalog_instances(cat, e->base, &lo, &hi) == 0 && e->instance == lo))
			setting(f, cat, e);
	}
	catalog_free(cat);
	return 0;
}

int
cli_gen_exit_status(FILE *f, struct svc_err *err)
{
	const char *meaning;
	int code;

	(void)err;
	for (size_t i = 0; (code = cli_exit_code_at(i, &meaning)) >= 0; i++) {
		fprintf(f, ".TP\n.B %d\n", code);
		/* The table's meanings start in lower case, as --help prints them. */
		fputc(meaning[0] >= 'a' && meaning[0] <= 'z' ? meaning[0] - 'a' + 'A' : meaning[0],
		      f);
		cli_gen_roff(f, meaning + 1);
		fputs(".\n", f);
	}
	return 0;
}

/* The <sysexits.h> name of an exit status the codes use. */
static const char *
ex_name(int ex)
{
	static const struct {
		int ex;
		const char *name;
	} names[] = {
		{ EX_NOHOST, "EX_NOHOST" },     { EX_UNAVAILABLE, "EX_UNAVAILABLE" },
		{ EX_TEMPFAIL, "EX_TEMPFAIL" }, { EX_PROTOCOL, "EX_PROTOCOL" },
		{ EX_NOPERM, "EX_NOPERM" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].ex == ex)
			return names[i].name;
	return "";
}

int
cli_gen_codes(FILE *f, struct svc_err *err)
{
	(void)err;
	fputs(".SH CODES\n", f);
	for (const struct mail_code *c = mail_codes(); c->code; c++) {
		fprintf(f, ".TP\n.B #%d\n[exit %d, %s] ", c->code, c->ex, ex_name(c->ex));
		cli_gen_roff(f, c->meaning);
		fputs(".\n", f);
	}
	return 0;
}
