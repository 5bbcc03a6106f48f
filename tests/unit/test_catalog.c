/* The catalog: every type's valid and invalid edges, defaults, parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "catalog/catalog.h"

static struct catalog *cat;

static int
setup(void **state)
{
	struct svc_err err = { 0 };

	(void)state;
	return catalog_new(&cat, &err);
}

static int
teardown(void **state)
{
	(void)state;
	catalog_free(cat);
	return 0;
}

struct value_case {
	const char *key;
	const char *input;
	const char *canon; /* NULL: must be refused */
};

static const struct value_case cases[] = {
	/* bool: every accepted spelling, any case */
	{ "network.tcpip.dhcp", "on", "ON" },
	{ "network.tcpip.dhcp", "TRUE", "ON" },
	{ "network.tcpip.dhcp", "1", "ON" },
	{ "network.tcpip.dhcp", "Off", "OFF" },
	{ "network.tcpip.dhcp", "false", "OFF" },
	{ "network.tcpip.dhcp", "0", "OFF" },
	{ "network.tcpip.dhcp", "", NULL },
	{ "network.tcpip.dhcp", "2", NULL },
	{ "network.tcpip.dhcp", "onn", NULL },
	/* int with range */
	{ "system.auto_clear", "0", "0" },
	{ "system.auto_clear", "9", "9" },
	{ "system.auto_clear", "10", NULL },
	{ "system.auto_clear", "-1", NULL },
	{ "system.auto_clear", "1.5", NULL },
	{ "system.auto_clear", " 1", NULL },
	{ "system.auto_clear", "", NULL },
	{ "system.auto_clear", "99999999999999999999", NULL },
	/* port */
	{ "network.email.smtp.port", "1", "1" },
	{ "network.email.smtp.port", "65535", "65535" },
	{ "network.email.smtp.port", "0", NULL },
	{ "network.email.smtp.port", "65536", NULL },
	{ "network.email.smtp.port", "70000", NULL },
	{ "network.email.smtp.port", "25a", NULL },
	/* enum: the panel's spelling, any case */
	{ "network.email.auth.pop_auth_method", "standard", "Standard" },
	{ "network.email.auth.pop_auth_method", "apop", "APOP" },
	{ "network.email.auth.pop_auth_method", "pop auth", "POP AUTH" },
	{ "network.email.auth.pop_auth_method", "POPAUTH", NULL },
	{ "network.email.auth.pop_auth_method", "", NULL },
	/* string: length and charset */
	{ "system.manager.name", "", "" },
	{ "system.manager.name", "12345678901234567890123456789012",
	  "12345678901234567890123456789012" },
	{ "system.manager.name", "123456789012345678901234567890123", NULL },
	{ "system.manager.name", "tab\there", NULL },
	/* free text: valid UTF-8 without control characters (C0, DEL, C1) */
	{ "system.manager.name", "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "system.manager.name",
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9",
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9" },                       /* 32 characters, 64 bytes */
	{ "system.manager.name", "caf\xe9", NULL },   /* Latin-1, not UTF-8 */
	{ "system.manager.name", "a\x1b[2Jb", NULL }, /* ESC */
	{ "system.manager.name",
	  "a\xc2\x9b"
	  "2Jb",
	  NULL },                                        /* C1 CSI */
	{ "system.manager.name", "a\x7f", NULL },        /* DEL */
	{ "system.manager.name", "\xc0\xaf", NULL },     /* overlong '/' */
	{ "system.manager.name", "\xed\xa0\x80", NULL }, /* a surrogate */
	/* host */
	{ "network.email.smtp.server", "Mail.Example.COM", "mail.example.com" },
	{ "network.email.smtp.server", "192.168.0.1", "192.168.0.1" },
	{ "network.email.smtp.server", "", "" },
	{ "network.email.smtp.server", "-bad.example", NULL },
	{ "network.email.smtp.server", "bad-.example", NULL },
	{ "network.email.smtp.server", "a..b", NULL },
	{ "network.email.smtp.server", "under_score", NULL },
	{ "network.email.smtp.server", "999.1.1.1", NULL },
	/* e-mail */
	{ "network.email.address", "ir5570@example.com", "ir5570@example.com" },
	{ "network.email.address", "", "" },
	{ "network.email.address", "no-at.example.com", NULL },
	{ "network.email.address", "a@b", NULL },
	{ "network.email.address", "a..b@example.com", NULL },
	{ "network.email.address", "a b@example.com", NULL },
	/* IPv4 */
	{ "network.tcpip.ipv4.address", "10.0.0.1", "10.0.0.1" },
	{ "network.tcpip.ipv4.address", "255.255.255.255", "255.255.255.255" },
	{ "network.tcpip.ipv4.address", "256.0.0.1", NULL },
	{ "network.tcpip.ipv4.address", "1.2.3", NULL },
	{ "network.tcpip.ipv4.address", "1.2.3.4.5", NULL },
	{ "network.tcpip.ipv4.address", "", NULL },
	/* PIN: digits, at most 7, padded, never all zeros */
	{ "system.manager.pin", "02", "0000002" },
	{ "system.manager.pin", "7654321", "7654321" },
	{ "system.manager.pin", "1", "0000001" },
	{ "system.manager.pin", "0", NULL },
	{ "system.manager.pin", "0000000", NULL },
	{ "system.manager.pin", "12345678", NULL },
	{ "system.manager.pin", "12a4", NULL },
	{ "system.manager.pin", "", NULL },
	/* instanced keys: every instance validates as its declaration says */
	{ "box.00.name", "Sales", "Sales" },
	{ "box.99.name", "", "" },
	{ "box.07.name", "abcdefghijklmnopqrstuvwx", "abcdefghijklmnopqrstuvwx" },
	{ "box.07.name", "abcdefghijklmnopqrstuvwxy", NULL }, /* 25 characters */
	{ "box.07.name",
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9",
	  NULL }, /* 13 characters, 26 bytes */
	{ "box.07.name", "a\x1b[2Jb", NULL },
	{ "box.07.password", "", "" }, /* none */
	{ "box.07.password", "42", "0000042" },
	{ "box.07.password", "0000", NULL },
	{ "box.07.password", "12345678", NULL },
	{ "box.07.password", "12a", NULL },
	{ "box.07.auto-erase", "off", "OFF" },
	{ "box.07.auto-erase", "0", "OFF" },
	{ "box.07.auto-erase", "30m", "30m" },
	{ "box.07.auto-erase", "60M", "1h" },
	{ "box.07.auto-erase", "48h", "2d" },
	{ "box.07.auto-erase", "365d", "365d" },
	{ "box.07.auto-erase", "366d", NULL },
	{ "box.07.auto-erase", "0m", NULL },
	{ "box.07.auto-erase", "5x", NULL },
	{ "box.07.auto-erase", "3 weeks", NULL },
	{ "box.07.auto-erase", "", NULL },
	{ "box.07.print-on-store", "yes", "ON" },
	{ "box.07.print-on-store", "maybe", NULL },
	/* secret: length */
	{ "network.email.pop.password", "s3cret", "s3cret" },
	{ "network.email.pop.password",
	  "12345678901234567890123456789012345678901234567890123456789012345", NULL },
};

static void
test_catalog__values(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct value_case *c = &cases[i];
		const struct cat_entry *e = catalog_find(cat, c->key);
		struct svc_err err = { 0 };
		int rc;

		assert_non_null(e);
		rc = catalog_parse_value(e, c->input, &out, &err);
		if (c->canon) {
			if (rc != 0)
				fail_msg("'%s' for %s refused: %s", c->input, c->key, err.msg);
			assert_string_equal(sb_str(&out), c->canon);
		} else {
			if (rc == 0)
				fail_msg("'%s' for %s accepted as '%s'", c->input, c->key,
					 sb_str(&out));
			assert_int_equal(err.code, EX_DATAERR);
			assert_string_equal(sb_str(&out), "");
			assert_non_null(strstr(err.msg, c->key));
		}
	}
	sb_release(&out);
}

