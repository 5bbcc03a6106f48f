/*
 * op-table DIR DB: one line per operation of the table, for the CLI level
 * test: "NAME<TAB>WORDS<TAB>DOORS<TAB>SAMPLE ARGUMENTS" (DOORS in decimal,
 * for the sample arguments, read against the store DB).
 */
#include <stdio.h>
#include <stdlib.h>

#include "sample.h"

int
main(int argc, char **argv)
{
	struct svc_err err = { 0 };
	struct device *dev = NULL;
	const struct op *o;

	if (argc != 3 || device_open(argv[2], true, NULL, &dev, &err) != 0) {
		fprintf(stderr, "usage: op-table DIR DB (%s)\n", err.msg);
		return 64;
	}
	for (int i = 0; (o = op_at(i)) != NULL; i++) {
		struct op_ctx c = { .dev = dev, .op = o };
		struct strbuf args = STRBUF_INIT;

		if (o->flags & OP_NOSTORE)
			continue;
		op_sample(o, argv[1], c.argv);
		op_sample_cli(o, argv[1], &args);
		printf("%s\t%s\t%u\t%s\n", o->name, o->words, op_doors(&c), sb_str(&args));
		sb_release(&args);
	}
	device_close(dev);
	return 0;
}
