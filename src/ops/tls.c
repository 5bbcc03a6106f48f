/* Operations on SSL key pairs (Network Settings > SSL Settings); 'svcmode
 * cert ...'. The CA certificates are in tls_ca.c, what both show of a
 * certificate in tls_view.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/op.h"
#include "ops/tls_view.h"
#include "tls/tls.h"
#include "util/fsutil.h"

/* No file, or "-": the output is the result itself. */
static bool
to_result(const char *path)
{
	return path == NULL || strcmp(path, "-") == 0;
}

/* Text (a PEM) as the result's lines: on the CLI, the same bytes on stdout. */
static void
text_lines(struct op_ctx *c, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t n = strcspn(p, "\n");
		char *line = xmalloc(n + 1);

		memcpy(line, p, n);
		line[n] = '\0';
		op_line(c, line);
		free(line);
		p += n + (p[n] == '\n');
	}
}

/* --- list, show ----------------------------------------------------------------- */

static int
run_list(struct op_ctx *c, struct svc_err *err)
{
	struct cert_infos l = { 0 };
	struct strbuf text = STRBUF_INIT;
	int rc = tls_list(c->dev, cert_collect, &l, err) < 0 ? -1 : 0;

	for (int i = 0; i < l.n && rc == 0; i++) {
		const struct tls_info *in = &l.v[i];
		struct op_field f[VIEW_FIELDS];
		char label[64], value[32];
		struct cert_view v;

		cert_view_fill(in, &v);
		sb_reset(&text);
		if (i == 0)
			sb_addf(&text, "  %-24s %-11s %-10s %-9s %s\n", "NAME", "KEY", "EXPIRES",
				"ORIGIN", "SUBJECT");
		sb_addf(&text, "%c %-24s %-11s %-10.10s %-9s %s%s%s", in->in_use ? '*' : ' ',
			in->name, in->key_type, in->not_after, in->origin, in->subject,
			*cert_flag_text(in) ? "  " : "", cert_flag_text(in));
		if (i == l.n - 1)
			sb_adds(&text, "\n(* = in use for SSL)");
		/* The menus lead with the id: the label starts with the name. */
		snprintf(label, sizeof label, "%.24s (%.16s%s)", in->name, in->key_type,
			 in->in_use ? ", in use" : "");
		cert_expiry_value(in, value, sizeof value);
		struct op_row row = { .id = in->name,
				      .label = label,
				      .value = value,
				      .text = text.buf,
				      .fields = f,
				      .nfields = cert_list_fields(&v, f) };
		rc = op_emit(c, &row);
	}
	sb_release(&text);
	free(l.v);
	return rc;
}

static int
run_show(struct op_ctx *c, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (tls_show(c->dev, op_arg(c, "name"), &in, err) != 0)
		return -1;
	return cert_emit_view(c, &in);
}

/* --- generating and importing key pairs -------------------------------------- */

static void
genkey_progress(void *arg, const char *what, double fraction)
{
	op_progress(arg, what, fraction);
}

/* An option left empty (a menu question not answered) is not given. */
static const char *
opt(const struct op_ctx *c, const char *name)
{
	const char *v = op_arg(c, name);

	return v && *v ? v : NULL;
}

static void
genkey_opts(struct op_ctx *c, struct tls_genkey_opts *o)
{
	*o = (struct tls_genkey_opts){
		.alg = opt(c, "alg"),
		.digest = opt(c, "digest"),
		.validity = opt(c, "valid"),
		.not_before = opt(c, "not-before"),
		.not_after = opt(c, "not-after"),
		.cn = opt(c, "cn"),
		.o = opt(c, "o"),
		.ou = opt(c, "ou"),
		.l = opt(c, "l"),
		.st = opt(c, "st"),
		.c = opt(c, "c"),
		.progress = genkey_progress,
		.progress_arg = c,
	};
}