static void
test_catalog__mac_notations(void **state)
{
	static const char *const good[] = { "00:1e:8f:12:34:56", "00-1E-8F-12-34-56",
					    "001e.8f12.3456", "001E8F123456" };
	static const char *const bad[] = { "00:1e:8f:12:34", "00:1e-8f:12:34:56", "001e8f12345g",
					   "0:1e:8f:12:34:56:7", "" };
	struct cat_entry e = { .key = "test.mac", .type = CT_MAC, .max = 255 };
	struct strbuf out = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(catalog_parse_value(&e, good[i], &out, NULL), 0);
		assert_string_equal(sb_str(&out), "00:1E:8F:12:34:56");
	}
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(catalog_parse_value(&e, bad[i], &out, NULL), -1);
	sb_release(&out);
}

static void
test_catalog__iface_names(void **state)
{
	static const char *const good[] = { "",           "eth0",     "enp3s0",
					    "wlp2s0.100", "br-lan_1", "abcdefghijklmno",
					    "..." };
	static const char *const bad[] = { "abcdefghijklmnop", ".",     "..",     "eth/0",
					   "eth0:1",           "eth 0", "eth\t0", "eth0\"; drop",
					   "\xc3\xa9th0" };
	const struct cat_entry *e = catalog_find(cat, "network.mac.interface");
	struct strbuf out = STRBUF_INIT;

	(void)state;
	assert_non_null(e);
	assert_int_equal(e->type, CT_IFACE);
	assert_string_equal(e->deflt, "");
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(catalog_parse_value(e, good[i], &out, NULL), 0);
		assert_string_equal(sb_str(&out), good[i]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(catalog_parse_value(e, bad[i], &out, NULL), -1);
	sb_release(&out);
}

static void
test_catalog__message_names_key_value_expected(void **state)
{
	const struct cat_entry *e = catalog_find(cat, "network.email.smtp.port");
	struct strbuf out = STRBUF_INIT;
	struct svc_err err = { 0 };

	(void)state;
	assert_int_equal(catalog_parse_value(e, "70000", &out, &err), -1);
	assert_string_equal(err.msg, "invalid value '70000' for network.email.smtp.port: "
				     "expected an integer 1-65535");
	sb_release(&out);
}

static void
test_catalog__secret_never_echoed(void **state)
{
	const struct cat_entry *e = catalog_find(cat, "system.manager.pin");
	struct strbuf out = STRBUF_INIT;
	struct svc_err err = { 0 };

	(void)state;
	assert_int_equal(catalog_parse_value(e, "98x7", &out, &err), -1);
	assert_null(strstr(err.msg, "98x7"));
	sb_release(&out);
}

static void
test_catalog__every_default_valid(void **state)
{
	struct strbuf out = STRBUF_INIT;

	(void)state;
	assert_true(catalog_count(cat) >= 24);
	for (size_t i = 0; i < catalog_count(cat); i++) {
		const struct cat_entry *e = catalog_at(cat, i);
		struct svc_err err = { 0 };
		if (catalog_parse_value(e, e->deflt, &out, &err) != 0)
			fail_msg("default of %s is invalid: %s", e->key, err.msg);
		assert_string_equal(sb_str(&out), e->deflt);
		assert_true(e->label && *e->label);
		assert_true(e->help && *e->help);
		if (i > 0)
			assert_true(strcmp(catalog_at(cat, i - 1)->key, e->key) < 0);
	}
	sb_release(&out);
}

static void
test_catalog__stable_keys_exist(void **state)
{
	static const char *const keys[] = {
		"system.manager.id",
		"system.manager.pin",
		"system.manager.name",
		"system.auto_clear",
		"network.tcpip.hostname",
		"network.tcpip.dhcp",
		"network.tcpip.ipv4.address",
		"network.email.address",
		"network.email.smtp.server",
		"network.email.smtp.port",
		"network.email.pop.server",
		"network.email.pop.port",
		"network.email.pop.login",
		"network.email.pop.password",
		"network.email.pop.interval",
		"network.email.auth.pop_before_smtp",
		"network.email.auth.pop_auth_method",
		"network.email.auth.smtp_auth",
		"network.email.auth.smtp_user",
		"network.email.auth.smtp_password",
		"network.email.ssl.smtp_send",
		"network.email.ssl.pop",
	};

	(void)state;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (catalog_find(cat, keys[i]) == NULL)
			fail_msg("stable key %s is missing", keys[i]);
	assert_string_equal(catalog_find(cat, "system.manager.pin")->deflt, "7654321");
	assert_string_equal(catalog_find(cat, "network.email.smtp.port")->deflt, "25");
	assert_string_equal(catalog_find(cat, "network.email.pop.port")->deflt, "110");
	assert_string_equal(catalog_find(cat, "network.email.auth.pop_auth_method")->deflt,
			    "Standard");
}

/* One declaration with NN and a range is one entry per instance, each
 * knowing its number and its declaration. */
static void
test_catalog__instanced_keys(void **state)
{
	const struct cat_entry *e = catalog_find(cat, "box.42.print-on-store");
	char key[32];
	int lo, hi;

	(void)state;
	assert_non_null(e);
	assert_int_equal(e->instance, 42);
	assert_string_equal(e->base, "box.NN.print-on-store");
	assert_int_equal(e->type, CT_BOOL);
	assert_non_null(catalog_find(cat, "box.00.name"));
	assert_non_null(catalog_find(cat, "box.99.name"));
	assert_null(catalog_find(cat, "box.NN.name"));
	assert_int_equal(catalog_find(cat, "system.manager.name")->instance, -1);
	assert_int_equal(catalog_instances(cat, "box.NN.name", &lo, &hi), 0);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 99);
	assert_int_equal(catalog_instances(cat, "system.manager.name", &lo, &hi), -1);
	assert_int_equal(catalog_instance_key("box.NN.name", 7, key, sizeof key), 0);
	assert_string_equal(key, "box.07.name");
	assert_int_equal(catalog_instance_key("box.name", 7, key, sizeof key), -1);
	assert_int_equal(catalog_instance_key("box.NN.name", 100, key, sizeof key), -1);
	assert_int_equal(catalog_instance_key("box.NN.name", 7, key, 8), -1);
}

