/* Restoring a backup: verify, plan, write the documents, commit the rows. */
#include "backup/backup_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/hashjob.h"

struct plan {
	struct parsed *p;
	struct device *dev;
	bool sel[MAILBOX_INBOXES];
	bool restore_settings[MAILBOX_INBOXES];
	bool *take;       /* per backup document */
	int *no;          /* the number it will have */
	char (*file)[80]; /* its new file once written */
	struct mailbox_file *cur;
	struct hashjob *hj; /* hashes each document beside its write */
	struct collect old; /* documents of replaced inboxes */
	int written;
	int ndocs; /* entries of take, no, file */
	/* For the single pass (sink_ready): */
	const bool *boxes;
	enum backup_mode mode;
	const struct backup_cb *cb;
	backup_confirm_fn confirm;
};

static int
sink_begin(void *arg, int i, struct svc_err *err)
{
	struct plan *pl = arg;

	if (!pl->take[i])
		return 0;
	if (mailbox_file_begin(pl->dev, &pl->cur, err) != 0)
		return -1;
	if (pl->hj)
		mailbox_file_hash_beside(pl->cur, pl->hj);
	return 1;
}

static int
sink_write(void *arg, const void *buf, size_t len, struct svc_err *err)
{
	struct plan *pl = arg;

	return mailbox_file_write(pl->cur, buf, len, err);
}

static int
sink_end(void *arg, int i, struct svc_err *err)
{
	struct plan *pl = arg;
	char sha[65];
	int64_t size;
	int rc = mailbox_file_finish(pl->cur, false, pl->file[i], &size, sha, err);

	if (rc == 0 && (size != pl->p->docs[i].size || strcmp(sha, pl->p->docs[i].sha256) != 0))
		rc = svc_errf(err, EX_DATAERR, "document %02d/%04d changed while being restored",
			      pl->p->docs[i].box, pl->p->docs[i].no);
	if (rc != 0) {
		mailbox_file_abort(pl->cur);
		pl->file[i][0] = '\0';
	} else {
		/* Renamed into place but named by no row yet: kept here,
		 * removed by plan_undo or by the next start's cleanup. */
		mailbox_file_release(pl->cur);
	}
	pl->cur = NULL;
	return rc;
}

static int plan_make(struct plan *pl, const bool *boxes, enum backup_mode mode,
		     const struct backup_cb *cb, struct svc_err *err);
static void say_origin(struct device *dev, const struct parsed *p, const struct backup_cb *cb);

/* The single pass: the manifest and its sums are checked, the documents
 * not yet read; the plan is made from the manifest. */
static int
sink_ready(void *arg, struct parsed *p, struct svc_err *err)
{
	struct plan *pl = arg;

	say_origin(pl->dev, p, pl->cb);
	pl->p = p;
	if (plan_make(pl, pl->boxes, pl->mode, pl->cb, err) != 0)
		return -1;
	return pl->confirm ? pl->confirm(pl->cb ? pl->cb->arg : NULL, err) : 0;
}

static void
plan_free(struct plan *pl)
{
	free(pl->take);
	free(pl->no);
	free(pl->file);
	free(pl->old.v);
	hashjob_free(pl->hj);
}

/* Removes the files written for a restore that did not commit. */
static void
plan_undo(struct plan *pl)
{
	for (int i = 0; i < pl->ndocs; i++) {
		if (pl->file[i][0]) {
			char *path = mailbox_file_path(pl->dev, pl->file[i]);
			unlink(path);
			free(path);
			pl->file[i][0] = '\0';
		}
	}
}

static bool
inbox_is_default(const struct store_inbox *in)
{
	return in->name[0] == '\0' && in->password[0] == '\0' && in->auto_erase == 0 &&
	       !in->print_on_store;
}

static const char *const mode_word[] = {
	[BACKUP_EMPTY_ONLY] = "restore",
	[BACKUP_MERGE] = "merge",
	[BACKUP_REPLACE] = "replace",
};

static int
plan_make(struct plan *pl, const bool *boxes, enum backup_mode mode, const struct backup_cb *cb,
	  struct svc_err *err)
{
	struct parsed *p = pl->p;
	struct store *st = device_store(pl->dev);
	struct collect cur = { NULL, 0, 0, NULL };
	struct strbuf busy = STRBUF_INIT;
	bool *used = xcalloc(10000, sizeof *used);
	int rc = -1;