/* Every option is checked before any credential is asked for. */
static int
prepare_genkey(struct op_ctx *c, struct svc_err *err)
{
	struct tls_genkey_opts o;

	genkey_opts(c, &o);
	return tls_genkey_check(c->dev, op_arg(c, "name"), &o, err);
}

static int
run_genkey(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name");
	struct tls_genkey_opts o;
	struct tls_info in = { 0 };

	genkey_opts(c, &o);
	if (tls_genkey(c->dev, name, &o, err) != 0 || tls_show(c->dev, name, &in, err) != 0)
		return -1;
	op_notef(c, "generated key pair '%s' (%s), valid to %s", in.name, in.key_type,
		 in.not_after);
	op_line(c, in.fingerprint);
	return 0;
}

/* The name, the file and the password, before any credential. */
static int
prepare_import_p12(struct op_ctx *c, struct svc_err *err)
{
	const char *file = op_arg(c, "file");

	if (strcmp(file, "-") == 0)
		return svc_errf(err, EX_USAGE,
				"the PKCS#12 file must be a file: stdin carries the password");
	if (tls_room_check(c->dev, op_arg(c, "name"), err) != 0 ||
	    fs_read(file, CERT_FILE_MAX, &c->in[IN_FILE], err) != 0 ||
	    op_ask(c, "PKCS#12 password", true, false, &c->in[IN_SECRET], err) != 0)
		return -1;
	return cert_with_file(tls_import_p12_check(c->dev, op_arg(c, "name"), c->in[IN_FILE].buf,
						   c->in[IN_FILE].len, sb_str(&c->in[IN_SECRET]),
						   err),
			      file, err);
}

static int
run_import_p12(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name");

	if (cert_with_file(tls_import_p12(c->dev, name, c->in[IN_FILE].buf, c->in[IN_FILE].len,
					  sb_str(&c->in[IN_SECRET]), err),
			   op_arg(c, "file"), err) != 0)
		return -1;
	op_notef(c, "imported key pair '%s'", name);
	return 0;
}

/* --- CSR, install, export ------------------------------------------------------ */

static int
run_csr(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name"), *file = op_arg(c, "file");
	struct strbuf pem = STRBUF_INIT;
	int rc = tls_csr(c->dev, name, opt(c, "digest"), &pem, err);

	if (rc == 0 && to_result(file)) {
		text_lines(c, pem.buf);
	} else if (rc == 0 && (rc = fs_write_atomic(file, pem.buf, pem.len, 0644, err)) == 0) {
		op_notef(c,
			 "wrote the signing request for '%s' to %s; have it signed by the CA, "
			 "then install the certificate",
			 name, file);
	}
	sb_release(&pem);
	return rc;
}

/* The file is read and checked against the key before any credential. */
static int
prepare_install(struct op_ctx *c, struct svc_err *err)
{
	const char *file = op_arg(c, "file");
	struct strbuf *data = &c->in[IN_FILE];

	if (fs_read(file, CERT_FILE_MAX, data, err) != 0)
		return -1;
	return cert_with_file(
		tls_install_check(c->dev, op_arg(c, "name"), data->buf, data->len, err), file, err);
}

static int
run_install(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name"), *file = op_arg(c, "file");
	struct tls_info in = { 0 };

	if (cert_with_file(tls_install(c->dev, name, c->in[IN_FILE].buf, c->in[IN_FILE].len, err),
			   file, err) != 0)
		return -1;
	if (tls_show(c->dev, name, &in, err) == 0)
		op_notef(c, "installed the certificate of '%s' issued by %s, valid to %s", name,
			 in.issuer, in.not_after);
	return 0;
}

enum fmt { FMT_PEM, FMT_DER, FMT_P12 };

