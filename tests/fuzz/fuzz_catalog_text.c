/* The catalog parser on arbitrary text: refuses or yields a valid catalog. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	const char *names[] = { "fuzz.conf" };
	const char *texts[1];
	struct catalog *cat = NULL;
	struct strbuf v = STRBUF_INIT;

	memcpy(text, data, size);
	text[size] = '\0';
	texts[0] = text;
	if (catalog_parse(names, texts, 1, &cat, NULL) == 0) {
		for (size_t i = 0; i < catalog_count(cat); i++) {
			const struct cat_entry *e = catalog_at(cat, i);
			if (catalog_parse_value(e, e->deflt, &v, NULL) != 0)
				abort();
		}
		catalog_free(cat);
	} else if (cat != NULL) {
		abort();
	}
	sb_release(&v);
	free(text);
	return 0;
}
