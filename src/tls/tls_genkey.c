/* Generating a key pair: the options (algorithm, hash, validity, subject),
 * the key, its self-signed certificate, and the factory default pair. */
#include "catalog/keys.h"
#include "tls/tls.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "access/seal.h"
#include "store/store_tls.h"
#include "tls/tls_int.h"
#include "util/err_openssl.h"
#include "util/text.h"

static const struct alg {
	const char *name;
	int rsa_bits; /* 0: EC */
	const char *curve;
	const char *label;
} algs[] = {
	{ "p256", 0, "P-256", "ECDSA P-256" }, { "p384", 0, "P-384", "ECDSA P-384" },
	{ "rsa2048", 2048, NULL, "RSA 2048" }, { "rsa3072", 3072, NULL, "RSA 3072" },
	{ "rsa4096", 4096, NULL, "RSA 4096" },
};

static int
alg_parse(const char *s, const struct alg **out, struct svc_err *err)
{
	char low[24];
	size_t j = 0;

	for (const char *p = s; *p && j + 1 < sizeof low; p++)
		if (*p != '-' && *p != '_')
			low[j++] = (char)tolower((unsigned char)*p);
	low[j] = '\0';
	if (strcmp(low, "ecdsa") == 0 || strcmp(low, "ec") == 0 || strcmp(low, "ecdsap256") == 0)
		snprintf(low, sizeof low, "p256");
	else if (strcmp(low, "ecdsap384") == 0)
		snprintf(low, sizeof low, "p384");
	else if (strcmp(low, "rsa") == 0)
		snprintf(low, sizeof low, "rsa2048");
	for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
		if (strcmp(low, algs[i].name) == 0) {
			*out = &algs[i];
			return 0;
		}
	}
	if (strcmp(low, "rsa512") == 0 || strcmp(low, "rsa1024") == 0)
		return svc_errf(err, EX_USAGE,
				"refusing algorithm '%s': RSA keys shorter than 2048 bits can be "
				"factored or are rejected by current browsers and mail servers "
				"(NIST SP 800-131A); use rsa2048 or longer, or p256",
				s);
	return svc_errf(err, EX_USAGE,
			"invalid algorithm '%s': expected p256, p384, rsa2048, rsa3072 or rsa4096",
			s);
}

int
tls_digest_parse(const char *s, const EVP_MD **out, struct svc_err *err)
{
	static const struct {
		const char *name;
		const EVP_MD *(*md)(void);
	} mds[] = { { "sha256", EVP_sha256 }, { "sha384", EVP_sha384 }, { "sha512", EVP_sha512 } };
	char low[16];
	size_t j = 0;

	for (const char *p = s; *p && j + 1 < sizeof low; p++)
		if (*p != '-')
			low[j++] = (char)tolower((unsigned char)*p);
	low[j] = '\0';
	for (size_t i = 0; i < sizeof mds / sizeof mds[0]; i++) {
		if (strcmp(low, mds[i].name) == 0) {
			*out = mds[i].md();
			return 0;
		}
	}
	return svc_errf(err, EX_USAGE,
			"invalid signature hash '%s': expected sha256, sha384 or sha512", s);
}

/* "YYYY-MM-DD" at 00:00:00 UTC. */
static int
date_parse(const char *what, const char *s, time_t *out, struct svc_err *err)
{
	struct tm tm = { 0 }, back;
	int y, m, d, n = 0;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n] != '\0' || strlen(s) != 10 ||
	    y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		goto bad;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	*out = timegm(&tm);
	if (*out == (time_t)-1 || gmtime_r(out, &back) == NULL || back.tm_mday != d)
		goto bad;
	return 0;
bad:
	return svc_errf(err, EX_USAGE, "invalid %s '%s': expected a date YYYY-MM-DD", what, s);
}

/* The latest end a validity starting at START may have: TLS_MAX_YEARS
 * later, the limit --valid also keeps. */
static time_t
validity_limit(time_t start)
{
	struct tm tm;

	gmtime_r(&start, &tm);
	tm.tm_year += TLS_MAX_YEARS;
	return timegm(&tm);
}

/* "398d", "5y", "398": how far the end is from START. */
static int
validity_parse(const char *s, time_t start, time_t *end, struct svc_err *err)
{
	char *e = NULL;
	long n = strtol(s, &e, 10);
	struct tm tm;

	if (*s < '0' || *s > '9' || n < 1 || (strcmp(e, "y") != 0 && strcmp(e, "d") != 0 && *e))
		goto bad;
	if (*e == 'y') {
		if (n > TLS_MAX_YEARS)
			goto bad;
		gmtime_r(&start, &tm);
		tm.tm_year += (int)n;
		*end = timegm(&tm);
	} else {
		if (n > TLS_MAX_YEARS * 366L)
			goto bad;
		*end = start + (time_t)n * 86400;
		if (*end > validity_limit(start))
			goto bad;
	}
	return 0;
bad:
	return svc_errf(err, EX_USAGE,
			"invalid validity '%s': expected days (398d, up to %d years) or years (5y)",
			s, TLS_MAX_YEARS);
}