/* --format, or the older --der / --p12. */
static int
export_format(const struct op_ctx *c, enum fmt *out, struct svc_err *err)
{
	const char *f = opt(c, "format");
	bool der = op_flag(c, "der"), p12 = op_flag(c, "p12");

	*out = FMT_PEM;
	if (der && p12)
		return svc_errf(err, EX_USAGE, "give --der or --p12, not both");
	*out = der ? FMT_DER : p12 ? FMT_P12 : FMT_PEM;
	if (f == NULL)
		return 0;
	enum fmt given = strcmp(f, "der") == 0   ? FMT_DER
			 : strcmp(f, "p12") == 0 ? FMT_P12
						 : FMT_PEM;
	if ((der || p12) && given != *out)
		return svc_errf(err, EX_USAGE, "give --format %s or --%s, not both", f,
				der ? "der" : "p12");
	*out = given;
	return 0;
}

/* The private key leaves only as PKCS#12, and that needs the System Manager. */
static unsigned
export_doors(const struct op_ctx *c)
{
	enum fmt f;

	return export_format(c, &f, NULL) == 0 && f != FMT_P12 ? 0 : DOOR_MANAGER;
}

/* The format, the pair and the new password, before any credential. */
static int
prepare_export(struct op_ctx *c, struct svc_err *err)
{
	struct tls_info in = { 0 };
	enum fmt f;

	if (export_format(c, &f, err) != 0 || tls_show(c->dev, op_arg(c, "name"), &in, err) != 0)
		return -1;
	if (f != FMT_P12)
		return 0;
	if (to_result(op_arg(c, "file")))
		return svc_errf(err, EX_USAGE, "--p12 needs an output FILE");
	if (op_ask(c, "export password", true, true, &c->in[IN_SECRET], err) != 0)
		return -1;
	return tls_export_password_check(sb_str(&c->in[IN_SECRET]), err);
}

static int
run_export(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name"), *file = op_arg(c, "file");
	struct strbuf out = STRBUF_INIT;
	enum fmt f;
	int rc = -1;

	if (export_format(c, &f, err) != 0)
		return -1;
	if (f == FMT_P12)
		rc = tls_export_p12(c->dev, name, sb_str(&c->in[IN_SECRET]), &out, err);
	else
		rc = tls_export(c->dev, name, f == FMT_DER, &out, err);
	if (rc != 0)
		goto out;
	/* PEM is text, the result's lines; DER goes to stdout as it is (the
	 * menus always ask for a file). */
	if (to_result(file) && f == FMT_PEM) {
		text_lines(c, out.buf);
	} else if ((rc = fs_write_atomic(to_result(file) ? "-" : file, out.buf, out.len,
					 f == FMT_P12 ? 0600 : 0644, err)) == 0 &&
		   !to_result(file)) {
		op_notef(c, "wrote %s of '%s' to %s",
			 f == FMT_P12 ? "the key pair (PKCS#12)" : "the certificate", name, file);
	}
out:
	sb_release(&out);
	return rc;
}

/* --- use, delete ---------------------------------------------------------------- */

static int
run_use(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name");

	if (tls_use(c->dev, name, err) != 0)
		return -1;
	op_notef(c, "SSL now uses key pair '%s'", name);
	return 0;
}

static int
prepare_delete(struct op_ctx *c, struct svc_err *err)
{
	return tls_delete_check(c->dev, op_arg(c, "name"), err);
}

static int
run_delete(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name");
	struct tls_info in = { 0 };
	char q[160];

	if (tls_show(c->dev, name, &in, err) != 0)
		return -1;
	snprintf(q, sizeof q, "Delete key pair '%s' (%s, valid to %.10s)?", name, in.key_type,
		 in.not_after);
	if (op_confirm(c, q, name, err) != 0 || tls_delete(c->dev, name, err) != 0)
		return -1;
	op_notef(c, "deleted key pair '%s'", name);
	return 0;
}

/* --- the table ---------------------------------------------------------------------- */

