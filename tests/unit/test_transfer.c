/* Settings transfer between two real stores: what config_export writes,
 * config_import reads back; a bad entry changes nothing, byte for byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/keys.h"
#include "fixture.h"

struct pair {
	void *a, *b; /* struct tfix *, from tfix_setup */
};

static int
setup(void **state)
{
	struct pair *p = calloc(1, sizeof *p);

	if (p == NULL || tfix_setup(&p->a, "xfer-a", LEVEL_MANAGER) != 0 ||
	    tfix_setup(&p->b, "xfer-b", LEVEL_MANAGER) != 0)
		return -1;
	*state = p;
	return 0;
}

static int
teardown(void **state)
{
	struct pair *p = *state;

	tfix_teardown(&p->a);
	tfix_teardown(&p->b);
	free(p);
	return 0;
}

/* The store file and its WAL, concatenated: what "byte for byte" compares. */
static void
slurp(const struct tfix *f, struct strbuf *out)
{
	const char *suffix[] = { "", "-wal" };

	sb_reset(out);
	for (int i = 0; i < 2; i++) {
		char path[128], buf[4096];
		size_t n;
		FILE *fp;

		snprintf(path, sizeof path, "%s%s", f->path, suffix[i]);
		if ((fp = fopen(path, "rb")) == NULL)
			continue;
		while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
			sb_add(out, buf, n);
		fclose(fp);
	}
}

static void
expect(struct tfix *f, const char *key, const char *want)
{
	struct strbuf v = STRBUF_INIT;
	struct svc_err err = { 0 };

	assert_int_equal(config_get_plain(f->dev, key, &v, &err), 0);
	assert_string_equal(sb_str(&v), want);
	sb_release(&v);
}

static void
test_transfer__roundtrip(void **state)
{
	struct pair *p = *state;
	struct tfix *a = p->a, *b = p->b;
	struct strbuf json = STRBUF_INIT, problems = STRBUF_INIT;
	struct svc_err err = { 0 };

	assert_int_equal(
		config_set(a->dev, KEY_NETWORK_EMAIL_SMTP_SERVER, "smtp.example.test", &err), 0);
	assert_int_equal(config_set(a->dev, KEY_NETWORK_EMAIL_SMTP_PORT, "587", &err), 0);
	assert_int_equal(config_set(a->dev, KEY_NETWORK_MAC_RX_POLICY, "reject", &err), 0);
	assert_int_equal(config_set(a->dev, KEY_NETWORK_EMAIL_SSL_SMTP_SEND, "ON", &err), 0);
	assert_int_equal(config_set(a->dev, KEY_NETWORK_EMAIL_AUTH_SMTP_PASSWORD, "pa55", &err), 0);

	/* Secrets stay out unless asked for. */
	assert_int_equal(config_export(a->dev, false, &json, &err), 0);
	assert_null(strstr(json.buf, "pa55"));
	assert_null(strstr(json.buf, KEY_NETWORK_EMAIL_AUTH_SMTP_PASSWORD));
	assert_int_equal(config_import(b->dev, json.buf, &problems, &err), 4);
	expect(b, KEY_NETWORK_EMAIL_SMTP_SERVER, "smtp.example.test");
	expect(b, KEY_NETWORK_EMAIL_SMTP_PORT, "587");
	expect(b, KEY_NETWORK_MAC_RX_POLICY, "Reject");
	expect(b, KEY_NETWORK_EMAIL_SSL_SMTP_SEND, "ON");
	expect(b, KEY_NETWORK_EMAIL_AUTH_SMTP_PASSWORD, "");

	sb_reset(&json);
	assert_int_equal(config_export(a->dev, true, &json, &err), 0);
	assert_int_equal(config_import(b->dev, json.buf, &problems, &err), 1);
	expect(b, KEY_NETWORK_EMAIL_AUTH_SMTP_PASSWORD, "pa55");
	/* Importing the same file again changes nothing. */
	assert_int_equal(config_import(b->dev, json.buf, &problems, &err), 0);
	sb_release(&json);
	sb_release(&problems);
}

static void
test_transfer__one_bad_entry_changes_nothing(void **state)
{
	struct pair *p = *state;
	struct tfix *b = p->b;
	struct strbuf before = STRBUF_INIT, after = STRBUF_INIT, problems = STRBUF_INIT;
	struct svc_err err = { 0 };
	const char *json = "{\"format\": \"svcmode-settings\", \"version\": 1, \"settings\": {"
			   "\"network.email.smtp.server\": \"new.example.test\","
			   "\"network.email.smtp.port\": 70000,"
			   "\"network.mac.rx.policy\": \"Maybe\"}}";

	slurp(b, &before);
	assert_int_equal(config_import(b->dev, json, &problems, &err), -1);
	assert_non_null(strstr(problems.buf, "network.email.smtp.port"));
	assert_non_null(strstr(problems.buf, "70000"));
	assert_non_null(strstr(problems.buf, "network.mac.rx.policy"));
	assert_non_null(strstr(problems.buf, "Maybe"));
	expect(b, KEY_NETWORK_EMAIL_SMTP_SERVER, "");
	slurp(b, &after);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.buf, after.buf, before.len);
	sb_release(&before);
	sb_release(&after);
	sb_release(&problems);
}

static void
test_transfer__plan_writes_nothing(void **state)
{
	struct pair *p = *state;
	struct tfix *b = p->b;
	struct strbuf problems = STRBUF_INIT, plan = STRBUF_INIT;
	struct svc_err err = { 0 };
	const char *json = "{\"format\": \"svcmode-settings\", \"version\": 1, \"settings\": {"
			   "\"network.email.smtp.server\": \"plan.example.test\"}}";

	assert_int_equal(config_import_plan(b->dev, json, &problems, &plan, &err), 1);
	assert_non_null(strstr(plan.buf, "network.email.smtp.server"));
	assert_non_null(strstr(plan.buf, "plan.example.test"));
	expect(b, KEY_NETWORK_EMAIL_SMTP_SERVER, "");
	sb_release(&problems);
	sb_release(&plan);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transfer__roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer__one_bad_entry_changes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_transfer__plan_writes_nothing, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
