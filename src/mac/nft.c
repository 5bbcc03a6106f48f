/*
 * MAC Address Block, the kernel side: the interface, the nftables ruleset,
 * loading it with nft, reading back what is loaded, and removing it.
 *
 * nft is run as a program (posix_spawnp, no shell, the credentials that
 * scripts pass to svcmode removed from its environment): its file syntax
 * is the documented interface, and 'nft -f' of one file is one kernel
 * transaction, so a refused load leaves the previous table as it was.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog/keys.h"
#include "mac/mac.h"
#include "mac/mac_int.h"
#include "store/store.h"
#include "util/fsutil.h"

/* What nft may print before we stop reading: a listing of 2 x 100
 * addresses is about 5 KB. */
#define NFT_OUT_MAX (1 << 20)

static const struct {
	const char *hook, *match;
} chains[] = {
	[MAC_RX] = { "ingress", "saddr" },
	[MAC_TX] = { "egress", "daddr" },
};

/* --- running nft ------------------------------------------------------------ */

extern char **environ;

/* The environment for a child program, without the credentials that
 * scripts pass to svcmode in it (they would show in /proc/PID/environ). */
static char **
child_environ(void)
{
	static const char *const secret[] = { "SVCMODE_MANAGER_", "SVCMODE_SERVICE",
					      "SVCMODE_BOX_PASSWORD" };
	size_t n = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	env = xcalloc(n + 1, sizeof *env);
	for (size_t i = 0; i < n; i++) {
		bool drop = false;
		for (size_t j = 0; j < sizeof secret / sizeof secret[0]; j++)
			drop |= strncmp(environ[i], secret[j], strlen(secret[j])) == 0;
		if (!drop)
			env[k++] = environ[i];
	}
	return env;
}

static pid_t
spawn_nft(char *const argv[], int out_fd, struct svc_err *err)
{
	posix_spawn_file_actions_t fa;
	char **env = child_environ();
	pid_t pid;
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out_fd, STDERR_FILENO);
	posix_spawn_file_actions_addclose(&fa, out_fd);
	rc = posix_spawnp(&pid, "nft", &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (rc != 0)
		return svc_errf(err, EX_UNAVAILABLE, "cannot run nft (Debian package nftables): %s",
				strerror(rc));
	return pid;
}

/* Runs nft with ARGS (NULL-ended); its output (stdout and stderr) goes to
 * OUT. Returns nft's exit status, or -1 with err when it cannot run. */
static int
nft(const char *const *args, struct strbuf *out, struct svc_err *err)
{
	char *argv[8] = { (char *)"nft" };
	char buf[4096];
	int fds[2], status = 0, n = 1;
	ssize_t got;
	pid_t pid;

	for (; args[n - 1] && n < 7; n++)
		argv[n] = (char *)args[n - 1];
	argv[n] = NULL;
	sb_reset(out);
	if (pipe2(fds, O_CLOEXEC) != 0)
		return svc_errf(err, EX_OSERR, "cannot run nft: %s", strerror(errno));
	pid = spawn_nft(argv, fds[1], err);
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		return -1;
	}
	while ((got = read(fds[0], buf, sizeof buf)) > 0 || (got < 0 && errno == EINTR))
		if (got > 0 && out->len < NFT_OUT_MAX)
			sb_add(out, buf, (size_t)got);
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Where posix_spawn cannot report a failed exec (it forks instead of
	 * sharing memory with the child, as under valgrind), the child exits
	 * 127 without a word, as a shell's "command not found". */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && out->len == 0)
		return svc_errf(err, EX_UNAVAILABLE,
				"cannot run nft (Debian package nftables): not found");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* nft's message, on one line and short, for an error. */
static const char *
one_line(struct strbuf *msg)
{
	for (size_t i = 0; i < msg->len; i++)
		if (msg->buf[i] == '\n' || msg->buf[i] == '\t')
			msg->buf[i] = ' ';
	if (msg->len > 180) {
		msg->buf[180] = '\0';
		msg->len = 180;
	}
	return msg->len ? msg->buf : "(no message)";
}

