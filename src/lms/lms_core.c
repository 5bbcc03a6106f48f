/* What the LMS does; see lms_core.h. */
#include "lms/lms_core.h"
#include "lms/lms_core_int.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/hex.h"
#include "util/strbuf.h"
#include "util/text.h"

int
lms_check_serial(struct lms_core *c, const char *s, struct svc_err *err)
{
	if (!text_is_serial(s))
		return REFUSE(c, "BAD_SERIAL", EX_USAGE,
			      "invalid serial number '%s': expected 3 capital "
			      "letters and 5 digits, like ABC12345",
			      s ? s : "");
	return 0;
}

const struct lic_option *
lms_find_option(struct lms_core *c, const char *name, struct svc_err *err)
{
	const struct lic_option *o = name ? lic_option_find(name) : NULL;

	if (o == NULL)
		REFUSE(c, "UNKNOWN_OPTION", EX_USAGE,
		       "unknown option '%s' (see 'svcmode-lms options')", name ? name : "");
	return o;
}

void
lms_audit(struct lms_core *c, const char *action, const char *subject, const char *result,
	  const char *detail)
{
	struct lms_audit a = { .at = (int64_t)time(NULL) };
	struct svc_err ignored = { 0 };

	strlcpy_(a.account, c->account ? c->account : "(cli)", sizeof a.account);
	strlcpy_(a.address, c->address ? c->address : "local", sizeof a.address);
	strlcpy_(a.action, action, sizeof a.action);
	strlcpy_(a.subject, subject ? subject : "", sizeof a.subject);
	strlcpy_(a.result, result, sizeof a.result);
	strlcpy_(a.detail, detail ? detail : "", sizeof a.detail);
	/* An audit row that cannot be written fails the action only where the
	 * caller commits it with the action (audit_ok); a refusal is already
	 * refused. */
	(void)lms_db_audit_add(c->db, &a, &ignored);
}

/* Ends a failed action: rolls back, then audits the refusal; not a
 * serialization conflict that lms_retry() will run again. */
int
lms_refused(struct lms_core *c, const char *action, const char *subject, struct svc_err *err)
{
	lms_db_rollback(c->db);
	if (c->retry && lms_db_conflict(c->db))
		return -1;
	if (c->code == NULL)
		c->code = err->code == EX_TEMPFAIL ? "BUSY" : "INTERNAL";
	lms_audit(c, action, subject, c->code, err->msg);
	return -1;
}

/* Ends a successful action: its audit row and the commit, together. */
int
lms_commit_ok(struct lms_core *c, const char *action, const char *subject, const char *detail,
	      struct svc_err *err)
{
	struct lms_audit a = { .at = (int64_t)time(NULL) };

	strlcpy_(a.account, c->account ? c->account : "(cli)", sizeof a.account);
	strlcpy_(a.address, c->address ? c->address : "local", sizeof a.address);
	strlcpy_(a.action, action, sizeof a.action);
	strlcpy_(a.subject, subject, sizeof a.subject);
	strlcpy_(a.result, "ok", sizeof a.result);
	strlcpy_(a.detail, detail, sizeof a.detail);
	return lms_db_audit_add(c->db, &a, err) == 0 ? lms_db_commit(c->db, err) : -1;
}

/* Refuses when ACCOUNT or ADDRESS failed ACTIONS (",a,b,") too often. */
int
lms_rate_check(struct lms_core *c, const char *actions, int max, struct svc_err *err)
{
	int64_t n = 0;

	if (max <= 0 || c->address == NULL) /* the command line has no limit */
		return 0;
	if (lms_db_audit_failures(c->db, actions, c->account, c->address,
				  (int64_t)time(NULL) - LMS_WINDOW, &n, err) != 0)
		return -1;
	if (n >= max)
		return REFUSE(c, "RATE_LIMITED", EX_TEMPFAIL,
			      "too many failed attempts (%lld) from this account or address: "
			      "wait %d minutes",
			      (long long)n, LMS_WINDOW / 60);
	return 0;
}