/* --- generating ------------------------------------------------------------- */

struct gen_progress {
	const struct tls_genkey_opts *o;
	const char *label;
	int primes;
};

static int
keygen_cb(EVP_PKEY_CTX *ctx)
{
	struct gen_progress *gp = EVP_PKEY_CTX_get_app_data(ctx);
	int p = EVP_PKEY_CTX_get_keygen_info(ctx, 0);

	if (p == 3 && gp->primes < 2)
		gp->primes++;
	if (gp->o->progress)
		gp->o->progress(gp->o->progress_arg, gp->label, 0.05 + 0.45 * gp->primes);
	return 1;
}

static EVP_PKEY *
keygen(const struct alg *a, const struct tls_genkey_opts *o, struct svc_err *err)
{
	struct gen_progress gp = { o, a->label, 0 };
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, a->rsa_bits ? "RSA" : "EC", NULL);
	EVP_PKEY *pk = NULL;
	int ok;

	if (o->progress)
		o->progress(o->progress_arg, a->label, 0.0);
	ok = ctx && EVP_PKEY_keygen_init(ctx) == 1;
	if (ok && a->rsa_bits) {
		ok = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, a->rsa_bits) == 1;
		EVP_PKEY_CTX_set_app_data(ctx, &gp);
		EVP_PKEY_CTX_set_cb(ctx, keygen_cb);
	} else if (ok) {
		ok = EVP_PKEY_CTX_set_group_name(ctx, a->curve) == 1;
	}
	if (!ok || EVP_PKEY_generate(ctx, &pk) != 1) {
		pk = NULL;
		svc_err_openssl(err, EX_SOFTWARE, "key generation failed");
	}
	EVP_PKEY_CTX_free(ctx);
	if (pk && o->progress)
		o->progress(o->progress_arg, a->label, 0.95);
	return pk;
}

static int
add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value, struct svc_err *err)
{
	X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = ex && X509_add_ext(x, ex, -1) == 1;

	X509_EXTENSION_free(ex);
	if (!ok)
		return svc_err_openssl(err, EX_SOFTWARE, "cannot add a certificate extension");
	return 0;
}

static int
subject_add(X509_NAME *nm, const char *field, const char *v, int max, struct svc_err *err)
{
	if (v == NULL || *v == '\0')
		return 0;
	if ((int)strlen(v) > max)
		return svc_errf(err, EX_USAGE,
				"subject %s '%s' is too long (at most %d characters)", field, v,
				max);
	if (strcmp(field, "C") == 0 &&
	    (strlen(v) != 2 || !isupper((unsigned char)v[0]) || !isupper((unsigned char)v[1])))
		return svc_errf(err, EX_USAGE,
				"invalid country '%s': expected two upper-case letters (ISO 3166)",
				v);
	if (!text_is_clean(v))
		return svc_errf(err, EX_USAGE,
				"subject %s has a control character or is not UTF-8: expected "
				"printable text",
				field);
	if (X509_NAME_add_entry_by_txt(nm, field, MBSTRING_UTF8, (const unsigned char *)v, -1, -1,
				       0) != 1)
		return svc_err_openssl(err, EX_USAGE, "invalid subject field");
	return 0;
}

/* The SAN: the CN, the host name and the configured IPv4 address. */
static int
san_build(struct device *dev, const char *cn, struct strbuf *san, struct svc_err *err)
{
	struct strbuf host = STRBUF_INIT, ip = STRBUF_INIT;
	struct in_addr a;
	bool dhcp = false;
	int rc = -1;

	if (config_get(dev, KEY_NETWORK_TCPIP_HOSTNAME, &host, err) != 0 ||
	    config_get(dev, KEY_NETWORK_TCPIP_IPV4_ADDRESS, &ip, err) != 0 ||
	    config_get_bool(dev, KEY_NETWORK_TCPIP_DHCP, &dhcp, err) != 0)
		goto out;
	if (inet_pton(AF_INET, cn, &a) == 1)
		sb_addf(san, "IP:%s", cn);
	else
		sb_addf(san, "DNS:%s", cn);
	if (*host.buf && strcmp(host.buf, cn) != 0)
		sb_addf(san, ",%s:%s", inet_pton(AF_INET, host.buf, &a) == 1 ? "IP" : "DNS",
			host.buf);
	if (!dhcp && strcmp(ip.buf, "0.0.0.0") != 0 && strcmp(ip.buf, cn) != 0 &&
	    strcmp(ip.buf, host.buf) != 0)
		sb_addf(san, ",IP:%s", ip.buf);
	rc = 0;
out:
	sb_release(&host);
	sb_release(&ip);
	return rc;
}