static int
nft_refused(const char *what, struct strbuf *msg, struct svc_err *err)
{
	int code = strstr(sb_str(msg), "Operation not permitted") ? EX_NOPERM : EX_UNAVAILABLE;

	return svc_errf(err, code, "%s: %s", what, one_line(msg));
}

/* --- the interface ------------------------------------------------------------ */

/* The interface of the IPv4 default route (destination 00000000, mask
 * 00000000), else of the IPv6 one (::/0), into OUT; 0 if found. */
static int
default_route(struct strbuf *out)
{
	static const char zero32[] = "00000000000000000000000000000000";
	char line[512], name[32], dst[40], mask[40], plen[8];
	FILE *f = fopen("/proc/net/route", "re");
	int found = -1;

	while (f && found != 0 && fgets(line, sizeof line, f))
		if (sscanf(line, "%31s %39s %*s %*s %*s %*s %*s %39s", name, dst, mask) == 3 &&
		    strcmp(dst, "00000000") == 0 && strcmp(mask, "00000000") == 0)
			found = 0;
	if (f)
		fclose(f);
	/* dst, dst_len, src, src_len, next hop, metric, refcnt, use, flags, name */
	f = found == 0 ? NULL : fopen("/proc/net/ipv6_route", "re");
	while (f && found != 0 && fgets(line, sizeof line, f))
		if (sscanf(line, "%39s %7s %*s %*s %*s %*s %*s %*s %*s %31s", dst, plen, name) ==
			    3 &&
		    strcmp(dst, zero32) == 0 && strcmp(plen, "00") == 0 && strcmp(name, "lo") != 0)
			found = 0;
	if (f)
		fclose(f);
	if (found == 0)
		sb_adds(out, name);
	return found;
}

/* An interface name as the catalog's iface type takes it (not empty). */
static int
iface_valid(struct device *dev, const char *name, struct svc_err *err)
{
	const struct cat_entry *e = catalog_find(device_catalog(dev), KEY_NETWORK_MAC_INTERFACE);
	struct strbuf canon = STRBUF_INIT;
	int rc = *name && catalog_parse_value(e, name, &canon, NULL) == 0 ? 0 : -1;

	sb_release(&canon);
	if (rc != 0)
		svc_errf(err, EX_USAGE,
			 "invalid interface name '%s': expected 1-15 characters without "
			 "whitespace, '/', ':' or '\"', not '.' or '..'",
			 name);
	return rc;
}

int
mac_iface(struct device *dev, const char *opt, struct strbuf *out, struct svc_err *err)
{
	sb_reset(out);
	if (opt) {
		if (iface_valid(dev, opt, err) != 0)
			return -1;
		sb_adds(out, opt);
		return 0;
	}
	if (config_get(dev, KEY_NETWORK_MAC_INTERFACE, out, err) != 0)
		return -1;
	if (out->len || default_route(out) == 0)
		return 0;
	return svc_errf(err, EX_CONFIG,
			"no interface for the MAC Address Block: there is no default route; set "
			"network.mac.interface or give --iface");
}

/* --- the ruleset ---------------------------------------------------------------- */

struct set_out {
	struct strbuf *sb;
	int n;
};

static int
add_element(void *arg, const char *addr, const char *added)
{
	struct set_out *so = arg;

	(void)added;
	sb_addf(so->sb, "%s%s", so->n++ ? ",\n\t\t\t     " : "", addr);
	return 0;
}

static int
chain_add(struct device *dev, enum mac_dir d, const struct mac_filter *f, const char *iface,
	  struct strbuf *out, struct svc_err *err)
{
	struct strbuf elems = STRBUF_INIT;
	struct set_out so = { &elems, 0 };
	const char *n = mac_dir_name(d);

	if (mac_each(dev, d, add_element, &so, err) < 0) {
		sb_release(&elems);
		return -1;
	}
	sb_addf(out, "\tset %s_except {\n\t\ttype ether_addr\n", n);
	if (so.n)
		sb_addf(out, "\t\telements = { %s }\n", elems.buf);
	sb_addf(out,
		"\t}\n\n"
		"\tchain %s {\n"
		"\t\t# %s: Default Policy %s, %d exception%s\n"
		"\t\ttype filter hook %s device \"%s\" priority -500; policy %s;\n"
		"\t\tether daddr & 01:00:00:00:00:00 == 01:00:00:00:00:00 accept\n"
		"\t\tether %s @%s_except %s\n"
		"\t}\n",
		n, mac_dir_title(d), f->reject ? "Reject" : "Allow", f->count,
		f->count == 1 ? "" : "s", chains[d].hook, iface, f->reject ? "drop" : "accept",
		chains[d].match, n, f->reject ? "accept" : "drop");
	sb_release(&elems);
	return 0;
}

