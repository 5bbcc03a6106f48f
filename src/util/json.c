#include "util/json.h"

#include "util/hex.h"

void
json_add_str(struct strbuf *sb, const char *s)
{
	sb_addc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': sb_adds(sb, "\\\""); break;
		case '\\': sb_adds(sb, "\\\\"); break;
		case '\n': sb_adds(sb, "\\n"); break;
		case '\r': sb_adds(sb, "\\r"); break;
		case '\t': sb_adds(sb, "\\t"); break;
		default:
			if (*p < 0x20) {
				char u[7] = "\\u00";
				hex_encode(p, 1, u + 4);
				sb_adds(sb, u);
			} else {
				sb_addc(sb, (char)*p);
			}
		}
	}
	sb_addc(sb, '"');
}