	pl->ndocs = p->ndocs;
	pl->take = xcalloc((size_t)p->ndocs + 1, sizeof *pl->take);
	pl->no = xcalloc((size_t)p->ndocs + 1, sizeof *pl->no);
	pl->file = xcalloc((size_t)p->ndocs + 1, sizeof *pl->file);
	for (int b = 0; b < MAILBOX_INBOXES; b++) {
		if (boxes && boxes[b] && !p->has_inbox[b]) {
			svc_errf(err, EX_USAGE, "inbox %02d is not in the backup", b);
			goto out;
		}
		pl->sel[b] = p->has_inbox[b] && (boxes == NULL || boxes[b]);
	}
	if (store_doc_each(st, -1, backup_collect_doc, &cur, err) != 0)
		goto out;
	for (int b = 0; b < MAILBOX_INBOXES; b++) {
		struct store_inbox in;
		int has_row, ncur = 0, ntake = 0, nsame = 0, total;
		if (!pl->sel[b])
			continue;
		if ((has_row = store_inbox_get(st, b, &in, err)) < 0)
			goto out;
		memset(used, 0, 10000 * sizeof *used);
		for (int k = 0; k < cur.n; k++) {
			if (cur.v[k].box != b)
				continue;
			ncur++;
			if (mode == BACKUP_REPLACE)
				backup_collect_doc(&pl->old, &cur.v[k]);
			else
				used[cur.v[k].no] = true;
		}
		if (mode == BACKUP_EMPTY_ONLY && (ncur > 0 || !inbox_is_default(&in)))
			sb_addf(&busy, "%s%02d", busy.len ? ", " : "", b);
		pl->restore_settings[b] = mode != BACKUP_MERGE || !has_row || inbox_is_default(&in);
		svc_wipe(&in, sizeof in);
		for (int i = 0; i < p->ndocs; i++) {
			const struct store_doc *d = &p->docs[i];
			bool same = false;
			if (d->box != b)
				continue;
			for (int k = 0; mode == BACKUP_MERGE && k < cur.n && !same; k++)
				same = cur.v[k].box == b && strcmp(cur.v[k].name, d->name) == 0 &&
				       strcmp(cur.v[k].sha256, d->sha256) == 0;
			if (same) {
				nsame++;
				continue;
			}
			pl->take[i] = true;
			ntake++;
			pl->no[i] = d->no;
			for (int n = d->no; used[pl->no[i]];)
				pl->no[i] = n = n % 9999 + 1;
			used[pl->no[i]] = true;
		}
		total = (mode == BACKUP_REPLACE ? 0 : ncur) + ntake;
		if (total > MAILBOX_MAX_DOCS) {
			svc_errf(err, EX_CANTCREAT,
				 "inbox %02d would hold %d documents (at most %d); nothing was "
				 "changed",
				 b, total, MAILBOX_MAX_DOCS);
			goto out;
		}
		if (ncur == 0 && ntake == 0 && nsame == 0 && inbox_is_default(&p->inboxes[b]) &&
		    (has_row == 0 || !pl->restore_settings[b]))
			continue; /* empty before and after: not worth a line */
		if (mode == BACKUP_REPLACE)
			backup_say(
				cb,
				"inbox %02d: replace: %d document%s removed, %d restored, settings "
				"from the backup",
				b, ncur, ncur == 1 ? "" : "s", ntake);
		else
			backup_say(cb,
				   "inbox %02d: %s: %d document%s restored, %d already there, "
				   "settings %s",
				   b, mode_word[mode], ntake, ntake == 1 ? "" : "s", nsame,
				   pl->restore_settings[b] ? "from the backup" : "kept");
	}
	if (busy.len) {
		svc_errf(err, EX_USAGE,
			 "inboxes not empty: %s (give --merge to keep what they hold or --replace "
			 "to replace them); nothing was changed",
			 busy.buf);
		goto out;
	}
	rc = 0;
out:
	free(used);
	free(cur.v);
	sb_release(&busy);
	return rc;
}

static int
plan_commit(struct plan *pl, enum backup_mode mode, struct svc_err *err)
{
	struct device *dev = pl->dev;
	struct store *st = device_store(dev);
	struct parsed *p = pl->p;
	char key[16], detail[160];

	if (store_begin(st, err) != 0)
		return -1;
	for (int k = 0; k < pl->old.n; k++)
		if (store_doc_delete(st, pl->old.v[k].box, pl->old.v[k].no, err) != 0)
			goto fail;
	for (int b = 0; b < MAILBOX_INBOXES; b++) {
		int n = 0;
		if (!pl->sel[b])
			continue;
		if (pl->restore_settings[b] && store_inbox_put(st, &p->inboxes[b], err) != 0)
			goto fail;
		for (int i = 0; i < p->ndocs; i++) {
			struct store_doc d;
			if (!pl->take[i] || p->docs[i].box != b)
				continue;
			d = p->docs[i];
			d.no = pl->no[i];
			strlcpy_(d.file, pl->file[i], sizeof d.file);
			if (store_doc_add(st, &d, err) != 0)
				goto fail;
			n++;
		}
		snprintf(key, sizeof key, "box:%02d", b);
		snprintf(detail, sizeof detail,
			 "%s: %d documents from the backup of serial %s made %s", mode_word[mode],
			 n, p->head.serial, p->head.created);
		if (device_audit(dev, "backup.restore", key, NULL, NULL, detail, err) != 0)
			goto fail;
	}
	/* -2: the disk did not confirm the commit, so it may have reached the
	 * disk after all (see store_commit): the caller keeps the files. Any
	 * other failure (a full disk) rolled it back: the caller removes them. */
	return store_commit(st, err);
fail:
	store_rollback(st);
	return -1;
}

