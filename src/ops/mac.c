/* Operations of the mac module: Network Settings > MAC Address Block. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "mac/mac.h"
#include "ops/op.h"
#include "util/json.h"

static enum mac_dir
dir_of(const struct op_ctx *c)
{
	return strcmp(op_arg(c, "dir"), "tx") == 0 ? MAC_TX : MAC_RX;
}

/* --- mac list: each filter's state and exceptions ------------------------ */

struct addrs {
	struct op_ctx *c;
	enum mac_dir d;
	struct strbuf *json; /* --json: the filter's addresses as a JSON array */
	int n;
};

/* One exception: "  00:1E:8F:12:34:56  (added ...)"; its id "rx/ADDR"
 * names it for mac.remove. */
static int
addr_row(void *arg, const char *addr, const char *added)
{
	struct addrs *a = arg;
	char id[40], date[16], text[80];

	if (a->c->json) {
		sb_adds(a->json, a->n++ ? ", " : "");
		json_add_str(a->json, addr);
		return 0;
	}
	snprintf(id, sizeof id, "%s/%s", mac_dir_name(a->d), addr);
	snprintf(date, sizeof date, "%.10s", added);
	snprintf(text, sizeof text, "  %s  (added %.40s)", addr, added);
	return op_emit(a->c,
		       &(struct op_row){ .id = id, .label = addr, .value = date, .text = text });
}

static int
list_filter(struct op_ctx *c, enum mac_dir d, bool blank, struct svc_err *err)
{
	struct strbuf json = STRBUF_INIT, obj = STRBUF_INIT, text = STRBUF_INIT;
	struct addrs a = { c, d, &json, 0 };
	struct mac_filter f;
	char state[64];
	int rc = -1;

	if (mac_filter_get(c->dev, d, &f, err) != 0)
		goto out;
	snprintf(state, sizeof state, "Use Filter %s, Default Policy %s, %d of %d exceptions",
		 f.enabled ? "ON" : "OFF", f.reject ? "Reject" : "Allow", f.count, MAC_MAX_ENTRIES);
	sb_addf(&text, "%s (%s): %s", mac_dir_title(d), mac_dir_name(d), state);
	if (!c->json && ((blank && op_emit(c, &(struct op_row){ .label = "", .text = "" }) != 0) ||
			 op_emit(c, &(struct op_row){ .label = mac_dir_title(d),
						      .value = state,
						      .text = text.buf }) != 0))
		goto out;
	if (mac_each(c->dev, d, addr_row, &a, err) < 0)
		goto out;
	rc = 0;
	if (!c->json)
		goto out;
	/* --json: {"rx": {"enabled": .., "policy": .., "addresses": [..]}, ...} */
	sb_addf(&obj, "{\"enabled\": %s, \"policy\": \"%s\", \"addresses\": [%s]}",
		f.enabled ? "true" : "false", f.reject ? "Reject" : "Allow", sb_str(&json));
	struct op_field fld = { mac_dir_name(d), obj.buf, OP_F_JSON };
	rc = op_emit(c, &(struct op_row){ .fields = &fld, .nfields = 1 });
out:
	sb_release(&json);
	sb_release(&obj);
	sb_release(&text);
	return rc;
}

static int
list_run(struct op_ctx *c, struct svc_err *err)
{
	const char *only = op_arg(c, "dir");
	bool shown = false;

	for (int d = MAC_RX; d <= MAC_TX; d++) {
		if (only && strcmp(only, mac_dir_name((enum mac_dir)d)) != 0)
			continue;
		if (list_filter(c, (enum mac_dir)d, shown, err) != 0)
			return -1;
		shown = true;
	}
	return 0;
}

/* --- the exception list of one filter, with its rows --------------------- */

struct entries {
	struct op_ctx *c;
	enum mac_dir d;
};

static int
entry_row(void *arg, const char *addr, const char *added)
{
	struct entries *e = arg;
	char id[40], date[16];

	snprintf(id, sizeof id, "%s/%s", mac_dir_name(e->d), addr);
	snprintf(date, sizeof date, "%.10s", added);
	struct op_field f[] = { { "address", addr, OP_F_STR }, { "added", added, OP_F_STR } };
	return op_emit(e->c,
		       &(struct op_row){
			       .id = id, .label = addr, .value = date, .fields = f, .nfields = 2 });
}

