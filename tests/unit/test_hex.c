/* util/hex: encoding both cases, decoding, digits, and what is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/hex.h"

static void
encode_lower_and_upper(void **state)
{
	static const unsigned char b[] = { 0x00, 0x01, 0x7f, 0x80, 0xab, 0xff };
	char out[2 * sizeof b + 1];

	(void)state;
	memset(out, 'x', sizeof out);
	hex_encode(b, sizeof b, out);
	assert_string_equal(out, "00017f80abff");
	memset(out, 'x', sizeof out);
	hex_encode_upper(b, sizeof b, out);
	assert_string_equal(out, "00017F80ABFF");
}

static void
encode_nothing_is_empty(void **state)
{
	char out[1] = { 'x' };

	(void)state;
	hex_encode("", 0, out);
	assert_int_equal(out[0], '\0');
}

static void
digit_values(void **state)
{
	(void)state;
	assert_int_equal(hex_digit('0'), 0);
	assert_int_equal(hex_digit('9'), 9);
	assert_int_equal(hex_digit('a'), 10);
	assert_int_equal(hex_digit('F'), 15);
	assert_int_equal(hex_digit('g'), -1);
	assert_int_equal(hex_digit('G'), -1);
	assert_int_equal(hex_digit('/'), -1);
	assert_int_equal(hex_digit(':'), -1);
	assert_int_equal(hex_digit('@'), -1);
	assert_int_equal(hex_digit('`'), -1);
	assert_int_equal(hex_digit('\0'), -1);
	assert_int_equal(hex_digit(0xe9), -1);
}

static void
decode_round_trip_either_case(void **state)
{
	unsigned char in[32], out[32];
	char text[65];

	(void)state;
	for (size_t i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 37 + 5);
	hex_encode(in, sizeof in, text);
	memset(out, 0, sizeof out);
	assert_int_equal(hex_decode(text, out, sizeof out), 0);
	assert_memory_equal(in, out, sizeof in);
	hex_encode_upper(in, sizeof in, text);
	memset(out, 0, sizeof out);
	assert_int_equal(hex_decode(text, out, sizeof out), 0);
	assert_memory_equal(in, out, sizeof in);
}

static void
decode_reads_only_what_is_asked(void **state)
{
	unsigned char out[2] = { 0 };

	(void)state;
	/* The trailing text is the caller's to judge (a key file's newline). */
	assert_int_equal(hex_decode("a0B1\n", out, 2), 0);
	assert_int_equal(out[0], 0xa0);
	assert_int_equal(out[1], 0xb1);
}

static void
decode_refuses_non_hex(void **state)
{
	unsigned char out[2];

	(void)state;
	assert_int_equal(hex_decode("a0g1", out, 2), -1);
	assert_int_equal(hex_decode("a01", out, 2), -1); /* too short: the NUL */
	assert_int_equal(hex_decode("a0 1", out, 2), -1);
	assert_int_equal(hex_decode("", out, 1), -1);
}

static void
is_lower_exact_length(void **state)
{
	(void)state;
	assert_true(hex_is_lower("0123456789abcdef", 16));
	assert_false(hex_is_lower("0123456789ABCDEF", 16));
	assert_false(hex_is_lower("0123456789abcde", 16));   /* short */
	assert_false(hex_is_lower("0123456789abcdef0", 16)); /* long */
	assert_false(hex_is_lower("0123456789abcdeg", 16));
	assert_true(hex_is_lower("", 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(encode_lower_and_upper),
		cmocka_unit_test(encode_nothing_is_empty),
		cmocka_unit_test(digit_values),
		cmocka_unit_test(decode_round_trip_either_case),
		cmocka_unit_test(decode_reads_only_what_is_asked),
		cmocka_unit_test(decode_refuses_non_hex),
		cmocka_unit_test(is_lower_exact_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
