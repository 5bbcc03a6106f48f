/* Writing JSON. Reading JSON is done by SQLite's JSON functions in the store. */
#ifndef SVC_JSON_H
#define SVC_JSON_H

#include "util/strbuf.h"

/* Appends S as a JSON string literal, quotes included. */
void json_add_str(struct strbuf *sb, const char *s);

#endif