int
lms_make_key(struct lms_core *c, const char *serial, const struct lic_option *opt, int64_t number,
	     char key[LIC_TEXT], struct svc_err *err)
{
	unsigned char dk[LIC_DEVKEY_LEN];
	int rc;

	if (number > (int64_t)LIC_NUMBER_MAX)
		return REFUSE(c, "NUMBERS_EXHAUSTED", EX_UNAVAILABLE,
			      "all %u license numbers are used", LIC_NUMBER_MAX);
	rc = lic_device_key(c->secret, c->secret_len, serial, dk, err);
	if (rc == 0)
		rc = lic_key_issue(dk, serial, (unsigned)opt->code, (uint32_t)number, key, err);
	OPENSSL_cleanse(dk, sizeof dk);
	return rc;
}

static void
grant_set(struct lms_grant *g, const char *serial, const struct lic_option *opt, int64_t number)
{
	strlcpy_(g->serial, serial, sizeof g->serial);
	strlcpy_(g->option, opt->name, sizeof g->option);
	g->number = number;
}

/* A new live license of OPTION for SERIAL, in the action's transaction.
 * When SERIAL holds OPTION already (the database's key says so: no read
 * first, see lms_db_license_add), the action is refused with what it left
 * undone (THEN), naming the license SERIAL holds; that read comes after the
 * rollback, so that it locks nothing. */
static int
license_new(struct lms_core *c, const char *serial, const char *option, const char *then,
	    int64_t *number, struct svc_err *err)
{
	struct lms_license live;
	int rc = lms_db_license_add(c->db, serial, option, number, err);

	if (rc <= 0)
		return rc;
	lms_db_rollback(c->db);
	if (lms_db_live(c->db, serial, option, &live, NULL) <= 0)
		live.number = 0;
	return REFUSE(c, "ALREADY_LICENSED", EX_DATAERR, "%s already holds %s license %06lld: %s",
		      serial, option, (long long)live.number, then);
}

struct issue_args {
	const char *serial, *option;
	struct lms_grant *out;
};

static int
issue_once(struct lms_core *c, void *args, struct svc_err *err)
{
	const struct issue_args *a = args;
	const char *serial = a->serial;
	struct lms_grant *out = a->out;
	const struct lic_option *opt;
	struct lms_license live;
	int64_t number = 0;
	char detail[64];
	int have;

	memset(out, 0, sizeof *out);
	c->code = NULL;
	opt = lms_find_option(c, a->option, err);
	if (opt == NULL || lms_check_serial(c, serial, err) != 0 || lms_db_begin(c->db, err) != 0)
		return lms_refused(c, "issue", serial, err);
	have = lms_db_live(c->db, serial, opt->name, &live, err);
	if (have < 0 ||
	    (!have && license_new(c, serial, opt->name, "nothing issued", &number, err) != 0))
		return lms_refused(c, "issue", serial, err);
	if (have) {
		number = live.number;
		strlcpy_(out->issued, live.issued, sizeof out->issued);
	}
	/* The key is made before the commit: no number is recorded without it. */
	snprintf(detail, sizeof detail, "%s license %06lld%s", opt->name, (long long)number,
		 have ? " again" : "");
	if (lms_make_key(c, serial, opt, number, out->key, err) != 0 ||
	    lms_commit_ok(c, "issue", serial, detail, err) != 0)
		return lms_refused(c, "issue", serial, err);
	grant_set(out, serial, opt, number);
	return have; /* 1: the same key again */
}

int
lms_issue(struct lms_core *c, const char *serial, const char *option, struct lms_grant *out,
	  struct svc_err *err)
{
	struct issue_args a = { serial, option, NULL };

	memset(out, 0, sizeof *out);
	a.out = out;
	return lms_retry(c, issue_once, &a, err);
}

/* --- transfer numbers ----------------------------------------------------- */

