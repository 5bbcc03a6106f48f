/*
 * Secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from the
 * per-device secret, one key per purpose. A sealed value is text:
 * "v1:" + base64(12-byte nonce | ciphertext | 16-byte tag). The AAD binds a
 * sealed value to its place (e.g. the setting key), so values cannot be
 * swapped between keys. Plaintext buffers are wiped by the caller.
 */
#ifndef SVC_SEAL_H
#define SVC_SEAL_H

#include <stddef.h>

#include "util/err.h"
#include "util/strbuf.h"

#define SEAL_KEY_LEN 32

int seal_derive(const unsigned char secret[32], const char *purpose,
		unsigned char key[SEAL_KEY_LEN], struct svc_err *err);
int seal_encrypt(const unsigned char key[SEAL_KEY_LEN], const char *aad, const void *plain,
		 size_t len, struct strbuf *out, struct svc_err *err);
/* EX_DATAERR if the value was altered, or sealed under another key or AAD. */
int seal_decrypt(const unsigned char key[SEAL_KEY_LEN], const char *aad, const char *sealed,
		 struct strbuf *out, struct svc_err *err);
/* Fills buf with n bytes from OpenSSL's CSPRNG. */
int seal_random(void *buf, size_t n, struct svc_err *err);

#endif
