/*
 * The license operations as the menus run them: the key asked through
 * op_ask, SPEC LIST lines, the #LMS > INACTIVE rows, and invalidation
 * confirmed through op_confirm with the slaves named; a refusal changes
 * nothing. The table itself: doors, confirmations, the option choices.
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
	char key[LIC_TEXT];

	demo_key(option, number, key);
	answer(f, key);
	if (tfix_op(f, "license.install", NULL) != 0)
		fail_msg("install %s: %s", option, f->err.msg);
	answer(f, NULL);
}

static void
list_inactive(struct tfix *f)
{
	sb_reset(&f->rows);
	assert_int_equal(tfix_op(f, "license.inactive", NULL), 0);
}

static void
test_license__op_install_and_report(void **state)
{
	struct tfix *f = *state;
	char key[LIC_TEXT], arg[64];

	install(f, "SEND", 10);
	assert_non_null(strstr(f->lines.buf, "SEND: license 000010 installed"));
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "license.report", NULL), 0);
	assert_non_null(strstr(f->lines.buf, "\nSEND ON/ON\n"));
	assert_non_null(strstr(f->lines.buf, "\nSPDF OFF/OFF\n"));
	/* A cancelled prompt installs nothing. */
	answer(f, NULL);
	assert_int_equal(tfix_op(f, "license.install", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	/* The key as an argument is not asked; '-' asks. */
	demo_key("PS", 12, key);
	snprintf(arg, sizeof arg, "key=%s", key);
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "license.install", arg, NULL), 0);
	assert_non_null(strstr(f->lines.buf, "PS: license 000012 installed"));
	answer(f, key);
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "license.install", "key=-", NULL), 0);
	assert_non_null(strstr(f->lines.buf, "PS: license 000012 was already installed"));
	assert_int_equal(f->next, 1);
}

static void
test_license__op_inactive_rows(void **state)
{
	struct tfix *f = *state;
	int n = 0;

	install(f, "SEND", 10);
	list_inactive(f);
	assert_non_null(strstr(f->rows.buf, "SEND|ST-SEND|0\nSEND|TR-SEND|\n"));
	assert_non_null(strstr(f->rows.buf, "BRDIM|ST-BRDIM|0\nBRDIM|TR-BRDIM|\n"));
	for (const char *p = f->rows.buf; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	assert_int_equal(n, 16); /* 8 options, ST and TR each */
}

static void
test_license__op_invalidate_confirms_slaves(void **state)
{
	struct tfix *f = *state;
	char want[64];

	install(f, "SEND", 10);
	install(f, "SPDF", 11);
	/* Refused at the confirmation: nothing changes. */
	f->confirm_rc = -1;
	assert_int_equal(tfix_op(f, "license.invalidate", "option=SEND", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_string_equal(f->err.msg, "not confirmed: SEND is still enabled");
	assert_non_null(strstr(f->question, "also disables SPDF"));
	assert_string_equal(f->expect, "SEND");
	list_inactive(f);
	assert_non_null(strstr(f->rows.buf, "SEND|ST-SEND|0\nSEND|TR-SEND|\n"));
	/* Confirmed: ST-SEND = 1 and TR-SEND shows the number just given. */
	f->confirm_rc = 0;
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "license.invalidate", "option=send", NULL), 0);
	const char *tr = strstr(f->lines.buf, "(ST-SEND = 1, TR-SEND):\n");
	assert_non_null(tr);
	tr = strchr(tr, '\n') + 1;
	assert_int_equal(strlen(tr), 29 + 1);
	list_inactive(f);
	snprintf(want, sizeof want, "SEND|ST-SEND|1\nSEND|TR-SEND|%.29s\n", tr);
	assert_non_null(strstr(f->rows.buf, want));
	/* Asking again shows the same number without a confirmation. */
	f->confirms = 0;
	f->confirm_rc = -1;
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "license.invalidate", "option=SEND", NULL), 0);
	assert_int_equal(f->confirms, 0);
	assert_non_null(strstr(f->lines.buf, "was already invalidated"));
	assert_non_null(strstr(want, strchr(f->lines.buf, '\n') + 1));
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "license.transfer_number", "option=SEND", NULL), 0);
	assert_non_null(strstr(want, f->lines.buf));
	/* SPDF keeps its license but is off with its master. */
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "license.report", NULL), 0);
	assert_non_null(strstr(f->lines.buf, "SPDF ON/OFF"));
}