static const struct op_param p_pair[] = {
	{ "name", OP_P_TEXT, OP_ROWID, NULL, "the key pair's name", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct op_param p_genkey[] = {
	{ "name", OP_P_TEXT, 0, NULL,
	  "name of the new key pair (1-24 letters, digits, '.', '_', '-', inner spaces)", 0, 0 },
	{ "alg", OP_P_TEXT, OP_OPT | OP_DASH, NULL,
	  "algorithm: p256 (the default), p384, rsa2048, rsa3072 or rsa4096", 0, 0 },
	{ "digest", OP_P_TEXT, OP_OPT | OP_DASH, NULL,
	  "signature hash: sha256 (the default), sha384 or sha512", 0, 0 },
	{ "valid", OP_P_TEXT, OP_OPT | OP_DASH, NULL,
	  "validity: 398d (the default), 5y, or a number of days", 0, 0 },
	{ "not-before", OP_P_TEXT, OP_OPT | OP_DASH | OP_NOASK, NULL,
	  "start of the validity, YYYY-MM-DD (UTC; default: now)", 0, 0 },
	{ "not-after", OP_P_TEXT, OP_OPT | OP_DASH | OP_NOASK, NULL,
	  "end of the validity, YYYY-MM-DD (instead of --valid; at most 30 years)", 0, 0 },
	{ "cn", OP_P_TEXT, OP_OPT | OP_DASH, NULL, "common name (default: the host name)", 0, 0 },
	{ "o", OP_P_TEXT, OP_OPT | OP_DASH, NULL, "organization", 0, 0 },
	{ "ou", OP_P_TEXT, OP_OPT | OP_DASH, NULL, "organizational unit", 0, 0 },
	{ "l", OP_P_TEXT, OP_OPT | OP_DASH, NULL, "locality", 0, 0 },
	{ "st", OP_P_TEXT, OP_OPT | OP_DASH, NULL, "state or province", 0, 0 },
	{ "c", OP_P_TEXT, OP_OPT | OP_DASH, NULL, "country (two capital letters)", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct op_param p_csr[] = {
	{ "name", OP_P_TEXT, OP_ROWID, NULL, "the key pair's name", 0, 0 },
	{ "file", OP_P_OUT, OP_OPT | OP_STDIO, NULL,
	  "file to write the signing request to (PEM; none or -: standard output)", 0, 0 },
	{ "digest", OP_P_TEXT, OP_OPT | OP_DASH | OP_NOASK, NULL,
	  "signature hash: sha256 (the default), sha384 or sha512", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct op_param p_install[] = {
	{ "name", OP_P_TEXT, OP_ROWID, NULL, "the key pair's name", 0, 0 },
	{ "file", OP_P_FILE, 0, NULL,
	  "file with the certificate the CA signed (PEM with its chain, or DER)", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct op_param p_import_p12[] = {
	{ "name", OP_P_TEXT, 0, NULL,
	  "name of the new key pair (1-24 letters, digits, '.', '_', '-', inner spaces)", 0, 0 },
	{ "file", OP_P_FILE, 0, NULL, "PKCS#12 file (.p12/.pfx)", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct op_param p_export[] = {
	{ "name", OP_P_TEXT, OP_ROWID, NULL, "the key pair's name", 0, 0 },
	{ "format", OP_P_WORD, OP_OPT | OP_DASH, "pem|der|p12",
	  "format: pem (the default), der, or p12 (with the private key)", 0, 0 },
	{ "der", OP_P_FLAG, OP_OPT | OP_DASH | OP_NOASK, NULL, "the certificate as DER", 0, 0 },
	{ "p12", OP_P_FLAG, OP_OPT | OP_DASH | OP_NOASK, NULL,
	  "key and certificate as PKCS#12 under a new password", 0, 0 },
	{ "file", OP_P_OUT, OP_OPT | OP_STDIO, NULL, "file to write (none or -: standard output)",
	  0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

const struct op ops_tls[] = {
	{ .name = "tls.keys",
	  .words = "cert list",
	  .help = "SSL key pairs (* = in use for SSL; expiring ones flagged)",
	  .more = "The device keeps 'Default Key' and up to 3 more key pairs, and up to 10 CA\n"
		  "certificates. Private keys are encrypted at rest under the device key.\n"
		  "Listing and showing need no credentials; changes need the System Manager.",
	  .kind = OP_LIST,
	  .row_ops = "tls.show,tls.use,tls.csr,tls.install,tls.export,tls.delete",
	  .run = run_list },
	{ .name = "tls.show",
	  .words = "cert show",
	  .help = "a key pair's certificate: subject, issuer, alt names, validity, key, SHA-256",
	  .kind = OP_REPORT,
	  .params = p_pair,
	  .run = run_show },
	{ .name = "tls.genkey",
	  .words = "cert genkey",
	  .help = "generate a key pair and a self-signed certificate",
	  .more = "--alg: p256 (ECDSA P-256, the default), p384, rsa2048, rsa3072 or rsa4096;\n"
		  "RSA 512 and 1024 are refused as breakable. --digest: sha256 (default),\n"
		  "sha384 or sha512. --valid: 398d (default), 5y or a number of days, up to\n"
		  "30 years; or --not-before/--not-after YYYY-MM-DD (UTC), at most 30 years\n"
		  "apart. --cn defaults to the host name; --o, --ou, --l, --st, --c (two\n"
		  "letters) complete the subject. The alt names are the CN, the host name and\n"
		  "the IPv4 address. Prints the SHA-256 fingerprint.",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_genkey,
	  .run = run_genkey,
	  .prepare = prepare_genkey },
	{ .name = "tls.csr",
	  .words = "cert csr",
	  .help = "write a certificate signing request (PEM) for a key pair",
	  .more = "Without FILE (or with '-') the request is the output. Have it signed by the\n"
		  "CA, then install the certificate with 'svcmode cert install'.",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_csr,
	  .run = run_csr },
	{ .name = "tls.install",
	  .words = "cert install",
	  .help = "install the CA-signed certificate of a key pair",
	  .more = "FILE holds the certificate as PEM, possibly followed by its chain, or as\n"
		  "DER. It is refused unless it matches the key and is valid now.",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_install,
	  .run = run_install,
	  .prepare = prepare_install },
	{ .name = "tls.import_p12",
	  .words = "cert import-p12",
	  .help = "import a key pair from a PKCS#12 file (.p12/.pfx)",
	  .more = "The password is read from stdin, or asked at the terminal; FILE cannot be\n"
		  "'-'.",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_import_p12,
	  .run = run_import_p12,
	  .prepare = prepare_import_p12 },
	{ .name = "tls.export",
	  .words = "cert export",
	  .help = "export a key pair's certificate (PEM with its chain, or DER), or the pair "
		  "as PKCS#12",
	  .more = "Without FILE (or with '-') the certificate is the output. --der (or\n"
		  "--format der): the certificate alone as DER. --p12 (or --format p12): key\n"
		  "and certificate as PKCS#12 (AES-256) under a new password of at least 8\n"
		  "characters, read from stdin or asked twice at the terminal; it needs a\n"
		  "FILE and the System Manager, and is the only way a private key leaves\n"
		  "the device.",
	  .kind = OP_RUN,
	  .params = p_export,
	  .run = run_export,
	  .doors_for = export_doors,
	  .who = "anyone; for a PKCS#12 file (the private key), the System Manager",
	  .prepare = prepare_export },
	{ .name = "tls.use",
	  .words = "cert use",
	  .help = "choose the key pair SSL uses",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_pair,
	  .run = run_use },
	{ .name = "tls.delete",
	  .words = "cert delete",
	  .help = "delete a key pair (not the one in use, not the factory 'Default Key')",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .confirm = OP_CONFIRM_ASK,
	  .params = p_pair,
	  .run = run_delete,
	  .prepare = prepare_delete },
	{ .name = NULL },
};
