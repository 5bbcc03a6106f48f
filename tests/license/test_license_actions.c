/*
 * The license actions as a menu runs them: the key asked through io->ask,
 * SPEC LIST lines, the #LMS > INACTIVE rows, and invalidation confirmed
 * through io->confirm with the slaves named; a refusal changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "actions/action.h"
#include "fixture.h"
#include "license/license.h"

/* Credentials are asked for and given (the factory codes of every door). */
static int
setup(void **state)
{
	if (tfix_setup(state, "license", LEVEL_USER) != 0)
		return -1;
	tfix_asker(*state);
	return 0;
}

/* What the person answers to the next question (NULL: cancels). */
static void
answer(struct tfix *f, const char *text)
{
	f->answers[0] = text;
	f->next = 0;
}

/* A demo-secret key for the fixture's serial. */
static void
demo_key(const char *option, uint32_t number, char key[LIC_TEXT])
{
	unsigned char dk[LIC_DEVKEY_LEN];
	struct svc_err err = { 0 };

	assert_int_equal(
		lic_device_key(lic_demo_secret, strlen(lic_demo_secret), TFIX_SERIAL, dk, &err), 0);
	assert_int_equal(lic_key_issue(dk, TFIX_SERIAL, (unsigned)lic_option_find(option)->code,
				       number, key, &err),
			 0);
}

static void
install(struct tfix *f, const char *option, uint32_t number)
{
	struct action_io *io = &f->io;
	struct svc_err err = { 0 };
	char key[LIC_TEXT];

	demo_key(option, number, key);
	answer(f, key);
	if (action_run(f->dev, "license.install", "", io, &err) != 0)
		fail_msg("install %s: %s", option, err.msg);
	answer(f, NULL);
}

static void
list_inactive(struct tfix *f)
{
	const struct action_def *a = action_find("license.inactive");
	struct action_io *io = &f->io;
	struct svc_err err = { 0 };

	assert_non_null(a);
	assert_int_equal(a->kind, ACTION_LIST);
	assert_int_equal(a->level, LEVEL_SERVICE2);
	assert_string_equal(a->row_actions, "license.invalidate");
	sb_reset(&f->rows);
	assert_int_equal(a->list(f->dev, "", io, tfix_row, f, &err), 0);
}

static void
test_license__action_install_and_report(void **state)
{
	struct tfix *f = *state;
	struct action_io *io = &f->io;
	struct svc_err err = { 0 };

	install(f, "SEND", 10);
	assert_non_null(strstr(f->lines.buf, "SEND: license 000010 installed"));
	sb_reset(&f->lines);
	assert_int_equal(action_run(f->dev, "license.report", "", io, &err), 0);
	assert_non_null(strstr(f->lines.buf, "\nSEND ON/ON\n"));
	assert_non_null(strstr(f->lines.buf, "\nSPDF OFF/OFF\n"));
	/* A cancelled prompt installs nothing. */
	answer(f, NULL);
	assert_int_equal(action_run(f->dev, "license.install", "", io, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
}

static void
test_license__action_inactive_rows(void **state)
{
	struct tfix *f = *state;

	install(f, "SEND", 10);
	list_inactive(f);
	assert_non_null(strstr(f->rows.buf, "SEND|ST-SEND|0\nSEND|TR-SEND|\n"));
	assert_non_null(strstr(f->rows.buf, "BRDIM|ST-BRDIM|0\nBRDIM|TR-BRDIM|\n"));
	int n = 0;
	for (const char *p = f->rows.buf; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	assert_int_equal(n, 16); /* 8 options, ST and TR each */
}

static void
test_license__action_invalidate_confirms_slaves(void **state)
{
	struct tfix *f = *state;
	struct action_io *io = &f->io;
	struct svc_err err = { 0 };
	char want[64];

	install(f, "SEND", 10);
	install(f, "SPDF", 11);
	/* Refused at the confirmation: nothing changes. */
	f->confirm_rc = -1;
	assert_int_equal(action_run(f->dev, "license.invalidate", "SEND", io, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	assert_non_null(strstr(f->question, "also disables SPDF"));
	assert_string_equal(f->expect, "SEND");
	list_inactive(f);
	assert_non_null(strstr(f->rows.buf, "SEND|ST-SEND|0\nSEND|TR-SEND|\n"));
	/* Confirmed: ST-SEND = 1 and TR-SEND shows the number just given. */
	f->confirm_rc = 0;
	sb_reset(&f->lines);
	assert_int_equal(action_run(f->dev, "license.invalidate", "SEND", io, &err), 0);
	const char *tr = strstr(f->lines.buf, "TR-SEND ");
	assert_non_null(tr);
	list_inactive(f);
	snprintf(want, sizeof want, "SEND|ST-SEND|1\nSEND|TR-SEND|%.29s\n", tr + 8);
	assert_non_null(strstr(f->rows.buf, want));
	/* SPDF keeps its license but is off with its master. */
	sb_reset(&f->lines);
	assert_int_equal(action_run(f->dev, "license.report", "", io, &err), 0);
	assert_non_null(strstr(f->lines.buf, "SPDF ON/OFF"));
}

static void
test_license__action_erase(void **state)
{
	struct tfix *f = *state;
	struct action_io *io = &f->io;
	struct svc_err err = { 0 };

	install(f, "PS", 20);
	f->confirm_rc = 0;
	answer(f, "ps");
	assert_int_equal(action_run(f->dev, "license.erase", "", io, &err), 0);
	assert_non_null(strstr(f->lines.buf, "PS license erased"));
	list_inactive(f);
	assert_non_null(strstr(f->rows.buf, "PS|ST-PS|0\nPS|TR-PS|\n")); /* erased: no transfer */
	sb_reset(&f->lines);
	assert_int_equal(action_run(f->dev, "license.report", "", io, &err), 0);
	assert_non_null(strstr(f->lines.buf, "PS OFF/OFF"));
	assert_non_null(strstr(f->lines.buf, "000020  PS     erased"));
}

static void
test_license__action_needs_level2(void **state)
{
	struct tfix *f = *state;
	struct action_io *io = &f->io;
	struct svc_err err = { 0 };

	install(f, "SEND", 10);
	device_logout(f->dev, LEVEL_USER);
	device_set_asker(f->dev, NULL, NULL);
	f->confirm_rc = 0;
	assert_int_equal(action_run(f->dev, "license.invalidate", "SEND", io, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_int_equal(f->question[0], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_license__action_install_and_report, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__action_inactive_rows, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__action_invalidate_confirms_slaves,
						setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__action_erase, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__action_needs_level2, setup,
						tfix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
