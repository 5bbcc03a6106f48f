/*
 * The license scheme: keys and transfer numbers round-trip, authenticate
 * what they claim, and every single typo and adjacent transposition is
 * caught with the group named. The check-symbol proofs are exhaustive over
 * every possible group; the whole-number tests add transpositions across
 * group boundaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "license/scheme.h"

static const char SECRET[] = "unit test vendor secret";

static void
devkey(const char *serial, unsigned char dk[LIC_DEVKEY_LEN])
{
	struct svc_err err = { 0 };

	assert_int_equal(lic_device_key(SECRET, sizeof SECRET - 1, serial, dk, &err), 0);
}

/* "ABCD-EFGH-..." without dashes. */
static void
strip(const char *text, char raw[LIC_CHARS + 1])
{
	size_t n = 0;

	for (; *text; text++)
		if (*text != '-')
			raw[n++] = *text;
	raw[n] = '\0';
	assert_int_equal(n, LIC_CHARS);
}

/* A tiny deterministic generator: the tests repeat exactly. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_license__options_table(void **state)
{
	(void)state;
	const struct lic_option *o = lic_option_find("spdf");
	int n = 0;

	assert_non_null(o);
	assert_string_equal(o->master, "SEND");
	assert_ptr_equal(lic_option_by_code(o->code), o);
	assert_null(lic_option_find("NOPE"));
	for (int i = 0; (o = lic_option_at(i)) != NULL; i++) {
		assert_true(o->code >= 1 && o->code <= 31);
		if (o->master)
			assert_non_null(lic_option_find(o->master));
		n += o->on_device;
	}
	assert_int_equal(n, 8);
}

static void
test_license__device_key_per_serial(void **state)
{
	(void)state;
	unsigned char a[32], b[32], c[32];

	devkey("ABC12345", a);
	devkey("ABC12345", b);
	devkey("ABC12346", c);
	assert_memory_equal(a, b, 32);
	assert_memory_not_equal(a, c, 32);
}

static void
test_license__key_roundtrip(void **state)
{
	(void)state;
	unsigned char dk[32];
	struct svc_err err = { 0 };
	struct lic_key k;
	char key[LIC_TEXT];
	bool ok = false;

	devkey("ABC12345", dk);
	for (uint32_t number = 1; number < LIC_NUMBER_MAX; number = number * 3 + 7) {
		assert_int_equal(lic_key_issue(dk, "ABC12345", 2, number, key, &err), 0);
		assert_int_equal(strlen(key), 29);
		for (int i = 0; i < 29; i++)
			assert_true(i % 5 == 4 ? key[i] == '-'
					       : strchr(lic_alphabet, key[i]) != NULL);
		assert_int_equal(lic_key_parse(key, &k, &err), 0);
		assert_int_equal(k.version, LIC_KEY_VERSION);
		assert_int_equal(k.option, 2);
		assert_int_equal(k.number, number);
		assert_int_equal(k.fingerprint, lic_serial_fingerprint("ABC12345"));
		assert_int_equal(lic_key_verify(dk, "ABC12345", &k, &ok, &err), 0);
		assert_true(ok);
	}
	/* Lower case, spaces and no dashes are accepted as typed. */
	assert_int_equal(lic_key_issue(dk, "ABC12345", 1, 42, key, &err), 0);
	char typed[64];
	size_t n = 0;
	for (const char *s = key; *s; s++)
		typed[n++] = *s == '-' ? ' ' : (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s);
	typed[n] = '\0';
	assert_int_equal(lic_key_parse(typed, &k, &err), 0);
	assert_int_equal(k.number, 42);
}

/* Exhaustive: every group value at every position; every substitution of
 * one symbol and every swap of two different neighbours fails its check. */
static void
test_license__key_check_exhaustive(void **state)
{
	(void)state;
	unsigned long checked = 0;

	for (unsigned g = 0; g < LIC_GROUPS; g++) {
		for (unsigned x = 0; x < 32 * 32 * 32; x++) {
			unsigned v[4] = { x >> 10, (x >> 5) & 31, x & 31, 0 };
			v[3] = lic_group_check(g, v);
			/* valid(w) for a whole group: its check matches. */
			for (unsigned p = 0; p < 4; p++) {
				for (unsigned s = 0; s < 32; s++) {
					unsigned w[4] = { v[0], v[1], v[2], v[3] };
					if (s == v[p])
						continue;
					w[p] = s;
					assert_int_not_equal(lic_group_check(g, w), w[3]);
					checked++;
				}
			}
			for (unsigned p = 0; p < 3; p++) {
				unsigned w[4] = { v[0], v[1], v[2], v[3] };
				if (w[p] == w[p + 1])
					continue;
				w[p] = v[p + 1];
				w[p + 1] = v[p];
				assert_int_not_equal(lic_group_check(g, w), w[3]);
				checked++;
			}
			/* The same group typed at any other position fails. */
			for (unsigned h = 0; h < LIC_GROUPS; h++)
				if (h != g)
					assert_int_not_equal(lic_group_check(h, v), v[3]);
		}
	}
	assert_true(checked > 6UL * 32768 * 124);
}

