#include "license/scheme.h"

#include <ctype.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/err_openssl.h"
#include "util/strbuf.h"

/* No 0/O, 1/I: nothing that reads alike over the phone or on a panel. */
const char lic_alphabet[33] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

#if SVC_DEMO_KEY
const char lic_demo_secret[] = "svcmode demo vendor secret v1 - published, protects nothing";
const bool lic_demo_key = true;
#else
const char lic_demo_secret[] = "";
const bool lic_demo_key = false;
#endif

/* The options table: one row per option, the master named by its name. */
static const struct lic_option options[] = {
	{ 1, "SEND", "Universal Send", NULL, true },
	{ 2, "SPDF", "Searchable PDF", "SEND", true },
	{ 3, "PCL", "PCL printer", NULL, true },
	{ 4, "PS", "PostScript printer", NULL, true },
	{ 5, "ERDS", "Embedded Remote Diagnostic System", NULL, true },
	{ 6, "EAM", "Embedded Access Management", NULL, true },
	{ 7, "ELA", "Embedded Log Agent", NULL, true },
	{ 8, "BRDIM", "Barcode Direct Image Printing", NULL, true },
	/* Known to the LMS for other models, not offered by this one. */
	{ 9, "FAX2", "Second fax line (other models)", NULL, false },
	{ 10, "HDDE", "HDD data encryption (other models)", NULL, false },
};
#define NOPTIONS (sizeof options / sizeof options[0])

const struct lic_option *
lic_option_at(int i)
{
	return i >= 0 && (size_t)i < NOPTIONS ? &options[i] : NULL;
}

const struct lic_option *
lic_option_find(const char *name)
{
	for (size_t i = 0; name && i < NOPTIONS; i++)
		if (strcasecmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

const struct lic_option *
lic_option_by_code(int code)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (options[i].code == code)
			return &options[i];
	return NULL;
}

/* --- HMAC -------------------------------------------------------------- */

static int
hmac256(const void *key, size_t keylen, const void *msg, size_t len, unsigned char out[32],
	struct svc_err *err)
{
	size_t outlen = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, keylen, msg, len, out, 32,
		      &outlen) == NULL ||
	    outlen != 32)
		return svc_err_openssl_failed(err, "HMAC-SHA-256");
	return 0;
}

/* Message: LABEL NUL SERIAL NUL then big-endian fields. */
static size_t
message(unsigned char *buf, size_t cap, const char *label, const char *serial,
	const uint32_t *fields, int nfields)
{
	size_t n = 0, l = strlen(label) + 1, s = strlen(serial) + 1;

	if (l + s + 4 * (size_t)nfields > cap)
		return 0;
	memcpy(buf, label, l);
	n = l;
	memcpy(buf + n, serial, s);
	n += s;
	for (int i = 0; i < nfields; i++) {
		buf[n++] = (unsigned char)(fields[i] >> 24);
		buf[n++] = (unsigned char)(fields[i] >> 16);
		buf[n++] = (unsigned char)(fields[i] >> 8);
		buf[n++] = (unsigned char)fields[i];
	}
	return n;
}

int
lic_device_key(const void *secret, size_t len, const char *serial,
	       unsigned char out[LIC_DEVKEY_LEN], struct svc_err *err)
{
	unsigned char msg[96];
	size_t n = message(msg, sizeof msg, "svcmode license device key v1", serial, NULL, 0);

	if (n == 0)
		return svc_errf(err, EX_DATAERR, "serial number '%.20s' is too long", serial);
	return hmac256(secret, len, msg, n, out, err);
}

unsigned
lic_serial_fingerprint(const char *serial)
{
	unsigned char md[EVP_MAX_MD_SIZE], msg[96];
	unsigned mdlen = 0;
	size_t n = message(msg, sizeof msg, "svcmode license serial v1", serial, NULL, 0);

	if (n == 0 || EVP_Digest(msg, n, md, &mdlen, EVP_sha256(), NULL) != 1) {
		ERR_clear_error();
		return 0;
	}
	return md[0] >> 1;
}

