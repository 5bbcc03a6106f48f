/* Certificates and keys as the CLI receives them (cert install, cert
 * import, cert ca import, cert ca show): PEM (one or a chain), DER and
 * PKCS#12, against a real store with the factory key pair. The first byte
 * picks the operation; the rest is the file. Without credentials nothing
 * may be imported, and only a refusal may be written (the audit row). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tls/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define P12_PASSWORD "fuzzpass1"

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
	struct svc_err err = { 0 };
	char path[64];

	if (mkdtemp(dir) == NULL)
		abort();
	atexit(remove_store);
	snprintf(path, sizeof path, "%s/device.db", dir);
	if (device_create(path, "FUZ00001", &err) != 0 ||
	    device_open(path, false, NULL, &dev, &err) != 0 || tls_provision(dev, &err) != 0) {
		fprintf(stderr, "fuzz_tls_import: %s\n", err.msg);
		abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct svc_err err = { 0 };
	struct tls_info info;
	char *text;
	int rc = -1;

	if (dev == NULL)
		open_store();
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0: rc = tls_ca_import(dev, data + 1, size - 1, &info, &err); break;
	case 1: rc = tls_install(dev, TLS_DEFAULT_NAME, data + 1, size - 1, &err); break;
	case 2: rc = tls_import_p12(dev, "fuzz", data + 1, size - 1, P12_PASSWORD, &err); break;
	default:
		/* A fingerprint prefix and a key pair name, as typed. */
		text = malloc(size);
		memcpy(text, data + 1, size - 1);
		text[size - 1] = '\0';
		rc = tls_ca_show(dev, text, &info, &err);
		(void)tls_name_check(text, &err);
		free(text);
		if (rc == 0) /* there is no CA certificate to find */
			abort();
		return 0;
	}
	if (rc == 0 || err.msg[0] == '\0')
		abort();
	return 0;
}
