/*
 * svcmode-lms: the license server of the scheme in license/scheme.h, for
 * tests, demos and as its reference. It issues license keys, checks
 * license transfer numbers and moves licenses between devices, keeping
 * what it did in its own SQLite file. The vendor secret comes from a file,
 * never from the command line.
 */
#include <getopt.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "license/scheme.h"
#include "lms/lms_core.h"
#include "lms/lms_http.h"
#include "store/lms/lms_db.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/strbuf.h"
#include "util/text.h"

struct lms {
	const char *db_path;
	const char *secret_file;
	const char *serial, *option, *number, *from, *to, *out;
	const char *name; /* account add NAME */
	struct lms_serve_opts serve;
	int count;
	bool help, admin;
	struct lms_db *db;
	struct strbuf secret;
	struct lms_core core;
};

enum {
	O_SERIAL = 1,
	O_OPTION = 2,
	O_NUMBER = 4,
	O_FROM = 8,
	O_TO = 16,
	O_OUT = 32,
	O_LISTEN = 64,
	O_CERT = 128,
	O_KEY = 256,
	O_ADMIN = 512,
	O_COUNT = 1024,
	O_TUNE = 2048, /* serve's numbers: --rate, --threads, --timeout, ... */
};
#define NOPTS 12

struct lms_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	int needs;     /* options it requires */
	int allows;    /* options it takes */
	bool secret;   /* reads the vendor secret */
	bool db;       /* opens the database */
	bool name_arg; /* takes a NAME after the command */
	int (*run)(struct lms *l, struct svc_err *err);
};

/* --- helpers ----------------------------------------------------------- */

static int
check_serial(const char *s, struct svc_err *err)
{
	if (!text_is_serial(s))
		return svc_errf(err, EX_USAGE,
				"invalid serial number '%s': expected 3 capital "
				"letters and 5 digits, like ABC12345",
				s);
	return 0;
}

static int
load_secret(struct lms *l, struct svc_err *err)
{
	struct stat st;

	if (l->secret_file == NULL)
		return svc_errf(err, EX_USAGE,
				"the vendor secret is needed: --secret-file FILE "
				"(or SVCMODE_LMS_SECRET_FILE)");
	if (stat(l->secret_file, &st) == 0 && (st.st_mode & 077))
		return svc_errf(err, EX_NOPERM,
				"vendor secret file '%s' may be read by others "
				"(mode %04o): chmod 600 it",
				l->secret_file, (unsigned)(st.st_mode & 07777));
	if (fs_read(l->secret_file, 4096, &l->secret, err) != 0)
		return -1;
	if (l->secret.len && l->secret.buf[l->secret.len - 1] == '\n')
		l->secret.buf[--l->secret.len] = '\0';
	if (l->secret.len < 16)
		return svc_errf(err, EX_DATAERR,
				"vendor secret in '%s' is too short: at least 16 "
				"bytes",
				l->secret_file);
	return 0;
}

static void
print_key(const struct lms_grant *g)
{
	const struct lic_option *opt = lic_option_find(g->option);

	printf("%s\n", g->key);
	fprintf(stderr, "svcmode-lms: license %06lld: %s (%s) for %s\n", (long long)g->number,
		g->option, opt ? opt->description : "", g->serial);
}

/* --- commands ----------------------------------------------------------- */

static int
cmd_issue(struct lms *l, struct svc_err *err)
{
	struct lms_grant g;
	int rc = lms_issue(&l->core, l->serial, l->option, &g, err);

	if (rc < 0)
		return -1;
	if (rc == 1)
		fprintf(stderr,
			"svcmode-lms: %s already holds %s license %06lld (issued %s): the "
			"same key again\n",
			g.serial, g.option, (long long)g.number, g.issued);
	print_key(&g);
	return 0;
}

static int
cmd_verify(struct lms *l, struct svc_err *err)
{
	struct lms_grant g;

	if (lms_verify(&l->core, l->serial, l->option, l->number, &g, err) != 0)
		return -1;
	printf("valid: %s license %06lld on %s was invalidated for transfer (invalidation %u)\n",
	       g.option, (long long)g.from_license, g.from, g.counter);
	return 0;
}