static int
entries_run(struct op_ctx *c, struct svc_err *err)
{
	struct entries e = { c, dir_of(c) };

	return mac_each(c->dev, e.d, entry_row, &e, err) < 0 ? -1 : 0;
}

/* --- changes ------------------------------------------------------------------ */

/* The addresses given: the CLI's list, or the one the menus asked for. */
static int
addresses(const struct op_ctx *c, const char **addrs)
{
	int n = 0;

	for (const char *a = op_many_next(c, NULL); a && n <= MAC_MAX_ENTRIES;
	     a = op_many_next(c, a))
		addrs[n++] = a;
	if (n == 0)
		addrs[n++] = op_arg(c, "address");
	return n;
}

/* Each change is checked before the door opens: a refusal leaves no trace. */
static int
add_prepare(struct op_ctx *c, struct svc_err *err)
{
	const char *addrs[MAC_MAX_ENTRIES + 1];

	if (op_many_count(c) > MAC_MAX_ENTRIES)
		return svc_errf(err, EX_USAGE, "too many addresses (%d): a filter holds at most %d",
				op_many_count(c), MAC_MAX_ENTRIES);
	return mac_add_check(c->dev, dir_of(c), addrs, addresses(c, addrs), err);
}

static int
remove_prepare(struct op_ctx *c, struct svc_err *err)
{
	return mac_remove_check(c->dev, dir_of(c), op_arg(c, "address"), op_flag(c, "force"), err);
}

static int
clear_prepare(struct op_ctx *c, struct svc_err *err)
{
	char q[96];

	snprintf(q, sizeof q, "Remove every address of the %s?", mac_dir_title(dir_of(c)));
	if (mac_clear_check(c->dev, dir_of(c), op_flag(c, "force"), err) != 0)
		return -1;
	return op_confirm(c, q, "YES", err);
}

static int
set_prepare(struct op_ctx *c, struct svc_err *err)
{
	int enabled = -1, reject = -1;

	if (strcmp(c->op->name, "mac.policy") == 0)
		reject = strcasecmp(op_arg(c, "policy"), "reject") == 0;
	else
		enabled = strcmp(c->op->name, "mac.enable") == 0;
	return mac_set_check(c->dev, dir_of(c), enabled, reject, op_flag(c, "force"), err);
}

static int
add_run(struct op_ctx *c, struct svc_err *err)
{
	const char *addrs[MAC_MAX_ENTRIES + 1];
	int n = addresses(c, addrs);

	if (mac_add(c->dev, dir_of(c), addrs, n, err) != 0)
		return -1;
	op_notef(c, "added %d address%s to the %s; 'svcmode mac apply' puts it into effect", n,
		 n == 1 ? "" : "es", mac_dir_title(dir_of(c)));
	return 0;
}

static int
remove_run(struct op_ctx *c, struct svc_err *err)
{
	char norm[18];

	if (mac_remove(c->dev, dir_of(c), op_arg(c, "address"), op_flag(c, "force"), err) != 0 ||
	    mac_normalize(op_arg(c, "address"), norm, err) != 0)
		return -1;
	op_notef(c, "removed %s from the %s; 'svcmode mac apply' puts it into effect", norm,
		 mac_dir_title(dir_of(c)));
	return 0;
}

static int
clear_run(struct op_ctx *c, struct svc_err *err)
{
	int n = mac_clear(c->dev, dir_of(c), op_flag(c, "force"), err);

	if (n < 0)
		return -1;
	op_notef(c, "removed %d address%s from the %s", n, n == 1 ? "" : "es",
		 mac_dir_title(dir_of(c)));
	return 0;
}

static int
policy_run(struct op_ctx *c, struct svc_err *err)
{
	bool reject = strcasecmp(op_arg(c, "policy"), "reject") == 0;

	if (mac_set_policy(c->dev, dir_of(c), reject, op_flag(c, "force"), err) != 0)
		return -1;
	op_notef(c, "%s: Default Policy %s; 'svcmode mac apply' puts it into effect",
		 mac_dir_title(dir_of(c)), reject ? "Reject" : "Allow");
	return 0;
}

