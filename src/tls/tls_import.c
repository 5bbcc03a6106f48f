/* Getting certificates and keys in: the signing request for a pair, the
 * certificate the CA signed, and key pairs from PKCS#12. */
#include "tls/tls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "store/store_tls.h"
#include "tls/tls_int.h"
#include "util/err_openssl.h"

/* --- CSR and install -------------------------------------------------------- */

int
tls_csr(struct device *dev, const char *name, const char *digest, struct strbuf *pem,
	struct svc_err *err)
{
	static const int copy[] = { NID_subject_alt_name, NID_key_usage, NID_ext_key_usage };
	const EVP_MD *md = EVP_sha256();
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	X509_REQ *req = X509_REQ_new();
	struct tls_pair p = { 0 };
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	BIO *bio = NULL;
	char what[80], *data;
	long n;
	int rc = -1;

	if (exts == NULL || req == NULL) {
		svc_err_openssl(err, EX_SOFTWARE, "out of memory");
		goto out;
	}
	if ((digest && tls_digest_parse(digest, &md, err) != 0) ||
	    tls_pair_get(dev, name, &p, err) != 0)
		goto out;
	snprintf(what, sizeof what, "making a signing request for '%s'", name);
	if (tls_need_manager(dev, what, name, err) != 0 ||
	    (pk = tls_key_unseal(dev, name, p.sealed.buf, err)) == NULL ||
	    (x = tls_cert_from_pem(p.cert.buf, err)) == NULL)
		goto out;
	for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++) {
		int at = X509_get_ext_by_NID(x, copy[i], -1);
		if (at >= 0)
			sk_X509_EXTENSION_push(exts, X509_EXTENSION_dup(X509_get_ext(x, at)));
	}
	if (X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    X509_REQ_set_subject_name(req, X509_get_subject_name(x)) != 1 ||
	    X509_REQ_set_pubkey(req, pk) != 1 || X509_REQ_add_extensions(req, exts) != 1 ||
	    X509_REQ_sign(req, pk, md) <= 0 || (bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_REQ(bio, req) != 1) {
		svc_err_openssl(err, EX_SOFTWARE, "cannot make the signing request");
		goto out;
	}
	n = BIO_get_mem_data(bio, &data);
	sb_reset(pem);
	sb_add(pem, data, (size_t)n);
	rc = device_audit(dev, "tls.csr", name, NULL, NULL, NULL, err);
out:
	BIO_free(bio);
	X509_free(x);
	EVP_PKEY_free(pk);
	X509_REQ_free(req);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	tls_pair_release(&p);
	return rc;
}

/* DRY: only the checks, up to the door. */
static int
install_common(struct device *dev, const char *name, const void *data, size_t len, bool dry,
	       struct svc_err *err)
{
	STACK_OF(X509) *certs = NULL;
	struct strbuf cert = STRBUF_INIT, chain = STRBUF_INIT;
	struct store *st = device_store(dev);
	struct tls_info in = { 0 };
	struct tls_pair p = { 0 };
	EVP_PKEY *pk = NULL;
	X509 *leaf = NULL;
	char what[96];
	int rc = -1;