static int
serial_random(X509 *x, struct svc_err *err)
{
	unsigned char b[16];
	BIGNUM *bn;
	int ok;

	if (seal_random(b, sizeof b, err) != 0)
		return -1;
	b[0] &= 0x7f; /* positive, 128 bits at most */
	b[0] |= 0x40; /* and never shorter than 127 */
	bn = BN_bin2bn(b, sizeof b, NULL);
	ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	if (!ok)
		return svc_err_openssl(err, EX_SOFTWARE, "cannot set the serial number");
	return 0;
}

/* The subject from the options (CN: the host name when not given). */
static X509_NAME *
subject_build(struct device *dev, const struct tls_genkey_opts *o, struct svc_err *err)
{
	X509_NAME *nm = X509_NAME_new();
	struct strbuf host = STRBUF_INIT;
	const char *cn = o->cn;

	if (nm == NULL) {
		svc_err_openssl(err, EX_SOFTWARE, "out of memory");
		return NULL;
	}
	if (cn == NULL || *cn == '\0') {
		if (config_get(dev, KEY_NETWORK_TCPIP_HOSTNAME, &host, err) != 0)
			goto fail;
		cn = host.buf;
	}
	if (subject_add(nm, "C", o->c, 2, err) != 0 ||
	    subject_add(nm, "ST", o->st, 128, err) != 0 ||
	    subject_add(nm, "L", o->l, 128, err) != 0 || subject_add(nm, "O", o->o, 64, err) != 0 ||
	    subject_add(nm, "OU", o->ou, 64, err) != 0 || subject_add(nm, "CN", cn, 64, err) != 0)
		goto fail;
	sb_release(&host);
	return nm;
fail:
	X509_NAME_free(nm);
	sb_release(&host);
	return NULL;
}

static X509 *
cert_build(struct device *dev, EVP_PKEY *pk, const struct alg *a, const EVP_MD *md, time_t start,
	   time_t end, X509_NAME *nm, struct svc_err *err)
{
	X509 *x = X509_new();
	struct strbuf san = STRBUF_INIT;
	int at = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
	const ASN1_STRING *cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, at));
	char cntext[65];
	X509V3_CTX ctx;

	if (x == NULL || cn == NULL) {
		svc_err_openssl(err, EX_SOFTWARE, "out of memory");
		goto fail;
	}
	snprintf(cntext, sizeof cntext, "%.*s", ASN1_STRING_length(cn),
		 (const char *)ASN1_STRING_get0_data(cn));
	if (san_build(dev, cntext, &san, err) != 0)
		goto fail;
	if (X509_set_version(x, X509_VERSION_3) != 1 || serial_random(x, err) != 0 ||
	    X509_set_subject_name(x, nm) != 1 || X509_set_issuer_name(x, nm) != 1 ||
	    ASN1_TIME_set(X509_getm_notBefore(x), start) == NULL ||
	    ASN1_TIME_set(X509_getm_notAfter(x), end) == NULL || X509_set_pubkey(x, pk) != 1) {
		if (err && err->code == 0)
			svc_err_openssl(err, EX_SOFTWARE, "cannot build the certificate");
		goto fail;
	}
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE", err) != 0 ||
	    add_ext(x, &ctx, NID_key_usage,
		    a->rsa_bits ? "critical,digitalSignature,keyEncipherment"
				: "critical,digitalSignature",
		    err) != 0 ||
	    add_ext(x, &ctx, NID_ext_key_usage, "serverAuth", err) != 0 ||
	    add_ext(x, &ctx, NID_subject_key_identifier, "hash", err) != 0 ||
	    add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always", err) != 0 ||
	    add_ext(x, &ctx, NID_subject_alt_name, san.buf, err) != 0)
		goto fail;
	if (X509_sign(x, pk, md) <= 0) {
		svc_err_openssl(err, EX_SOFTWARE, "cannot sign the certificate");
		goto fail;
	}
	sb_release(&san);
	return x;
fail:
	X509_free(x);
	sb_release(&san);
	return NULL;
}

