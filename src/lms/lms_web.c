/*
 * The LMS's web pages for engineers: sign in, redeem, transfer, history.
 * Plain HTML forms that work without JavaScript (the server checks every
 * field again); lms.js only checks each group of a transfer number as it
 * is typed. The session is a cookie (HttpOnly, SameSite=Strict, Secure
 * under TLS) holding the same token as the API's bearer token.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lms/lms_api.h"
#include "util/blob.h"

/* src/lms/web/, compiled in (cmake/Embed.cmake). */
extern const struct svc_blob svc_lms_web_files[];

static void
esc(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': sb_adds(sb, "&lt;"); break;
		case '>': sb_adds(sb, "&gt;"); break;
		case '&': sb_adds(sb, "&amp;"); break;
		case '"': sb_adds(sb, "&quot;"); break;
		case '\'': sb_adds(sb, "&#39;"); break;
		default: sb_addc(sb, *s);
		}
	}
}

/* Field NAME of an application/x-www-form-urlencoded BODY, decoded into
 * OUT[CAP]; "" if absent. */
static const char *
form(const char *body, const char *name, char *out, size_t cap)
{
	size_t nlen = strlen(name), k = 0;
	const char *p = body;

	out[0] = '\0';
	while (p && *p) {
		const char *end = strchr(p, '&');

		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			for (p += nlen + 1; *p && p != end && k + 1 < cap; p++) {
				if (*p == '+') {
					out[k++] = ' ';
				} else if (*p == '%' && isxdigit((unsigned char)p[1]) &&
					   isxdigit((unsigned char)p[2])) {
					char hex[3] = { p[1], p[2], '\0' };

					out[k++] = (char)strtol(hex, NULL, 16);
					p += 2;
				} else {
					out[k++] = *p;
				}
			}
			out[k] = '\0';
			return out;
		}
		p = end ? end + 1 : NULL;
	}
	return out;
}

static void
page_begin(struct lms_req *r, int status, const char *title, bool nav)
{
	r->status = status;
	r->type = "text/html; charset=utf-8";
	sb_reset(&r->out);
	sb_adds(&r->out,
		"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>");
	esc(&r->out, title);
	sb_adds(&r->out,
		" - svcmode LMS</title>\n<link rel=\"stylesheet\" href=\"/static/lms.css\">\n"
		"<script src=\"/static/lms.js\" defer></script></head><body>\n"
		"<header><strong>svcmode LMS</strong>");
	if (nav)
		sb_adds(&r->out, "<a href=\"/transfer\">Transfer</a><a href=\"/redeem\">Redeem</a>"
				 "<a href=\"/history\">History</a><form method=\"post\" "
				 "action=\"/signout\" class=\"signout\"><button class=\"second\">"
				 "Sign out</button></form>");
	sb_adds(&r->out, "</header>\n<main>\n<h1>");
	esc(&r->out, title);
	sb_adds(&r->out, "</h1>\n");
}

static void
page_end(struct lms_req *r)
{
	sb_adds(&r->out, "</main></body></html>\n");
}

static void
message(struct lms_req *r, const char *cls, const char *code, const char *text)
{
	sb_addf(&r->out, "<p class=\"%s\" role=\"status\"%s%s%s>", cls, code ? " data-code=\"" : "",
		code ? code : "", code ? "\"" : "");
	esc(&r->out, text);
	sb_adds(&r->out, "</p>\n");
}

static void
redirect(struct lms_req *r, const char *to)
{
	r->status = 303;
	r->type = "text/plain";
	strlcpy_(r->location, to, sizeof r->location);
	sb_reset(&r->out);
	sb_addf(&r->out, "see %s\n", to);
}

static void
grant_box(struct lms_req *r, const struct lms_grant *g, const char *what)
{
	sb_adds(&r->out, "<div class=\"ok\" id=\"result\"><p>");
	esc(&r->out, what);
	sb_adds(&r->out, "</p><p>Key for <b>");
	esc(&r->out, g->serial);
	sb_adds(&r->out, "</b>, option <b>");
	esc(&r->out, g->option);
	sb_addf(&r->out, "</b> (license %06lld):</p><p class=\"key\" id=\"key\">",
		(long long)g->number);
	esc(&r->out, g->key);
	sb_adds(&r->out, "</p><p class=\"hint\">Enter it on the device: License Management, "
			 "Install.</p></div>\n");
}

/* --- sign in ---------------------------------------------------------------- */

static void
signin_form(struct lms_req *r, int status, const char *code, const char *error)
{
	page_begin(r, status, "Sign in", false);
	if (error)
		message(r, "error", code, error);
	sb_adds(&r->out, "<form method=\"post\" action=\"/signin\">"
			 "<label for=\"user\">Account</label><input id=\"user\" name=\"user\" "
			 "autocomplete=\"username\" autocapitalize=\"none\" required>"
			 "<label for=\"password\">Password</label><input id=\"password\" "
			 "name=\"password\" type=\"password\" autocomplete=\"current-password\" "
			 "required><button type=\"submit\">Sign in</button></form>\n");
	page_end(r);
}