static int
enable_run(struct op_ctx *c, struct svc_err *err)
{
	bool on = strcmp(c->op->name, "mac.enable") == 0;

	if (mac_set_enabled(c->dev, dir_of(c), on, op_flag(c, "force"), err) != 0)
		return -1;
	op_notef(c, "%s: Use Filter %s; 'svcmode mac apply' puts it into effect",
		 mac_dir_title(dir_of(c)), on ? "ON" : "OFF");
	return 0;
}

/* What the apply was asked: loads unless --no-load, never for "-". */
static struct mac_apply_opts
apply_opts(const struct op_ctx *c)
{
	const char *file = op_arg(c, "file");

	return (struct mac_apply_opts){ .path = file,
					.iface = op_arg(c, "iface"),
					.force = op_flag(c, "force"),
					.load = !op_flag(c, "no-load") &&
						!(file && strcmp(file, "-") == 0) };
}

static int
apply_prepare(struct op_ctx *c, struct svc_err *err)
{
	struct mac_apply_opts o = apply_opts(c);
	const char *file = op_arg(c, "file");

	if (op_flag(c, "load") && op_flag(c, "no-load"))
		return svc_errf(err, EX_USAGE, "--load and --no-load: give one of them");
	if (op_flag(c, "load") && file && strcmp(file, "-") == 0)
		return svc_errf(err, EX_USAGE, "--load needs a file, not stdout");
	return mac_apply_check(c->dev, &o, err);
}

static int
apply_run(struct op_ctx *c, struct svc_err *err)
{
	struct mac_apply_opts o = apply_opts(c);
	struct strbuf path = STRBUF_INIT;
	int rc = mac_apply(c->dev, &o, &path, err);

	if (rc == 0 && o.load)
		op_notef(c,
			 "loaded the MAC Address Block into the kernel (table netdev " MAC_TABLE
			 ") and wrote it to '%s': the filters are in effect",
			 path.buf);
	else if (rc == 0 && strcmp(path.buf, "-") != 0)
		op_notef(c, "wrote the MAC Address Block ruleset to '%s' (not loaded)", path.buf);
	sb_release(&path);
	return rc;
}

/* --- mac status: what the kernel has loaded ------------------------------------ */

/* "Use Filter ON, Default Policy Reject, 2 exceptions" of what is loaded. */
static void
loaded_text(const struct mac_kfilter *f, struct strbuf *out)
{
	if (!f->enabled)
		sb_adds(out, "not loaded (Use Filter OFF)");
	else
		sb_addf(out, "Use Filter ON, Default Policy %s, %d exception%s",
			f->reject ? "Reject" : "Allow", f->count, f->count == 1 ? "" : "s");
}

static void
loaded_json(const struct mac_kfilter *f, struct strbuf *out)
{
	sb_addf(out, "{\"enabled\": %s, \"policy\": ", f->enabled ? "true" : "false");
	if (f->enabled)
		sb_addf(out, "\"%s\"", f->reject ? "Reject" : "Allow");
	else
		sb_adds(out, "null");
	sb_adds(out, ", \"addresses\": [");
	for (int i = 0; i < f->count; i++) {
		sb_adds(out, i ? ", " : "");
		json_add_str(out, f->addrs[i]);
	}
	sb_adds(out, "]}");
}

static int
status_filter(struct op_ctx *c, const struct mac_kernel *k, enum mac_dir d, struct svc_err *err)
{
	struct strbuf v = STRBUF_INIT, text = STRBUF_INIT;
	int m = mac_kernel_matches(c->dev, k, d, err), rc;

	if (m < 0)
		return -1;
	if (c->json) {
		loaded_json(&k->f[d], &v);
		struct op_field f[] = { { mac_dir_name(d), v.buf, OP_F_JSON },
					{ d == MAC_RX ? "rx_in_effect" : "tx_in_effect",
					  m ? "true" : "false", OP_F_BOOL } };
		rc = op_emit(c, &(struct op_row){ .fields = f, .nfields = 2 });
	} else {
		loaded_text(&k->f[d], &v);
		sb_addf(&v, "; %s",
			m ? "as stored (in effect)" : "differs from the stored settings");
		sb_addf(&text, "%s (%s): %s", mac_dir_title(d), mac_dir_name(d), v.buf);
		rc = op_emit(c, &(struct op_row){ .label = mac_dir_title(d),
						  .value = v.buf,
						  .text = text.buf });
	}
	for (int i = 0; rc == 0 && !c->json && i < k->f[d].count; i++) {
		sb_reset(&text);
		sb_addf(&text, "  %s", k->f[d].addrs[i]);
		rc = op_emit(c, &(struct op_row){ .label = text.buf, .text = text.buf });
	}
	sb_release(&v);
	sb_release(&text);
	return rc;
}

