/*
 * Access control: PIN and code hashing, and the guarded doors (System
 * Manager, Service Mode levels 1 and 2, protected inboxes) with their
 * persistent lockout. Every success, failure and lockout is audited here.
 */
#ifndef SVC_ACCESS_H
#define SVC_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

#include "catalog/catalog.h"
#include "store/store.h"
#include "util/err.h"

/* Hash form: "pbkdf2-sha256$ITERATIONS$SALT_B64$HASH_B64". */
#define ACCESS_PBKDF2_ITER 100000
/* The most iterations a stored hash may ask for: more would make every
 * check take seconds (a hash from a file is checked against this). */
#define ACCESS_PBKDF2_ITER_MAX 1000000

int access_hash(const char *secret, struct strbuf *out, struct svc_err *err);
/* True if EXPECTED (a hash, or a factory default in clear) matches GIVEN.
 * Constant time in the compared bytes. */
bool access_matches(const char *expected, const char *given);
bool access_is_hash(const char *stored);
/* Whether STORED is a hash in exactly the form access_hash writes, with an
 * iteration count in [ACCESS_PBKDF2_ITER, ACCESS_PBKDF2_ITER_MAX]. */
bool access_hash_valid(const char *stored);

/* Who is acting, for the audit log. */
struct access_who {
	const char *actor;
	enum level level;
};

/*
 * Checks one attempt at DOOR ("manager", "service1", "service2", "box:07"...).
 * OK is whether the credential matched (the caller compares, so a door may
 * need two values). Returns 0 on success; -1 with EX_TEMPFAIL while the
 * door is locked (the attempt is not even checked) or EX_NOPERM for a
 * wrong credential. Three wrong attempts in a row lock the door for
 * BASE_DELAY seconds, doubling with every further three. Commits its own
 * transaction: failures are recorded even though the command then fails.
 */
int access_attempt(struct store *st, const struct access_who *who, const char *door, bool ok,
		   int base_delay, struct svc_err *err);
/* Seconds until DOOR opens again; 0 if it is not locked. */
int64_t access_locked_for(struct store *st, const char *door, struct svc_err *err);

#endif
