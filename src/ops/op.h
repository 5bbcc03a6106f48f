/*
 * The operation table: every operation the device offers (run, report,
 * list, edit a setting) is declared here once, with its name, CLI words,
 * the doors that open it, its typed parameters, how it asks for
 * confirmation and what it outputs. The menus (screens/ names operations)
 * and the CLI are two renderings of the same table; usage, --help, bash
 * completion and the man page's command list are generated from it.
 *
 * An operation's run function never prints and never asks for
 * credentials: op_exec validates the arguments, then opens the declared
 * doors through device_require (the one access rule), then calls run,
 * which talks to the person only through struct op_fe (lines, rows,
 * questions, confirmations, progress). Errors follow util/err.h.
 */
#ifndef SVC_OP_H
#define SVC_OP_H

#include <stdbool.h>

#include "config/config.h"
#include "util/err.h"
#include "util/strbuf.h"

enum op_kind {
	OP_RUN,    /* changes or tests something; its lines are the result */
	OP_REPORT, /* read-only lines; --json: one object from its rows' fields */
	OP_LIST,   /* rows; choosing a row in the menus offers row_ops */
	OP_EDIT,   /* a setting: the menus' "setting KEY" items render it */
};

enum op_confirm {
	OP_CONFIRM_NONE,
	/* A typed word (op_confirm's EXPECT); --yes on the CLI. Without --yes
	 * and without a terminal the CLI refuses. */
	OP_CONFIRM_WORD,
	/* The device's serial number; --confirm SERIAL on the CLI. */
	OP_CONFIRM_SERIAL,
	/* Asked (y/n) when a person is at a terminal; --yes skips it;
	 * scripts without a terminal go on. */
	OP_CONFIRM_ASK,
};

enum op_ptype {
	OP_P_TEXT, /* free text: valid UTF-8 without control characters */
	OP_P_WORD, /* one of CHOICES ("rx|tx"), compared without case */
	OP_P_FILE, /* a file to read; "-" is stdin */
	OP_P_OUT,  /* a file to write; "-" is stdout; its folder must exist */
	OP_P_DIR,  /* an existing folder */
	OP_P_FLAG, /* an option without a value: "" when given */
	OP_P_BOX,  /* a User Inbox number 00-99 ("7" becomes "07") */
	OP_P_KEY,  /* a catalog key */
	OP_P_NUM,  /* a decimal integer in [MIN, MAX] */
};

/* Parameter flags. */
#define OP_OPT 0x01u   /* may be left out */
#define OP_DASH 0x02u  /* CLI: --NAME [VALUE]; else positional */
#define OP_MANY 0x04u  /* the last positional: this and every further word */
#define OP_ROWID 0x08u /* menus: the id of the list row the op was chosen on */
#define OP_FIXED 0x10u /* menus: the item's param= */
#define OP_NOASK 0x20u /* menus: not asked, the default applies (--limit) */
#define OP_SECRET                                                                                  \
	0x40u /* menus: asked with echo off (never a secret value: those                           \
		 are read by the run through op_ask) */
#define OP_STDIO                                                                                   \
	0x80u /* OP_P_FILE/OUT left out means stdin/stdout: the menus,                             \
		 which have neither, ask for a file (and refuse "-") */
#define OP_OVERRIDE                                                                                \
	0x100u /* an OP_P_FLAG that overrides a refusal (--force): the                             \
		  menus do not ask it up front; when the run is refused                            \
		  (EX_DATAERR) they show why and offer to run it again                             \
		  with the flag (PROMPT is the question) */

struct op_param {
	const char *name; /* "file", "iface": --iface on the CLI when OP_DASH */
	enum op_ptype type;
	unsigned flags;
	const char *choices; /* OP_P_WORD: "rx|tx"; OP_P_TEXT: a completion hint
				("@key": setting keys), or NULL */
	const char *prompt;  /* what the menus ask and --help describes */
	long min, max;       /* OP_P_NUM */
};

/* Operation flags. */
#define OP_NOSTORE 0x01u /* runs before a store exists (init-store): no menu */
#define OP_NOSTART 0x02u /* the store's start-up work is not run first */
/* The device's own long-running service (systemd starts and stops it):
 * no menu item runs it, the menus show its status (service.status). */
#define OP_SERVICE 0x04u

/* One row of a list, or one named value of a report. */
enum op_ftype { OP_F_STR, OP_F_INT, OP_F_BOOL, OP_F_NULL, OP_F_JSON };
struct op_field {
	const char *name;
	const char *value; /* OP_F_JSON: a JSON value; OP_F_BOOL: "true"/"false" */
	enum op_ftype type;
};
struct op_row {
	const char *id;                /* passed to row_ops; NULL: the row has none */
	const char *label;             /* menus: the left column */
	const char *value;             /* menus: the right column; may be NULL */
	const char *text;              /* the CLI's line; NULL: label and value */
	const struct op_field *fields; /* --json */
	int nfields;
};

struct op;

/* Fields gathered from a module's callback (name and JSON value each),
 * the values owned: for a report whose --json object the module writes. */
#define OP_FIELDSET_MAX 24
struct op_fieldset {
	struct op_field f[OP_FIELDSET_MAX];
	char *v[OP_FIELDSET_MAX];
	int n;
};
/* Adds NAME (a literal that outlives the set) with the JSON VALUE; beyond
 * OP_FIELDSET_MAX fields, the rest are dropped. ARG is the set. */
void op_fieldset_add(void *arg, const char *name, const char *json_value);

