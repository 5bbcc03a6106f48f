/* Free text as the device accepts it: valid UTF-8, no control characters. */
#ifndef SVC_TEXT_H
#define SVC_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * True if S is valid UTF-8 (shortest form, no surrogates, at most
 * U+10FFFF) holding no C0 or C1 control character and no DEL: text that
 * can be printed on a terminal, in a log or in JSON without changing it.
 */
bool text_is_clean(const char *s);
/* A device serial number: three capitals and five digits (ABC12345), as
 * the device, its store and the license server all write it. */
bool text_is_serial(const char *s);
/* Where the first offending byte is, for the message (0-based). */
size_t text_bad_offset(const char *s);

#endif
