#include "access/seal.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <string.h>

#include "util/err_openssl.h"

#define NONCE_LEN 12
#define TAG_LEN 16
#define PREFIX "v1:"

int
seal_random(void *buf, size_t n, struct svc_err *err)
{
	if (RAND_bytes(buf, (int)n) != 1)
		return svc_err_openssl_failed(err, "random number generator");
	return 0;
}

int
seal_derive(const unsigned char secret[32], const char *purpose, unsigned char key[SEAL_KEY_LEN],
	    struct svc_err *err)
{
	EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	EVP_KDF_CTX *ctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
	OSSL_PARAM params[4];
	int rc = -1;

	if (ctx == NULL) {
		svc_err_openssl_failed(err, "HKDF");
		goto out;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, 32);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, (void *)purpose,
						      strlen(purpose));
	params[3] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, key, SEAL_KEY_LEN, params) != 1) {
		svc_err_openssl_failed(err, "HKDF");
		goto out;
	}
	rc = 0;
out:
	EVP_KDF_CTX_free(ctx);
	EVP_KDF_free(kdf);
	return rc;
}

int
seal_encrypt(const unsigned char key[SEAL_KEY_LEN], const char *aad, const void *plain, size_t len,
	     struct strbuf *out, struct svc_err *err)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	size_t rawlen = NONCE_LEN + len + TAG_LEN;
	unsigned char *raw = xmalloc(rawlen);
	char *b64 = xmalloc(4 * ((rawlen + 2) / 3) + 1);
	int n, rc = -1;

	if (ctx == NULL || RAND_bytes(raw, NONCE_LEN) != 1 ||
	    EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(ctx, raw + NONCE_LEN, &n, plain, (int)len) != 1 ||
	    EVP_EncryptFinal_ex(ctx, raw + NONCE_LEN + n, &n) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, raw + NONCE_LEN + len) != 1) {
		svc_err_openssl_failed(err, "encryption");
		goto out;
	}
	EVP_EncodeBlock((unsigned char *)b64, raw, (int)rawlen);
	sb_reset(out);
	sb_adds(out, PREFIX);
	sb_adds(out, b64);
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	OPENSSL_cleanse(raw, rawlen);
	free(raw);
	free(b64);
	return rc;
}

int
seal_decrypt(const unsigned char key[SEAL_KEY_LEN], const char *aad, const char *sealed,
	     struct strbuf *out, struct svc_err *err)
{
	EVP_CIPHER_CTX *ctx = NULL;
	const char *b64 = sealed + strlen(PREFIX);
	size_t b64len, rawcap;
	unsigned char *raw = NULL, *plain = NULL;
	int rawlen, n, len, rc = -1;

	if (strncmp(sealed, PREFIX, strlen(PREFIX)) != 0)
		return svc_errf(err, EX_DATAERR, "sealed value has an unknown format");
	b64len = strlen(b64);
	if (b64len % 4 != 0 || b64len < (size_t)4 * ((NONCE_LEN + TAG_LEN + 2) / 3))
		return svc_errf(err, EX_DATAERR, "sealed value is truncated");
	rawcap = b64len / 4 * 3;
	raw = xmalloc(rawcap);
	rawlen = EVP_DecodeBlock(raw, (const unsigned char *)b64, (int)b64len);
	if (rawlen < 0) {
		svc_errf(err, EX_DATAERR, "sealed value is not valid base64");
		goto out;
	}
	/* DecodeBlock counts '=' padding as zero bytes. */
	rawlen -= (b64[b64len - 1] == '=') + (b64[b64len - 2] == '=');
	len = rawlen - NONCE_LEN - TAG_LEN;
	if (len < 0) {
		svc_errf(err, EX_DATAERR, "sealed value is truncated");
		goto out;
	}
	plain = xmalloc((size_t)len + 1);
	ctx = EVP_CIPHER_CTX_new();
	if (ctx == NULL || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, raw) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)aad, (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(ctx, plain, &n, raw + NONCE_LEN, len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, raw + NONCE_LEN + len) != 1 ||
	    EVP_DecryptFinal_ex(ctx, plain + n, &n) != 1) {
		ERR_clear_error();
		svc_errf(err, EX_DATAERR,
			 "sealed value fails authentication (altered, or from "
			 "another device)");
		goto out;
	}
	sb_reset(out);
	sb_add(out, plain, (size_t)len);
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	if (plain) {
		OPENSSL_cleanse(plain, (size_t)len + 1);
		free(plain);
	}
	OPENSSL_cleanse(raw, rawcap);
	free(raw);
	return rc;
}
