/* SSL key pairs and CA certificates: OpenSSL EVP/X509 on the device store. */
#include "tls/tls.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "access/seal.h"
#include "store/store_tls.h"
#include "util/text.h"

#define TLS_SEAL_PURPOSE "svcmode tls keys v1"
#define TLS_DEFAULT_YEARS 5
#define TLS_DEFAULT_DAYS 398
#define TLS_P12_ITER 100000
#define TLS_P12_MIN_PASSWORD 8

/* --- errors ---------------------------------------------------------------- */

/* Fills err with MSG and the first OpenSSL reason, and drains the queue. */
static int
ossl_fail(struct svc_err *err, int code, const char *msg)
{
	unsigned long e = ERR_peek_error();
	char reason[160] = "";

	if (e)
		ERR_error_string_n(e, reason, sizeof reason);
	ERR_clear_error();
	if (*reason)
		return svc_errf(err, code, "%s (%s)", msg, reason);
	return svc_errf(err, code, "%s", msg);
}

/* The door every change goes through; refusals are audited. */
static int
need_manager(struct device *dev, const char *what, const char *key, struct svc_err *err)
{
	if (device_require(dev, DOOR_MANAGER, what, err) == 0)
		return 0;
	if (err && err->code == EX_NOPERM)
		device_audit(dev, "refused", key, NULL, NULL, err->msg, NULL);
	return -1;
}

/* --- names and parameters ------------------------------------------------- */

int
tls_name_check(const char *name, struct svc_err *err)
{
	size_t n = strlen(name);

	if (n == 0 || n > TLS_NAME_MAX)
		goto bad;
	if (name[0] == ' ' || name[n - 1] == ' ')
		goto bad;
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._- ", *p))
			goto bad;
	return 0;
bad:
	return svc_errf(err, EX_USAGE,
			"invalid key pair name '%s': expected 1-%d letters, digits, '.', '_', "
			"'-' or inner spaces",
			name, TLS_NAME_MAX);
}

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

static int
digest_parse(const char *s, const EVP_MD **out, struct svc_err *err)
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

/* --- reading certificates ------------------------------------------------- */

static bool
looks_pem(const void *data, size_t len)
{
	const char *p = data;
	size_t i = 0;

	while (i < len && isspace((unsigned char)p[i]))
		i++;
	return len - i >= 11 && memcmp(p + i, "-----BEGIN ", 11) == 0;
}

/*
 * Parses every certificate of DATA: PEM (one or more) or one DER
 * certificate. WHAT names the input in messages. A truncated PEM, trailing
 * junk in DER or a file with no certificate is EX_DATAERR.
 */
static int
certs_parse(const void *data, size_t len, const char *what, STACK_OF(X509) * *out,
	    struct svc_err *err)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *bio = NULL;
	X509 *x;

	*out = NULL;
	if (sk == NULL)
		return ossl_fail(err, EX_SOFTWARE, "out of memory");
	ERR_clear_error();
	if (len > 0 && len <= INT32_MAX && looks_pem(data, len)) {
		bio = BIO_new_mem_buf(data, (int)len);
		while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
			sk_X509_push(sk, x);
		unsigned long e = ERR_peek_last_error();
		if (bio == NULL ||
		    (e && !(ERR_GET_LIB(e) == ERR_LIB_PEM &&
			    ERR_GET_REASON(e) == PEM_R_NO_START_LINE)) ||
		    sk_X509_num(sk) == 0) {
			svc_errf(err, EX_DATAERR,
				 "%s is not a valid PEM certificate (truncated or damaged)", what);
			goto fail;
		}
		ERR_clear_error();
	} else {
		const unsigned char *p = data;
		x = len > 0 && len <= INT32_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
		if (x == NULL || p != (const unsigned char *)data + len) {
			X509_free(x);
			ERR_clear_error();
			svc_errf(err, EX_DATAERR,
				 "%s is not an X.509 certificate (expected PEM or DER)", what);
			goto fail;
		}
		sk_X509_push(sk, x);
	}
	BIO_free(bio);
	*out = sk;
	return 0;
fail:
	BIO_free(bio);
	sk_X509_pop_free(sk, X509_free);
	return -1;
}

static X509 *
cert_from_pem(const char *pem, struct svc_err *err)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	if (x == NULL)
		ossl_fail(err, EX_DATAERR, "a stored certificate is damaged");
	return x;
}

static int
cert_to_pem(X509 *x, struct strbuf *out, struct svc_err *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	if (bio == NULL || PEM_write_bio_X509(bio, x) != 1) {
		BIO_free(bio);
		return ossl_fail(err, EX_SOFTWARE, "cannot encode certificate");
	}
	n = BIO_get_mem_data(bio, &p);
	sb_add(out, p, (size_t)n);
	BIO_free(bio);
	return 0;
}

/* Refuses a certificate that is not valid now. */
static int
cert_check_time(X509 *x, const char *what, struct svc_err *err)
{
	char buf[32];
	struct tm tm;

	if (X509_cmp_current_time(X509_get0_notBefore(x)) > 0) {
		ASN1_TIME_to_tm(X509_get0_notBefore(x), &tm);
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
		return svc_errf(err, EX_DATAERR, "%s is not valid yet (valid from %s)", what, buf);
	}
	if (X509_cmp_current_time(X509_get0_notAfter(x)) < 0) {
		ASN1_TIME_to_tm(X509_get0_notAfter(x), &tm);
		strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
		return svc_errf(err, EX_DATAERR, "%s expired on %s", what, buf);
	}
	return 0;
}

static void
name_text(const X509_NAME *nm, char *out, size_t cap)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	out[0] = '\0';
	if (bio == NULL)
		return;
	X509_NAME_print_ex(bio, nm, 0,
			   XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
				   (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB));
	n = BIO_get_mem_data(bio, &p);
	snprintf(out, cap, "%.*s", (int)n, p);
	BIO_free(bio);
}

