/* mac: the MAC Address Block (src/mac/). */
#include <string.h>

#include "cli/cli.h"
#include "mac/mac.h"
#include "util/json.h"

struct mac_sub {
	const char *name;
	const char *usage;
	int (*run)(struct cli *cli, const char *sub, int argc, char **argv, struct svc_err *err);
};

static const struct mac_sub *mac_find(const char *name);

static int
sub_parse(const char *sub, int argc, char **argv, const struct cli_opt *opts, int min, int max,
	  struct svc_err *err)
{
	const struct mac_sub *s = mac_find(sub);
	char cmd[32];
	int n;

	snprintf(cmd, sizeof cmd, "mac %s", sub);
	n = cli_parse(cmd, argc, argv, opts, err);
	if (n < 0)
		return -1;
	if (n < min || n > max)
		return svc_errf(err, EX_USAGE, "usage: svcmode mac %s %s", sub, s ? s->usage : "");
	return n;
}

struct list_out {
	struct cli *cli;
	bool json;
	struct strbuf *j;
	int n;
};

static int
print_addr(void *arg, const char *addr, const char *added)
{
	struct list_out *lo = arg;

	if (lo->json) {
		sb_adds(lo->j, lo->n++ ? ", " : "");
		json_add_str(lo->j, addr);
	} else {
		fprintf(lo->cli->out, "  %s  (added %s)\n", addr, added);
	}
	return 0;
}

static int
list_dir(struct cli *cli, enum mac_dir d, bool json, struct strbuf *j, struct svc_err *err)
{
	struct list_out lo = { cli, json, j, 0 };
	struct mac_filter f;

	if (mac_filter_get(cli->dev, d, &f, err) != 0)
		return -1;
	if (json) {
		sb_addf(j, "\"%s\": {\"enabled\": %s, \"policy\": \"%s\", \"addresses\": [",
			mac_dir_name(d), f.enabled ? "true" : "false",
			f.reject ? "Reject" : "Allow");
	} else {
		fprintf(cli->out,
			"%s (%s): Use Filter %s, Default Policy %s, %d of %d exceptions\n",
			mac_dir_title(d), mac_dir_name(d), f.enabled ? "ON" : "OFF",
			f.reject ? "Reject" : "Allow", f.count, MAC_MAX_ENTRIES);
	}
	if (mac_each(cli->dev, d, print_addr, &lo, err) < 0)
		return -1;
	if (json)
		sb_adds(j, "]}");
	return 0;
}

static int
mac_list(struct cli *cli, const char *sub, int argc, char **argv, struct svc_err *err)
{
	const char *json = NULL;
	struct cli_opt opts[] = { { "json", &json }, { NULL, NULL } };
	struct strbuf j = STRBUF_INIT;
	enum mac_dir only = MAC_RX;
	int n = sub_parse(sub, argc, argv, opts, 0, 1, err), rc = 0, shown = 0;

	if (n < 0 || (n == 1 && mac_dir_parse(argv[0], &only, err) != 0))
		return -1;
	if (json)
		sb_adds(&j, "{");
	for (int d = MAC_RX; d <= MAC_TX && rc == 0; d++) {
		if (n == 1 && d != (int)only)
			continue;
		if (json && shown)
			sb_adds(&j, ", ");
		else if (!json && shown)
			fputc('\n', cli->out);
		rc = list_dir(cli, (enum mac_dir)d, json != NULL, &j, err);
		shown++;
	}
	if (rc == 0 && json)
		fprintf(cli->out, "%s}\n", j.buf);
	sb_release(&j);
	return rc;
}

static int
mac_add_cmd(struct cli *cli, const char *sub, int argc, char **argv, struct svc_err *err)
{
	int n = sub_parse(sub, argc, argv, NULL, 2, MAC_MAX_ENTRIES + 1, err);
	enum mac_dir d = MAC_RX;

	if (n < 0 || mac_dir_parse(argv[0], &d, err) != 0 ||
	    mac_add(cli->dev, d, (const char *const *)argv + 1, n - 1, err) != 0)
		return -1;
	fprintf(cli->msg,
		"svcmode: added %d address%s to the %s; 'svcmode mac apply' puts it "
		"into effect\n",
		n - 1, n == 2 ? "" : "es", mac_dir_title(d));
	return 0;
}

static int
mac_remove_cmd(struct cli *cli, const char *sub, int argc, char **argv, struct svc_err *err)
{
	const char *force = NULL;
	struct cli_opt opts[] = { { "force", &force }, { NULL, NULL } };
	enum mac_dir d = MAC_RX;

	if (sub_parse(sub, argc, argv, opts, 2, 2, err) < 0 || mac_dir_parse(argv[0], &d, err) != 0)
		return -1;
	return mac_remove(cli->dev, d, argv[1], force != NULL, err);
}

static int
mac_clear_cmd(struct cli *cli, const char *sub, int argc, char **argv, struct svc_err *err)
{
	const char *force = NULL;
	struct cli_opt opts[] = { { "force", &force }, { NULL, NULL } };
	enum mac_dir d = MAC_RX;
	int n;

	if (sub_parse(sub, argc, argv, opts, 1, 1, err) < 0 ||
	    mac_dir_parse(argv[0], &d, err) != 0 ||
	    (n = mac_clear(cli->dev, d, force != NULL, err)) < 0)
		return -1;
	fprintf(cli->msg, "svcmode: removed %d address%s from the %s\n", n, n == 1 ? "" : "es",
		mac_dir_title(d));
	return 0;
}