/* What genkey will make, from checked options. */
struct genkey_plan {
	const struct alg *a;
	const EVP_MD *md;
	time_t start, end;
	X509_NAME *nm;
};

/* Checks every option; fills PLAN (release with plan_release). */
static int
genkey_plan(struct device *dev, const char *name, const struct tls_genkey_opts *o,
	    struct genkey_plan *plan, struct svc_err *err)
{
	time_t now = time(NULL), limit;
	struct tm tm;
	char last[16];

	plan->a = &algs[0];
	plan->md = EVP_sha256();
	plan->start = now;
	plan->end = 0;
	plan->nm = NULL;
	if (tls_name_check(name, err) != 0 || (o->alg && alg_parse(o->alg, &plan->a, err) != 0) ||
	    (o->digest && tls_digest_parse(o->digest, &plan->md, err) != 0))
		return -1;
	if (o->not_before && date_parse("validity start", o->not_before, &plan->start, err) != 0)
		return -1;
	if (o->not_after) {
		if (o->validity)
			return svc_errf(err, EX_USAGE,
					"give either a validity end date or a validity period, "
					"not both");
		if (date_parse("validity end", o->not_after, &plan->end, err) != 0)
			return -1;
	} else if (validity_parse(o->validity ? o->validity : "398d", plan->start, &plan->end,
				  err) != 0) {
		return -1;
	}
	if (plan->end <= plan->start)
		return svc_errf(err, EX_USAGE, "the validity end must come after its start");
	if (plan->end <= now)
		return svc_errf(err, EX_USAGE,
				"the validity ends in the past: the certificate "
				"would be expired");
	limit = validity_limit(plan->start);
	if (o->not_after && plan->end > limit) {
		gmtime_r(&limit, &tm);
		strftime(last, sizeof last, "%Y-%m-%d", &tm);
		return svc_errf(err, EX_DATAERR,
				"invalid --not-after '%s': a certificate is valid for at most %d "
				"years (from its start, until %s at the latest)",
				o->not_after, TLS_MAX_YEARS, last);
	}
	if ((plan->nm = subject_build(dev, o, err)) == NULL)
		return -1;
	return 0;
}

static void
plan_release(struct genkey_plan *plan)
{
	X509_NAME_free(plan->nm);
	plan->nm = NULL;
}

int
tls_genkey_check(struct device *dev, const char *name, const struct tls_genkey_opts *o,
		 struct svc_err *err)
{
	struct genkey_plan plan;
	int rc = genkey_plan(dev, name, o, &plan, err);

	if (rc == 0)
		rc = tls_pair_room(dev, name, err);
	plan_release(&plan);
	return rc;
}

static int
genkey_common(struct device *dev, const char *name, const char *origin, bool in_use,
	      const struct tls_genkey_opts *o, struct svc_err *err)
{
	struct genkey_plan plan;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	char what[80];
	int rc = -1;

	/* All input is checked before anything is asked or generated. */
	if (genkey_plan(dev, name, o, &plan, err) != 0)
		goto out;
	if (strcmp(origin, "default") != 0) {
		/* Refuse before the slow part when the pair cannot be stored. */
		snprintf(what, sizeof what, "generating key pair '%s'", name);
		if (tls_pair_room(dev, name, err) != 0 ||
		    tls_need_manager(dev, what, name, err) != 0)
			goto out;
	}
	if ((pk = keygen(plan.a, o, err)) == NULL ||
	    (x = cert_build(dev, pk, plan.a, plan.md, plan.start, plan.end, plan.nm, err)) == NULL)
		goto out;
	rc = tls_pair_add(dev, name, origin, pk, x, NULL, in_use,
			  strcmp(origin, "default") == 0 ? "tls.provision" : "tls.genkey", err);
	if (rc == 0 && o->progress)
		o->progress(o->progress_arg, plan.a->label, 1.0);
out:
	plan_release(&plan);
	X509_free(x);
	EVP_PKEY_free(pk);
	return rc;
}

int
tls_genkey(struct device *dev, const char *name, const struct tls_genkey_opts *o,
	   struct svc_err *err)
{
	return genkey_common(dev, name, "generated", false, o, err);
}

int
tls_provision(struct device *dev, struct svc_err *err)
{
	struct tls_genkey_opts o = { .validity = "5y" };
	int n = store_tls_key_count(device_store(dev), "default", err), used;

	if (n != 0)
		return n < 0 ? -1 : 0;
	/* The default pair is in use unless the engineer chose another. */
	used = store_tls_key_count(device_store(dev), NULL, err);
	if (used < 0)
		return -1;
	return genkey_common(dev, TLS_DEFAULT_NAME, "default", used == 0, &o, err);
}