static void
san_text(X509 *x, char *out, size_t cap)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	struct strbuf sb = STRBUF_INIT;
	char ip[INET6_ADDRSTRLEN];

	for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_STRING *s;
		if (sb.len)
			sb_adds(&sb, ", ");
		switch (g->type) {
		case GEN_DNS:
		case GEN_EMAIL:
			s = g->d.ia5;
			sb_addf(&sb, "%s:%.*s", g->type == GEN_DNS ? "DNS" : "email",
				ASN1_STRING_length(s), (const char *)ASN1_STRING_get0_data(s));
			break;
		case GEN_IPADD:
			s = g->d.ip;
			if (inet_ntop(ASN1_STRING_length(s) == 4 ? AF_INET : AF_INET6,
				      ASN1_STRING_get0_data(s), ip, sizeof ip))
				sb_addf(&sb, "IP:%s", ip);
			break;
		default: sb_adds(&sb, "other"); break;
		}
	}
	GENERAL_NAMES_free(gens);
	ERR_clear_error();
	snprintf(out, cap, "%s", sb_str(&sb));
	sb_release(&sb);
}

static void
key_text(EVP_PKEY *pk, char *out, size_t cap)
{
	char group[64] = "";

	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA: snprintf(out, cap, "RSA %d", EVP_PKEY_get_bits(pk)); return;
	case EVP_PKEY_EC:
		EVP_PKEY_get_group_name(pk, group, sizeof group, NULL);
		if (strcmp(group, "prime256v1") == 0)
			snprintf(out, cap, "ECDSA P-256");
		else if (strcmp(group, "secp384r1") == 0)
			snprintf(out, cap, "ECDSA P-384");
		else if (strcmp(group, "secp521r1") == 0)
			snprintf(out, cap, "ECDSA P-521");
		else
			snprintf(out, cap, "ECDSA %s", group);
		return;
	case EVP_PKEY_ED25519: snprintf(out, cap, "Ed25519"); return;
	default: snprintf(out, cap, "%s", OBJ_nid2sn(EVP_PKEY_get_base_id(pk))); return;
	}
}

/* Keys svcmode accepts from outside: RSA >= 2048 bits, ECDSA P-256/384/521. */
static int
key_check(EVP_PKEY *pk, const char *what, struct svc_err *err)
{
	char t[32];

	if (pk == NULL) {
		ERR_clear_error();
		return svc_errf(err, EX_DATAERR, "refusing %s: its key type is not supported",
				what);
	}
	key_text(pk, t, sizeof t);
	if (EVP_PKEY_get_base_id(pk) == EVP_PKEY_RSA && EVP_PKEY_get_bits(pk) >= 2048)
		return 0;
	if (strcmp(t, "ECDSA P-256") == 0 || strcmp(t, "ECDSA P-384") == 0 ||
	    strcmp(t, "ECDSA P-521") == 0)
		return 0;
	return svc_errf(err, EX_DATAERR,
			"refusing %s: its key is %s; accepted are RSA of 2048 bits or more and "
			"ECDSA P-256, P-384, P-521",
			what, t);
}

static void
tm_text(const ASN1_TIME *t, char *out, size_t cap)
{
	struct tm tm;

	if (ASN1_TIME_to_tm(t, &tm) == 1)
		strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(out, cap, "?");
}

static void
fingerprint(X509 *x, char *hex64, char *colons, size_t cap)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t j = 0;

	X509_digest(x, EVP_sha256(), md, &n);
	for (unsigned int i = 0; i < n; i++) {
		if (hex64)
			snprintf(hex64 + (size_t)2 * i, 3, "%02X", md[i]);
		if (colons && j + 3 < cap)
			j += (size_t)snprintf(colons + j, cap - j, "%s%02X", i ? ":" : "", md[i]);
	}
}

static void
info_fill(X509 *x, struct tls_info *in)
{
	EVP_PKEY *pk = X509_get0_pubkey(x);
	ASN1_INTEGER *serial = X509_get_serialNumber(x);
	BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	int day = 0, sec = 0;

	name_text(X509_get_subject_name(x), in->subject, sizeof in->subject);
	name_text(X509_get_issuer_name(x), in->issuer, sizeof in->issuer);
	san_text(x, in->san, sizeof in->san);
	tm_text(X509_get0_notBefore(x), in->not_before, sizeof in->not_before);
	tm_text(X509_get0_notAfter(x), in->not_after, sizeof in->not_after);
	ASN1_TIME_diff(&day, &sec, NULL, X509_get0_notAfter(x));
	in->days_left = day;
	in->expired = X509_cmp_current_time(X509_get0_notAfter(x)) < 0;
	in->expiring = !in->expired && (day < TLS_EXPIRY_WARN_DAYS);
	in->self_signed = X509_self_signed(x, 0) == 1;
	in->is_ca = X509_check_ca(x) != 0;
	if (pk)
		key_text(pk, in->key_type, sizeof in->key_type);
	snprintf(in->signature, sizeof in->signature, "%s", OBJ_nid2ln(X509_get_signature_nid(x)));
	snprintf(in->serial, sizeof in->serial, "%s", hex ? hex : "?");
	fingerprint(x, NULL, in->fingerprint, sizeof in->fingerprint);
	OPENSSL_free(hex);
	BN_free(bn);
	ERR_clear_error();
}

/* --- sealed private keys ---------------------------------------------------- */

static void
seal_aad(const char *name, char *aad, size_t cap)
{
	snprintf(aad, cap, "tls.key:%s", name);
}

