/* Validation and normalization of setting values, one function per type. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog/catalog.h"
#include "util/hex.h"
#include "util/text.h"

typedef int (*parse_fn)(const struct cat_entry *e, const char *in, struct strbuf *out);

static int
p_bool(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	static const char *const on[] = { "on", "true", "1", "yes" };
	static const char *const off[] = { "off", "false", "0", "no" };

	(void)e;
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(in, on[i]) == 0) {
			sb_adds(out, "ON");
			return 0;
		}
		if (strcasecmp(in, off[i]) == 0) {
			sb_adds(out, "OFF");
			return 0;
		}
	}
	return -1;
}

static int
p_int(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	char *end;
	long v;

	if (*in == '\0' || strlen(in) > 12)
		return -1;
	for (const char *s = in + (*in == '-'); *s; s++)
		if (!isdigit((unsigned char)*s))
			return -1;
	errno = 0;
	v = strtol(in, &end, 10);
	if (errno || *end || v < e->min || v > e->max)
		return -1;
	sb_addf(out, "%ld", v);
	return 0;
}

static int
p_enum(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	for (int i = 0; i < e->nchoices; i++) {
		if (strcasecmp(in, e->choices[i]) == 0) {
			sb_adds(out, e->choices[i]);
			return 0;
		}
	}
	return -1;
}

/* Characters (code points) of clean UTF-8 text. */
static size_t
chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Free text: valid UTF-8 without control characters, so that no value can
 * put terminal controls on a screen, in a log or in JSON. */
static int
p_string(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	if (!text_is_clean(in) || chars(in) > (size_t)e->max ||
	    (e->max_bytes && strlen(in) > (size_t)e->max_bytes))
		return -1;
	sb_adds(out, in);
	return 0;
}

/* RFC 1123 host name: labels of letters, digits and hyphens. */
static bool
valid_hostname(const char *s, size_t max)
{
	size_t len = strlen(s), label = 0;

	if (len == 0 || len > max || len > 253)
		return false;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0 || label > 63 || p[-1] == '-')
				return false;
			if (*p == '\0')
				return true;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && !(*p == '-' && label > 0))
			return false;
		label++;
	}
}

