/*
 * The scriptable CLI: a table of commands. Each command gets the parsed
 * global options and its own arguments, returns 0 or -1 with err filled;
 * cli_main prints the error and turns its code into the exit status.
 */
#ifndef SVC_CLI_H
#define SVC_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "config/config.h"
#include "util/err.h"

struct cli {
	const char *db_path; /* --db, or NULL */
	const char *actor;
	bool verbose;
	struct device *dev; /* opened before a command with CLI_STORE runs */
	FILE *out;          /* stdout */
	FILE *msg;          /* stderr: progress and notes */
};

enum {
	CLI_STORE = 1,   /* opens (and if need be creates) the store first */
	CLI_NOSTORE = 0, /* runs without a store (--version, init-store) */
};

struct cli_cmd {
	const char *name;    /* "get"; for groups the group word: "cert" */
	const char *usage;   /* "KEY" */
	const char *summary; /* one line for svcmode --help */
	const char *help;    /* the rest of svcmode COMMAND --help; may be NULL */
	int flags;
	int (*run)(struct cli *cli, int argc, char **argv, struct svc_err *err);
};

/* The tables, one per module, each ended by an entry with name NULL. */
extern const struct cli_cmd cli_cmds_core[];
extern const struct cli_cmd cli_cmds_settings[];
extern const struct cli_cmd cli_cmds_license[];
extern const struct cli_cmd cli_cmds_tls[];
extern const struct cli_cmd cli_cmds_mac[];
extern const struct cli_cmd cli_cmds_mailbox[];
extern const struct cli_cmd cli_cmds_backup[];
extern const struct cli_cmd cli_cmds_wipe[];
extern const struct cli_cmd cli_cmds_mail[];

/* Called after the store is opened, before any command: features that
 * must finish interrupted work first (Initialize All Data/Settings) or run
 * at start (Auto Erase). Each returns 0 or -1 with err. */
typedef int (*cli_startup_fn)(struct cli *cli, struct svc_err *err);
extern const cli_startup_fn cli_startup_wipe;    /* finishes an interrupted init */
extern const cli_startup_fn cli_startup_tls;     /* factory default key pair */
extern const cli_startup_fn cli_startup_mailbox; /* Auto Erase */

/* Extra lines for 'svcmode info' (certificate expiry, library versions). */
typedef int (*cli_info_fn)(struct cli *cli, struct svc_err *err);
extern const cli_info_fn cli_info_tls;
extern const cli_info_fn cli_info_mail;

int cli_main(int argc, char **argv);

/* --- helpers for commands --- */
/* Parses ARGV for a command: flags listed in OPTS ("json", "limit=" takes a
 * value). Unknown options are EX_USAGE. Positional arguments are moved to
 * the front; returns their count or -1. */
struct cli_opt {
	const char *name;   /* without dashes; ends with '=' when it takes a value */
	const char **value; /* set to the value, or to "" for a flag */
};
int cli_parse(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
	      struct svc_err *err);
/* Parses the value of --limit (1-1000000). */
int cli_limit(const char *text, long *out, struct svc_err *err);
/* EX_USAGE with the command's usage line. */
int cli_usage(const char *cmd, struct svc_err *err);

/*
 * Reads a secret: from the terminal with echo off (asked twice when
 * CONFIRM), or one line from stdin when it is not a terminal. Never from
 * argv. The caller wipes OUT.
 */
int cli_read_secret(const char *prompt, bool confirm, struct strbuf *out, struct svc_err *err);
/* The credential asker the CLI gives the device: environment, then a prompt. */
int cli_ask_creds(void *arg, enum level need, struct device_creds *out, struct svc_err *err);
/* Progress on stderr for long operations (percent, done, total). */
void cli_progress(void *arg, const char *what, double fraction);

#endif
