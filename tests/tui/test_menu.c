/* The screens/ tree against the catalog (operations: tests/ops). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "menu/menu.h"

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
	struct svc_err err = { 0 };
	struct catalog *cat = NULL;

	(void)state;
	assert_int_equal(catalog_new(&cat, &err), 0);
	assert_int_equal(
		menu_path_for_setting(catalog_find(cat, "network.email.auth.pop_before_smtp"), &s),
		0);
	assert_string_equal(
		s.buf, "System Settings > Network Settings > E-Mail/I-Fax > Authent./Encryption");
	sb_reset(&s);
	/* An inbox's settings: on the User Inboxes screen (screen = box.inboxes). */
	assert_int_equal(menu_path_for_setting(catalog_find(cat, "box.07.name"), &s), 0);
	assert_non_null(strstr(s.buf, "User Inboxes"));
	sb_reset(&s);
	assert_int_equal(menu_path_for_setting(catalog_find(cat, "service.code.level1"), &s), -1);
	sb_release(&s);
	catalog_free(cat);
}

/* --- every menu item at every level --- */

struct level_walk {
	struct tfix *f;
	enum level at;
	int items, refused, allowed;
	struct strbuf problems;
};

/* The doors a setting item's change needs. */
static unsigned
item_doors(const struct level_walk *w, const struct menu_item *it)
{
	const struct cat_entry *e = catalog_find(device_catalog(w->f->dev), it->target);

	return e ? level_doors(e->level) : 0;
}

/* A value the catalog accepts for E, so that only the level can refuse. */
static const char *
valid_value(const struct cat_entry *e)
{
	if (e->type == CT_PIN)
		return "7777777";
	if (e->type == CT_SECRET)
		return "s3cret";
	return e->deflt;
}

static int
walk_level(void *arg, const struct menu_item *it)
{
	struct level_walk *w = arg;
	unsigned need;
	struct svc_err err = { 0 };
	const struct cat_entry *e;

	w->items++;
	if (it->kind != MENU_SETTING)
		return 0;
	need = item_doors(w, it);
	if (need == 0 || (device_doors(w->f->dev) & need)) {
		/* Within the session's doors: nothing to ask. */
		if (device_require(w->f->dev, need, it->target, &err) != 0)
			sb_addf(&w->problems, "%s:%d: %s refused at level %d: %s\n", it->file,
				it->line, it->target, w->at, err.msg);
		w->allowed++;
		return 0;
	}
	e = catalog_find(device_catalog(w->f->dev), it->target);
	if (config_set(w->f->dev, it->target, valid_value(e), &err) == 0 || err.code != EX_NOPERM)
		sb_addf(&w->problems, "%s:%d: %s (doors %#x) not refused at level %d: %s\n",
			it->file, it->line, it->target, need, w->at, err.msg);
	w->refused++;
	return 0;
}

/* At each session, every setting of the tree whose door it does not hold
 * is refused (no credentials can be asked for), and every one whose door
 * it holds needs nothing more; the store then holds no change but the
 * refusals' audit. A service code opens no System Settings key. */
static void
test_tui__every_item_at_every_level(void **state)
{
	static const enum level levels[] = { LEVEL_USER, LEVEL_MANAGER, LEVEL_SERVICE1,
					     LEVEL_SERVICE2 };
	struct menu *m;
	struct svc_err err = { 0 };

	(void)state;
	assert_int_equal(menu_new(&m, &err), 0);
	for (size_t i = 0; i < sizeof levels / sizeof *levels; i++) {
		struct level_walk w = { .at = levels[i], .problems = STRBUF_INIT };
		void *fs;
		struct strbuf before = STRBUF_INIT, after = STRBUF_INIT;

		assert_int_equal(tfix_setup(&fs, "levels", levels[i]), 0);
		w.f = fs;
		assert_int_equal(config_export(w.f->dev, false, &before, &err), 0);
		menu_walk(m, walk_level, &w);
		assert_int_equal(config_export(w.f->dev, false, &after, &err), 0);
		print_message("level %d: %d items, %d within the level, %d refused\n", levels[i],
			      w.items, w.allowed, w.refused);
		if (w.problems.len)
			fail_msg("%s", w.problems.buf);
		assert_string_equal(before.buf, after.buf);
		assert_true(w.refused > 0); /* no session holds every door */
		sb_release(&w.problems);
		sb_release(&before);
		sb_release(&after);
		tfix_teardown(&fs);
	}
	menu_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tui__unknown_key_is_reported),
		cmocka_unit_test(test_tui__malformed_screens_name_the_line),
		cmocka_unit_test(test_tui__breadcrumb_and_path),
		cmocka_unit_test(test_tui__every_item_at_every_level),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
