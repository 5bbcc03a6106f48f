/* MAC Address Block: exception lists and filter settings (the kernel side,
 * the nftables ruleset, is nft.c). */
#include "mac/mac.h"
#include "catalog/keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mac/mac_int.h"
#include "store/store_mac.h"

/* Write transactions tried again when the store is busy. */
#define MAC_TXN_ATTEMPTS 5

static const struct {
	const char *name, *title, *enabled_key, *policy_key, *hook, *match;
} dirs[] = {
	[MAC_RX] = { "rx", "Receive Filter", KEY_NETWORK_MAC_RX_ENABLED, KEY_NETWORK_MAC_RX_POLICY,
		     "ingress", "saddr" },
	[MAC_TX] = { "tx", "Send Filter", KEY_NETWORK_MAC_TX_ENABLED, KEY_NETWORK_MAC_TX_POLICY,
		     "egress", "daddr" },
};

int
mac_dir_parse(const char *s, enum mac_dir *out, struct svc_err *err)
{
	for (int d = MAC_RX; d <= MAC_TX; d++) {
		if (strcasecmp(s, dirs[d].name) == 0) {
			*out = (enum mac_dir)d;
			return 0;
		}
	}
	return svc_errf(err, EX_USAGE,
			"invalid filter '%s': expected rx (Receive Filter) or tx (Send Filter)", s);
}

const char *
mac_dir_name(enum mac_dir d)
{
	return dirs[d].name;
}

const char *
mac_dir_title(enum mac_dir d)
{
	return dirs[d].title;
}

int
mac_normalize(const char *in, char out[18], struct svc_err *err)
{
	/* The catalog's mac type knows the notations; reuse it. */
	const struct cat_entry e = { .key = "MAC address", .type = CT_MAC, .deflt = "" };
	struct strbuf canon = STRBUF_INIT;
	struct svc_err ignore = { 0 };
	unsigned first;

	out[0] = '\0';
	if (catalog_parse_value(&e, in, &canon, &ignore) != 0 || canon.len != 17) {
		sb_release(&canon);
		return svc_errf(err, EX_USAGE,
				"invalid MAC address '%s': expected 00:1E:8F:12:34:56, "
				"00-1E-8F-12-34-56, 001e.8f12.3456 or 001E8F123456",
				in);
	}
	snprintf(out, 18, "%s", canon.buf);
	sb_release(&canon);
	first = (unsigned)strtoul(out, NULL, 16);
	if (strcmp(out, "00:00:00:00:00:00") == 0)
		return svc_errf(err, EX_USAGE, "invalid MAC address '%s': all zeros", in);
	if (first & 1)
		return svc_errf(err, EX_USAGE,
				"'%s' is a %s address: multicast and broadcast frames are never "
				"filtered, so it cannot be an exception",
				in,
				strcmp(out, "FF:FF:FF:FF:FF:FF") == 0 ? "broadcast" : "multicast");
	return 0;
}

int
mac_filter_get(struct device *dev, enum mac_dir d, struct mac_filter *out, struct svc_err *err)
{
	int policy;

	memset(out, 0, sizeof *out);
	if (config_get_bool(dev, dirs[d].enabled_key, &out->enabled, err) != 0 ||
	    config_get_choice(dev, dirs[d].policy_key, &policy, err) != 0)
		return -1;
	/* Both directions share the Allow | Reject choices. */
	out->reject = policy == CHOICE_NETWORK_MAC_RX_POLICY_REJECT;
	if ((out->count = store_mac_count(device_store(dev), dirs[d].name, err)) < 0)
		return -1;
	return 0;
}

int
mac_each(struct device *dev, enum mac_dir d, mac_entry_fn fn, void *arg, struct svc_err *err)
{
	return store_mac_each(device_store(dev), dirs[d].name, fn, arg, err);
}

/* Refuses a state that lets no host through, unless FORCE. */
static int
check_block_all(enum mac_dir d, const struct mac_filter *f, bool force, struct svc_err *err)
{
	if (force || !f->enabled || !f->reject || f->count > 0)
		return 0;
	return svc_errf(err, EX_DATAERR,
			"refusing: the %s would block every host (Use Filter ON, Default Policy "
			"Reject, no exception addresses); add an exception first, or force it "
			"(--force)",
			dirs[d].title);
}

