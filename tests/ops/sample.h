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
/* Like op_sample, with parameter BAD given a value its type refuses (a
 * missing file, a folder that does not exist, "1x" for an inbox, an
 * unknown choice or key, text with a control character). Returns false
 * when the parameter has no refusable value (a flag). */
bool op_sample_bad(const struct op *op, const char *dir, int bad, const char *argv[OP_MAX_PARAMS]);
/* ARGV as CLI words. */
void op_args_cli(const struct op *op, const char *const argv[OP_MAX_PARAMS], struct strbuf *out);

#endif