static int
status_run(struct op_ctx *c, struct svc_err *err)
{
	struct mac_kernel k = { 0 };
	char table[64];
	int rc = -1;

	if (mac_kernel_read(&k, err) != 0)
		return -1;
	snprintf(table, sizeof table, "%s", k.loaded ? "netdev " MAC_TABLE : "none");
	if (c->json) {
		struct op_field f[] = {
			{ "table", k.loaded ? "netdev " MAC_TABLE : NULL,
			  k.loaded ? OP_F_STR : OP_F_NULL },
			{ "interface", k.iface[0] ? k.iface : NULL,
			  k.iface[0] ? OP_F_STR : OP_F_NULL },
		};
		if (op_emit(c, &(struct op_row){ .fields = f, .nfields = 2 }) != 0)
			goto out;
	} else if (op_emit(c, &(struct op_row){ .label = "Table", .value = table }) != 0 ||
		   op_emit(c, &(struct op_row){ .label = "Interface",
						.value = k.iface[0] ? k.iface : "none" }) != 0) {
		goto out;
	}
	rc = status_filter(c, &k, MAC_RX, err) == 0 && status_filter(c, &k, MAC_TX, err) == 0 ? 0
											      : -1;
out:
	mac_kernel_release(&k);
	return rc;
}

#define DIR_PARAM(fl)                                                                              \
	{                                                                                          \
		.name = "dir", .type = OP_P_WORD, .flags = (fl), .choices = "rx|tx",               \
		.prompt = "the filter: rx (Receive Filter) or tx (Send Filter)"                    \
	}
#define FORCE_PARAM                                                                                \
	{                                                                                          \
		.name = "force", .type = OP_P_FLAG, .flags = OP_OPT | OP_DASH | OP_OVERRIDE,       \
		.prompt = "Do it anyway, although it blocks every host?"                           \
	}
#define END                                                                                        \
	{                                                                                          \
		.name = NULL                                                                       \
	}

static const struct op_param p_list[] = { { .name = "dir",
					    .type = OP_P_WORD,
					    .flags = OP_OPT | OP_FIXED | OP_NOASK,
					    .choices = "rx|tx",
					    .prompt = "only this filter (rx or tx)" },
					  END };
static const struct op_param p_entries[] = { DIR_PARAM(OP_FIXED), END };
static const struct op_param p_add[] = {
	DIR_PARAM(OP_FIXED),
	{ .name = "address",
	  .type = OP_P_TEXT,
	  .flags = OP_MANY,
	  .prompt = "MAC address (e.g. 00:1E:8F:12:34:56)" },
	END,
};
static const struct op_param p_remove[] = {
	DIR_PARAM(OP_ROWID),
	{ .name = "address", .type = OP_P_TEXT, .flags = OP_ROWID, .prompt = "MAC address" },
	FORCE_PARAM,
	END,
};
static const struct op_param p_dir_force[] = { DIR_PARAM(OP_FIXED), FORCE_PARAM, END };
static const struct op_param p_policy[] = {
	DIR_PARAM(OP_FIXED),
	{ .name = "policy",
	  .type = OP_P_WORD,
	  .choices = "allow|reject",
	  .prompt = "Default Policy for the addresses that are not exceptions" },
	FORCE_PARAM,
	END,
};
static const struct op_param p_apply[] = {
	{ .name = "file",
	  .type = OP_P_OUT,
	  .flags = OP_OPT | OP_NOASK,
	  .prompt = "where to write the ruleset (default: mac-block.nft beside the store; - "
		    "for standard output)" },
	{ .name = "iface",
	  .type = OP_P_TEXT,
	  .flags = OP_OPT | OP_DASH | OP_NOASK,
	  .prompt = "the network interface (default: the setting network.mac.interface, else "
		    "the interface of the default route)" },
	{ .name = "no-load",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH | OP_NOASK,
	  .prompt = "only write the file; do not load it into the kernel" },
	{ .name = "load",
	  .type = OP_P_FLAG,
	  .flags = OP_OPT | OP_DASH | OP_NOASK,
	  .prompt = "load it (the default; kept for scripts)" },
	FORCE_PARAM,
	END,
};

