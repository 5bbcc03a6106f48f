/* MAC address notations (mac add/remove, the exception lists): whatever
 * mac_normalize accepts is a unicast, non-zero 00:1E:8F:12:34:56 that it
 * accepts again unchanged; the filter direction words likewise. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mac/mac.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_canonical(const char *m)
{
	if (strlen(m) != 17)
		abort();
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? m[i] != ':'
			       : !isxdigit((unsigned char)m[i]) || islower((unsigned char)m[i]))
			abort();
	}
	if (strtoul(m, NULL, 16) & 1 || strcmp(m, "00:00:00:00:00:00") == 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), out[18], again[18];
	struct svc_err err = { 0 };
	enum mac_dir d;

	memcpy(in, data, size);
	in[size] = '\0';
	if (mac_normalize(in, out, &err) == 0) {
		check_canonical(out);
		if (mac_normalize(out, again, &err) != 0 || strcmp(out, again) != 0)
			abort();
	} else if (out[0] != '\0' && strlen(out) != 17) {
		abort();
	} else if (err.code == 0 || err.msg[0] == '\0') {
		abort();
	}
	if (mac_dir_parse(in, &d, &err) == 0 && strcasecmp(mac_dir_name(d), in) != 0)
		abort();
	free(in);
	return 0;
}
