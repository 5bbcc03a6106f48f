/* Unit tests of the mailbox module: parsers, documents on a real store,
 * and the Initialize All Data/Settings entry point. */
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

#include "mailbox/mailbox.h"
#include "util/fsutil.h"

static void
test_mailbox__parse_box(void **state)
{
	static const struct {
		const char *in;
		int box;
	} good[] = { { "00", 0 }, { "7", 7 }, { "07", 7 }, { "99", 99 } };
	static const char *const bad[] = { "", "100", "-1", "ab", "7a", " 7", "007" };
	struct svc_err err;
	int box;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(mailbox_parse_box(good[i].in, &box, &err), 0);
		assert_int_equal(box, good[i].box);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		box = 5;
		assert_int_equal(mailbox_parse_box(bad[i], &box, &err), -1);
		assert_int_equal(err.code, EX_USAGE);
		assert_int_equal(box, -1);
	}
}

static void
test_mailbox__parse_list(void **state)
{
	bool set[MAILBOX_INBOXES];
	struct svc_err err;
	static const char *const bad[] = { "", ",", "03,", "1-", "09-03", "100", "a", "0,,1" };
	int n = 0;

	(void)state;
	assert_int_equal(mailbox_parse_list("00,03,10-19", set, &err), 0);
	for (int i = 0; i < MAILBOX_INBOXES; i++)
		n += set[i];
	assert_int_equal(n, 12);
	assert_true(set[0] && set[3] && set[10] && set[19] && !set[20] && !set[1]);
	assert_int_equal(mailbox_parse_list("all", set, &err), 0);
	assert_true(set[0] && set[99]);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(mailbox_parse_list(bad[i], set, &err), -1);
		assert_int_equal(err.code, EX_USAGE);
		assert_false(set[0] || set[3]);
	}
}

static void
test_mailbox__period(void **state)
{
	static const struct {
		const char *in;
		int64_t secs;
		const char *shown;
	} good[] = { { "OFF", 0, "OFF" },         { "off", 0, "OFF" },     { "30m", 1800, "30m" },
		     { "60m", 3600, "1h" },       { "12h", 43200, "12h" }, { "3d", 259200, "3d" },
		     { "365d", 31536000, "365d" } };
	static const char *const bad[] = { "", "5", "5x", "0m", "-1h", "366d", "h", "1.5h" };
	struct svc_err err;
	char shown[16];
	int64_t s;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(mailbox_parse_period(good[i].in, &s, &err), 0);
		assert_int_equal(s, good[i].secs);
		mailbox_format_period(s, shown, sizeof shown);
		assert_string_equal(shown, good[i].shown);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(mailbox_parse_period(bad[i], &s, &err), -1);
		assert_int_equal(err.code, EX_USAGE);
		assert_non_null(strstr(err.msg, "Auto Erase"));
	}
}

struct fixture {
	char dir[64];
	char *db;
	struct device *dev;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct strbuf sb = STRBUF_INIT;
	struct svc_err err;

