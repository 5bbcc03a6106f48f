/* Operations on CA certificates (SSL Settings > CA Certificates);
 * 'svcmode cert import-ca, list-ca, show-ca, delete-ca'. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ops/op.h"
#include "ops/tls_view.h"
#include "tls/tls.h"
#include "util/fsutil.h"

static int
run_list_ca(struct op_ctx *c, struct svc_err *err)
{
	struct cert_infos l = { 0 };
	struct strbuf text = STRBUF_INIT;
	int rc = tls_ca_list(c->dev, cert_collect, &l, err) < 0 ? -1 : 0;

	for (int i = 0; i < l.n && rc == 0; i++) {
		const struct tls_info *in = &l.v[i];
		const char *cn = strstr(in->subject, "CN="), *label, *end;
		struct op_field f[VIEW_FIELDS];
		char id[17], name[48], value[32];
		struct cert_view v;
		size_t j = 0;
		int len;

		cert_view_fill(in, &v);
		sb_reset(&text);
		for (int k = 0; k < v.nlines; k++) {
			sb_adds(&text, i > 0 && k == 0 ? "\n" : k > 0 ? "\n" : "");
			cert_view_text(&v, k, &text);
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
		cert_expiry_value(in, value, sizeof value);
		struct op_row row = { .id = id,
				      .label = name,
				      .value = value,
				      .text = text.buf,
				      .fields = f,
				      .nfields = cert_list_fields(&v, f) };
		rc = op_emit(c, &row);
	}
	if (rc == 0 && l.n == 0 && !c->json)
		op_notef(c, "no CA certificates");
	sb_release(&text);
	free(l.v);
	return rc;
}

static int
run_show_ca(struct op_ctx *c, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (tls_ca_show(c->dev, op_arg(c, "fingerprint"), &in, err) != 0)
		return -1;
	return cert_emit_view(c, &in);
}

/* The file is read and checked before any credential. */
static int
prepare_import_ca(struct op_ctx *c, struct svc_err *err)
{
	const char *file = op_arg(c, "file");
	struct strbuf *data = &c->in[IN_FILE];

	if (fs_read(file, CERT_FILE_MAX, data, err) != 0)
		return -1;
	return cert_with_file(tls_ca_import_check(c->dev, data->buf, data->len, err), file, err);
}

static int
run_import_ca(struct op_ctx *c, struct svc_err *err)
{
	struct tls_info in = { 0 };

	if (cert_with_file(tls_ca_import(c->dev, c->in[IN_FILE].buf, c->in[IN_FILE].len, &in, err),
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

static const struct op_param p_file[] = {
	{ "file", OP_P_FILE, 0, NULL, "CA certificate file (.cer/.der/.pem)", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

static const struct op_param p_ca[] = {
	{ "fingerprint", OP_P_TEXT, OP_ROWID, NULL,
	  "the CA certificate's SHA-256 fingerprint, or its first 8 or more digits", 0, 0 },
	{ NULL, 0, 0, NULL, NULL, 0, 0 },
};

/* Registered right after ops_tls: --help shows them after the key pair operations. */
const struct op ops_tls_ca[] = {
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