static void
expect_group(const char *what, const char *text, const char *group)
{
	struct svc_err err = { 0 };
	struct lic_key k;
	unsigned counter;
	uint64_t mac;
	int rc = strcmp(what, "key") == 0 ? lic_key_parse(text, &k, &err)
					  : lic_transfer_parse(text, &counter, &mac, &err);

	if (rc != -1)
		fail_msg("%s: '%s' accepted", what, text);
	assert_int_equal(err.code, EX_DATAERR);
	if (strstr(err.msg, group) == NULL)
		fail_msg("'%s': expected '%s' in '%s'", text, group, err.msg);
}

/* Whole keys: every symbol replaced by every other, every neighbour swap
 * (across group boundaries too), each named by its group(s). */
static void
test_license__key_typos_named(void **state)
{
	(void)state;
	unsigned char dk[32];
	struct svc_err err = { 0 };
	char key[LIC_TEXT], raw[LIC_CHARS + 1], bad[LIC_CHARS + 1], grp[32];
	uint32_t seed = 12345;

	devkey("XYZ00001", dk);
	for (int n = 0; n < 40; n++) {
		assert_int_equal(lic_key_issue(dk, "XYZ00001", 1 + rnd(&seed) % 8,
					       1 + rnd(&seed) % LIC_NUMBER_MAX, key, &err),
				 0);
		strip(key, raw);
		for (int p = 0; p < LIC_CHARS; p++) {
			for (int s = 0; s < 32; s++) {
				if (lic_alphabet[s] == raw[p])
					continue;
				memcpy(bad, raw, sizeof bad);
				bad[p] = lic_alphabet[s];
				snprintf(grp, sizeof grp, "group %d ", p / 4 + 1);
				expect_group("key", bad, grp);
			}
			if (p + 1 < LIC_CHARS && raw[p] != raw[p + 1]) {
				memcpy(bad, raw, sizeof bad);
				bad[p] = raw[p + 1];
				bad[p + 1] = raw[p];
				snprintf(grp, sizeof grp, "%d ('", p / 4 + 1);
				expect_group("key", bad, grp);
				snprintf(grp, sizeof grp, "%d ('", (p + 1) / 4 + 1);
				expect_group("key", bad, grp);
			}
		}
	}
	expect_group("key", "ABCD-EFGH", "expected 24 characters");
	expect_group("key", "ABCD-EFGH-JKLM-NPQR-STUV-WXY0", "'0' in group 6");
	expect_group("key", "ABCD-EFGO-JKLM-NPQR-STUV-WXYZ", "'O' in group 2");
}

static void
test_license__key_altered_fails_tag(void **state)
{
	(void)state;
	unsigned char dk[32], other[32];
	struct svc_err err = { 0 };
	char key[LIC_TEXT], forged[LIC_TEXT];
	struct lic_key k;
	bool ok = true;

	devkey("ABC12345", dk);
	devkey("ABC12346", other);
	assert_int_equal(lic_key_issue(dk, "ABC12345", 1, 77, key, &err), 0);
	assert_int_equal(lic_key_parse(key, &k, &err), 0);
	/* Each field changed with correct check symbols: parses, never verifies. */
	const struct lic_key changes[] = {
		{ k.version, 2, k.number, k.fingerprint, k.tag },
		{ k.version, k.option, 78, k.fingerprint, k.tag },
		{ k.version, k.option, k.number, k.fingerprint, k.tag ^ 1 },
	};
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		struct lic_key back;
		lic_key_format(&changes[i], forged);
		assert_int_equal(lic_key_parse(forged, &back, &err), 0);
		assert_int_equal(lic_key_verify(dk, "ABC12345", &back, &ok, &err), 0);
		assert_false(ok);
	}
	/* Another device's key does not verify the original. */
	assert_int_equal(lic_key_verify(other, "ABC12346", &k, &ok, &err), 0);
	assert_false(ok);
	assert_int_equal(lic_key_verify(dk, "ABC12346", &k, &ok, &err), 0);
	assert_false(ok);
}

/* Exhaustive: every group of three data digits at every position; every
 * single-digit substitution and every swap of two different neighbours
 * fails the Verhoeff check, and so does a group typed in another place. */
