/*
 * Backup of Mail Box: a ZIP archive (stored entries; WinZip AES-256 when a
 * passphrase is given) holding svcmode-backup.json (the manifest: format,
 * svcmode version, model, serial, time, the inboxes with their settings and
 * password hashes, every document with size and SHA-256), SHA256SUMS (the
 * manifest's and every document's SHA-256, in sha256sum(1) form) and the
 * documents as inboxes/NN/DDDD NAME. Everything streams through 64 KiB
 * buffers: memory does not grow with the archive.
 *
 * backup_create writes to a temporary file, verifies what it wrote and
 * only then renames it into place. backup_restore verifies the whole
 * archive before it writes anything. Errors: -1 with err: EX_DATAERR
 * (damaged, truncated, tampered, not a backup, newer format), EX_NOPERM
 * (wrong or missing passphrase), EX_NOINPUT, EX_CANTCREAT, EX_IOERR (disk
 * full: the partial file is removed), EX_USAGE (bad selection or a
 * non-empty inbox without --merge/--replace).
 *
 * Access: these functions check no door. The caller has opened what the
 * operation table declares: DOOR_MANAGER for the backup operations, and
 * DOOR_MANAGER or DOOR_SERVICE1 for the backup that Initialize All Data
 * makes before it erases.
 */
#ifndef SVC_BACKUP_H
#define SVC_BACKUP_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "util/err.h"

#define BACKUP_FORMAT 1
#define BACKUP_PASSPHRASE_MIN 8

struct backup_cb {
	void *arg;
	/* Progress in [0, 1]; may be NULL. */
	void (*progress)(void *arg, const char *what, double fraction);
	/* A line for the person (notes, dry-run plan, listing); may be NULL. */
	void (*line)(void *arg, const char *text);
};

struct backup_summary {
	int inboxes;
	int64_t documents, bytes;
	char serial[16], model[32], created[32], svcmode[32];
	bool encrypted;
};

/* Whether the archive at PATH is encrypted (to know whether to ask). */
int backup_probe(const char *path, bool *encrypted, struct svc_err *err);

/* BOXES: which inboxes (NULL: all). PASSPHRASE NULL: not encrypted.
 * PATH "-" streams to stdout (verified while written, not re-read). */
int backup_create(struct device *dev, const char *path, const bool *boxes, const char *passphrase,
		  const struct backup_cb *cb, struct backup_summary *sum, struct svc_err *err);
/* Checks the manifest, SHA256SUMS and every document. */
int backup_verify(struct device *dev, const char *path, const char *passphrase,
		  const struct backup_cb *cb, struct backup_summary *sum, struct svc_err *err);
/* The manifest as JSON (JSON: one object as one cb->line) or as lines
 * through cb->line; does not read the documents (see backup_verify). */
int backup_list(struct device *dev, const char *path, const char *passphrase, bool json,
		const struct backup_cb *cb, struct svc_err *err);
/* The manifest's JSON object member by member: FIELD gets each NAME and
 * its VALUE as JSON text, with cb->arg. */
typedef void (*backup_field_fn)(void *arg, const char *name, const char *value);
int backup_list_fields(struct device *dev, const char *path, const char *passphrase,
		       backup_field_fn field, const struct backup_cb *cb, struct svc_err *err);

enum backup_mode {
	BACKUP_EMPTY_ONLY, /* refuse an inbox that has documents or settings */
	BACKUP_MERGE,      /* keep existing documents and settings, add the rest */
	BACKUP_REPLACE,    /* the listed inboxes become what the backup holds */
};
/* One read of the archive: the plan is made from the manifest (checked
 * against SHA256SUMS), each document is checked against its SHA-256 as it
 * is written to a file that no row names, and the rows are committed only
 * once the whole archive was read and checked: a damaged archive changes
 * nothing. A dry run checks the whole archive and shows the plan. */
int backup_restore(struct device *dev, const char *path, const char *passphrase, const bool *boxes,
		   enum backup_mode mode, bool dry_run, const struct backup_cb *cb,
		   struct backup_summary *sum, struct svc_err *err);
/* backup_restore (not a dry run) that asks CONFIRM, with cb->arg, once the
 * plan has been shown and before anything is written: 0 goes on, -1 with
 * err stops and nothing is changed. The inboxes stay locked for writers
 * meanwhile. */
typedef int (*backup_confirm_fn)(void *arg, struct svc_err *err);
int backup_restore_confirm(struct device *dev, const char *path, const char *passphrase,
			   const bool *boxes, enum backup_mode mode, backup_confirm_fn confirm,
			   const struct backup_cb *cb, struct backup_summary *sum,
			   struct svc_err *err);

#endif
