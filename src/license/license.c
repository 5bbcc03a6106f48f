#include "license/license.h"

#include <ctype.h>
#include <inttypes.h>
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "access/seal.h"
#include "license/license_int.h"
#include "store/store_license.h"
#include "util/fsutil.h"
#include "util/hex.h"

const struct lic_option *
license_option(const char *name, struct svc_err *err)
{
	const struct lic_option *o = lic_option_find(name);

	if (o && o->on_device)
		return o;
	svc_errf(err, EX_USAGE,
		 "unknown option '%s': expected SEND, SPDF, PCL, PS, ERDS, EAM, ELA or BRDIM",
		 name);
	return NULL;
}

/* --- state ------------------------------------------------------------ */

int
lic_is_active(struct device *dev, const char *option, bool *out, struct svc_err *err)
{
	struct store_license row;
	int rc = store_license_current(device_store(dev), option, 0, &row, err);

	*out = rc == 1;
	return rc < 0 ? -1 : 0;
}

/* Every public entry point first makes the store agree with the license
 * history (rollback.c). */
int
lic_agree(struct device *dev, struct svc_err *err)
{
	struct lic_hist h = { 0 };
	int rc = lic_sync(dev, &h, err);

	lic_hist_release(&h);
	return rc;
}

static int
info(struct device *dev, const struct lic_option *opt, struct license_info *out,
     struct svc_err *err)
{
	struct store_license row;
	bool master = true;
	int rc;

	memset(out, 0, sizeof *out);
	out->opt = opt;
	rc = store_license_current(device_store(dev), opt->name, 1, &row, err);
	if (rc < 0)
		return -1;
	strlcpy_(out->state, rc ? row.state : "none", sizeof out->state);
	if (rc == 0)
		return 0;
	out->number = row.number;
	out->status = strcmp(row.state, "active") == 0;
	out->transferred = strcmp(row.state, "transferred") == 0;
	strlcpy_(out->transfer, row.transfer, sizeof out->transfer);
	if (opt->master && lic_is_active(dev, opt->master, &master, err) != 0)
		return -1;
	out->setting = out->status && master;
	return 0;
}

int
license_info(struct device *dev, const struct lic_option *opt, struct license_info *out,
	     struct svc_err *err)
{
	memset(out, 0, sizeof *out);
	if (lic_agree(dev, err) != 0)
		return -1;
	return info(dev, opt, out, err);
}

int
license_each(struct device *dev, license_info_fn fn, void *arg, struct svc_err *err)
{
	const struct lic_option *o;
	struct license_info li;

	if (lic_agree(dev, err) != 0)
		return -1;
	for (int i = 0; (o = lic_option_at(i)) != NULL; i++) {
		if (!o->on_device)
			continue;
		if (info(dev, o, &li, err) != 0 || fn(arg, &li) != 0)
			return -1;
	}
	return 0;
}

/* --- install ---------------------------------------------------------- */

