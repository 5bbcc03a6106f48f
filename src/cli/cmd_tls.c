/* cert: SSL key pairs and CA certificates (src/tls/). */
#include <string.h>

#include "cli/cli.h"
#include "tls/tls.h"
#include "util/fsutil.h"
#include "util/json.h"

#define CERT_FILE_MAX ((size_t)1024 * 1024)

struct cert_sub {
	const char *name;
	const char *usage;
	int (*run)(struct cli *cli, int argc, char **argv, struct svc_err *err);
};

static const struct cert_sub *cert_find(const char *name);

static int
sub_usage(const char *sub, struct svc_err *err)
{
	const struct cert_sub *s = cert_find(sub);

	return svc_errf(err, EX_USAGE, "usage: svcmode cert %s %s", sub, s ? s->usage : "");
}

/* Parses a subcommand's options; returns the positional count or -1. */
static int
sub_parse(const char *sub, int argc, char **argv, const struct cli_opt *opts, int min, int max,
	  struct svc_err *err)
{
	char cmd[32];
	int n;

	snprintf(cmd, sizeof cmd, "cert %s", sub);
	n = cli_parse(cmd, argc, argv, opts, err);
	if (n < 0)
		return -1;
	if (n < min || n > max)
		return sub_usage(sub, err);
	return n;
}

/* Reads FILE for NAME, prefixing errors with the file name. */
static int
read_input(const char *path, struct strbuf *sb, struct svc_err *err)
{
	return fs_read(path, CERT_FILE_MAX, sb, err);
}

/* Names PATH in a module's complaint about the data ("the file is not..."). */
static int
with_file(int rc, const char *path, struct svc_err *err)
{
	char msg[sizeof err->msg];

	if (rc == 0 || err == NULL || err->code != EX_DATAERR)
		return rc;
	snprintf(msg, sizeof msg, "%s", err->msg);
	svc_errf(err, err->code, "'%s': %s; nothing changed", path, msg);
	return rc;
}

static int
cert_genkey(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct tls_genkey_opts o = { .progress = cli_progress, .progress_arg = cli };
	struct cli_opt opts[] = {
		{ "alg=", &o.alg },
		{ "digest=", &o.digest },
		{ "valid=", &o.validity },
		{ "not-before=", &o.not_before },
		{ "not-after=", &o.not_after },
		{ "cn=", &o.cn },
		{ "o=", &o.o },
		{ "ou=", &o.ou },
		{ "l=", &o.l },
		{ "st=", &o.st },
		{ "c=", &o.c },
		{ NULL, NULL },
	};
	struct tls_info in = { 0 };

	if (sub_parse("genkey", argc, argv, opts, 1, 1, err) < 0)
		return -1;
	if (tls_genkey(cli->dev, argv[0], &o, err) != 0 || tls_show(cli->dev, argv[0], &in, err))
		return -1;
	fprintf(cli->msg, "svcmode: generated key pair '%s' (%s), valid to %s\n", in.name,
		in.key_type, in.not_after);
	fprintf(cli->out, "%s\n", in.fingerprint);
	return 0;
}

static int
cert_csr(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *digest = NULL;
	struct cli_opt opts[] = { { "digest=", &digest }, { NULL, NULL } };
	struct strbuf pem = STRBUF_INIT;
	int n = sub_parse("csr", argc, argv, opts, 1, 2, err), rc;

	if (n < 0)
		return -1;
	rc = tls_csr(cli->dev, argv[0], digest, &pem, err);
	if (rc == 0)
		rc = fs_write_atomic(n == 2 ? argv[1] : "-", pem.buf, pem.len, 0644, err);
	sb_release(&pem);
	return rc;
}

static int
cert_install(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf data = STRBUF_INIT;
	struct tls_info in = { 0 };
	int rc;

	if (sub_parse("install", argc, argv, NULL, 2, 2, err) < 0)
		return -1;
	rc = read_input(argv[1], &data, err);
	if (rc == 0)
		rc = with_file(tls_install(cli->dev, argv[0], data.buf, data.len, err), argv[1],
			       err);
	if (rc == 0 && tls_show(cli->dev, argv[0], &in, err) == 0)
		fprintf(cli->msg,
			"svcmode: installed the certificate of '%s' issued by %s, valid to "
			"%s\n",
			argv[0], in.issuer, in.not_after);
	sb_release(&data);
	return rc;
}

