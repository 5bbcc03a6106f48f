#include "access/access.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SALT_LEN 16
#define HASH_LEN 32
#define MAX_LOCK_SECONDS ((int64_t)24 * 3600)

static int
pbkdf2(const char *secret, const unsigned char *salt, size_t saltlen, int iter,
       unsigned char out[HASH_LEN])
{
	return PKCS5_PBKDF2_HMAC(secret, (int)strlen(secret), salt, (int)saltlen, iter,
				 EVP_sha256(), HASH_LEN, out) == 1
		       ? 0
		       : -1;
}

int
access_hash(const char *secret, struct strbuf *out, struct svc_err *err)
{
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char salt64[32], hash64[48];

	if (RAND_bytes(salt, sizeof salt) != 1 ||
	    pbkdf2(secret, salt, sizeof salt, ACCESS_PBKDF2_ITER, hash) != 0)
		return svc_errf(err, EX_SOFTWARE, "cannot hash credential (OpenSSL failure)");
	EVP_EncodeBlock((unsigned char *)salt64, salt, sizeof salt);
	EVP_EncodeBlock((unsigned char *)hash64, hash, sizeof hash);
	sb_reset(out);
	sb_addf(out, "pbkdf2-sha256$%d$%s$%s", ACCESS_PBKDF2_ITER, salt64, hash64);
	OPENSSL_cleanse(hash, sizeof hash);
	return 0;
}

bool
access_is_hash(const char *stored)
{
	return strncmp(stored, "pbkdf2-sha256$", 14) == 0;
}

bool
access_hash_valid(const char *stored)
{
	char salt64[64], hash64[64], end;
	unsigned char bin[64];
	int iter;

	/* Exactly "pbkdf2-sha256$ITER$SALT$HASH": base64 of 16 and 32 bytes. */
	if (sscanf(stored, "pbkdf2-sha256$%d$%63[^$]$%63[^$]%c", &iter, salt64, hash64, &end) !=
		    3 ||
	    iter < ACCESS_PBKDF2_ITER || iter > ACCESS_PBKDF2_ITER_MAX || strlen(salt64) != 24 ||
	    strlen(hash64) != 44)
		return false;
	return EVP_DecodeBlock(bin, (unsigned char *)salt64, 24) == 18 &&
	       EVP_DecodeBlock(bin, (unsigned char *)hash64, 44) == 33;
}

static bool
matches_hash(const char *stored, const char *given)
{
	char salt64[64], hash64[64];
	unsigned char salt[48], want[48], got[HASH_LEN];
	int iter, saltlen, wantlen;
	bool ok;

	if (sscanf(stored, "pbkdf2-sha256$%d$%63[^$]$%63s", &iter, salt64, hash64) != 3 ||
	    iter < 1000 || iter > 10000000)
		return false;
	saltlen = EVP_DecodeBlock(salt, (unsigned char *)salt64, (int)strlen(salt64));
	wantlen = EVP_DecodeBlock(want, (unsigned char *)hash64, (int)strlen(hash64));
	if (saltlen < SALT_LEN || wantlen < HASH_LEN)
		return false;
	if (pbkdf2(given, salt, SALT_LEN, iter, got) != 0)
		return false;
	ok = CRYPTO_memcmp(got, want, HASH_LEN) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return ok;
}

bool
access_matches(const char *expected, const char *given)
{
	size_t n = strlen(expected);

	if (access_is_hash(expected))
		return matches_hash(expected, given);
	/* A factory default still in clear (it is public anyway). */
	return strlen(given) == n && CRYPTO_memcmp(expected, given, n) == 0;
}

int64_t
access_locked_for(struct store *st, const char *door, struct svc_err *err)
{
	struct store_door d;
	int64_t now = (int64_t)time(NULL);

	if (store_door_get(st, door, &d, err) != 0)
		return -1;
	return d.locked_until > now ? d.locked_until - now : 0;
}

static int
audit(struct store *st, const struct access_who *who, const char *event, const char *door,
      const char *detail, struct svc_err *err)
{
	struct store_audit r = {
		.actor = who->actor,
		.level = level_name(who->level),
		.event = event,
		.key = door,
		.detail = detail,
	};

	return store_audit_add(st, &r, err);
}

static int64_t
lock_seconds(int failures, int base)
{
	int64_t secs = base;

	for (int i = 3; i < failures && secs < MAX_LOCK_SECONDS; i += 3)
		secs *= 2;
	return secs < MAX_LOCK_SECONDS ? secs : MAX_LOCK_SECONDS;
}

static int
record(struct store *st, const struct access_who *who, const char *door, bool ok, int base,
       int64_t *locked, struct svc_err *err)
{
	struct store_door d;
	char detail[96];

	if (store_door_get(st, door, &d, err) != 0)
		return -1;
	*locked = d.locked_until > (int64_t)time(NULL) ? d.locked_until - (int64_t)time(NULL) : 0;
	if (*locked > 0) {
		snprintf(detail, sizeof detail, "attempt while locked (%lld s left)",
			 (long long)*locked);
		return audit(st, who, "login-locked", door, detail, err);
	}
	if (ok) {
		if ((d.failures || d.locked_until) &&
		    store_door_put(st, door, &(struct store_door){ 0, 0 }, err) != 0)
			return -1;
		return audit(st, who, "login", door, NULL, err);
	}
	d.failures++;
	snprintf(detail, sizeof detail, "wrong credential (%d in a row)", d.failures);
	if (audit(st, who, "login-failed", door, detail, err) != 0)
		return -1;
	if (d.failures % 3 == 0) {
		int64_t secs = lock_seconds(d.failures, base);
		d.locked_until = (int64_t)time(NULL) + secs;
		snprintf(detail, sizeof detail, "locked for %lld s after %d wrong attempts",
			 (long long)secs, d.failures);
		if (audit(st, who, "lockout", door, detail, err) != 0)
			return -1;
	}
	return store_door_put(st, door, &d, err);
}

int
access_attempt(struct store *st, const struct access_who *who, const char *door, bool ok,
	       int base_delay, struct svc_err *err)
{
	int64_t locked = 0;

	if (store_begin(st, err) != 0)
		return -1;
	if (record(st, who, door, ok, base_delay, &locked, err) != 0) {
		store_rollback(st);
		return -1;
	}
	if (store_commit(st, err) != 0)
		return -1;
	if (locked > 0)
		return svc_errf(err, EX_TEMPFAIL,
				"%s is locked after repeated wrong attempts: try "
				"again in %lld s",
				door, (long long)locked);
	if (!ok)
		return svc_errf(err, EX_NOPERM, "wrong credential for %s", door);
	return 0;
}
