/* Actions of the tls module: Network Settings > SSL Settings. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "actions/action.h"
#include "tls/tls.h"
#include "util/fsutil.h"

#define ACT_FILE_MAX ((size_t)1024 * 1024)

static int
cancelled(struct svc_err *err)
{
	return svc_errf(err, EX_USAGE, "cancelled; nothing changed");
}

/* Asks for a value; an empty answer takes DFLT (NULL: required). */
static int
ask(struct action_io *io, const char *prompt, const char *dflt, bool hidden, struct strbuf *out,
    struct svc_err *err)
{
	char p[128];

	if (dflt && *dflt)
		snprintf(p, sizeof p, "%s [%s]", prompt, dflt);
	else
		snprintf(p, sizeof p, "%s", prompt);
	sb_reset(out);
	if (io->ask(io->arg, p, hidden, out) != 0)
		return cancelled(err);
	if (out->len == 0 && dflt) {
		sb_adds(out, dflt);
	} else if (out->len == 0) {
		return svc_errf(err, EX_USAGE, "%s: a value is needed; nothing changed", prompt);
	}
	return 0;
}

static void linef(struct action_io *io, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
linef(struct action_io *io, const char *fmt, ...)
{
	char buf[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	io->line(io->arg, buf);
}

static void
show_info(struct action_io *io, const struct tls_info *in)
{
	if (*in->name)
		linef(io, "Name:        %s%s", in->name, in->in_use ? " (in use)" : "");
	linef(io, "Subject:     %s", in->subject);
	linef(io, "Issuer:      %s%s", in->issuer, in->self_signed ? " (self-signed)" : "");
	linef(io, "Alt names:   %s", *in->san ? in->san : "(none)");
	linef(io, "Valid from:  %s", in->not_before);
	linef(io, "Valid to:    %s%s", in->not_after,
	      in->expired    ? "  EXPIRED"
	      : in->expiring ? "  EXPIRES SOON"
			     : "");
	linef(io, "Key:         %s", in->key_type);
	linef(io, "Signature:   %s", in->signature);
	linef(io, "SHA-256:     %.48s", in->fingerprint);
	linef(io, "             %s", in->fingerprint + 48);
}

static void
lines_of(struct action_io *io, const char *text)
{
	const char *p = text, *nl;
	char buf[128];

	while (*p) {
		nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		snprintf(buf, sizeof buf, "%.*s", (int)n, p);
		io->line(io->arg, buf);
		p += n + (nl ? 1 : 0);
	}
}

/* --- key pairs --------------------------------------------------------------- */

struct rows {
	action_emit_fn emit;
	void *arg;
};

static const char *
expiry_value(const struct tls_info *in, char *buf, size_t cap)
{
	if (in->expired)
		return "EXPIRED";
	if (in->expiring)
		snprintf(buf, cap, "%.10s SOON", in->not_after);
	else
		snprintf(buf, cap, "%.10s", in->not_after);
	return buf;
}

static int
key_row(void *arg, const struct tls_info *in)
{
	struct rows *r = arg;
	struct action_row row = { 0 };
	char v[32];

	snprintf(row.id, sizeof row.id, "%s", in->name);
	snprintf(row.label, sizeof row.label, "%c %.24s (%.16s)", in->in_use ? '*' : ' ', in->name,
		 in->key_type);
	snprintf(row.value, sizeof row.value, "%s", expiry_value(in, v, sizeof v));
	return r->emit(r->arg, &row);
}

static int
list_keys(struct device *dev, const char *param, struct action_io *io, action_emit_fn emit,
	  void *arg, struct svc_err *err)
{
	struct rows r = { emit, arg };

	(void)param;
	(void)io;
	return tls_list(dev, key_row, &r, err) < 0 ? -1 : 0;
}

static int
act_show(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (tls_show(dev, param, &in, err) != 0)
		return -1;
	show_info(io, &in);
	return 0;
}

static int
act_use(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	if (tls_use(dev, param, err) != 0)
		return -1;
	linef(io, "SSL now uses key pair '%s'.", param);
	return 0;
}

static int
act_csr(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf path = STRBUF_INIT, pem = STRBUF_INIT;
	int rc = -1;

	if (ask(io, "Save the request to file (empty: show it here)", "", false, &path, err) != 0 ||
	    tls_csr(dev, param, NULL, &pem, err) != 0)
		goto out;
	if (path.len == 0) {
		lines_of(io, pem.buf);
		rc = 0;
	} else if ((rc = fs_write_atomic(path.buf, pem.buf, pem.len, 0644, err)) == 0) {
		linef(io, "Signing request for '%s' written to %s.", param, path.buf);
	}
out:
	sb_release(&path);
	sb_release(&pem);
	return rc;
}

static int
act_install(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
	int rc = -1;

	if (ask(io, "Certificate file (PEM or DER)", NULL, false, &path, err) != 0 ||
	    fs_read(path.buf, ACT_FILE_MAX, &data, err) != 0 ||
	    tls_install(dev, param, data.buf, data.len, err) != 0)
		goto out;
	linef(io, "Certificate installed for '%s'.", param);
	rc = 0;
out:
	sb_release(&path);
	sb_release(&data);
	return rc;
}

static int
act_export(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf fmt = STRBUF_INIT, path = STRBUF_INIT, pw = STRBUF_INIT, again = STRBUF_INIT,
		      out = STRBUF_INIT;
	bool p12;
	int rc = -1;

	if (ask(io, "Format: PEM, DER or P12 (with the key)", "PEM", false, &fmt, err) != 0)
		goto out;
	p12 = strcasecmp(fmt.buf, "p12") == 0;
	if (!p12 && strcasecmp(fmt.buf, "pem") != 0 && strcasecmp(fmt.buf, "der") != 0) {
		svc_errf(err, EX_USAGE, "invalid format '%s': expected PEM, DER or P12", fmt.buf);
		goto out;
	}
	if (ask(io, "File to write", NULL, false, &path, err) != 0)
		goto out;
	if (p12) {
		if (ask(io, "Password for the file", NULL, true, &pw, err) != 0 ||
		    ask(io, "Password again", NULL, true, &again, err) != 0)
			goto out;
		if (strcmp(pw.buf, again.buf) != 0) {
			svc_errf(err, EX_USAGE, "the two passwords differ; nothing written");
			goto out;
		}
		if (tls_export_p12(dev, param, pw.buf, &out, err) != 0)
			goto out;
	} else if (tls_export(dev, param, strcasecmp(fmt.buf, "der") == 0, &out, err) != 0) {
		goto out;
	}
	if ((rc = fs_write_atomic(path.buf, out.buf, out.len, p12 ? 0600 : 0644, err)) == 0)
		linef(io, "Written to %s.", path.buf);
out:
	sb_release(&fmt);
	sb_release(&path);
	sb_release(&pw);
	sb_release(&again);
	sb_release(&out);
	return rc;
}

static int
act_delete(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	char q[96];

	snprintf(q, sizeof q, "Delete key pair '%s'? Type its name to confirm", param);
	if (io->confirm(io->arg, q, param) != 0)
		return cancelled(err);
	if (tls_delete(dev, param, err) != 0)
		return -1;
	linef(io, "Key pair '%s' deleted.", param);
	return 0;
}

static void
act_progress(void *arg, const char *what, double fraction)
{
	struct action_io *io = arg;

	io->progress(io->arg, what, fraction);
}

static int
act_genkey(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf name = STRBUF_INIT, alg = STRBUF_INIT, md = STRBUF_INIT, valid = STRBUF_INIT,
		      cn = STRBUF_INIT, host = STRBUF_INIT;
	struct tls_genkey_opts o = { .progress = act_progress, .progress_arg = io };
	struct tls_info in = { 0 };
	int rc = -1;

	(void)param;
	if (config_get(dev, "network.tcpip.hostname", &host, err) != 0 ||
	    ask(io, "Key name", NULL, false, &name, err) != 0 ||
	    tls_name_check(name.buf, err) != 0 ||
	    ask(io, "Algorithm: p256, p384, rsa2048, rsa3072, rsa4096", "p256", false, &alg, err) ||
	    ask(io, "Signature: sha256, sha384, sha512", "sha256", false, &md, err) != 0 ||
	    ask(io, "Validity: 398d, 5y or days", "398d", false, &valid, err) != 0 ||
	    ask(io, "Common name", host.buf, false, &cn, err) != 0)
		goto out;
	o.alg = alg.buf;
	o.digest = md.buf;
	o.validity = valid.buf;
	o.cn = cn.buf;
	if (tls_genkey(dev, name.buf, &o, err) != 0 || tls_show(dev, name.buf, &in, err) != 0)
		goto out;
	linef(io, "Key pair '%s' generated.", name.buf);
	show_info(io, &in);
	rc = 0;
out:
	sb_release(&name);
	sb_release(&alg);
	sb_release(&md);
	sb_release(&valid);
	sb_release(&cn);
	sb_release(&host);
	return rc;
}

static int
act_import_p12(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf name = STRBUF_INIT, path = STRBUF_INIT, data = STRBUF_INIT, pw = STRBUF_INIT;
	int rc = -1;

	(void)param;
	if (ask(io, "Key name", NULL, false, &name, err) != 0 ||
	    tls_name_check(name.buf, err) != 0 ||
	    ask(io, "PKCS#12 file (.p12/.pfx)", NULL, false, &path, err) != 0 ||
	    fs_read(path.buf, ACT_FILE_MAX, &data, err) != 0)
		goto out;
	sb_reset(&pw);
	if (io->ask(io->arg, "Password", true, &pw) != 0) {
		cancelled(err);
		goto out;
	}
	if (tls_import_p12(dev, name.buf, data.buf, data.len, sb_str(&pw), err) != 0)
		goto out;
	linef(io, "Key pair '%s' imported.", name.buf);
	rc = 0;
out:
	sb_release(&name);
	sb_release(&path);
	sb_release(&data);
	sb_release(&pw);
	return rc;
}

/* --- CA certificates --------------------------------------------------------- */

static int
ca_row(void *arg, const struct tls_info *in)
{
	struct rows *r = arg;
	struct action_row row = { 0 };
	const char *cn = strstr(in->subject, "CN=");
	size_t j = 0;
	char v[32];

	/* The id: the first 32 hex digits of the fingerprint (unique enough
	 * for tls_ca_show/delete, which take a prefix). */
	for (const char *p = in->fingerprint; *p && j < 32; p++)
		if (*p != ':')
			row.id[j++] = *p;
	const char *label = cn ? cn + 3 : in->subject;
	const char *end = strstr(label, ", ");
	int len = end ? (int)(end - label) : (int)strlen(label);
	snprintf(row.label, sizeof row.label, "%.*s", len < 47 ? len : 47, label);
	snprintf(row.value, sizeof row.value, "%s", expiry_value(in, v, sizeof v));
	return r->emit(r->arg, &row);
}

static int
list_cas(struct device *dev, const char *param, struct action_io *io, action_emit_fn emit,
	 void *arg, struct svc_err *err)
{
	struct rows r = { emit, arg };

	(void)param;
	(void)io;
	return tls_ca_list(dev, ca_row, &r, err) < 0 ? -1 : 0;
}

static int
act_ca_show(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (tls_ca_show(dev, param, &in, err) != 0)
		return -1;
	show_info(io, &in);
	return 0;
}

static int
act_ca_delete(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct tls_info in = { 0 };
	char q[128];

	if (tls_ca_show(dev, param, &in, err) != 0)
		return -1;
	snprintf(q, sizeof q, "Delete CA certificate %.60s? Type YES to confirm", in.subject);
	if (io->confirm(io->arg, q, "YES") != 0)
		return cancelled(err);
	if (tls_ca_delete(dev, param, err) != 0)
		return -1;
	linef(io, "CA certificate %s deleted.", in.subject);
	return 0;
}

static int
act_ca_import(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf path = STRBUF_INIT, data = STRBUF_INIT;
	struct tls_info in = { 0 };
	int rc = -1;

	(void)param;
	if (ask(io, "CA certificate file (.cer/.der/.pem)", NULL, false, &path, err) != 0 ||
	    fs_read(path.buf, ACT_FILE_MAX, &data, err) != 0 ||
	    tls_ca_import(dev, data.buf, data.len, &in, err) != 0)
		goto out;
	linef(io, "CA certificate imported.");
	show_info(io, &in);
	rc = 0;
out:
	sb_release(&path);
	sb_release(&data);
	return rc;
}

const struct action_def actions_tls[] = {
	{ "tls.keys", ACTION_LIST, LEVEL_MANAGER, NULL, "SSL key pairs", list_keys,
	  "tls.show,tls.use,tls.csr,tls.install,tls.export,tls.delete" },
	{ "tls.show", ACTION_REPORT, LEVEL_MANAGER, act_show, "show a key pair's certificate", NULL,
	  NULL },
	{ "tls.use", ACTION_RUN, LEVEL_MANAGER, act_use, "use this key pair for SSL", NULL, NULL },
	{ "tls.csr", ACTION_RUN, LEVEL_MANAGER, act_csr, "make a certificate signing request", NULL,
	  NULL },
	{ "tls.install", ACTION_RUN, LEVEL_MANAGER, act_install,
	  "install the CA-signed certificate", NULL, NULL },
	{ "tls.export", ACTION_RUN, LEVEL_MANAGER, act_export, "export the certificate", NULL,
	  NULL },
	{ "tls.delete", ACTION_RUN, LEVEL_MANAGER, act_delete, "delete the key pair", NULL, NULL },
	{ "tls.genkey", ACTION_RUN, LEVEL_MANAGER, act_genkey, "generate a key pair", NULL, NULL },
	{ "tls.import_p12", ACTION_RUN, LEVEL_MANAGER, act_import_p12,
	  "import a key pair from PKCS#12", NULL, NULL },
	{ "tls.cas", ACTION_LIST, LEVEL_MANAGER, NULL, "CA certificates", list_cas,
	  "tls.ca_show,tls.ca_delete" },
	{ "tls.ca_show", ACTION_REPORT, LEVEL_MANAGER, act_ca_show, "show a CA certificate", NULL,
	  NULL },
	{ "tls.ca_delete", ACTION_RUN, LEVEL_MANAGER, act_ca_delete, "delete a CA certificate",
	  NULL, NULL },
	{ "tls.ca_import", ACTION_RUN, LEVEL_MANAGER, act_ca_import, "import a CA certificate",
	  NULL, NULL },
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