	strlcpy_(f->dir, "/tmp/svc-mailbox-XXXXXX", sizeof f->dir);
	assert_non_null(mkdtemp(f->dir));
	sb_addf(&sb, "%s/device.db", f->dir);
	f->db = sb_detach(&sb);
	assert_int_equal(device_open(f->db, true, NULL, &f->dev, &err), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	struct strbuf cmd = STRBUF_INIT;

	FILE *rm;

	device_close(f->dev);
	/* Leave nothing behind. */
	sb_addf(&cmd, "rm -rf '%s'", f->dir);
	if ((rm = popen(cmd.buf, "r")) != NULL)
		pclose(rm);
	free(f->db);
	sb_release(&cmd);
	free(f);
	return 0;
}

static int
count_files(const char *db)
{
	struct strbuf p = STRBUF_INIT;
	int n = 0;
	char name[256];
	FILE *ls;

	sb_addf(&p, "ls -A '%s.d/docs' | grep -v '^.lock$'", db);
	ls = popen(p.buf, "r");
	while (ls && fgets(name, sizeof name, ls))
		n++;
	if (ls)
		pclose(ls);
	sb_release(&p);
	return n;
}

static int
count_doc(void *arg, const struct mailbox_doc *d)
{
	(void)d;
	(*(int *)arg)++;
	return 0;
}

static void
test_mailbox__erase_all_idempotent(void **state)
{
	struct fixture *f = *state;
	struct erase_stats st;
	struct svc_err err;
	struct mailbox_inbox in;
	struct strbuf orphan = STRBUF_INIT;
	int n = 0;

	assert_int_equal(mailbox_store_document(f->dev, 3, "mail 1", "abc", 3, &err), 0);
	assert_int_equal(mailbox_store_document(f->dev, 3, "mail 2", "defg", 4, &err), 0);
	assert_int_equal(mailbox_store_document(f->dev, 99, "mail 3", "", 0, &err), 0);
	assert_int_equal(mailbox_set(f->dev, 3, NULL, "name", "Sales", &err), 0);
	assert_int_equal(mailbox_doc_each(f->dev, 3, NULL, count_doc, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(count_files(f->db), 3);

	memset(&st, 0, sizeof st);
	assert_int_equal(mailbox_erase_all(f->dev, &st, &err), 0);
	assert_int_equal(st.nkinds, 2);
	assert_string_equal(st.kinds[0].kind, "documents");
	assert_int_equal(st.kinds[0].n, 3);
	assert_string_equal(st.kinds[1].kind, "inbox settings");
	assert_int_equal(st.kinds[1].n, 1);
	assert_int_equal(count_files(f->db), 0);
	assert_int_equal(mailbox_inbox_get(f->dev, 3, &in, &err), 0);
	assert_int_equal(in.docs, 0);
	assert_string_equal(in.name, "");

	/* Interrupted after the rows went: the files are still found. */
	sb_addf(&orphan, "%s.d/docs/00112233445566778899aabbccddeeff.doc", f->db);
	assert_int_equal(fs_write_atomic(orphan.buf, "left", 4, 0600, &err), 0);
	memset(&st, 0, sizeof st);
	assert_int_equal(mailbox_erase_all(f->dev, &st, &err), 0);
	assert_int_equal(st.kinds[0].n, 1);
	assert_int_equal(count_files(f->db), 0);
	/* And once more: nothing left to do, no error. */
	memset(&st, 0, sizeof st);
	assert_int_equal(mailbox_erase_all(f->dev, &st, &err), 0);
	assert_int_equal(st.kinds[0].n, 0);
	sb_release(&orphan);
}

/* Each choice of system.init.erase_method is its erase method. */
static void
test_mailbox__erase_method_of_each_choice(void **state)
{
	static const struct {
		const char *choice;
		enum erase_method m;
	} want[] = { { "1 Pass Zeros", ERASE_ZEROS },
		     { "1 Pass Random", ERASE_RANDOM },
		     { "3 Passes DoD", ERASE_DOD3 } };
	struct fixture *f = *state;
	const struct cat_entry *e =
		catalog_find(device_catalog(f->dev), "system.init.erase_method");
	struct device_creds c = { .manager = true };
	struct erase_stats st;
	struct svc_err err;

	assert_non_null(e);
	assert_int_equal(e->nchoices, 3);
	strlcpy_(c.manager_id, "7654321", sizeof c.manager_id);
	strlcpy_(c.manager_pin, "7654321", sizeof c.manager_pin);
	assert_int_equal(device_login(f->dev, LEVEL_MANAGER, &c, &err), 0);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		assert_string_equal(e->choices[i], want[i].choice);
		assert_int_equal(
			config_set(f->dev, "system.init.erase_method", want[i].choice, &err), 0);
		assert_int_equal(mailbox_erase_init(f->dev, &st, &err), 0);
		assert_int_equal(st.method, want[i].m);
	}
}

static void
test_mailbox__store_rejects_bad_input(void **state)
{
	struct fixture *f = *state;
	struct svc_err err;
	char name[200];

	assert_int_equal(mailbox_store_document(f->dev, 100, "x", "a", 1, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	memset(name, 'a', sizeof name - 1);
	name[sizeof name - 1] = '\0';
	assert_int_equal(mailbox_store_document(f->dev, 1, name, "a", 1, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	assert_int_equal(mailbox_store_document(f->dev, 1, "bad\nname", "a", 1, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	assert_int_equal(count_files(f->db), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mailbox__parse_box),
		cmocka_unit_test(test_mailbox__parse_list),
		cmocka_unit_test(test_mailbox__period),
		cmocka_unit_test_setup_teardown(test_mailbox__erase_all_idempotent, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mailbox__erase_method_of_each_choice, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mailbox__store_rejects_bad_input, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