static int
mac_policy_cmd(struct cli *cli, const char *sub, int argc, char **argv, struct svc_err *err)
{
	const char *force = NULL;
	struct cli_opt opts[] = { { "force", &force }, { NULL, NULL } };
	enum mac_dir d = MAC_RX;
	bool reject;

	if (sub_parse(sub, argc, argv, opts, 2, 2, err) < 0 || mac_dir_parse(argv[0], &d, err) != 0)
		return -1;
	if (strcasecmp(argv[1], "allow") == 0)
		reject = false;
	else if (strcasecmp(argv[1], "reject") == 0)
		reject = true;
	else
		return svc_errf(err, EX_USAGE, "invalid policy '%s': expected allow or reject",
				argv[1]);
	return mac_set_policy(cli->dev, d, reject, force != NULL, err);
}

static int
mac_enable_cmd(struct cli *cli, const char *sub, int argc, char **argv, struct svc_err *err)
{
	const char *force = NULL;
	struct cli_opt opts[] = { { "force", &force }, { NULL, NULL } };
	enum mac_dir d = MAC_RX;

	if (sub_parse(sub, argc, argv, opts, 1, 1, err) < 0 || mac_dir_parse(argv[0], &d, err) != 0)
		return -1;
	return mac_set_enabled(cli->dev, d, strcmp(sub, "enable") == 0, force != NULL, err);
}

static int
mac_apply_cmd(struct cli *cli, const char *sub, int argc, char **argv, struct svc_err *err)
{
	const char *force = NULL, *iface = NULL, *load = NULL;
	struct cli_opt opts[] = {
		{ "force", &force }, { "iface=", &iface }, { "load", &load }, { NULL, NULL }
	};
	struct strbuf path = STRBUF_INIT;
	int n = sub_parse(sub, argc, argv, opts, 0, 1, err), rc;

	if (n < 0)
		return -1;
	if (load && n == 1 && strcmp(argv[0], "-") == 0)
		return svc_errf(err, EX_USAGE, "--load needs a file, not stdout");
	rc = mac_apply(cli->dev, n == 1 ? argv[0] : NULL, iface, force != NULL, &path, err);
	if (rc == 0 && strcmp(path.buf, "-") != 0)
		fprintf(cli->msg, "svcmode: wrote the MAC Address Block ruleset to '%s'\n",
			path.buf);
	if (rc == 0 && load) {
		rc = mac_load(cli->dev, path.buf, err);
		if (rc == 0)
			fprintf(cli->msg,
				"svcmode: loaded it with nft: the filters are in effect\n");
	}
	sb_release(&path);
	return rc;
}

static const struct mac_sub mac_subs[] = {
	{ "list", "[rx|tx] [--json]", mac_list },
	{ "add", "rx|tx ADDR...", mac_add_cmd },
	{ "remove", "rx|tx ADDR [--force]", mac_remove_cmd },
	{ "clear", "rx|tx [--force]", mac_clear_cmd },
	{ "policy", "rx|tx allow|reject [--force]", mac_policy_cmd },
	{ "enable", "rx|tx [--force]", mac_enable_cmd },
	{ "disable", "rx|tx", mac_enable_cmd },
	{ "apply", "[FILE|-] [--iface NAME] [--load] [--force]", mac_apply_cmd },
};

static const struct mac_sub *
mac_find(const char *name)
{
	for (size_t i = 0; i < sizeof mac_subs / sizeof mac_subs[0]; i++)
		if (strcmp(mac_subs[i].name, name) == 0)
			return &mac_subs[i];
	return NULL;
}

static int
cmd_mac(struct cli *cli, int argc, char **argv, struct svc_err *err)
{
	const struct mac_sub *s;

	if (argc < 2)
		return cli_usage("mac", err);
	if ((s = mac_find(argv[1])) == NULL)
		return svc_errf(err, EX_USAGE,
				"unknown mac command '%s' (see 'svcmode mac --help')", argv[1]);
	return s->run(cli, s->name, argc - 1, argv + 1, err);
}

const struct cli_cmd cli_cmds_mac[] = {
	{ "mac", "SUBCOMMAND ...", "MAC Address Block: receive and send filters",
	  "  list [rx|tx] [--json]       Use Filter, Default Policy and exceptions\n"
	  "  add rx|tx ADDR...           add exception addresses (at most 100 per filter)\n"
	  "  remove rx|tx ADDR           remove one\n"
	  "  clear rx|tx                 remove all of a filter's exceptions\n"
	  "  policy rx|tx allow|reject   Default Policy: what happens to addresses that\n"
	  "                              are not exceptions (exceptions get the opposite)\n"
	  "  enable|disable rx|tx        Use Filter ON/OFF\n"
	  "  apply [FILE|-] [--iface NAME]  write the nftables ruleset (default: mac-block.nft\n"
	  "                              beside the store; interface eth0) to load with\n"
	  "                              'nft -f FILE'; --load runs nft -f itself\n"
	  "\n"
	  "rx is the Receive Filter (matches the sender's address), tx the Send Filter\n"
	  "(matches the destination's address). Addresses are accepted as\n"
	  "00:1e:8f:12:34:56, 00-1E-8F-12-34-56, 001e.8f12.3456 or 001E8F123456 and\n"
	  "stored as 00:1E:8F:12:34:56. Multicast and broadcast frames are never\n"
	  "filtered. A change that would block every host (Use Filter ON, Default\n"
	  "Policy Reject, no exceptions) is refused unless --force. Changes take\n"
	  "effect on apply. Listing needs no credentials; changes need the System\n"
	  "Manager.",
	  CLI_STORE, cmd_mac },
	{ NULL, NULL, NULL, NULL, 0, NULL },
};