static int
render(struct device *dev, const char *iface, struct strbuf *out, struct svc_err *err)
{
	struct mac_filter f[2];

	if (mac_filter_get(dev, MAC_RX, &f[MAC_RX], err) != 0 ||
	    mac_filter_get(dev, MAC_TX, &f[MAC_TX], err) != 0)
		return -1;
	sb_reset(out);
	sb_addf(out,
		"#!/usr/sbin/nft -f\n"
		"# MAC Address Block of device %s on %s, written by svcmode.\n"
		"# Receive Filter: %s; Send Filter: %s. Multicast and broadcast frames\n"
		"# are never filtered. Load with: nft -f FILE (replaces table " MAC_TABLE ").\n"
		"table netdev " MAC_TABLE " {}\n"
		"delete table netdev " MAC_TABLE "\n",
		device_identity(dev)->serial, iface, f[MAC_RX].enabled ? "ON" : "OFF",
		f[MAC_TX].enabled ? "ON" : "OFF");
	if (!f[MAC_RX].enabled && !f[MAC_TX].enabled)
		return 0;
	sb_adds(out, "\ntable netdev " MAC_TABLE " {\n");
	for (int d = MAC_RX; d <= MAC_TX; d++) {
		if (!f[d].enabled)
			continue;
		if (d == MAC_TX && f[MAC_RX].enabled)
			sb_adds(out, "\n");
		if (chain_add(dev, (enum mac_dir)d, &f[d], iface, out, err) != 0)
			return -1;
	}
	sb_adds(out, "}\n");
	return 0;
}

int
mac_ruleset(struct device *dev, const char *iface, struct strbuf *out, struct svc_err *err)
{
	struct strbuf name = STRBUF_INIT;
	int rc = mac_iface(dev, iface, &name, err) == 0 ? render(dev, name.buf, out, err) : -1;

	sb_release(&name);
	return rc;
}

/* --- apply ------------------------------------------------------------------------ */

static bool
printing(const struct mac_apply_opts *o)
{
	return o->path && strcmp(o->path, "-") == 0;
}

/* The interface name of O (chosen), refused when a load needs it and the
 * kernel does not know it. */
static int
apply_iface(struct device *dev, const struct mac_apply_opts *o, struct strbuf *iface,
	    struct svc_err *err)
{
	if (mac_iface(dev, o->iface, iface, err) != 0)
		return -1;
	if (!o->load || printing(o) || if_nametoindex(iface->buf) != 0)
		return 0;
	return svc_errf(err, EX_CONFIG,
			"there is no network interface '%s' here: the MAC Address Block cannot "
			"be loaded on it (set network.mac.interface or give --iface)",
			iface->buf);
}

int
mac_apply_check(struct device *dev, const struct mac_apply_opts *o, struct svc_err *err)
{
	struct strbuf iface = STRBUF_INIT;
	int rc = -1;

	if (o->iface && iface_valid(dev, o->iface, err) != 0)
		goto out;
	if (mac_check_stored(dev, o->force, err) != 0 || apply_iface(dev, o, &iface, err) != 0)
		goto out;
	rc = 0;
out:
	sb_release(&iface);
	return rc;
}

/* DIR/NAME beside the store, in a new string. */
static char *
beside_store(struct device *dev, const char *name)
{
	char *dir = fs_dirname(store_path(device_store(dev)));
	struct strbuf p = STRBUF_INIT;

	sb_addf(&p, "%s/%s", dir, name);
	free(dir);
	return sb_detach(&p);
}

/* RULES in a private temporary file beside the store (0600: it holds the
 * customer's addresses), its name into TMP. */