static int
key_tag(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, const struct lic_key *k,
	uint64_t *tag, struct svc_err *err)
{
	uint32_t f[3] = { k->version, k->option, k->number };
	unsigned char msg[96], mac[32];
	size_t n = message(msg, sizeof msg, "svcmode license key v1", serial, f, 3);

	*tag = 0;
	if (n == 0)
		return svc_errf(err, EX_DATAERR, "serial number '%.20s' is too long", serial);
	if (hmac256(dk, LIC_DEVKEY_LEN, msg, n, mac, err) != 0)
		return -1;
	for (int i = 0; i < LIC_TAG_BITS / 8; i++)
		*tag = *tag << 8 | mac[i];
	OPENSSL_cleanse(mac, sizeof mac);
	return 0;
}

/* --- check symbols: GF(32) -------------------------------------------- */

/* Multiplication in GF(2^5) modulo x^5 + x^2 + 1. */
static unsigned
gf32_mul(unsigned a, unsigned b)
{
	unsigned r = 0;

	for (int i = 0; i < 5; i++) {
		if (b & 1)
			r ^= a;
		b >>= 1;
		a <<= 1;
		if (a & 0x20)
			a ^= 0x25;
	}
	return r & 0x1f;
}

/*
 * A group v0 v1 v2 c checks when 8*v0 + 4*v1 + 2*v2 + 1*c = GROUP + 1 in
 * GF(32). The weights are distinct and non-zero, so one changed symbol
 * changes the sum by w*(a+b) != 0, and two swapped neighbours by
 * (w_i + w_i+1)*(a + b) != 0: both always caught. The right-hand side
 * differs per group, so a group typed in another group's place fails too.
 */
static const unsigned weights[4] = { 8, 4, 2, 1 };

unsigned
lic_group_check(unsigned group, const unsigned v[3])
{
	unsigned s = group + 1;

	for (int i = 0; i < 3; i++)
		s ^= gf32_mul(weights[i], v[i] & 0x1f);
	return s;
}

static bool
group_ok(unsigned group, const unsigned v[4])
{
	unsigned s = 0;

	for (int i = 0; i < 4; i++)
		s ^= gf32_mul(weights[i], v[i]);
	return s == group + 1;
}

/* --- Verhoeff check digits -------------------------------------------- */

/* The dihedral group D5: multiplication, position permutation (row i is
 * row 1 applied i times), inverse
 * (J. Verhoeff, Error Detecting Decimal Codes, 1969). */