/* Changes are the System Manager's. The operation table opens the door
 * before the run (after the checks, so a refusal writes nothing); this
 * guards direct callers. */
int
mac_need_manager(struct device *dev, const char *what, struct svc_err *err)
{
	return device_require(dev, DOOR_MANAGER, what, err);
}

int
mac_check_stored(struct device *dev, bool force, struct svc_err *err)
{
	struct mac_filter f;

	for (int d = MAC_RX; d <= MAC_TX; d++)
		if (mac_filter_get(dev, (enum mac_dir)d, &f, err) != 0 ||
		    check_block_all((enum mac_dir)d, &f, force, err) != 0)
			return -1;
	return 0;
}

static const char *
list_key(enum mac_dir d)
{
	return d == MAC_RX ? "network.mac.rx.exceptions" : "network.mac.tx.exceptions";
}

struct dup_find {
	char (*norm)[18];
	int n, found;
};

static int
find_dup(void *arg, const char *addr, const char *added)
{
	struct dup_find *df = arg;

	(void)added;
	for (int i = 0; i < df->n && df->found < 0; i++)
		if (strcmp(df->norm[i], addr) == 0)
			df->found = i;
	return 0;
}

/* The addresses themselves, into NORM (N normalized addresses). */
static int
add_norm(const char *const *addrs, int n, char (*norm)[18], struct svc_err *err)
{
	for (int i = 0; i < n; i++) {
		if (mac_normalize(addrs[i], norm[i], err) != 0)
			return -1;
		for (int j = 0; j < i; j++)
			if (strcmp(norm[i], norm[j]) == 0)
				return svc_errf(err, EX_USAGE, "'%s' is given twice", addrs[i]);
	}
	return 0;
}

/* Whether the N addresses of NORM fit into the list of D: none there yet,
 * and room for all of them. */
static int
add_room(struct device *dev, enum mac_dir d, char (*norm)[18], int n, struct svc_err *err)
{
	struct dup_find df = { norm, n, -1 };
	int count;

	if ((count = store_mac_count(device_store(dev), dirs[d].name, err)) < 0 ||
	    mac_each(dev, d, find_dup, &df, err) < 0)
		return -1;
	if (df.found >= 0)
		return svc_errf(err, EX_DATAERR, "%s is already in the %s list", norm[df.found],
				dirs[d].title);
	if (count + n > MAC_MAX_ENTRIES)
		return svc_errf(err, EX_DATAERR,
				"the %s holds at most %d exception addresses (it has %d); remove "
				"some first",
				dirs[d].title, MAC_MAX_ENTRIES, count);
	return 0;
}

/* The refusals of an addition, read before any login. A busy store is no
 * refusal here: the write transaction of mac_add checks again and decides. */
static int
add_check(struct device *dev, enum mac_dir d, const char *const *addrs, int n, char (*norm)[18],
	  struct svc_err *err)
{
	struct svc_err e = { 0 };

	if (add_norm(addrs, n, norm, err) != 0)
		return -1;
	if (add_room(dev, d, norm, n, &e) == 0 || e.code == EX_TEMPFAIL)
		return 0;
	if (err)
		*err = e;
	return -1;
}

int
mac_add_check(struct device *dev, enum mac_dir d, const char *const *addrs, int n,
	      struct svc_err *err)
{
	char(*norm)[18] = xcalloc((size_t)(n > 0 ? n : 1), sizeof *norm);
	int rc = add_check(dev, d, addrs, n, norm, err);

	free(norm);
	return rc;
}

/* Runs FN in one write transaction, again when the store was busy (another
 * svcmode writing longer than the busy timeout), a few times at most.
 * Returns what FN returned, or -1. */
static int
write_txn(struct device *dev, int (*fn)(struct device *, void *, struct svc_err *), void *arg,
	  struct svc_err *err)
{
	struct store *st = device_store(dev);
	int n = -1;

