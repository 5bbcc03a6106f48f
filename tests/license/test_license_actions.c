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
#include "license/license.h"

struct fixture {
	char dir[64];
	char path[96];
	struct device *dev;
	/* the fake front end */
	const char *answer; /* what ask() returns */
	int confirm_rc;     /* what confirm() returns */
	char question[512]; /* the last question confirmed */
	char expect[32];
	char lines[4096]; /* every line, '\n'-separated */
	char rows[2048];  /* "label=value\n" per row */
};

static int
ask(void *arg, const char *prompt, bool hidden, struct strbuf *out)
{
	struct fixture *f = arg;

	(void)prompt;
	(void)hidden;
	if (f->answer == NULL)
		return -1;
	sb_reset(out);
	sb_adds(out, f->answer);
	return 0;
}

static int
confirm(void *arg, const char *question, const char *expect)
{
	struct fixture *f = arg;

	snprintf(f->question, sizeof f->question, "%s", question);
	snprintf(f->expect, sizeof f->expect, "%s", expect);
	return f->confirm_rc;
}

static void
line(void *arg, const char *text)
{
	struct fixture *f = arg;
	size_t n = strlen(f->lines);

	snprintf(f->lines + n, sizeof f->lines - n, "%s\n", text);
}

static int
emit(void *arg, const struct action_row *row)
{
	struct fixture *f = arg;
	size_t n = strlen(f->rows);

	snprintf(f->rows + n, sizeof f->rows - n, "%s=%s\n", row->label, row->value);
	return 0;
}