struct candidates {
	struct lms_license live;
	struct lms_license last;
	int n, nlive;
};

static int
collect(void *arg, const struct lms_license *lic)
{
	struct candidates *k = arg;

	k->n++;
	k->last = *lic;
	if (strcmp(lic->state, "issued") == 0) {
		k->live = *lic;
		k->nlive++;
	}
	return 0;
}

static int
verify_for(struct lms_core *c, const struct lms_license *lic, const char *number, bool *ok,
	   struct svc_err *err)
{
	const struct lic_option *opt = lic_option_find(lic->option);
	unsigned char dk[LIC_DEVKEY_LEN];
	int rc;

	*ok = false;
	if (opt == NULL)
		return 0;
	rc = lic_device_key(c->secret, c->secret_len, lic->serial, dk, err);
	if (rc == 0)
		rc = lic_transfer_verify(dk, lic->serial, (unsigned)opt->code,
					 (uint32_t)lic->number, number, ok, err);
	OPENSSL_cleanse(dk, sizeof dk);
	return rc;
}

/* The license of FROM/OPT that NUMBER ends (the command line's way). */
static int
verify_known(struct lms_core *c, const char *from, const struct lic_option *opt, const char *number,
	     const char *norm, struct lms_license *lic, struct svc_err *err)
{
	struct candidates k = { 0 };
	bool ok = false;

	if (lms_db_licenses(c->db, from, opt->name, collect, &k, err) != 0)
		return -1;
	if (k.n == 0)
		return REFUSE(c, "NO_LICENSE", EX_DATAERR,
			      "%s never had %s: this LMS issued no %s license for it", from,
			      opt->name, opt->name);
	if (k.nlive == 0)
		return REFUSE(c, "NO_LICENSE", EX_DATAERR,
			      "%s has no %s license left to transfer: license %06lld was moved "
			      "already",
			      from, opt->name, (long long)k.last.number);
	if (verify_for(c, &k.live, number, &ok, err) != 0)
		return -1;
	if (!ok)
		return REFUSE(c, "NUMBER_INVALID", EX_DATAERR,
			      "transfer number %s does not verify for %s license %06lld on %s: "
			      "from another device or option?",
			      norm, opt->name, (long long)k.live.number, from);
	*lic = k.live;
	return 0;
}

struct scan {
	struct lms_core *c;
	const char *number;
	struct lms_license found;
	bool hit, failed;
	struct svc_err *err;
};

static int
scan_one(void *arg, const struct lms_license *lic)
{
	struct scan *s = arg;
	bool ok = false;

	if (strcmp(lic->state, "issued") != 0)
		return 0;
	if (verify_for(s->c, lic, s->number, &ok, s->err) != 0) {
		s->failed = true;
		return -1;
	}
	if (!ok)
		return 0;
	s->found = *lic;
	s->hit = true;
	return -1; /* stop: found */
}

/* The live license that NUMBER ends, among all (the device's way: it sends
 * the number alone); then FROM and OPT, when given, must be its own. */
static int
verify_scan(struct lms_core *c, const char *from, const struct lic_option *opt, const char *number,
	    const char *norm, struct lms_license *lic, struct svc_err *err)
{
	struct scan s = { .c = c, .number = number, .err = err };

	/* Stopping on a hit also returns -1: only a miss with it is an error. */
	if (lms_db_licenses(c->db, from, NULL, scan_one, &s, err) != 0 && !s.hit)
		return -1;
	if (!s.hit)
		return REFUSE(c, "NUMBER_INVALID", EX_DATAERR,
			      "transfer number %s matches no live license of this LMS%s%s: "
			      "mistyped in more than one group, or moved already?",
			      norm, from ? " on " : "", from ? from : "");
	if (opt && strcmp(opt->name, s.found.option) != 0)
		return REFUSE(c, "WRONG_OPTION", EX_DATAERR,
			      "transfer number %s is for %s license %06lld on %s, not %s", norm,
			      s.found.option, (long long)s.found.number, s.found.serial, opt->name);
	*lic = s.found;
	return 0;
}