static int
cert_import_p12(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf data = STRBUF_INIT, pw = STRBUF_INIT;
	int rc = -1;

	if (sub_parse("import-p12", argc, argv, NULL, 2, 2, err) < 0)
		return -1;
	if (strcmp(argv[1], "-") == 0)
		return svc_errf(err, EX_USAGE,
				"the PKCS#12 file must be a file: stdin carries the "
				"password");
	if (tls_name_check(argv[0], err) != 0 || read_input(argv[1], &data, err) != 0 ||
	    cli_read_secret("PKCS#12 password", false, &pw, err) != 0)
		goto out;
	rc = with_file(tls_import_p12(cli->dev, argv[0], data.buf, data.len, sb_str(&pw), err),
		       argv[1], err);
	if (rc == 0)
		fprintf(cli->msg, "svcmode: imported key pair '%s'\n", argv[0]);
out:
	sb_release(&pw);
	sb_release(&data);
	return rc;
}

static int
cert_export(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *der = NULL, *p12 = NULL;
	struct cli_opt opts[] = { { "der", &der }, { "p12", &p12 }, { NULL, NULL } };
	struct strbuf out = STRBUF_INIT, pw = STRBUF_INIT;
	int n = sub_parse("export", argc, argv, opts, 1, 2, err), rc = -1;
	const char *path = n == 2 ? argv[1] : "-";

	if (n < 0)
		return -1;
	if (der && p12)
		return svc_errf(err, EX_USAGE, "give --der or --p12, not both");
	if (p12) {
		if (strcmp(path, "-") == 0)
			return svc_errf(err, EX_USAGE, "--p12 needs an output FILE");
		if (cli_read_secret("export password", true, &pw, err) != 0)
			goto out;
		rc = tls_export_p12(cli->dev, argv[0], sb_str(&pw), &out, err);
	} else {
		rc = tls_export(cli->dev, argv[0], der != NULL, &out, err);
	}
	if (rc == 0)
		rc = fs_write_atomic(path, out.buf, out.len, p12 ? 0600 : 0644, err);
out:
	sb_release(&pw);
	sb_release(&out);
	return rc;
}

static const char *
flag_text(const struct tls_info *in)
{
	if (in->expired)
		return "EXPIRED";
	if (in->expiring)
		return "EXPIRES SOON";
	return "";
}

static void
date_only(const char *ts, char out[11])
{
	size_t n = strnlen(ts, 10);

	memcpy(out, ts, n);
	out[n] = '\0';
}

struct list_out {
	struct cli *cli;
	bool json;
	int n;
	struct strbuf j;
};

static void
json_info(struct strbuf *j, const struct tls_info *in, bool pair)
{
	if (pair) {
		sb_adds(j, "{\"name\": ");
		json_add_str(j, in->name);
		sb_adds(j, ", \"origin\": ");
		json_add_str(j, in->origin);
		sb_addf(j, ", \"in_use\": %s, \"chain\": %s, ", in->in_use ? "true" : "false",
			in->has_chain ? "true" : "false");
	} else {
		sb_adds(j, "{");
	}
	sb_adds(j, "\"subject\": ");
	json_add_str(j, in->subject);
	sb_adds(j, ", \"issuer\": ");
	json_add_str(j, in->issuer);
	sb_adds(j, ", \"san\": ");
	json_add_str(j, in->san);
	sb_adds(j, ", \"key\": ");
	json_add_str(j, in->key_type);
	sb_adds(j, ", \"not_before\": ");
	json_add_str(j, in->not_before);
	sb_adds(j, ", \"not_after\": ");
	json_add_str(j, in->not_after);
	sb_addf(j, ", \"days_left\": %d, \"expiring\": %s, \"expired\": %s, \"fingerprint\": ",
		in->days_left, in->expiring ? "true" : "false", in->expired ? "true" : "false");
	json_add_str(j, in->fingerprint);
	sb_adds(j, "}");
}

static int
list_pair(void *arg, const struct tls_info *in)
{
	struct list_out *lo = arg;
	char to[11];

	if (lo->json) {
		sb_adds(&lo->j, lo->n++ ? ",\n  " : "[\n  ");
		json_info(&lo->j, in, true);
		return 0;
	}
	if (lo->n++ == 0)
		fprintf(lo->cli->out, "  %-24s %-11s %-10s %-9s %s\n", "NAME", "KEY", "EXPIRES",
			"ORIGIN", "SUBJECT");
	date_only(in->not_after, to);
	fprintf(lo->cli->out, "%c %-24s %-11s %-10s %-9s %s%s%s\n", in->in_use ? '*' : ' ',
		in->name, in->key_type, to, in->origin, in->subject, *flag_text(in) ? "  " : "",
		flag_text(in));
	return 0;
}

static int
cert_list(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *json = NULL;
	struct cli_opt opts[] = { { "json", &json }, { NULL, NULL } };
	struct list_out lo = { cli, false, 0, STRBUF_INIT };
	int rc;

	if (sub_parse("list", argc, argv, opts, 0, 0, err) < 0)
		return -1;
	lo.json = json != NULL;
	rc = tls_list(cli->dev, list_pair, &lo, err) < 0 ? -1 : 0;
	if (rc == 0 && lo.json)
		fprintf(cli->out, "%s\n]\n", lo.n ? lo.j.buf : "[");
	else if (rc == 0 && lo.n)
		fputs("(* = in use for SSL)\n", cli->out);
	sb_release(&lo.j);
	return rc;
}

