/* The device online (online.h): redeem, transfer and check at the LMS. */
#include "license/online.h"
#include "util/text.h"

#include <inttypes.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "license/license_int.h"
#include "store/store_license.h"
#include "util/json.h"

/* Signs in: POST /v1/sessions {"user","password"} -> {"token","expires"}. */
static int
sign_in(struct device *dev, const struct license_lms *lms, struct strbuf *token,
	struct svc_err *err)
{
	static const char *const names[] = { "token" };
	struct strbuf body = STRBUF_INIT, ans = STRBUF_INIT;
	char *v[1] = { NULL };
	long status;
	int rc = -1;

	if (lms->user == NULL || *lms->user == '\0' || lms->password == NULL)
		return svc_errf(err, EX_NOPERM,
				"no LMS account: set SVCMODE_LMS_USER and SVCMODE_LMS_PASSWORD, "
				"or run on a terminal");
	sb_adds(&body, "{\"user\": ");
	json_add_str(&body, lms->user);
	sb_adds(&body, ", \"password\": ");
	json_add_str(&body, lms->password);
	sb_adds(&body, "}");
	if (lic_http(dev, lms->url, "/v1/sessions", NULL, body.buf, &ans, &status, err) != 0)
		goto out;
	if (lic_json_get(dev, ans.buf, "$", names, v, 1, err) != 0 || v[0] == NULL) {
		svc_errf(err, EX_UNAVAILABLE, "the LMS at %s signed in without a token", lms->url);
		goto out;
	}
	sb_adds(token, v[0]);
	rc = 0;
out:
	if (v[0])
		OPENSSL_cleanse(v[0], strlen(v[0]));
	free(v[0]);
	OPENSSL_cleanse(body.buf, body.len);
	sb_release(&body);
	sb_release(&ans);
	return rc;
}

static void
wipe_token(struct strbuf *t)
{
	if (t->buf)
		OPENSSL_cleanse(t->buf, t->len);
	sb_release(t);
}

/* An answer {"option","serial","key"}: KEY for SERIAL. */
static int
key_answer(struct device *dev, const char *url, const char *json, const char *serial,
	   char key[LIC_TEXT], struct svc_err *err)
{
	static const char *const names[] = { "option", "serial", "key" };
	char *v[3];
	int rc = -1;

	if (lic_json_get(dev, json, "$", names, v, 3, err) != 0)
		goto out;
	if (v[1] == NULL || v[2] == NULL || strlen(v[2]) >= LIC_TEXT) {
		svc_errf(err, EX_UNAVAILABLE, "the LMS at %s answered without a key", url);
		goto out;
	}
	if (strcmp(v[1], serial) != 0) {
		svc_errf(err, EX_UNAVAILABLE, "the LMS at %s issued a key for %s, not %s", url,
			 v[1], serial);
		goto out;
	}
	snprintf(key, LIC_TEXT, "%s", v[2]);
	rc = 0;
out:
	for (int i = 0; i < 3; i++)
		free(v[i]);
	return rc;
}

/* --- redeem ----------------------------------------------------------- */

int
license_redeem(struct device *dev, const struct license_lms *lms, const char *lan,
	       struct license_installed *out, struct svc_err *err)
{
	const char *serial = device_identity(dev)->serial;
	struct strbuf token = STRBUF_INIT, body = STRBUF_INIT, ans = STRBUF_INIT;
	char key[LIC_TEXT];
	long status;
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (device_require(dev, DOOR_SERVICE1, "redeeming a License Access Number", err) != 0)
		return -1;
	if (lan == NULL || *lan == '\0' || strlen(lan) > 64)
		return svc_errf(err, EX_USAGE,
				"License Access Number '%s': expected 1-64 characters",
				lan ? lan : "");
	sb_adds(&body, "{\"lan\": ");
	json_add_str(&body, lan);
	sb_addf(&body, ", \"serial\": \"%s\"}", serial);
	if (sign_in(dev, lms, &token, err) != 0 ||
	    lic_http(dev, lms->url, "/v1/redeem", token.buf, body.buf, &ans, &status, err) != 0 ||
	    key_answer(dev, lms->url, ans.buf, serial, key, err) != 0) {
		device_audit(dev, "license.redeem", NULL, NULL, NULL, err ? err->msg : "", NULL);
		goto out;
	}
	device_audit(dev, "license.redeem", NULL, NULL, NULL, "key received from the LMS", NULL);
	rc = license_install(dev, key, out, err);
out:
	wipe_token(&token);
	sb_release(&body);
	sb_release(&ans);
	return rc;
}

