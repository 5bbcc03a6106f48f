#include "util/hex.h"

static void
encode(const char *digits, const void *in, size_t n, char *out)
{
	const unsigned char *b = in;

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

void
hex_encode(const void *in, size_t n, char *out)
{
	encode("0123456789abcdef", in, n, out);
}

void
hex_encode_upper(const void *in, size_t n, char *out)
{
	encode("0123456789ABCDEF", in, n, out);
}

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
hex_decode(const char *in, void *out, size_t n)
{
	unsigned char *b = out;

	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit((unsigned char)in[2 * i]);
		int lo = hi < 0 ? -1 : hex_digit((unsigned char)in[2 * i + 1]);

		if (lo < 0)
			return -1;
		b[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

bool
hex_is_lower(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (hex_digit((unsigned char)s[i]) < 0 || (s[i] >= 'A' && s[i] <= 'F'))
			return false;
	return s[len] == '\0';
}
