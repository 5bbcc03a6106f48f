/* What the tls operations (ops/tls.c, ops/tls_ca.c) share: a certificate
 * as lines, rows and --json fields (ops/tls_view.c). Private to src/ops. */
#ifndef SVC_OPS_TLS_VIEW_H
#define SVC_OPS_TLS_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "ops/op.h"
#include "tls/tls.h"
#include "util/err.h"
#include "util/strbuf.h"

#define CERT_FILE_MAX ((size_t)1024 * 1024)

/* The values prepare reads, in c->in[]. */
#define IN_SECRET 0 /* a PKCS#12 password */
#define IN_FILE 1   /* the file to import */

#define VIEW_LINES 12
#define VIEW_FIELDS 18

/* One certificate: its lines ("subject:      CN=...": the CLI; label and
 * value: the menus) and, on each line, the --json fields it shows. */
struct cert_view {
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

/* Every key pair or CA certificate, collected first: a list's first and
 * last lines carry its heading and legend on the CLI. */
struct cert_infos {
	struct tls_info *v;
	int n, cap;
};

/* Names PATH in a module's complaint about the data ("the file is not..."). */
int cert_with_file(int rc, const char *path, struct svc_err *err);
/* "EXPIRED", "EXPIRES SOON" or "". */
const char *cert_flag_text(const struct tls_info *in);
void cert_view_fill(const struct tls_info *in, struct cert_view *v);
/* Line I as "subject:      CN=..." */
void cert_view_text(const struct cert_view *v, int i, struct strbuf *out);
/* A report: one row per line. */
int cert_emit_view(struct op_ctx *c, const struct tls_info *in);
/* A tls_info_fn appending to the struct cert_infos ARG (free its v). */
int cert_collect(void *arg, const struct tls_info *in);
/* The menus' right column: the expiry date, or what is wrong with it. */
void cert_expiry_value(const struct tls_info *in, char *buf, size_t cap);
/* The --json fields of a list row: the report's, without the details. */
int cert_list_fields(const struct cert_view *v, struct op_field *out);

#endif