static void
p_signin(struct lms_req *r, const struct lms_account *who)
{
	struct svc_err err = { 0 };
	char user[64], password[256], token[65];
	int64_t expires;

	(void)who;
	if (strcmp(r->method, "GET") == 0) {
		signin_form(r, 200, NULL, NULL);
		return;
	}
	form(r->body, "user", user, sizeof user);
	form(r->body, "password", password, sizeof password);
	if (lms_signin(&r->core, user, password, r->opts->token_ttl, token, &expires, &err) != 0) {
		svc_wipe(password, sizeof password);
		signin_form(r, lms_api_status(r->core.code ? r->core.code : "INTERNAL"),
			    r->core.code, err.msg);
		return;
	}
	svc_wipe(password, sizeof password);
	snprintf(r->set_cookie, sizeof r->set_cookie,
		 "lms_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s", token,
		 (long long)r->opts->token_ttl, r->opts->tls_cert ? "; Secure" : "");
	svc_wipe(token, sizeof token);
	redirect(r, "/transfer");
}

static void
p_signout(struct lms_req *r, const struct lms_account *who)
{
	(void)who;
	strlcpy_(r->set_cookie, "lms_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
		 sizeof r->set_cookie);
	redirect(r, "/signin");
}

/* --- redeem ------------------------------------------------------------------- */

static void
p_redeem(struct lms_req *r, const struct lms_account *who)
{
	struct svc_err err = { 0 };
	struct lms_grant g;
	char lan[64] = "", serial[32] = "";
	bool post = strcmp(r->method, "POST") == 0;
	bool done = false;

	(void)who;
	page_begin(r, 200, "Redeem a License Access Number", true);
	if (post) {
		form(r->body, "lan", lan, sizeof lan);
		form(r->body, "serial", serial, sizeof serial);
		if (lms_redeem(&r->core, lan, serial, &g, &err) != 0) {
			r->status = lms_api_status(r->core.code ? r->core.code : "INTERNAL");
			message(r, "error", r->core.code, err.msg);
		} else {
			grant_box(r, &g, "Redeemed.");
			done = true;
		}
	}
	sb_adds(&r->out, "<form method=\"post\" action=\"/redeem\">"
			 "<label for=\"lan\">License Access Number</label><input id=\"lan\" "
			 "name=\"lan\" autocapitalize=\"characters\" autocomplete=\"off\" "
			 "placeholder=\"ABCD-EFGH-JKLM-NPQR\" required value=\"");
	esc(&r->out, done ? "" : lan);
	sb_adds(&r->out, "\"><label for=\"serial\">Serial number of the device</label><input "
			 "id=\"serial\" name=\"serial\" autocapitalize=\"characters\" "
			 "placeholder=\"ABC12345\" required value=\"");
	esc(&r->out, serial);
	sb_adds(&r->out, "\"><button type=\"submit\">Redeem</button></form>\n");
	page_end(r);
}

/* --- transfer ------------------------------------------------------------------ */

static void
transfer_form(struct lms_req *r, char groups[6][8], const char *serial)
{
	sb_adds(&r->out, "<form method=\"post\" action=\"/transfer\">"
			 "<p class=\"hint\">The 24-digit transfer number that the old device "
			 "shows after Invalidate, in groups of 4.</p>"
			 "<fieldset><legend><b>Transfer number</b>"
			 "</legend><div class=\"groups\">");
	for (int i = 0; i < 6; i++) {
		sb_addf(&r->out,
			"<input name=\"g%d\" id=\"g%d\" inputmode=\"numeric\" pattern=\"[0-9]{4}\" "
			"maxlength=\"4\" autocomplete=\"off\" aria-label=\"group %d\" required "
			"value=\"",
			i + 1, i + 1, i + 1);
		esc(&r->out, groups[i]);
		sb_adds(&r->out, "\">");
	}
	sb_adds(&r->out, "</div><p class=\"hint\" id=\"groupmsg\" aria-live=\"polite\"></p>"
			 "</fieldset><label for=\"serial\">Serial number of the new device</label>"
			 "<input id=\"serial\" name=\"serial\" autocapitalize=\"characters\" "
			 "placeholder=\"ABC12345\" value=\"");
	esc(&r->out, serial);
	sb_adds(&r->out, "\"><button type=\"submit\" name=\"do\" value=\"transfer\">Transfer"
			 "</button> <button type=\"submit\" name=\"do\" value=\"verify\" "
			 "class=\"second\" formnovalidate>Only check the number</button></form>\n");
}