static int
key_seal(struct device *dev, const char *name, EVP_PKEY *pk, struct strbuf *out,
	 struct svc_err *err)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pk);
	unsigned char *der = NULL, k[SEAL_KEY_LEN];
	char aad[64];
	int n = p8 ? i2d_PKCS8_PRIV_KEY_INFO(p8, &der) : -1, rc = -1;

	PKCS8_PRIV_KEY_INFO_free(p8);
	if (n <= 0) {
		ossl_fail(err, EX_SOFTWARE, "cannot encode the private key");
		goto out;
	}
	seal_aad(name, aad, sizeof aad);
	if (device_key(dev, TLS_SEAL_PURPOSE, k, err) == 0)
		rc = seal_encrypt(k, aad, der, (size_t)n, out, err);
out:
	OPENSSL_cleanse(k, sizeof k);
	if (der) {
		OPENSSL_cleanse(der, (size_t)n);
		OPENSSL_free(der);
	}
	return rc;
}

static EVP_PKEY *
key_unseal(struct device *dev, const char *name, const char *sealed, struct svc_err *err)
{
	struct strbuf plain = STRBUF_INIT;
	unsigned char k[SEAL_KEY_LEN];
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	EVP_PKEY *pk = NULL;
	const unsigned char *p;
	char aad[64];

	seal_aad(name, aad, sizeof aad);
	if (device_key(dev, TLS_SEAL_PURPOSE, k, err) != 0 ||
	    seal_decrypt(k, aad, sealed, &plain, err) != 0)
		goto out;
	p = (const unsigned char *)plain.buf;
	if ((p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, (long)plain.len)) == NULL ||
	    (pk = EVP_PKCS82PKEY(p8)) == NULL)
		ossl_fail(err, EX_DATAERR, "the stored private key is damaged");
out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	OPENSSL_cleanse(k, sizeof k);
	sb_release(&plain);
	return pk;
}

/* --- one stored pair -------------------------------------------------------- */

struct pair {
	bool found, in_use;
	char name[64]; /* when found by in_use_copy */
	struct strbuf origin, sealed, cert, chain;
};

static void
pair_release(struct pair *p)
{
	sb_release(&p->origin);
	sb_release(&p->sealed);
	sb_release(&p->cert);
	sb_release(&p->chain);
}

static int
pair_copy(void *arg, const struct store_tls_key *k)
{
	struct pair *p = arg;

	p->found = true;
	p->in_use = k->in_use;
	sb_adds(&p->origin, k->origin);
	sb_adds(&p->sealed, k->key_sealed);
	sb_adds(&p->cert, k->cert_pem);
	sb_adds(&p->chain, k->chain_pem);
	return 0;
}

/* Reads NAME; EX_USAGE "no key pair" when it does not exist. */
static int
pair_get(struct device *dev, const char *name, struct pair *p, struct svc_err *err)
{
	memset(p, 0, sizeof *p);
	if (store_tls_key_each(device_store(dev), name, pair_copy, p, err) < 0)
		return -1;
	if (!p->found)
		return svc_errf(err, EX_USAGE, "no key pair named '%s' (see 'svcmode cert list')",
				name);
	return 0;
}

/* In the open transaction: NAME is free and one more pair fits. */
static int
pair_room(struct device *dev, const char *name, struct svc_err *err)
{
	struct pair p = { 0 };
	int n;

	if (store_tls_key_each(device_store(dev), name, pair_copy, &p, err) < 0)
		return -1;
	pair_release(&p);
	if (p.found)
		return svc_errf(err, EX_DATAERR,
				"a key pair named '%s' exists already; delete it first or "
				"choose another name",
				name);
	if (strcmp(name, TLS_DEFAULT_NAME) == 0)
		return svc_errf(err, EX_USAGE,
				"the name '%s' is reserved for the factory default "
				"key pair",
				name);
	if ((n = store_tls_key_count(device_store(dev), NULL, err)) < 0)
		return -1;
	n -= store_tls_key_count(device_store(dev), "default", err);
	if (n >= TLS_MAX_USER_PAIRS)
		return svc_errf(err, EX_DATAERR,
				"the device holds at most %d key pairs besides '%s'; delete one "
				"first ('svcmode cert delete NAME')",
				TLS_MAX_USER_PAIRS, TLS_DEFAULT_NAME);
	return 0;
}

/* Stores a new pair in one audited transaction. */
static int
pair_add(struct device *dev, const char *name, const char *origin, EVP_PKEY *pk, X509 *x,
	 STACK_OF(X509) * chain, bool in_use, const char *event, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct strbuf sealed = STRBUF_INIT, cert = STRBUF_INIT, ch = STRBUF_INIT,
		      detail = STRBUF_INIT;
	struct tls_info in = { 0 };
	int rc = -1;

	if (key_seal(dev, name, pk, &sealed, err) != 0 || cert_to_pem(x, &cert, err) != 0)
		goto out;
	for (int i = 0; i < sk_X509_num(chain); i++)
		if (cert_to_pem(sk_X509_value(chain, i), &ch, err) != 0)
			goto out;
	info_fill(x, &in);
	sb_addf(&detail, "%s, valid to %s, sha256 %s", in.key_type, in.not_after, in.fingerprint);
	if (store_begin(st, err) != 0)
		goto out;
	struct store_tls_key k = { .name = name,
				   .origin = origin,
				   .key_sealed = sealed.buf,
				   .cert_pem = cert.buf,
				   .chain_pem = sb_str(&ch),
				   .in_use = in_use };
	if (strcmp(origin, "default") == 0) {
		/* Another process may have provisioned meanwhile: keep its pair. */
		int n = store_tls_key_count(st, "default", err);
		if (n != 0) {
			store_rollback(st);
			rc = n < 0 ? -1 : 0;
			goto out;
		}
	}
	if ((strcmp(origin, "default") != 0 && pair_room(dev, name, err) != 0) ||
	    store_tls_key_add(st, &k, err) != 0 ||
	    device_audit(dev, event, name, NULL, in.subject, detail.buf, err) != 0) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
out:
	sb_release(&sealed);
	sb_release(&cert);
	sb_release(&ch);
	sb_release(&detail);
	return rc;
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
		ossl_fail(err, EX_SOFTWARE, "key generation failed");
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
		return ossl_fail(err, EX_SOFTWARE, "cannot add a certificate extension");
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
		return ossl_fail(err, EX_USAGE, "invalid subject field");
	return 0;
}

