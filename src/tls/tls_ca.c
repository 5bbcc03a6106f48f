/* The CA store: CA certificates the mail client trusts (import, list,
 * show, delete, and loading them into an X509_STORE). */
#include "tls/tls.h"

#include <ctype.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "store/store_tls.h"
#include "tls/tls_int.h"
#include "util/err_openssl.h"
#include "util/hex.h"

/* Counts CA rows; ARG (if not NULL) gets the fingerprint (65 bytes). */
static int
ca_seen(void *arg, const struct store_tls_ca *ca)
{
	if (arg)
		snprintf(arg, 65, "%s", ca->fingerprint);
	return 0;
}

/* FP is not installed yet and one more CA certificate fits. */
static int
ca_room(struct device *dev, const char *fp, const struct tls_info *in, struct svc_err *err)
{
	struct store *st = device_store(dev);
	int n;

	if ((n = store_tls_ca_each(st, fp, ca_seen, NULL, err)) != 0)
		return n < 0 ? -1
			     : svc_errf(err, EX_DATAERR,
					"CA certificate '%s' (%s) is installed already",
					in->subject, in->fingerprint);
	if ((n = store_tls_ca_count(st, err)) < 0)
		return -1;
	if (n >= TLS_MAX_CAS)
		return svc_errf(err, EX_DATAERR,
				"the device holds at most %d CA certificates; delete one first "
				"('svcmode cert delete-ca FINGERPRINT')",
				TLS_MAX_CAS);
	return 0;
}

static int
ca_import_common(struct device *dev, const void *data, size_t len, bool dry, struct tls_info *out,
		 struct svc_err *err)
{
	struct store *st = device_store(dev);
	STACK_OF(X509) *certs = NULL;
	struct strbuf pem = STRBUF_INIT;
	struct tls_info in = { 0 };
	char fp[65] = "";
	X509 *x;
	int rc = -1;

