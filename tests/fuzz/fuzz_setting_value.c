/* Setting values for every catalog type: the first byte picks the entry. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct catalog *cat;
	struct strbuf out = STRBUF_INIT, again = STRBUF_INIT;
	const struct cat_entry *e;
	char *input;

	if (cat == NULL && catalog_new(&cat, NULL) != 0)
		abort();
	if (size < 1)
		return 0;
	e = catalog_at(cat, data[0] % catalog_count(cat));
	input = malloc(size);
	memcpy(input, data + 1, size - 1);
	input[size - 1] = '\0';
	/* A canonical value must be accepted again unchanged. */
	if (catalog_parse_value(e, input, &out, NULL) == 0) {
		if (catalog_parse_value(e, sb_str(&out), &again, NULL) != 0 ||
		    strcmp(sb_str(&out), sb_str(&again)) != 0)
			abort();
	} else if (out.len != 0) {
		abort();
	}
	free(input);
	sb_release(&out);
	sb_release(&again);
	return 0;
}