static int
do_install(struct device *dev, const char *text, struct license_installed *out, struct svc_err *err)
{
	const char *serial = device_identity(dev)->serial;
	const struct lic_option *opt;
	struct store *st = device_store(dev);
	struct store_license row;
	unsigned char dk[LIC_DEVKEY_LEN];
	struct lic_key k;
	bool ok = false, master;
	char num[16];
	int rc = -1, have;

	if (lic_key_parse(text, &k, err) != 0)
		return -1;
	if (k.fingerprint != lic_serial_fingerprint(serial))
		return svc_errf(err, EX_DATAERR,
				"key for another device: it was not issued for "
				"serial %s",
				serial);
	if (lic_devkey_get(dev, dk, err) != 0 || lic_key_verify(dk, serial, &k, &ok, err) != 0)
		goto out;
	if (!ok) {
		svc_errf(err, EX_DATAERR,
			 "altered key: it does not authenticate for serial %s "
			 "(changed after the LMS issued it)",
			 serial);
		goto out;
	}
	opt = lic_option_by_code((int)k.option);
	if (opt == NULL || !opt->on_device) {
		char what[32];
		if (opt)
			snprintf(what, sizeof what, "%s", opt->name);
		else
			snprintf(what, sizeof what, "option code %u", k.option);
		svc_errf(
			err, EX_DATAERR,
			"option not on this device: the key is for %s, which the %s does not offer",
			what, device_identity(dev)->model);
		goto out;
	}
	out->opt = opt;
	out->number = k.number;
	snprintf(num, sizeof num, "%06" PRIu32, k.number);
	have = store_license_get(st, opt->name, k.number, &row, err);
	if (have < 0)
		goto out;
	if (have && strcmp(row.state, "active") == 0) {
		out->already = true;
		rc = 0;
		goto out;
	}
	if (have) {
		svc_errf(err, EX_DATAERR,
			 "license %s of %s was %s on %s: its key can never "
			 "enable %s on this device again",
			 num, opt->name,
			 strcmp(row.state, "erased") == 0 ? "erased" : "invalidated for transfer",
			 row.ended, opt->name);
		goto out;
	}
	have = store_license_current(st, opt->name, 0, &row, err);
	if (have < 0)
		goto out;
	if (have) {
		svc_errf(err, EX_DATAERR,
			 "%s is already enabled by license %06lld: invalidate or "
			 "erase it first",
			 opt->name, (long long)row.number);
		goto out;
	}
	if (opt->master) {
		if (lic_is_active(dev, opt->master, &master, err) != 0)
			goto out;
		if (!master) {
			svc_errf(err, EX_DATAERR,
				 "slave option %s needs its master %s validated "
				 "first: install the %s license, then this key",
				 opt->name, opt->master, opt->master);
			goto out;
		}
	}
	if (store_license_add(st, opt->name, k.number, err) != 0)
		goto out;
	rc = 0;
out:
	OPENSSL_cleanse(dk, sizeof dk);
	return rc;
}

int
license_install(struct device *dev, const char *key, struct license_installed *out,
		struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct svc_err e = { 0 };
	char num[16] = "";
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (device_require(dev, DOOR_SERVICE1, "installing a license", err) != 0)
		return -1;
	if (lic_agree(dev, &e) != 0 || store_begin(st, &e) != 0)
		goto fail;
	if (do_install(dev, key, out, &e) != 0)
		goto fail;
	snprintf(num, sizeof num, "%06" PRIu32, out->number);
	if (device_audit(dev, "license.install", out->opt->name, NULL, num,
			 out->already ? "already installed" : "installed", &e) != 0 ||
	    store_commit(st, &e) != 0)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	/* The refused attempt is recorded, with its reason. */
	if (out->opt)
		snprintf(num, sizeof num, "%06" PRIu32, out->number);
	device_audit(dev, "license.install", out->opt ? out->opt->name : NULL, NULL,
		     out->opt ? num : NULL, e.msg, NULL);
	memset(out, 0, sizeof *out);
	if (err)
		*err = e;
	return rc;
}

/* --- invalidation ----------------------------------------------------- */

static int
active_slaves(struct device *dev, const struct lic_option *opt, struct strbuf *out,
	      struct svc_err *err)
{
	const struct lic_option *o;
	bool on;
	int n = 0;

	sb_reset(out);
	sb_adds(out, "");
	for (int i = 0; (o = lic_option_at(i)) != NULL; i++) {
		if (!o->on_device || o->master == NULL || strcmp(o->master, opt->name) != 0)
			continue;
		if (lic_is_active(dev, o->name, &on, err) != 0)
			return -1;
		if (on)
			sb_addf(out, "%s%s", n++ ? ", " : "", o->name);
	}
	return n;
}

int
license_question(struct device *dev, const struct lic_option *opt, bool transfer,
		 struct strbuf *out, struct svc_err *err)
{
	struct strbuf slaves = STRBUF_INIT;
	int n = active_slaves(dev, opt, &slaves, err);

	if (n < 0) {
		sb_release(&slaves);
		return -1;
	}
	sb_reset(out);
	if (transfer)
		sb_addf(out,
			"Invalidate %s for transfer to another device? It can never be "
			"enabled again here with its present key.",
			opt->name);
	else
		sb_addf(out, "Erase the %s license (no transfer number, cannot be undone)?",
			opt->name);
	if (n)
		sb_addf(out, " This also disables %s (slave of %s).", slaves.buf, opt->name);
	sb_release(&slaves);
	return 0;
}