/* A NUMBER that matched no live license: when it was used already, the
 * refusal says so (NUMBER_USED) rather than what the license search found.
 * The action is refused either way: its transaction ends first, so that
 * this read holds no serializable lock that other transfers could meet. */
static int
refuse_used(struct lms_core *c, const char *norm, struct svc_err *err)
{
	struct lms_transfer t;
	int used;

	lms_db_rollback(c->db);
	used = lms_db_transfer_get(c->db, norm, &t, NULL);
	if (used <= 0)
		return -1; /* the search's own refusal stands */
	return REFUSE(c, "NUMBER_USED", EX_DATAERR,
		      "transfer number %s was already used on %s: %s moved from %s to %s "
		      "(license %06lld)",
		      norm, t.at, t.option, t.from, t.to, (long long)t.new_license);
}

/* Parses NUMBER (typos named by group), gives its normal form (dashed
 * groups), and finds the live license it ends, or refuses a used one. The
 * transfer table is read only when no live license matches: a number that
 * verifies against a live license cannot have been used, since its
 * transfer ended that license in the same transaction. Not reading it
 * first keeps concurrent transfers of other numbers from meeting on its
 * index pages (PostgreSQL's serializable checks are per page). */
static int
verify_in(struct lms_core *c, const char *from, const char *option, const char *number,
	  struct lms_grant *g, struct lms_license *lic, struct svc_err *err)
{
	const struct lic_option *opt = NULL;
	uint64_t mac;
	size_t n = 0;
	int rc;

	if (option && (opt = lms_find_option(c, option, err)) == NULL)
		return -1;
	if (from && lms_check_serial(c, from, err) != 0)
		return -1;
	if (number == NULL)
		return REFUSE(c, "NUMBER_MISTYPED", EX_USAGE, "no transfer number given");
	if (lic_transfer_parse(number, &g->counter, &mac, err) != 0) {
		c->code = "NUMBER_MISTYPED"; /* the message names the group */
		return -1;
	}
	for (const char *s = number; *s && n + 1 < sizeof g->transfer; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (n && n % 5 == 4)
			g->transfer[n++] = '-';
		g->transfer[n++] = *s;
	}
	g->transfer[n] = '\0';
	if (from && opt)
		rc = verify_known(c, from, opt, number, g->transfer, lic, err);
	else
		rc = verify_scan(c, from, opt, number, g->transfer, lic, err);
	/* Refused because no live license matched (not for a wrong option,
	 * nor a database error): perhaps because the number was used. */
	if (rc != 0 && c->code != NULL &&
	    (strcmp(c->code, "NO_LICENSE") == 0 || strcmp(c->code, "NUMBER_INVALID") == 0))
		refuse_used(c, g->transfer, err);
	return rc;
}

static void
grant_from(struct lms_grant *g, const struct lms_license *lic)
{
	strlcpy_(g->from, lic->serial, sizeof g->from);
	strlcpy_(g->option, lic->option, sizeof g->option);
	g->from_license = lic->number;
}

int
lms_verify(struct lms_core *c, const char *from, const char *option, const char *number,
	   struct lms_grant *out, struct svc_err *err)
{
	struct lms_license lic = { 0 };
	char detail[160];

	memset(out, 0, sizeof *out);
	c->code = NULL;
	if (lms_rate_check(c, ",verify,transfer,redeem,", c->max_failures, err) != 0 ||
	    verify_in(c, from, option, number, out, &lic, err) != 0)
		return lms_refused(c, "verify", from, err);
	grant_from(out, &lic);
	snprintf(detail, sizeof detail, "%s: %s license %06lld on %s, invalidation %u",
		 out->transfer, lic.option, (long long)lic.number, lic.serial, out->counter);
	lms_audit(c, "verify", lic.serial, "ok", detail);
	return 0;
}

