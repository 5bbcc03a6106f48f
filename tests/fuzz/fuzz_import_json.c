/* `svcmode import` on arbitrary JSON against a real store: without
 * credentials nothing may ever be written. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/config.h"
#include "fixture.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct device *dev;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf problems = STRBUF_INIT;
	struct svc_err err = { 0 };
	char *json = malloc(size + 1);
	int64_t before;

	if (dev == NULL)
		dev = tfix_process_store("fuzz", LEVEL_USER);
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
