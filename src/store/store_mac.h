/* Store rows of the mac module: the exception list of each filter. */
#ifndef SVC_STORE_MAC_H
#define SVC_STORE_MAC_H

#include "store/store.h"

/* DIR is "rx" or "tx"; ADDR normalized by the caller. EX_DATAERR if the
 * address is already listed. */
int store_mac_add(struct store *st, const char *dir, const char *addr, struct svc_err *err);
/* Returns rows deleted (0: not listed). */
int store_mac_remove(struct store *st, const char *dir, const char *addr, struct svc_err *err);
/* DIR NULL: both lists. Returns rows deleted. */
int store_mac_clear(struct store *st, const char *dir, struct svc_err *err);
int store_mac_count(struct store *st, const char *dir, struct svc_err *err);
typedef int (*store_mac_fn)(void *arg, const char *addr, const char *added);
/* Addresses of DIR in order; returns how many, or -1. */
int store_mac_each(struct store *st, const char *dir, store_mac_fn fn, void *arg,
		   struct svc_err *err);

#endif