	for (int attempt = 1; attempt <= MAC_TXN_ATTEMPTS; attempt++) {
		struct svc_err e = { 0 };

		if (store_begin(st, &e) == 0) {
			if ((n = fn(dev, arg, &e)) >= 0 && store_commit(st, &e) == 0)
				return n;
			store_rollback(st);
		}
		if (err)
			*err = e;
		if (e.code != EX_TEMPFAIL)
			break;
		/* 10, 20, 40, ... ms: let the other writer finish. */
		struct timespec ts = { 0, 10000000L << (attempt - 1) };
		nanosleep(&ts, NULL);
	}
	return -1;
}

struct add_arg {
	enum mac_dir d;
	char (*norm)[18];
	int n;
};

/* Inside the write transaction: the room is counted where the insert is
 * made, so of several svcmode filling the list at once each is either
 * done or refused as full (EX_DATAERR), never more than the limit. */
static int
do_add(struct device *dev, void *arg, struct svc_err *err)
{
	struct add_arg *a = arg;

	if (add_room(dev, a->d, a->norm, a->n, err) != 0)
		return -1;
	for (int i = 0; i < a->n; i++) {
		if (store_mac_add(device_store(dev), dirs[a->d].name, a->norm[i], err) != 0) {
			if (err && err->code == EX_DATAERR)
				svc_errf(err, EX_DATAERR, "%s is already in the %s list",
					 a->norm[i], dirs[a->d].title);
			return -1;
		}
		if (device_audit(dev, "mac.add", list_key(a->d), NULL, a->norm[i], NULL, err) != 0)
			return -1;
	}
	return a->n;
}

int
mac_add(struct device *dev, enum mac_dir d, const char *const *addrs, int n, struct svc_err *err)
{
	char(*norm)[18] = xcalloc((size_t)(n > 0 ? n : 1), sizeof *norm);
	struct add_arg a = { d, norm, n };
	int rc = -1;

	/* Checked before the login too, so that a refusal leaves no trace. */
	if (add_check(dev, d, addrs, n, norm, err) != 0 ||
	    mac_need_manager(dev, "changing the MAC Address Block", err) != 0)
		goto out;
	rc = write_txn(dev, do_add, &a, err) < 0 ? -1 : 0;
out:
	free(norm);
	return rc;
}

struct guard {
	enum mac_dir d;
	bool force;
	int (*change)(struct device *, enum mac_dir, const void *, struct svc_err *);
	const void *arg;
};

static int
do_guarded(struct device *dev, void *arg, struct svc_err *err)
{
	struct guard *g = arg;
	struct mac_filter f;
	int n;

	if ((n = g->change(dev, g->d, g->arg, err)) < 0 ||
	    mac_filter_get(dev, g->d, &f, err) != 0 ||
	    check_block_all(g->d, &f, g->force, err) != 0)
		return -1;
	return n;
}

/* Runs CHANGE in one transaction and refuses it if the filter then blocks
 * every host. */
static int
guarded(struct device *dev, enum mac_dir d, bool force,
	int (*change)(struct device *, enum mac_dir, const void *, struct svc_err *),
	const void *arg, struct svc_err *err)
{
	struct guard g = { d, force, change, arg };

	return write_txn(dev, do_guarded, &g, err);
}

static int
do_remove(struct device *dev, enum mac_dir d, const void *arg, struct svc_err *err)
{
	const char *addr = arg;
	int n = store_mac_remove(device_store(dev), dirs[d].name, addr, err);

	if (n == 0)
		return svc_errf(err, EX_USAGE, "%s is not in the %s list", addr, dirs[d].title);
	if (n < 0 || device_audit(dev, "mac.remove", list_key(d), addr, NULL, NULL, err) != 0)
		return -1;
	return n;
}

static int
remove_check(struct device *dev, enum mac_dir d, const char *addr, bool force, char norm[18],
	     struct svc_err *err)
{
	struct mac_filter f;
	struct dup_find df = { (char(*)[18])norm, 1, -1 };

	if (mac_normalize(addr, norm, err) != 0 || mac_filter_get(dev, d, &f, err) != 0 ||
	    mac_each(dev, d, find_dup, &df, err) < 0)
		return -1;
	if (df.found < 0)
		return svc_errf(err, EX_USAGE, "%s is not in the %s list", norm, dirs[d].title);
	f.count--;
	return check_block_all(d, &f, force, err);
}