	if (out)
		memset(out, 0, sizeof *out);
	if (tls_certs_parse(data, len, "the file", &certs, err) != 0)
		goto out;
	if (sk_X509_num(certs) != 1) {
		svc_errf(err, EX_DATAERR,
			 "the file holds %d certificates; import CA certificates one at a time",
			 sk_X509_num(certs));
		goto out;
	}
	x = sk_X509_value(certs, 0);
	tls_info_fill(x, &in);
	if (!in.is_ca) {
		svc_errf(err, EX_DATAERR,
			 "'%s' is not a CA certificate (basicConstraints CA:FALSE, or no "
			 "keyCertSign key usage)",
			 in.subject);
		goto out;
	}
	if (tls_key_check(X509_get0_pubkey(x), "the CA certificate", err) != 0 ||
	    tls_cert_check_time(x, "the CA certificate", err) != 0 ||
	    tls_cert_to_pem(x, &pem, err) != 0)
		goto out;
	tls_fingerprint(x, fp, NULL, 0);
	/* Checked before the login (bad input leaves no trace) and again in
	 * the transaction. */
	if (ca_room(dev, fp, &in, err) != 0)
		goto out;
	if (dry) {
		rc = 0;
		goto out;
	}
	if (tls_need_manager(dev, "importing a CA certificate", "tls.ca", err) != 0 ||
	    store_begin(st, err) != 0)
		goto out;
	struct store_tls_ca ca = { .fingerprint = fp, .subject = in.subject, .cert_pem = pem.buf };
	if (ca_room(dev, fp, &in, err) != 0 || store_tls_ca_add(st, &ca, err) != 0 ||
	    device_audit(dev, "tls.ca_import", "tls.ca", NULL, in.subject, in.fingerprint, err) !=
		    0) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
	if (rc == 0 && out)
		*out = in;
out:
	sb_release(&pem);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
tls_ca_import_check(struct device *dev, const void *data, size_t len, struct svc_err *err)
{
	return ca_import_common(dev, data, len, true, NULL, err);
}

int
tls_ca_import(struct device *dev, const void *data, size_t len, struct tls_info *out,
	      struct svc_err *err)
{
	return ca_import_common(dev, data, len, false, out, err);
}

static int
ca_one(void *arg, const struct store_tls_ca *ca)
{
	struct tls_list_ctx *lc = arg;
	struct tls_info in = { 0 };

	if (tls_info_from_pem(ca->cert_pem, &in, lc->err) != 0)
		return -1;
	return lc->fn(lc->arg, &in);
}

int
tls_ca_list(struct device *dev, tls_info_fn fn, void *arg, struct svc_err *err)
{
	struct tls_list_ctx lc = { fn, arg, err, 0 };

	return store_tls_ca_each(device_store(dev), NULL, ca_one, &lc, err);
}

/* The stored fingerprint FP names: exactly one, by a prefix of >= 8 digits. */
static int
ca_resolve(struct device *dev, const char *fp, char full[65], struct svc_err *err)
{
	char want[65];
	size_t j = 0;
	int n;

	for (const char *p = fp; *p; p++) {
		if (*p == ':' || *p == ' ')
			continue;
		if (hex_digit((unsigned char)*p) < 0 || j == 64)
			goto bad;
		want[j++] = (char)toupper((unsigned char)*p);
	}
	want[j] = '\0';
	if (j < 8)
		goto bad;
	n = store_tls_ca_each(device_store(dev), want, ca_seen, full, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return svc_errf(
			err, EX_USAGE,
			"no CA certificate has fingerprint '%s' (see 'svcmode cert list-ca')", fp);
	if (n > 1)
		return svc_errf(err, EX_USAGE,
				"fingerprint '%s' matches %d CA certificates; give more digits", fp,
				n);
	return 0;
bad:
	return svc_errf(err, EX_USAGE,
			"invalid fingerprint '%s': expected the SHA-256 fingerprint (or its first "
			"8 or more hex digits), with or without colons",
			fp);
}

int
tls_ca_show(struct device *dev, const char *fp, struct tls_info *out, struct svc_err *err)
{
	struct tls_list_ctx lc = { tls_copy_info, out, err, 0 };
	char full[65];

	memset(out, 0, sizeof *out);
	if (ca_resolve(dev, fp, full, err) != 0)
		return -1;
	return store_tls_ca_each(device_store(dev), full, ca_one, &lc, err) < 0 ? -1 : 0;
}

int
tls_ca_delete(struct device *dev, const char *fp, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct tls_info in = { 0 };
	char full[65];

	if (tls_ca_show(dev, fp, &in, err) != 0 || ca_resolve(dev, fp, full, err) != 0 ||
	    tls_need_manager(dev, "deleting a CA certificate", "tls.ca", err) != 0 ||
	    store_begin(st, err) != 0)
		return -1;
	if (store_tls_ca_delete(st, full, err) != 1 ||
	    device_audit(dev, "tls.ca_delete", "tls.ca", in.subject, NULL, in.fingerprint, err) !=
		    0) {
		if (err && err->code == 0)
			svc_errf(err, EX_TEMPFAIL, "the CA certificate was deleted meanwhile");
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

struct load_ctx {
	X509_STORE *xs;
	struct svc_err *err;
	int n;
};

static int
ca_load_one(void *arg, const struct store_tls_ca *ca)
{
	struct load_ctx *lc = arg;
	X509 *x = tls_cert_from_pem(ca->cert_pem, lc->err);
	int ok = x && X509_STORE_add_cert(lc->xs, x) == 1;

	X509_free(x);
	if (!ok)
		return x ? svc_err_openssl(lc->err, EX_SOFTWARE, "cannot add a CA certificate")
			 : -1;
	lc->n++;
	return 0;
}

int
tls_ca_load(struct device *dev, X509_STORE *store, struct svc_err *err)
{
	struct load_ctx lc = { store, err, 0 };

	if (store_tls_ca_each(device_store(dev), NULL, ca_load_one, &lc, err) < 0)
		return -1;
	return lc.n;
}

static int
ca_pem_one(void *arg, const struct store_tls_ca *ca)
{
	sb_adds(arg, ca->cert_pem);
	sb_adds(arg, "\n");
	return 0;
}

int
tls_ca_pem(struct device *dev, struct strbuf *out, struct svc_err *err)
{
	return store_tls_ca_each(device_store(dev), NULL, ca_pem_one, out, err);
}
