/*
 * Store rows of the tls module: key pairs (private key sealed by the
 * caller) and CA certificates. Returns as in store.h; text handed to a
 * callback lives only for that call.
 */
#ifndef SVC_STORE_TLS_H
#define SVC_STORE_TLS_H

#include <stdbool.h>

#include "store/store.h"

struct store_tls_key {
	const char *name;
	const char *origin;     /* "default", "generated", "imported" */
	const char *key_sealed; /* seal_encrypt() text */
	const char *cert_pem;
	const char *chain_pem; /* "" when none */
	bool in_use;
	const char *created; /* set by the store on add */
};
typedef int (*store_tls_key_fn)(void *arg, const struct store_tls_key *k);

/* EX_DATAERR if a pair of that name exists. */
int store_tls_key_add(struct store *st, const struct store_tls_key *k, struct svc_err *err);
/* Calls FN for the pair NAME (NULL: every pair, by name); returns how many
 * rows it saw, or -1. A non-zero return of FN stops and is returned. */
int store_tls_key_each(struct store *st, const char *name, store_tls_key_fn fn, void *arg,
		       struct svc_err *err);
/* Counts pairs of ORIGIN (NULL: all). */
int store_tls_key_count(struct store *st, const char *origin, struct svc_err *err);
/* Replaces the certificate and chain; returns rows changed (0: no such pair). */
int store_tls_key_set_cert(struct store *st, const char *name, const char *cert_pem,
			   const char *chain_pem, struct svc_err *err);
/* Marks NAME as the one in use (and no other); returns rows marked. */
int store_tls_key_use(struct store *st, const char *name, struct svc_err *err);
/* Returns rows deleted. */
int store_tls_key_delete(struct store *st, const char *name, struct svc_err *err);
int store_tls_key_delete_all(struct store *st, struct svc_err *err);

struct store_tls_ca {
	const char *fingerprint; /* 64 upper-case hex digits */
	const char *subject;
	const char *cert_pem;
	const char *added;
};
typedef int (*store_tls_ca_fn)(void *arg, const struct store_tls_ca *ca);
int store_tls_ca_add(struct store *st, const struct store_tls_ca *ca, struct svc_err *err);
/* Every CA certificate (by subject), or those whose fingerprint starts
 * with PREFIX. Returns rows seen. */
int store_tls_ca_each(struct store *st, const char *prefix, store_tls_ca_fn fn, void *arg,
		      struct svc_err *err);
int store_tls_ca_count(struct store *st, struct svc_err *err);
int store_tls_ca_delete(struct store *st, const char *fingerprint, struct svc_err *err);
int store_tls_ca_delete_all(struct store *st, struct svc_err *err);

#endif