static void
test_catalog__bad_instance_refused(void **state)
{
	static const struct {
		const char *key, *msg;
	} bad[] = {
		{ "box.100.name",
		  "invalid instance '100' in 'box.100.name' (box.NN.name): expected 00-99" },
		{ "box.7.name",
		  "invalid instance '7' in 'box.7.name' (box.NN.name): expected 00-99" },
		{ "box.NN.name",
		  "invalid instance 'NN' in 'box.NN.name' (box.NN.name): expected 00-99" },
		{ "box.-1.password",
		  "invalid instance '-1' in 'box.-1.password' (box.NN.password): expected 00-99" },
		{ "box.07.colour", "unknown setting 'box.07.colour' (see 'svcmode list')" },
		{ "box.07.08.name", "unknown setting 'box.07.08.name' (see 'svcmode list')" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct svc_err err = { 0 };
		assert_null(catalog_lookup(cat, bad[i].key, &err));
		assert_int_equal(err.code, EX_USAGE);
		assert_string_equal(err.msg, bad[i].msg);
	}
}

/* A refused value of an instance names that instance's key, the value and
 * what the declaration expects. */
static void
test_catalog__instance_value_message(void **state)
{
	static const struct {
		const char *key, *value, *msg;
	} bad[] = {
		{ "box.07.auto-erase", "5x",
		  "invalid value '5x' for box.07.auto-erase: expected OFF, or minutes, hours or "
		  "days such as 30m, 12h, 3d (at most 365d)" },
		{ "box.42.print-on-store", "maybe",
		  "invalid value 'maybe' for box.42.print-on-store: expected ON or OFF" },
		{ "box.00.name", "abcdefghijklmnopqrstuvwxyz",
		  "invalid value 'abcdefghijklmnopqrstuvwxyz' for box.00.name: expected printable "
		  "text (UTF-8, no control characters) of at most 24 characters and 24 bytes" },
		{ "box.99.password", "0000",
		  "invalid value '***' for box.99.password: expected digits only, 1 to 7 of them, "
		  "not all zeros, or empty for none" },
	};
	struct strbuf out = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct svc_err err = { 0 };
		assert_int_equal(catalog_parse_value(catalog_find(cat, bad[i].key), bad[i].value,
						     &out, &err),
				 -1);
		assert_int_equal(err.code, EX_DATAERR);
		assert_string_equal(err.msg, bad[i].msg);
		assert_string_equal(sb_str(&out), "");
	}
	sb_release(&out);
}