static const unsigned char vh_d[10][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 2, 3, 4, 0, 6, 7, 8, 9, 5 },
	{ 2, 3, 4, 0, 1, 7, 8, 9, 5, 6 }, { 3, 4, 0, 1, 2, 8, 9, 5, 6, 7 },
	{ 4, 0, 1, 2, 3, 9, 5, 6, 7, 8 }, { 5, 9, 8, 7, 6, 0, 4, 3, 2, 1 },
	{ 6, 5, 9, 8, 7, 1, 0, 4, 3, 2 }, { 7, 6, 5, 9, 8, 2, 1, 0, 4, 3 },
	{ 8, 7, 6, 5, 9, 3, 2, 1, 0, 4 }, { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0 },
};
static const unsigned char vh_p[8][10] = {
	{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, { 1, 5, 7, 6, 2, 8, 3, 0, 9, 4 },
	{ 5, 8, 0, 3, 7, 9, 6, 1, 4, 2 }, { 8, 9, 1, 6, 0, 4, 3, 5, 2, 7 },
	{ 9, 4, 5, 3, 1, 2, 6, 8, 7, 0 }, { 4, 2, 8, 6, 5, 7, 3, 9, 0, 1 },
	{ 2, 7, 9, 3, 8, 0, 6, 4, 1, 5 }, { 7, 0, 4, 6, 9, 1, 3, 2, 5, 8 },
};
static const unsigned char vh_inv[10] = { 0, 4, 3, 2, 1, 5, 6, 7, 8, 9 };

/* Check digit of GROUP+1 followed by the three data digits. */
static unsigned
vh_check(unsigned group, const char d[3])
{
	unsigned seq[4] = { group + 1, (unsigned)(d[0] - '0'), (unsigned)(d[1] - '0'),
			    (unsigned)(d[2] - '0') };
	unsigned c = 0;

	for (int i = 0; i < 4; i++)
		c = vh_d[c][vh_p[(i + 1) % 8][seq[3 - i]]];
	return vh_inv[c];
}

bool
lic_digits_check(unsigned group, const char d[4])
{
	unsigned seq[5] = { group + 1, 0, 0, 0, 0 };
	unsigned c = 0;

	for (int i = 0; i < 4; i++) {
		if (d[i] < '0' || d[i] > '9')
			return false;
		seq[i + 1] = (unsigned)(d[i] - '0');
	}
	for (int i = 0; i < 5; i++)
		c = vh_d[c][vh_p[i % 8][seq[4 - i]]];
	return c == 0;
}

/* --- text -------------------------------------------------------------- */

/* Uppercases TEXT into out[LIC_CHARS], dropping spaces and dashes.
 * Returns the number of characters seen (may exceed LIC_CHARS). */
static size_t
normalize(const char *text, char out[LIC_CHARS])
{
	size_t n = 0;

	for (const char *s = text; *s; s++) {
		if (*s == ' ' || *s == '-' || *s == '\t')
			continue;
		if (n < LIC_CHARS)
			out[n] = (char)toupper((unsigned char)*s);
		n++;
	}
	return n;
}

static void
grouped(const char raw[LIC_CHARS], char out[LIC_TEXT])
{
	size_t n = 0;

	for (int i = 0; i < LIC_CHARS; i++) {
		if (i && i % 4 == 0)
			out[n++] = '-';
		out[n++] = raw[i];
	}
	out[n] = '\0';
}

/* "group 3 ('ABCD')" or "groups 2 ('..') and 5 ('..')": the bad groups. */
static int
bad_groups(struct svc_err *err, const char *what, const char raw[LIC_CHARS], unsigned mask)
{
	struct strbuf sb = STRBUF_INIT;
	int nbad = 0, seen = 0;

	for (int g = 0; g < LIC_GROUPS; g++)
		nbad += (int)((mask >> g) & 1u);
	sb_addf(&sb, "group%s ", nbad > 1 ? "s" : "");
	for (int g = 0; g < LIC_GROUPS; g++) {
		if (!((mask >> g) & 1))
			continue;
		if (seen++)
			sb_adds(&sb, seen == nbad ? " and " : ", ");
		sb_addf(&sb, "%d ('%.4s')", g + 1, raw + 4 * (size_t)g);
	}
	svc_errf(err, EX_DATAERR, "wrong %s: %s do%s not check: mistyped? Read %s again", what,
		 sb_str(&sb), nbad > 1 ? "" : "es", nbad > 1 ? "them" : "it");
	sb_release(&sb);
	return -1;
}

/* 90 data bits, most significant first, in 18 five-bit symbols. */
static void
put_bits(unsigned char *bits, unsigned *pos, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++, (*pos)++)
		if ((v >> (n - 1 - i)) & 1)
			bits[*pos / 8] |= (unsigned char)(0x80 >> (*pos % 8));
}

static uint64_t
get_bits(const unsigned char *bits, unsigned *pos, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++, (*pos)++)
		v = v << 1 | ((bits[*pos / 8] >> (7 - *pos % 8)) & 1);
	return v;
}

