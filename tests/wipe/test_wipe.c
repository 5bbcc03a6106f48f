/* Unit tests of the wipe module and its actions, on real stores. */
#define _XOPEN_SOURCE 700
#include <ftw.h>
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

#include "actions/action.h"
#include "store/store_wipe.h"
#include "util/fsutil.h"
#include "wipe/wipe.h"
#include "wipe/wipe_int.h"

struct fx {
	char dir[64];
	char path[96];
	struct device *dev;
	struct strbuf lines;
	double last_fraction;
	int progress_calls;
	bool confirm_ok;
	char expected[32];
};

static int
manager_creds(void *arg, enum level need, struct device_creds *c, struct svc_err *err)
{
	(void)arg;
	(void)need;
	(void)err;
	c->manager = true;
	strlcpy_(c->manager_id, "7654321", sizeof c->manager_id);
	strlcpy_(c->manager_pin, "7654321", sizeof c->manager_pin);
	return 0;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct svc_err err = { 0 };

	strlcpy_(f->dir, "/tmp/svc-wipe-XXXXXX", sizeof f->dir);
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/device.db", f->dir);
	assert_int_equal(device_create(f->path, "ABC12345", &err), 0);
	assert_int_equal(device_open(f->path, false, NULL, &f->dev, &err), 0);
	device_set_asker(f->dev, manager_creds, NULL);
	device_set_operator(f->dev, "unit");
	*state = f;
	return 0;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	device_close(f->dev);
	sb_release(&f->lines);
	nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* --- a scripted action_io ------------------------------------------------ */

static int
io_confirm(void *arg, const char *question, const char *expect)
{
	struct fx *f = arg;

	assert_non_null(strstr(question, expect));
	strlcpy_(f->expected, expect, sizeof f->expected);
	return f->confirm_ok ? 0 : -1;
}

static void
io_progress(void *arg, const char *what, double fraction)
{
	struct fx *f = arg;

	assert_non_null(what);
	assert_true(fraction >= f->last_fraction - 1e-9 && fraction <= 1.0);
	f->last_fraction = fraction;
	f->progress_calls++;
}

static void
io_line(void *arg, const char *text)
{
	struct fx *f = arg;

	sb_addf(&f->lines, "%s\n", text);
}

static struct action_io
io_for(struct fx *f)
{
	return (struct action_io){
		.arg = f, .confirm = io_confirm, .progress = io_progress, .line = io_line
	};
}

static void
get(struct fx *f, const char *key, struct strbuf *v)
{
	struct svc_err err = { 0 };

	assert_int_equal(config_get(f->dev, key, v, &err), 0);
}

static int
pending(struct fx *f)
{
	struct svc_err err = { 0 };

	return wipe_pending(f->dev, NULL, &err);
}

/* --- tests ------------------------------------------------------------------ */

static void
test_wipe__action_not_confirmed_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct action_io io = io_for(f);
	struct svc_err err = { 0 };
	struct strbuf v = STRBUF_INIT;
	struct wipe_report *r = (struct wipe_report *)&err;

	assert_int_equal(config_set(f->dev, "system.manager.name", "Alice", &err), 0);
	f->confirm_ok = false;
	assert_int_equal(action_run(f->dev, "init.all", "", &io, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_non_null(strstr(err.msg, "nothing was changed"));
	assert_string_equal(f->expected, "ABC12345");
	get(f, "system.manager.name", &v);
	assert_string_equal(v.buf, "Alice");
	assert_int_equal(pending(f), 0);
	assert_int_equal(wipe_report_last(f->dev, &r, &err), -1);
	assert_int_equal(err.code, EX_NOINPUT);
	assert_null(r);
	sb_release(&v);
}

static void
test_wipe__wrong_serial_refused(void **state)
{
	struct fx *f = *state;
	struct svc_err err = { 0 };
	struct wipe_report *r = (struct wipe_report *)&err;

	assert_int_equal(wipe_run(f->dev, WIPE_ALL, "ABC12346", NULL, NULL, &r, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_null(r);
	assert_int_equal(wipe_run(f->dev, WIPE_ALL, NULL, NULL, NULL, &r, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	assert_int_equal(pending(f), 0);
}

static void
test_wipe__action_all_resets_and_reports(void **state)
{
	struct fx *f = *state;
	struct action_io io = io_for(f);
	struct svc_err err = { 0 };
	struct strbuf v = STRBUF_INIT;

	assert_int_equal(config_set(f->dev, "system.manager.name", "Alice", &err), 0);
	assert_int_equal(config_set(f->dev, "system.init.verify", "ON", &err), 0);
	f->confirm_ok = true;
	assert_int_equal(action_run(f->dev, "init.all", "", &io, &err), 0);
	get(f, "system.manager.name", &v);
	assert_string_equal(v.buf, "");
	get(f, "system.init.verify", &v);
	assert_string_equal(v.buf, "OFF");
	assert_true(f->progress_calls > 0);
	assert_true(f->last_fraction == 1.0);
	assert_non_null(strstr(f->lines.buf, "verification:  passed"));
	assert_non_null(strstr(f->lines.buf, "2 settings"));
	assert_non_null(strstr(f->lines.buf, "serial ABC12345"));
	assert_non_null(strstr(f->lines.buf, "unit (manager)"));
	assert_int_equal(pending(f), 0);

	/* The report action shows the same stored report. */
	sb_reset(&f->lines);
	assert_int_equal(action_run(f->dev, "init.report", "", &io, &err), 0);
	assert_non_null(strstr(f->lines.buf, "2 settings"));
	sb_release(&v);
}

static void
test_wipe__report_action_without_report(void **state)
{
	struct fx *f = *state;
	struct action_io io = io_for(f);
	struct svc_err err = { 0 };

	assert_int_equal(action_run(f->dev, "init.report", "", &io, &err), 0);
	assert_non_null(strstr(f->lines.buf, "No initialization"));
}

static void
test_wipe__settings_only_keeps_documents(void **state)
{
	struct fx *f = *state;
	struct action_io io = io_for(f);
	struct svc_err err = { 0 };
	char *docs = wipe_docs_dir(f->dev), doc[160];
	struct strbuf v = STRBUF_INIT;
	FILE *fp;

	snprintf(doc, sizeof doc, "%s/00", docs);
	assert_int_equal(fs_mkdirs(doc, 0700, &err), 0);
	snprintf(doc, sizeof doc, "%s/00/0001.pdf", docs);
	assert_non_null(fp = fopen(doc, "w"));
	fputs("scan", fp);
	fclose(fp);
	assert_int_equal(config_set(f->dev, "system.manager.name", "Alice", &err), 0);
	f->confirm_ok = true;
	assert_int_equal(action_run(f->dev, "init.settings_only", "", &io, &err), 0);
	assert_int_equal(access(doc, F_OK), 0);
	get(f, "system.manager.name", &v);
	assert_string_equal(v.buf, "");

	/* all: the file is overwritten and removed. */
	f->last_fraction = 0;
	assert_int_equal(action_run(f->dev, "init.all", "", &io, &err), 0);
	assert_int_equal(access(doc, F_OK), -1);
	assert_non_null(strstr(f->lines.buf, "1 document files"));
	assert_int_equal(wipe_dir_bytes(docs), 0);
	free(docs);
	sb_release(&v);
}

static void
test_wipe__resume_completes_recorded_intent(void **state)
{
	struct fx *f = *state;
	struct store_wipe_job job = { .preset = "all",
				      .method = "1 Pass Random",
				      .operator= "nightshift",
				      .level = "manager",
				      .started = "2026-01-01T00:00:00Z" };
	struct svc_err err = { 0 };
	struct strbuf v = STRBUF_INIT, desc = STRBUF_INIT;
	struct wipe_report *r = NULL;

	assert_int_equal(config_set(f->dev, "system.manager.name", "Alice", &err), 0);
	assert_int_equal(store_wipe_job_add(device_store(f->dev), &job, &err), 0);
	/* A second intent is refused while one is recorded. */
	assert_int_equal(store_wipe_job_add(device_store(f->dev), &job, &err), -1);
	assert_int_equal(err.code, EX_TEMPFAIL);
	assert_int_equal(wipe_pending(f->dev, &desc, &err), 1);
	assert_non_null(strstr(desc.buf, "nightshift"));
	device_set_asker(f->dev, NULL, NULL); /* resuming needs no rights */
	assert_int_equal(wipe_resume(f->dev, NULL, NULL, &r, &err), 0);
	assert_non_null(r);
	assert_true(wipe_report_passed(r));
	wipe_report_json(r, &v);
	assert_non_null(strstr(v.buf, "\"resumed\": 1"));
	assert_non_null(strstr(v.buf, "\"operator\": \"nightshift\""));
	assert_non_null(strstr(v.buf, "\"method\": \"1 Pass Random\""));
	wipe_report_free(r);
	get(f, "system.manager.name", &v);
	assert_string_equal(v.buf, "");
	assert_int_equal(pending(f), 0);
	sb_release(&v);
	sb_release(&desc);
}

static void
test_wipe__parts_table_is_complete(void **state)
{
	bool settings_in_both = false, files = false;

	(void)state;
	for (const struct wipe_part *p = wipe_parts; p->name; p++) {
		assert_non_null(p->erase);
		assert_true(p->presets != 0);
		if (strcmp(p->name, "settings") == 0)
			settings_in_both = p->presets == (WIPE_ALL | WIPE_SETTINGS_ONLY);
		files |= p->files && p->presets == WIPE_ALL;
	}
	assert_true(settings_in_both);
	assert_true(files);
	assert_non_null(action_find("init.all"));
	assert_int_equal(action_find("init.all")->level, LEVEL_MANAGER);
	assert_int_equal(action_find("init.settings_only")->kind, ACTION_RUN);
	assert_int_equal(action_find("init.report")->kind, ACTION_REPORT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wipe__action_not_confirmed_changes_nothing,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_wipe__wrong_serial_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wipe__action_all_resets_and_reports, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wipe__report_action_without_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wipe__settings_only_keeps_documents, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_wipe__resume_completes_recorded_intent, setup,
						teardown),
		cmocka_unit_test(test_wipe__parts_table_is_complete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
