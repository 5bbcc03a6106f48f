/*
 * MAC Address Block (Network Settings > MAC Address Block): a Receive and
 * a Send filter, each with Use Filter ON/OFF and a Default Policy
 * (catalog keys network.mac.{rx,tx}.{enabled,policy}) and up to
 * MAC_MAX_ENTRIES exception addresses (kept here). Apply writes an
 * nftables ruleset (netdev family, ingress and egress hooks of the device's
 * interface) that implements exactly the stored policy. Multicast and
 * broadcast frames are never filtered.
 *
 * Functions return 0 (or a count) or -1 with err; on failure the store is
 * unchanged. Changes need the System Manager and are audited. A change
 * that would block every host (Use Filter ON, Default Policy Reject, no
 * exceptions) is refused with EX_DATAERR unless FORCE.
 */
#ifndef SVC_MAC_H
#define SVC_MAC_H

#include <stdbool.h>

#include "config/config.h"
#include "util/erase.h"
#include "util/err.h"
#include "util/strbuf.h"

#define MAC_MAX_ENTRIES 100
#define MAC_DEFAULT_IFACE "eth0"
#define MAC_RULESET_FILE "mac-block.nft"

enum mac_dir { MAC_RX, MAC_TX };

int mac_dir_parse(const char *s, enum mac_dir *out, struct svc_err *err);
const char *mac_dir_name(enum mac_dir d);  /* "rx", "tx" */
const char *mac_dir_title(enum mac_dir d); /* "Receive Filter", "Send Filter" */
/* Accepts 00:1e:8f:12:34:56, 00-1E-8F-12-34-56, 001e.8f12.3456,
 * 001E8F123456; writes 00:1E:8F:12:34:56. Refuses multicast, broadcast
 * and all-zero addresses (they are never filtered). */
int mac_normalize(const char *in, char out[18], struct svc_err *err);

struct mac_filter {
	bool enabled;
	bool reject; /* Default Policy Reject (else Allow) */
	int count;   /* exception addresses */
};
int mac_filter_get(struct device *dev, enum mac_dir d, struct mac_filter *out, struct svc_err *err);
typedef int (*mac_entry_fn)(void *arg, const char *addr, const char *added);
/* Exceptions of D in address order; returns how many. */
int mac_each(struct device *dev, enum mac_dir d, mac_entry_fn fn, void *arg, struct svc_err *err);

/*
 * The checks of each change alone: the same refusals, with nothing
 * written and no door asked for, so that the operation table can refuse
 * bad input before any login. ENABLED and REJECT: 0, 1, or -1 to keep.
 */
int mac_add_check(struct device *dev, enum mac_dir d, const char *const *addrs, int n,
		  struct svc_err *err);
int mac_remove_check(struct device *dev, enum mac_dir d, const char *addr, bool force,
		     struct svc_err *err);
int mac_clear_check(struct device *dev, enum mac_dir d, bool force, struct svc_err *err);
int mac_set_check(struct device *dev, enum mac_dir d, int enabled, int reject, bool force,
		  struct svc_err *err);
int mac_apply_check(struct device *dev, const char *iface, bool force, struct svc_err *err);

/*
 * The changes. Each is one write transaction of its own (call them outside
 * any transaction), tried again a few times if the store stays busy. Adds
 * N addresses, all or nothing: a duplicate or one over MAC_MAX_ENTRIES is
 * refused with EX_DATAERR, counted inside the write transaction, so that
 * of several svcmode filling a list at once each is done or refused as
 * full, never left "busy".
 */
int mac_add(struct device *dev, enum mac_dir d, const char *const *addrs, int n,
	    struct svc_err *err);
int mac_remove(struct device *dev, enum mac_dir d, const char *addr, bool force,
	       struct svc_err *err);
/* Returns how many were removed. */
int mac_clear(struct device *dev, enum mac_dir d, bool force, struct svc_err *err);
int mac_set_policy(struct device *dev, enum mac_dir d, bool reject, bool force,
		   struct svc_err *err);
int mac_set_enabled(struct device *dev, enum mac_dir d, bool on, bool force, struct svc_err *err);

/* The nftables ruleset for the stored settings on interface IFACE (NULL:
 * MAC_DEFAULT_IFACE). */
int mac_ruleset(struct device *dev, const char *iface, struct strbuf *out, struct svc_err *err);
/* Writes the ruleset to PATH atomically (NULL: MAC_RULESET_FILE beside
 * the store; "-": stdout) and audits it; *written gets the path (may be
 * NULL). */
int mac_apply(struct device *dev, const char *path, const char *iface, bool force,
	      struct strbuf *written, struct svc_err *err);

/* Loads the ruleset at PATH into the kernel with 'nft -f' (found in PATH;
 * needs CAP_NET_ADMIN). nft's own message is quoted in err on failure:
 * EX_UNAVAILABLE (no nft, or it refused the ruleset), EX_NOPERM. Audited. */
int mac_load(struct device *dev, const char *path, struct svc_err *err);

/* Initialize All Data/Settings, inside the caller's transaction: empties
 * both exception lists (the filter settings are reset by the catalog). */
int mac_erase(struct device *dev, struct erase_stats *st, struct svc_err *err);

#endif