static int
write_temp(struct device *dev, const struct strbuf *rules, struct strbuf *tmp, struct svc_err *err)
{
	char *t = beside_store(dev, "." MAC_RULESET_FILE ".XXXXXX");
	int fd = mkstemp(t), rc = 0;

	sb_reset(tmp);
	if (fd < 0) {
		rc = svc_errf(err, EX_CANTCREAT, "cannot create '%s': %s", t, strerror(errno));
		free(t);
		return rc;
	}
	sb_adds(tmp, t);
	free(t);
	if (fs_write_all(fd, rules->buf, rules->len) != 0)
		rc = svc_errf(err, EX_IOERR, "cannot write '%s': %s", tmp->buf, strerror(errno));
	if (close(fd) != 0 && rc == 0)
		rc = svc_errf(err, EX_IOERR, "cannot write '%s': %s", tmp->buf, strerror(errno));
	return rc;
}

/* 'nft -c -f TMP', then 'nft -f TMP': the check names a wrong ruleset
 * before the kernel is asked; the load is one transaction. */
static int
load(const char *tmp, const char *path, struct svc_err *err)
{
	const char *check[] = { "-c", "-f", tmp, NULL }, *apply[] = { "-f", tmp, NULL };
	struct strbuf msg = STRBUF_INIT;
	char what[256];
	int rc;

	if ((rc = nft(check, &msg, err)) < 0)
		goto out;
	if (rc != 0) {
		rc = nft_refused("nft refused the MAC Address Block ruleset (nothing was loaded or "
				 "written)",
				 &msg, err);
		goto out;
	}
	if ((rc = nft(apply, &msg, err)) > 0) {
		snprintf(what, sizeof what,
			 "nft could not load the MAC Address Block; the kernel keeps the previous "
			 "ruleset and '%.120s' is unchanged",
			 path);
		rc = nft_refused(what, &msg, err);
	}
out:
	sb_release(&msg);
	return rc == 0 ? 0 : -1;
}

/* Loads RULES (audited as mac.load, refusals too), then writes PATH. */
static int
load_and_write(struct device *dev, const struct strbuf *rules, const char *path, const char *iface,
	       struct svc_err *err)
{
	struct strbuf tmp = STRBUF_INIT;
	struct svc_err e = { 0 };
	int rc = write_temp(dev, rules, &tmp, err);

	if (rc == 0 && load(tmp.buf, path, &e) != 0) {
		device_audit(dev, "mac.load", "network.mac", NULL, NULL, e.msg, NULL);
		if (err)
			*err = e;
		rc = -1;
	} else if (rc == 0) {
		rc = device_audit(dev, "mac.load", "network.mac", NULL, iface, path, err);
		if (rc == 0)
			rc = fs_write_atomic(path, rules->buf, rules->len, 0600, err);
	}
	if (tmp.len)
		unlink(tmp.buf);
	sb_release(&tmp);
	return rc;
}

int
mac_apply(struct device *dev, const struct mac_apply_opts *o, struct strbuf *written,
	  struct svc_err *err)
{
	struct strbuf rules = STRBUF_INIT, iface = STRBUF_INIT;
	char *def = NULL;
	const char *path = o->path;
	int rc = -1;

	if (path == NULL)
		path = def = beside_store(dev, MAC_RULESET_FILE);
	if (mac_apply_check(dev, o, err) != 0 || apply_iface(dev, o, &iface, err) != 0 ||
	    render(dev, iface.buf, &rules, err) != 0 ||
	    mac_need_manager(dev, "applying the MAC Address Block", err) != 0)
		goto out;
	if (o->load && !printing(o))
		rc = load_and_write(dev, &rules, path, iface.buf, err);
	else
		rc = fs_write_atomic(path, rules.buf, rules.len, 0600, err);
	if (rc == 0)
		rc = device_audit(dev, "mac.apply", "network.mac", NULL, iface.buf, path, err);
	if (rc == 0 && written) {
		sb_reset(written);
		sb_adds(written, path);
	}
out:
	sb_release(&rules);
	sb_release(&iface);
	free(def);
	return rc;
}

/* --- what is loaded ------------------------------------------------------------- */

/* Where the parser is in the listing. */
struct kparse {
	struct mac_kernel *k;
	int set;   /* inside "set rx_except { ... }": MAC_RX or MAC_TX, else -1 */
	int chain; /* inside "chain rx { ... }" */
};

