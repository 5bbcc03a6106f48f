/*
 * The store against the license history (license_int.h): what keeps a
 * store copied before an invalidation and put back afterwards from
 * enabling the license again.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "license/license_int.h"
#include "store/store_license.h"
#include "util/strbuf.h"

/* Ends again, as the history has it, a license the store shows active or
 * does not have at all (a copy from before it was installed: its key must
 * still be refused). 1 when it changed the store. */
static int
restore_entry(struct store *st, const struct lic_hist_entry *e, struct svc_err *err)
{
	struct store_license row;
	bool transferred = strcmp(e->state, "transferred") == 0;
	int have = store_license_get(st, e->option, e->number, &row, err);

	if (have < 0)
		return -1;
	if (have && strcmp(row.state, "active") != 0)
		return 0;
	if (!have && store_license_add(st, e->option, e->number, err) != 0)
		return -1;
	if (store_license_end(st, e->option, e->number, e->state, transferred ? e->counter : 0,
			      transferred ? e->transfer : NULL, err) != 0)
		return -1;
	return 1;
}

/* The history's licenses the store lacks, ended again in one transaction. */
static int
restore(struct device *dev, const struct lic_hist *h, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct strbuf detail = STRBUF_INIT;
	int n = 0, rc;

	for (size_t i = 0; i < h->n; i++) {
		rc = restore_entry(st, &h->e[i], err);
		if (rc < 0)
			goto fail;
		if (rc == 0)
			continue;
		sb_addf(&detail, "%s%s %06" PRId64 " %s", n++ ? ", " : "", h->e[i].option,
			h->e[i].number, h->e[i].state);
	}
	if (n == 0) {
		sb_release(&detail);
		return 0;
	}
	sb_addf(&detail,
		": the store was rolled back (the license history '%s' says %s gone); "
		"disabled again",
		h->path, n == 1 ? "it is" : "they are");
	if (device_audit(dev, "license.rollback", NULL, "active", "disabled", detail.buf, err) != 0)
		goto fail;
	sb_release(&detail);
	return n;
fail:
	sb_release(&detail);
	return -1;
}

struct missing {
	struct lic_hist *h;
	int added;
	struct svc_err *err;
};

static int
add_missing(void *arg, const struct store_license *row)
{
	struct missing *m = arg;
	struct lic_hist_entry e = { 0 };

	if (strcmp(row->state, "active") == 0 || lic_hist_find(m->h, row->option, row->number))
		return 0;
	snprintf(e.option, sizeof e.option, "%s", row->option);
	snprintf(e.state, sizeof e.state, "%s", row->state);
	snprintf(e.transfer, sizeof e.transfer, "%.*s", (int)sizeof e.transfer - 1, row->transfer);
	e.number = row->number;
	e.counter = row->counter > 0 ? row->counter : 0;
	m->added++;
	return lic_hist_add(m->h, &e, m->err);
}

/* Whether any license of the history is active in, or missing from, the
 * store: read outside a transaction, so that agreeing stores (nearly
 * always) cost no write lock. */
static int
disagree(struct store *st, const struct lic_hist *h, struct svc_err *err)
{
	struct store_license row;

	for (size_t i = 0; i < h->n; i++) {
		int have = store_license_get(st, h->e[i].option, h->e[i].number, &row, err);
		if (have < 0)
			return -1;
		if (!have || strcmp(row.state, "active") == 0)
			return 1;
	}
	return 0;
}

int
lic_sync(struct device *dev, struct lic_hist *h, struct svc_err *err)
{
	struct store *st = device_store(dev);
	struct missing m = { h, 0, err };
	int n;

	if (lic_hist_load(store_path(st), device_identity(dev)->serial, h, err) != 0)
		return -1;
	n = disagree(st, h, err);
	if (n < 0)
		return -1;
	/* Checked again inside the transaction: an invalidation of another
	 * process writes the history just before it commits. */
	if (n > 0) {
		if (store_begin(st, err) != 0)
			return -1;
		n = restore(dev, h, err);
		if (n < 0 || store_commit(st, err) != 0) {
			store_rollback(st);
			return -1;
		}
	}
	if (store_license_each(st, add_missing, &m, err) != 0)
		return -1;
	return m.added ? lic_hist_save(h, err) : 0;
}