/* --- transfer --------------------------------------------------------- */

int
license_transfer(struct device *dev, const struct license_lms *lms, const struct lic_option *opt,
		 const char *to, char tr[LIC_TEXT], char key[LIC_TEXT], struct svc_err *err)
{
	struct strbuf token = STRBUF_INIT, body = STRBUF_INIT, ans = STRBUF_INIT;
	struct svc_err e = { 0 };
	bool already;
	long status;
	int rc = -1;

	tr[0] = key[0] = '\0';
	if (!text_is_serial(to) || strcmp(to, device_identity(dev)->serial) == 0)
		return svc_errf(err, EX_USAGE,
				"destination serial '%s': expected another device's serial, 3 "
				"capital letters and 5 digits",
				to);
	if (device_require(dev, DOOR_SERVICE2, "transferring a license", err) != 0 ||
	    sign_in(dev, lms, &token, err) != 0)
		goto out;
	if (license_invalidate(dev, opt, true, tr, &already, err) != 0)
		goto out;
	sb_addf(&body, "{\"number\": \"%s\"}", tr);
	if (lic_http(dev, lms->url, "/v1/transfers/verify", token.buf, body.buf, &ans, &status,
		     &e) != 0)
		goto sent;
	sb_reset(&body);
	sb_addf(&body, "{\"number\": \"%s\", \"serial\": \"%s\"}", tr, to);
	if (lic_http(dev, lms->url, "/v1/transfers", token.buf, body.buf, &ans, &status, &e) != 0 ||
	    key_answer(dev, lms->url, ans.buf, to, key, &e) != 0)
		goto sent;
	device_audit(dev, "license.transfer", opt->name, "transferred", to, tr, NULL);
	rc = 0;
	goto out;
sent:
	/* Invalidated here whatever the LMS said: the number stays valid. */
	device_audit(dev, "license.transfer", opt->name, NULL, NULL, e.msg, NULL);
	svc_errf(err, e.code,
		 "%.120s; %s stays invalidated here, transfer number %s: run this "
		 "again, or give the number to the LMS by hand",
		 e.msg, opt->name, tr);
out:
	wipe_token(&token);
	sb_release(&body);
	sb_release(&ans);
	return rc;
}

/* --- check ------------------------------------------------------------ */

#define CHECK_MAX 64

struct lms_row {
	char option[16], state[16];
	int64_t number; /* 0 when the LMS did not say */
};

struct lms_list {
	struct device *dev;
	struct lms_row r[CHECK_MAX];
	char *json[CHECK_MAX]; /* the elements, parsed once the outer walk ended */
	int n, njson;
	struct svc_err *err;
};

/* Keeps each element's text: the store parses one JSON text at a time. */
static int
on_license(void *arg, const char *key, const char *type, const char *value)
{
	struct lms_list *l = arg;

	(void)key;
	if (strcmp(type, "object") == 0 && value && l->njson < CHECK_MAX)
		l->json[l->njson++] = xstrdup(value);
	return 0;
}

static int
parse_rows(struct lms_list *l, struct svc_err *err)
{
	static const char *const names[] = { "option", "state", "number" };
	char *v[3];

	for (int k = 0; k < l->njson; k++) {
		if (lic_json_get(l->dev, l->json[k], "$", names, v, 3, err) != 0)
			return -1;
		if (v[0] && v[1]) {
			struct lms_row *r = &l->r[l->n++];
			snprintf(r->option, sizeof r->option, "%s", v[0]);
			snprintf(r->state, sizeof r->state, "%s", v[1]);
			r->number = v[2] ? strtoll(v[2], NULL, 10) : 0;
		}
		for (int i = 0; i < 3; i++)
			free(v[i]);
	}
	return 0;
}