/* Tries before a conflict is given up as BUSY. */
#define LMS_TRIES 32

/* Before try N+1: a random wait of up to 2^N ms (at most 8), so that the
 * transactions that met do not meet again. Short, because the wait holds
 * a server thread, and the other requests of that thread's connections
 * wait with it: with a 64 ms cap the waits were the transfers' p99. */
static void
retry_wait(int n)
{
	unsigned char r;
	struct timespec ts = { 0, 0 };

	if (RAND_bytes(&r, 1) != 1)
		r = 128;
	ts.tv_nsec = (long)(r % (1u << (n < 3 ? n : 3)) + 1) * 1000000L;
	nanosleep(&ts, NULL);
}

/* Every action that writes is one transaction: SERIALIZABLE on PostgreSQL,
 * where of two that meet one fails to commit (40001, or a deadlock) and
 * runs again from the start, and BEGIN IMMEDIATE on SQLite, where another
 * process may hold the file past the busy timeout. */
int
lms_retry(struct lms_core *c, lms_action_fn once, void *args, struct svc_err *err)
{
	int rc;

	for (int n = 1;; n++) {
		c->retry = n < LMS_TRIES;
		rc = once(c, args, err);
		if (rc >= 0 || !c->retry || !lms_db_conflict(c->db))
			break;
		retry_wait(n);
	}
	c->retry = false;
	return rc;
}

struct transfer_args {
	const char *from, *to, *option, *number;
	struct lms_grant *out;
};

static int transfer_once(struct lms_core *c, void *args, struct svc_err *err);

int
lms_transfer(struct lms_core *c, const char *from, const char *to, const char *option,
	     const char *number, struct lms_grant *out, struct svc_err *err)
{
	struct transfer_args a = { from, to, option, number, NULL };

	memset(out, 0, sizeof *out);
	a.out = out;
	return lms_retry(c, transfer_once, &a, err);
}

struct redeem_args {
	const char *text, *serial;
	struct lms_grant *out;
};

static int redeem_once(struct lms_core *c, void *args, struct svc_err *err);

int
lms_redeem(struct lms_core *c, const char *text, const char *serial, struct lms_grant *out,
	   struct svc_err *err)
{
	struct redeem_args a = { text, serial, NULL };

	memset(out, 0, sizeof *out);
	a.out = out;
	return lms_retry(c, redeem_once, &a, err);
}

static int
transfer_once(struct lms_core *c, void *args, struct svc_err *err)
{
	const struct transfer_args *a = args;
	const char *from = a->from, *to = a->to;
	struct lms_grant *out = a->out;
	struct lms_transfer t = { 0 };
	struct lms_license lic = { 0 };
	const struct lic_option *opt;
	char detail[160];

	memset(out, 0, sizeof *out);
	c->code = NULL;
	if (lms_check_serial(c, to, err) != 0)
		return lms_refused(c, "transfer", to, err);
	if (from && strcmp(from, to) == 0) {
		REFUSE(c, "SAME_DEVICE", EX_USAGE, "--from and --to are both %s", from);
		return lms_refused(c, "transfer", to, err);
	}
	if (lms_rate_check(c, ",verify,transfer,redeem,", c->max_failures, err) != 0 ||
	    lms_db_begin(c->db, err) != 0 ||
	    verify_in(c, from, a->option, a->number, out, &lic, err) != 0)
		return lms_refused(c, "transfer", to, err);
	grant_from(out, &lic);
	opt = lic_option_find(lic.option);
	if (strcmp(lic.serial, to) == 0) {
		REFUSE(c, "SAME_DEVICE", EX_USAGE,
		       "transfer number %s is of %s itself: a license moves to another device",
		       out->transfer, to);
		return lms_refused(c, "transfer", to, err);
	}
	strlcpy_(t.number, out->transfer, sizeof t.number);
	strlcpy_(t.from, lic.serial, sizeof t.from);
	strlcpy_(t.to, to, sizeof t.to);
	strlcpy_(t.option, lic.option, sizeof t.option);
	t.counter = out->counter;
	t.license = lic.number;
	snprintf(detail, sizeof detail, "%s: %s license %06lld of %s", out->transfer, lic.option,
		 (long long)lic.number, lic.serial);
	if (lms_db_license_end(c->db, lic.number, err) != 0 ||
	    license_new(c, to, lic.option, "nothing moved", &t.new_license, err) != 0 ||
	    lms_db_transfer_add(c->db, &t, err) != 0 ||
	    lms_make_key(c, to, opt, t.new_license, out->key, err) != 0 ||
	    lms_commit_ok(c, "transfer", to, detail, err) != 0)
		return lms_refused(c, "transfer", to, err);
	grant_set(out, to, opt, t.new_license);
	return 0;
}