int
mac_remove_check(struct device *dev, enum mac_dir d, const char *addr, bool force,
		 struct svc_err *err)
{
	char norm[18];

	return remove_check(dev, d, addr, force, norm, err);
}

int
mac_remove(struct device *dev, enum mac_dir d, const char *addr, bool force, struct svc_err *err)
{
	char norm[18];

	/* Checked before the login too, so that a refusal leaves no trace. */
	if (remove_check(dev, d, addr, force, norm, err) != 0 ||
	    mac_need_manager(dev, "changing the MAC Address Block", err) != 0)
		return -1;
	return guarded(dev, d, force, do_remove, norm, err) < 0 ? -1 : 0;
}

static int
do_clear(struct device *dev, enum mac_dir d, const void *arg, struct svc_err *err)
{
	int n = store_mac_clear(device_store(dev), dirs[d].name, err);
	char detail[32];

	(void)arg;
	snprintf(detail, sizeof detail, "%d addresses", n);
	if (n < 0 || device_audit(dev, "mac.clear", list_key(d), NULL, NULL, detail, err) != 0)
		return -1;
	return n;
}

int
mac_clear_check(struct device *dev, enum mac_dir d, bool force, struct svc_err *err)
{
	struct mac_filter f;

	if (mac_filter_get(dev, d, &f, err) != 0)
		return -1;
	f.count = 0;
	return check_block_all(d, &f, force, err);
}

int
mac_clear(struct device *dev, enum mac_dir d, bool force, struct svc_err *err)
{
	if (mac_clear_check(dev, d, force, err) != 0 ||
	    mac_need_manager(dev, "changing the MAC Address Block", err) != 0)
		return -1;
	return guarded(dev, d, force, do_clear, NULL, err);
}

struct set_arg {
	const char *key, *value;
};

static int
do_set(struct device *dev, enum mac_dir d, const void *arg, struct svc_err *err)
{
	const struct set_arg *sa = arg;

	(void)d;
	return config_set(dev, sa->key, sa->value, err);
}

static int
set_guarded(struct device *dev, enum mac_dir d, const struct mac_filter *after,
	    const struct set_arg *sa, bool force, struct svc_err *err)
{
	if (check_block_all(d, after, force, err) != 0 ||
	    mac_need_manager(dev, "changing the MAC Address Block", err) != 0)
		return -1;
	return guarded(dev, d, force, do_set, sa, err) < 0 ? -1 : 0;
}

int
mac_set_check(struct device *dev, enum mac_dir d, int enabled, int reject, bool force,
	      struct svc_err *err)
{
	struct mac_filter f;

	if (mac_filter_get(dev, d, &f, err) != 0)
		return -1;
	if (enabled >= 0)
		f.enabled = enabled;
	if (reject >= 0)
		f.reject = reject;
	return check_block_all(d, &f, force, err);
}

int
mac_set_policy(struct device *dev, enum mac_dir d, bool reject, bool force, struct svc_err *err)
{
	struct set_arg sa = { dirs[d].policy_key, reject ? "Reject" : "Allow" };
	struct mac_filter f;

	if (mac_filter_get(dev, d, &f, err) != 0)
		return -1;
	f.reject = reject;
	return set_guarded(dev, d, &f, &sa, force, err);
}

int
mac_set_enabled(struct device *dev, enum mac_dir d, bool on, bool force, struct svc_err *err)
{
	struct set_arg sa = { dirs[d].enabled_key, on ? "ON" : "OFF" };
	struct mac_filter f;

	if (mac_filter_get(dev, d, &f, err) != 0)
		return -1;
	f.enabled = on;
	return set_guarded(dev, d, &f, &sa, force, err);
}

int
mac_erase(struct device *dev, struct erase_stats *es, struct svc_err *err)
{
	int n = store_mac_clear(device_store(dev), NULL, err);
	char detail[32];

	if (n < 0)
		return -1;
	erase_count(es, "MAC exception addresses", n);
	/* The rules loaded from those lists, and the files that hold them. */
	if (mac_kernel_remove(dev, es, err) != 0)
		return -1;
	snprintf(detail, sizeof detail, "%d addresses", n);
	return device_audit(dev, "mac.erase", "network.mac", NULL, NULL, detail, err);
}
