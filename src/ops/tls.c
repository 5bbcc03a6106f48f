/* Operations of the tls module: Network Settings > SSL Settings (key
 * pairs, their certificates, CA certificates); 'svcmode cert ...'. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/op.h"
#include "tls/tls.h"
#include "util/fsutil.h"

#define CERT_FILE_MAX ((size_t)1024 * 1024)

/* The values prepare reads, in c->in[]. */
#define IN_SECRET 0 /* a PKCS#12 password */
#define IN_FILE 1   /* the file to import */

/* Names PATH in a module's complaint about the data ("the file is not..."). */
static int
with_file(int rc, const char *path, struct svc_err *err)
{
	char msg[sizeof err->msg];

	if (rc == 0 || err == NULL || err->code != EX_DATAERR)
		return rc;
	strlcpy_(msg, err->msg, sizeof msg);
	svc_errf(err, err->code, "'%s': %s; nothing changed", path, msg);
	return rc;
}

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

/* --- a certificate, as lines, rows and --json fields ------------------------- */

static const char *
flag_text(const struct tls_info *in)
{
	if (in->expired)
		return "EXPIRED";
	if (in->expiring)
		return "EXPIRES SOON";
	return "";
}

static const char *
tf(bool b)
{
	return b ? "true" : "false";
}

#define VIEW_LINES 12
#define VIEW_FIELDS 18

/* One certificate: its lines ("subject:      CN=...": the CLI; label and
 * value: the menus) and, on each line, the --json fields it shows. */
struct view {
	struct {
		const char *key;   /* "alt names" */
		const char *label; /* "Alt names" */
		char value[320];
		int first, n; /* fields[first .. first+n) */
	} line[VIEW_LINES];
	int nlines;
	struct op_field fields[VIEW_FIELDS];
	int nfields;
	char days[16];
};

static void view_line(struct view *v, const char *key, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
view_line(struct view *v, const char *key, const char *label, const char *fmt, ...)
{
	va_list ap;

	v->line[v->nlines].key = key;
	v->line[v->nlines].label = label;
	va_start(ap, fmt);
	vsnprintf(v->line[v->nlines].value, sizeof v->line[0].value, fmt, ap);
	va_end(ap);
	v->line[v->nlines].first = v->nfields;
	v->line[v->nlines].n = 0;
	v->nlines++;
}

/* A field of the last line. */
static void
view_field(struct view *v, const char *name, const char *value, enum op_ftype type)
{
	v->fields[v->nfields++] = (struct op_field){ name, value, type };
	v->line[v->nlines - 1].n++;
}

static void
view_fill(const struct tls_info *in, struct view *v)
{
	bool pair = *in->name != '\0';

	v->nlines = v->nfields = 0;
	snprintf(v->days, sizeof v->days, "%d", in->days_left);
	if (pair) {
		view_line(v, "name", "Name", "%s%s", in->name,
			  in->in_use ? " (in use for SSL)" : "");
		view_field(v, "name", in->name, OP_F_STR);
		view_field(v, "origin", in->origin, OP_F_STR);
		view_field(v, "in_use", tf(in->in_use), OP_F_BOOL);
		view_field(v, "chain", tf(in->has_chain), OP_F_BOOL);
		view_line(v, "origin", "Origin", "%s", in->origin);
	}
	view_line(v, "subject", "Subject", "%s", in->subject);
	view_field(v, "subject", in->subject, OP_F_STR);
	view_line(v, "issuer", "Issuer", "%s%s", in->issuer,
		  in->self_signed ? " (self-signed)" : "");
	view_field(v, "issuer", in->issuer, OP_F_STR);
	view_field(v, "self_signed", tf(in->self_signed), OP_F_BOOL);
	view_line(v, "alt names", "Alt names", "%s", *in->san ? in->san : "(none)");
	view_field(v, "san", in->san, OP_F_STR);
	view_line(v, "valid from", "Valid from", "%s", in->not_before);
	view_field(v, "not_before", in->not_before, OP_F_STR);
	view_line(v, "valid to", "Valid to", "%s (%d days left)%s%s", in->not_after,
		  in->days_left < 0 ? 0 : in->days_left, *flag_text(in) ? "  " : "", flag_text(in));
	view_field(v, "not_after", in->not_after, OP_F_STR);
	view_field(v, "days_left", v->days, OP_F_INT);
	view_field(v, "expiring", tf(in->expiring), OP_F_BOOL);
	view_field(v, "expired", tf(in->expired), OP_F_BOOL);
	view_line(v, "key", "Key", "%s", in->key_type);
	view_field(v, "key", in->key_type, OP_F_STR);
	view_line(v, "signature", "Signature", "%s", in->signature);
	view_field(v, "signature", in->signature, OP_F_STR);
	view_line(v, "serial", "Serial", "%s", in->serial);
	view_field(v, "serial", in->serial, OP_F_STR);
	view_line(v, "sha256", "SHA-256", "%s", in->fingerprint);
	view_field(v, "fingerprint", in->fingerprint, OP_F_STR);
	if (pair)
		view_line(v, "chain", "Chain", "%s", in->has_chain ? "yes" : "no");
}

/* "subject:      CN=..." */
static void
view_text(const struct view *v, int i, struct strbuf *out)
{
	char key[24];

	snprintf(key, sizeof key, "%s:", v->line[i].key);
	sb_addf(out, "%-14s%s", key, v->line[i].value);
}

/* A report: one row per line. */
static int
emit_view(struct op_ctx *c, const struct tls_info *in)
{
	struct strbuf text = STRBUF_INIT;
	struct view v;
	int rc = 0;

	view_fill(in, &v);
	for (int i = 0; i < v.nlines && rc == 0; i++) {
		sb_reset(&text);
		view_text(&v, i, &text);
		struct op_row row = { .label = v.line[i].label,
				      .value = v.line[i].value,
				      .text = text.buf,
				      .fields = v.fields + v.line[i].first,
				      .nfields = v.line[i].n };
		rc = op_emit(c, &row);
	}
	sb_release(&text);
	return rc;
}

/* --- lists ------------------------------------------------------------------ */

/* Every key pair or CA certificate, collected first: a list's first and
 * last lines carry its heading and legend on the CLI. */
struct infos {
	struct tls_info *v;
	int n, cap;
};

static int
collect(void *arg, const struct tls_info *in)
{
	struct infos *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
	}
	l->v[l->n++] = *in;
	return 0;
}