/* What the LMS says of license NUMBER of OPTION: "transferred" when it
 * moved it away (and keeps no other record of it here), else its state,
 * or "-" when it does not know the option for this serial. */
static const char *
lms_state(const struct lms_list *l, const char *option, int64_t number)
{
	const char *moved = NULL, *kept = NULL;

	for (int i = 0; i < l->n; i++) {
		const struct lms_row *r = &l->r[i];
		if (strcmp(r->option, option) != 0 || (r->number && number && r->number != number))
			continue;
		if (strcmp(r->state, "transferred") == 0)
			moved = r->state;
		else
			kept = r->state;
	}
	return kept ? kept : moved ? moved : "-";
}

/* Ends the license here, in the history first, as license_invalidate. */
static int
end_moved(struct device *dev, const char *option, int64_t number, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct lic_hist_entry e = { 0 };
	struct lic_hist h = { 0 };
	struct strbuf detail = STRBUF_INIT;
	size_t n0;
	int rc = -1;

	if (lic_sync(dev, &h, err) != 0)
		goto out;
	n0 = h.n;
	snprintf(e.option, sizeof e.option, "%s", option);
	snprintf(e.state, sizeof e.state, "%s", "erased");
	e.number = number;
	sb_addf(&detail, "license %06" PRId64 " was transferred away at the LMS: disabled here",
		number);
	if (store_begin(st, err) != 0 ||
	    store_license_end(st, option, number, "erased", 0, NULL, err) != 0 ||
	    lic_hist_add(&h, &e, err) != 0 || lic_hist_save(&h, err) != 0 ||
	    device_audit(dev, "license.check", option, "active", "erased", detail.buf, err) != 0 ||
	    store_commit(st, err) != 0) {
		store_rollback(st);
		if (h.n > n0) {
			h.n = n0;
			lic_hist_save(&h, NULL);
		}
		goto out;
	}
	rc = 0;
out:
	lic_hist_release(&h);
	sb_release(&detail);
	return rc;
}

int
license_check(struct device *dev, const struct license_lms *lms, license_check_fn fn, void *arg,
	      struct svc_err *err)
{
	const char *serial = device_identity(dev)->serial;
	struct strbuf token = STRBUF_INIT, path = STRBUF_INIT, ans = STRBUF_INIT;
	struct lms_list *l = calloc(1, sizeof *l);
	const struct lic_option *o;
	struct license_info li;
	long status;
	int rc = -1;

	if (l == NULL)
		return svc_errf(err, EX_OSERR, "out of memory");
	l->dev = dev;
	l->err = err;
	sb_addf(&path, "/v1/licenses?serial=%s", serial);
	if (device_require(dev, DOOR_SERVICE1, "checking the licenses at the LMS", err) != 0 ||
	    sign_in(dev, lms, &token, err) != 0 ||
	    lic_http(dev, lms->url, path.buf, token.buf, NULL, &ans, &status, err) != 0 ||
	    store_json_each(device_store(dev), ans.buf, "$.licenses", on_license, l, err) != 0 ||
	    parse_rows(l, err) != 0)
		goto out;
	for (int i = 0; (o = lic_option_at(i)) != NULL; i++) {
		if (!o->on_device)
			continue;
		if (license_info(dev, o, &li, err) != 0)
			goto out;
		const char *at = lms_state(l, o->name, li.number);
		bool off = li.status && strcmp(at, "transferred") == 0;
		if (off && end_moved(dev, o->name, li.number, err) != 0)
			goto out;
		fn(arg, o->name, li.state, at, off);
	}
	rc = 0;
out:
	wipe_token(&token);
	sb_release(&path);
	sb_release(&ans);
	for (int k = 0; k < l->njson; k++)
		free(l->json[k]);
	free(l);
	return rc;
}
