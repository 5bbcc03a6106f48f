/* Backup of Mail Box input: `backup verify`, `backup list` and the probe
 * on an archive file, against a real store at System Manager level. The
 * first byte picks what the rest is:
 *   even: a whole archive file (any bytes);
 *   odd:  the manifest (svcmode-backup.json), which this target wraps in
 *         a ZIP with a matching SHA256SUMS, so that the manifest's content
 *         rather than its checksum decides how far it gets.
 * The file is a memory file (nothing on disk); the temporary store goes
 * when the fuzzer exits. No input may change the store. */
#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backup/backup.h"
#include "store/store_mailbox.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct device *dev;
static char dir[] = "/tmp/svc-fuzz-XXXXXX";

static void
remove_store(void)
{
	static const char *const names[] = { "device.db", "device.db-wal", "device.db-shm" };
	char path[64];

	device_close(dev);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void
open_store(void)
{
	struct device_creds c = { .manager = true };
	struct svc_err err = { 0 };
	char path[64];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(remove_store);
	snprintf(path, sizeof path, "%s/device.db", dir);
	snprintf(c.manager_id, sizeof c.manager_id, "7654321");
	snprintf(c.manager_pin, sizeof c.manager_pin, "7654321");
	if (device_create(path, "FUZ00001", &err) != 0 ||
	    device_open(path, false, NULL, &dev, &err) != 0 ||
	    device_login(dev, LEVEL_MANAGER, &c, &err) != 0) {
		fprintf(stderr, "fuzz_backup: %s\n", err.msg);
		abort();
	}
}

static void
sha256_hex(const void *p, size_t n, char hex[65])
{
	unsigned char md[32];

	if (EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL) != 1)
		abort();
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static int
add_sum(void *arg, const struct store_doc *d)
{
	sb_addf(arg, "%s  %s\n", d->sha256, d->file);
	return 0;
}

static void
put(struct archive *a, const char *name, const void *p, size_t n)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, (la_int64_t)n);
	if (archive_write_header(a, e) != ARCHIVE_OK ||
	    (n && archive_write_data(a, p, n) != (la_ssize_t)n))
		abort();
	archive_entry_free(e);
}

/* The manifest in a ZIP as backup_create writes it (stored entries). */
static void
wrap_manifest(int fd, const uint8_t *json, size_t n)
{
	struct strbuf sums = STRBUF_INIT;
	struct svc_err err = { 0 };
	char *text = malloc(n + 1), hex[65];
	struct archive *a = archive_write_new();

	memcpy(text, json, n);
	text[n] = '\0';
	sha256_hex(json, n, hex);
	sb_addf(&sums, "%s  svcmode-backup.json\n", hex);
	(void)store_manifest_docs(device_store(dev), text, add_sum, &sums, &err);
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_zip_set_compression_store(a) != ARCHIVE_OK ||
	    archive_write_open_fd(a, fd) != ARCHIVE_OK)
		abort();
	put(a, "svcmode-backup.json", json, n);
	put(a, "SHA256SUMS", sums.buf, sums.len);
	if (archive_write_close(a) != ARCHIVE_OK)
		abort();
	archive_write_free(a);
	sb_release(&sums);
	free(text);
}

static void
discard(void *arg, const char *text)
{
	(void)arg;
	(void)text;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct backup_cb cb = { .line = discard };
	struct backup_summary sum;
	struct svc_err err = { 0 };
	char path[64];
	bool enc;
	int fd;
	int64_t before;

	if (dev == NULL)
		open_store();
	if (size < 1)
		return 0;
	fd = memfd_create("fuzz-backup", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (data[0] & 1)
		wrap_manifest(fd, data + 1, size - 1);
	else if (write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	before = store_data_version(device_store(dev));
	(void)backup_probe(path, &enc, &err);
	(void)backup_list(dev, path, data[0] & 2 ? "fuzzpass1" : NULL, data[0] & 4, &cb, &err);
	if (backup_verify(dev, path, data[0] & 2 ? "fuzzpass1" : NULL, &cb, &sum, &err) == 0 &&
	    (sum.documents < 0 || sum.bytes < 0 || sum.inboxes < 0))
		abort();
	if (store_data_version(device_store(dev)) != before)
		abort();
	close(fd);
	return 0;
}