static void
p_transfer(struct lms_req *r, const struct lms_account *who)
{
	struct svc_err err = { 0 };
	struct lms_grant g;
	char groups[6][8] = { "" }, number[64] = "", serial[32] = "", action[16], name[4];
	bool post = strcmp(r->method, "POST") == 0;
	int rc;

	(void)who;
	page_begin(r, 200, "Transfer a license", true);
	if (post) {
		for (int i = 0; i < 6; i++) {
			snprintf(name, sizeof name, "g%d", i + 1);
			form(r->body, name, groups[i], sizeof groups[i]);
			snprintf(number + strlen(number), sizeof number - strlen(number), "%s%s",
				 i ? "-" : "", groups[i]);
		}
		form(r->body, "serial", serial, sizeof serial);
		form(r->body, "do", action, sizeof action);
		if (strcmp(action, "verify") == 0)
			rc = lms_verify(&r->core, NULL, NULL, number, &g, &err);
		else
			rc = lms_transfer(&r->core, NULL, serial, NULL, number, &g, &err);
		if (rc != 0) {
			r->status = lms_api_status(r->core.code ? r->core.code : "INTERNAL");
			message(r, "error", r->core.code, err.msg);
		} else if (strcmp(action, "verify") == 0) {
			char text[160];

			snprintf(text, sizeof text,
				 "Valid: %s license %06lld on %s was invalidated for transfer "
				 "(invalidation %u).",
				 g.option, (long long)g.from_license, g.from, g.counter);
			message(r, "ok", NULL, text);
		} else {
			grant_box(r, &g, "Moved.");
			memset(groups, 0, sizeof groups);
		}
	}
	transfer_form(r, groups, serial);
	page_end(r);
}

/* --- history -------------------------------------------------------------------- */

static int
history_row(void *arg, const struct lms_license *l, const char *key)
{
	struct lms_req *r = arg;

	sb_addf(&r->out, "<tr><td>%06lld</td><td>", (long long)l->number);
	esc(&r->out, l->option);
	sb_adds(&r->out, "</td><td>");
	esc(&r->out, strcmp(l->state, "issued") == 0 ? "active" : "transferred away");
	sb_adds(&r->out, "</td><td>");
	esc(&r->out, l->issued);
	sb_adds(&r->out, "</td><td class=\"key small\">");
	esc(&r->out, key ? key : "-");
	sb_adds(&r->out, "</td></tr>\n");
	return 0;
}

static void
p_history(struct lms_req *r, const struct lms_account *who)
{
	struct svc_err err = { 0 };
	const char *serial = r->arg(r->conn, "serial");
	size_t mark;

	(void)who;
	page_begin(r, 200, "License history", true);
	sb_adds(&r->out, "<form method=\"get\" action=\"/history\"><label for=\"serial\">Serial "
			 "number</label><input id=\"serial\" name=\"serial\" "
			 "autocapitalize=\"characters\" required value=\"");
	esc(&r->out, serial);
	sb_adds(&r->out, "\"><button type=\"submit\">Show</button></form>\n");
	if (serial && *serial) {
		sb_adds(&r->out, "<table id=\"history\"><tr><th>License</th><th>Option</th>"
				 "<th>State</th><th>Issued</th><th>Key</th></tr>\n");
		mark = r->out.len;
		if (lms_licenses(&r->core, serial, history_row, r, &err) != 0) {
			r->out.len = mark;
			r->out.buf[mark] = '\0';
			sb_adds(&r->out, "</table>");
			r->status = lms_api_status(r->core.code ? r->core.code : "INTERNAL");
			message(r, "error", r->core.code, err.msg);
		} else {
			sb_adds(&r->out, "</table>\n");
		}
	}
	page_end(r);
}

static void
p_home(struct lms_req *r, const struct lms_account *who)
{
	(void)who;
	redirect(r, "/transfer");
}

/* --- routing --------------------------------------------------------------------- */

static const struct page {
	const char *path;
	bool post;    /* also takes POST */
	bool session; /* needs a signed-in engineer */
	void (*fn)(struct lms_req *r, const struct lms_account *who);
} pages[] = {
	{ "/", false, true, p_home },
	{ "/signin", true, false, p_signin },
	{ "/signout", true, false, p_signout },
	{ "/redeem", true, true, p_redeem },
	{ "/transfer", true, true, p_transfer },
	{ "/history", false, true, p_history },
};

static int
static_file(struct lms_req *r)
{
	const char *name = r->path + strlen("/static/");

	for (const struct svc_blob *b = svc_lms_web_files; b->name; b++) {
		if (strcmp(b->name, name) != 0)
			continue;
		r->status = 200;
		r->type = strstr(name, ".css") ? "text/css; charset=utf-8"
					       : "text/javascript; charset=utf-8";
		sb_reset(&r->out);
		sb_add(&r->out, b->data, b->size);
		return 1;
	}
	return 0;
}

int
lms_web_handle(struct lms_req *r)
{
	struct svc_err err = { 0 };

	if (strncmp(r->path, "/static/", 8) == 0 && strcmp(r->method, "GET") == 0)
		return static_file(r);
	for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		const struct page *p = &pages[i];

		if (strcmp(p->path, r->path) != 0)
			continue;
		if (strcmp(r->method, "GET") != 0 && !(p->post && strcmp(r->method, "POST") == 0))
			return 0; /* the API answers 405 */
		if (p->session) {
			if (lms_session(&r->core, r->cookie, &r->who, &err) != 0) {
				redirect(r, "/signin");
				return 1;
			}
			r->core.account = r->who.name;
		}
		p->fn(r, &r->who);
		return 1;
	}
	return 0;
}
