/* Unit tests of the mac module and its operations on real temporary stores.
 * The process runs in a network namespace of its own (root), so that
 * nothing here reaches the host's kernel; where one cannot be made, no nft
 * can be found either (PATH emptied). */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "mac/mac.h"
#include "store/store_mac.h"
#include "util/fsutil.h"

static int
setup(void **state)
{
	return tfix_setup(state, "mac-unit", LEVEL_MANAGER);
}

static void
test_mac__normalize_table(void **state)
{
	static const struct {
		const char *in, *out; /* out NULL: refused */
	} cases[] = {
		{ "00:1e:8f:12:34:56", "00:1E:8F:12:34:56" },
		{ "00-1E-8F-12-34-56", "00:1E:8F:12:34:56" },
		{ "001e.8f12.3456", "00:1E:8F:12:34:56" },
		{ "001E8F123456", "00:1E:8F:12:34:56" },
		{ "02:aB:cD:eF:01:23", "02:AB:CD:EF:01:23" },
		{ "00:1e:8f:12:34", NULL },
		{ "00:1e-8f:12:34:56", NULL },
		{ "00:1e:8f:12:34:5z", NULL },
		{ "001e.8f123456", NULL },
		{ "", NULL },
		{ "00:00:00:00:00:00", NULL },
		{ "ff:ff:ff:ff:ff:ff", NULL },
		{ "01:00:5e:00:00:01", NULL },
		{ "33:33:00:00:00:01", NULL },
	};
	char out[18];
	struct svc_err err;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&err, 0, sizeof err);
		memset(out, 'x', sizeof out);
		int rc = mac_normalize(cases[i].in, out, &err);
		if (cases[i].out) {
			assert_int_equal(rc, 0);
			assert_string_equal(out, cases[i].out);
		} else {
			assert_int_equal(rc, -1);
			assert_int_equal(err.code, EX_USAGE);
		}
	}
}

static void
test_mac__block_all_refused_unless_forced(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct mac_filter mf;

	assert_int_equal(mac_set_enabled(f->dev, MAC_RX, true, false, &err), 0);
	assert_int_equal(mac_set_policy(f->dev, MAC_RX, true, false, &err), -1);
	assert_int_equal(err.code, EX_DATAERR);
	assert_non_null(strstr(err.msg, "Receive Filter would block every host"));
	assert_int_equal(mac_filter_get(f->dev, MAC_RX, &mf, &err), 0);
	assert_false(mf.reject);
	assert_int_equal(mac_set_policy(f->dev, MAC_RX, true, true, &err), 0);
	assert_int_equal(mac_filter_get(f->dev, MAC_RX, &mf, &err), 0);
	assert_true(mf.reject && mf.enabled);
}

static void
test_mac__limit_and_erase(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct erase_stats es = { 0 };
	char addrs[MAC_MAX_ENTRIES + 1][18];
	const char *ptrs[MAC_MAX_ENTRIES + 1];
	struct mac_filter mf;

	for (int i = 0; i <= MAC_MAX_ENTRIES; i++) {
		snprintf(addrs[i], sizeof addrs[i], "02:00:00:00:%02X:%02X", i / 256, i % 256);
		ptrs[i] = addrs[i];
	}
	assert_int_equal(mac_add(f->dev, MAC_TX, ptrs, MAC_MAX_ENTRIES + 1, &err), -1);
	assert_int_equal(err.code, EX_DATAERR);
	assert_int_equal(mac_filter_get(f->dev, MAC_TX, &mf, &err), 0);
	assert_int_equal(mf.count, 0);
	assert_int_equal(mac_add(f->dev, MAC_TX, ptrs, MAC_MAX_ENTRIES, &err), 0);
	assert_int_equal(mac_add(f->dev, MAC_TX, ptrs + MAC_MAX_ENTRIES, 1, &err), -1);
	assert_int_equal(mac_add(f->dev, MAC_RX, ptrs, 3, &err), 0);
	assert_int_equal(store_begin(device_store(f->dev), &err), 0);
	assert_int_equal(mac_erase(f->dev, &es, &err), 0);
	assert_int_equal(store_commit(device_store(f->dev), &err), 0);
	/* The addresses, then nothing loaded and no ruleset file to remove. */
	assert_int_equal(es.nkinds, 3);
	assert_string_equal(es.kinds[0].kind, "MAC exception addresses");
	assert_int_equal(es.kinds[0].n, MAC_MAX_ENTRIES + 3);
	assert_string_equal(es.kinds[1].kind, "MAC rulesets in the kernel");
	assert_int_equal(es.kinds[1].n, 0);
	assert_string_equal(es.kinds[2].kind, "MAC ruleset files");
	assert_int_equal(es.kinds[2].n, 0);
	assert_int_equal(mac_filter_get(f->dev, MAC_TX, &mf, &err), 0);
	assert_int_equal(mf.count, 0);
}

