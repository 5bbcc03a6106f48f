/* The LMS's JSON API, version 1; see lms_api.h and docs/lms.md. */
#include "lms/lms_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "util/json.h"

enum role { R_NONE, R_ENGINEER, R_ADMIN };

/* The stable error codes and their HTTP status. */
static const struct {
	const char *code;
	int status;
} statuses[] = {
	{ "BAD_REQUEST", 400 },        { "BAD_SERIAL", 400 },
	{ "UNKNOWN_OPTION", 400 },     { "NUMBER_MISTYPED", 400 },
	{ "LAN_MISTYPED", 400 },       { "BAD_COUNT", 400 },
	{ "BAD_NAME", 400 },           { "BAD_ROLE", 400 },
	{ "WEAK_PASSWORD", 400 },      { "SAME_DEVICE", 400 },
	{ "UNAUTHORIZED", 401 },       { "BAD_CREDENTIALS", 401 },
	{ "FORBIDDEN", 403 },          { "NOT_FOUND", 404 },
	{ "METHOD_NOT_ALLOWED", 405 }, { "NUMBER_USED", 409 },
	{ "LAN_USED", 409 },           { "ALREADY_LICENSED", 409 },
	{ "ACCOUNT_EXISTS", 409 },     { "TOO_LARGE", 413 },
	{ "NUMBER_INVALID", 422 },     { "WRONG_OPTION", 422 },
	{ "NO_LICENSE", 422 },         { "LAN_UNKNOWN", 422 },
	{ "RATE_LIMITED", 429 },       { "INTERNAL", 500 },
	{ "NUMBERS_EXHAUSTED", 503 },  { "BUSY", 503 },
};

int
lms_api_status(const char *code)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(statuses[i].code, code) == 0)
			return statuses[i].status;
	return 500;
}

void
lms_api_error(struct lms_req *r, const char *code, const char *message)
{
	r->status = lms_api_status(code);
	r->type = "application/json";
	sb_reset(&r->out);
	sb_adds(&r->out, "{\"error\":{\"code\":");
	json_add_str(&r->out, code);
	sb_adds(&r->out, ",\"message\":");
	json_add_str(&r->out, message);
	sb_adds(&r->out, "}}\n");
}

/* The refusal of the last core call. */
static void
refuse(struct lms_req *r, const struct svc_err *err)
{
	lms_api_error(r, r->core.code ? r->core.code : "INTERNAL", err->msg);
}

/* Member NAME of the JSON body, of SQLite JSON type WANT ("text" or
 * "integer"): 0 and *out (its text; free it), or -1 with the response set.
 * OPTIONAL: a missing member gives 0 and NULL. */
static int
body_member(struct lms_req *r, const char *name, const char *want, bool optional, char **out)
{
	struct svc_err err = { 0 };
	char path[40], type[16], msg[96];
	int have;

	snprintf(path, sizeof path, "$.%s", name);
	have = lms_db_json_get(r->core.db, r->body, path, out, type, &err);
	if (have < 0) {
		lms_api_error(r, "BAD_REQUEST", err.msg);
		return -1;
	}
	if (have && strcmp(type, want) == 0)
		return 0;
	free(*out);
	*out = NULL;
	if (!have && optional)
		return 0;
	if (have)
		snprintf(msg, sizeof msg, "\"%s\" must be %s", name,
			 strcmp(want, "text") == 0 ? "a string" : "a whole number");
	else
		snprintf(msg, sizeof msg, "missing \"%s\"", name);
	lms_api_error(r, "BAD_REQUEST", msg);
	return -1;
}

static int
body_str(struct lms_req *r, const char *name, bool optional, char **out)
{
	return body_member(r, name, "text", optional, out);
}

/* A whole number, or absent (NULL). */
static int
body_num(struct lms_req *r, const char *name, char **out)
{
	return body_member(r, name, "integer", true, out);
}

static void
begin_ok(struct lms_req *r, int status)
{
	r->status = status;
	r->type = "application/json";
	sb_reset(&r->out);
}

static void
add_field(struct strbuf *sb, const char *name, const char *value, bool first)
{
	if (!first)
		sb_addc(sb, ',');
	json_add_str(sb, name);
	sb_addc(sb, ':');
	json_add_str(sb, value);
}

