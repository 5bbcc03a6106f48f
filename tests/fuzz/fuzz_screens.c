/* The screens format (screens/NN-name.screen, parsed by src/menu at start-up):
 * a NUL byte in the input starts the next file (up to four). A parsed
 * tree is walked whole: labels, breadcrumbs and the check against the
 * catalog that the test suite runs on the real screens. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "menu/menu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct catalog *cat;

static int
visit(void *arg, const struct menu_item *it)
{
	struct strbuf crumb = STRBUF_INIT;
	int *n = arg;

	if (menu_label(it, cat) == NULL && it->kind != MENU_SETTING)
		abort();
	if (it->kind != MENU_SUBMENU && it->target == NULL)
		abort();
	for (int i = 0; i < it->nkids; i++)
		if (it->kids[i]->parent != it)
			abort();
	menu_breadcrumb(it, &crumb);
	sb_release(&crumb);
	(*n)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "10-a.screen", "20-b.screen", "30-c.screen",
					     "40-d.screen" };
	char *text = malloc(size + 1);
	const char *texts[4];
	struct strbuf problems = STRBUF_INIT;
	struct svc_err err = { 0 };
	struct menu *m = NULL;
	int n = 0, items = 0;

	if (cat == NULL) {
		struct catalog *c;
		if (catalog_new(&c, NULL) != 0)
			abort();
		cat = c;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	for (const char *p = text; n < 4 && p <= text + size; p += strlen(p) + 1)
		texts[n++] = p;
	if (menu_parse(names, texts, n, &m, &err) == 0) {
		if (m == NULL || menu_root(m) == NULL)
			abort();
		menu_walk(m, visit, &items);
		if (items < 1)
			abort();
		menu_check_keys(m, cat, true, &problems);
		menu_free(m);
	} else if (m != NULL || err.msg[0] == '\0') {
		abort();
	}
	sb_release(&problems);
	free(text);
	return 0;
}
