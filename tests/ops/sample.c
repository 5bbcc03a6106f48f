/* Sample arguments: see sample.h. */
#include <stdio.h>
#include <string.h>

#include "sample.h"

static char store[OP_MAX_PARAMS][256];

/* The first of CHOICES ("rx|tx" gives "rx"). */
static void
first_choice(const char *choices, char *out, size_t cap)
{
	snprintf(out, cap, "%.*s", (int)strcspn(choices, "|"), choices);
}

void
op_sample(const struct op *op, const char *dir, const char *argv[OP_MAX_PARAMS])
{
	for (int i = 0; i < OP_MAX_PARAMS; i++)
		argv[i] = NULL;
	for (int i = 0; i < op_nparams(op); i++) {
		const struct op_param *p = &op->params[i];
		char *v = store[i];

		/* Optional options are left out; optional positionals are given,
		 * so that "set KEY VALUE" reaches the door. Except --no-load:
		 * 'mac apply' loads into the kernel by default, and the samples
		 * must not reach the host's network. */
		if ((p->flags & OP_OPT) && (p->flags & OP_DASH) && strcmp(p->name, "no-load") != 0)
			continue;
		switch (p->type) {
		case OP_P_WORD: first_choice(p->choices, v, sizeof store[i]); break;
		case OP_P_BOX: snprintf(v, sizeof store[i], "07"); break;
		case OP_P_KEY: snprintf(v, sizeof store[i], "system.manager.name"); break;
		case OP_P_FILE: snprintf(v, sizeof store[i], "%s/in.txt", dir); break;
		case OP_P_OUT: snprintf(v, sizeof store[i], "%s/out-%d.txt", dir, i); break;
		case OP_P_DIR: snprintf(v, sizeof store[i], "%s", dir); break;
		case OP_P_NUM: snprintf(v, sizeof store[i], "%ld", p->min); break;
		case OP_P_FLAG: v[0] = '\0'; break;
		case OP_P_TEXT: snprintf(v, sizeof store[i], "sample"); break;
		}
		argv[i] = v;
	}
}

static char bad_value[256];

bool
op_sample_bad(const struct op *op, const char *dir, int bad, const char *argv[OP_MAX_PARAMS])
{
	const struct op_param *p = &op->params[bad];

	op_sample(op, dir, argv);
	switch (p->type) {
	case OP_P_WORD: snprintf(bad_value, sizeof bad_value, "bogus"); break;
	case OP_P_BOX: snprintf(bad_value, sizeof bad_value, "1x"); break;
	case OP_P_KEY: snprintf(bad_value, sizeof bad_value, "no.such.key"); break;
	case OP_P_FILE: snprintf(bad_value, sizeof bad_value, "%s/missing.txt", dir); break;
	case OP_P_OUT: snprintf(bad_value, sizeof bad_value, "%s/no/such/folder/out", dir); break;
	case OP_P_DIR: snprintf(bad_value, sizeof bad_value, "%s/no-such-folder", dir); break;
	case OP_P_NUM: snprintf(bad_value, sizeof bad_value, "12x"); break;
	case OP_P_TEXT: snprintf(bad_value, sizeof bad_value, "bad\033[2Jtext"); break;
	case OP_P_FLAG: return false;
	}
	argv[bad] = bad_value;
	return true;
}

void
op_args_cli(const struct op *op, const char *const argv[OP_MAX_PARAMS], struct strbuf *out)
{
	for (int i = 0; i < op_nparams(op); i++) {
		const struct op_param *p = &op->params[i];

		if (argv[i] == NULL)
			continue;
		if (p->flags & OP_DASH)
			sb_addf(out, " --%s", p->name);
		if (p->type != OP_P_FLAG)
			sb_addf(out, " '%s'", argv[i]);
	}
}

void
op_sample_cli(const struct op *op, const char *dir, struct strbuf *out)
{
	const char *argv[OP_MAX_PARAMS];

	op_sample(op, dir, argv);
	op_args_cli(op, argv, out);
}