static void
print_info(FILE *f, const struct tls_info *in)
{
	if (*in->name)
		fprintf(f, "name:         %s%s\norigin:       %s\n", in->name,
			in->in_use ? " (in use for SSL)" : "", in->origin);
	fprintf(f,
		"subject:      %s\nissuer:       %s%s\nalt names:    %s\n"
		"valid from:   %s\nvalid to:     %s (%d days left)%s%s\n"
		"key:          %s\nsignature:    %s\nserial:       %s\nsha256:       %s\n",
		in->subject, in->issuer, in->self_signed ? " (self-signed)" : "",
		*in->san ? in->san : "(none)", in->not_before, in->not_after,
		in->days_left < 0 ? 0 : in->days_left, *flag_text(in) ? "  " : "", flag_text(in),
		in->key_type, in->signature, in->serial, in->fingerprint);
	if (*in->name)
		fprintf(f, "chain:        %s\n", in->has_chain ? "yes" : "no");
}

static int
cert_show(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (sub_parse("show", argc, argv, NULL, 1, 1, err) < 0 ||
	    tls_show(cli->dev, argv[0], &in, err) != 0)
		return -1;
	print_info(cli->out, &in);
	return 0;
}

static int
cert_use(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (sub_parse("use", argc, argv, NULL, 1, 1, err) < 0)
		return -1;
	return tls_use(cli->dev, argv[0], err);
}

static int
cert_delete(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (sub_parse("delete", argc, argv, NULL, 1, 1, err) < 0)
		return -1;
	return tls_delete(cli->dev, argv[0], err);
}

static int
cert_import_ca(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct strbuf data = STRBUF_INIT;
	struct tls_info in = { 0 };
	int rc;

	if (sub_parse("import-ca", argc, argv, NULL, 1, 1, err) < 0)
		return -1;
	rc = read_input(argv[0], &data, err);
	if (rc == 0)
		rc = with_file(tls_ca_import(cli->dev, data.buf, data.len, &in, err), argv[0], err);
	if (rc == 0) {
		fprintf(cli->msg, "svcmode: imported CA certificate %s\n", in.subject);
		fprintf(cli->out, "%s\n", in.fingerprint);
	}
	sb_release(&data);
	return rc;
}

static int
list_ca(void *arg, const struct tls_info *in)
{
	struct list_out *lo = arg;

	if (lo->json) {
		sb_adds(&lo->j, lo->n++ ? ",\n  " : "[\n  ");
		json_info(&lo->j, in, false);
		return 0;
	}
	if (lo->n++)
		fputc('\n', lo->cli->out);
	print_info(lo->cli->out, in);
	return 0;
}

static int
cert_list_ca(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const char *json = NULL;
	struct cli_opt opts[] = { { "json", &json }, { NULL, NULL } };
	struct list_out lo = { cli, false, 0, STRBUF_INIT };
	int rc;

	if (sub_parse("list-ca", argc, argv, opts, 0, 0, err) < 0)
		return -1;
	lo.json = json != NULL;
	rc = tls_ca_list(cli->dev, list_ca, &lo, err) < 0 ? -1 : 0;
	if (rc == 0 && lo.json)
		fprintf(cli->out, "%s\n]\n", lo.n ? lo.j.buf : "[");
	else if (rc == 0 && lo.n == 0)
		fprintf(cli->msg, "svcmode: no CA certificates\n");
	sb_release(&lo.j);
	return rc;
}

static int
cert_show_ca(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (sub_parse("show-ca", argc, argv, NULL, 1, 1, err) < 0 ||
	    tls_ca_show(cli->dev, argv[0], &in, err) != 0)
		return -1;
	print_info(cli->out, &in);
	return 0;
}

static int
cert_delete_ca(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	if (sub_parse("delete-ca", argc, argv, NULL, 1, 1, err) < 0)
		return -1;
	return tls_ca_delete(cli->dev, argv[0], err);
}

static const struct cert_sub cert_subs[] = {
	{ "genkey",
	  "NAME [--alg p256|p384|rsa2048|rsa3072|rsa4096] [--digest sha256|sha384|sha512] "
	  "[--valid 398d|5y|DAYS] [--not-before YYYY-MM-DD] [--not-after YYYY-MM-DD] [--cn CN] "
	  "[--o O] [--ou OU] [--l L] [--st ST] [--c CC]",
	  cert_genkey },
	{ "csr", "NAME [FILE] [--digest sha256|sha384|sha512]", cert_csr },
	{ "install", "NAME FILE", cert_install },
	{ "import-p12", "NAME FILE", cert_import_p12 },
	{ "export", "NAME [--der|--p12] [FILE]", cert_export },
	{ "list", "[--json]", cert_list },
	{ "show", "NAME", cert_show },
	{ "use", "NAME", cert_use },
	{ "delete", "NAME", cert_delete },
	{ "import-ca", "FILE", cert_import_ca },
	{ "list-ca", "[--json]", cert_list_ca },
	{ "show-ca", "FINGERPRINT", cert_show_ca },
	{ "delete-ca", "FINGERPRINT", cert_delete_ca },
};