static int
creds(void *arg, enum level need, struct device_creds *out, struct svc_err *err)
{
	(void)arg;
	(void)need;
	(void)err;
	out->service1 = out->service2 = true;
	strcpy(out->service1_code, "2828282");
	strcpy(out->service2_code, "8282828");
	return 0;
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	struct svc_err err = { 0 };

	strcpy(f->dir, "/tmp/svc-license-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/device.db", f->dir);
	assert_int_equal(device_create(f->path, "ACT00001", &err), 0);
	assert_int_equal(device_open(f->path, false, NULL, &f->dev, &err), 0);
	device_set_asker(f->dev, creds, NULL);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;
	static const char *const ext[] = { "", "-wal", "-shm" };
	char p[128];

	device_close(f->dev);
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		snprintf(p, sizeof p, "%s%s", f->path, ext[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct action_io
io_of(struct fixture *f)
{
	return (struct action_io){ f, ask, confirm, NULL, line };
}

/* A demo-secret key for the fixture's serial. */
static void
demo_key(const char *option, uint32_t number, char key[LIC_TEXT])
{
	unsigned char dk[LIC_DEVKEY_LEN];
	struct svc_err err = { 0 };

	assert_int_equal(
		lic_device_key(lic_demo_secret, strlen(lic_demo_secret), "ACT00001", dk, &err), 0);
	assert_int_equal(lic_key_issue(dk, "ACT00001", (unsigned)lic_option_find(option)->code,
				       number, key, &err),
			 0);
}

static void
install(struct fixture *f, const char *option, uint32_t number)
{
	struct action_io io = io_of(f);
	struct svc_err err = { 0 };
	char key[LIC_TEXT];

	demo_key(option, number, key);
	f->answer = key;
	if (action_run(f->dev, "license.install", "", &io, &err) != 0)
		fail_msg("install %s: %s", option, err.msg);
	f->answer = NULL;
}

static void
list_inactive(struct fixture *f)
{
	const struct action_def *a = action_find("license.inactive");
	struct action_io io = io_of(f);
	struct svc_err err = { 0 };

	assert_non_null(a);
	assert_int_equal(a->kind, ACTION_LIST);
	assert_int_equal(a->level, LEVEL_SERVICE2);
	assert_string_equal(a->row_actions, "license.invalidate");
	f->rows[0] = '\0';
	assert_int_equal(a->list(f->dev, "", &io, emit, f, &err), 0);
}

static void
test_license__action_install_and_report(void **state)
{
	struct fixture *f = *state;
	struct action_io io = io_of(f);
	struct svc_err err = { 0 };

	install(f, "SEND", 10);
	assert_non_null(strstr(f->lines, "SEND: license 000010 installed"));
	f->lines[0] = '\0';
	assert_int_equal(action_run(f->dev, "license.report", "", &io, &err), 0);
	assert_non_null(strstr(f->lines, "\nSEND ON/ON\n"));
	assert_non_null(strstr(f->lines, "\nSPDF OFF/OFF\n"));
	/* A cancelled prompt installs nothing. */
	f->answer = NULL;
	assert_int_equal(action_run(f->dev, "license.install", "", &io, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
}

static void
test_license__action_inactive_rows(void **state)
{
	struct fixture *f = *state;

	install(f, "SEND", 10);
	list_inactive(f);
	assert_non_null(strstr(f->rows, "ST-SEND=0\nTR-SEND=\n"));
	assert_non_null(strstr(f->rows, "ST-BRDIM=0\nTR-BRDIM=\n"));
	int n = 0;
	for (const char *p = f->rows; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	assert_int_equal(n, 16); /* 8 options, ST and TR each */
}

static void
test_license__action_invalidate_confirms_slaves(void **state)
{
	struct fixture *f = *state;
	struct action_io io = io_of(f);
	struct svc_err err = { 0 };
	char want[64];

	install(f, "SEND", 10);
	install(f, "SPDF", 11);
	/* Refused at the confirmation: nothing changes. */
	f->confirm_rc = -1;
	assert_int_equal(action_run(f->dev, "license.invalidate", "SEND", &io, &err), -1);
	assert_int_equal(err.code, EX_USAGE);
	assert_non_null(strstr(f->question, "also disables SPDF"));
	assert_string_equal(f->expect, "SEND");
	list_inactive(f);
	assert_non_null(strstr(f->rows, "ST-SEND=0\nTR-SEND=\n"));
	/* Confirmed: ST-SEND = 1 and TR-SEND shows the number just given. */
	f->confirm_rc = 0;
	f->lines[0] = '\0';
	assert_int_equal(action_run(f->dev, "license.invalidate", "SEND", &io, &err), 0);
	const char *tr = strstr(f->lines, "TR-SEND ");
	assert_non_null(tr);
	list_inactive(f);
	snprintf(want, sizeof want, "ST-SEND=1\nTR-SEND=%.29s\n", tr + 8);
	assert_non_null(strstr(f->rows, want));
	/* SPDF keeps its license but is off with its master. */
	f->lines[0] = '\0';
	assert_int_equal(action_run(f->dev, "license.report", "", &io, &err), 0);
	assert_non_null(strstr(f->lines, "SPDF ON/OFF"));
}

static void
test_license__action_erase(void **state)
{
	struct fixture *f = *state;
	struct action_io io = io_of(f);
	struct svc_err err = { 0 };

	install(f, "PS", 20);
	f->confirm_rc = 0;
	f->answer = "ps";
	assert_int_equal(action_run(f->dev, "license.erase", "", &io, &err), 0);
	assert_non_null(strstr(f->lines, "PS license erased"));
	list_inactive(f);
	assert_non_null(strstr(f->rows, "ST-PS=0\nTR-PS=\n")); /* erased: no transfer */
	f->lines[0] = '\0';
	assert_int_equal(action_run(f->dev, "license.report", "", &io, &err), 0);
	assert_non_null(strstr(f->lines, "PS OFF/OFF"));
	assert_non_null(strstr(f->lines, "000020  PS     erased"));
}

static void
test_license__action_needs_level2(void **state)
{
	struct fixture *f = *state;
	struct action_io io = io_of(f);
	struct svc_err err = { 0 };

	install(f, "SEND", 10);
	device_logout(f->dev, LEVEL_USER);
	device_set_asker(f->dev, NULL, NULL);
	f->confirm_rc = 0;
	assert_int_equal(action_run(f->dev, "license.invalidate", "SEND", &io, &err), -1);
	assert_int_equal(err.code, EX_NOPERM);
	assert_int_equal(f->question[0], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_license__action_install_and_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_license__action_inactive_rows, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_license__action_invalidate_confirms_slaves,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_license__action_erase, setup, teardown),
		cmocka_unit_test_setup_teardown(test_license__action_needs_level2, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
