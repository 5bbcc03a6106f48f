/*
 * op-table DIR DB [bad]: one line per operation of the table, for the CLI
 * tests: "NAME<TAB>WORDS<TAB>DOORS<TAB>SAMPLE ARGUMENTS" (DOORS in
 * decimal, for the sample arguments, read against the store DB). With
 * "bad": one line per parameter that can be refused, its value refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sample.h"

int
main(int argc, char **argv)
{
	struct svc_err err = { 0 };
	struct device *dev = NULL;
	const struct op *o;

	bool bad = argc == 4 && strcmp(argv[3], "bad") == 0;

	if ((argc != 3 && !bad) || device_open(argv[2], true, NULL, &dev, &err) != 0) {
		fprintf(stderr, "usage: op-table DIR DB (%s)\n", err.msg);
		return 64;
	}
	for (int i = 0; (o = op_at(i)) != NULL; i++) {
		struct op_ctx c = { .dev = dev, .op = o };
		struct strbuf args = STRBUF_INIT;

		if (o->flags & (OP_NOSTORE | OP_SERVICE))
			continue;
		op_sample(o, argv[1], c.argv);
		if (!bad) {
			op_sample_cli(o, argv[1], &args);
			printf("%s\t%s\t%u\t%s\n", o->name, o->words, op_doors(&c), sb_str(&args));
		}
		for (int k = 0; bad && k < op_nparams(o); k++) {
			const char *a[OP_MAX_PARAMS];
			if (!op_sample_bad(o, argv[1], k, a))
				continue;
			sb_reset(&args);
			op_args_cli(o, a, &args);
			printf("%s\t%s\t%s\t%s\n", o->name, o->words, o->params[k].name,
			       sb_str(&args));
		}
		sb_release(&args);
	}
	device_close(dev);
	return 0;
}
