/*
 * What the parts of Backup of Mail Box share: the manifest (manifest.c),
 * the archive reader (reader.c, list.c), the writer (writer.c) and the
 * restore (restore.c). Not for use outside src/backup.
 */
#ifndef SVC_BACKUP_INT_H
#define SVC_BACKUP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backup/backup.h"
#include "mailbox/mailbox.h"
#include "store/store_mailbox.h"
#include "util/strbuf.h"

#define CHUNK (64 * 1024)
/* Reads of the archive: 256 KiB at a time (4 times fewer system calls than
 * 64 KiB; libarchive hands stored entries back from this buffer). 1 MiB
 * was no faster and was an eighth of the backup commands' peak memory. */
#define RD_CHUNK (256 * 1024)
#define MANIFEST_NAME "svcmode-backup.json"
#define SUMS_NAME "SHA256SUMS"
/* 100 inboxes x 100 documents need about 4 MiB; more is not a backup of ours. */
#define MANIFEST_MAX (6 * 1024 * 1024)

/* --- small helpers (backup.c) -------------------------------------------- */

void backup_say(const struct backup_cb *cb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void backup_progress(const struct backup_cb *cb, const char *what, int64_t done, int64_t total);
void backup_sha256_hex(const void *data, size_t len, char out[65]);
void backup_iso_time(int64_t t, char *buf, size_t cap);

/* Documents gathered from the store, optionally only those of BOXES. */
struct collect {
	struct store_doc *v;
	int n, cap;
	const bool *boxes;
};

/* A store_doc_each callback: appends to the struct collect ARG. */
int backup_collect_doc(void *arg, const struct store_doc *d);

/* --- the manifest (manifest.c) ------------------------------------------- */

struct parsed {
	struct store_manifest_head head;
	struct store_inbox inboxes[MAILBOX_INBOXES];
	bool has_inbox[MAILBOX_INBOXES];
	int ninboxes;
	struct store_doc *docs; /* .file holds the archive path */
	int ndocs, cap;
	int64_t bytes;
	bool encrypted;
	struct svc_err *err;
};

/* The archive path of a document: inboxes/NN/DDDD NAME. */
void backup_doc_path(const struct store_doc *d, char *out, size_t cap);
void backup_parsed_free(struct parsed *p);
/* Parses and checks the manifest JSON of the archive PATH into P (which
 * starts zeroed); EX_DATAERR names what is wrong. */
int backup_parse_manifest(struct device *dev, const char *path, const char *json, struct parsed *p,
			  struct svc_err *err);
/* SHA256SUMS for the manifest's hash and the documents: their .file is
 * the archive path, or with STORE_DOCS the store's file (the archive path
 * is then made from the box, number and name). */
void backup_sums_text(const char *manifest_sha, const struct store_doc *docs, int n,
		      bool store_docs, struct strbuf *out);
/* The manifest of the inboxes SEL (settings INS) and documents DOCS. */
void backup_build_manifest(struct device *dev, const struct store_inbox *ins, const bool *sel,
			   const struct collect *docs, struct strbuf *j);

/* --- reading (reader.c) -------------------------------------------------- */

/* Where verified documents go during a restore. */
struct sink {
	/* If set: called once the manifest and SHA256SUMS are read and
	 * checked, before the first document; P is what they hold. */
	int (*ready)(void *arg, struct parsed *p, struct svc_err *err);
	/* Called for document I of the manifest: return 1 to keep it. */
	int (*begin)(void *arg, int i, struct svc_err *err);
	int (*write)(void *arg, const void *buf, size_t len, struct svc_err *err);
	int (*end)(void *arg, int i, struct svc_err *err);
	void *arg;
};

int backup_open_input(const char *path, struct svc_err *err);
/*
 * Reads the whole archive on FD: the manifest into P, SHA256SUMS checked
 * against it and, with DOCS_TOO, every document's size and SHA-256. With
 * SINK the documents it accepts are also written out.
 */
int backup_read(struct device *dev, int fd, const char *path, const char *passphrase,
		struct parsed *p, const struct sink *sink, bool docs_too,
		const struct backup_cb *cb, const char *label, struct svc_err *err);
void backup_fill_summary(const struct parsed *p, struct backup_summary *sum);

#endif
