/*
 * Hexadecimal text: digests, keys and random names as hex, and hex read
 * back. The one place the digit table lives.
 */
#ifndef SVC_HEX_H
#define SVC_HEX_H

#include <stdbool.h>
#include <stddef.h>

/* OUT (2 * N + 1 bytes) gets the N bytes of IN as lower-case hex. */
void hex_encode(const void *in, size_t n, char *out);
/* The same in upper case ("AB12"), as certificate fingerprints are shown. */
void hex_encode_upper(const void *in, size_t n, char *out);
/* The value of one hex digit, either case; -1 for any other character. */
int hex_digit(int c);
/* Reads the first 2 * N characters of IN (hex, either case) into OUT's N
 * bytes; -1 at the first character that is not a hex digit (OUT is then
 * partly written). What follows them is the caller's to check. */
int hex_decode(const char *in, void *out, size_t n);
/* S is exactly LEN lower-case hex digits. */
bool hex_is_lower(const char *s, size_t len);

#endif