static int
dir_of_word(const char *w, size_t len)
{
	for (int d = MAC_RX; d <= MAC_TX; d++)
		if (strncmp(w, mac_dir_name((enum mac_dir)d), len) == 0 && len == 2)
			return d;
	return -1;
}

/* The addresses of one line of a set's elements. */
static void
parse_elements(struct mac_kfilter *f, const char *line)
{
	for (const char *p = line; *p; p++) {
		char norm[18];
		size_t n = strspn(p, "0123456789abcdefABCDEF:");
		if (n == 17) {
			char a[18];
			memcpy(a, p, 17);
			a[17] = '\0';
			if (mac_normalize(a, norm, NULL) == 0) {
				f->addrs = xrealloc(f->addrs,
						    (size_t)(f->count + 1) * sizeof *f->addrs);
				memcpy(f->addrs[f->count++], norm, 18);
			}
		}
		if (n > 0)
			p += n - 1;
	}
}

static void
parse_chain_line(struct kparse *kp, const char *line)
{
	struct mac_kfilter *f = &kp->k->f[kp->chain];
	const char *dev = strstr(line, " device \"");
	char want[32];

	if (strstr(line, "type filter hook ")) {
		f->enabled = true;
		f->reject = strstr(line, "policy drop;") != NULL;
		if (dev) {
			dev += strlen(" device \"");
			snprintf(kp->k->iface, sizeof kp->k->iface, "%.*s", (int)strcspn(dev, "\""),
				 dev);
		}
	}
	snprintf(want, sizeof want, "@%s_except %s", mac_dir_name((enum mac_dir)kp->chain),
		 f->reject ? "accept" : "drop");
	if (strstr(line, want))
		f->except_ok = true;
}

static void
parse_line(struct kparse *kp, const char *line)
{
	const char *w = line + strspn(line, " \t");

	if (strncmp(w, "set ", 4) == 0 && strncmp(w + 6, "_except {", 9) == 0)
		kp->set = dir_of_word(w + 4, 2);
	else if (strncmp(w, "chain ", 6) == 0 && strncmp(w + 8, " {", 2) == 0)
		kp->chain = dir_of_word(w + 6, 2);
	else if (*w == '}')
		kp->set = kp->chain = -1;
	else if (kp->set >= 0 && strstr(w, ":"))
		parse_elements(&kp->k->f[kp->set], w);
	else if (kp->chain >= 0)
		parse_chain_line(kp, w);
}

int
mac_kernel_read(struct mac_kernel *k, struct svc_err *err)
{
	const char *args[] = { "list", "table", "netdev", MAC_TABLE, NULL };
	struct strbuf out = STRBUF_INIT;
	struct kparse kp = { k, -1, -1 };
	int rc;

	memset(k, 0, sizeof *k);
	if ((rc = nft(args, &out, err)) < 0)
		goto out;
	if (rc != 0) {
		/* No such table: nothing of ours is loaded. */
		rc = strstr(sb_str(&out), "No such file or directory")
			     ? 0
			     : nft_refused("cannot read the MAC Address Block from the kernel",
					   &out, err);
		goto out;
	}
	k->loaded = true;
	for (char *line = out.buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		parse_line(&kp, line);
	}
out:
	sb_release(&out);
	return rc == 0 ? 0 : -1;
}

void
mac_kernel_release(struct mac_kernel *k)
{
	for (int d = MAC_RX; d <= MAC_TX; d++) {
		free(k->f[d].addrs);
		k->f[d].addrs = NULL;
	}
}

struct in_kernel {
	const struct mac_kfilter *f;
	int missing;
};

static int
find_loaded(void *arg, const char *addr, const char *added)
{
	struct in_kernel *ik = arg;
	bool found = false;

	(void)added;
	for (int i = 0; i < ik->f->count && !found; i++)
		found = strcmp(ik->f->addrs[i], addr) == 0;
	ik->missing += !found;
	return 0;
}

int
mac_kernel_matches(struct device *dev, const struct mac_kernel *k, enum mac_dir d,
		   struct svc_err *err)
{
	const struct mac_kfilter *kf = &k->f[d];
	struct in_kernel ik = { kf, 0 };
	struct strbuf iface = STRBUF_INIT;
	struct mac_filter f;
	bool iface_ok;

