/*
 * What the files of the tls module share and nobody else sees: one stored
 * key pair, the certificate helpers, the sealed keys and the door. Only
 * the tls module's .c files include this header; the module's API is tls.h.
 */
#ifndef SVC_TLS_INT_H
#define SVC_TLS_INT_H

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/store_tls.h"
#include "tls/tls.h"
#include "util/err.h"
#include "util/strbuf.h"

/* One stored pair, as read from the store (release with tls_pair_release). */
struct tls_pair {
	bool found, in_use;
	char name[64]; /* when found by in_use_copy */
	struct strbuf origin, sealed, cert, chain;
};

/* What tls_list and tls_ca_list hand each certificate to. */
struct tls_list_ctx {
	tls_info_fn fn;
	void *arg;
	struct svc_err *err;
	int failed;
};

/* tls.c: the door every change goes through; refusals are audited. */
int tls_need_manager(struct device *dev, const char *what, const char *key, struct svc_err *err);

/* tls.c: the pair store. */
void tls_pair_release(struct tls_pair *p);
/* A store_tls_key_each callback filling the struct tls_pair ARG. */
int tls_pair_copy(void *arg, const struct store_tls_key *k);
/* Reads NAME; EX_USAGE "no key pair" when it does not exist. */
int tls_pair_get(struct device *dev, const char *name, struct tls_pair *p, struct svc_err *err);
/* In the open transaction: NAME is free and one more pair fits. */
int tls_pair_room(struct device *dev, const char *name, struct svc_err *err);
/* Stores a new pair in one audited transaction. */
int tls_pair_add(struct device *dev, const char *name, const char *origin, EVP_PKEY *pk, X509 *x,
		 STACK_OF(X509) * chain, bool in_use, const char *event, struct svc_err *err);
/* Rolls back a change of NAME that failed in its transaction; a failure
 * that left err empty means the pair was deleted meanwhile. */
void tls_pair_rollback(struct store *st, const char *name, struct svc_err *err);
/* A tls_info_fn copying the info into the struct tls_info ARG. */
int tls_copy_info(void *arg, const struct tls_info *in);

/* tls_genkey.c: "sha256", "sha384", "sha512" (any case, dashes allowed). */
int tls_digest_parse(const char *s, const EVP_MD **out, struct svc_err *err);

/* tls_x509.c: reading and describing certificates. */
/* Every certificate of DATA: PEM (one or more) or one DER certificate. */
int tls_certs_parse(const void *data, size_t len, const char *what, STACK_OF(X509) * *out,
		    struct svc_err *err);
X509 *tls_cert_from_pem(const char *pem, struct svc_err *err);
int tls_cert_to_pem(X509 *x, struct strbuf *out, struct svc_err *err);
/* Refuses a certificate that is not valid now. */
int tls_cert_check_time(X509 *x, const char *what, struct svc_err *err);
/* Keys svcmode accepts from outside: RSA >= 2048 bits, ECDSA P-256/384/521. */
int tls_key_check(EVP_PKEY *pk, const char *what, struct svc_err *err);
/* The SHA-256 fingerprint: HEX64 (65 bytes) and/or "AB:CD:..." in COLONS. */
void tls_fingerprint(X509 *x, char *hex64, char *colons, size_t cap);
void tls_info_fill(X509 *x, struct tls_info *in);
int tls_info_from_pem(const char *pem, struct tls_info *in, struct svc_err *err);

/* tls_seal.c: private keys at rest. */
int tls_key_seal(struct device *dev, const char *name, EVP_PKEY *pk, struct strbuf *out,
		 struct svc_err *err);
EVP_PKEY *tls_key_unseal(struct device *dev, const char *name, const char *sealed,
			 struct svc_err *err);

#endif