static void
grant_json(struct lms_req *r, const struct lms_grant *g)
{
	begin_ok(r, 200);
	sb_addc(&r->out, '{');
	add_field(&r->out, "option", g->option, true);
	add_field(&r->out, "serial", g->serial, false);
	add_field(&r->out, "key", g->key, false);
	sb_addf(&r->out, ",\"license\":%lld", (long long)g->number);
	if (g->from[0]) {
		add_field(&r->out, "from", g->from, false);
		sb_addf(&r->out, ",\"from_license\":%lld", (long long)g->from_license);
		add_field(&r->out, "number", g->transfer, false);
	}
	sb_adds(&r->out, "}\n");
}

static void
h_health(struct lms_req *r)
{
	begin_ok(r, 200);
	sb_adds(&r->out, "{\"status\":\"ok\"}\n");
}

static void
h_signin(struct lms_req *r)
{
	struct svc_err err = { 0 };
	char *user = NULL, *password = NULL, token[65];
	int64_t expires = 0;

	if (body_str(r, "user", false, &user) == 0 &&
	    body_str(r, "password", false, &password) == 0) {
		if (lms_signin(&r->core, user, password, r->opts->token_ttl, token, &expires,
			       &err) != 0) {
			refuse(r, &err);
		} else {
			begin_ok(r, 201);
			sb_addc(&r->out, '{');
			add_field(&r->out, "token", token, true);
			sb_addf(&r->out, ",\"expires\":%lld}\n", (long long)expires);
			svc_wipe(token, sizeof token);
		}
	}
	if (password)
		svc_wipe(password, strlen(password));
	free(user);
	free(password);
}

static void
h_redeem(struct lms_req *r)
{
	struct svc_err err = { 0 };
	struct lms_grant g;
	char *lan = NULL, *serial = NULL;

	if (body_str(r, "lan", false, &lan) == 0 && body_str(r, "serial", false, &serial) == 0) {
		if (lms_redeem(&r->core, lan, serial, &g, &err) != 0)
			refuse(r, &err);
		else
			grant_json(r, &g);
	}
	free(lan);
	free(serial);
}

static void
h_verify(struct lms_req *r)
{
	struct svc_err err = { 0 };
	struct lms_grant g;
	char *number = NULL, *from = NULL, *option = NULL;

	if (body_str(r, "number", false, &number) == 0 && body_str(r, "from", true, &from) == 0 &&
	    body_str(r, "option", true, &option) == 0) {
		if (lms_verify(&r->core, from, option, number, &g, &err) != 0) {
			refuse(r, &err);
		} else {
			begin_ok(r, 200);
			sb_adds(&r->out, "{\"valid\":true,");
			add_field(&r->out, "option", g.option, true);
			add_field(&r->out, "serial", g.from, false);
			sb_addf(&r->out, ",\"license\":%lld,\"counter\":%u",
				(long long)g.from_license, g.counter);
			add_field(&r->out, "number", g.transfer, false);
			sb_adds(&r->out, "}\n");
		}
	}
	free(number);
	free(from);
	free(option);
}

static void
h_transfer(struct lms_req *r)
{
	struct svc_err err = { 0 };
	struct lms_grant g;
	char *number = NULL, *serial = NULL, *from = NULL, *option = NULL;

	if (body_str(r, "number", false, &number) == 0 &&
	    body_str(r, "serial", false, &serial) == 0 && body_str(r, "from", true, &from) == 0 &&
	    body_str(r, "option", true, &option) == 0) {
		if (lms_transfer(&r->core, from, serial, option, number, &g, &err) != 0)
			refuse(r, &err);
		else
			grant_json(r, &g);
	}
	free(number);
	free(serial);
	free(from);
	free(option);
}

static int
license_json(void *arg, const struct lms_license *l, const char *key)
{
	struct lms_req *r = arg;
	bool first = r->out.buf[r->out.len - 1] == '[';

	sb_adds(&r->out, first ? "{" : ",{");
	sb_addf(&r->out, "\"license\":%lld", (long long)l->number);
	add_field(&r->out, "option", l->option, false);
	add_field(&r->out, "state", l->state, false);
	add_field(&r->out, "issued", l->issued, false);
	if (key)
		add_field(&r->out, "key", key, false);
	sb_addc(&r->out, '}');
	return 0;
}

