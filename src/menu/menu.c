#include "menu/menu.h"

int
menu_path_for_key(const char *key, struct strbuf *out)
{
	(void)key;
	(void)out;
	return -1;
}