	if (mac_filter_get(dev, d, &f, err) != 0)
		return -1;
	if (!f.enabled || !kf->enabled)
		return f.enabled == kf->enabled;
	if (mac_each(dev, d, find_loaded, &ik, err) < 0)
		return -1;
	/* The interface is compared when one can be chosen now. */
	iface_ok = mac_iface(dev, NULL, &iface, NULL) != 0 || strcmp(iface.buf, k->iface) == 0;
	sb_release(&iface);
	return iface_ok && f.reject == kf->reject && kf->except_ok && ik.missing == 0 &&
	       kf->count == f.count;
}

/* --- removal (Initialize All Data) ---------------------------------------------- */

static int
load_seen(void *arg, const struct store_audit *r)
{
	if (strcmp(r->event, "mac.load") != 0)
		return 0;
	*(bool *)arg = true;
	return 1;
}

/* Whether this store ever loaded a ruleset: the audit log keeps its
 * mac.load records (their values erased, the events kept). */
static bool
ever_loaded(struct device *dev)
{
	bool seen = false;
	struct svc_err e = { 0 };

	/* Unreadable: assume it did, so that the removal is not skipped. */
	if (device_audit_each(dev, 0, load_seen, &seen, &e) < 0)
		return true;
	return seen;
}

static int
delete_table(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	const char *args[] = { "delete", "table", "netdev", MAC_TABLE, NULL };
	struct strbuf msg = STRBUF_INIT;
	struct svc_err e = { 0 };
	int rc = nft(args, &msg, &e), n = rc == 0;
	/* No nft: nothing can have been loaded through it. No such table:
	 * nothing is loaded. Not permitted (svcmode run without root) for a
	 * store that never loaded rules: none of ours can be there. A store
	 * that did needs the same right to take them out again. */
	bool none =
		(rc < 0 && e.code == EX_UNAVAILABLE) ||
		(rc > 0 && strstr(sb_str(&msg), "No such file or directory")) ||
		(rc > 0 && strstr(sb_str(&msg), "Operation not permitted") && !ever_loaded(dev));

	if (none)
		rc = 0;
	else if (rc < 0 && err)
		*err = e;
	else if (rc > 0)
		nft_refused("cannot remove the MAC Address Block from the kernel", &msg, err);
	sb_release(&msg);
	if (rc == 0 && st)
		erase_count(st, "MAC rulesets in the kernel", n);
	return rc == 0 ? 0 : -1;
}

/* Whether NAME is the ruleset file or a temporary of it. */
static bool
ruleset_file(const char *name)
{
	static const char base[] = MAC_RULESET_FILE;

	if (name[0] == '.')
		name++;
	return strncmp(name, base, sizeof base - 1) == 0 &&
	       (name[sizeof base - 1] == '\0' || name[sizeof base - 1] == '.');
}

static int
remove_file(const char *path, struct erase_stats *st, struct svc_err *err)
{
	/* erase_file overwrites (the file holds the customer's addresses),
	 * unlinks and syncs the directory. */
	if (st)
		return erase_file(path, st, err);
	if (unlink(path) != 0 && errno != ENOENT)
		return svc_errf(err, EX_IOERR, "cannot remove '%s': %s", path, strerror(errno));
	return fs_sync_dir(path, err);
}

int
mac_kernel_remove(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	char *dir = fs_dirname(store_path(device_store(dev)));
	DIR *d;
	struct dirent *de;
	int rc = delete_table(dev, st, err), n = 0;

	if (rc == 0 && (d = opendir(dir)) != NULL) {
		while (rc == 0 && (de = readdir(d)) != NULL) {
			struct strbuf p = STRBUF_INIT;
			if (!ruleset_file(de->d_name))
				continue;
			sb_addf(&p, "%s/%s", dir, de->d_name);
			rc = remove_file(p.buf, st, err);
			n += rc == 0;
			sb_release(&p);
		}
		closedir(d);
	}
	free(dir);
	if (rc == 0 && st)
		erase_count(st, "MAC ruleset files", n);
	return rc;
}