static void
h_licenses(struct lms_req *r)
{
	struct svc_err err = { 0 };
	const char *serial = r->arg(r->conn, "serial");

	begin_ok(r, 200);
	sb_addc(&r->out, '{');
	add_field(&r->out, "serial", serial ? serial : "", true);
	sb_adds(&r->out, ",\"licenses\":[");
	if (lms_licenses(&r->core, serial, license_json, r, &err) != 0)
		refuse(r, &err);
	else
		sb_adds(&r->out, "]}\n");
}

static int
audit_json(void *arg, const struct lms_audit *a)
{
	struct lms_req *r = arg;
	char at[32];
	time_t t = (time_t)a->at;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	sb_adds(&r->out, r->out.buf[r->out.len - 1] == '[' ? "{" : ",{");
	sb_addf(&r->out, "\"id\":%lld", (long long)a->id);
	add_field(&r->out, "at", at, false);
	add_field(&r->out, "account", a->account, false);
	add_field(&r->out, "address", a->address, false);
	add_field(&r->out, "action", a->action, false);
	add_field(&r->out, "subject", a->subject, false);
	add_field(&r->out, "result", a->result, false);
	add_field(&r->out, "detail", a->detail, false);
	sb_addc(&r->out, '}');
	return 0;
}

/* A decimal in [1, MAX] or DEF if absent: 0, or -1 with the response set. */
static int
int_arg(struct lms_req *r, const char *name, const char *text, long def, long max, long *out)
{
	char *end = NULL, msg[96];

	*out = def;
	if (text == NULL)
		return 0;
	*out = strtol(text, &end, 10);
	if (end != text && *end == '\0' && *out >= 1 && *out <= max)
		return 0;
	snprintf(msg, sizeof msg, "invalid %s '%.20s': 1 to %ld", name, text, max);
	lms_api_error(r, "BAD_REQUEST", msg);
	return -1;
}

static void
h_audit(struct lms_req *r)
{
	struct svc_err err = { 0 };
	long limit;

	if (int_arg(r, "limit", r->arg(r->conn, "limit"), 100, 10000, &limit) != 0)
		return;
	begin_ok(r, 200);
	sb_adds(&r->out, "{\"audit\":[");
	if (lms_db_audit(r->core.db, limit, audit_json, r, &err) != 0) {
		lms_api_error(r, "INTERNAL", err.msg);
		return;
	}
	sb_adds(&r->out, "]}\n");
	lms_audit(&r->core, "audit", "", "ok", "");
}

static void
lan_json(void *arg, const char *lan)
{
	struct lms_req *r = arg;

	if (r->out.buf[r->out.len - 1] != '[')
		sb_addc(&r->out, ',');
	json_add_str(&r->out, lan);
}

static void
h_lans(struct lms_req *r)
{
	struct svc_err err = { 0 };
	char *option = NULL, *count = NULL;
	long n;

	if (body_str(r, "option", false, &option) == 0 && body_num(r, "count", &count) == 0 &&
	    int_arg(r, "count", count, 1, 1000, &n) == 0) {
		begin_ok(r, 201);
		sb_addc(&r->out, '{');
		add_field(&r->out, "option", option, true);
		sb_adds(&r->out, ",\"numbers\":[");
		if (lms_lan_create(&r->core, option, (int)n, lan_json, r, &err) != 0)
			refuse(r, &err);
		else
			sb_adds(&r->out, "]}\n");
	}
	free(option);
	free(count);
}

static void
h_accounts(struct lms_req *r)
{
	struct svc_err err = { 0 };
	char *name = NULL, *password = NULL, *role = NULL;

	if (body_str(r, "name", false, &name) == 0 &&
	    body_str(r, "password", false, &password) == 0 &&
	    body_str(r, "role", true, &role) == 0) {
		if (lms_account_add(&r->core, name, role ? role : "engineer", password, &err) !=
		    0) {
			refuse(r, &err);
		} else {
			begin_ok(r, 201);
			sb_addc(&r->out, '{');
			add_field(&r->out, "name", name, true);
			add_field(&r->out, "role", role ? role : "engineer", false);
			sb_adds(&r->out, "}\n");
		}
	}
	if (password)
		svc_wipe(password, strlen(password));
	free(name);
	free(password);
	free(role);
}

