/* SSL key pairs: the pair store helpers, list, show, use, delete, and
 * Initialize All Data/Settings. Generating, importing, exporting, the CA
 * store and the TLS server are in the other tls_*.c files. */
#include "tls/tls.h"

#include <ctype.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "store/store_tls.h"
#include "tls/tls_int.h"
#include "util/err_openssl.h"

/* The door every change goes through; refusals are audited. */
int
tls_need_manager(struct device *dev, const char *what, const char *key, struct svc_err *err)
{
	return device_require_audited(dev, DOOR_MANAGER, what, key, err);
}

/* --- names ---------------------------------------------------------------------- */

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

/* --- one stored pair -------------------------------------------------------- */

void
tls_pair_release(struct tls_pair *p)
{
	sb_release(&p->origin);
	sb_release(&p->sealed);
	sb_release(&p->cert);
	sb_release(&p->chain);
}

int
tls_pair_copy(void *arg, const struct store_tls_key *k)
{
	struct tls_pair *p = arg;

	p->found = true;
	p->in_use = k->in_use;
	sb_adds(&p->origin, k->origin);
	sb_adds(&p->sealed, k->key_sealed);
	sb_adds(&p->cert, k->cert_pem);
	sb_adds(&p->chain, k->chain_pem);
	return 0;
}

/* Reads NAME; EX_USAGE "no key pair" when it does not exist. */
int
tls_pair_get(struct device *dev, const char *name, struct tls_pair *p, struct svc_err *err)
{
	memset(p, 0, sizeof *p);
	if (store_tls_key_each(device_store(dev), name, tls_pair_copy, p, err) < 0)
		return -1;
	if (!p->found)
		return svc_errf(err, EX_USAGE, "no key pair named '%s' (see 'svcmode cert list')",
				name);
	return 0;
}

/* In the open transaction: NAME is free and one more pair fits. */
int
tls_pair_room(struct device *dev, const char *name, struct svc_err *err)
{
	struct tls_pair p = { 0 };
	int n;

	if (store_tls_key_each(device_store(dev), name, tls_pair_copy, &p, err) < 0)
		return -1;
	tls_pair_release(&p);
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
int
tls_pair_add(struct device *dev, const char *name, const char *origin, EVP_PKEY *pk, X509 *x,
	     STACK_OF(X509) * chain, bool in_use, const char *event, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct strbuf sealed = STRBUF_INIT, cert = STRBUF_INIT, ch = STRBUF_INIT,
		      detail = STRBUF_INIT;
	struct tls_info in = { 0 };
	int rc = -1;

	if (tls_key_seal(dev, name, pk, &sealed, err) != 0 || tls_cert_to_pem(x, &cert, err) != 0)
		goto out;
	for (int i = 0; i < sk_X509_num(chain); i++)
		if (tls_cert_to_pem(sk_X509_value(chain, i), &ch, err) != 0)
			goto out;
	tls_info_fill(x, &in);
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
	if ((strcmp(origin, "default") != 0 && tls_pair_room(dev, name, err) != 0) ||
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

int
tls_room_check(struct device *dev, const char *name, struct svc_err *err)
{
	if (tls_name_check(name, err) != 0)
		return -1;
	return tls_pair_room(dev, name, err);
}

void
tls_pair_rollback(struct store *st, const char *name, struct svc_err *err)
{
	if (err && err->code == 0)
		svc_errf(err, EX_TEMPFAIL, "key pair '%s' was deleted meanwhile", name);
	store_rollback(st);
}

/* --- list, show, use, delete ------------------------------------------------- */

static int
list_one(void *arg, const struct store_tls_key *k)
{
	struct tls_list_ctx *lc = arg;
	struct tls_info in = { 0 };

	if (tls_info_from_pem(k->cert_pem, &in, lc->err) != 0)
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
	struct tls_list_ctx lc = { fn, arg, err, 0 };

	return store_tls_key_each(device_store(dev), NULL, list_one, &lc, err);
}

int
tls_copy_info(void *arg, const struct tls_info *in)
{
	*(struct tls_info *)arg = *in;
	return 0;
}

int
tls_show(struct device *dev, const char *name, struct tls_info *out, struct svc_err *err)
{
	struct tls_list_ctx lc = { tls_copy_info, out, err, 0 };
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
	struct tls_pair p = { 0 };
	char what[80];
	X509 *x = NULL;
	int rc = -1;

	if (tls_pair_get(dev, name, &p, err) != 0)
		goto out;
	snprintf(what, sizeof what, "choosing key pair '%s' for SSL", name);
	if (tls_need_manager(dev, what, name, err) != 0 ||
	    (x = tls_cert_from_pem(p.cert.buf, err)) == NULL)
		goto out;
	if (tls_cert_check_time(x, "its certificate", err) != 0) {
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
	tls_pair_release(&p);
	return rc;
}

/* The factory pair and the pair in use stay. */
static int
deletable(const char *name, const struct tls_pair *p, struct svc_err *err)
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
	struct tls_pair p = { 0 };
	int rc = -1;

	if (tls_pair_get(dev, name, &p, err) == 0 && deletable(name, &p, err) == 0)
		rc = 0;
	tls_pair_release(&p);
	return rc;
}

int
tls_delete(struct device *dev, const char *name, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct tls_pair p = { 0 };
	char what[80];
	int rc = -1;

	if (tls_pair_get(dev, name, &p, err) != 0 || deletable(name, &p, err) != 0)
		goto out;
	snprintf(what, sizeof what, "deleting key pair '%s'", name);
	if (tls_need_manager(dev, what, name, err) != 0 || store_begin(st, err) != 0)
		goto out;
	if (store_tls_key_delete(st, name, err) != 1 ||
	    device_audit(dev, "tls.delete", name, NULL, NULL, NULL, err) != 0) {
		tls_pair_rollback(st, name, err);
		goto out;
	}
	rc = store_commit(st, err);
out:
	tls_pair_release(&p);
	return rc;
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
