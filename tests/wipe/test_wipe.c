/* Unit tests of the wipe module and its operations, on real stores. */
#define _XOPEN_SOURCE 700
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

#include "fixture.h"
#include "store/store_wipe.h"
#include "util/fsutil.h"
#include "wipe/wipe.h"
#include "wipe/wipe_int.h"

/* The fixture's front end, with progress checked: it only goes forward. */
struct progress_seen {
	double last;
	int calls;
};
static struct progress_seen seen;

static void
check_progress(void *arg, const char *what, double fraction)
{
	struct tfix *f = arg;

	assert_non_null(what);
	assert_true(fraction >= 0.0 && fraction <= 1.0);
	/* Forward only; a new task (the backup, then the erase) starts after
	 * the one before it reached the end. */
	assert_true(fraction >= seen.last - 1e-9 || seen.last == 1.0);
	seen.last = fraction;
	seen.calls++;
	f->progress = fraction;
}

/* A store logged in at LOGIN (LEVEL_USER: the factory credentials of every
 * door are given when asked), the operator "unit". */
static int
setup_at(void **state, enum level login)
{
	struct tfix *f;

	if (tfix_setup(state, "wipe", login) != 0)
		return -1;
	f = *state;
	if (login == LEVEL_USER)
		tfix_asker(f);
	device_set_operator(f->dev, "unit", NULL);
	f->fe.progress = check_progress;
	seen = (struct progress_seen){ 0, 0 };
	return 0;
}

static int
setup(void **state)
{
	return setup_at(state, LEVEL_USER);
}

static int
setup_service1(void **state)
{
	return setup_at(state, LEVEL_SERVICE1);
}

static void
get(struct tfix *f, const char *key, struct strbuf *v)
{
	struct svc_err err = { 0 };

	assert_int_equal(config_get(f->dev, key, v, &err), 0);
}

static int
pending(struct tfix *f)
{
	struct svc_err err = { 0 };

	return wipe_pending(f->dev, NULL, &err);
}

/* --- tests ------------------------------------------------------------------ */