void
lic_key_format(const struct lic_key *k, char out[LIC_TEXT])
{
	unsigned char bits[12] = { 0 };
	unsigned pos = 0, sym[18];
	char raw[LIC_CHARS];

	put_bits(bits, &pos, k->version & 3, 2);
	put_bits(bits, &pos, k->option & 0x1f, 5);
	put_bits(bits, &pos, k->number & LIC_NUMBER_MAX, 20);
	put_bits(bits, &pos, k->fingerprint & 0x7f, 7);
	put_bits(bits, &pos, k->tag & ((UINT64_C(1) << LIC_TAG_BITS) - 1), LIC_TAG_BITS);
	pos = 0;
	for (int i = 0; i < 18; i++)
		sym[i] = (unsigned)get_bits(bits, &pos, 5);
	for (size_t g = 0; g < LIC_GROUPS; g++) {
		for (int i = 0; i < 3; i++)
			raw[4 * g + (size_t)i] = lic_alphabet[sym[3 * g + (size_t)i]];
		raw[4 * g + 3] = lic_alphabet[lic_group_check((unsigned)g, &sym[3 * g])];
	}
	grouped(raw, out);
}

int
lic_key_issue(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, unsigned option,
	      uint32_t number, char out[LIC_TEXT], struct svc_err *err)
{
	struct lic_key k = { LIC_KEY_VERSION, option, number, lic_serial_fingerprint(serial), 0 };

	out[0] = '\0';
	if (option < 1 || option > 31 || number < 1 || number > LIC_NUMBER_MAX)
		return svc_errf(err, EX_SOFTWARE,
				"license field out of range (option %u, "
				"number %" PRIu32 ")",
				option, number);
	if (key_tag(dk, serial, &k, &k.tag, err) != 0)
		return -1;
	lic_key_format(&k, out);
	return 0;
}

int
lic_key_parse(const char *text, struct lic_key *out, struct svc_err *err)
{
	unsigned char bits[12] = { 0 };
	unsigned v[LIC_CHARS], pos = 0, mask = 0;
	char raw[LIC_CHARS];
	size_t n = normalize(text, raw);

	memset(out, 0, sizeof *out);
	if (n != LIC_CHARS)
		return svc_errf(err, EX_DATAERR,
				"wrong key: expected 24 characters (6 groups of "
				"4), got %zu",
				n);
	for (int i = 0; i < LIC_CHARS; i++) {
		const char *p = strchr(lic_alphabet, raw[i]);
		if (raw[i] == '\0' || p == NULL)
			return svc_errf(err, EX_DATAERR,
					"wrong key: '%c' in group %d is not a key "
					"character (keys never use 0, 1, I or O)",
					isprint((unsigned char)raw[i]) ? raw[i] : '?', i / 4 + 1);
		v[i] = (unsigned)(p - lic_alphabet);
	}
	for (size_t g = 0; g < LIC_GROUPS; g++)
		if (!group_ok((unsigned)g, &v[4 * g]))
			mask |= 1u << g;
	if (mask)
		return bad_groups(err, "key", raw, mask);
	for (size_t g = 0; g < LIC_GROUPS; g++)
		for (unsigned i = 0; i < 3; i++)
			put_bits(bits, &pos, v[4 * g + i], 5);
	pos = 0;
	out->version = (unsigned)get_bits(bits, &pos, 2);
	out->option = (unsigned)get_bits(bits, &pos, 5);
	out->number = (uint32_t)get_bits(bits, &pos, 20);
	out->fingerprint = (unsigned)get_bits(bits, &pos, 7);
	out->tag = get_bits(bits, &pos, LIC_TAG_BITS);
	if (out->version != LIC_KEY_VERSION) {
		memset(out, 0, sizeof *out);
		return svc_errf(err, EX_DATAERR,
				"wrong key: key format %u is not known to this "
				"svcmode",
				(unsigned)(v[0] >> 3));
	}
	return 0;
}

int
lic_key_verify(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, const struct lic_key *k,
	       bool *ok, struct svc_err *err)
{
	uint64_t want;
	unsigned char a[8], b[8];

	*ok = false;
	if (key_tag(dk, serial, k, &want, err) != 0)
		return -1;
	for (int i = 0; i < 8; i++) {
		a[i] = (unsigned char)(want >> (8 * i));
		b[i] = (unsigned char)(k->tag >> (8 * i));
	}
	*ok = CRYPTO_memcmp(a, b, sizeof a) == 0;
	return 0;
}

