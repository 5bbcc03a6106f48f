/*
 * For bench/lms.sh: the transfer numbers that devices BNC00000.. would show
 * after invalidating OPTION, when the LMS issued them licenses 1.. in that
 * order (first invalidation on each). Computed with the vendor secret, as
 * only the LMS can: the benchmark needs thousands of live numbers, and a
 * device store per number would measure svcmode, not the server.
 *
 *   lms_numbers SECRET_FILE OPTION COUNT   ->  "SERIAL NUMBER" lines
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "license/scheme.h"

int
main(int argc, char **argv)
{
	char secret[4096], serial[16], number[LIC_TEXT];
	unsigned char dk[LIC_DEVKEY_LEN];
	const struct lic_option *opt;
	struct svc_err err = { 0 };
	size_t len;
	FILE *f;
	long n;

	if (argc != 4 || (opt = lic_option_find(argv[2])) == NULL || (n = atol(argv[3])) < 1) {
		fputs("usage: lms_numbers SECRET_FILE OPTION COUNT\n", stderr);
		return 64;
	}
	if ((f = fopen(argv[1], "r")) == NULL)
		return 66;
	len = fread(secret, 1, sizeof secret, f);
	fclose(f);
	if (len && secret[len - 1] == '\n')
		len--;
	for (long i = 0; i < n; i++) {
		snprintf(serial, sizeof serial, "BNC%05ld", i);
		if (lic_device_key(secret, len, serial, dk, &err) != 0 ||
		    lic_transfer_issue(dk, serial, (unsigned)opt->code, (uint32_t)(i + 1), 1,
				       number, &err) != 0) {
			fprintf(stderr, "lms_numbers: %s\n", err.msg);
			return 70;
		}
		printf("%s %s\n", serial, number);
	}
	return 0;
}