static void
test_license__transfer_check_exhaustive(void **state)
{
	(void)state;
	unsigned long checked = 0;

	for (unsigned g = 0; g < LIC_GROUPS; g++) {
		for (unsigned x = 0; x < 1000; x++) {
			char d[4] = { (char)('0' + x / 100), (char)('0' + x / 10 % 10),
				      (char)('0' + x % 10), '0' };
			int valid = 0;
			for (char c = '0'; c <= '9'; c++) {
				d[3] = c;
				valid += lic_digits_check(g, d);
			}
			assert_int_equal(valid, 1); /* exactly one check digit */
			for (d[3] = '0'; !lic_digits_check(g, d); d[3]++)
				;
			for (int p = 0; p < 4; p++) {
				for (char c = '0'; c <= '9'; c++) {
					char w[4];
					memcpy(w, d, 4);
					if (c == d[p])
						continue;
					w[p] = c;
					assert_false(lic_digits_check(g, w));
					checked++;
				}
			}
			for (int p = 0; p < 3; p++) {
				char w[4];
				memcpy(w, d, 4);
				if (w[p] == w[p + 1])
					continue;
				w[p] = d[p + 1];
				w[p + 1] = d[p];
				assert_false(lic_digits_check(g, w));
				checked++;
			}
			for (unsigned h = 0; h < LIC_GROUPS; h++)
				if (h != g)
					assert_false(lic_digits_check(h, d));
		}
	}
	assert_true(checked > 6UL * 1000 * 36);
}

static void
test_license__transfer_roundtrip_and_binding(void **state)
{
	(void)state;
	unsigned char dk[32], other[32];
	struct svc_err err = { 0 };
	char tr[LIC_TEXT];
	unsigned counter;
	uint64_t mac;
	bool ok = false;

	devkey("ABC12345", dk);
	devkey("ABC12346", other);
	assert_int_equal(lic_transfer_issue(dk, "ABC12345", 1, 500, 7, tr, &err), 0);
	assert_int_equal(strlen(tr), 29);
	assert_int_equal(lic_transfer_parse(tr, &counter, &mac, &err), 0);
	assert_int_equal(counter, 7);
	assert_int_equal(lic_transfer_verify(dk, "ABC12345", 1, 500, tr, &ok, &err), 0);
	assert_true(ok);
	/* Bound to serial, option, license number and (through the parsed
	 * counter) the invalidation. */
	assert_int_equal(lic_transfer_verify(dk, "ABC12346", 1, 500, tr, &ok, &err), 0);
	assert_false(ok);
	assert_int_equal(lic_transfer_verify(other, "ABC12345", 1, 500, tr, &ok, &err), 0);
	assert_false(ok);
	assert_int_equal(lic_transfer_verify(dk, "ABC12345", 2, 500, tr, &ok, &err), 0);
	assert_false(ok);
	assert_int_equal(lic_transfer_verify(dk, "ABC12345", 1, 501, tr, &ok, &err), 0);
	assert_false(ok);
	char tr8[LIC_TEXT];
	assert_int_equal(lic_transfer_issue(dk, "ABC12345", 1, 500, 8, tr8, &err), 0);
	assert_string_not_equal(tr, tr8);
	assert_int_equal(lic_transfer_issue(dk, "ABC12345", 1, 500, 10000, tr8, &err), -1);
}

/* Whole numbers: every single-digit typo and every adjacent transposition,
 * across group boundaries too, is caught and its group named. */
static void
test_license__transfer_typos_named(void **state)
{
	(void)state;
	unsigned char dk[32];
	struct svc_err err = { 0 };
	char tr[LIC_TEXT], raw[LIC_CHARS + 1], bad[LIC_CHARS + 1], grp[32];
	uint32_t seed = 777;

	devkey("ABC12345", dk);
	for (int n = 0; n < 300; n++) {
		assert_int_equal(lic_transfer_issue(dk, "ABC12345", 1 + rnd(&seed) % 8,
						    1 + rnd(&seed) % LIC_NUMBER_MAX,
						    rnd(&seed) % 10000, tr, &err),
				 0);
		strip(tr, raw);
		for (int p = 0; p < LIC_CHARS; p++) {
			for (char c = '0'; c <= '9'; c++) {
				if (c == raw[p])
					continue;
				memcpy(bad, raw, sizeof bad);
				bad[p] = c;
				snprintf(grp, sizeof grp, "group %d ", p / 4 + 1);
				expect_group("transfer", bad, grp);
			}
			if (p + 1 < LIC_CHARS && raw[p] != raw[p + 1]) {
				memcpy(bad, raw, sizeof bad);
				bad[p] = raw[p + 1];
				bad[p + 1] = raw[p];
				snprintf(grp, sizeof grp, "%d ('", (p + 1) / 4 + 1);
				expect_group("transfer", bad, grp);
			}
		}
	}
	expect_group("transfer", "1234 5678", "expected 24 digits");
	expect_group("transfer", "1234-5678-9012-3456-7890-123A", "'A' in group 6");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_license__options_table),
		cmocka_unit_test(test_license__device_key_per_serial),
		cmocka_unit_test(test_license__key_roundtrip),
		cmocka_unit_test(test_license__key_check_exhaustive),
		cmocka_unit_test(test_license__key_typos_named),
		cmocka_unit_test(test_license__key_altered_fails_tag),
		cmocka_unit_test(test_license__transfer_check_exhaustive),
		cmocka_unit_test(test_license__transfer_roundtrip_and_binding),
		cmocka_unit_test(test_license__transfer_typos_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