/* The menus' right column: the expiry date, or what is wrong with it. */
static void
expiry_value(const struct tls_info *in, char *buf, size_t cap)
{
	if (in->expired)
		snprintf(buf, cap, "EXPIRED");
	else if (in->expiring)
		snprintf(buf, cap, "%.10s SOON", in->not_after);
	else
		snprintf(buf, cap, "%.10s", in->not_after);
}

/* The --json fields of a list row: the report's, without the details. */
static int
list_fields(const struct view *v, struct op_field *out)
{
	static const char *const keep[] = { "name",       "origin",     "in_use",    "chain",
					    "subject",    "issuer",     "san",       "key",
					    "not_before", "not_after",  "days_left", "expiring",
					    "expired",    "fingerprint" };
	int n = 0;

	for (size_t k = 0; k < sizeof keep / sizeof keep[0]; k++)
		for (int i = 0; i < v->nfields; i++)
			if (strcmp(v->fields[i].name, keep[k]) == 0)
				out[n++] = v->fields[i];
	return n;
}

static int
run_list(struct op_ctx *c, struct svc_err *err)
{
	struct infos l = { 0 };
	struct strbuf text = STRBUF_INIT;
	int rc = tls_list(c->dev, collect, &l, err) < 0 ? -1 : 0;

	for (int i = 0; i < l.n && rc == 0; i++) {
		const struct tls_info *in = &l.v[i];
		struct op_field f[VIEW_FIELDS];
		char label[64], value[32];
		struct view v;

		view_fill(in, &v);
		sb_reset(&text);
		if (i == 0)
			sb_addf(&text, "  %-24s %-11s %-10s %-9s %s\n", "NAME", "KEY", "EXPIRES",
				"ORIGIN", "SUBJECT");
		sb_addf(&text, "%c %-24s %-11s %-10.10s %-9s %s%s%s", in->in_use ? '*' : ' ',
			in->name, in->key_type, in->not_after, in->origin, in->subject,
			*flag_text(in) ? "  " : "", flag_text(in));
		if (i == l.n - 1)
			sb_adds(&text, "\n(* = in use for SSL)");
		/* The menus lead with the id: the label starts with the name. */
		snprintf(label, sizeof label, "%.24s (%.16s%s)", in->name, in->key_type,
			 in->in_use ? ", in use" : "");
		expiry_value(in, value, sizeof value);
		struct op_row row = { .id = in->name,
				      .label = label,
				      .value = value,
				      .text = text.buf,
				      .fields = f,
				      .nfields = list_fields(&v, f) };
		rc = op_emit(c, &row);
	}
	sb_release(&text);
	free(l.v);
	return rc;
}

static int
run_list_ca(struct op_ctx *c, struct svc_err *err)
{
	struct infos l = { 0 };
	struct strbuf text = STRBUF_INIT;
	int rc = tls_ca_list(c->dev, collect, &l, err) < 0 ? -1 : 0;

	for (int i = 0; i < l.n && rc == 0; i++) {
		const struct tls_info *in = &l.v[i];
		const char *cn = strstr(in->subject, "CN="), *label, *end;
		struct op_field f[VIEW_FIELDS];
		char id[17], name[48], value[32];
		struct view v;
		size_t j = 0;
		int len;

		view_fill(in, &v);
		sb_reset(&text);
		for (int k = 0; k < v.nlines; k++) {
			sb_adds(&text, i > 0 && k == 0 ? "\n" : k > 0 ? "\n" : "");
			view_text(&v, k, &text);
		}
		/* The id: the first 16 hex digits of the fingerprint (unique
		 * enough for show-ca and delete-ca, which take a prefix). */
		for (const char *p = in->fingerprint; *p && j < 16; p++)
			if (*p != ':')
				id[j++] = *p;
		id[j] = '\0';
		label = cn ? cn + 3 : in->subject;
		end = strstr(label, ", ");
		len = end ? (int)(end - label) : (int)strlen(label);
		snprintf(name, sizeof name, "%.*s", len < 47 ? len : 47, label);
		expiry_value(in, value, sizeof value);
		struct op_row row = { .id = id,
				      .label = name,
				      .value = value,
				      .text = text.buf,
				      .fields = f,
				      .nfields = list_fields(&v, f) };
		rc = op_emit(c, &row);
	}
	if (rc == 0 && l.n == 0 && !c->json)
		op_notef(c, "no CA certificates");
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
	return emit_view(c, &in);
}

