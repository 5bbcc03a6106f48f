/*
 * The license scheme, shared by the device and the license server (LMS):
 * the options table, the per-device key, license keys and license
 * transfer numbers. Pure computation: no store, no I/O.
 *
 * License key: 24 characters from a 32-symbol alphabet without 0, 1, I
 * and O, shown as 6 groups of 4 ("ABCD-EFGH-..."). Each group holds 3 data
 * symbols and 1 check symbol (a weighted sum over GF(32) that also binds
 * the group's position), so a mistyped character, two swapped neighbours
 * or a group entered in the wrong place is caught and the group named.
 * The 90 data bits: format version (2), option code (5), license number
 * (20), serial fingerprint (7), and a 56-bit HMAC-SHA-256 tag under the
 * device key over version, option, license number and the full serial.
 *
 * Transfer number: 24 digits, 6 groups of 4, each 3 data digits and a
 * Verhoeff check digit computed with the group's position in front. The 18
 * data digits are the invalidation counter (4) and a 14-digit HMAC-SHA-256
 * value under the device key over serial, option, license number and
 * counter.
 *
 * Device key: HMAC-SHA-256(vendor secret, label || serial), made by the
 * LMS; the device holds only its own.
 *
 * Errors: -1 with EX_DATAERR and a message naming the wrong group(s) for a
 * mistyped key or number; EX_SOFTWARE if OpenSSL fails.
 */
#ifndef SVC_LICENSE_SCHEME_H
#define SVC_LICENSE_SCHEME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

#define LIC_DEVKEY_LEN 32
#define LIC_GROUPS 6
#define LIC_CHARS 24 /* symbols (key) or digits (transfer number) */
#define LIC_TEXT 30  /* 24 + 5 dashes + NUL */
#define LIC_NUMBER_MAX 0xFFFFFu
#define LIC_COUNTER_MAX 9999u
#define LIC_KEY_VERSION 1
#define LIC_TAG_BITS 56
#define LIC_TR_MAC_DIGITS 14

/* The alphabet of license keys, in symbol order. */
extern const char lic_alphabet[33];

/*
 * The demo vendor secret: what the quick start, the demo store and the
 * tests use. Published in the documentation, so it protects nothing: a
 * production LMS has its own secret and provisions devices with init-store
 * --device-key-file or svcmode license provision. A build with
 * SVC_DEMO_KEY=0 (the Debian package: cmake -DSVC_DEMO_KEY=OFF) carries
 * no demo secret: lic_demo_secret is "" and lic_demo_key is false, and a
 * store without a device key refuses licensing until it is provisioned.
 */
extern const char lic_demo_secret[];
extern const bool lic_demo_key;

/* One row of the options table. */
struct lic_option {
	int code;                /* 1-31, carried in the key */
	const char *name;        /* "SEND" */
	const char *description; /* "Universal Send" */
	const char *master;      /* option it depends on, or NULL */
	bool on_device;          /* offered by this model (iR5570) */
};

/* Iterates the table: index 0, 1, ... until NULL. */
const struct lic_option *lic_option_at(int i);
/* By name (case-insensitive) or code; NULL if unknown. */
const struct lic_option *lic_option_find(const char *name);
const struct lic_option *lic_option_by_code(int code);

/* The per-device key from the vendor secret and the serial number. */
int lic_device_key(const void *secret, size_t len, const char *serial,
		   unsigned char out[LIC_DEVKEY_LEN], struct svc_err *err);

/* The fields of a license key. */
struct lic_key {
	unsigned version;     /* 2 bits */
	unsigned option;      /* 5 bits: lic_option code */
	uint32_t number;      /* 20 bits: license number */
	unsigned fingerprint; /* 7 bits: of the serial */
	uint64_t tag;         /* 56 bits */
};

/* 7-bit fingerprint of a serial: sorts "key for another device" from
 * "altered key"; the tag is what authenticates. */
unsigned lic_serial_fingerprint(const char *serial);

/* Issues the key for OPTION (code) and NUMBER on SERIAL. */
int lic_key_issue(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, unsigned option,
		  uint32_t number, char out[LIC_TEXT], struct svc_err *err);
/* Encodes fields as they are (tests make altered keys with it). */
void lic_key_format(const struct lic_key *k, char out[LIC_TEXT]);
/*
 * Decodes TEXT (case-insensitive; spaces and dashes ignored): 24 symbols,
 * every group's check symbol right. Does not verify the tag. *out is zeroed
 * on failure.
 */
int lic_key_parse(const char *text, struct lic_key *out, struct svc_err *err);
/* Whether K's tag is right for SERIAL under DK (constant time). */
int lic_key_verify(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial,
		   const struct lic_key *k, bool *ok, struct svc_err *err);

/* The transfer number for an invalidation. */
int lic_transfer_issue(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, unsigned option,
		       uint32_t number, unsigned counter, char out[LIC_TEXT], struct svc_err *err);
/* Checks TEXT's format and check digits; gives the counter and MAC value. */
int lic_transfer_parse(const char *text, unsigned *counter, uint64_t *mac, struct svc_err *err);
/* Whether TEXT (already parsed) is the number for these fields. */
int lic_transfer_verify(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, unsigned option,
			uint32_t number, const char *text, bool *ok, struct svc_err *err);

/* Check symbols and digits, for the exhaustive tests. */
/* Check symbol (value 0-31) of a group's three data symbols at GROUP (0-5). */
unsigned lic_group_check(unsigned group, const unsigned v[3]);
/* True if the four digits of group GROUP (0-5) check. */
bool lic_digits_check(unsigned group, const char d[4]);

#endif
