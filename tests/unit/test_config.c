/* Typed settings reads: the catalog's types and choices, and a feature's
 * settings struct bound through one {key, offset, kind} table, on a real
 * store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/keys.h"
#include "fixture.h"

static int
setup(void **state)
{
	return tfix_setup(state, "config", LEVEL_MANAGER);
}

static void
test_config__choice_follows_the_store(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	int m = -1;

	assert_int_equal(
		config_get_choice(f->dev, KEY_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD, &m, &err), 0);
	assert_int_equal(m, CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_STANDARD);
	assert_int_equal(
		config_set(f->dev, KEY_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD, "pop auth", &err), 0);
	assert_int_equal(
		config_get_choice(f->dev, KEY_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD, &m, &err), 0);
	assert_int_equal(m, CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_POP_AUTH);
	assert_int_equal(config_set(f->dev, KEY_NETWORK_MAC_RX_POLICY, "Reject", &err), 0);
	assert_int_equal(config_get_choice(f->dev, KEY_NETWORK_MAC_RX_POLICY, &m, &err), 0);
	assert_int_equal(m, CHOICE_NETWORK_MAC_RX_POLICY_REJECT);
}

static void
test_config__wrong_type_is_refused(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	bool b = true;
	int i = 7;

	assert_int_not_equal(config_get_bool(f->dev, KEY_NETWORK_MAC_RX_POLICY, &b, &err), 0);
	assert_int_equal(err.code, EX_SOFTWARE);
	assert_non_null(strstr(err.msg, "network.mac.rx.policy"));
	assert_false(b);
	assert_int_not_equal(config_get_choice(f->dev, KEY_NETWORK_EMAIL_SMTP_RX, &i, &err), 0);
	assert_int_equal(err.code, EX_SOFTWARE);
	assert_int_not_equal(config_get_int(f->dev, "network.email.smtp.portt", &i, &err), 0);
	assert_non_null(strstr(err.msg, "portt"));
}

struct feature {
	struct strbuf host, password;
	int port, method;
	bool ssl;
};

#define F(key, member, kind) CFG_FIELD(key, struct feature, member, kind)
static const struct cfg_field fields[] = {
	F(KEY_NETWORK_EMAIL_SMTP_SERVER, host, CFG_TEXT),
	F(KEY_NETWORK_EMAIL_AUTH_SMTP_PASSWORD, password, CFG_PLAIN),
	F(KEY_NETWORK_EMAIL_SMTP_PORT, port, CFG_INT),
	F(KEY_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD, method, CFG_CHOICE),
	F(KEY_NETWORK_EMAIL_SSL_SMTP_SEND, ssl, CFG_BOOL),
};
#undef F

static void
test_config__bind_reads_every_field(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct feature ft = { STRBUF_INIT, STRBUF_INIT, 0, 0, false };

	assert_int_equal(config_bind(f->dev, fields, 5, &ft, &err), 0);
	assert_string_equal(ft.host.buf, ""); /* unset text is "", never NULL */
	assert_string_equal(ft.password.buf, "");
	assert_int_equal(ft.port, 25);
	assert_false(ft.ssl);
	sb_release(&ft.host);
	sb_release(&ft.password);

	assert_int_equal(config_set(f->dev, KEY_NETWORK_EMAIL_SMTP_SERVER, "mail.test", &err), 0);
	assert_int_equal(config_set(f->dev, KEY_NETWORK_EMAIL_AUTH_SMTP_PASSWORD, "s3cret", &err),
			 0);
	assert_int_equal(config_set(f->dev, KEY_NETWORK_EMAIL_SMTP_PORT, "2525", &err), 0);
	assert_int_equal(config_set(f->dev, KEY_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD, "APOP", &err),
			 0);
	assert_int_equal(config_set(f->dev, KEY_NETWORK_EMAIL_SSL_SMTP_SEND, "ON", &err), 0);
	assert_int_equal(config_bind(f->dev, fields, 5, &ft, &err), 0);
	assert_string_equal(ft.host.buf, "mail.test");
	assert_string_equal(ft.password.buf, "s3cret"); /* decrypted for replay */
	assert_int_equal(ft.port, 2525);
	assert_int_equal(ft.method, CHOICE_NETWORK_EMAIL_AUTH_POP_AUTH_METHOD_APOP);
	assert_true(ft.ssl);
	sb_release(&ft.host);
	sb_release(&ft.password);
}

static void
test_config__bind_stops_at_a_mistyped_row(void **state)
{
	struct tfix *f = *state;
	struct svc_err err = { 0 };
	struct feature ft = { STRBUF_INIT, STRBUF_INIT, 0, 0, false };
	const struct cfg_field bad[] = {
		CFG_FIELD(KEY_NETWORK_EMAIL_SMTP_PORT, struct feature, ssl, CFG_BOOL),
	};

	assert_int_not_equal(config_bind(f->dev, bad, 1, &ft, &err), 0);
	assert_int_equal(err.code, EX_SOFTWARE);
	assert_non_null(strstr(err.msg, "network.email.smtp.port"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_config__choice_follows_the_store, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_config__wrong_type_is_refused, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_config__bind_reads_every_field, setup,
						tfix_teardown),
		cmocka_unit_test_setup_teardown(test_config__bind_stops_at_a_mistyped_row, setup,
						tfix_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
