/* The device as a TLS server: the key pair in use in an SSL_CTX (SMTP
 * reception's STARTTLS). */
#include "tls/tls.h"

#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

#include "store/store_tls.h"
#include "tls/tls_int.h"
#include "util/err_openssl.h"

static int
in_use_copy(void *arg, const struct store_tls_key *k)
{
	struct tls_pair *p = arg;

	if (!k->in_use)
		return 0;
	tls_pair_copy(p, k);
	snprintf(p->name, sizeof p->name, "%s", k->name);
	return 1;
}

static int
chain_add(SSL_CTX *ctx, const char *pem, struct svc_err *err)
{
	STACK_OF(X509) *chain = NULL;

	if (pem == NULL || *pem == '\0')
		return 0;
	if (tls_certs_parse(pem, strlen(pem), "the stored chain", &chain, err) != 0)
		return -1;
	for (int i = 0; i < sk_X509_num(chain); i++) {
		X509 *x = sk_X509_value(chain, i);
		if (SSL_CTX_add_extra_chain_cert(ctx, x) != 1) {
			sk_X509_pop_free(chain, X509_free);
			return svc_err_openssl(err, EX_SOFTWARE, "cannot use the stored chain");
		}
		sk_X509_set(chain, i, NULL); /* the context owns it now */
	}
	sk_X509_free(chain);
	return 0;
}

int
tls_server_ctx(struct device *dev, SSL_CTX *ctx, char *name, size_t cap, struct svc_err *err)
{
	struct tls_pair p = { 0 };
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	int rc = -1;

	if (store_tls_key_each(device_store(dev), NULL, in_use_copy, &p, err) < 0)
		goto out;
	if (!p.found) {
		svc_errf(err, EX_CONFIG, "no key pair is in use (see 'svcmode cert list')");
		goto out;
	}
	if ((x = tls_cert_from_pem(p.cert.buf, err)) == NULL ||
	    (pk = tls_key_unseal(dev, p.name, p.sealed.buf, err)) == NULL)
		goto out;
	if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, pk) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		svc_err_openssl(err, EX_DATAERR, "the key pair in use cannot serve TLS");
		goto out;
	}
	if (chain_add(ctx, p.chain.buf, err) != 0)
		goto out;
	snprintf(name, cap, "%s", p.name);
	rc = 0;
out:
	EVP_PKEY_free(pk);
	X509_free(x);
	tls_pair_release(&p);
	return rc;
}
