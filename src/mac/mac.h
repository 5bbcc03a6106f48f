/*
 * MAC Address Block (Network Settings > MAC Address Block): a Receive and
 * a Send filter, each with Use Filter ON/OFF and a Default Policy
 * (catalog keys network.mac.{rx,tx}.{enabled,policy}) and up to
 * MAC_MAX_ENTRIES exception addresses (kept here). Apply loads an nftables
 * ruleset (table netdev svcmode_mac, ingress and egress hooks of one
 * interface) that implements exactly the stored policy, and keeps it in
 * MAC_RULESET_FILE beside the store (nft.c). Multicast and broadcast
 * frames are never filtered.
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
#define MAC_RULESET_FILE "mac-block.nft"
#define MAC_TABLE "svcmode_mac" /* our own table, family netdev */

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

/* --- the kernel side (nft.c) --- */

/*
 * The interface the filters are for: OPT (the --iface option) if given,
 * else the setting network.mac.interface, else the interface of the
 * default route (/proc/net/route, then /proc/net/ipv6_route). EX_USAGE for
 * a bad OPT, EX_CONFIG (78) when nothing names one.
 */
int mac_iface(struct device *dev, const char *opt, struct strbuf *out, struct svc_err *err);

/* The nftables ruleset for the stored settings on interface IFACE (NULL:
 * mac_iface's choice). It first creates and deletes table svcmode_mac, so
 * that 'nft -f' replaces the table in one transaction. */
int mac_ruleset(struct device *dev, const char *iface, struct strbuf *out, struct svc_err *err);

struct mac_apply_opts {
	const char *path;  /* NULL: MAC_RULESET_FILE beside the store; "-": stdout */
	const char *iface; /* NULL: mac_iface's choice */
	bool force;        /* apply filters that block every host */
	bool load;         /* load into the kernel (never for "-") */
};

/* The refusals of an apply, with nothing written: a bad interface name
 * (EX_USAGE), filters that block every host (EX_DATAERR unless force),
 * and when loading an interface that does not exist (EX_CONFIG). */
int mac_apply_check(struct device *dev, const struct mac_apply_opts *o, struct svc_err *err);

/*
 * Renders the ruleset; when loading, writes it to a private temporary file
 * beside the store, checks it with 'nft -c -f' and loads it with 'nft -f'
 * (one nft transaction: the kernel has the old table or the new one),
 * then writes the file atomically. When nft refuses (EX_UNAVAILABLE, or
 * EX_NOPERM) the previous ruleset stays loaded and the previous file
 * stays; no nft at all: EX_UNAVAILABLE and no file written. Audited
 * (mac.load, mac.apply); *written gets the path (may be NULL).
 */
int mac_apply(struct device *dev, const struct mac_apply_opts *o, struct strbuf *written,
	      struct svc_err *err);

/* What is loaded, read back from 'nft list table netdev svcmode_mac'. */
struct mac_kfilter {
	bool enabled;      /* its chain exists */
	bool reject;       /* policy drop */
	bool except_ok;    /* the exceptions get the opposite verdict */
	int count;         /* addresses in the set */
	char (*addrs)[18]; /* normalized, as listed */
};
struct mac_kernel {
	bool loaded;    /* the table exists */
	char iface[16]; /* the device of its chains, "" when none */
	struct mac_kfilter f[2];
};
/* EX_UNAVAILABLE without nft, EX_NOPERM without CAP_NET_ADMIN. */
int mac_kernel_read(struct mac_kernel *k, struct svc_err *err);
void mac_kernel_release(struct mac_kernel *k);
/* 1 when filter D as loaded is what the store holds (OFF: no chain), on
 * the interface mac_iface chooses when it can choose one; 0 if not. */
int mac_kernel_matches(struct device *dev, const struct mac_kernel *k, enum mac_dir d,
		       struct svc_err *err);
/*
 * Deletes table svcmode_mac from the kernel (absent is fine; no nft: nothing
 * can have been loaded), then erases the ruleset file beside the store and
 * any temporary left of a write (mac-block.nft.*, .mac-block.nft.*).
 * Counts "MAC rulesets in the kernel" and "MAC ruleset files" in ST (may
 * be NULL).
 */
int mac_kernel_remove(struct device *dev, struct erase_stats *st, struct svc_err *err);

/* Initialize All Data/Settings, inside the caller's transaction: empties
 * both exception lists (the filter settings are reset by the catalog) and
 * removes what was loaded and written from them (mac_kernel_remove). */
int mac_erase(struct device *dev, struct erase_stats *st, struct svc_err *err);

#endif