/*
 * The 100th address is added by another svcmode whose write transaction
 * is still open while this one checks: the check before the door sees 99
 * and lets it through; the count inside mac.add's own write transaction
 * (which waits for the other to commit) then refuses the 101st with 65,
 * never "busy" (75), and the list ends at exactly 100.
 */
static void
test_mac__limit_counted_in_the_write_transaction(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	char addrs[MAC_MAX_ENTRIES][18];
	const char *ptrs[MAC_MAX_ENTRIES];
	struct mac_filter mf;
	int fds[2], status = -1;
	char ready = 0;
	pid_t pid;

	for (int i = 0; i < MAC_MAX_ENTRIES - 1; i++) {
		snprintf(addrs[i], sizeof addrs[i], "02:00:00:00:%02X:%02X", i / 256, i % 256);
		ptrs[i] = addrs[i];
	}
	assert_int_equal(mac_add(f->dev, MAC_TX, ptrs, MAC_MAX_ENTRIES - 1, &err), 0);
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		struct device *other = NULL;
		int rc = 1;

		close(fds[0]);
		if (device_open(f->path, false, NULL, &other, &err) == 0 &&
		    store_begin(device_store(other), &err) == 0 &&
		    store_mac_add(device_store(other), "tx", "02:00:00:00:FF:01", &err) == 0 &&
		    write(fds[1], "1", 1) == 1) {
			sleep(1); /* the other's check and door happen now */
			rc = store_commit(device_store(other), &err) == 0 ? 0 : 1;
		}
		close(fds[1]);
		device_close(other);
		_exit(rc);
	}
	assert_true(pid > 0);
	close(fds[1]);
	assert_int_equal(read(fds[0], &ready, 1), 1);
	close(fds[0]);
	assert_int_equal(tfix_op(f, "mac.add", "dir=tx", "address=02:00:00:00:FF:02", NULL), -1);
	assert_int_equal(f->err.code, EX_DATAERR);
	assert_non_null(strstr(f->err.msg, "holds at most 100 exception addresses (it has 100)"));
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(mac_filter_get(f->dev, MAC_TX, &mf, &err), 0);
	assert_int_equal(mf.count, MAC_MAX_ENTRIES);
}

static void
test_mac__ops_add_list_remove_apply(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	const struct op *entries = op_find("mac.entries");
	char rules[160];
	struct strbuf text = STRBUF_INIT;

	assert_non_null(entries);
	assert_string_equal(entries->row_ops, "mac.remove");
	assert_int_equal(tfix_op(f, "mac.add", "dir=tx", "address=001e.8f12.3456", NULL), 0);
	assert_int_equal(tfix_op(f, "mac.entries", "dir=tx", NULL), 0);
	/* One row: id, label, then the date it was added. */
	assert_int_equal(strncmp(f->rows.buf, "tx/00:1E:8F:12:34:56|00:1E:8F:12:34:56|", 39), 0);
	assert_ptr_equal(strchr(f->rows.buf, '\n') + 1, f->rows.buf + f->rows.len);
	assert_int_equal(mac_set_enabled(f->dev, MAC_TX, true, false, &err), 0);
	assert_int_equal(mac_set_policy(f->dev, MAC_TX, true, false, &err), 0);
	/* Removing the last exception would block everything: refused with
	 * 65, nothing changed; with force (the menus offer it) it goes. */
	assert_int_equal(tfix_op(f, "mac.remove", "dir=tx", "address=00:1E:8F:12:34:56", NULL), -1);
	assert_int_equal(f->err.code, EX_DATAERR);
	assert_non_null(strstr(f->err.msg, "would block every host"));
	assert_int_equal(
		tfix_op(f, "mac.remove", "dir=tx", "address=00:1E:8F:12:34:56", "force", NULL), 0);
	assert_int_equal(config_set(f->dev, "network.mac.interface", "eth0", &err), 0);
	assert_int_equal(tfix_op(f, "mac.apply", "force", "no-load", NULL), 0);
	snprintf(rules, sizeof rules, "%s/%s", f->dir, MAC_RULESET_FILE);
	assert_int_equal(fs_read(rules, 65536, &text, &err), 0);
	assert_non_null(
		strstr(text.buf, "hook egress device \"eth0\" priority -500; policy drop;"));
	assert_null(strstr(text.buf, "chain rx"));
	/* A filter that is neither rx nor tx is refused before anything. */
	assert_int_equal(tfix_op(f, "mac.entries", "dir=xx", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	sb_release(&text);
}

static bool own_netns; /* the process has a network namespace of its own */

/* The interface: --iface, else the setting, else the default route; bad
 * names are refused and change nothing. */
static void
test_mac__iface_choice(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "eth/0", "eth0:1", "eth 0", "abcdefghijklmnop", "eth0\"; drop"
	};
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct strbuf out = STRBUF_INIT, v = STRBUF_INIT;

	assert_int_equal(mac_iface(f->dev, "lan7", &out, &err), 0);
	assert_string_equal(out.buf, "lan7");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&err, 0, sizeof err);
		assert_int_equal(mac_iface(f->dev, bad[i], &out, &err), -1);
		assert_int_equal(err.code, EX_USAGE);
		if (*bad[i] == '\0')
			continue;
		assert_int_equal(config_set(f->dev, "network.mac.interface", bad[i], &err), -1);
		assert_int_equal(err.code, EX_DATAERR);
		assert_int_equal(config_get(f->dev, "network.mac.interface", &v, &err), 0);
		assert_string_equal(sb_str(&v), "");
	}
	if (own_netns) { /* a new namespace has no route at all */
		assert_int_equal(mac_iface(f->dev, NULL, &out, &err), -1);
		assert_int_equal(err.code, EX_CONFIG);
		assert_non_null(strstr(err.msg, "network.mac.interface"));
	}
	assert_int_equal(config_set(f->dev, "network.mac.interface", "eth5", &err), 0);
	assert_int_equal(mac_iface(f->dev, NULL, &out, &err), 0);
	assert_string_equal(out.buf, "eth5");
	assert_int_equal(mac_iface(f->dev, "lan7", &out, &err), 0);
	assert_string_equal(out.buf, "lan7");
	sb_release(&out);
	sb_release(&v);
}

