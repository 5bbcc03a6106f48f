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

#include "license/scheme.h"
#include "lms/lms_db.h"
#include "util/fsutil.h"
#include "util/hex.h"
#include "util/strbuf.h"

struct lms {
	const char *db_path;
	const char *secret_file;
	const char *serial, *option, *number, *from, *to, *out;
	bool help;
	struct lms_db *db;
	struct strbuf secret;
};

enum { O_SERIAL = 1, O_OPTION = 2, O_NUMBER = 4, O_FROM = 8, O_TO = 16, O_OUT = 32 };

struct lms_cmd {
	const char *name;
	const char *usage;
	const char *summary;
	int needs;   /* options it requires */
	int allows;  /* options it takes */
	bool secret; /* reads the vendor secret */
	bool db;     /* opens the database */
	int (*run)(struct lms *l, struct svc_err *err);
};

/* --- helpers ----------------------------------------------------------- */

static bool
valid_serial(const char *s)
{
	if (s == NULL || strlen(s) != 8)
		return false;
	for (int i = 0; i < 8; i++)
		if (i < 3 ? (s[i] < 'A' || s[i] > 'Z') : (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static int
check_serial(const char *s, struct svc_err *err)
{
	if (!valid_serial(s))
		return svc_errf(err, EX_USAGE,
				"invalid serial number '%s': expected 3 capital "
				"letters and 5 digits, like ABC12345",
				s);
	return 0;
}

static const struct lic_option *
find_option(const char *name, struct svc_err *err)
{
	const struct lic_option *o = lic_option_find(name);

	if (o == NULL)
		svc_errf(err, EX_USAGE, "unknown option '%s' (see 'svcmode-lms options')", name);
	return o;
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

static int
device_key(struct lms *l, const char *serial, unsigned char dk[LIC_DEVKEY_LEN], struct svc_err *err)
{
	return lic_device_key(l->secret.buf, l->secret.len, serial, dk, err);
}

static int
make_key(struct lms *l, const char *serial, const struct lic_option *opt, int64_t number,
	 char key[LIC_TEXT], struct svc_err *err)
{
	unsigned char dk[LIC_DEVKEY_LEN];
	int rc;

	rc = device_key(l, serial, dk, err);
	if (rc == 0)
		rc = lic_key_issue(dk, serial, (unsigned)opt->code, (uint32_t)number, key, err);
	OPENSSL_cleanse(dk, sizeof dk);
	return rc;
}

static void
print_key(const char *serial, const struct lic_option *opt, int64_t number, const char *key)
{
	printf("%s\n", key);
	fprintf(stderr, "svcmode-lms: license %06lld: %s (%s) for %s\n", (long long)number,
		opt->name, opt->description, serial);
}

/* --- verifying a transfer number -------------------------------------- */

struct candidates {
	struct lms_license live;
	struct lms_license last;
	int n, nlive;
};

static int
collect(void *arg, const struct lms_license *lic)
{
	struct candidates *c = arg;

	c->n++;
	c->last = *lic;
	if (strcmp(lic->state, "issued") == 0) {
		c->live = *lic;
		c->nlive++;
	}
	return 0;
}

/* Finds the license of SERIAL/OPT that NUMBER ends: *lic, *counter and the
 * number in its normal form. */
static int
verify(struct lms *l, const char *serial, const struct lic_option *opt, const char *number,
       struct lms_license *lic, unsigned *counter, char norm[LIC_TEXT], struct svc_err *err)
{
	struct candidates c = { 0 };
	struct lms_transfer t;
	unsigned char dk[LIC_DEVKEY_LEN];
	uint64_t mac;
	bool ok = false;
	size_t n = 0;
	int used, rc;

	memset(lic, 0, sizeof *lic);
	if (lic_transfer_parse(number, counter, &mac, err) != 0)
		return -1;
	for (const char *s = number; *s; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (n && n % 5 == 4)
			norm[n++] = '-';
		norm[n++] = *s;
	}
	norm[n] = '\0';
	used = lms_db_transfer_get(l->db, norm, &t, err);
	if (used < 0)
		return -1;
	if (used)
		return svc_errf(err, EX_DATAERR,
				"transfer number %s was already used on %s: "
				"%s moved from %s to %s (license %06lld)",
				norm, t.at, t.option, t.from, t.to, (long long)t.new_license);
	if (lms_db_licenses(l->db, serial, opt->name, collect, &c, err) != 0)
		return -1;
	if (c.n == 0)
		return svc_errf(err, EX_DATAERR,
				"%s never had %s: this LMS issued no %s license "
				"for it",
				serial, opt->name, opt->name);
	if (c.nlive == 0)
		return svc_errf(err, EX_DATAERR,
				"%s has no %s license left to transfer: license "
				"%06lld was moved already",
				serial, opt->name, (long long)c.last.number);
	rc = device_key(l, serial, dk, err);
	if (rc == 0)
		rc = lic_transfer_verify(dk, serial, (unsigned)opt->code, (uint32_t)c.live.number,
					 number, &ok, err);
	OPENSSL_cleanse(dk, sizeof dk);
	if (rc != 0)
		return -1;
	if (!ok)
		return svc_errf(err, EX_DATAERR,
				"transfer number %s does not verify for %s "
				"license %06lld on %s: from another device or "
				"option?",
				norm, opt->name, (long long)c.live.number, serial);
	*lic = c.live;
	return 0;
}

/* --- commands ----------------------------------------------------------- */

static int
cmd_issue(struct lms *l, struct svc_err *err)
{
	const struct lic_option *opt = find_option(l->option, err);
	struct lms_license live;
	char key[LIC_TEXT];
	int64_t number = 0;
	int have;

	if (opt == NULL || check_serial(l->serial, err) != 0 || lms_db_begin(l->db, err) != 0)
		return -1;
	have = lms_db_live(l->db, l->serial, opt->name, &live, err);
	if (have < 0)
		goto fail;
	if (have) {
		number = live.number;
		fprintf(stderr,
			"svcmode-lms: %s already holds %s license %06lld (issued %s): the "
			"same key again\n",
			l->serial, opt->name, (long long)number, live.issued);
	} else if (lms_db_license_add(l->db, l->serial, opt->name, &number, err) != 0) {
		goto fail;
	}
	if (number > (int64_t)LIC_NUMBER_MAX) {
		svc_errf(err, EX_UNAVAILABLE, "all %u license numbers are used", LIC_NUMBER_MAX);
		goto fail;
	}
	/* The key is made before the commit: no number is recorded without it. */
	if (make_key(l, l->serial, opt, number, key, err) != 0 || lms_db_commit(l->db, err) != 0)
		goto fail;
	print_key(l->serial, opt, number, key);
	return 0;
fail:
	lms_db_rollback(l->db);
	return -1;
}

static int
cmd_verify(struct lms *l, struct svc_err *err)
{
	const struct lic_option *opt = find_option(l->option, err);
	struct lms_license lic;
	char norm[LIC_TEXT];
	unsigned counter;

	if (opt == NULL || check_serial(l->serial, err) != 0 ||
	    verify(l, l->serial, opt, l->number, &lic, &counter, norm, err) != 0)
		return -1;
	printf("valid: %s license %06lld on %s was invalidated for transfer (invalidation %u)\n",
	       opt->name, (long long)lic.number, l->serial, counter);
	return 0;
}

static int
cmd_transfer(struct lms *l, struct svc_err *err)
{
	const struct lic_option *opt = find_option(l->option, err);
	struct lms_transfer t = { 0 };
	struct lms_license lic, live;
	char norm[LIC_TEXT], key[LIC_TEXT];
	unsigned counter;
	int have;

	if (opt == NULL || check_serial(l->from, err) != 0 || check_serial(l->to, err) != 0)
		return -1;
	if (strcmp(l->from, l->to) == 0)
		return svc_errf(err, EX_USAGE, "--from and --to are both %s", l->from);
	if (lms_db_begin(l->db, err) != 0)
		return -1;
	if (verify(l, l->from, opt, l->number, &lic, &counter, norm, err) != 0)
		goto fail;
	have = lms_db_live(l->db, l->to, opt->name, &live, err);
	if (have < 0)
		goto fail;
	if (have) {
		svc_errf(err, EX_DATAERR, "%s already holds %s license %06lld: nothing moved",
			 l->to, opt->name, (long long)live.number);
		goto fail;
	}
	strlcpy_(t.number, norm, sizeof t.number);
	strlcpy_(t.from, l->from, sizeof t.from);
	strlcpy_(t.to, l->to, sizeof t.to);
	strlcpy_(t.option, opt->name, sizeof t.option);
	t.counter = counter;
	t.license = lic.number;
	if (lms_db_license_end(l->db, lic.number, err) != 0 ||
	    lms_db_license_add(l->db, l->to, opt->name, &t.new_license, err) != 0 ||
	    lms_db_transfer_add(l->db, &t, err) != 0)
		goto fail;
	if (t.new_license > (int64_t)LIC_NUMBER_MAX) {
		svc_errf(err, EX_UNAVAILABLE, "all %u license numbers are used", LIC_NUMBER_MAX);
		goto fail;
	}
	if (make_key(l, l->to, opt, t.new_license, key, err) != 0 || lms_db_commit(l->db, err) != 0)
		goto fail;
	print_key(l->to, opt, t.new_license, key);
	fprintf(stderr, "svcmode-lms: %s license %06lld of %s moved to %s as license %06lld\n",
		opt->name, (long long)lic.number, l->from, l->to, (long long)t.new_license);
	return 0;
fail:
	lms_db_rollback(l->db);
	return -1;
}

static int
cmd_device_key(struct lms *l, struct svc_err *err)
{
	unsigned char dk[LIC_DEVKEY_LEN];
	char hex[2 * LIC_DEVKEY_LEN + 1];
	struct strbuf sb = STRBUF_INIT;
	int rc = -1;

	if (check_serial(l->serial, err) != 0 || device_key(l, l->serial, dk, err) != 0)
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

static const struct lms_cmd cmds[] = {
	{ "issue", "--serial S --option O", "issue a license key for a device (prints it)",
	  O_SERIAL | O_OPTION, O_SERIAL | O_OPTION, true, true, cmd_issue },
	{ "verify-transfer", "--serial S --option O --number N",
	  "check a license transfer number shown by device S", O_SERIAL | O_OPTION | O_NUMBER,
	  O_SERIAL | O_OPTION | O_NUMBER, true, true, cmd_verify },
	{ "transfer", "--from S1 --to S2 --option O --number N",
	  "move a license: check S1's transfer number, record it, print S2's key",
	  O_FROM | O_TO | O_OPTION | O_NUMBER, O_FROM | O_TO | O_OPTION | O_NUMBER, true, true,
	  cmd_transfer },
	{ "device-key", "--serial S --out FILE",
	  "write device S's license key file for init-store --device-key-file", O_SERIAL | O_OUT,
	  O_SERIAL | O_OUT, true, false, cmd_device_key },
	{ "list", "[--serial S]", "licenses issued and transfers recorded", 0, O_SERIAL, false,
	  true, cmd_list },
	{ "options", "", "the options table (name, code, master, description)", 0, 0, false, false,
	  cmd_options },
	{ "demo-secret", "--out FILE", "write the published demo vendor secret (demos only)", O_OUT,
	  O_OUT, false, false, cmd_demo_secret },
};
#define NCMDS (sizeof cmds / sizeof cmds[0])

static void
usage(FILE *f)
{
	fputs("usage: svcmode-lms [--db FILE] [--secret-file FILE] COMMAND [OPTIONS]\n\n"
	      "The license server (LMS) of svcmode's license scheme.\n\ncommands:\n",
	      f);
	for (size_t i = 0; i < NCMDS; i++)
		fprintf(f, "  %-15s %s\n  %-15s %s\n", cmds[i].name, cmds[i].usage, "",
			cmds[i].summary);
	fputs("\n  --db FILE           the LMS database (or SVCMODE_LMS_DB); created if missing\n"
	      "  --secret-file FILE  the vendor secret (or SVCMODE_LMS_SECRET_FILE), mode 0600;\n"
	      "                      never on the command line\n"
	      "\nexit codes: 0 ok, 64 usage, 65 refused (mistyped, used, not verifying),\n"
	      "66 no input, 73 cannot create, 74 I/O, 75 busy, 77 secret file not private\n",
	      f);
}

static const char *const opt_names[] = { "serial", "option", "number", "from", "to", "out" };

static int
run(struct lms *l, int argc, char **argv, struct svc_err *err)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "secret-file", required_argument, NULL, 'k' },
		{ "serial", required_argument, NULL, 's' },
		{ "option", required_argument, NULL, 'o' },
		{ "number", required_argument, NULL, 'n' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "out", required_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct lms_cmd *cmd = NULL;
	int c, given = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': l->db_path = optarg; break;
		case 'k': l->secret_file = optarg; break;
		case 's': l->serial = optarg, given |= O_SERIAL; break;
		case 'o': l->option = optarg, given |= O_OPTION; break;
		case 'n': l->number = optarg, given |= O_NUMBER; break;
		case 'f': l->from = optarg, given |= O_FROM; break;
		case 't': l->to = optarg, given |= O_TO; break;
		case 'O': l->out = optarg, given |= O_OUT; break;
		case 'h': l->help = true; break;
		case ':':
			return svc_errf(err, EX_USAGE, "option '%s' needs a value",
					argv[optind - 1]);
		default:
			return svc_errf(err, EX_USAGE,
					"unknown option '%s' (see 'svcmode-lms "
					"--help')",
					argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		if (l->help) {
			usage(stdout);
			return 0;
		}
		usage(stderr);
		return svc_errf(err, EX_USAGE, "no command given");
	}
	for (size_t i = 0; i < NCMDS; i++)
		if (strcmp(argv[optind], cmds[i].name) == 0)
			cmd = &cmds[i];
	if (cmd == NULL)
		return svc_errf(err, EX_USAGE, "unknown command '%s' (see 'svcmode-lms --help')",
				argv[optind]);
	if (l->help) {
		printf("usage: svcmode-lms [--db FILE] [--secret-file FILE] %s %s\n\n%s\n",
		       cmd->name, cmd->usage, cmd->summary);
		return 0;
	}
	if (optind + 1 < argc)
		return svc_errf(err, EX_USAGE,
				"unexpected argument '%s' (a secret never goes on "
				"the command line: --secret-file)",
				argv[optind + 1]);
	for (int i = 0; i < 6; i++) {
		if ((given & ~cmd->allows) & (1 << i))
			return svc_errf(err, EX_USAGE, "%s takes no --%s: %s %s", cmd->name,
					opt_names[i], cmd->name, cmd->usage);
		if ((cmd->needs & ~given) & (1 << i))
			return svc_errf(err, EX_USAGE, "%s needs --%s: %s %s", cmd->name,
					opt_names[i], cmd->name, cmd->usage);
	}
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
	return cmd->run(l, err);
}

int
main(int argc, char **argv)
{
	struct lms l = { .secret = STRBUF_INIT };
	struct svc_err err = { 0 };
	int rc;

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
