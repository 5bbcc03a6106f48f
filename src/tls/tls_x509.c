/* Reading certificates and describing them: parsing PEM and DER, the
 * names, alt names, key, validity and fingerprint a tls_info shows. */
#include "tls/tls.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tls/tls_int.h"
#include "util/err_openssl.h"
#include "util/hex.h"

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
int
tls_certs_parse(const void *data, size_t len, const char *what, STACK_OF(X509) * *out,
		struct svc_err *err)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	BIO *bio = NULL;
	X509 *x;

	*out = NULL;
	if (sk == NULL)
		return svc_err_openssl(err, EX_SOFTWARE, "out of memory");
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

X509 *
tls_cert_from_pem(const char *pem, struct svc_err *err)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

	BIO_free(bio);
	if (x == NULL)
		svc_err_openssl(err, EX_DATAERR, "a stored certificate is damaged");
	return x;
}

int
tls_cert_to_pem(X509 *x, struct strbuf *out, struct svc_err *err)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;

	if (bio == NULL || PEM_write_bio_X509(bio, x) != 1) {
		BIO_free(bio);
		return svc_err_openssl(err, EX_SOFTWARE, "cannot encode certificate");
	}
	n = BIO_get_mem_data(bio, &p);
	sb_add(out, p, (size_t)n);
	BIO_free(bio);
	return 0;
}

/* Refuses a certificate that is not valid now. */
int
tls_cert_check_time(X509 *x, const char *what, struct svc_err *err)
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
int
tls_key_check(EVP_PKEY *pk, const char *what, struct svc_err *err)
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

void
tls_fingerprint(X509 *x, char *hex64, char *colons, size_t cap)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	size_t j = 0;

	X509_digest(x, EVP_sha256(), md, &n);
	if (hex64)
		hex_encode_upper(md, n, hex64);
	for (unsigned int i = 0; i < n; i++) {
		if (colons && j + 3 < cap)
			j += (size_t)snprintf(colons + j, cap - j, "%s%02X", i ? ":" : "", md[i]);
	}
}

void
tls_info_fill(X509 *x, struct tls_info *in)
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
	tls_fingerprint(x, NULL, in->fingerprint, sizeof in->fingerprint);
	OPENSSL_free(hex);
	BN_free(bn);
	ERR_clear_error();
}

/* What a list shows of the certificate in PEM. */
int
tls_info_from_pem(const char *pem, struct tls_info *in, struct svc_err *err)
{
	X509 *x = tls_cert_from_pem(pem, err);

	if (x == NULL)
		return -1;
	tls_info_fill(x, in);
	X509_free(x);
	return 0;
}