static int
run_show_ca(struct op_ctx *c, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (tls_ca_show(c->dev, op_arg(c, "fingerprint"), &in, err) != 0)
		return -1;
	return emit_view(c, &in);
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
	return with_file(tls_import_p12_check(c->dev, op_arg(c, "name"), c->in[IN_FILE].buf,
					      c->in[IN_FILE].len, sb_str(&c->in[IN_SECRET]), err),
			 file, err);
}

static int
run_import_p12(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name");

	if (with_file(tls_import_p12(c->dev, name, c->in[IN_FILE].buf, c->in[IN_FILE].len,
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
	return with_file(tls_install_check(c->dev, op_arg(c, "name"), data->buf, data->len, err),
			 file, err);
}

static int
run_install(struct op_ctx *c, struct svc_err *err)
{
	const char *name = op_arg(c, "name"), *file = op_arg(c, "file");
	struct tls_info in = { 0 };

	if (with_file(tls_install(c->dev, name, c->in[IN_FILE].buf, c->in[IN_FILE].len, err), file,
		      err) != 0)
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

/* --- CA certificates -------------------------------------------------------------- */

/* The file is read and checked before any credential. */
static int
prepare_import_ca(struct op_ctx *c, struct svc_err *err)
{
	const char *file = op_arg(c, "file");
	struct strbuf *data = &c->in[IN_FILE];

	if (fs_read(file, CERT_FILE_MAX, data, err) != 0)
		return -1;
	return with_file(tls_ca_import_check(c->dev, data->buf, data->len, err), file, err);
}

static int
run_import_ca(struct op_ctx *c, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (with_file(tls_ca_import(c->dev, c->in[IN_FILE].buf, c->in[IN_FILE].len, &in, err),
		      op_arg(c, "file"), err) != 0)
		return -1;
	op_notef(c, "imported CA certificate %s", in.subject);
	op_line(c, in.fingerprint);
	return 0;
}

static int
prepare_delete_ca(struct op_ctx *c, struct svc_err *err)
{
	struct tls_info in = { 0 };

	return tls_ca_show(c->dev, op_arg(c, "fingerprint"), &in, err);
}

static int
run_delete_ca(struct op_ctx *c, struct svc_err *err)
{
	const char *fp = op_arg(c, "fingerprint");
	struct tls_info in = { 0 };
	char q[400];

	if (tls_ca_show(c->dev, fp, &in, err) != 0)
		return -1;
	snprintf(q, sizeof q, "Delete CA certificate %s (SHA-256 %.23s...)?", in.subject,
		 in.fingerprint);
	if (op_confirm(c, q, "yes", err) != 0 || tls_ca_delete(c->dev, fp, err) != 0)
		return -1;
	op_notef(c, "deleted CA certificate %s", in.subject);
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

static const struct op_param p_file[] = {
	{ "file", OP_P_FILE, 0, NULL, "CA certificate file (.cer/.der/.pem)", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct op_param p_ca[] = {
	{ "fingerprint", OP_P_TEXT, OP_ROWID, NULL,
	  "the CA certificate's SHA-256 fingerprint, or its first 8 or more digits", 0, 0 },
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
	{ .name = "tls.ca_import",
	  .words = "cert import-ca",
	  .help = "trust a CA certificate (PEM or DER, one per file)",
	  .more = "Prints the SHA-256 fingerprint. At most 10 CA certificates are kept.",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_file,
	  .run = run_import_ca,
	  .prepare = prepare_import_ca },
	{ .name = "tls.cas",
	  .words = "cert list-ca",
	  .help = "CA certificates",
	  .kind = OP_LIST,
	  .row_ops = "tls.ca_show,tls.ca_delete",
	  .run = run_list_ca },
	{ .name = "tls.ca_show",
	  .words = "cert show-ca",
	  .help = "one CA certificate",
	  .kind = OP_REPORT,
	  .params = p_ca,
	  .run = run_show_ca },
	{ .name = "tls.ca_delete",
	  .words = "cert delete-ca",
	  .help = "stop trusting a CA certificate",
	  .more = "FINGERPRINT: the SHA-256 fingerprint or its first 8 or more hex digits,\n"
		  "with or without colons.",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .confirm = OP_CONFIRM_ASK,
	  .params = p_ca,
	  .run = run_delete_ca,
	  .prepare = prepare_delete_ca },
	{ .name = NULL },
};
