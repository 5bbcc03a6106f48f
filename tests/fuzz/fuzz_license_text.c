/* License keys, license transfer numbers, option names and device key
 * files, as the CLI, the menus and init-store receive them. A key that
 * parses formats back to the same fields; a parsed transfer number can be
 * verified; a key file is read from a memory file (nothing on disk). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "license/license.h"
#include "license/scheme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char dk[LIC_DEVKEY_LEN] = { 0x5a, 0x17, 0x42 };
static const char serial[] = "FUZ00001";

static void
key_text(const char *text)
{
	struct svc_err err = { 0 };
	struct lic_key k, again;
	char fmt[LIC_TEXT];
	bool ok = false;

	if (lic_key_parse(text, &k, &err) != 0) {
		static const struct lic_key zero;
		if (memcmp(&k, &zero, sizeof k) != 0 || err.msg[0] == '\0')
			abort();
		return;
	}
	lic_key_format(&k, fmt);
	if (lic_key_parse(fmt, &again, &err) != 0 || again.version != k.version ||
	    again.option != k.option || again.number != k.number ||
	    again.fingerprint != k.fingerprint || again.tag != k.tag)
		abort();
	if (lic_key_verify(dk, serial, &k, &ok, &err) != 0)
		abort();
	(void)lic_option_by_code((int)k.option);
}

static void
transfer_text(const char *text)
{
	struct svc_err err = { 0 };
	unsigned counter;
	uint64_t mac;
	bool ok = true;

	if (lic_transfer_parse(text, &counter, &mac, &err) != 0) {
		if (counter != 0 || mac != 0 || err.msg[0] == '\0')
			abort();
		return;
	}
	if (counter > LIC_COUNTER_MAX)
		abort();
	if (lic_transfer_verify(dk, serial, 1, 1, text, &ok, &err) != 0)
		abort();
}

/* init-store --device-key-file: "SERIAL HEX64". */
static void
key_file(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-keyfile", MFD_CLOEXEC);
	char path[64], ser[16];
	unsigned char key[LIC_DEVKEY_LEN];
	struct svc_err err = { 0 };

	if (fd < 0 || fchmod(fd, 0600) != 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (license_keyfile_read(path, ser, key, &err) == 0 &&
	    (ser[0] == '\0' || strlen(ser) > 15 || strchr(ser, ' ') != NULL))
		abort();
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct svc_err err = { 0 };

	memcpy(text, data, size);
	text[size] = '\0';
	key_text(text);
	transfer_text(text);
	(void)license_option(text, &err);
	key_file(data, size);
	free(text);
	return 0;
}