static void
test_catalog__malformed_text_refused(void **state)
{
	static const struct {
		const char *text;
		const char *why;
	} bad[] = {
		{ "[a.b]\nlabel = A\ntype = bool\nlevel = manager\n", "default" },
		{ "[a.b]\nlabel = A\ntype = nope\ndefault = x\nlevel = manager\n", "unknown type" },
		{ "[a.b]\nlabel = A\ntype = int\nmin = 1\nmax = 5\ndefault = 9\nlevel = manager\n",
		  "invalid value" },
		{ "[a.b]\nlabel = A\ntype = bool\ndefault = on\nlevel = manager\n", "canonical" },
		{ "[a.b]\nlabel = A\ntype = bool\ndefault = ON\nlevel = root\n", "unknown level" },
		{ "label = A\n", "expected" },
		{ "[a.b]\nlabel = A\ntype = bool\ndefault = ON\nlevel = manager\n[a.b]\nlabel = "
		  "B\ntype = bool\ndefault = ON\nlevel = manager\n",
		  "twice" },
		{ "[a.b]\ninstances = 00-99\nlabel = A\ntype = bool\ndefault = ON\nlevel = "
		  "manager\n",
		  "instances must be" },
		{ "[a.NN.b]\ninstances = 0-9\nlabel = A\ntype = bool\ndefault = ON\nlevel = "
		  "manager\n",
		  "instances must be" },
		{ "[a.NN.b]\ninstances = 09-01\nlabel = A\ntype = bool\ndefault = ON\nlevel = "
		  "manager\n",
		  "instances must be" },
		{ "[a.NN.b.NN.c]\ninstances = 00-09\nlabel = A\ntype = bool\ndefault = ON\nlevel = "
		  "manager\n",
		  "NN twice" },
		{ "[a.NN.b]\ninstances = 00-09\nlabel = A\ntype = bool\ndefault = ON\nlevel = "
		  "manager\n[a.05.b]\nlabel = B\ntype = bool\ndefault = ON\nlevel = manager\n",
		  "twice" },
		{ "[a.b]\nlabel = A\ntype = pin\nempty = maybe\ndefault =\nlevel = manager\n",
		  "empty must be" },
		{ "[a.b]\nlabel = A\ntype = pin\ndefault =\nlevel = manager\n", "invalid value" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *names[] = { "t.conf" }, *texts[] = { bad[i].text };
		struct catalog *c = (struct catalog *)0x1;
		struct svc_err err = { 0 };
		assert_int_equal(catalog_parse(names, texts, 1, &c, &err), -1);
		assert_null(c);
		if (strstr(err.msg, bad[i].why) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].why);
	}
}

