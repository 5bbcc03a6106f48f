#include "util/text.h"

#include <string.h>

/* Length of the UTF-8 sequence at S if it is valid and printable, else 0. */
static size_t
clean_char(const unsigned char *s)
{
	unsigned cp;
	size_t n;

	if (s[0] < 0x80)
		return (s[0] >= 0x20 && s[0] != 0x7f) ? 1 : 0;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1fu;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0fu;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07u;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3fu);
	}
	/* Overlong forms, surrogates, beyond Unicode, and the C1 controls. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

size_t
text_bad_offset(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p && (n = clean_char(p)) != 0)
		p += n;
	return (size_t)(p - (const unsigned char *)s);
}

bool
text_is_clean(const char *s)
{
	return s[text_bad_offset(s)] == '\0';
}

bool
text_is_serial(const char *s)
{
	if (s == NULL || strlen(s) != 8)
		return false;
	for (int i = 0; i < 8; i++)
		if (i < 3 ? (s[i] < 'A' || s[i] > 'Z') : (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}
