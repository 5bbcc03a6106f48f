/*
 * The fixture the module tests share: a real device store in a temporary
 * directory, and a scripted front end (struct op_fe) that answers
 * questions from a list, confirms or refuses, and records every line and
 * list row an operation produces.
 */
#ifndef SVC_TEST_FIXTURE_H
#define SVC_TEST_FIXTURE_H

#include "config/config.h"
#include "ops/op.h"

#define TFIX_SERIAL "TST00001"

struct tfix {
	char dir[64];
	char path[96]; /* DIR/device.db */
	char hist[96]; /* DIR/license-history: $SVCMODE_LICENSE_HISTORY */
	struct device *dev;
	enum level login; /* the level tfix_setup logged in at */

	/* the scripted person */
	const char *answers[8]; /* ask() returns these in turn; then cancels */
	int next;
	int confirm_rc;     /* what confirm() returns */
	int confirms;       /* how many times it was asked */
	char question[512]; /* the last confirmation asked, and its word */
	char expect[32];
	double progress;     /* the last fraction reported */
	struct strbuf lines; /* every line(), each ended by '\n' */
	struct strbuf rows;  /* every row: "id|label|value\n" each */
	struct op_fe fe;
	struct svc_err err; /* what the last tfix_op failed with */
};

/* cmocka set-up: a new store (serial TFIX_SERIAL) under /tmp/svc-TAG.*,
 * logged in at LOGIN with the factory credentials (LEVEL_USER: not). */
int tfix_setup(void **state, const char *tag, enum level login);
/* For programs that keep one store for their whole run (fuzz targets): a
 * store set up as tfix_setup does, removed at exit; aborts on failure. */
struct device *tfix_process_store(const char *tag, enum level login);
/* cmocka tear-down: closes the store and removes the directory. */
int tfix_teardown(void **state);
/* Opens the store again (after the test closed it) at LOGIN. */
int tfix_reopen(struct tfix *f, enum level login, struct svc_err *err);
/* Answers every credential question with the factory values of all doors. */
void tfix_asker(struct tfix *f);
/*
 * Runs operation NAME through op_exec (argument checks, the door check,
 * then the run) with the scripted front end. The arguments follow as
 * "param=value" strings (a flag: "param"), ended by NULL. Returns what
 * op_exec returns. Lines and rows are appended to f->lines and f->rows.
 */
int tfix_op(struct tfix *f, const char *name, ... /* "param=value", NULL */);
/* Like tfix_op, with err for the failure. */
int tfix_op_err(struct tfix *f, struct svc_err *err, const char *name,
		... /* "param=value", NULL */);
/* The number of files in DIR/SUB. */
long tfix_count_files(const struct tfix *f, const char *sub);

#endif