/* --- License Access Numbers ----------------------------------------------- */

#define LAN_GROUPS 4

void
lms_sha256_hex(const char *norm, char hex[65])
{
	unsigned char md[32];
	unsigned int len = 0;

	EVP_Digest(norm, strlen(norm), md, &len, EVP_sha256(), NULL);
	hex_encode(md, sizeof md, hex);
}

/* TEXT in its normal form (upper case, dashed groups), each group's check
 * symbol right: the groups that are wrong are named. */
static int
lan_parse(struct lms_core *c, const char *text, char norm[LMS_LAN_TEXT], struct svc_err *err)
{
	unsigned v[LAN_GROUPS * 4];
	char bad[32] = "";
	size_t n = 0;

	for (const char *s = text ? text : ""; *s; s++) {
		const char *p;

		if (*s == ' ' || *s == '-')
			continue;
		p = *s ? strchr(lic_alphabet, toupper((unsigned char)*s)) : NULL;
		if (p == NULL || n == LAN_GROUPS * 4)
			return REFUSE(c, "LAN_MISTYPED", EX_DATAERR,
				      "license access number '%s': expected 16 characters of "
				      "%s in 4 groups, like %s",
				      text ? text : "", lic_alphabet, "ABCD-EFGH-JKLM-NPQR");
		v[n] = (unsigned)(p - lic_alphabet);
		n++;
	}
	if (n != LAN_GROUPS * 4)
		return REFUSE(c, "LAN_MISTYPED", EX_DATAERR,
			      "license access number '%s' has %zu characters, not 16",
			      text ? text : "", n);
	for (unsigned g = 0, k = 0; g < LAN_GROUPS; g++) {
		for (unsigned i = 0; i < 4; i++)
			norm[k++] = lic_alphabet[v[4 * g + i]];
		norm[k++] = g + 1 < LAN_GROUPS ? '-' : '\0';
		if (lic_group_check(g, &v[4 * g]) != v[4 * g + 3])
			snprintf(bad + strlen(bad), sizeof bad - strlen(bad), "%s%u",
				 bad[0] ? ", " : "", g + 1);
	}
	if (bad[0])
		return REFUSE(c, "LAN_MISTYPED", EX_DATAERR,
			      "license access number %s: group %s mistyped", norm, bad);
	return 0;
}

static void
lan_make(char out[LMS_LAN_TEXT])
{
	unsigned char r[LAN_GROUPS * 3];
	unsigned v[4];
	size_t k = 0;

	if (RAND_bytes(r, sizeof r) != 1)
		abort(); /* no randomness: nothing safe to hand out */
	for (unsigned g = 0; g < LAN_GROUPS; g++) {
		for (unsigned i = 0; i < 3; i++) {
			v[i] = r[3 * g + i] & 31u; /* 256 is a multiple of 32: unbiased */
			out[k++] = lic_alphabet[v[i]];
		}
		out[k++] = lic_alphabet[lic_group_check(g, v)];
		out[k++] = g + 1 < LAN_GROUPS ? '-' : '\0';
	}
	OPENSSL_cleanse(r, sizeof r);
}

