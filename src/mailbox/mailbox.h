/*
 * Mail Box: User Inboxes 00-99 and the documents stored in them.
 *
 * A document's content is a file in the documents directory beside the
 * database (<db>.d/docs/, 0700; files 0600) and its metadata, with the
 * content's SHA-256, a row in the store. A document is written to a
 * temporary name, fsynced and renamed before its row is committed; a file
 * without a row (an interrupted store or restore) is removed at the next
 * start. Deleted and expired documents are overwritten before they are
 * unlinked, with the method of system.init.erase_method.
 *
 * A password-protected inbox opens only with its password (checked through
 * the door "box:NN" with the lockout of the System PIN) or in a session
 * that holds DOOR_MANAGER. Functions taking PASSWORD accept NULL when none is
 * offered. Errors: -1 with err (EX_USAGE bad inbox or value, EX_NOPERM
 * protected inbox, EX_TEMPFAIL door locked, EX_NOINPUT no such document or
 * file, EX_DATAERR content does not match its SHA-256, EX_IOERR and
 * EX_CANTCREAT file errors); on failure the store and the directory are
 * unchanged.
 */
#ifndef SVC_MAILBOX_H
#define SVC_MAILBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/config.h"
#include "util/erase.h"
#include "util/err.h"

#define MAILBOX_INBOXES 100
#define MAILBOX_MAX_DOCS 100 /* documents per inbox, as on the device */
#define MAILBOX_NAME_MAX 24  /* inbox name */
#define MAILBOX_DOCNAME_MAX 120
#define MAILBOX_PAGES_MAX 999 /* a page count stops there */

struct mailbox_inbox {
	int box;
	char name[32];
	bool protected_;    /* has a password */
	int64_t auto_erase; /* seconds; 0 = OFF */
	bool print_on_store;
	int64_t docs, bytes;
};

struct mailbox_doc {
	int box, no;
	char name[128];
	int64_t stored_at; /* unix time */
	int pages;
	int64_t size;
	char sha256[65];
};

/* "07" or "7" -> 7; EX_USAGE otherwise. */
int mailbox_parse_box(const char *s, int *box, struct svc_err *err);
/* "00,03,10-19" (or "all") -> SET[box] = true. */
int mailbox_parse_list(const char *s, bool set[MAILBOX_INBOXES], struct svc_err *err);
/* "OFF", "30m", "12h", "3d" <-> seconds (0 = OFF), at most 365 days: the
 * catalog's period type, as box.NN.auto-erase takes it. */
int mailbox_parse_period(const char *s, int64_t *secs, struct svc_err *err);
void mailbox_format_period(int64_t secs, char *buf, size_t cap);

/* The documents directory (a new string) and a document file's full path. */
char *mailbox_dir(struct device *dev);
char *mailbox_file_path(struct device *dev, const char *file);

/* Every inbox 00..99 with its settings and usage. No password needed. */
typedef int (*mailbox_inbox_fn)(void *arg, const struct mailbox_inbox *in);
int mailbox_inbox_each(struct device *dev, mailbox_inbox_fn fn, void *arg, struct svc_err *err);
int mailbox_inbox_get(struct device *dev, int box, struct mailbox_inbox *out, struct svc_err *err);

/* 0 if BOX is open to this session with PASSWORD (NULL: none offered):
 * no password is set, the session holds DOOR_MANAGER, or PASSWORD is
 * right. */
int mailbox_unlock(struct device *dev, int box, const char *password, struct svc_err *err);

typedef int (*mailbox_doc_fn)(void *arg, const struct mailbox_doc *d);
int mailbox_doc_each(struct device *dev, int box, const char *password, mailbox_doc_fn fn,
		     void *arg, struct svc_err *err);

/* Sets the catalog's box.NN.FIELD (name, password, auto-erase,
 * print-on-store) of BOX, opened with PASSWORD: validated, a password
 * hashed ("" removes it), audited as box.set. A refused value is EX_USAGE
 * with the catalog's message (key, value, what it expects). */
