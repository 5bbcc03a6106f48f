/* Inside the wipe module only: the table of erase parts (parts.c). */
#ifndef SVC_WIPE_INT_H
#define SVC_WIPE_INT_H

#include "config/config.h"
#include "util/erase.h"
#include "wipe/wipe.h"

/*
 * One kind of data to erase. ERASE deletes its rows inside the engine's
 * transaction (which also records that the part is done) and counts what
 * it erased with erase_count(); it must be idempotent, since a part that
 * was interrupted runs again. REGENERATE, if set, runs after it in the
 * same transaction (the factory default key pair). FILES: the part works
 * on files only and runs outside a transaction. AUDIT: the prefix of the
 * module's audit events, whose recorded values (old, new, detail; the key
 * too with AUDIT_KEYS, when it names user data) are erased before the
 * part runs: the records stay, the data in them goes.
 */
struct wipe_part {
	const char *name;
	unsigned presets; /* WIPE_ALL | WIPE_SETTINGS_ONLY */
	int (*erase)(struct device *dev, struct erase_stats *st, struct svc_err *err);
	int (*regenerate)(struct device *dev, struct svc_err *err);
	bool files;
	const char *audit;
	bool audit_keys;
};

/* Ended by an entry with name NULL. The order is the order of erasing. */
extern const struct wipe_part wipe_parts[];

/* Where the mailbox module keeps document files: "<store>.d/docs". */
char *wipe_docs_dir(struct device *dev);
/* Bytes in the regular files under DIR (0 if it does not exist). */
int64_t wipe_dir_bytes(const char *dir);

#endif
