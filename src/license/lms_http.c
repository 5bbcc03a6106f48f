/*
 * HTTPS requests to the LMS through libcurl, JSON in and out (license_int.h).
 * libcurl rather than a hand-made HTTP client: TLS, redirects refused,
 * timeouts and chunked answers are its daily work. It is opened on first
 * use (curl_lazy.h) and brings its own OpenSSL, so the trust store goes to
 * it as PEM text (the system bundle plus the store's CA certificates), not
 * as objects of svcmode's OpenSSL.
 */
#include <openssl/crypto.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "license/curl_lazy.h"
#include "license/license_int.h"
#include "store/store.h"
#include "tls/tls.h"
#include "util/fsutil.h"

#define LMS_MAX_ANSWER (256 * 1024)
#define LMS_TIMEOUT 30L

struct answer {
	struct strbuf *sb;
	bool too_big;
};

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;

	if (a->sb->len + size * n > LMS_MAX_ANSWER) {
		a->too_big = true;
		return 0;
	}
	sb_add(a->sb, p, size * n);
	return size * n;
}

/* The trust store as PEM: the system bundle (where OpenSSL's default
 * paths find it, SSL_CERT_FILE included) and the store's CA certificates,
 * read at every request so that removing a CA stops trusting it at once. */
static int
trust_pem(struct device *dev, struct strbuf *pem, struct svc_err *err)
{
	const char *file = getenv(X509_get_default_cert_file_env());
	struct svc_err ignored = { 0 };

	if (file == NULL || *file == '\0')
		file = X509_get_default_cert_file();
	/* No system bundle is no error: the store's CAs may be enough. */
	if (fs_read(file, 16u << 20, pem, &ignored) != 0)
		sb_reset(pem);
	sb_adds(pem, "\n");
	return tls_ca_pem(dev, pem, err) < 0 ? -1 : 0;
}

/* The message of an {"error":{"code","message"}} answer. */
static void
lms_error(struct device *dev, const char *body, char *out, size_t n)
{
	const char *names[] = { "code", "message" };
	char *v[2] = { NULL, NULL };
	struct svc_err e = { 0 };

	if (lic_json_get(dev, body, "$.error", names, v, 2, &e) == 0 && v[1])
		snprintf(out, n, "%s (%s)", v[1], v[0] ? v[0] : "no code");
	else
		snprintf(out, n, "%s", "an answer without the API's error object");
	free(v[0]);
	free(v[1]);
}

static int
status_error(struct device *dev, const char *url, long status, const char *body,
	     struct svc_err *err)
{
	char msg[200];

	lms_error(dev, body, msg, sizeof msg);
	if (status == 401 || status == 403)
		return svc_errf(err, EX_NOPERM, "the LMS at %s refused: %s", url, msg);
	if (status >= 500 || status == 429)
		return svc_errf(err, EX_UNAVAILABLE, "the LMS at %s failed (HTTP %ld): %s", url,
				status, msg);
	return svc_errf(err, EX_DATAERR, "the LMS refused: %s", msg);
}

static int
curl_error(const char *url, CURLcode rc, const char *detail, struct svc_err *err)
{
	if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE ||
	    rc == CURLE_SSL_CONNECT_ERROR)
		return svc_errf(err, EX_UNAVAILABLE,
				"the LMS at %s is not trusted: %s (import its CA: svcmode cert "
				"import-ca FILE)",
				url, *detail ? detail : curl_easy_strerror(rc));
	return svc_errf(err, EX_UNAVAILABLE, "cannot reach the LMS at %s: %s", url,
			*detail ? detail : curl_easy_strerror(rc));
}

int
lic_http(struct device *dev, const char *url, const char *path, const char *token, const char *body,
	 struct strbuf *out, long *status, struct svc_err *err)
{
	struct strbuf full = STRBUF_INIT, auth = STRBUF_INIT, trust = STRBUF_INIT;
	struct curl_slist *hdr = NULL;
	struct curl_blob blob;
	struct answer a = { out, false };
	char detail[CURL_ERROR_SIZE] = "";
	CURL *c = NULL;
	CURLcode rc;
	int ret = -1;

	sb_reset(out);
	*status = 0;
	if (strncmp(url, "https://", 8) != 0)
		return svc_errf(err, EX_USAGE, "LMS URL '%s' is not https://HOST[:PORT]", url);
	if (curl_lazy_load(err) != 0 || trust_pem(dev, &trust, err) != 0)
		goto out;
	if ((c = curl_easy_init()) == NULL) {
		svc_errf(err, EX_SOFTWARE, "libcurl could not start");
		goto out;
	}
	blob.data = trust.buf;
	blob.len = trust.len;
	blob.flags = CURL_BLOB_NOCOPY;
	sb_adds(&full, url);
	while (full.len > 8 && full.buf[full.len - 1] == '/')
		full.buf[--full.len] = '\0';
	sb_adds(&full, path);
	hdr = curl_slist_append(hdr, "Accept: application/json");
	if (body)
		hdr = curl_slist_append(hdr, "Content-Type: application/json");
	if (token) {
		sb_addf(&auth, "Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth.buf);
	}
	curl_easy_setopt(c, CURLOPT_URL, full.buf);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, LMS_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, detail);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
	if (body)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	rc = curl_easy_perform(c);
	if (rc != CURLE_OK) {
		if (a.too_big)
			svc_errf(err, EX_UNAVAILABLE, "the LMS at %s answered more than %d bytes",
				 url, LMS_MAX_ANSWER);
		else
			curl_error(url, rc, detail, err);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	sb_adds(out, ""); /* a string even when the body is empty */
	if (*status < 200 || *status > 299) {
		status_error(dev, url, *status, out->buf, err);
		goto out;
	}
	ret = 0;
out:
	if (c != NULL) {
		curl_slist_free_all(hdr);
		curl_easy_cleanup(c);
	}
	sb_release(&trust);
	if (auth.buf)
		OPENSSL_cleanse(auth.buf, auth.len); /* the session token */
	sb_release(&auth);
	sb_release(&full);
	return ret;
}

struct get {
	const char *const *names;
	char **v;
	int n;
};

static int
on_member(void *arg, const char *key, const char *type, const char *value)
{
	struct get *g = arg;

	for (int i = 0; i < g->n; i++)
		if (strcmp(key, g->names[i]) == 0 && g->v[i] == NULL && value &&
		    strcmp(type, "null") != 0)
			g->v[i] = xstrdup(value);
	return 0;
}

int
lic_json_get(struct device *dev, const char *json, const char *path, const char *const *names,
	     char **v, int n, struct svc_err *err)
{
	struct get g = { names, v, n };

	for (int i = 0; i < n; i++)
		v[i] = NULL;
	return store_json_each(device_store(dev), json, path, on_member, &g, err);
}