static const struct route {
	const char *method, *path;
	enum role role;
	void (*fn)(struct lms_req *r);
} routes[] = {
	{ "GET", "/v1/health", R_NONE, h_health },
	{ "POST", "/v1/sessions", R_NONE, h_signin },
	{ "POST", "/v1/redeem", R_ENGINEER, h_redeem },
	{ "POST", "/v1/transfers/verify", R_ENGINEER, h_verify },
	{ "POST", "/v1/transfers", R_ENGINEER, h_transfer },
	{ "GET", "/v1/licenses", R_ENGINEER, h_licenses },
	{ "GET", "/v1/audit", R_ADMIN, h_audit },
	{ "POST", "/v1/lans", R_ADMIN, h_lans },
	{ "POST", "/v1/accounts", R_ADMIN, h_accounts },
};

/* The cached session of token digest D at second NOW: 1 and *WHO, or 0. */
static int
cache_find(const struct lms_session_cache *sc, const unsigned char d[32], int64_t now,
	   struct lms_account *who)
{
	if (sc == NULL || sc->second != now)
		return 0;
	for (int i = 0; i < sc->n; i++)
		if (CRYPTO_memcmp(sc->slot[i].digest, d, 32) == 0) {
			*who = sc->slot[i].who;
			return 1;
		}
	return 0;
}

static void
cache_add(struct lms_session_cache *sc, const unsigned char d[32], int64_t now,
	  const struct lms_account *who)
{
	if (sc == NULL)
		return;
	if (sc->second != now) {
		OPENSSL_cleanse(sc->slot, sizeof sc->slot);
		sc->second = now;
		sc->n = 0;
	}
	if (sc->n == LMS_SESSION_SLOTS)
		return;
	memcpy(sc->slot[sc->n].digest, d, 32);
	sc->slot[sc->n].who = *who;
	OPENSSL_cleanse(sc->slot[sc->n].who.password, sizeof sc->slot[sc->n].who.password);
	sc->n++;
}

/* The signed-in account of R, by its bearer token: 0, or -1 with the
 * response set. A token this thread found live in this second is not
 * looked up again (struct lms_session_cache). */
static int
authorize(struct lms_req *r, enum role role)
{
	struct lms_account *who = &r->who;
	struct svc_err err = { 0 };
	const char *a = r->authorization;
	const char *token = a && strncmp(a, "Bearer ", 7) == 0 ? a + 7 : NULL;
	int64_t now = (int64_t)time(NULL); /* before the lookup: see cache_add */
	unsigned char d[32];
	unsigned int dlen = 0;
	bool hashed = token && r->sessions &&
		      EVP_Digest(token, strlen(token), d, &dlen, EVP_sha256(), NULL) == 1;

	if (!hashed || !cache_find(r->sessions, d, now, who)) {
		if (lms_session(&r->core, token, who, &err) != 0) {
			refuse(r, &err);
			return -1;
		}
		if (hashed)
			cache_add(r->sessions, d, now, who);
	}
	r->core.account = who->name;
	if (role == R_ADMIN && strcmp(who->role, "admin") != 0) {
		lms_api_error(r, "FORBIDDEN", "this needs an admin account");
		lms_audit(&r->core, r->path, "", "FORBIDDEN", "");
		return -1;
	}
	return 0;
}

void
lms_api_handle(struct lms_req *r)
{
	bool path_known = false;

	r->core.account = "-";
	if (lms_web_handle(r))
		return;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		const struct route *rt = &routes[i];

		if (strcmp(rt->path, r->path) != 0)
			continue;
		path_known = true;
		if (strcmp(rt->method, r->method) != 0)
			continue;
		if (rt->role != R_NONE && authorize(r, rt->role) != 0)
			return;
		rt->fn(r);
		return;
	}
	if (path_known)
		lms_api_error(r, "METHOD_NOT_ALLOWED", "this path takes another method");
	else
		lms_api_error(r, "NOT_FOUND", "no such path (see docs/lms.md)");
}
