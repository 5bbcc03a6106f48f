/* Private keys at rest: PKCS#8 sealed under the device key, bound to the
 * pair's name. */
#include "tls/tls.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>

#include "access/seal.h"
#include "tls/tls_int.h"
#include "util/err_openssl.h"

#define TLS_SEAL_PURPOSE "svcmode tls keys v1"

static void
seal_aad(const char *name, char *aad, size_t cap)
{
	snprintf(aad, cap, "tls.key:%s", name);
}

int
tls_key_seal(struct device *dev, const char *name, EVP_PKEY *pk, struct strbuf *out,
	     struct svc_err *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pk);
	unsigned char *der = NULL, k[SEAL_KEY_LEN];
	char aad[64];
	int n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1, rc = -1;

	PKCS8_PRIV_KEY_INFO_free(p8);
	if (n <= 0) {
		svc_err_openssl(err, EX_SOFTWARE, "cannot encode the private key");
		goto out;
	}
	seal_aad(name, aad, sizeof aad);
	if (device_key(dev, TLS_SEAL_PURPOSE, k, err) == 0)
		rc = seal_encrypt(k, aad, der, (size_t)n, out, err);
out:
	OPENSSL_cleanse(k, sizeof k);
	if (der) {
		OPENSSL_cleanse(der, (size_t)n);
		OPENSSL_free(der);
	}
	return rc;
}

EVP_PKEY *
tls_key_unseal(struct device *dev, const char *name, const char *sealed, struct svc_err *err)
{
	struct strbuf plain = STRBUF_INIT;
	unsigned char k[SEAL_KEY_LEN];
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *pk = NULL;
	const unsigned char *p;
	char aad[64];

	seal_aad(name, aad, sizeof aad);
	if (device_key(dev, TLS_SEAL_PURPOSE, k, err) != 0 ||
	    seal_decrypt(k, aad, sealed, &plain, err) != 0)
		goto out;
	p = (const unsigned char *)plain.buf;
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)plain.len)) == NULL ||
	    (pk = EVP_PKCS82PKEY(p8)) == NULL)
		svc_err_openssl(err, EX_DATAERR, "the stored private key is damaged");
out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	OPENSSL_cleanse(k, sizeof k);
	sb_release(&plain);
	return pk;
}