static void
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* The compiled catalog (catalog_table.c, made by catalog_gen at build
 * time) is the parsed text, entry by entry and field by field. */
static void
test_catalog__compiled_equals_parsed(void **state)
{
	struct catalog *parsed = NULL;
	struct svc_err err = { 0 };

	(void)state;
	assert_int_equal(catalog_parse_embedded(&parsed, &err), 0);
	assert_int_equal(catalog_count(cat), catalog_count(parsed));
	assert_true(catalog_count(cat) > 400);
	for (size_t i = 0; i < catalog_count(cat); i++) {
		const struct cat_entry *a = catalog_at(cat, i), *b = catalog_at(parsed, i);

		same_str(a->key, b->key);
		same_str(a->label, b->label);
		same_str(a->help, b->help);
		same_str(a->effect, b->effect);
		same_str(a->unit, b->unit);
		same_str(a->deflt, b->deflt);
		same_str(a->screen, b->screen);
		same_str(a->base, b->base);
		assert_int_equal(a->type, b->type);
		assert_int_equal(a->min, b->min);
		assert_int_equal(a->max, b->max);
		assert_int_equal(a->max_bytes, b->max_bytes);
		assert_int_equal(a->nchoices, b->nchoices);
		for (int c = 0; c < a->nchoices; c++)
			same_str(a->choices[c], b->choices[c]);
		assert_int_equal(a->level, b->level);
		assert_int_equal(a->reset_on_init, b->reset_on_init);
		assert_int_equal(a->with_data, b->with_data);
		assert_int_equal(a->panel, b->panel);
		assert_int_equal(a->empty_ok, b->empty_ok);
		assert_int_equal(a->instance, b->instance);
		assert_ptr_equal(catalog_find(cat, b->key), a);
	}
	catalog_free(parsed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog__values),
		cmocka_unit_test(test_catalog__mac_notations),
		cmocka_unit_test(test_catalog__iface_names),
		cmocka_unit_test(test_catalog__message_names_key_value_expected),
		cmocka_unit_test(test_catalog__secret_never_echoed),
		cmocka_unit_test(test_catalog__every_default_valid),
		cmocka_unit_test(test_catalog__stable_keys_exist),
		cmocka_unit_test(test_catalog__instanced_keys),
		cmocka_unit_test(test_catalog__bad_instance_refused),
		cmocka_unit_test(test_catalog__instance_value_message),
		cmocka_unit_test(test_catalog__malformed_text_refused),
		cmocka_unit_test(test_catalog__compiled_equals_parsed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
