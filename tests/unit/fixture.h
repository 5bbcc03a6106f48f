/*
 * The fixture the module tests share: a real device store in a temporary
 * directory, and a scripted front end (struct action_io) that answers
 * questions from a list, confirms or refuses, and records every line and
 * list row an action produces.
 */
#ifndef SVC_TEST_FIXTURE_H
#define SVC_TEST_FIXTURE_H

#include "actions/action.h"
#include "config/config.h"

#define TFIX_SERIAL "TST00001"

struct tfix {
	char dir[64];
	char path[96]; /* DIR/device.db */
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
	struct strbuf rows;  /* tfix_row(): "id|label|value\n" each */
	struct action_io io;
};

/* cmocka set-up: a new store (serial TFIX_SERIAL) under /tmp/svc-TAG.*,
 * logged in at LOGIN with the factory credentials (LEVEL_USER: not). */
int tfix_setup(void **state, const char *tag, enum level login);
/* cmocka tear-down: closes the store and removes the directory. */
int tfix_teardown(void **state);
/* Opens the store again (after the test closed it) at LOGIN. */
int tfix_reopen(struct tfix *f, enum level login, struct svc_err *err);
/* Answers every credential question with the factory values of all doors. */
void tfix_asker(struct tfix *f);
/* An action_emit_fn that appends the row to f->rows. */
int tfix_row(void *arg, const struct action_row *row);
/* The number of files in DIR/SUB. */
long tfix_count_files(const struct tfix *f, const char *sub);

#endif
