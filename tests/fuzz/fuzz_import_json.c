/* `svcmode import` on arbitrary JSON against a real store: without
 * credentials nothing may ever be written. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct device *dev;
static char dir[] = "/tmp/svc-fuzz-XXXXXX";

/* The temporary store goes when the fuzzer exits. */
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
	char path[64];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(remove_store);
	snprintf(path, sizeof path, "%s/device.db", dir);
	if (device_create(path, "FUZ00001", NULL) != 0 ||
	    device_open(path, false, NULL, &dev, NULL) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf problems = STRBUF_INIT;
	struct svc_err err = { 0 };
	char *json = malloc(size + 1);
	int64_t before;

	if (dev == NULL)
		open_store();
	memcpy(json, data, size);
	json[size] = '\0';
	before = store_data_version(device_store(dev));
	/* Zero changes (a valid, unchanged import) or a refusal; a change
	 * needs credentials this session does not have. */
	if (config_import(dev, json, &problems, &err) > 0)
		abort();
	if (store_data_version(device_store(dev)) != before)
		abort();
	free(json);
	sb_release(&problems);
	return 0;
}
