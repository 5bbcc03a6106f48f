/*
 * The scriptable CLI: one rendering of the operation table (src/ops/).
 * It finds the operation that the words name, parses its declared
 * parameters, opens the store and runs it through op_exec; output goes to
 * stdout (text or --json), progress and notes to stderr, and a failure
 * becomes a message on stderr and a sysexits(3) exit status.
 */
#ifndef SVC_CLI_H
#define SVC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"
#include "ops/op.h"
#include "util/err.h"

int cli_main(int argc, char **argv);

/* --- generated reference (svcmode-gen, tests) --- */
/* svcmode --help: every operation's usage and summary, grouped. */
void cli_help(FILE *f);
/* svcmode WORDS --help for one operation. */
void cli_op_help(FILE *f, const struct op *op);
/* Every operation's CLI words, one per line. */
void cli_gen_words(FILE *f);
/* The bash completion script. */
void cli_gen_completion(FILE *f);
/* The COMMANDS section of svcmode(1), in roff. */
void cli_gen_man(FILE *f);
/* S as roff text: a backslash and a leading dot or quote are escaped;
 * '-' is \-. */
void cli_gen_roff(FILE *f, const char *s);
/* The SETTINGS section of svcmode-settings(7), from the catalog and the
 * menu tree: 0, or -1 with err. */
int cli_gen_settings(FILE *f, struct svc_err *err);
/* The Ith exit status of 'svcmode --help' and its MEANING, or -1 past
 * the last. */
int cli_exit_code_at(size_t i, const char **meaning);
/* The entries of svcmode(1)'s EXIT STATUS, from that table. */
int cli_gen_exit_status(FILE *f, struct svc_err *err);
/* The CODES section of svcmode-codes(7), from the mail client's table. */
int cli_gen_codes(FILE *f, struct svc_err *err);

/* --- the CLI's front end (cli_util.c) --- */
/*
 * Reads a secret: from the terminal with echo off (asked twice when
 * TWICE), or one line from stdin when it is not a terminal. Never from
 * argv. The caller wipes OUT.
 */
int cli_read_secret(const char *prompt, bool twice, struct strbuf *out, struct svc_err *err);
/* The credential asker the CLI gives the device: environment, then a prompt. */
int cli_ask_creds(void *arg, unsigned doors, struct device_creds *out, struct svc_err *err);
/* A line typed at the terminal (echo on), for confirmations. */
int cli_read_tty(const char *prompt, struct strbuf *out, struct svc_err *err);

#endif