static void
say_origin(struct device *dev, const struct parsed *p, const struct backup_cb *cb)
{
	if (strcmp(p->head.serial, device_identity(dev)->serial) != 0)
		backup_say(cb,
			   "the backup comes from another device (%s serial %s); restoring onto "
			   "serial %s",
			   p->head.model, p->head.serial, device_identity(dev)->serial);
}

/* The documents written (after a read that checked all of them), made
 * durable, then every row in one transaction; the replaced documents'
 * files overwritten last. */
static int
finish(struct plan *pl, enum backup_mode mode, struct svc_err *err)
{
	struct erase_stats es;
	int committed = 0;

	/* One flush for all the files, then the rows. */
	if (mailbox_sync(pl->dev, err) != 0 || (committed = plan_commit(pl, mode, err)) != 0) {
		/* After a failed commit the files stay: the rows may be on disk,
		 * and the start-up clean-up removes files that no row names. */
		if (committed != -2)
			plan_undo(pl);
		return -1;
	}
	if (mailbox_erase_init(pl->dev, &es, NULL) == 0)
		for (int k = 0; k < pl->old.n; k++) {
			char *f = mailbox_file_path(pl->dev, pl->old.v[k].file);
			erase_file(f, &es, NULL);
			free(f);
		}
	return 0;
}

/*
 * Verify-before-trust in one read of the archive: the manifest and its
 * sums are checked, the plan made from them (and confirmed, if asked);
 * then each document goes to a file that no row names (removed on any
 * failure, or by the next start's clean-up after a crash) and is checked
 * against the manifest's SHA-256 as it is written. The rows that make the
 * documents part of the Mail Box are committed only after the whole
 * archive, its end included, was read and checked.
 */
static int
restore_one_pass(struct plan *pl, int fd, const char *path, const char *passphrase,
		 struct parsed *p, struct svc_err *err)
{
	struct sink sink = { sink_ready, sink_begin, sink_write, sink_end, pl };

	pl->hj = hashjob_new(); /* NULL: hashed inline, only slower */
	if (backup_read(pl->dev, fd, path, passphrase, p, &sink, true, pl->cb, "restoring", err) !=
	    0) {
		mailbox_file_abort(pl->cur);
		pl->cur = NULL;
		plan_undo(pl);
		return -1;
	}
	return finish(pl, pl->mode, err);
}

/* A dry run: the whole archive checked, the plan shown, nothing written. */
static int
restore_dry(struct plan *pl, int fd, const char *path, const char *passphrase, struct parsed *p,
	    struct backup_summary *sum, struct svc_err *err)
{
	int lock, rc = -1;

	if (backup_read(pl->dev, fd, path, passphrase, p, NULL, true, pl->cb, "verifying", err) !=
	    0)
		return -1;
	backup_fill_summary(p, sum);
	say_origin(pl->dev, p, pl->cb);
	if ((lock = mailbox_lock(pl->dev, true, true, err)) < 0)
		return -1;
	pl->p = p;
	if (plan_make(pl, pl->boxes, pl->mode, pl->cb, err) == 0) {
		backup_say(pl->cb, "dry run: nothing was changed");
		rc = 0;
	}
	close(lock);
	return rc;
}

static int
restore(struct device *dev, const char *path, const char *passphrase, const bool *boxes,
	enum backup_mode mode, bool dry_run, backup_confirm_fn confirm, const struct backup_cb *cb,
	struct backup_summary *sum, struct svc_err *err)
{
	struct parsed p;
	struct plan pl;
	int fd, lock, rc = -1;

	memset(&pl, 0, sizeof pl);
	memset(&p, 0, sizeof p);
	pl.dev = dev;
	pl.boxes = boxes;
	pl.mode = mode;
	pl.cb = cb;
	pl.confirm = confirm;
	if (sum)
		memset(sum, 0, sizeof *sum);
	if ((fd = backup_open_input(path, err)) < 0)
		return -1;
	if (dry_run) {
		rc = restore_dry(&pl, fd, path, passphrase, &p, sum, err);
	} else if ((lock = mailbox_lock(dev, true, true, err)) >= 0) {
		rc = restore_one_pass(&pl, fd, path, passphrase, &p, err);
		if (rc == 0)
			backup_fill_summary(&p, sum);
		close(lock);
	}
	close(fd);
	plan_free(&pl);
	backup_parsed_free(&p);
	return rc;
}

int
backup_restore(struct device *dev, const char *path, const char *passphrase, const bool *boxes,
	       enum backup_mode mode, bool dry_run, const struct backup_cb *cb,
	       struct backup_summary *sum, struct svc_err *err)
{
	return restore(dev, path, passphrase, boxes, mode, dry_run, NULL, cb, sum, err);
}

int
backup_restore_confirm(struct device *dev, const char *path, const char *passphrase,
		       const bool *boxes, enum backup_mode mode, backup_confirm_fn confirm,
		       const struct backup_cb *cb, struct backup_summary *sum, struct svc_err *err)
{
	return restore(dev, path, passphrase, boxes, mode, false, confirm, cb, sum, err);
}