#define MAC_MORE                                                                                   \
	"rx is the Receive Filter (matches the sender's address), tx the Send Filter\n"            \
	"(matches the destination's address). Addresses are accepted as\n"                         \
	"00:1e:8f:12:34:56, 00-1E-8F-12-34-56, 001e.8f12.3456 or 001E8F123456 and\n"               \
	"stored as 00:1E:8F:12:34:56. Multicast and broadcast frames are never\n"                  \
	"filtered. A change that would block every host (Use Filter ON, Default\n"                 \
	"Policy Reject, no exceptions) is refused unless --force. Changes take\n"                  \
	"effect on apply."

const struct op ops_mac[] = {
	{ .name = "mac.list",
	  .words = "mac list",
	  .kind = OP_REPORT,
	  .params = p_list,
	  .run = list_run,
	  .help = "MAC Address Block: Use Filter, Default Policy and exceptions",
	  .more = MAC_MORE },
	{ .name = "mac.entries",
	  .words = "mac entries",
	  .kind = OP_LIST,
	  .doors = DOOR_MANAGER,
	  .params = p_entries,
	  .run = entries_run,
	  .row_ops = "mac.remove",
	  .help = "the exception addresses of one filter, to remove one (System Settings; "
		  "'mac list' shows them to anyone)" },
	{ .name = "mac.add",
	  .words = "mac add",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_add,
	  .prepare = add_prepare,
	  .run = add_run,
	  .help = "add exception addresses (at most 100 per filter)",
	  .more = MAC_MORE },
	{ .name = "mac.remove",
	  .words = "mac remove",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_remove,
	  .prepare = remove_prepare,
	  .run = remove_run,
	  .help = "remove an exception address" },
	{ .name = "mac.clear",
	  .words = "mac clear",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .confirm = OP_CONFIRM_ASK,
	  .params = p_dir_force,
	  .prepare = clear_prepare,
	  .run = clear_run,
	  .help = "remove every exception address of a filter" },
	{ .name = "mac.policy",
	  .words = "mac policy",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_policy,
	  .prepare = set_prepare,
	  .run = policy_run,
	  .help = "Default Policy: what happens to addresses that are not exceptions",
	  .more = "The exceptions get the opposite of the Default Policy." },
	{ .name = "mac.enable",
	  .words = "mac enable",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_dir_force,
	  .prepare = set_prepare,
	  .run = enable_run,
	  .help = "Use Filter ON" },
	{ .name = "mac.disable",
	  .words = "mac disable",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_dir_force,
	  .prepare = set_prepare,
	  .run = enable_run,
	  .help = "Use Filter OFF" },
	{ .name = "mac.apply",
	  .words = "mac apply",
	  .kind = OP_RUN,
	  .doors = DOOR_MANAGER,
	  .params = p_apply,
	  .prepare = apply_prepare,
	  .run = apply_run,
	  .help = "load the filters into the kernel and write their nftables ruleset",
	  .more = "Loads table netdev svcmode_mac on the interface --iface, else the setting\n"
		  "network.mac.interface, else the interface of the default route\n"
		  "('nft -c -f', then 'nft -f': one transaction; if nft refuses, the previous\n"
		  "rules stay loaded and the previous file stays), then writes the ruleset\n"
		  "to mac-block.nft beside the store (or FILE). --no-load only writes the\n"
		  "file; FILE - prints the ruleset and loads nothing. Needs root (nft)." },
	{ .name = "mac.status",
	  .words = "mac status",
	  .kind = OP_REPORT,
	  .run = status_run,
	  .help = "what the kernel has loaded of the MAC Address Block, and whether it is "
		  "what is stored",
	  .more = "Reads table netdev svcmode_mac with 'nft list' (needs root). A filter is\n"
		  "in effect when what is loaded equals the stored settings: Use Filter,\n"
		  "Default Policy, the exception addresses and the interface. --json: table,\n"
		  "interface, rx, tx, rx_in_effect, tx_in_effect." },
	{ .name = NULL },
};