static const struct cert_sub *
cert_find(const char *name)
{
	for (size_t i = 0; i < sizeof cert_subs / sizeof cert_subs[0]; i++)
		if (strcmp(cert_subs[i].name, name) == 0)
			return &cert_subs[i];
	return NULL;
}

static int
cmd_cert(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct cert_sub *s;

	if (argc < 2)
		return cli_usage("cert", err);
	if ((s = cert_find(argv[1])) == NULL)
		return svc_errf(err, EX_USAGE,
				"unknown cert command '%s' (see 'svcmode cert --help')", argv[1]);
	return s->run(cli, argc - 1, argv + 1, err);
}

static int
info_line(void *arg, const struct tls_info *in)
{
	struct cli *cli = arg;

	if (in->in_use)
		fprintf(cli->out, "ssl key pair:   %s (%s, valid to %s)\n", in->name, in->key_type,
			in->not_after);
	if (in->expired || in->expiring)
		fprintf(cli->out, "certificate:    %s%s%s %s %s\n", *in->name ? "key pair '" : "",
			*in->name ? in->name : in->subject, *in->name ? "'" : "",
			in->expired ? "EXPIRED on" : "EXPIRES SOON:", in->not_after);
	return 0;
}

static int
info_tls(struct cli *cli, struct svc_err *err)
{
	if (tls_list(cli->dev, info_line, cli, err) < 0 ||
	    tls_ca_list(cli->dev, info_line, cli, err) < 0)
		return -1;
	return 0;
}

static int
startup_tls(struct cli *cli, struct svc_err *err)
{
	return tls_provision(cli->dev, err);
}

const struct cli_cmd cli_cmds_tls[] = {
	{ "cert", "SUBCOMMAND ...", "SSL key pairs, certificates and CA certificates",
	  "  genkey NAME [options]     generate a key pair and a self-signed certificate\n"
	  "      --alg p256|p384|rsa2048|rsa3072|rsa4096   (default p256 = ECDSA P-256;\n"
	  "                            RSA 512 and 1024 are refused as breakable)\n"
	  "      --digest sha256|sha384|sha512             signature hash (default sha256)\n"
	  "      --valid 398d|5y|DAYS  validity period from the start (default 398d)\n"
	  "      --not-before DATE, --not-after DATE       explicit validity (YYYY-MM-DD, UTC)\n"
	  "      --cn CN (default: the host name), --o, --ou, --l, --st, --c (2 letters)\n"
	  "      The alt names are the CN, the host name and the IPv4 address.\n"
	  "  csr NAME [FILE]           write a signing request (PEM) for NAME's key\n"
	  "  install NAME FILE         install the CA-signed certificate (PEM with its\n"
	  "                            chain, or DER); refused unless it matches the key\n"
	  "  import-p12 NAME FILE      import a key pair from .p12/.pfx; the password is\n"
	  "                            read from stdin or asked at the terminal\n"
	  "  export NAME [--der] [FILE]  the certificate (PEM with chain, or DER)\n"
	  "  export NAME --p12 FILE    key and certificate as PKCS#12 under a new password\n"
	  "                            (stdin or asked twice); the only way a key leaves\n"
	  "  list [--json]             key pairs (* = in use for SSL; expiring flagged)\n"
	  "  show NAME                 subject, issuer, alt names, validity, key, SHA-256\n"
	  "  use NAME                  the key pair SSL uses\n"
	  "  delete NAME               delete a key pair (not the one in use, not the\n"
	  "                            factory 'Default Key')\n"
	  "  import-ca FILE            trust a CA certificate (PEM or DER, one per file)\n"
	  "  list-ca [--json]          CA certificates\n"
	  "  show-ca FINGERPRINT       one CA certificate\n"
	  "  delete-ca FINGERPRINT     the SHA-256 fingerprint or its first 8+ digits\n"
	  "\n"
	  "The device keeps 'Default Key' and up to 3 more key pairs, and up to 10 CA\n"
	  "certificates. Private keys are encrypted at rest under the device key.\n"
	  "Listing and showing need no credentials; changes need the System Manager.",
	  CLI_STORE, cmd_cert },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
const cli_info_fn cli_info_tls = info_tls;
const cli_startup_fn cli_startup_tls = startup_tls;
