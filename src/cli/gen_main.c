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
 *                                     replaced (the operation table)
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
	{ "settings", "svcmode-gen: SETTINGS", cli_gen_settings },
	{ "codes", "svcmode-gen: CODES", cli_gen_codes },
};

/* Copies TEMPLATE to stdout with the line that holds MARKER replaced by
 * what GEN writes. A template without the marker is an error: the page
 * would silently lack its table. */
static int
fill(const char *template, const char *marker, int (*gen)(FILE *, struct svc_err *))
{
	FILE *in = fopen(template, "r");
	struct svc_err err = { 0 };
	char line[4096];
	int found = 0;

	if (in == NULL) {
		perror(template);
		return 1;
	}
	while (fgets(line, sizeof line, in)) {
		if (strstr(line, marker) == NULL) {
			fputs(line, stdout);
		} else if (gen(stdout, &err) != 0) {
			fprintf(stderr, "svcmode-gen: %s\n", err.msg);
			fclose(in);
			return 1;
		} else {
			found++;
		}
	}
	fclose(in);
	if (found != 1) {
		fprintf(stderr, "svcmode-gen: %s: expected one line with '%s', found %d\n",
			template, marker, found);
		return 1;
	}
	return ferror(stdout) ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3)
		for (size_t i = 0; i < sizeof fills / sizeof fills[0]; i++)
			if (strcmp(argv[1], fills[i].what) == 0)
				return fill(argv[2], fills[i].marker, fills[i].gen);
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
