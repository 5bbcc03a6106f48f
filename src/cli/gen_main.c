/*
 * svcmode-gen: writes the reference generated from the operation table at
 * build time (not installed).
 *   svcmode-gen completion TEMPLATE   the bash completion script: TEMPLATE
 *                                     with its "svcmode-gen: TABLE" line
 *                                     replaced by the table
 *   svcmode-gen man TEMPLATE          svcmode(1): TEMPLATE with its
 *                                     ".\" svcmode-gen: COMMANDS" line
 *                                     replaced
 *   svcmode-gen help                  what 'svcmode --help' prints
 *   svcmode-gen words                 every operation's CLI words
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Copies TEMPLATE to stdout with the line that holds MARKER replaced by
 * what GEN writes. */
static int
fill(const char *template, const char *marker, void (*gen)(FILE *))
{
	FILE *in = fopen(template, "r");
	char line[4096];

	if (in == NULL) {
		perror(template);
		return 1;
	}
	while (fgets(line, sizeof line, in)) {
		if (strstr(line, marker))
			gen(stdout);
		else
			fputs(line, stdout);
	}
	fclose(in);
	return ferror(stdout) ? 1 : 0;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "completion") == 0)
		return fill(argv[2], "svcmode-gen: TABLE", cli_gen_completion);
	else if (argc == 3 && strcmp(argv[1], "man") == 0)
		return fill(argv[2], "svcmode-gen: COMMANDS", cli_gen_man);
	else if (argc == 2 && strcmp(argv[1], "help") == 0)
		cli_help(stdout);
	else if (argc == 2 && strcmp(argv[1], "words") == 0)
		cli_gen_words(stdout);
	else {
		fputs("usage: svcmode-gen completion TEMPLATE | man TEMPLATE | help | words\n",
		      stderr);
		return 64;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
