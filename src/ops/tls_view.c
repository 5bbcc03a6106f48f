/* What the tls operations show of a certificate: lines, list rows and
 * --json fields, shared by the key pair and the CA operations. */
#include "ops/tls_view.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"

/* Names PATH in a module's complaint about the data ("the file is not..."). */
int
cert_with_file(int rc, const char *path, struct svc_err *err)
{
	char msg[sizeof err->msg];

	if (rc == 0 || err == NULL || err->code != EX_DATAERR)
		return rc;
	strlcpy_(msg, err->msg, sizeof msg);
	svc_errf(err, err->code, "'%s': %s; nothing changed", path, msg);
	return rc;
}

/* --- a certificate, as lines, rows and --json fields ------------------------- */

const char *
cert_flag_text(const struct tls_info *in)
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

static void view_line(struct cert_view *v, const char *key, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
view_line(struct cert_view *v, const char *key, const char *label, const char *fmt, ...)
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
view_field(struct cert_view *v, const char *name, const char *value, enum op_ftype type)
{
	v->fields[v->nfields++] = (struct op_field){ name, value, type };
	v->line[v->nlines - 1].n++;
}

void
cert_view_fill(const struct tls_info *in, struct cert_view *v)
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
		  in->days_left < 0 ? 0 : in->days_left, *cert_flag_text(in) ? "  " : "",
		  cert_flag_text(in));
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
void
cert_view_text(const struct cert_view *v, int i, struct strbuf *out)
{
	char key[24];

	snprintf(key, sizeof key, "%s:", v->line[i].key);
	sb_addf(out, "%-14s%s", key, v->line[i].value);
}

/* A report: one row per line. */
int
cert_emit_view(struct op_ctx *c, const struct tls_info *in)
{
	struct strbuf text = STRBUF_INIT;
	struct cert_view v;
	int rc = 0;

	cert_view_fill(in, &v);
	for (int i = 0; i < v.nlines && rc == 0; i++) {
		sb_reset(&text);
		cert_view_text(&v, i, &text);
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

int
cert_collect(void *arg, const struct tls_info *in)
{
	struct cert_infos *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 8;
		l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
	}
	l->v[l->n++] = *in;
	return 0;
}

/* The menus' right column: the expiry date, or what is wrong with it. */
void
cert_expiry_value(const struct tls_info *in, char *buf, size_t cap)
{
	if (in->expired)
		snprintf(buf, cap, "EXPIRED");
	else if (in->expiring)
		snprintf(buf, cap, "%.10s SOON", in->not_after);
	else
		snprintf(buf, cap, "%.10s", in->not_after);
}

/* The --json fields of a list row: the report's, without the details. */
int
cert_list_fields(const struct cert_view *v, struct op_field *out)
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