	if (tls_pair_get(dev, name, &p, err) != 0 ||
	    tls_certs_parse(data, len, "the certificate", &certs, err) != 0)
		goto out;
	if ((pk = tls_key_unseal(dev, name, p.sealed.buf, err)) == NULL)
		goto out;
	for (int i = 0; i < sk_X509_num(certs) && leaf == NULL; i++)
		if (X509_check_private_key(sk_X509_value(certs, i), pk) == 1)
			leaf = sk_X509_value(certs, i);
	ERR_clear_error();
	if (leaf == NULL) {
		svc_errf(err, EX_DATAERR,
			 "the certificate does not match the key of '%s' (was the request made "
			 "for another key pair?)",
			 name);
		goto out;
	}
	if (tls_cert_check_time(leaf, "the certificate", err) != 0 ||
	    tls_cert_to_pem(leaf, &cert, err) != 0)
		goto out;
	for (int i = 0; i < sk_X509_num(certs); i++)
		if (sk_X509_value(certs, i) != leaf &&
		    tls_cert_to_pem(sk_X509_value(certs, i), &chain, err) != 0)
			goto out;
	tls_info_fill(leaf, &in);
	if (dry) {
		rc = 0;
		goto out;
	}
	snprintf(what, sizeof what, "installing a certificate for '%s'", name);
	if (tls_need_manager(dev, what, name, err) != 0 || store_begin(st, err) != 0)
		goto out;
	if (store_tls_key_set_cert(st, name, cert.buf, sb_str(&chain), err) != 1 ||
	    device_audit(dev, "tls.install", name, NULL, in.subject, in.fingerprint, err) != 0) {
		tls_pair_rollback(st, name, err);
		goto out;
	}
	rc = store_commit(st, err);
out:
	sk_X509_pop_free(certs, X509_free);
	EVP_PKEY_free(pk);
	sb_release(&cert);
	sb_release(&chain);
	tls_pair_release(&p);
	return rc;
}

int
tls_install_check(struct device *dev, const char *name, const void *data, size_t len,
		  struct svc_err *err)
{
	return install_common(dev, name, data, len, true, err);
}

int
tls_install(struct device *dev, const char *name, const void *data, size_t len, struct svc_err *err)
{
	return install_common(dev, name, data, len, false, err);
}

/* --- PKCS#12 ----------------------------------------------------------------- */

static int
import_p12_common(struct device *dev, const char *name, const void *data, size_t len,
		  const char *password, bool dry, struct svc_err *err)
{
	const unsigned char *p = data;
	PKCS12 *p12 = NULL;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	STACK_OF(X509) *ca = NULL;
	char what[80];
	int rc = -1;

	if (tls_name_check(name, err) != 0)
		return -1;
	if (len == 0 || len > INT32_MAX || (p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		svc_errf(err, EX_DATAERR, "the file is not a PKCS#12 (.p12/.pfx) file");
		goto out;
	}
	if (PKCS12_mac_present(p12) && PKCS12_verify_mac(p12, password, -1) != 1) {
		ERR_clear_error();
		svc_errf(err, EX_DATAERR, "wrong password for the PKCS#12 file");
		goto out;
	}
	if (PKCS12_parse(p12, password, &pk, &x, &ca) != 1) {
		svc_err_openssl(err, EX_DATAERR,
				"cannot decrypt the PKCS#12 file (wrong password, or an algorithm "
				"OpenSSL 3 no longer enables, such as RC2)");
		goto out;
	}
	if (pk == NULL || x == NULL) {
		svc_errf(err, EX_DATAERR, "the PKCS#12 file holds no %s",
			 pk == NULL ? "private key" : "certificate");
		goto out;
	}
	if (X509_check_private_key(x, pk) != 1) {
		ERR_clear_error();
		svc_errf(err, EX_DATAERR,
			 "the certificate in the PKCS#12 file does not match its key");
		goto out;
	}
	if (tls_key_check(pk, "the PKCS#12 key pair", err) != 0 ||
	    tls_cert_check_time(x, "the certificate in the PKCS#12 file", err) != 0)
		goto out;
	snprintf(what, sizeof what, "importing key pair '%s'", name);
	if (tls_pair_room(dev, name, err) != 0)
		goto out;
	if (dry) {
		rc = 0;
		goto out;
	}
	if (tls_need_manager(dev, what, name, err) != 0)
		goto out;
	rc = tls_pair_add(dev, name, "imported", pk, x, ca, false, "tls.import", err);
out:
	PKCS12_free(p12);
	EVP_PKEY_free(pk);
	X509_free(x);
	sk_X509_pop_free(ca, X509_free);
	return rc;
}

int
tls_import_p12_check(struct device *dev, const char *name, const void *data, size_t len,
		     const char *password, struct svc_err *err)
{
	return import_p12_common(dev, name, data, len, password, true, err);
}

int
tls_import_p12(struct device *dev, const char *name, const void *data, size_t len,
	       const char *password, struct svc_err *err)
{
	return import_p12_common(dev, name, data, len, password, false, err);
}
