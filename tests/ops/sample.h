/*
 * Sample arguments for any operation of the table: a value of the right
 * type for every required parameter, so that the door check, not the
 * argument check, decides. Shared by the level test (tests/ops) and the
 * table printer the CLI level test reads.
 */
#ifndef SVC_TEST_SAMPLE_H
#define SVC_TEST_SAMPLE_H

#include "ops/op.h"

/* DIR holds "in.txt" (a readable file) and is where outputs go. Fills
 * ARGV by parameter index; the strings live in static storage until the
 * next call. */
void op_sample(const struct op *op, const char *dir, const char *argv[OP_MAX_PARAMS]);
/* The same arguments as CLI words after the operation's words. */
void op_sample_cli(const struct op *op, const char *dir, struct strbuf *out);

#endif