static int
cmd_transfer(struct lms *l, struct svc_err *err)
{
	struct lms_grant g;

	if (check_serial(l->from, err) != 0 || check_serial(l->to, err) != 0 ||
	    lms_transfer(&l->core, l->from, l->to, l->option, l->number, &g, err) != 0)
		return -1;
	print_key(&g);
	fprintf(stderr, "svcmode-lms: %s license %06lld of %s moved to %s as license %06lld\n",
		g.option, (long long)g.from_license, g.from, g.serial, (long long)g.number);
	return 0;
}

static int
cmd_device_key(struct lms *l, struct svc_err *err)
{
	unsigned char dk[LIC_DEVKEY_LEN];
	char hex[2 * LIC_DEVKEY_LEN + 1];
	struct strbuf sb = STRBUF_INIT;
	int rc = -1;

	if (check_serial(l->serial, err) != 0 ||
	    lic_device_key(l->secret.buf, l->secret.len, l->serial, dk, err) != 0)
		return -1;
	hex_encode(dk, sizeof dk, hex);
	sb_addf(&sb, "%s %s\n", l->serial, hex);
	OPENSSL_cleanse(hex, sizeof hex);
	if (strcmp(l->out, "-") == 0)
		svc_errf(err, EX_USAGE, "the device key goes to a file, not stdout: --out FILE");
	else
		rc = fs_write_atomic(l->out, sb.buf, sb.len, 0600, err);
	OPENSSL_cleanse(dk, sizeof dk);
	sb_release(&sb);
	if (rc == 0)
		fprintf(stderr,
			"svcmode-lms: device key of %s written to '%s' (for svcmode "
			"init-store --device-key-file)\n",
			l->serial, l->out);
	return rc;
}

#if SVC_DEMO_KEY
/* Only in builds with the demo secret (the quick start, the tests): the
 * Debian package has neither the secret nor this command. */
static int
cmd_demo_secret(struct lms *l, struct svc_err *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	sb_addf(&sb, "%s\n", lic_demo_secret);
	rc = fs_write_atomic(l->out, sb.buf, sb.len, 0600, err);
	sb_release(&sb);
	if (rc == 0)
		fprintf(stderr,
			"svcmode-lms: wrote the published DEMO vendor secret to '%s': "
			"it protects nothing\n",
			l->out);
	return rc;
}
#endif

static int
print_license(void *arg, const struct lms_license *lic)
{
	(void)arg;
	printf("license %06lld  %-8s  %-5s  %-11s  %s\n", (long long)lic->number, lic->serial,
	       lic->option, lic->state, lic->issued);
	return 0;
}

static int
print_transfer(void *arg, const struct lms_transfer *t)
{
	(void)arg;
	printf("transfer %s  %-5s  %s -> %s  license %06lld -> %06lld  %s\n", t->number, t->option,
	       t->from, t->to, (long long)t->license, (long long)t->new_license, t->at);
	return 0;
}

static int
cmd_list(struct lms *l, struct svc_err *err)
{
	if (l->serial && check_serial(l->serial, err) != 0)
		return -1;
	if (lms_db_licenses(l->db, l->serial, NULL, print_license, NULL, err) != 0)
		return -1;
	return l->serial ? 0 : lms_db_transfers(l->db, print_transfer, NULL, err);
}

static int
cmd_options(struct lms *l, struct svc_err *err)
{
	const struct lic_option *o;

	(void)l;
	(void)err;
	for (int i = 0; (o = lic_option_at(i)) != NULL; i++)
		printf("%-5s  %2d  %-6s  %s\n", o->name, o->code, o->master ? o->master : "-",
		       o->description);
	return 0;
}

static int
cmd_serve(struct lms *l, struct svc_err *err)
{
	/* Each thread opens its own connection: this one was only a check. */
	lms_db_close(l->db);
	l->db = NULL;
	l->serve.db_path = l->db_path;
	l->serve.secret = l->secret.buf;
	l->serve.secret_len = l->secret.len;
	return lms_serve(&l->serve, err);
}