static int
parse_ipv4(const char *in, unsigned char q[4])
{
	const char *s = in;

	for (int i = 0; i < 4; i++) {
		int v = 0, digits = 0;
		while (isdigit((unsigned char)*s) && digits < 4) {
			v = v * 10 + (*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return -1;
		q[i] = (unsigned char)v;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

static int
p_ipv4(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	unsigned char q[4];

	(void)e;
	if (parse_ipv4(in, q) != 0)
		return -1;
	sb_addf(out, "%u.%u.%u.%u", q[0], q[1], q[2], q[3]);
	return 0;
}

static int
p_host(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	unsigned char q[4];

	if (*in == '\0') {
		sb_adds(out, "");
		return 0;
	}
	if (parse_ipv4(in, q) == 0)
		return p_ipv4(e, in, out);
	if (!valid_hostname(in, (size_t)e->max))
		return -1;
	/* All-numeric dotted names would be mistaken for addresses. */
	if (strspn(in, "0123456789.") == strlen(in))
		return -1;
	for (const char *s = in; *s; s++)
		sb_addc(out, (char)tolower((unsigned char)*s));
	return 0;
}

static int
p_email(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	const char *at = strrchr(in, '@');

	if (*in == '\0') {
		sb_adds(out, "");
		return 0;
	}
	if (at == NULL || at == in || strlen(in) > 254 || (size_t)(at - in) > 64)
		return -1;
	for (const char *s = in; s < at; s++)
		if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-/=?^_`{|}~.", *s))
			return -1;
	if (in[0] == '.' || at[-1] == '.' || strstr(in, "..") != NULL)
		return -1;
	if (!valid_hostname(at + 1, 253) || strchr(at + 1, '.') == NULL)
		return -1;
	(void)e;
	sb_adds(out, in);
	return 0;
}

/* Accepts 00:1e:8f:12:34:56, 00-1E-8F-12-34-56, 001e.8f12.3456, 001E8F123456. */
static int
p_mac(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	char hex[13];
	size_t n = 0, len = strlen(in);
	char sep = 0;

	(void)e;
	if (len == 17) {
		sep = in[2];
		if (sep != ':' && sep != '-')
			return -1;
		for (size_t i = 0; i < len; i++)
			if ((i % 3 == 2) != (in[i] == sep))
				return -1;
	} else if (len == 14) {
		sep = '.';
		if (in[4] != '.' || in[9] != '.')
			return -1;
	} else if (len != 12) {
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (in[i] == sep)
			continue;
		if (hex_digit((unsigned char)in[i]) < 0 || n == 12)
			return -1;
		hex[n++] = (char)toupper((unsigned char)in[i]);
	}
	if (n != 12)
		return -1;
	for (size_t i = 0; i < 12; i += 2)
		sb_addf(out, "%s%c%c", i ? ":" : "", hex[i], hex[i + 1]);
	return 0;
}

/* Digits, at most max, left-padded with zeros; all zeros refused. */
static int
p_pin(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	size_t len = strlen(in);
	bool nonzero = false;

	if (len == 0 || len > (size_t)e->max)
		return -1;
	for (const char *s = in; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		nonzero |= *s != '0';
	}
	if (!nonzero)
		return -1;
	for (size_t i = len; i < (size_t)e->max; i++)
		sb_addc(out, '0');
	sb_adds(out, in);
	return 0;
}

/* A Linux network interface name (what the kernel's dev_valid_name takes,
 * narrowed to printable ASCII without '"', so that the name can stand
 * quoted in an nftables ruleset), or empty: "the interface of the default
 * route". */
static int
p_iface(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	size_t len = strlen(in);

	(void)e;
	if (len > 15 || strcmp(in, ".") == 0 || strcmp(in, "..") == 0)
		return -1;
	for (const unsigned char *s = (const unsigned char *)in; *s; s++)
		if (*s <= ' ' || *s > '~' || strchr("/:\"", *s))
			return -1;
	sb_adds(out, in);
	return 0;
}

static const struct {
	char unit;
	int64_t secs;
} period_units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 } };

int
catalog_period_parse(const char *in, int64_t max, int64_t *secs)
{
	int64_t v = 0;
	const char *s = in;

	*secs = 0;
	if (strcasecmp(in, "off") == 0 || strcmp(in, "0") == 0)
		return 0;
	for (; isdigit((unsigned char)*s) && s - in < 6; s++)
		v = v * 10 + (*s - '0');
	if (s == in || v < 1 || s[0] == '\0' || s[1] != '\0')
		return -1;
	for (size_t i = 0; i < sizeof period_units / sizeof period_units[0]; i++) {
		if (tolower((unsigned char)*s) == period_units[i].unit &&
		    v * period_units[i].secs <= max) {
			*secs = v * period_units[i].secs;
			return 0;
		}
	}
	return -1;
}

void
catalog_period_format(int64_t secs, struct strbuf *out)
{
	if (secs <= 0) {
		sb_adds(out, "OFF");
		return;
	}
	for (size_t i = 0; i < sizeof period_units / sizeof period_units[0]; i++) {
		if (secs % period_units[i].secs == 0) {
			sb_addf(out, "%lld%c", (long long)(secs / period_units[i].secs),
				period_units[i].unit);
			return;
		}
	}
	sb_addf(out, "%llds", (long long)secs);
}

/* OFF, or minutes, hours or days up to max days; written in the largest
 * whole unit (90m stays 90m, 24h becomes 1d). */
static int
p_period(const struct cat_entry *e, const char *in, struct strbuf *out)
{
	int64_t secs;

	if (catalog_period_parse(in, (int64_t)e->max * 86400, &secs) != 0)
		return -1;
	catalog_period_format(secs, out);
	return 0;
}

int
catalog_choice_index(const struct cat_entry *e, const char *canon)
{
	for (int i = 0; i < e->nchoices; i++)
		if (strcmp(canon, e->choices[i]) == 0)
			return i;
	return -1;
}

bool
catalog_value_bool(const char *canon)
{
	return strcmp(canon, "ON") == 0;
}

const char *
catalog_bool_text(bool on)
{
	return on ? "ON" : "OFF";
}

static const struct {
	parse_fn parse;
	const char *expected; /* printf format taking (min, max), or (max) */
	int nargs;
} types[] = {
	[CT_BOOL] = { p_bool, "ON or OFF", 0 },
	[CT_INT] = { p_int, "an integer %ld-%ld", 2 },
	[CT_ENUM] = { p_enum, NULL, 0 },
	[CT_STRING] = { p_string,
			"printable text (UTF-8, no control characters) of at most %ld characters",
			1 },
	[CT_SECRET] = { p_string,
			"printable text (UTF-8, no control characters) of at most %ld characters",
			1 },
	[CT_HOST] = { p_host, "a host name or IPv4 address (at most %ld characters), or empty", 1 },
	[CT_PORT] = { p_int, "an integer %ld-%ld", 2 },
	[CT_EMAIL] = { p_email, "an e-mail address like name@example.com, or empty", 0 },
	[CT_IPV4] = { p_ipv4, "an IPv4 address like 192.168.0.10", 0 },
	[CT_MAC] = { p_mac, "a MAC address like 00:1E:8F:12:34:56", 0 },
	[CT_PIN] = { p_pin, "digits only, 1 to %ld of them, not all zeros", 1 },
	[CT_IFACE] = { p_iface,
		       "a network interface name like eth0 (1-15 characters, no '/', ':', '\"' "
		       "or whitespace, not '.' or '..'), or empty for the interface of the "
		       "default route",
		       0 },
	[CT_PERIOD] = { p_period,
			"OFF, or minutes, hours or days such as 30m, 12h, 3d (at most %ldd)", 1 },
};

void
catalog_expected(const struct cat_entry *e, struct strbuf *out)
{
	if (e->type == CT_ENUM) {
		sb_adds(out, "one of ");
		for (int i = 0; i < e->nchoices; i++)
			sb_addf(out, "%s'%s'", i ? ", " : "", e->choices[i]);
	} else if (types[e->type].nargs == 2)
		sb_addf(out, types[e->type].expected, e->min, e->max);
	else if (types[e->type].nargs == 1)
		sb_addf(out, types[e->type].expected, e->max);
	else
		sb_adds(out, types[e->type].expected);
	if (e->max_bytes)
		sb_addf(out, " and %ld bytes", e->max_bytes);
	if (e->empty_ok)
		sb_adds(out, ", or empty for none");
}

int
catalog_parse_value(const struct cat_entry *e, const char *input, struct strbuf *out,
		    struct svc_err *err)
{
	struct strbuf want = STRBUF_INIT;
	bool hidden = catalog_is_hidden(e);

	sb_reset(out);
	if (e->empty_ok && *input == '\0') {
		sb_adds(out, "");
		return 0;
	}
	if (types[e->type].parse(e, input, out) == 0)
		return 0;
	sb_reset(out);
	catalog_expected(e, &want);
	/* A secret's value is never echoed, not even a wrong one. */
	svc_errf(err, EX_DATAERR, "invalid value '%s' for %s: expected %s", hidden ? "***" : input,
		 e->key, want.buf);
	sb_release(&want);
	return -1;
}
