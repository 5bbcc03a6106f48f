/*
 * The license history file (src/license/history.c): what is saved is what
 * is loaded; a missing file is an empty history; every kind of damage is
 * refused with the file and line named; the store's own directory is
 * refused as the history's place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "license/history.h"

static char dir[64], hist[96], store[96];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/svc-hist.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(hist, sizeof hist, "%s/counter", dir);
	snprintf(store, sizeof store, "%s/device.db", dir);
	setenv("SVCMODE_LICENSE_HISTORY", hist, 1);
	return 0;
}

static int
teardown(void **state)
{
	char path[160];

	(void)state;
	snprintf(path, sizeof path, "%s/AAA00001", hist);
	unlink(path);
	rmdir(hist);
	rmdir(dir);
	return 0;
}

static void
write_hist(const char *text)
{
	char path[160];
	FILE *f;

	mkdir(hist, 0700);
	snprintf(path, sizeof path, "%s/AAA00001", hist);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void
test_license_history__round_trip(void **state)
{
	struct lic_hist h, g;
	struct svc_err err = { 0 };
	struct lic_hist_entry e1 = { "SEND", 1, "transferred", 3, "0003-1665-5032-5338-2716-8104" };
	struct lic_hist_entry e2 = { "PCL", 2, "erased", 0, "" };
	struct stat st;

	(void)state;
	assert_int_equal(lic_hist_load(store, "AAA00001", &h, &err), 0);
	assert_int_equal(h.n, 0); /* no file yet */
	assert_int_equal(lic_hist_add(&h, &e1, &err), 0);
	assert_int_equal(lic_hist_add(&h, &e2, &err), 0);
	assert_int_equal(lic_hist_add(&h, &e2, &err), -1); /* twice */
	assert_int_equal(h.counter, 3);
	assert_int_equal(lic_hist_save(&h, &err), 0);
	assert_int_equal(stat(h.path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(lic_hist_load(store, "AAA00001", &g, &err), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.counter, 3);
	assert_non_null(lic_hist_find(&g, "SEND", 1));
	assert_string_equal(lic_hist_find(&g, "SEND", 1)->transfer, e1.transfer);
	assert_string_equal(lic_hist_find(&g, "PCL", 2)->state, "erased");
	assert_null(lic_hist_find(&g, "PCL", 1));
	lic_hist_release(&h);
	lic_hist_release(&g);
}

static void
test_license_history__damage_refused(void **state)
{
	static const struct {
		const char *text;
		int line;
	} bad[] = {
		{ "not a history\n", 1 },
		{ "svcmode license history 1\nserial BBB00002\ncounter 0\n", 2 },
		{ "svcmode license history 1\nserial AAA00001\ncounter x\n", 3 },
		{ "svcmode license history 1\nserial AAA00001\n", 2 },
		{ "svcmode license history 1\nserial AAA00001\ncounter 1\nSEND 000001 transferred "
		  "1 "
		  "0003-1665-5032-5338-2716-8104",
		  3 }, /* the last line cut */
		{ "svcmode license history 1\nserial AAA00001\ncounter 1\nSEND 000001 active 0 -\n",
		  4 },
		{ "svcmode license history 1\nserial AAA00001\ncounter 1\nSEND 000001 erased 1 -\n",
		  4 },
		{ "svcmode license history 1\nserial AAA00001\ncounter 1\nSEND 000001 transferred "
		  "0 "
		  "-\n",
		  4 },
		{ "svcmode license history 1\nserial AAA00001\ncounter 1\nSEND 0 erased 0 -\n", 4 },
		{ "svcmode license history 1\nserial AAA00001\ncounter 1\nPCL 000002 erased 0 -\n"
		  "PCL 000002 erased 0 -\n",
		  5 },
	};
	char want[64];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct lic_hist h;
		struct svc_err err = { 0 };
		write_hist(bad[i].text);
		assert_int_equal(lic_hist_load(store, "AAA00001", &h, &err), -1);
		assert_int_equal(err.code, EX_DATAERR);
		snprintf(want, sizeof want, "is damaged (line %d)", bad[i].line);
		if (strstr(err.msg, want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, want);
		assert_null(h.path); /* reset on failure */
	}
}

static void
test_license_history__not_beside_the_store(void **state)
{
	struct lic_hist h;
	struct svc_err err = { 0 };

	(void)state;
	setenv("SVCMODE_LICENSE_HISTORY", dir, 1);
	assert_int_equal(lic_hist_load(store, "AAA00001", &h, &err), -1);
	assert_int_equal(err.code, EX_CONFIG);
	assert_non_null(strstr(err.msg, "is the store's own directory"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_license_history__round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_license_history__damage_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_license_history__not_beside_the_store, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
