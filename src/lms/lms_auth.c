/* Engineer accounts and their sessions; see lms_core.h. */
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lms/lms_core.h"
#include "lms/lms_core_int.h"
#include "util/hex.h"
#include "util/strbuf.h"

/* --- accounts and sessions ------------------------------------------------ */

/* OWASP's 2023 figure for PBKDF2-HMAC-SHA-256; kept in each hash, so that
 * it can grow without invalidating the old ones. */
#define PBKDF2_ITER 600000
#define SALT_LEN 16
#define HASH_LEN 32

static int
pbkdf2(const char *password, const unsigned char *salt, int iter, unsigned char out[HASH_LEN],
       struct svc_err *err)
{
	if (PKCS5_PBKDF2_HMAC(password, (int)strlen(password), salt, SALT_LEN, iter, EVP_sha256(),
			      HASH_LEN, out) != 1)
		return svc_errf(err, EX_SOFTWARE, "PBKDF2 failed");
	return 0;
}

static bool
valid_name(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 32 || !islower((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    !strchr("._-", s[i]))
			return false;
	return true;
}

/* The write of lms_account_add: one try (lms_retry). */
static int
account_add_once(struct lms_core *c, void *args, struct svc_err *err)
{
	const struct lms_account *a = args;

	if (lms_db_begin(c->db, err) != 0)
		return lms_refused(c, "account-add", a->name, err);
	if (lms_db_account_add(c->db, a, (int64_t)time(NULL), err) != 0) {
		c->code = err->code == EX_DATAERR ? "ACCOUNT_EXISTS" : NULL;
		return lms_refused(c, "account-add", a->name, err);
	}
	if (lms_commit_ok(c, "account-add", a->name, a->role, err) != 0)
		return lms_refused(c, "account-add", a->name, err);
	return 0;
}

int
lms_account_add(struct lms_core *c, const char *name, const char *role, const char *password,
		struct svc_err *err)
{
	struct lms_account a = { 0 };
	unsigned char salt[SALT_LEN], hash[HASH_LEN];
	char salt_hex[2 * SALT_LEN + 1], hash_hex[2 * HASH_LEN + 1];

	c->code = NULL;
	if (!valid_name(name))
		REFUSE(c, "BAD_NAME", EX_USAGE,
		       "invalid account name '%s': 1-32 of a-z, 0-9, '.', '_', '-', starting "
		       "with a letter",
		       name ? name : "");
	else if (strcmp(role, "engineer") != 0 && strcmp(role, "admin") != 0)
		REFUSE(c, "BAD_ROLE", EX_USAGE, "invalid role '%s': engineer or admin", role);
	else if (password == NULL || strlen(password) < 10)
		REFUSE(c, "WEAK_PASSWORD", EX_USAGE, "the password needs at least 10 characters");
	if (c->code)
		return lms_refused(c, "account-add", name, err);
	if (RAND_bytes(salt, sizeof salt) != 1 || pbkdf2(password, salt, PBKDF2_ITER, hash, err))
		return lms_refused(c, "account-add", name, err);
	hex_encode(salt, sizeof salt, salt_hex);
	hex_encode(hash, sizeof hash, hash_hex);
	OPENSSL_cleanse(hash, sizeof hash);
	strlcpy_(a.name, name, sizeof a.name);
	strlcpy_(a.role, role, sizeof a.role);
	snprintf(a.password, sizeof a.password, "pbkdf2-sha256$%d$%s$%s", PBKDF2_ITER, salt_hex,
		 hash_hex);
	return lms_retry(c, account_add_once, &a, err);
}

/* Whether PASSWORD matches STORED (constant time in the hash). */
static int
password_ok(const char *stored, const char *password, bool *ok, struct svc_err *err)
{
	unsigned char salt[SALT_LEN], want[HASH_LEN], got[HASH_LEN];
	const char *p = stored, *dollar;
	long iter;

	*ok = false;
	if (strncmp(p, "pbkdf2-sha256$", 14) != 0)
		return svc_errf(err, EX_DATAERR, "unknown password hash");
	iter = strtol(p + 14, (char **)&dollar, 10);
	if (*dollar != '$' || iter < 1000 || iter > 100000000 || strlen(dollar) != 2 + 32 + 64 ||
	    hex_decode(dollar + 1, salt, SALT_LEN) != 0 || dollar[33] != '$' ||
	    hex_decode(dollar + 34, want, HASH_LEN) != 0)
		return svc_errf(err, EX_DATAERR, "damaged password hash");
	if (pbkdf2(password, salt, (int)iter, got, err) != 0)
		return -1;
	*ok = CRYPTO_memcmp(want, got, HASH_LEN) == 0;
	OPENSSL_cleanse(got, sizeof got);
	return 0;
}

/* A hash no password matches: an unknown name costs as long as a known one. */
static const char DUMMY[] = "pbkdf2-sha256$600000$00000000000000000000000000000000$"
			    "0000000000000000000000000000000000000000000000000000000000000000";

static void
token_hash(const char *token, char hex[65])
{
	lms_sha256_hex(token, hex);
}

struct signin_args {
	const char *hash;
	const struct lms_account *a;
	int64_t expires;
};

/* The write of lms_signin, the session and its audit: one try (lms_retry). */
static int
signin_once(struct lms_core *c, void *args, struct svc_err *err)
{
	const struct signin_args *sa = args;

	if (lms_db_begin(c->db, err) != 0 ||
	    lms_db_session_add(c->db, sa->hash, sa->a->name, sa->expires, err) != 0 ||
	    lms_commit_ok(c, "signin", sa->a->name, sa->a->role, err) != 0)
		return lms_refused(c, "signin", sa->a->name, err);
	return 0;
}

int
lms_signin(struct lms_core *c, const char *user, const char *password, int64_t ttl, char token[65],
	   int64_t *expires, struct svc_err *err)
{
	struct signin_args sa;
	struct lms_account a;
	unsigned char raw[32];
	char hash[65];
	bool ok = false;
	int have;

	token[0] = '\0';
	*expires = 0;
	c->code = NULL;
	c->account = user && valid_name(user) ? user : "(unknown)";
	if (lms_rate_check(c, ",signin,", c->max_signin, err) != 0)
		return lms_refused(c, "signin", user, err);
	have = lms_db_account_get(c->db, c->account, &a, err);
	if (have < 0 || password_ok(have ? a.password : DUMMY, password ? password : "", &ok, err))
		return lms_refused(c, "signin", user, err);
	if (!have || !ok) {
		REFUSE(c, "BAD_CREDENTIALS", EX_NOPERM, "wrong account name or password");
		return lms_refused(c, "signin", user, err);
	}
	if (RAND_bytes(raw, sizeof raw) != 1) {
		svc_errf(err, EX_SOFTWARE, "no randomness for a token");
		return lms_refused(c, "signin", user, err);
	}
	hex_encode(raw, sizeof raw, token);
	OPENSSL_cleanse(raw, sizeof raw);
	token_hash(token, hash);
	*expires = (int64_t)time(NULL) + ttl;
	sa.hash = hash;
	sa.a = &a;
	sa.expires = *expires;
	if (lms_retry(c, signin_once, &sa, err) != 0) { /* refused and audited there */
		OPENSSL_cleanse(token, 65);
		token[0] = '\0';
		return -1;
	}
	return 0;
}

int
lms_session(struct lms_core *c, const char *token, struct lms_account *out, struct svc_err *err)
{
	char hash[65];
	int have;

	c->code = NULL;
	if (token == NULL || !hex_is_lower(token, 64))
		return REFUSE(c, "UNAUTHORIZED", EX_NOPERM, "sign in first: no valid token");
	token_hash(token, hash);
	have = lms_db_session_get(c->db, hash, (int64_t)time(NULL), out, err);
	if (have < 0)
		return -1;
	if (!have)
		return REFUSE(c, "UNAUTHORIZED", EX_NOPERM,
			      "the session has expired or does not exist: sign in again");
	return 0;
}
