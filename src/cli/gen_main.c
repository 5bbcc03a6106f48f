/*
 * svcmode-gen: writes the reference generated from the program's tables
 * at build time (not installed, not a user command). It links the same
 * libraries as svcmode, so each page is made from the very table the
 * program runs on, not from a second reading of the source.
 *   svcmode-gen completion TEMPLATE   the bash completion script: TEMPLATE
 *                                     with its "svcmode-gen: TABLE" line
 *                                     replaced by the table
 *   svcmode-gen man TEMPLATE          svcmode(1): TEMPLATE with its
 *                                     ".\" svcmode-gen: COMMANDS" line
 *                                     replaced (the operation table) and
 *                                     its "EXIT STATUS" line (the CLI's
 *                                     exit status table)
 *   svcmode-gen settings TEMPLATE     svcmode-settings(7): the line
 *                                     ".\" svcmode-gen: SETTINGS" replaced
 *                                     (the catalog and the menu tree)
 *   svcmode-gen codes TEMPLATE        svcmode-codes(7): the line
 *                                     ".\" svcmode-gen: CODES" replaced
 *                                     (the device error codes)
 *   svcmode-gen help                  what 'svcmode --help' prints
 *   svcmode-gen words                 every operation's CLI words
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static int
completion(FILE *f, struct svc_err *err)
{
	(void)err;
	cli_gen_completion(f);
	return 0;
}

static int
commands(FILE *f, struct svc_err *err)
{
	(void)err;
	cli_gen_man(f);
	return 0;
}

static const struct {
	const char *what, *marker;
	int (*gen)(FILE *f, struct svc_err *err);
} fills[] = {
	{ "completion", "svcmode-gen: TABLE", completion },
	{ "man", "svcmode-gen: COMMANDS", commands },
	{ "man", "svcmode-gen: EXIT STATUS", cli_gen_exit_status },
	{ "settings", "svcmode-gen: SETTINGS", cli_gen_settings },
	{ "codes", "svcmode-gen: CODES", cli_gen_codes },
};

/* Copies TEMPLATE to stdout with each line that holds the marker of an
 * entry of fills[] for WHAT replaced by what its generator writes. Each
 * marker must be there once: a page without it would silently lack its
 * table. */
static int
fill(const char *what, const char *template)
{
	enum { MAXF = sizeof fills / sizeof fills[0] };
	FILE *in = fopen(template, "r");
	struct svc_err err = { 0 };
	int found[MAXF] = { 0 }, rc = 0;
	char line[4096];

	if (in == NULL) {
		perror(template);
		return 1;
	}
	while (rc == 0 && fgets(line, sizeof line, in)) {
		size_t k = 0;
		while (k < MAXF &&
		       (strcmp(fills[k].what, what) != 0 || strstr(line, fills[k].marker) == NULL))
			k++;
		if (k == MAXF) {
			fputs(line, stdout);
		} else if (fills[k].gen(stdout, &err) != 0) {
			fprintf(stderr, "svcmode-gen: %s\n", err.msg);
			rc = 1;
		} else {
			found[k]++;
		}
	}
	fclose(in);
	for (size_t k = 0; rc == 0 && k < MAXF; k++)
		if (strcmp(fills[k].what, what) == 0 && found[k] != 1) {
			fprintf(stderr, "svcmode-gen: %s: expected one line with '%s', found %d\n",
				template, fills[k].marker, found[k]);
			rc = 1;
		}
	return rc != 0 || ferror(stdout) ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3)
		for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++)
			if (strcmp(argv[1], fills[i].what) == 0)
				return fill(argv[1], argv[2]);
	if (argc == 2 && strcmp(argv[1], "help") == 0)
		cli_help(stdout);
	else if (argc == 2 && strcmp(argv[1], "words") == 0)
		cli_gen_words(stdout);
	else {
		fputs("usage: svcmode-gen completion|man|settings|codes TEMPLATE | help | words\n",
		      stderr);
		return 64;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