/* The SAN: the CN, the host name and the configured IPv4 address. */
static int
san_build(struct device *dev, const char *cn, struct strbuf *san, struct svc_err *err)
{
	struct strbuf host = STRBUF_INIT, ip = STRBUF_INIT, dhcp = STRBUF_INIT;
	struct in_addr a;
	int rc = -1;

	if (config_get(dev, "network.tcpip.hostname", &host, err) != 0 ||
	    config_get(dev, "network.tcpip.ipv4.address", &ip, err) != 0 ||
	    config_get(dev, "network.tcpip.dhcp", &dhcp, err) != 0)
		goto out;
	if (inet_pton(AF_INET, cn, &a) == 1)
		sb_addf(san, "IP:%s", cn);
	else
		sb_addf(san, "DNS:%s", cn);
	if (*host.buf && strcmp(host.buf, cn) != 0)
		sb_addf(san, ",%s:%s", inet_pton(AF_INET, host.buf, &a) == 1 ? "IP" : "DNS",
			host.buf);
	if (strcmp(dhcp.buf, "ON") != 0 && strcmp(ip.buf, "0.0.0.0") != 0 &&
	    strcmp(ip.buf, cn) != 0 && strcmp(ip.buf, host.buf) != 0)
		sb_addf(san, ",IP:%s", ip.buf);
	rc = 0;
out:
	sb_release(&host);
	sb_release(&ip);
	sb_release(&dhcp);
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
		return ossl_fail(err, EX_SOFTWARE, "cannot set the serial number");
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
		ossl_fail(err, EX_SOFTWARE, "out of memory");
		return NULL;
	}
	if (cn == NULL || *cn == '\0') {
		if (config_get(dev, "network.tcpip.hostname", &host, err) != 0)
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
		ossl_fail(err, EX_SOFTWARE, "out of memory");
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
			ossl_fail(err, EX_SOFTWARE, "cannot build the certificate");
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
		ossl_fail(err, EX_SOFTWARE, "cannot sign the certificate");
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
	    (o->digest && digest_parse(o->digest, &plan->md, err) != 0))
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
tls_room_check(struct device *dev, const char *name, struct svc_err *err)
{
	if (tls_name_check(name, err) != 0)
		return -1;
	return pair_room(dev, name, err);
}

int
tls_genkey_check(struct device *dev, const char *name, const struct tls_genkey_opts *o,
		 struct svc_err *err)
{
	struct genkey_plan plan;
	int rc = genkey_plan(dev, name, o, &plan, err);