/* --- transfer numbers ------------------------------------------------- */

static int
transfer_mac(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, unsigned option,
	     uint32_t number, unsigned counter, uint64_t *out, struct svc_err *err)
{
	uint32_t f[3] = { option, number, counter };
	unsigned char msg[96], mac[32];
	size_t n = message(msg, sizeof msg, "svcmode license transfer v1", serial, f, 3);
	uint64_t v = 0;

	*out = 0;
	if (n == 0)
		return svc_errf(err, EX_DATAERR, "serial number '%.20s' is too long", serial);
	if (hmac256(dk, LIC_DEVKEY_LEN, msg, n, mac, err) != 0)
		return -1;
	for (int i = 0; i < 8; i++)
		v = v << 8 | mac[i];
	OPENSSL_cleanse(mac, sizeof mac);
	*out = v % UINT64_C(100000000000000); /* 10^14; bias below 10^-5 */
	return 0;
}

int
lic_transfer_issue(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, unsigned option,
		   uint32_t number, unsigned counter, char out[LIC_TEXT], struct svc_err *err)
{
	char data[19], raw[LIC_CHARS];
	uint64_t mac;

	out[0] = '\0';
	if (counter > LIC_COUNTER_MAX)
		return svc_errf(err, EX_SOFTWARE, "invalidation counter %u beyond %u", counter,
				LIC_COUNTER_MAX);
	if (transfer_mac(dk, serial, option, number, counter, &mac, err) != 0)
		return -1;
	snprintf(data, sizeof data, "%04u%014" PRIu64, counter, mac);
	for (size_t g = 0; g < LIC_GROUPS; g++) {
		memcpy(raw + 4 * g, data + 3 * g, 3);
		raw[4 * g + 3] = (char)('0' + vh_check((unsigned)g, data + 3 * g));
	}
	grouped(raw, out);
	return 0;
}

int
lic_transfer_parse(const char *text, unsigned *counter, uint64_t *mac, struct svc_err *err)
{
	char raw[LIC_CHARS], data[19];
	size_t n = normalize(text, raw);
	unsigned mask = 0;

	*counter = 0;
	*mac = 0;
	if (n != LIC_CHARS)
		return svc_errf(err, EX_DATAERR,
				"wrong transfer number: expected 24 digits (6 "
				"groups of 4), got %zu characters",
				n);
	for (int i = 0; i < LIC_CHARS; i++)
		if (raw[i] < '0' || raw[i] > '9')
			return svc_errf(err, EX_DATAERR,
					"wrong transfer number: '%c' in group %d "
					"is not a digit",
					isprint((unsigned char)raw[i]) ? raw[i] : '?', i / 4 + 1);
	for (size_t g = 0; g < LIC_GROUPS; g++) {
		if (!lic_digits_check((unsigned)g, raw + 4 * g))
			mask |= 1u << g;
		memcpy(data + 3 * g, raw + 4 * g, 3);
	}
	if (mask)
		return bad_groups(err, "transfer number", raw, mask);
	for (int i = 0; i < 4; i++)
		*counter = *counter * 10 + (unsigned)(data[i] - '0');
	for (int i = 4; i < 18; i++)
		*mac = *mac * 10 + (uint64_t)(data[i] - '0');
	return 0;
}

int
lic_transfer_verify(const unsigned char dk[LIC_DEVKEY_LEN], const char *serial, unsigned option,
		    uint32_t number, const char *text, bool *ok, struct svc_err *err)
{
	unsigned counter;
	uint64_t given, want;
	unsigned char a[8], b[8];

	*ok = false;
	if (lic_transfer_parse(text, &counter, &given, err) != 0 ||
	    transfer_mac(dk, serial, option, number, counter, &want, err) != 0)
		return -1;
	for (int i = 0; i < 8; i++) {
		a[i] = (unsigned char)(want >> (8 * i));
		b[i] = (unsigned char)(given >> (8 * i));
	}
	*ok = CRYPTO_memcmp(a, b, sizeof a) == 0;
	return 0;
}