/* What a front end offers an operation while it runs. */
struct op_fe {
	/* A value from the person (HIDDEN: echo off; TWICE: asked twice
	 * and compared at a terminal). 0, or -1 with err (cancelled: EX_USAGE). */
	int (*ask)(void *fe, const char *prompt, bool hidden, bool twice, struct strbuf *out,
		   struct svc_err *err);
	/* The op's declared confirmation: 0 confirmed, -1 with err. */
	int (*confirm)(void *fe, const struct op *op, const char *question, const char *expect,
		       struct svc_err *err);
	void (*progress)(void *fe, const char *what, double fraction);
	void (*line)(void *fe, const char *text);
	int (*row)(void *fe, const struct op_row *row);
	/* A note beside the result ("imported 2 changed settings"): the CLI
	 * writes it to stderr, the menus with the lines. NULL: as a line. */
	void (*note)(void *fe, const char *text);
};

#define OP_MAX_PARAMS 16

struct op_ctx {
	struct device *dev; /* NULL for OP_NOSTORE operations */
	const struct op *op;
	const char *argv[OP_MAX_PARAMS]; /* by parameter index; NULL when absent */
	const struct op_fe *fe;
	void *fe_arg;
	bool json;        /* the CLI's --json: rows carry fields */
	bool verbose;     /* the CLI's -v */
	const char *db;   /* OP_NOSTORE: the store path to create */
	const char *many; /* OP_MANY: every value, each ended by a NUL */
	size_t many_len;
	char *canon[OP_MAX_PARAMS]; /* canonical forms op_exec made; op_ctx_release */
	struct strbuf in[4];        /* what prepare read; wiped by op_ctx_release */
};

struct op {
	const char *name;  /* "mac.add": screens/ and tests use it */
	const char *words; /* "mac add": the CLI words; "init --report" selects by option */
	const char *help;  /* one line: usage, the menus' '?', the man page */
	const char *more;  /* further text for --help and the man page; may be NULL */
	enum op_kind kind;
	unsigned doors; /* DOOR_*: any one of them opens it; 0: anyone */
	enum op_confirm confirm;
	unsigned flags;
	const struct op_param *params; /* ended by a NULL name; may be NULL */
	const char *row_ops;           /* OP_LIST: "tls.show,tls.use" */
	int (*run)(struct op_ctx *c, struct svc_err *err);
	/* Who may run it, in words, when doors_for decides (else the doors
	 * are named): help, the menus' '?', the man page. */
	const char *who;
	/* When the doors depend on the arguments (set KEY): returns them. */
	unsigned (*doors_for)(const struct op_ctx *c);
	/* Reads and checks what the run will need from the person (new PINs,
	 * passphrases) before any door is opened, so that refused input
	 * writes nothing, not even a login record. Values go to c->in[]. */
	int (*prepare)(struct op_ctx *c, struct svc_err *err);
};

/* --- the table --- */
const struct op *op_at(int i); /* 0, 1, ... until NULL */
const struct op *op_find(const char *name);
int op_count(void);
int op_nparams(const struct op *op);
/* The doors this call needs (doors_for, else doors). */
unsigned op_doors(const struct op_ctx *c);

/* --- running --- */
/* Checks every argument against its declaration (types, choices, files,
 * UTF-8), runs prepare, then opens the doors (device_require), then runs.
 * Nothing is written, not even a login record, when an argument is
 * refused. */
int op_exec(struct op_ctx *c, struct svc_err *err);
/* Frees what op_exec allocated in C. */
void op_ctx_release(struct op_ctx *c);
/* Only the argument checks of op_exec (the menus check as they ask). */
int op_check_arg(const struct op_ctx *c, int i, const char *value, struct strbuf *canon,
		 struct svc_err *err);

/* --- for run functions --- */
const char *op_arg(const struct op_ctx *c, const char *name); /* NULL if absent */
bool op_flag(const struct op_ctx *c, const char *name);
/* The values of the OP_MANY parameter in turn: PREV NULL gives the first;
 * NULL after the last. */
const char *op_many_next(const struct op_ctx *c, const char *prev);
int op_many_count(const struct op_ctx *c);
void op_line(struct op_ctx *c, const char *text);
void op_linef(struct op_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int op_emit(struct op_ctx *c, const struct op_row *row);
/* Emits the set as one row of fields (--json), then frees its values. */
int op_fieldset_emit(struct op_ctx *c, struct op_fieldset *fs);
void op_notef(struct op_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void op_progress(struct op_ctx *c, const char *what, double fraction);
int op_ask(struct op_ctx *c, const char *prompt, bool hidden, bool twice, struct strbuf *out,
	   struct svc_err *err);
/* The declared confirmation, with the run's question and word. */
int op_confirm(struct op_ctx *c, const char *question, const char *expect, struct svc_err *err);
/* The last line of a connection test, the same in every front end:
 * "result: OK", "result: OK (NOTE)" when a NOTE is given (what the person
 * must know about a success), or "result: error #806 (MEANING)" when CODE
 * is a device error code. Returns 0 if RC >= 0, else -1. */
int op_result(struct op_ctx *c, int rc, int code, const char *meaning, const char *note);

/* --- words and usage (CLI, completion, man page) --- */
/* "mac add rx|tx ADDRESS..." */
void op_usage(const struct op *op, struct strbuf *out);
/* The text of one door set: "System Manager", "service level 1 or the
 * System Manager", "anyone". */
void op_doors_text(unsigned doors, struct strbuf *out);

#endif
