/*
 * Mail Box rows: inbox settings and document metadata (the content files
 * are the mailbox module's), and the reading of a backup manifest. Errors
 * as in store.h; callbacks must not call back into these functions.
 */
#ifndef SVC_STORE_MAILBOX_H
#define SVC_STORE_MAILBOX_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct store_inbox {
	int box;
	char name[32];
	char password[192]; /* access_hash() form, "" = none */
	int64_t auto_erase; /* seconds, 0 = OFF */
	bool print_on_store;
};

struct store_doc {
	int box;
	int no;
	char name[128];
	int64_t stored_at;
	int pages;
	int64_t size;
	char sha256[65];
	char file[80];
};

/* 1 and OUT filled if BOX has a settings row, 0 and factory values if not. */
int store_inbox_get(struct store *st, int box, struct store_inbox *out, struct svc_err *err);
int store_inbox_put(struct store *st, const struct store_inbox *in, struct svc_err *err);
int store_inbox_delete(struct store *st, int box, struct svc_err *err);
/* Document count and bytes of every inbox (BOX 0..99 filled into arrays). */
int store_inbox_usage(struct store *st, int64_t docs[100], int64_t bytes[100],
		      struct svc_err *err);
typedef int (*store_inbox_fn)(void *arg, const struct store_inbox *in);
/* Every inbox that has a settings row, in order. */
int store_inbox_each(struct store *st, store_inbox_fn fn, void *arg, struct svc_err *err);

typedef int (*store_doc_fn)(void *arg, const struct store_doc *d);
/* Documents of BOX (-1: all), by box and number. */
int store_doc_each(struct store *st, int box, store_doc_fn fn, void *arg, struct svc_err *err);
/* Documents of inboxes with Auto Erase on, stored before their period ended at NOW. */
int store_doc_expired(struct store *st, int64_t now, store_doc_fn fn, void *arg,
		      struct svc_err *err);
int store_doc_get(struct store *st, int box, int no, struct store_doc *out, struct svc_err *err);
/* Inserts D; a D->no of 0 takes the next free number (set in D). */
int store_doc_add(struct store *st, struct store_doc *d, struct svc_err *err);
int store_doc_delete(struct store *st, int box, int no, struct svc_err *err);
/* 1 if some row names FILE. */
int store_doc_file_known(struct store *st, const char *file, struct svc_err *err);
/* Deletes every document and inbox row; counts what it deleted. */
int store_mailbox_clear(struct store *st, int64_t *docs, int64_t *inboxes, struct svc_err *err);

/* --- a backup manifest (JSON), read with SQLite's JSON functions --- */
struct store_manifest_head {
	int64_t format;
	char svcmode[32], model[32], serial[16], created[32];
};
int store_manifest_head(struct store *st, const char *json, struct store_manifest_head *out,
			struct svc_err *err);
/* Each element of $.inboxes; a missing or mistyped member is EX_DATAERR. */
int store_manifest_inboxes(struct store *st, const char *json, store_inbox_fn fn, void *arg,
			   struct svc_err *err);
/* Each element of $.documents; FILE gets the archive path. */
int store_manifest_docs(struct store *st, const char *json, store_doc_fn fn, void *arg,
			struct svc_err *err);

#endif
