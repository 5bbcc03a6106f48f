/*
 * SSL key pairs and CA certificates (Network Settings > SSL Settings).
 *
 * A key pair is a private key, sealed at rest under the device key
 * ("svcmode tls keys v1", bound to the pair's name), and its X.509
 * certificate with the chain a CA returned. Private keys leave the store
 * only inside a password-protected PKCS#12. The pair "Default Key" is made
 * by tls_provision on a new store; at most TLS_MAX_USER_PAIRS other pairs
 * and TLS_MAX_CAS CA certificates are kept (the device's limits).
 *
 * Every function returns 0 (or a count) or -1 with err filled; on failure
 * the store is unchanged. Changes need the System Manager's door
 * (DOOR_MANAGER) and are audited, refused attempts included. The *_check
 * functions change nothing and need no door: callers run them before
 * asking for credentials.
 */
#ifndef SVC_TLS_H
#define SVC_TLS_H

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

#include "config/config.h"
#include "util/erase.h"
#include "util/err.h"
#include "util/strbuf.h"

#define TLS_MAX_USER_PAIRS 3
#define TLS_MAX_CAS 10
#define TLS_DEFAULT_NAME "Default Key"
#define TLS_EXPIRY_WARN_DAYS 30
#define TLS_NAME_MAX 24
#define TLS_MAX_YEARS 30 /* the longest validity genkey makes */

typedef void (*tls_progress_fn)(void *arg, const char *what, double fraction);

struct tls_genkey_opts {
	const char *alg;        /* "p256" (default), "p384", "rsa2048", "rsa3072", "rsa4096" */
	const char *digest;     /* "sha256" (default), "sha384", "sha512" */
	const char *not_before; /* "YYYY-MM-DD" (00:00 UTC) or NULL: now */
	const char *not_after;  /* "YYYY-MM-DD" or NULL: not_before + days */
	const char *validity;   /* "398d" (default), "5y", or "N" days */
	const char *cn;         /* NULL: the host name */
	const char *o, *ou, *l, *st, *c;
	tls_progress_fn progress;
	void *progress_arg;
};

/* What show and list print about a certificate. */
struct tls_info {
	char name[TLS_NAME_MAX + 1]; /* key pair name; "" for a CA */
	char origin[12];             /* default, generated, imported; "" for a CA */
	bool in_use;
	bool has_chain;
	char subject[256];
	char issuer[256];
	char san[256];
	char not_before[32]; /* "2026-11-27 19:10:00 UTC" */
	char not_after[32];
	int days_left; /* negative once expired */
	bool expiring; /* within TLS_EXPIRY_WARN_DAYS */
	bool expired;
	bool self_signed;
	bool is_ca;
	char key_type[32];     /* "ECDSA P-256", "RSA 2048" */
	char signature[32];    /* "ecdsa-with-SHA256" */
	char serial[80];       /* hex */
	char fingerprint[100]; /* SHA-256, "AB:CD:..." */
};
typedef int (*tls_info_fn)(void *arg, const struct tls_info *info);

/* Names: 1-24 of A-Z a-z 0-9 . _ - and space, not starting with a space. */
int tls_name_check(const char *name, struct svc_err *err);

/* Every option of tls_genkey checked, and room for NAME: what tls_genkey
 * would refuse before generating anything. */
int tls_genkey_check(struct device *dev, const char *name, const struct tls_genkey_opts *o,
		     struct svc_err *err);
int tls_genkey(struct device *dev, const char *name, const struct tls_genkey_opts *o,
	       struct svc_err *err);
/* NAME is a valid name, not taken, and one more pair fits (import). */
int tls_room_check(struct device *dev, const char *name, struct svc_err *err);
/* A PEM certificate signing request for NAME's key, subject and SAN. */
int tls_csr(struct device *dev, const char *name, const char *digest, struct strbuf *pem,
	    struct svc_err *err);
/* Installs the CA-signed certificate in DATA (PEM, possibly followed by
 * its chain, or one DER certificate) for NAME. Refused unless it matches
 * the key and is valid now. */
int tls_install(struct device *dev, const char *name, const void *data, size_t len,
		struct svc_err *err);
int tls_install_check(struct device *dev, const char *name, const void *data, size_t len,
		      struct svc_err *err);
/* Imports a key pair from PKCS#12 DATA with PASSWORD. */
int tls_import_p12(struct device *dev, const char *name, const void *data, size_t len,
		   const char *password, struct svc_err *err);
int tls_import_p12_check(struct device *dev, const char *name, const void *data, size_t len,
			 const char *password, struct svc_err *err);
/* The certificate of NAME: PEM (with its chain) or DER (the certificate). */
int tls_export(struct device *dev, const char *name, bool der, struct strbuf *out,
	       struct svc_err *err);
/* Key and certificate as PKCS#12 (AES-256, PBKDF2) under PASSWORD (>= 8
 * characters): the only way a private key leaves the store. */
int tls_export_p12(struct device *dev, const char *name, const char *password, struct strbuf *out,
		   struct svc_err *err);
/* Whether tls_export_p12 would take PASSWORD. */
int tls_export_password_check(const char *password, struct svc_err *err);
int tls_list(struct device *dev, tls_info_fn fn, void *arg, struct svc_err *err);
int tls_show(struct device *dev, const char *name, struct tls_info *out, struct svc_err *err);
int tls_use(struct device *dev, const char *name, struct svc_err *err);
/* NAME exists and may be deleted (not the factory pair, not in use). */
int tls_delete_check(struct device *dev, const char *name, struct svc_err *err);
int tls_delete(struct device *dev, const char *name, struct svc_err *err);

/* CA certificates: PEM or DER, one certificate per import. */
int tls_ca_import(struct device *dev, const void *data, size_t len, struct tls_info *out,
		  struct svc_err *err);
int tls_ca_import_check(struct device *dev, const void *data, size_t len, struct svc_err *err);
int tls_ca_list(struct device *dev, tls_info_fn fn, void *arg, struct svc_err *err);
/* FP: the fingerprint or a unique prefix of at least 8 hex digits, with or
 * without colons, any case. */
int tls_ca_show(struct device *dev, const char *fp, struct tls_info *out, struct svc_err *err);
int tls_ca_delete(struct device *dev, const char *fp, struct svc_err *err);
/* Adds every stored CA certificate to STORE (for the mail client);
 * returns how many. */
int tls_ca_load(struct device *dev, X509_STORE *store, struct svc_err *err);
/* Appends every stored CA certificate to OUT as PEM (for libcurl). */
int tls_ca_pem(struct device *dev, struct strbuf *out, struct svc_err *err);

/* Loads the key pair in use (its certificate, chain and private key) into
 * CTX, the device's side of a TLS server (SMTP reception's STARTTLS);
 * NAME gets the pair's name. EX_CONFIG when no pair is in use. */
int tls_server_ctx(struct device *dev, SSL_CTX *ctx, char *name, size_t cap, struct svc_err *err);

/* Creates the factory default key pair if there is none (idempotent). */
int tls_provision(struct device *dev, struct svc_err *err);
/* Initialize All Data/Settings, inside the caller's transaction: deletes
 * every key pair (the caller then calls tls_provision for a new default)
 * and every CA certificate. */
int tls_erase_user(struct device *dev, struct erase_stats *st, struct svc_err *err);

#endif