/* One line of stdin, without echo on a terminal. */
static int
read_password(struct strbuf *out, struct svc_err *err)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	int c;

	if (tty) {
		fputs("password: ", stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	while ((c = getchar()) != EOF && c != '\n' && out->len < 1024)
		sb_addc(out, (char)c);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (out->len && out->buf[out->len - 1] == '\r')
		out->buf[--out->len] = '\0';
	if (out->len == 0)
		return svc_errf(err, EX_USAGE,
				"no password on stdin (one line, 10 characters or more)");
	return 0;
}

static int
cmd_account_add(struct lms *l, struct svc_err *err)
{
	struct strbuf pw = STRBUF_INIT;
	const char *role = l->admin ? "admin" : "engineer";
	int rc;

	rc = read_password(&pw, err);
	if (rc == 0)
		rc = lms_account_add(&l->core, l->name, role, pw.buf, err);
	sb_release(&pw);
	if (rc == 0)
		fprintf(stderr, "svcmode-lms: account '%s' (%s) added\n", l->name, role);
	return rc;
}

static void
print_lan(void *arg, const char *lan)
{
	(void)arg;
	printf("%s\n", lan);
}

static int
cmd_lan_create(struct lms *l, struct svc_err *err)
{
	if (lms_lan_create(&l->core, l->option, l->count, print_lan, NULL, err) != 0)
		return -1;
	fprintf(stderr, "svcmode-lms: %d license access number(s) for %s\n", l->count, l->option);
	return 0;
}

static const struct lms_cmd cmds[] = {
	{ "issue", "--serial S --option O", "issue a license key for a device (prints it)",
	  O_SERIAL | O_OPTION, O_SERIAL | O_OPTION, true, true, false, cmd_issue },
	{ "verify-transfer", "--serial S --option O --number N",
	  "check a license transfer number shown by device S", O_SERIAL | O_OPTION | O_NUMBER,
	  O_SERIAL | O_OPTION | O_NUMBER, true, true, false, cmd_verify },
	{ "transfer", "--from S1 --to S2 --option O --number N",
	  "move a license: check S1's transfer number, record it, print S2's key",
	  O_FROM | O_TO | O_OPTION | O_NUMBER, O_FROM | O_TO | O_OPTION | O_NUMBER, true, true,
	  false, cmd_transfer },
	{ "device-key", "--serial S --out FILE",
	  "write device S's license key file for init-store --device-key-file", O_SERIAL | O_OUT,
	  O_SERIAL | O_OUT, true, false, false, cmd_device_key },
	{ "list", "[--serial S]", "licenses issued and transfers recorded", 0, O_SERIAL, false,
	  true, false, cmd_list },
	{ "options", "", "the options table (name, code, master, description)", 0, 0, false, false,
	  false, cmd_options },
#if SVC_DEMO_KEY
	{ "demo-secret", "--out FILE", "write the published demo vendor secret (demos only)", O_OUT,
	  O_OUT, false, false, false, cmd_demo_secret },
#endif
	{ "serve", "--listen HOST:PORT [--tls-cert FILE --tls-key FILE] [--rate N] ...",
	  "serve the HTTPS API and web pages until SIGTERM (docs/lms.md)", O_LISTEN,
	  O_LISTEN | O_CERT | O_KEY | O_TUNE, true, true, false, cmd_serve },
	{ "account add", "NAME [--admin]",
	  "add an engineer (or admin) account; its password is read from stdin", 0, O_ADMIN, false,
	  true, true, cmd_account_add },
	{ "lan create", "--option O [--count N]",
	  "make License Access Numbers for option O (printed once, one a line)", O_OPTION,
	  O_OPTION | O_COUNT, false, true, false, cmd_lan_create },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

static void
usage(FILE *f)
{
	fputs("usage: svcmode-lms [--db FILE|URI] [--secret-file FILE] COMMAND [OPTIONS]\n\n"
	      "The license server (LMS) of svcmode's license scheme.\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-15s %s\n  %-15s %s\n", cmds[i].name, cmds[i].usage, "",
			cmds[i].summary);
	fputs("\n  --db FILE|URI       the LMS database (or SVCMODE_LMS_DB): a SQLite file, "
	      "created\n"
	      "                      if missing, or postgresql://USER@HOST:PORT/DB (password\n"
	      "                      from PGPASSWORD or PGPASSFILE, not the URI)\n"
	      "  --secret-file FILE  the vendor secret (or SVCMODE_LMS_SECRET_FILE), mode 0600;\n"
	      "                      never on the command line\n"
	      "\nexit codes: 0 ok, 64 usage, 65 refused (mistyped, used, not verifying),\n"
	      "66 no input, 69 database server unreachable, 73 cannot create, 74 I/O, 75 busy,\n"
	      "77 secret file not private\n",
	      f);
}

static const char *const opt_names[NOPTS] = {
	"serial", "option",   "number",  "from",  "to",    "out",
	"listen", "tls-cert", "tls-key", "admin", "count", "rate",
};

/* A whole number for option NAME in [MIN, MAX]. */
static int
num_opt(const char *text, const char *name, long min, long max, long *out, struct svc_err *err)
{
	char *end = NULL;

	*out = strtol(text, &end, 10);
	if (end == text || *end || *out < min || *out > max)
		return svc_errf(err, EX_USAGE, "invalid --%s '%s': a number from %ld to %ld", name,
				text, min, max);
	return 0;
}

static const struct option longopts[] = {
	{ "db", required_argument, NULL, 'd' },
	{ "secret-file", required_argument, NULL, 'k' },
	{ "serial", required_argument, NULL, 's' },
	{ "option", required_argument, NULL, 'o' },
	{ "number", required_argument, NULL, 'n' },
	{ "from", required_argument, NULL, 'f' },
	{ "to", required_argument, NULL, 't' },
	{ "out", required_argument, NULL, 'O' },
	{ "listen", required_argument, NULL, 'L' },
	{ "tls-cert", required_argument, NULL, 'C' },
	{ "tls-key", required_argument, NULL, 'K' },
	{ "admin", no_argument, NULL, 'A' },
	{ "count", required_argument, NULL, 'N' },
	{ "rate", required_argument, NULL, 'R' },
	{ "max-failures", required_argument, NULL, 'F' },
	{ "max-signin-failures", required_argument, NULL, 'S' },
	{ "token-ttl", required_argument, NULL, 'T' },
	{ "threads", required_argument, NULL, 'P' },
	{ "timeout", required_argument, NULL, 'W' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The numeric options of serve (O_TUNE) and lan create. */
static int
num_option(struct lms *l, int c, const char *name, struct svc_err *err)
{
	long v = 0;
	int rc = 0;

	switch (c) {
	case 'N': rc = num_opt(optarg, name, 1, 1000, &v, err), l->count = (int)v; break;
	case 'R': rc = num_opt(optarg, name, 0, 1000000, &v, err), l->serve.rate = (int)v; break;
	case 'F':
		rc = num_opt(optarg, name, 0, 1000000, &v, err), l->serve.max_failures = (int)v;
		break;
	case 'S':
		rc = num_opt(optarg, name, 0, 1000000, &v, err), l->serve.max_signin = (int)v;
		break;
	case 'T': rc = num_opt(optarg, name, 1, 86400 * 30, &v, err), l->serve.token_ttl = v; break;
	case 'P': rc = num_opt(optarg, name, 1, 64, &v, err), l->serve.threads = (int)v; break;
	case 'W': rc = num_opt(optarg, name, 1, 3600, &v, err), l->serve.timeout = (int)v; break;
	default: break;
	}
	return rc;
}

static int
parse_opts(struct lms *l, int argc, char **argv, int *given, struct svc_err *err)
{
	int c, idx = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, &idx)) != -1) {
		switch (c) {
		case 'd': l->db_path = optarg; break;
		case 'k': l->secret_file = optarg; break;
		case 's': l->serial = optarg, *given |= O_SERIAL; break;
		case 'o': l->option = optarg, *given |= O_OPTION; break;
		case 'n': l->number = optarg, *given |= O_NUMBER; break;
		case 'f': l->from = optarg, *given |= O_FROM; break;
		case 't': l->to = optarg, *given |= O_TO; break;
		case 'O': l->out = optarg, *given |= O_OUT; break;
		case 'L': l->serve.listen = optarg, *given |= O_LISTEN; break;
		case 'C': l->serve.tls_cert = optarg, *given |= O_CERT; break;
		case 'K': l->serve.tls_key = optarg, *given |= O_KEY; break;
		case 'A': l->admin = true, *given |= O_ADMIN; break;
		case 'h': l->help = true; break;
		case ':':
			return svc_errf(err, EX_USAGE, "option '%s' needs a value",
					argv[optind - 1]);
		case 'N':
		case 'R':
		case 'F':
		case 'S':
		case 'T':
		case 'P':
		case 'W':
			*given |= c == 'N' ? O_COUNT : O_TUNE;
			if (num_option(l, c, longopts[idx].name, err) != 0)
				return -1;
			break;
		default:
			return svc_errf(err, EX_USAGE,
					"unknown option '%s' (see 'svcmode-lms "
					"--help')",
					argv[optind - 1]);
		}
	}
	return 0;
}

/* The command at ARGV[*i] (one word, or two: "account add"); *i moves past it. */
static const struct lms_cmd *
find_cmd(int argc, char **argv, int *i)
{
	for (size_t k = 0; k < NCMDS; k++) {
		const char *name = cmds[k].name, *sp = strchr(name, ' ');

		if (sp == NULL && strcmp(argv[*i], name) == 0) {
			*i += 1;
			return &cmds[k];
		}
		if (sp && *i + 1 < argc && strncmp(argv[*i], name, (size_t)(sp - name)) == 0 &&
		    argv[*i][sp - name] == '\0' && strcmp(argv[*i + 1], sp + 1) == 0) {
			*i += 2;
			return &cmds[k];
		}
	}
	return NULL;
}

static int
check_args(struct lms *l, const struct lms_cmd *cmd, int argc, char **argv, int i, int given,
	   struct svc_err *err)
{
	if (cmd->name_arg) {
		if (i >= argc)
			return svc_errf(err, EX_USAGE, "%s needs a NAME: %s %s", cmd->name,
					cmd->name, cmd->usage);
		l->name = argv[i++];
	}
	if (i < argc)
		return svc_errf(err, EX_USAGE,
				"unexpected argument '%s' (a secret never goes on "
				"the command line: --secret-file)",
				argv[i]);
	for (int k = 0; k < NOPTS; k++) {
		if ((given & ~cmd->allows) & (1 << k))
			return svc_errf(err, EX_USAGE, "%s takes no --%s: %s %s", cmd->name,
					opt_names[k], cmd->name, cmd->usage);
		if ((cmd->needs & ~given) & (1 << k))
			return svc_errf(err, EX_USAGE, "%s needs --%s: %s %s", cmd->name,
					opt_names[k], cmd->name, cmd->usage);
	}
	return 0;
}

static int
run(struct lms *l, int argc, char **argv, struct svc_err *err)
{
	const struct lms_cmd *cmd;
	int given = 0, i;

	if (parse_opts(l, argc, argv, &given, err) != 0)
		return -1;
	if (optind >= argc) {
		if (l->help) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return svc_errf(err, EX_USAGE, "no command given");
	}
	i = optind;
	cmd = find_cmd(argc, argv, &i);
	if (cmd == NULL)
		return svc_errf(err, EX_USAGE, "unknown command '%s' (see 'svcmode-lms --help')",
				argv[optind]);
	if (l->help) {
		printf("usage: svcmode-lms [--db FILE] [--secret-file FILE] %s %s\n\n%s\n",
		       cmd->name, cmd->usage, cmd->summary);
		return 0;
	}
	if (check_args(l, cmd, argc, argv, i, given, err) != 0)
		return -1;
	if (cmd->secret && load_secret(l, err) != 0)
		return -1;
	if (cmd->db) {
		if (l->db_path == NULL)
			return svc_errf(err, EX_USAGE,
					"no LMS database: --db FILE (or "
					"SVCMODE_LMS_DB)");
		if (lms_db_open(l->db_path, &l->db, err) != 0)
			return -1;
	}
	l->core.db = l->db;
	l->core.secret = l->secret.buf;
	l->core.secret_len = l->secret.len;
	return cmd->run(l, err);
}

int
main(int argc, char **argv)
{
	struct lms l = { .secret = STRBUF_INIT, .count = 1 };
	struct svc_err err = { 0 };
	int rc;

	l.serve = (struct lms_serve_opts){ .rate = 50,
					   .max_failures = 10,
					   .max_signin = 5,
					   .token_ttl = 8 * 3600,
					   .threads = 4,
					   .timeout = 30 };
	l.db_path = getenv("SVCMODE_LMS_DB");
	l.secret_file = getenv("SVCMODE_LMS_SECRET_FILE");
	rc = run(&l, argc, argv, &err);
	lms_db_close(l.db);
	sb_release(&l.secret);
	if (fflush(stdout) != 0 && rc == 0) {
		svc_errf(&err, EX_IOERR, "cannot write output");
		rc = -1;
	}
	if (rc == 0)
		return 0;
	if (err.code == 0)
		svc_errf(&err, EX_SOFTWARE, "failed without a message");
	fprintf(stderr, "svcmode-lms: %s\n", err.msg);
	return err.code;
}