static void
test_wipe__op_not_confirmed_changes_nothing(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct strbuf v = STRBUF_INIT;
	struct wipe_report *r = (struct wipe_report *)&err;

	assert_int_equal(config_set(f->dev, "system.manager.name", "Alice", &err), 0);
	f->confirm_rc = -1;
	assert_int_equal(tfix_op(f, "init.all", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	/* The refusal names the serial number to give. */
	assert_non_null(strstr(f->err.msg, "'" TFIX_SERIAL "'"));
	assert_non_null(strstr(f->err.msg, "nothing was changed"));
	assert_string_equal(f->expect, TFIX_SERIAL);
	assert_non_null(strstr(f->question, "erases all user data"));
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
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct wipe_report *r = (struct wipe_report *)&err;

	assert_int_equal(wipe_run(f->dev, WIPE_ALL, "TST00002", NULL, NULL, &r, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_null(r);
	assert_int_equal(wipe_run(f->dev, WIPE_ALL, NULL, NULL, NULL, &r, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	assert_int_equal(pending(f), 0);
}

static void
test_wipe__op_all_resets_and_reports(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct strbuf v = STRBUF_INIT;

	assert_int_equal(config_set(f->dev, "system.manager.name", "Alice", &err), 0);
	assert_int_equal(config_set(f->dev, "system.init.verify", "ON", &err), 0);
	assert_int_equal(tfix_op(f, "init.all", NULL), 0);
	assert_int_equal(f->confirms, 1);
	get(f, "system.manager.name", &v);
	assert_string_equal(v.buf, "");
	get(f, "system.init.verify", &v);
	assert_string_equal(v.buf, "OFF");
	assert_true(seen.calls > 0);
	assert_true(seen.last == 1.0);
	assert_non_null(strstr(f->lines.buf, "verification:  passed"));
	assert_non_null(strstr(f->lines.buf, "2 settings"));
	assert_non_null(strstr(f->lines.buf, "serial " TFIX_SERIAL));
	assert_non_null(strstr(f->lines.buf, "unit (manager)"));
	assert_int_equal(pending(f), 0);

	/* The report operation shows the same stored report. */
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "init.report", NULL), 0);
	assert_non_null(strstr(f->lines.buf, "2 settings"));
	/* --all is the default preset, said or not. */
	assert_int_equal(tfix_op(f, "init.all", "all", NULL), 0);
	assert_int_equal(f->confirms, 2);
	sb_release(&v);
}

static void
test_wipe__op_service1_initializes(void **state)
{
	struct tfix *f = *state;

	assert_int_equal(device_doors(f->dev), DOOR_SERVICE1);
	assert_int_equal(tfix_op(f, "init.all", NULL), 0);
	assert_non_null(strstr(f->lines.buf, "unit (service1)"));
}

static void
test_wipe__op_without_doors_refused(void **state)
{
	struct tfix *f = *state;

	device_set_asker(f->dev, NULL, NULL);
	assert_int_equal(tfix_op(f, "init.all", NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	assert_int_equal(f->confirms, 0);
	assert_int_equal(pending(f), 0);
	/* The report needs no door. */
	assert_int_equal(tfix_op(f, "init.report", NULL), -1);
	assert_int_equal(f->err.code, EX_NOINPUT);
}

static void
test_wipe__report_op_without_report(void **state)
{
	struct tfix *f = *state;

	assert_int_equal(tfix_op(f, "init.report", NULL), -1);
	assert_int_equal(f->err.code, EX_NOINPUT);
	assert_non_null(strstr(f->err.msg, "not been initialized"));
	assert_string_equal(sb_str(&f->lines), "");
}

static void
plant_doc(struct tfix *f, char doc[160])
{
	struct svc_err err = { 0 };
	char *docs = wipe_docs_dir(f->dev);
	FILE *fp;

	snprintf(doc, 160, "%s/00", docs);
	assert_int_equal(fs_mkdirs(doc, 0700, &err), 0);
	snprintf(doc, 160, "%s/00/0001.pdf", docs);
	assert_non_null(fp = fopen(doc, "w"));
	fputs("scan", fp);
	fclose(fp);
	free(docs);
}

static void
test_wipe__settings_only_keeps_documents(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	char *docs = wipe_docs_dir(f->dev), doc[160];
	struct strbuf v = STRBUF_INIT;

	plant_doc(f, doc);
	assert_int_equal(config_set(f->dev, "system.manager.name", "Alice", &err), 0);
	assert_int_equal(tfix_op(f, "init.settings_only", NULL), 0);
	assert_non_null(strstr(f->question, "user data is kept"));
	assert_int_equal(access(doc, F_OK), 0);
	get(f, "system.manager.name", &v);
	assert_string_equal(v.buf, "");

	/* all: the file is overwritten and removed. */
	seen.last = 0;
	assert_int_equal(tfix_op(f, "init.all", NULL), 0);
	assert_int_equal(access(doc, F_OK), -1);
	assert_non_null(strstr(f->lines.buf, "1 document files"));
	assert_int_equal(wipe_dir_bytes(docs), 0);
	free(docs);
	sb_release(&v);
}

/* --backup: checked before anything is asked; a backup that fails stops
 * everything; a good one is made before the erase. */
static void
test_wipe__op_backup_first(void **state)
{
	struct tfix *f = *state;
	char doc[160], arg[200];

	plant_doc(f, doc);
	snprintf(arg, sizeof arg, "backup=%s/no/such/folder/b.zip", f->dir);
	assert_int_equal(tfix_op(f, "init.all", arg, NULL), -1);
	assert_int_equal(f->err.code, EX_CANTCREAT);
	assert_int_equal(f->confirms, 0);
	assert_int_equal(tfix_op(f, "init.all", "backup=-", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_int_equal(f->confirms, 0);
	assert_int_equal(access(doc, F_OK), 0);
	assert_int_equal(pending(f), 0);

	/* Not confirmed: no backup either. */
	snprintf(arg, sizeof arg, "backup=%s/b.zip", f->dir);
	f->confirm_rc = -1;
	assert_int_equal(tfix_op(f, "init.all", arg, NULL), -1);
	snprintf(arg, sizeof arg, "%s/b.zip", f->dir);
	assert_int_equal(access(arg, F_OK), -1);

	f->confirm_rc = 0;
	snprintf(arg, sizeof arg, "backup=%s/b.zip", f->dir);
	assert_int_equal(tfix_op(f, "init.all", arg, NULL), 0);
	assert_non_null(strstr(f->lines.buf, "Mail Box backed up to '"));
	assert_true(strstr(f->lines.buf, "backed up") < strstr(f->lines.buf, "report:"));
	snprintf(arg, sizeof arg, "%s/b.zip", f->dir);
	assert_int_equal(access(arg, F_OK), 0);
}

static void
test_wipe__resume_completes_recorded_intent(void **state)
{
	struct tfix *f = *state;
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
	assert_non_null(strstr(v.buf, "\"erased\": {\"settings\": "));
	assert_int_equal(v.buf[0], '{');
	assert_non_null(strstr(v.buf, "\n}\n"));
	wipe_report_free(r);
	get(f, "system.manager.name", &v);
	assert_string_equal(v.buf, "");
	assert_int_equal(pending(f), 0);
	sb_release(&v);
	sb_release(&desc);
}

/* What a front end runs at start: silent when nothing is pending, else the
 * two lines the CLI prints. */
static void
test_wipe__startup_completes_and_says_so(void **state)
{
	struct tfix *f = *state;
	struct store_wipe_job job = { .preset = "settings-only",
				      .method = "1 Pass Zeros",
				      .operator= "nightshift",
				      .level = "manager",
				      .started = "2026-01-01T00:00:00Z" };
	struct svc_err err = { 0 };
	struct strbuf note = STRBUF_INIT, v = STRBUF_INIT;

	device_set_asker(f->dev, NULL, NULL);
	assert_int_equal(wipe_startup(f->dev, &note, &err), 0);
	assert_int_equal(note.len, 0);
	assert_int_equal(config_set(f->dev, "network.tcpip.hostname", "halfway", &err), -1);
	tfix_asker(f);
	assert_int_equal(config_set(f->dev, "network.tcpip.hostname", "halfway", &err), 0);
	device_logout(f->dev, 0);
	device_set_asker(f->dev, NULL, NULL);
	assert_int_equal(store_wipe_job_add(device_store(f->dev), &job, &err), 0);
	assert_int_equal(wipe_startup(f->dev, &note, &err), 0);
	assert_string_equal(note.buf,
			    "svcmode: an initialization was interrupted (settings-only, started "
			    "2026-01-01T00:00:00Z by nightshift); completing it first\n"
			    "svcmode: the interrupted initialization is complete (report saved; "
			    "'svcmode init --report' shows it)\n");
	assert_int_equal(pending(f), 0);
	get(f, "network.tcpip.hostname", &v);
	assert_string_equal(v.buf, "ir5570");
	sb_reset(&note);
	assert_int_equal(wipe_startup(f->dev, &note, &err), 0);
	assert_int_equal(note.len, 0);
	sb_release(&note);
	sb_release(&v);
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
}

static void
test_wipe__op_table(void **state)
{
	const struct op *all = op_find("init.all"), *so = op_find("init.settings_only"),
			*rep = op_find("init.report");

	(void)state;
	assert_non_null(all);
	assert_non_null(so);
	assert_non_null(rep);
	assert_int_equal(all->doors, DOOR_MANAGER | DOOR_SERVICE1);
	assert_int_equal(so->doors, DOOR_MANAGER | DOOR_SERVICE1);
	assert_int_equal(rep->doors, 0);
	assert_int_equal(all->confirm, OP_CONFIRM_SERIAL);
	assert_int_equal(so->confirm, OP_CONFIRM_SERIAL);
	assert_int_equal(all->kind, OP_RUN);
	assert_int_equal(so->kind, OP_RUN);
	assert_int_equal(rep->kind, OP_REPORT);
	assert_string_equal(all->words, "init");
	assert_string_equal(so->words, "init --settings-only");
	assert_string_equal(rep->words, "init --report");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_wipe__op_not_confirmed_changes_nothing, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__wrong_serial_refused, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__op_all_resets_and_reports, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__op_service1_initializes, setup_service1,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__op_without_doors_refused, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__report_op_without_report, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__settings_only_keeps_documents, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__op_backup_first, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__resume_completes_recorded_intent, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_wipe__startup_completes_and_says_so, setup,
						tfix_teardown),
		cmocka_unit_test(test_wipe__parts_table_is_complete),
		cmocka_unit_test(test_wipe__op_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