/* Loading onto an interface the kernel does not have is refused before
 * anything is written; writing the file only needs no interface. */
static void
test_mac__apply_refuses_missing_iface(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct mac_apply_opts o = { .iface = "nosuch0", .load = true };
	char rules[160];
	struct stat sb;

	snprintf(rules, sizeof rules, "%s/%s", f->dir, MAC_RULESET_FILE);
	assert_int_equal(mac_apply(f->dev, &o, NULL, &err), -1);
	assert_int_equal(err.code, EX_CONFIG);
	assert_non_null(strstr(err.msg, "no network interface 'nosuch0'"));
	assert_int_equal(stat(rules, &sb), -1);
	o.load = false;
	assert_int_equal(mac_apply(f->dev, &o, NULL, &err), 0);
	assert_int_equal(stat(rules, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600); /* it holds the customer's addresses */
}

static void
plant(const struct tfix *f, const char *name)
{
	char p[192];
	FILE *fp;

	snprintf(p, sizeof p, "%s/%s", f->dir, name);
	assert_non_null(fp = fopen(p, "w"));
	fputs("02:4D:41:52:4B:21\n", fp);
	fclose(fp);
}

static bool
exists(const struct tfix *f, const char *name)
{
	char p[192];
	struct stat sb;

	snprintf(p, sizeof p, "%s/%s", f->dir, name);
	return stat(p, &sb) == 0;
}

/* The ruleset file and leftover temporaries go; other files stay. */
static void
test_mac__kernel_remove_files(void **state)
{
	static const char *const gone[] = { MAC_RULESET_FILE, "." MAC_RULESET_FILE ".Ab12Cd",
					    MAC_RULESET_FILE ".tmp-Xy34Zw" };
	static const char *const kept[] = { MAC_RULESET_FILE "x", "my-" MAC_RULESET_FILE };
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct erase_stats es = { 0 };

	for (size_t i = 0; i < 3; i++)
		plant(f, gone[i]);
	for (size_t i = 0; i < 2; i++)
		plant(f, kept[i]);
	assert_int_equal(mac_kernel_remove(f->dev, &es, &err), 0);
	for (size_t i = 0; i < 3; i++)
		assert_false(exists(f, gone[i]));
	for (size_t i = 0; i < 2; i++)
		assert_true(exists(f, kept[i]));
	assert_int_equal(es.nkinds, 2);
	assert_string_equal(es.kinds[1].kind, "MAC ruleset files");
	assert_int_equal(es.kinds[1].n, 3);
	assert_true(es.bytes >= 3 * 18); /* overwritten before they were unlinked */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mac__normalize_table),
		cmocka_unit_test_setup_teardown(test_mac__block_all_refused_unless_forced, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mac__limit_and_erase, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mac__limit_counted_in_the_write_transaction,
						setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mac__ops_add_list_remove_apply, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mac__iface_choice, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mac__apply_refuses_missing_iface, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_mac__kernel_remove_files, setup,
						tfix_teardown),
	};

	own_netns = unshare(CLONE_NEWNET) == 0;
	if (!own_netns)
		setenv("PATH", "/nonexistent", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