/* The license history learns of the end before the store commits it: a
 * crash in between leaves the history ahead, and the next operation ends
 * the license in the store too, with the same number (rollback.c). */
static int
record(struct lic_hist *h, const struct store_license *row, const char *state, int64_t counter,
       const char *tr, struct svc_err *err)
{
	struct lic_hist_entry e = { 0 };

	snprintf(e.option, sizeof e.option, "%s", row->option);
	snprintf(e.state, sizeof e.state, "%s", state);
	snprintf(e.transfer, sizeof e.transfer, "%s", tr ? tr : "");
	e.number = row->number;
	e.counter = counter;
	return lic_hist_add(h, &e, err) != 0 ? -1 : lic_hist_save(h, err);
}

static int
do_invalidate(struct device *dev, const struct lic_option *opt, bool transfer, char tr[LIC_TEXT],
	      bool *already, struct lic_hist *h, struct strbuf *detail, struct svc_err *err)
{
	const char *serial = device_identity(dev)->serial;
	struct store *st = device_store(dev);
	struct strbuf slaves = STRBUF_INIT;
	unsigned char dk[LIC_DEVKEY_LEN];
	struct store_license row;
	int64_t counter = 0;
	int rc = -1, have;

	have = store_license_current(st, opt->name, 0, &row, err);
	if (have < 0)
		goto out;
	if (have == 0) {
		have = store_license_current(st, opt->name, 1, &row, err);
		if (have < 0)
			goto out;
		if (have && strcmp(row.state, transfer ? "transferred" : "erased") == 0) {
			*already = true;
			strlcpy_(tr, row.transfer, LIC_TEXT);
			sb_addf(detail, "license %06lld already %s%s%s", (long long)row.number,
				row.state, transfer ? ", transfer number " : "", row.transfer);
			rc = 0;
			goto out;
		}
		svc_errf(err, EX_DATAERR, "%s has no active license%s%s", opt->name,
			 have ? ": it was " : "", have ? row.state : "");
		goto out;
	}
	if (active_slaves(dev, opt, &slaves, err) < 0)
		goto out;
	if (transfer) {
		if (lic_devkey_get(dev, dk, err) != 0 ||
		    store_license_next_counter(st, &counter, err) != 0)
			goto out;
		/* A store rolled back before its restore must not reuse a counter. */
		if (counter <= h->counter)
			counter = h->counter + 1;
		if (counter > (int64_t)LIC_COUNTER_MAX) {
			svc_errf(err, EX_UNAVAILABLE,
				 "this device has used all %u invalidation "
				 "counters",
				 LIC_COUNTER_MAX);
			goto out;
		}
		if (lic_transfer_issue(dk, serial, (unsigned)opt->code, (uint32_t)row.number,
				       (unsigned)counter, tr, err) != 0)
			goto out;
	}
	/* One statement ends the license and stores its number. */
	if (store_license_end(st, opt->name, row.number, transfer ? "transferred" : "erased",
			      counter, transfer ? tr : NULL, err) != 0 ||
	    record(h, &row, transfer ? "transferred" : "erased", counter, transfer ? tr : NULL,
		   err) != 0)
		goto out;
	sb_addf(detail, "license %06lld %s", (long long)row.number,
		transfer ? "invalidated for transfer" : "erased");
	if (transfer)
		sb_addf(detail, ", counter %lld, transfer number %s", (long long)counter, tr);
	if (slaves.len)
		sb_addf(detail, "; disables %s", slaves.buf);
	rc = 0;
out:
	OPENSSL_cleanse(dk, sizeof dk);
	sb_release(&slaves);
	return rc;
}

