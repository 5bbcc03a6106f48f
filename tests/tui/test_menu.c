/* The screens/ tree against the catalog and the action registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "actions/action.h"
#include "menu/menu.h"

static int
check_action(void *arg, const struct menu_item *it)
{
	struct strbuf *problems = arg;

	if (it->kind == MENU_ACTION && action_find(it->target) == NULL)
		sb_addf(problems, "%s:%d: unknown action '%s'\n", it->file, it->line, it->target);
	return 0;
}

static void
test_tui__screens_match_catalog_and_actions(void **state)
{
	struct catalog *cat = NULL;
	struct menu *m = NULL;
	struct strbuf problems = STRBUF_INIT;
	struct svc_err err;

	(void)state;
	assert_int_equal(catalog_new(&cat, &err), 0);
	assert_int_equal(menu_new(&m, &err), 0);
	assert_int_equal(menu_check_keys(m, cat, true, &problems), 0);
	menu_walk(m, check_action, &problems);
	if (problems.len)
		fail_msg("%s", problems.buf);
	sb_release(&problems);
	menu_free(m);
	catalog_free(cat);
}

static void
test_tui__row_actions_exist(void **state)
{
	const struct action_def *a;

	(void)state;
	for (int i = 0; (a = action_at(i)) != NULL; i++) {
		const char *p = a->row_actions;

		while (p && *p) {
			size_t n = strcspn(p, ",");
			char name[64];

			assert_true(n < sizeof name);
			memcpy(name, p, n);
			name[n] = '\0';
			if (action_find(name) == NULL)
				fail_msg("%s names unknown row action '%s'", a->name, name);
			p += n + (p[n] == ',');
		}
	}
}

static void
parse_one(const char *text, struct menu **m, struct svc_err *err, int want)
{
	const char *names[] = { "t.screen" };
	const char *texts[] = { text };

	assert_int_equal(menu_parse(names, texts, 1, m, err), want);
}

static void
test_tui__unknown_key_is_reported(void **state)
{
	struct catalog *cat = NULL;
	struct menu *m = NULL;
	struct strbuf problems = STRBUF_INIT;
	struct svc_err err;

	(void)state;
	assert_int_equal(catalog_new(&cat, &err), 0);
	parse_one("menu \"Top\"\n  setting no.such.key\n", &m, &err, 0);
	/* The unknown key, and every panel key that is now on no screen. */
	assert_true(menu_check_keys(m, cat, true, &problems) > 1);
	assert_non_null(strstr(problems.buf, "t.screen:2: unknown setting 'no.such.key'"));
	assert_non_null(strstr(problems.buf, "'network.email.smtp.port' is on no screen"));
	sb_release(&problems);
	menu_free(m);
	catalog_free(cat);
}

static void
test_tui__malformed_screens_name_the_line(void **state)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "menu \"Top\"\n   setting a.b\n", "t.screen:2: indent with two spaces" },
		{ "menu \"Top\"\n  widget x\n", "t.screen:2: expected menu, setting" },
		{ "menu \"Top\"\n  action x.y\n", "t.screen:2: missing \"label\"" },
		{ "menu \"Top\"\n  menu \"A\" guard=boss\n", "t.screen:2: invalid level 'boss'" },
		{ "menu \"Top\"\n  setting\n", "t.screen:2: missing key" },
		{ "menu \"Top\n", "t.screen:1: unterminated quote" },
		{ "menu \"Top\"\n    setting a.b\n", "t.screen:2: indented deeper" },
		{ "", "no menu" },
	};
	struct menu *m = (struct menu *)&m; /* poisoned: must come back NULL */
	struct svc_err err;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse_one(bad[i].text, &m, &err, -1);
		assert_null(m);
		assert_int_equal(err.code, EX_DATAERR);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].msg);
	}
}

static void
test_tui__breadcrumb_and_path(void **state)
{
	struct strbuf s = STRBUF_INIT;

	(void)state;
	assert_int_equal(menu_path_for_key("network.email.auth.pop_before_smtp", &s), 0);
	assert_string_equal(
		s.buf, "System Settings > Network Settings > E-Mail/I-Fax > Authent./Encryption");
	assert_int_equal(menu_path_for_key("service.code.level1", &s), -1);
	sb_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tui__screens_match_catalog_and_actions),
		cmocka_unit_test(test_tui__row_actions_exist),
		cmocka_unit_test(test_tui__unknown_key_is_reported),
		cmocka_unit_test(test_tui__malformed_screens_name_the_line),
		cmocka_unit_test(test_tui__breadcrumb_and_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
