/*
 * What the parts of Mail Box share: parsing and paths (mailbox.c), content
 * files (file.c), inboxes (inbox.c), documents (doc.c) and the erasing
 * sweep (sweep.c). Not for use outside src/mailbox.
 */
#ifndef SVC_MAILBOX_INT_H
#define SVC_MAILBOX_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <openssl/evp.h>

#include "mailbox/mailbox.h"
#include "store/store_mailbox.h"

#define CHUNK (64 * 1024)

/* A content file being written (file.c); its members are for doc.c too. */
struct mailbox_file {
	int fd;
	char *tmp, *final;
	char file[80];
	int64_t size;
	EVP_MD_CTX *md;
	struct hashjob *hj; /* hashes beside the write, if set; not owned */
};

/* The error for a failed write of PATH (errno E): a full disk says so. */
int mailbox_write_error(const char *path, int e, struct svc_err *err);

/* Free text: at most MAX bytes of UTF-8 without control characters. */
int mailbox_valid_text(const char *s, size_t max);
/* Erases the content file FILE of the documents directory. */
int mailbox_erase_doc_file(struct device *dev, const char *file, struct erase_stats *st,
			   struct svc_err *err);

#endif