struct lan_args {
	const char *option;
	int count;
	void (*fn)(void *arg, const char *lan);
	void *arg;
};

static int
lan_create_once(struct lms_core *c, void *args, struct svc_err *err)
{
	const struct lan_args *a = args;
	const char *option = a->option;
	int count = a->count;
	const struct lic_option *opt;
	struct lms_lan lan = { .created = (int64_t)time(NULL) };
	char(*made)[LMS_LAN_TEXT];
	char hash[65], detail[96];

	c->code = NULL;
	if ((opt = lms_find_option(c, option, err)) == NULL)
		return lms_refused(c, "lan-create", option, err);
	if (count < 1 || count > 1000) {
		REFUSE(c, "BAD_COUNT", EX_USAGE, "invalid count '%d': 1 to 1000", count);
		return lms_refused(c, "lan-create", option, err);
	}
	if (lms_db_begin(c->db, err) != 0)
		return lms_refused(c, "lan-create", option, err);
	made = xcalloc((size_t)count, sizeof *made);
	strlcpy_(lan.option, opt->name, sizeof lan.option);
	for (int i = 0; i < count; i++) {
		lan_make(made[i]);
		memcpy(lan.hint, made[i], 4);
		lan.hint[4] = '\0';
		lms_sha256_hex(made[i], hash);
		if (lms_db_lan_add(c->db, hash, &lan, c->account ? c->account : "(cli)", err) != 0)
			goto fail;
	}
	snprintf(detail, sizeof detail, "%d for %s", count, opt->name);
	if (lms_commit_ok(c, "lan-create", opt->name, detail, err) != 0)
		goto fail;
	/* Shown only once they are stored: a number handed out always works. */
	for (int i = 0; i < count; i++)
		a->fn(a->arg, made[i]);
	OPENSSL_cleanse(made, (size_t)count * sizeof *made);
	free(made);
	return 0;
fail:
	OPENSSL_cleanse(made, (size_t)count * sizeof *made);
	free(made);
	return lms_refused(c, "lan-create", option, err);
}

int
lms_lan_create(struct lms_core *c, const char *option, int count,
	       void (*fn)(void *arg, const char *lan), void *arg, struct svc_err *err)
{
	struct lan_args a = { option, count, fn, arg };

	return lms_retry(c, lan_create_once, &a, err);
}

static int
redeem_once(struct lms_core *c, void *args, struct svc_err *err)
{
	const struct redeem_args *a = args;
	const char *text = a->text, *serial = a->serial;
	struct lms_grant *out = a->out;
	const struct lic_option *opt;
	struct lms_lan lan;
	char norm[LMS_LAN_TEXT], hash[65], detail[160];
	int64_t number = 0;
	int have;

	memset(out, 0, sizeof *out);
	c->code = NULL;
	if (lms_check_serial(c, serial, err) != 0 ||
	    lms_rate_check(c, ",verify,transfer,redeem,", c->max_failures, err) != 0 ||
	    lan_parse(c, text, norm, err) != 0)
		return lms_refused(c, "redeem", serial, err);
	lms_sha256_hex(norm, hash);
	if (lms_db_begin(c->db, err) != 0 || (have = lms_db_lan_get(c->db, hash, &lan, err)) < 0)
		return lms_refused(c, "redeem", serial, err);
	if (!have)
		REFUSE(c, "LAN_UNKNOWN", EX_DATAERR,
		       "license access number %s was not issued by this LMS", norm);
	else if (lan.serial[0])
		REFUSE(c, "LAN_USED", EX_DATAERR,
		       "license access number %s was redeemed already (license %06lld)", norm,
		       (long long)lan.license);
	if (!have || lan.serial[0])
		return lms_refused(c, "redeem", serial, err);
	opt = lic_option_find(lan.option);
	if (opt == NULL)
		return lms_refused(c, "redeem", serial, err);
	snprintf(detail, sizeof detail, "%s...: %s", lan.hint, lan.option);
	if (license_new(c, serial, lan.option, "the number stays unused", &number, err) != 0 ||
	    lms_db_lan_redeem(c->db, hash, serial, number, (int64_t)time(NULL), err) != 0 ||
	    lms_make_key(c, serial, opt, number, out->key, err) != 0 ||
	    lms_commit_ok(c, "redeem", serial, detail, err) != 0)
		return lms_refused(c, "redeem", serial, err);
	grant_set(out, serial, opt, number);
	return 0;
}

