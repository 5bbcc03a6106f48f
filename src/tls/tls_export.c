/* Getting a pair out: its certificate as PEM or DER, or key and certificate
 * as PKCS#12 (the only way a private key leaves the store). */
#include "tls/tls.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "tls/tls_int.h"
#include "util/err_openssl.h"

#define TLS_P12_ITER 100000
#define TLS_P12_MIN_PASSWORD 8

int
tls_export_password_check(const char *password, struct svc_err *err)
{
	if (strlen(password) < TLS_P12_MIN_PASSWORD)
		return svc_errf(err, EX_USAGE,
				"the export password must have at least %d characters",
				TLS_P12_MIN_PASSWORD);
	return 0;
}

int
tls_export_p12(struct device *dev, const char *name, const char *password, struct strbuf *out,
	       struct svc_err *err)
{
	STACK_OF(X509) *chain = NULL;
	struct tls_pair p = { 0 };
	EVP_PKEY *pk = NULL;
	PKCS12 *p12 = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	char what[80];
	int n, rc = -1;

	if (tls_export_password_check(password, err) != 0)
		return -1;
	if (tls_pair_get(dev, name, &p, err) != 0)
		goto out;
	snprintf(what, sizeof what, "exporting the key of '%s'", name);
	if (tls_need_manager(dev, what, name, err) != 0 ||
	    (pk = tls_key_unseal(dev, name, p.sealed.buf, err)) == NULL ||
	    (x = tls_cert_from_pem(p.cert.buf, err)) == NULL)
		goto out;
	if (p.chain.len &&
	    tls_certs_parse(p.chain.buf, p.chain.len, "the stored chain", &chain, err))
		goto out;
	p12 = PKCS12_create_ex(password, name, pk, x, chain, NID_aes_256_cbc, NID_aes_256_cbc,
			       TLS_P12_ITER, -1, 0, NULL, NULL);
	if (p12 == NULL ||
	    PKCS12_set_mac(p12, password, -1, NULL, 0, TLS_P12_ITER, EVP_sha256()) != 1 ||
	    (n = i2d_PKCS12(p12, &der)) <= 0) {
		svc_err_openssl(err, EX_SOFTWARE, "cannot make the PKCS#12 file");
		goto out;
	}
	sb_reset(out);
	sb_add(out, der, (size_t)n);
	rc = device_audit(dev, "tls.export", name, NULL, NULL, "PKCS#12 with private key", err);
out:
	OPENSSL_free(der);
	PKCS12_free(p12);
	X509_free(x);
	EVP_PKEY_free(pk);
	sk_X509_pop_free(chain, X509_free);
	tls_pair_release(&p);
	return rc;
}

int
tls_export(struct device *dev, const char *name, bool der, struct strbuf *out, struct svc_err *err)
{
	struct tls_pair p = { 0 };
	unsigned char *buf = NULL;
	X509 *x = NULL;
	int n, rc = -1;

	if (tls_pair_get(dev, name, &p, err) != 0)
		goto out;
	sb_reset(out);
	if (!der) {
		sb_adds(out, p.cert.buf);
		sb_adds(out, sb_str(&p.chain));
		rc = 0;
		goto out;
	}
	if ((x = tls_cert_from_pem(p.cert.buf, err)) == NULL)
		goto out;
	if ((n = i2d_X509(x, &buf)) <= 0) {
		svc_err_openssl(err, EX_SOFTWARE, "cannot encode certificate");
		goto out;
	}
	sb_add(out, buf, (size_t)n);
	rc = 0;
out:
	OPENSSL_free(buf);
	X509_free(x);
	tls_pair_release(&p);
	return rc;
}
