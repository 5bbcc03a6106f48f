/* A growable NUL-terminated byte buffer. Allocation failure aborts. */
#ifndef SVC_STRBUF_H
#define SVC_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	char *buf; /* always NUL-terminated once anything is added */
	size_t len;
	size_t cap;
};

#define STRBUF_INIT                                                                                \
	{                                                                                          \
		NULL, 0, 0                                                                         \
	}

void sb_add(struct strbuf *sb, const void *data, size_t len);
void sb_adds(struct strbuf *sb, const char *s);
void sb_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void sb_addc(struct strbuf *sb, char c);
/* Returns the string (never NULL) and gives up ownership. */
char *sb_detach(struct strbuf *sb);
const char *sb_str(const struct strbuf *sb);
void sb_reset(struct strbuf *sb);
/* Wipes the contents (for secrets) and frees. */
void sb_release(struct strbuf *sb);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* Copies src into dst[cap], always terminated; returns strlen(src). */
size_t strlcpy_(char *dst, const char *src, size_t cap);
/* Zeroes memory in a way the compiler cannot elide. */
void svc_wipe(void *p, size_t n);

#endif