int mailbox_set(struct device *dev, int box, const char *password, const char *field,
		const char *value, struct svc_err *err);

/* 0 if mailbox_set would accept VALUE for FIELD, else EX_USAGE with the
 * message mailbox_set gives. Nothing is read or written. */
int mailbox_check_setting(struct device *dev, int box, const char *field, const char *value,
			  struct svc_err *err);

/* Stores the file at PATH as a document named NAME (NULL: PATH's base
 * name); *NO gets its number. Streams; no size limit but the disk's. */
int mailbox_store_file(struct device *dev, int box, const char *password, const char *path,
		       const char *name, int *no, struct svc_err *err);
/* For received mail: stores DATA as a document of BOX (no password). */
int mailbox_store_document(struct device *dev, int box, const char *name, const void *data,
			   size_t len, struct svc_err *err);
/* Copies document NO to PATH ("-" = stdout) atomically, checking its SHA-256. */
int mailbox_export(struct device *dev, int box, const char *password, int no, const char *path,
		   struct svc_err *err);
/* Overwrites and removes document NO. */
int mailbox_delete(struct device *dev, int box, const char *password, int no, struct svc_err *err);

/* The pages of the document file open on FD: a TIFF's image directories
 * or a PDF's page objects (at most MAILBOX_PAGES_MAX); 1 for any other file
 * or one that does not parse cleanly. Reads with pread(), in bounded
 * memory. */
int mailbox_count_pages(int fd);

/* Erases the documents whose Auto Erase period has passed at NOW;
 * *ERASED (may be NULL) gets how many. */
int mailbox_auto_erase(struct device *dev, int64_t now, int *erased, struct svc_err *err);
/* Removes document files that no row names (left by an interrupted store
 * or restore) and stale temporary files, unless another process is writing
 * documents at the moment. */
int mailbox_cleanup(struct device *dev, struct svc_err *err);
/* Initialize All Data/Settings: overwrites and removes every document file
 * and deletes every document and inbox-settings row. Idempotent. */
int mailbox_erase_all(struct device *dev, struct erase_stats *st, struct svc_err *err);
/* An erase_stats with the device's erase method and verify setting. */
int mailbox_erase_init(struct device *dev, struct erase_stats *st, struct svc_err *err);

/*
 * Writers of the documents directory hold a shared lock; cleanup takes it
 * exclusively (non-blocking) so it never removes a file that another
 * process is about to commit. Returns an fd (close it to unlock) or -1.
 */
int mailbox_lock(struct device *dev, bool exclusive, bool wait, struct svc_err *err);

/*
 * Streaming a new document file: mailbox_file_begin opens a temporary file
 * in the documents directory, _write appends and hashes, _finish renames
 * it to its final name (FILE gets it) and gives SIZE and SHA256 (hex);
 * with SYNC it fsyncs the file before and the directory after. _abort
 * removes it. The caller then commits a row; after many unsynced files,
 * one mailbox_sync() makes them all durable first.
 */
struct mailbox_file;
int mailbox_file_begin(struct device *dev, struct mailbox_file **out, struct svc_err *err);
int mailbox_file_write(struct mailbox_file *f, const void *buf, size_t len, struct svc_err *err);
int mailbox_file_finish(struct mailbox_file *f, bool sync, char file[80], int64_t *size,
			char sha256[65], struct svc_err *err);
/* _write then hashes each block on HJ's thread while it writes it (HJ
 * stays the caller's and must outlive F). */
struct hashjob;
void mailbox_file_hash_beside(struct mailbox_file *f, struct hashjob *hj);
/* Flushes the documents directory to the disk (syncfs). */
int mailbox_sync(struct device *dev, struct svc_err *err);
void mailbox_file_abort(struct mailbox_file *f);
/* After _finish: frees F and keeps the file. */
void mailbox_file_release(struct mailbox_file *f);

#endif