int
license_invalidate(struct device *dev, const struct lic_option *opt, bool transfer,
		   char tr[LIC_TEXT], bool *already, struct svc_err *err)
{
	const char *event = transfer ? "license.invalidate" : "license.erase";
	struct store *st = device_store(dev);
	struct strbuf detail = STRBUF_INIT;
	struct svc_err e = { 0 };
	struct lic_hist h = { 0 };
	size_t n0 = SIZE_MAX; /* the history's length before this change */
	int64_t c0 = 0;
	int rc = -1;

	tr[0] = '\0';
	*already = false;
	if (device_require(dev, DOOR_SERVICE2,
			   transfer ? "invalidating a license for transfer" : "erasing a license",
			   err) != 0)
		return -1;
	if (lic_sync(dev, &h, &e) != 0)
		goto fail;
	n0 = h.n;
	c0 = h.counter;
	if (store_begin(st, &e) != 0 ||
	    do_invalidate(dev, opt, transfer, tr, already, &h, &detail, &e) != 0 ||
	    device_audit(dev, event, opt->name, *already ? NULL : "active",
			 *already   ? NULL
			 : transfer ? "transferred"
				    : "erased",
			 detail.buf, &e) != 0)
		goto fail;
	rc = store_commit(st, &e);
	if (rc == 0)
		goto out;
fail:
	store_rollback(st);
	/* Not committed: the history forgets it again. When the disk could not
	 * say (-2), the history keeps it and the next operation completes it. */
	if (rc != -2 && n0 != SIZE_MAX && h.n > n0) {
		h.n = n0;
		h.counter = c0;
		lic_hist_save(&h, NULL);
	}
	device_audit(dev, event, opt->name, NULL, NULL, e.msg, NULL);
	tr[0] = '\0';
	*already = false;
	if (err)
		*err = e;
	rc = -1;
out:
	lic_hist_release(&h);
	sb_release(&detail);
	return rc;
}

/* --- SPEC LIST --------------------------------------------------------- */

struct report {
	license_line_fn fn;
	void *arg;
	struct strbuf line;
};

static int
spec_line(void *arg, const struct license_info *i)
{
	struct report *r = arg;

	sb_reset(&r->line);
	sb_addf(&r->line, "%s %s/%s", i->opt->name, i->status ? "ON" : "OFF",
		i->setting ? "ON" : "OFF");
	if (i->status && !i->setting)
		sb_addf(&r->line, "  (master %s not validated)", i->opt->master);
	r->fn(r->arg, r->line.buf);
	return 0;
}

static int
history_line(void *arg, const struct store_license *row)
{
	struct report *r = arg;

	sb_reset(&r->line);
	sb_addf(&r->line, "%06lld  %-5s  %-11s  %s", (long long)row->number, row->option,
		row->state, row->transfer);
	while (r->line.len && r->line.buf[r->line.len - 1] == ' ')
		r->line.buf[--r->line.len] = '\0';
	r->fn(r->arg, r->line.buf);
	return 0;
}

int
license_report(struct device *dev, license_line_fn fn, void *arg, struct svc_err *err)
{
	const struct store_identity *id = device_identity(dev);
	struct report r = { fn, arg, STRBUF_INIT };
	struct strbuf src = STRBUF_INIT;
	int rc = -1;

	if (device_require(dev, DOOR_SERVICE1, "the SPEC LIST report", err) != 0)
		return -1;
	sb_addf(&r.line, "SPEC LIST  %s  serial %s", id->model, id->serial);
	fn(arg, r.line.buf);
	if (license_each(dev, spec_line, &r, err) != 0)
		goto out;
	fn(arg, "");
	fn(arg, "LICENSE OPTION STATE        TRANSFER NUMBER");
	if (store_license_each(device_store(dev), history_line, &r, err) != 0 ||
	    license_key_source(dev, &src, err) != 0)
		goto out;
	sb_reset(&r.line);
	sb_addf(&r.line, "device license key: %s%s", src.buf,
		strcmp(src.buf, "demo") == 0   ? " (from the published demo vendor secret)"
		: strcmp(src.buf, "none") != 0 ? ""
		: lic_demo_key                 ? " yet (the demo key on first use)"
			       : " (licensing refused until svcmode license provision FILE)");
	fn(arg, "");
	fn(arg, r.line.buf);
	rc = 0;
out:
	sb_release(&r.line);
	sb_release(&src);
	return rc;
}
