/* Erasing Mail Box files: the erase settings, the sweep at start-up of
 * files no row names, and erasing everything for Initialize. */
#include "mailbox/mailbox_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog/keys.h"

/* system.init.erase_method's choices, in the catalog's order
 * (1 Pass Zeros | 1 Pass Random | 3 Passes DoD; test_mailbox checks it). */
static const enum erase_method by_choice[] = { ERASE_ZEROS, ERASE_RANDOM, ERASE_DOD3 };

int
mailbox_erase_init(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	int choice;

	memset(st, 0, sizeof *st);
	if (config_get_choice(dev, KEY_SYSTEM_INIT_ERASE_METHOD, &choice, err) != 0)
		return -1;
	if (choice >= (int)(sizeof by_choice / sizeof by_choice[0]))
		return svc_errf(err, EX_SOFTWARE, "%s: choice %d has no erase method",
				KEY_SYSTEM_INIT_ERASE_METHOD, choice);
	st->method = by_choice[choice];
	return config_get_bool(dev, KEY_SYSTEM_INIT_VERIFY, &st->verify, err);
}

int
mailbox_erase_doc_file(struct device *dev, const char *file, struct erase_stats *st,
		       struct svc_err *err)
{
	char *path = mailbox_file_path(dev, file);
	int rc = erase_file(path, st, err);

	free(path);
	return rc;
}

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Erases the files of the documents directory that ALL or no row names. */
static int
sweep(struct device *dev, bool all, struct erase_stats *es, int64_t *count, struct svc_err *err)
{
	char *dir = mailbox_dir(dev);
	struct dirent *e;
	DIR *d;
	int rc = 0;

	*count = 0;
	if ((d = opendir(dir)) == NULL) {
		rc = errno == ENOENT ? 0
				     : svc_errf(err, EX_IOERR, "cannot read '%s': %s", dir,
						strerror(errno));
		free(dir);
		return rc;
	}
	while ((e = readdir(d)) != NULL) {
		int known = 0;
		if (!has_suffix(e->d_name, ".doc") && !has_suffix(e->d_name, ".tmp"))
			continue;
		if (!all && has_suffix(e->d_name, ".doc") &&
		    (known = store_doc_file_known(device_store(dev), e->d_name, err)) < 0) {
			rc = -1;
			break;
		}
		if (known)
			continue;
		if (mailbox_erase_doc_file(dev, e->d_name, es, err) != 0) {
			rc = -1;
			break;
		}
		if (has_suffix(e->d_name, ".doc"))
			(*count)++;
	}
	closedir(d);
	free(dir);
	return rc;
}

int
mailbox_cleanup(struct device *dev, struct svc_err *err)
{
	struct erase_stats es;
	int64_t n;
	int lock, rc;

	if ((lock = mailbox_lock(dev, true, false, NULL)) < 0)
		return 0; /* someone is writing documents: leave their files alone */
	rc = mailbox_erase_init(dev, &es, err) == 0 ? sweep(dev, false, &es, &n, err) : -1;
	close(lock);
	return rc;
}

int
mailbox_erase_all(struct device *dev, struct erase_stats *st, struct svc_err *err)
{
	struct store *s = device_store(dev);
	int64_t docs = 0, inboxes = 0, files = 0;
	int lock, rc = -1;

	if ((lock = mailbox_lock(dev, true, true, err)) < 0)
		return -1;
	if (store_begin(s, err) != 0)
		goto out;
	if (store_mailbox_clear(s, &docs, &inboxes, err) != 0 || store_commit(s, err) != 0) {
		store_rollback(s);
		goto out;
	}
	if (sweep(dev, true, st, &files, err) != 0)
		goto out;
	erase_count(st, "documents", files > docs ? files : docs);
	erase_count(st, "inbox settings", inboxes);
	rc = 0;
out:
	close(lock);
	return rc;
}