static void
test_license__op_erase(void **state)
{
	struct tfix *f = *state;

	install(f, "PS", 20);
	f->confirm_rc = 0;
	assert_int_equal(tfix_op(f, "license.erase", "option=ps", NULL), 0);
	assert_string_equal(f->expect, "PS");
	assert_non_null(strstr(f->lines.buf, "PS license erased"));
	list_inactive(f);
	assert_non_null(strstr(f->rows.buf, "PS|ST-PS|0\nPS|TR-PS|\n")); /* erased: no transfer */
	sb_reset(&f->lines);
	assert_int_equal(tfix_op(f, "license.report", NULL), 0);
	assert_non_null(strstr(f->lines.buf, "PS OFF/OFF"));
	assert_non_null(strstr(f->lines.buf, "000020  PS     erased"));
	/* No transfer number after an erase. */
	assert_int_equal(tfix_op(f, "license.transfer_number", "option=PS", NULL), -1);
	assert_int_equal(f->err.code, EX_DATAERR);
	assert_string_equal(f->err.msg, "PS has no transfer number: its license is erased");
}

static void
test_license__op_list_rows(void **state)
{
	struct tfix *f = *state;

	install(f, "SEND", 10);
	sb_reset(&f->rows);
	assert_int_equal(tfix_op(f, "license.list", NULL), 0);
	assert_non_null(strstr(f->rows.buf, "SEND|SEND|ON/ON    active       000010\n"));
	assert_non_null(strstr(f->rows.buf, "PCL|PCL|OFF/OFF  none         -\n"));
}

static void
test_license__op_needs_level2(void **state)
{
	struct tfix *f = *state;
	const char *before;

	install(f, "SEND", 10);
	device_logout(f->dev, 0);
	device_set_asker(f->dev, NULL, NULL);
	f->confirm_rc = 0;
	assert_int_equal(tfix_op(f, "license.invalidate", "option=SEND", NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	assert_int_equal(f->question[0], '\0');
	/* A level-1 session does not open it either. */
	tfix_asker(f);
	assert_int_equal(tfix_op(f, "license.report", NULL), 0);
	assert_int_equal(device_doors(f->dev), DOOR_SERVICE1);
	device_set_asker(f->dev, NULL, NULL);
	assert_int_equal(tfix_op(f, "license.erase", "option=SEND", NULL), -1);
	assert_int_equal(f->err.code, EX_NOPERM);
	before = f->question;
	assert_int_equal(before[0], '\0');
	/* An unknown option is refused before any door is asked for. */
	device_logout(f->dev, 0);
	assert_int_equal(tfix_op(f, "license.invalidate", "option=NOPE", NULL), -1);
	assert_int_equal(f->err.code, EX_USAGE);
	assert_non_null(strstr(f->err.msg, "'NOPE'"));
}

/* The table: who opens what, what is confirmed, and the option choices
 * are the options the scheme offers on this device, in its order. */
static void
test_license__op_table(void **state)
{
	static const struct {
		const char *name;
		unsigned doors;
		enum op_confirm confirm;
	} want[] = {
		{ "license.install", DOOR_SERVICE1, OP_CONFIRM_NONE },
		{ "license.report", DOOR_SERVICE1, OP_CONFIRM_NONE },
		{ "license.list", DOOR_SERVICE1, OP_CONFIRM_NONE },
		{ "license.transfer_number", DOOR_SERVICE1, OP_CONFIRM_NONE },
		{ "license.inactive", DOOR_SERVICE2, OP_CONFIRM_NONE },
		{ "license.invalidate", DOOR_SERVICE2, OP_CONFIRM_WORD },
		{ "license.erase", DOOR_SERVICE2, OP_CONFIRM_WORD },
		{ "license.provision", DOOR_SERVICE2, OP_CONFIRM_NONE },
		{ "license.redeem", DOOR_SERVICE1, OP_CONFIRM_NONE },
		{ "license.transfer", DOOR_SERVICE2, OP_CONFIRM_WORD },
		{ "license.check", DOOR_SERVICE1, OP_CONFIRM_NONE },
	};
	struct strbuf choices = STRBUF_INIT;
	const struct lic_option *o;

	(void)state;
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		const struct op *op = op_find(want[i].name);
		assert_non_null(op);
		assert_int_equal(op->doors, want[i].doors);
		assert_int_equal(op->confirm, want[i].confirm);
	}
	assert_int_equal(op_find("license.inactive")->kind, OP_LIST);
	assert_string_equal(op_find("license.inactive")->row_ops, "license.invalidate");
	for (int i = 0; (o = lic_option_at(i)) != NULL; i++)
		if (o->on_device)
			sb_addf(&choices, "%s%s", choices.len ? "|" : "", o->name);
	assert_string_equal(op_find("license.invalidate")->params[0].choices, choices.buf);
	assert_string_equal(op_find("license.transfer")->params[0].choices, choices.buf);
	assert_string_equal(op_find("license.erase")->params[0].choices, choices.buf);
	sb_release(&choices);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_license__op_install_and_report, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__op_inactive_rows, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__op_invalidate_confirms_slaves, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__op_erase, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__op_list_rows, setup, tfix_teardown),
		cmocka_unit_test_setup_teardown(test_license__op_needs_level2, setup,
						tfix_teardown),
		cmocka_unit_test(test_license__op_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