	if (rc == 0)
		rc = pair_room(dev, name, err);
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
		if (pair_room(dev, name, err) != 0 || need_manager(dev, what, name, err) != 0)
			goto out;
	}
	if ((pk = keygen(plan.a, o, err)) == NULL ||
	    (x = cert_build(dev, pk, plan.a, plan.md, plan.start, plan.end, plan.nm, err)) == NULL)
		goto out;
	rc = pair_add(dev, name, origin, pk, x, NULL, in_use,
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

/* --- CSR and install -------------------------------------------------------- */

int
tls_csr(struct device *dev, const char *name, const char *digest, struct strbuf *pem,
	struct svc_err *err)
{
	static const int copy[] = { NID_subject_alt_name, NID_key_usage, NID_ext_key_usage };
	const EVP_MD *md = EVP_sha256();
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	X509_REQ *req = X509_REQ_new();
	struct pair p = { 0 };
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	BIO *bio = NULL;
	char what[80], *data;
	long n;
	int rc = -1;

	if (exts == NULL || req == NULL) {
		ossl_fail(err, EX_SOFTWARE, "out of memory");
		goto out;
	}
	if ((digest && digest_parse(digest, &md, err) != 0) || pair_get(dev, name, &p, err) != 0)
		goto out;
	snprintf(what, sizeof what, "making a signing request for '%s'", name);
	if (need_manager(dev, what, name, err) != 0 ||
	    (pk = key_unseal(dev, name, p.sealed.buf, err)) == NULL ||
	    (x = cert_from_pem(p.cert.buf, err)) == NULL)
		goto out;
	for (size_t i = 0; i < sizeof copy / sizeof copy[0]; i++) {
		int at = X509_get_ext_by_NID(x, copy[i], -1);
		if (at >= 0)
			sk_X509_EXTENSION_push(exts, X509_EXTENSION_dup(X509_get_ext(x, at)));
	}
	if (X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    X509_REQ_set_subject_name(req, X509_get_subject_name(x)) != 1 ||
	    X509_REQ_set_pubkey(req, pk) != 1 || X509_REQ_add_extensions(req, exts) != 1 ||
	    X509_REQ_sign(req, pk, md) <= 0 || (bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_REQ(bio, req) != 1) {
		ossl_fail(err, EX_SOFTWARE, "cannot make the signing request");
		goto out;
	}
	n = BIO_get_mem_data(bio, &data);
	sb_reset(pem);
	sb_add(pem, data, (size_t)n);
	rc = device_audit(dev, "tls.csr", name, NULL, NULL, NULL, err);
out:
	BIO_free(bio);
	X509_free(x);
	EVP_PKEY_free(pk);
	X509_REQ_free(req);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	pair_release(&p);
	return rc;
}

/* DRY: only the checks, up to the door. */
static int
install_common(struct device *dev, const char *name, const void *data, size_t len, bool dry,
	       struct svc_err *err)
{
	STACK_OF(X509) *certs = NULL;
	struct strbuf cert = STRBUF_INIT, chain = STRBUF_INIT;
	struct store *st = device_store(dev);
	struct tls_info in = { 0 };
	struct pair p = { 0 };
	EVP_PKEY *pk = NULL;
	X509 *leaf = NULL;
	char what[96];
	int rc = -1;

	if (pair_get(dev, name, &p, err) != 0 ||
	    certs_parse(data, len, "the certificate", &certs, err) != 0)
		goto out;
	if ((pk = key_unseal(dev, name, p.sealed.buf, err)) == NULL)
		goto out;
	for (int i = 0; i < sk_X509_num(certs) && leaf == NULL; i++)
		if (X509_check_private_key(sk_X509_value(certs, i), pk) == 1)
			leaf = sk_X509_value(certs, i);
	ERR_clear_error();
	if (leaf == NULL) {
		svc_errf(err, EX_DATAERR,
			 "the certificate does not match the key of '%s' (was the request made "
			 "for another key pair?)",
			 name);
		goto out;
	}
	if (cert_check_time(leaf, "the certificate", err) != 0 ||
	    cert_to_pem(leaf, &cert, err) != 0)
		goto out;
	for (int i = 0; i < sk_X509_num(certs); i++)
		if (sk_X509_value(certs, i) != leaf &&
		    cert_to_pem(sk_X509_value(certs, i), &chain, err) != 0)
			goto out;
	info_fill(leaf, &in);
	if (dry) {
		rc = 0;
		goto out;
	}
	snprintf(what, sizeof what, "installing a certificate for '%s'", name);
	if (need_manager(dev, what, name, err) != 0 || store_begin(st, err) != 0)
		goto out;
	if (store_tls_key_set_cert(st, name, cert.buf, sb_str(&chain), err) != 1 ||
	    device_audit(dev, "tls.install", name, NULL, in.subject, in.fingerprint, err) != 0) {
		if (err && err->code == 0)
			svc_errf(err, EX_TEMPFAIL, "key pair '%s' was deleted meanwhile", name);
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
out:
	sk_X509_pop_free(certs, X509_free);
	EVP_PKEY_free(pk);
	sb_release(&cert);
	sb_release(&chain);
	pair_release(&p);
	return rc;
}

int
tls_install_check(struct device *dev, const char *name, const void *data, size_t len,
		  struct svc_err *err)
{
	return install_common(dev, name, data, len, true, err);
}

int
tls_install(struct device *dev, const char *name, const void *data, size_t len, struct svc_err *err)
{
	return install_common(dev, name, data, len, false, err);
}

/* --- PKCS#12 ----------------------------------------------------------------- */

static int
import_p12_common(struct device *dev, const char *name, const void *data, size_t len,
		  const char *password, bool dry, struct svc_err *err)
{
	const unsigned char *p = data;
	PKCS12 *p12 = NULL;
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	STACK_OF(X509) *ca = NULL;
	char what[80];
	int rc = -1;

	if (tls_name_check(name, err) != 0)
		return -1;
	if (len == 0 || len > INT32_MAX || (p12 = d2i_PKCS12(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		svc_errf(err, EX_DATAERR, "the file is not a PKCS#12 (.p12/.pfx) file");
		goto out;
	}
	if (PKCS12_mac_present(p12) && PKCS12_verify_mac(p12, password, -1) != 1) {
		ERR_clear_error();
		svc_errf(err, EX_DATAERR, "wrong password for the PKCS#12 file");
		goto out;
	}
	if (PKCS12_parse(p12, password, &pk, &x, &ca) != 1) {
		ossl_fail(err, EX_DATAERR,
			  "cannot decrypt the PKCS#12 file (wrong password, or an algorithm "
			  "OpenSSL 3 no longer enables, such as RC2)");
		goto out;
	}
	if (pk == NULL || x == NULL) {
		svc_errf(err, EX_DATAERR, "the PKCS#12 file holds no %s",
			 pk == NULL ? "private key" : "certificate");
		goto out;
	}
	if (X509_check_private_key(x, pk) != 1) {
		ERR_clear_error();
		svc_errf(err, EX_DATAERR,
			 "the certificate in the PKCS#12 file does not match its key");
		goto out;
	}
	if (key_check(pk, "the PKCS#12 key pair", err) != 0 ||
	    cert_check_time(x, "the certificate in the PKCS#12 file", err) != 0)
		goto out;
	snprintf(what, sizeof what, "importing key pair '%s'", name);
	if (pair_room(dev, name, err) != 0)
		goto out;
	if (dry) {
		rc = 0;
		goto out;
	}
	if (need_manager(dev, what, name, err) != 0)
		goto out;
	rc = pair_add(dev, name, "imported", pk, x, ca, false, "tls.import", err);
out:
	PKCS12_free(p12);
	EVP_PKEY_free(pk);
	X509_free(x);
	sk_X509_pop_free(ca, X509_free);
	return rc;
}

int
tls_import_p12_check(struct device *dev, const char *name, const void *data, size_t len,
		     const char *password, struct svc_err *err)
{
	return import_p12_common(dev, name, data, len, password, true, err);
}

int
tls_import_p12(struct device *dev, const char *name, const void *data, size_t len,
	       const char *password, struct svc_err *err)
{
	return import_p12_common(dev, name, data, len, password, false, err);
}

int
tls_export_password_check(const char *password, struct svc_err *err)
{
	if (strlen(password) < TLS_P12_MIN_PASSWORD)
		return svc_errf(err, EX_USAGE,
				"the export password must have at least %d characters",
				TLS_P12_MIN_PASSWORD);
	return 0;
}

int
tls_export_p12(struct device *dev, const char *name, const char *password, struct strbuf *out,
	       struct svc_err *err)
{
	STACK_OF(X509) *chain = NULL;
	struct pair p = { 0 };
	EVP_PKEY *pk = NULL;
	PKCS12 *p12 = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	char what[80];
	int n, rc = -1;

	if (tls_export_password_check(password, err) != 0)
		return -1;
	if (pair_get(dev, name, &p, err) != 0)
		goto out;
	snprintf(what, sizeof what, "exporting the key of '%s'", name);
	if (need_manager(dev, what, name, err) != 0 ||
	    (pk = key_unseal(dev, name, p.sealed.buf, err)) == NULL ||
	    (x = cert_from_pem(p.cert.buf, err)) == NULL)
		goto out;
	if (p.chain.len && certs_parse(p.chain.buf, p.chain.len, "the stored chain", &chain, err))
		goto out;
	p12 = PKCS12_create_ex(password, name, pk, x, chain, NID_aes_256_cbc, NID_aes_256_cbc,
			       TLS_P12_ITER, -1, 0, NULL, NULL);
	if (p12 == NULL ||
	    PKCS12_set_mac(p12, password, -1, NULL, 0, TLS_P12_ITER, EVP_sha256()) != 1 ||
	    (n = i2d_PKCS12(p12, &der)) <= 0) {
		ossl_fail(err, EX_SOFTWARE, "cannot make the PKCS#12 file");
		goto out;
	}
	sb_reset(out);
	sb_add(out, der, (size_t)n);
	rc = device_audit(dev, "tls.export", name, NULL, NULL, "PKCS#12 with private key", err);
out:
	OPENSSL_free(der);
	PKCS12_free(p12);
	X509_free(x);
	EVP_PKEY_free(pk);
	sk_X509_pop_free(chain, X509_free);
	pair_release(&p);
	return rc;
}

/* --- export, list, show, use, delete ---------------------------------------- */

int
tls_export(struct device *dev, const char *name, bool der, struct strbuf *out, struct svc_err *err)
{
	struct pair p = { 0 };
	unsigned char *buf = NULL;
	X509 *x = NULL;
	int n, rc = -1;

	if (pair_get(dev, name, &p, err) != 0)
		goto out;
	sb_reset(out);
	if (!der) {
		sb_adds(out, p.cert.buf);
		sb_adds(out, sb_str(&p.chain));
		rc = 0;
		goto out;
	}
	if ((x = cert_from_pem(p.cert.buf, err)) == NULL)
		goto out;
	if ((n = i2d_X509(x, &buf)) <= 0) {
		ossl_fail(err, EX_SOFTWARE, "cannot encode certificate");
		goto out;
	}
	sb_add(out, buf, (size_t)n);
	rc = 0;
out:
	OPENSSL_free(buf);
	X509_free(x);
	pair_release(&p);
	return rc;
}

struct list_ctx {
	tls_info_fn fn;
	void *arg;
	struct svc_err *err;
	int failed;
};

/* What a list shows of the certificate in PEM. */
static int
info_from_pem(const char *pem, struct tls_info *in, struct svc_err *err)
{
	X509 *x = cert_from_pem(pem, err);

	if (x == NULL)
		return -1;
	info_fill(x, in);
	X509_free(x);
	return 0;
}

static int
list_one(void *arg, const struct store_tls_key *k)
{
	struct list_ctx *lc = arg;
	struct tls_info in = { 0 };

	if (info_from_pem(k->cert_pem, &in, lc->err) != 0)
		return -1;
	snprintf(in.name, sizeof in.name, "%s", k->name);
	snprintf(in.origin, sizeof in.origin, "%s", k->origin);
	in.in_use = k->in_use;
	in.has_chain = *k->chain_pem != '\0';
	return lc->fn(lc->arg, &in);
}

int
tls_list(struct device *dev, tls_info_fn fn, void *arg, struct svc_err *err)
{
	struct list_ctx lc = { fn, arg, err, 0 };

	return store_tls_key_each(device_store(dev), NULL, list_one, &lc, err);
}

static int
copy_info(void *arg, const struct tls_info *in)
{
	*(struct tls_info *)arg = *in;
	return 0;
}

int
tls_show(struct device *dev, const char *name, struct tls_info *out, struct svc_err *err)
{
	struct list_ctx lc = { copy_info, out, err, 0 };
	int n;

	memset(out, 0, sizeof *out);
	if ((n = store_tls_key_each(device_store(dev), name, list_one, &lc, err)) < 0)
		return -1;
	if (n == 0)
		return svc_errf(err, EX_USAGE, "no key pair named '%s' (see 'svcmode cert list')",
				name);
	return 0;
}

int
tls_use(struct device *dev, const char *name, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct pair p = { 0 };
	char what[80];
	X509 *x = NULL;
	int rc = -1;

	if (pair_get(dev, name, &p, err) != 0)
		goto out;
	snprintf(what, sizeof what, "choosing key pair '%s' for SSL", name);
	if (need_manager(dev, what, name, err) != 0 || (x = cert_from_pem(p.cert.buf, err)) == NULL)
		goto out;
	if (cert_check_time(x, "its certificate", err) != 0) {
		char m[sizeof err->msg];
		snprintf(m, sizeof m, "%s", err->msg);
		svc_errf(err, EX_DATAERR, "cannot use key pair '%s': %s", name, m);
		goto out;
	}
	if (p.in_use) {
		rc = 0;
		goto out;
	}
	if (store_begin(st, err) != 0)
		goto out;
	if (store_tls_key_use(st, name, err) != 1 ||
	    device_audit(dev, "tls.use", name, NULL, NULL, NULL, err) != 0) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
out:
	X509_free(x);
	pair_release(&p);
	return rc;
}

/* --- the device as a TLS server ----------------------------------------------- */

static int
in_use_copy(void *arg, const struct store_tls_key *k)
{
	struct pair *p = arg;

	if (!k->in_use)
		return 0;
	pair_copy(p, k);
	snprintf(p->name, sizeof p->name, "%s", k->name);
	return 1;
}

static int
chain_add(SSL_CTX *ctx, const char *pem, struct svc_err *err)
{
	STACK_OF(X509) *chain = NULL;

	if (pem == NULL || *pem == '\0')
		return 0;
	if (certs_parse(pem, strlen(pem), "the stored chain", &chain, err) != 0)
		return -1;
	for (int i = 0; i < sk_X509_num(chain); i++) {
		X509 *x = sk_X509_value(chain, i);
		if (SSL_CTX_add_extra_chain_cert(ctx, x) != 1) {
			sk_X509_pop_free(chain, X509_free);
			return ossl_fail(err, EX_SOFTWARE, "cannot use the stored chain");
		}
		sk_X509_set(chain, i, NULL); /* the context owns it now */
	}
	sk_X509_free(chain);
	return 0;
}

int
tls_server_ctx(struct device *dev, SSL_CTX *ctx, char *name, size_t cap, struct svc_err *err)
{
	struct pair p = { 0 };
	EVP_PKEY *pk = NULL;
	X509 *x = NULL;
	int rc = -1;

	if (store_tls_key_each(device_store(dev), NULL, in_use_copy, &p, err) < 0)
		goto out;
	if (!p.found) {
		svc_errf(err, EX_CONFIG, "no key pair is in use (see 'svcmode cert list')");
		goto out;
	}
	if ((x = cert_from_pem(p.cert.buf, err)) == NULL ||
	    (pk = key_unseal(dev, p.name, p.sealed.buf, err)) == NULL)
		goto out;
	if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, pk) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ossl_fail(err, EX_DATAERR, "the key pair in use cannot serve TLS");
		goto out;
	}
	if (chain_add(ctx, p.chain.buf, err) != 0)
		goto out;
	snprintf(name, cap, "%s", p.name);
	rc = 0;
out:
	EVP_PKEY_free(pk);
	X509_free(x);
	pair_release(&p);
	return rc;
}

/* The factory pair and the pair in use stay. */
static int
deletable(const char *name, const struct pair *p, struct svc_err *err)
{
	if (strcmp(p->origin.buf, "default") == 0)
		return svc_errf(err, EX_DATAERR,
				"'%s' is the factory default key pair and cannot be deleted "
				"(Initialize All Data/Settings makes a new one)",
				name);
	if (p->in_use)
		return svc_errf(err, EX_DATAERR,
				"key pair '%s' is in use for SSL; choose another first ('svcmode "
				"cert use NAME')",
				name);
	return 0;
}

int
tls_delete_check(struct device *dev, const char *name, struct svc_err *err)
{
	struct pair p = { 0 };
	int rc = -1;

	if (pair_get(dev, name, &p, err) == 0 && deletable(name, &p, err) == 0)
		rc = 0;
	pair_release(&p);
	return rc;
}

int
tls_delete(struct device *dev, const char *name, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct pair p = { 0 };
	char what[80];
	int rc = -1;

	if (pair_get(dev, name, &p, err) != 0 || deletable(name, &p, err) != 0)
		goto out;
	snprintf(what, sizeof what, "deleting key pair '%s'", name);
	if (need_manager(dev, what, name, err) != 0 || store_begin(st, err) != 0)
		goto out;
	if (store_tls_key_delete(st, name, err) != 1 ||
	    device_audit(dev, "tls.delete", name, NULL, NULL, NULL, err) != 0) {
		if (err && err->code == 0)
			svc_errf(err, EX_TEMPFAIL, "key pair '%s' was deleted meanwhile", name);
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
out:
	pair_release(&p);
	return rc;
}

/* --- CA certificates --------------------------------------------------------- */

/* Counts CA rows; ARG (if not NULL) gets the fingerprint (65 bytes). */
static int
ca_seen(void *arg, const struct store_tls_ca *ca)
{
	if (arg)
		snprintf(arg, 65, "%s", ca->fingerprint);
	return 0;
}

/* FP is not installed yet and one more CA certificate fits. */
static int
ca_room(struct device *dev, const char *fp, const struct tls_info *in, struct svc_err *err)
{
	struct store *st = device_store(dev);
	int n;

	if ((n = store_tls_ca_each(st, fp, ca_seen, NULL, err)) != 0)
		return n < 0 ? -1
			     : svc_errf(err, EX_DATAERR,
					"CA certificate '%s' (%s) is installed already",
					in->subject, in->fingerprint);
	if ((n = store_tls_ca_count(st, err)) < 0)
		return -1;
	if (n >= TLS_MAX_CAS)
		return svc_errf(err, EX_DATAERR,
				"the device holds at most %d CA certificates; delete one first "
				"('svcmode cert delete-ca FINGERPRINT')",
				TLS_MAX_CAS);
	return 0;
}

static int
ca_import_common(struct device *dev, const void *data, size_t len, bool dry, struct tls_info *out,
		 struct svc_err *err)
{
	struct store *st = device_store(dev);
	STACK_OF(X509) *certs = NULL;
	struct strbuf pem = STRBUF_INIT;
	struct tls_info in = { 0 };
	char fp[65] = "";
	X509 *x;
	int rc = -1;

	if (out)
		memset(out, 0, sizeof *out);
	if (certs_parse(data, len, "the file", &certs, err) != 0)
		goto out;
	if (sk_X509_num(certs) != 1) {
		svc_errf(err, EX_DATAERR,
			 "the file holds %d certificates; import CA certificates one at a time",
			 sk_X509_num(certs));
		goto out;
	}
	x = sk_X509_value(certs, 0);
	info_fill(x, &in);
	if (!in.is_ca) {
		svc_errf(err, EX_DATAERR,
			 "'%s' is not a CA certificate (basicConstraints CA:FALSE, or no "
			 "keyCertSign key usage)",
			 in.subject);
		goto out;
	}
	if (key_check(X509_get0_pubkey(x), "the CA certificate", err) != 0 ||
	    cert_check_time(x, "the CA certificate", err) != 0 || cert_to_pem(x, &pem, err) != 0)
		goto out;
	fingerprint(x, fp, NULL, 0);
	/* Checked before the login (bad input leaves no trace) and again in
	 * the transaction. */
	if (ca_room(dev, fp, &in, err) != 0)
		goto out;
	if (dry) {
		rc = 0;
		goto out;
	}
	if (need_manager(dev, "importing a CA certificate", "tls.ca", err) != 0 ||
	    store_begin(st, err) != 0)
		goto out;
	struct store_tls_ca ca = { .fingerprint = fp, .subject = in.subject, .cert_pem = pem.buf };
	if (ca_room(dev, fp, &in, err) != 0 || store_tls_ca_add(st, &ca, err) != 0 ||
	    device_audit(dev, "tls.ca_import", "tls.ca", NULL, in.subject, in.fingerprint, err) !=
		    0) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
	if (rc == 0 && out)
		*out = in;
out:
	sb_release(&pem);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int
tls_ca_import_check(struct device *dev, const void *data, size_t len, struct svc_err *err)
{
	return ca_import_common(dev, data, len, true, NULL, err);
}

int
tls_ca_import(struct device *dev, const void *data, size_t len, struct tls_info *out,
	      struct svc_err *err)
{
	return ca_import_common(dev, data, len, false, out, err);
}

static int
ca_one(void *arg, const struct store_tls_ca *ca)
{
	struct list_ctx *lc = arg;
	struct tls_info in = { 0 };

	if (info_from_pem(ca->cert_pem, &in, lc->err) != 0)
		return -1;
	return lc->fn(lc->arg, &in);
}

int
tls_ca_list(struct device *dev, tls_info_fn fn, void *arg, struct svc_err *err)
{
	struct list_ctx lc = { fn, arg, err, 0 };

	return store_tls_ca_each(device_store(dev), NULL, ca_one, &lc, err);
}

/* The stored fingerprint FP names: exactly one, by a prefix of >= 8 digits. */
static int
ca_resolve(struct device *dev, const char *fp, char full[65], struct svc_err *err)
{
	char want[65];
	size_t j = 0;
	int n;

	for (const char *p = fp; *p; p++) {
		if (*p == ':' || *p == ' ')
			continue;
		if (!isxdigit((unsigned char)*p) || j == 64)
			goto bad;
		want[j++] = (char)toupper((unsigned char)*p);
	}
	want[j] = '\0';
	if (j < 8)
		goto bad;
	n = store_tls_ca_each(device_store(dev), want, ca_seen, full, err);
	if (n < 0)
		return -1;
	if (n == 0)
		return svc_errf(
			err, EX_USAGE,
			"no CA certificate has fingerprint '%s' (see 'svcmode cert list-ca')", fp);
	if (n > 1)
		return svc_errf(err, EX_USAGE,
				"fingerprint '%s' matches %d CA certificates; give more digits", fp,
				n);
	return 0;
bad:
	return svc_errf(err, EX_USAGE,
			"invalid fingerprint '%s': expected the SHA-256 fingerprint (or its first "
			"8 or more hex digits), with or without colons",
			fp);
}

int
tls_ca_show(struct device *dev, const char *fp, struct tls_info *out, struct svc_err *err)
{
	struct list_ctx lc = { copy_info, out, err, 0 };
	char full[65];

	memset(out, 0, sizeof *out);
	if (ca_resolve(dev, fp, full, err) != 0)
		return -1;
	return store_tls_ca_each(device_store(dev), full, ca_one, &lc, err) < 0 ? -1 : 0;
}

int
tls_ca_delete(struct device *dev, const char *fp, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct tls_info in = { 0 };
	char full[65];

	if (tls_ca_show(dev, fp, &in, err) != 0 || ca_resolve(dev, fp, full, err) != 0 ||
	    need_manager(dev, "deleting a CA certificate", "tls.ca", err) != 0 ||
	    store_begin(st, err) != 0)
		return -1;
	if (store_tls_ca_delete(st, full, err) != 1 ||
	    device_audit(dev, "tls.ca_delete", "tls.ca", in.subject, NULL, in.fingerprint, err) !=
		    0) {
		if (err && err->code == 0)
			svc_errf(err, EX_TEMPFAIL, "the CA certificate was deleted meanwhile");
		store_rollback(st);
		return -1;
	}
	return store_commit(st, err);
}

struct load_ctx {
	X509_STORE *xs;
	struct svc_err *err;
	int n;
};

static int
ca_load_one(void *arg, const struct store_tls_ca *ca)
{
	struct load_ctx *lc = arg;
	X509 *x = cert_from_pem(ca->cert_pem, lc->err);
	int ok = x && X509_STORE_add_cert(lc->xs, x) == 1;

	X509_free(x);
	if (!ok)
		return x ? ossl_fail(lc->err, EX_SOFTWARE, "cannot add a CA certificate") : -1;
	lc->n++;
	return 0;
}

int
tls_ca_load(struct device *dev, X509_STORE *store, struct svc_err *err)
{
	struct load_ctx lc = { store, err, 0 };

	if (store_tls_ca_each(device_store(dev), NULL, ca_load_one, &lc, err) < 0)
		return -1;
	return lc.n;
}

/* --- Initialize All Data/Settings -------------------------------------------- */

int
tls_erase_user(struct device *dev, struct erase_stats *es, struct svc_err *err)
{
	struct store *st = device_store(dev);
	int keys = store_tls_key_delete_all(st, err), cas;
	char detail[64];

	if (keys < 0 || (cas = store_tls_ca_delete_all(st, err)) < 0)
		return -1;
	erase_count(es, "key pairs", keys);
	erase_count(es, "CA certificates", cas);
	snprintf(detail, sizeof detail, "%d key pairs, %d CA certificates", keys, cas);
	return device_audit(dev, "tls.erase", NULL, NULL, NULL, detail, err);
}