/* --- licenses of a device ------------------------------------------------- */

struct keyed {
	struct lms_core *c;
	lms_grant_fn fn;
	void *arg;
	struct svc_err *err;
	bool failed;
};

static int
with_key(void *arg, const struct lms_license *l)
{
	struct keyed *k = arg;
	const struct lic_option *opt = lic_option_find(l->option);
	char key[LIC_TEXT] = "";

	if (strcmp(l->state, "issued") == 0 && opt &&
	    lms_make_key(k->c, l->serial, opt, l->number, key, k->err) != 0) {
		k->failed = true;
		return -1;
	}
	return k->fn(k->arg, l, key[0] ? key : NULL);
}

int
lms_licenses(struct lms_core *c, const char *serial, lms_grant_fn fn, void *arg,
	     struct svc_err *err)
{
	struct keyed k = { c, fn, arg, err, false };

	c->code = NULL;
	if (lms_check_serial(c, serial, err) != 0)
		return lms_refused(c, "licenses", serial, err);
	if (lms_db_licenses(c->db, serial, NULL, with_key, &k, err) != 0)
		return lms_refused(c, "licenses", serial, err);
	lms_audit(c, "licenses", serial, "ok", "");
	return 0;
}

/* --- the address of the service ------------------------------------------ */

int
lms_listen_parse(const char *listen, struct lms_listen *out, struct svc_err *err)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->addr;
	const char *s = listen ? listen : "", *host = s, *colon;
	size_t hlen;
	char *end = NULL;
	long port;
	bool bracket = s[0] == '[';

	memset(out, 0, sizeof *out);
	if (bracket) {
		host = s + 1;
		colon = strchr(host, ']');
		hlen = colon ? (size_t)(colon - host) : 0;
		colon = colon && colon[1] == ':' ? colon + 1 : NULL;
	} else {
		colon = strrchr(s, ':');
		hlen = colon ? (size_t)(colon - s) : 0;
	}
	if (colon == NULL || hlen == 0 || hlen >= sizeof out->host)
		return svc_errf(err, EX_USAGE,
				"invalid --listen '%s': expected HOST:PORT, or [IPV6]:PORT", s);
	memcpy(out->host, host, hlen);
	out->host[hlen] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (end == colon + 1 || *end || port < 0 || port > 65535) {
		memset(out, 0, sizeof *out);
		return svc_errf(err, EX_USAGE, "invalid port '%s' in --listen: 0-65535", colon + 1);
	}
	if (!bracket && inet_pton(AF_INET, out->host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		out->len = sizeof *v4;
		return 0;
	}
	if (bracket && inet_pton(AF_INET6, out->host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		out->len = sizeof *v6;
		return 0;
	}
	svc_errf(err, EX_USAGE,
		 bracket ? "invalid host '%s' in --listen: an IPv6 address in brackets, like [::1]"
			 : "invalid host '%s' in --listen: an IPv4 address, like 127.0.0.1, or an "
			   "IPv6 one in brackets, like [::1]",
		 out->host);
	memset(out, 0, sizeof *out);
	return -1;
}

void
lms_listen_name(const struct lms_listen *l, unsigned port, char out[80])
{
	bool v6 = l->addr.ss_family == AF_INET6;

	snprintf(out, 80, "%s%s%s:%u", v6 ? "[" : "", l->host, v6 ? "]" : "", port);
}
