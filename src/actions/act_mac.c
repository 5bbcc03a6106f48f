/* Actions of the mac module: Network Settings > MAC Address Block. */
#include <stdio.h>
#include <string.h>

#include "actions/action.h"
#include "mac/mac.h"

static int
cancelled(struct svc_err *err)
{
	return svc_errf(err, EX_USAGE, "cancelled; nothing changed");
}

static void
say(struct action_io *io, const char *a, const char *b, const char *c)
{
	char buf[160];

	snprintf(buf, sizeof buf, "%s%s%s", a, b, c);
	io->line(io->arg, buf);
}

/* A row id is "rx/00:1E:8F:12:34:56": the filter and the address. */
static int
row_parse(const char *id, enum mac_dir *d, const char **addr, struct svc_err *err)
{
	char dir[3];

	if (strlen(id) < 4 || id[2] != '/')
		return svc_errf(err, EX_USAGE, "invalid MAC list row '%s'", id);
	snprintf(dir, sizeof dir, "%.2s", id);
	*addr = id + 3;
	return mac_dir_parse(dir, d, err);
}

struct rows {
	enum mac_dir d;
	action_emit_fn emit;
	void *arg;
};

static int
entry_row(void *arg, const char *addr, const char *added)
{
	struct rows *r = arg;
	struct action_row row = { 0 };

	snprintf(row.id, sizeof row.id, "%s/%s", mac_dir_name(r->d), addr);
	snprintf(row.label, sizeof row.label, "%s", addr);
	snprintf(row.value, sizeof row.value, "%.10s", added);
	return r->emit(r->arg, &row);
}

static int
list_entries(struct device *dev, const char *param, struct action_io *io, action_emit_fn emit,
	     void *arg, struct svc_err *err)
{
	struct rows r = { MAC_RX, emit, arg };

	(void)io;
	if (mac_dir_parse(param, &r.d, err) != 0)
		return -1;
	return mac_each(dev, r.d, entry_row, &r, err) < 0 ? -1 : 0;
}

/* On a refusal because every host would be blocked, offers to force it. */
static bool
offer_force(struct action_io *io, const struct svc_err *err)
{
	return err && err->code == EX_DATAERR && strstr(err->msg, "would block every host") &&
	       io->confirm(io->arg,
			   "This blocks every host on this filter. Type BLOCK to do it anyway",
			   "BLOCK") == 0;
}

static int
act_remove(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	const char *addr = NULL;
	enum mac_dir d = MAC_RX;

	if (row_parse(param, &d, &addr, err) != 0)
		return -1;
	if (mac_remove(dev, d, addr, false, err) != 0 &&
	    (!offer_force(io, err) || mac_remove(dev, d, addr, true, err) != 0))
		return -1;
	say(io, addr, " removed from the ", mac_dir_title(d));
	return 0;
}

static int
act_add(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf addr = STRBUF_INIT;
	const char *one[1];
	enum mac_dir d = MAC_RX;
	int rc = -1;

	if (mac_dir_parse(param, &d, err) != 0)
		return -1;
	if (io->ask(io->arg, "MAC address (e.g. 00:1E:8F:12:34:56)", false, &addr) != 0 ||
	    addr.len == 0) {
		cancelled(err);
		goto out;
	}
	one[0] = addr.buf;
	if (mac_add(dev, d, one, 1, err) != 0)
		goto out;
	say(io, "Added to the ", mac_dir_title(d), "; Apply puts it into effect.");
	rc = 0;
out:
	sb_release(&addr);
	return rc;
}

static int
act_clear(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	char q[96], n[16];
	enum mac_dir d = MAC_RX;
	int removed;

	if (mac_dir_parse(param, &d, err) != 0)
		return -1;
	snprintf(q, sizeof q, "Remove every address of the %s? Type YES to confirm",
		 mac_dir_title(d));
	if (io->confirm(io->arg, q, "YES") != 0)
		return cancelled(err);
	removed = mac_clear(dev, d, false, err);
	if (removed < 0 && offer_force(io, err))
		removed = mac_clear(dev, d, true, err);
	if (removed < 0)
		return -1;
	snprintf(n, sizeof n, "%d", removed);
	say(io, n, " addresses removed from the ", mac_dir_title(d));
	return 0;
}

static int
act_apply(struct device *dev, const char *param, struct action_io *io, struct svc_err *err)
{
	struct strbuf path = STRBUF_INIT;
	int rc;

	(void)param;
	rc = mac_apply(dev, NULL, NULL, false, &path, err);
	if (rc != 0 && offer_force(io, err))
		rc = mac_apply(dev, NULL, NULL, true, &path, err);
	if (rc == 0)
		say(io, "Ruleset written to ", path.buf, "; load it with nft -f.");
	sb_release(&path);
	return rc;
}

const struct action_def actions_mac[] = {
	{ "mac.entries", ACTION_LIST, LEVEL_MANAGER, NULL, "exception addresses", list_entries,
	  "mac.remove" },
	{ "mac.remove", ACTION_RUN, LEVEL_MANAGER, act_remove, "remove the address", NULL, NULL },
	{ "mac.add", ACTION_RUN, LEVEL_MANAGER, act_add, "add an exception address", NULL, NULL },
	{ "mac.clear", ACTION_RUN, LEVEL_MANAGER, act_clear, "remove every exception address", NULL,
	  NULL },
	{ "mac.apply", ACTION_RUN, LEVEL_MANAGER, act_apply,
	  "apply the MAC Address Block (write the nftables ruleset)", NULL, NULL },
	{ NULL, ACTION_RUN, LEVEL_USER, NULL, NULL, NULL, NULL },
};
