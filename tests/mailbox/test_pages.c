/* Page counting on crafted files: the cases real tools rarely make
 * (loops, truncation, rewritten objects, caps). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mailbox/mailbox.h"

/* The page count of a file holding LEN bytes of DATA. */
static int
count(const void *data, size_t len)
{
	char path[] = "/tmp/svcmode-pages.XXXXXX";
	int fd = mkstemp(path), n;

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	n = mailbox_count_pages(fd);
	close(fd);
	return n;
}

static int
count_str(const char *s)
{
	return count(s, strlen(s));
}

static void
put32le(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

/* A little-endian TIFF of N one-entry IFDs at 8, 26, 44, ...; LAST is
 * the last IFD's next offset (0 ends the chain). */
static unsigned char *
tiff(int n, uint32_t last, size_t *len)
{
	unsigned char *b = calloc(1, 8 + 18 * (size_t)n);

	memcpy(b, "II*\0", 4);
	put32le(b + 4, 8);
	for (int i = 0; i < n; i++) {
		unsigned char *ifd = b + 8 + 18 * i;
		ifd[0] = 1;
		put32le(ifd + 14, i + 1 < n ? (uint32_t)(8 + 18 * (i + 1)) : last);
	}
	*len = 8 + 18 * (size_t)n;
	return b;
}

static void
test_mailbox__pages_tiff(void **state)
{
	size_t len;
	unsigned char *b;

	(void)state;
	b = tiff(3, 0, &len);
	assert_int_equal(count(b, len), 3);
	assert_int_equal(count(b, len - 1), 1); /* last IFD cut short */
	free(b);
	b = tiff(3, 8, &len); /* the last one points back to the first */
	assert_int_equal(count(b, len), 1);
	free(b);
	b = tiff(2, 100000, &len); /* points past the end */
	assert_int_equal(count(b, len), 1);
	free(b);
	b = tiff(1200, 0, &len); /* capped */
	assert_int_equal(count(b, len), MAILBOX_PAGES_MAX);
	free(b);
	b = tiff(2, 0, &len);
	b[8] = 0; /* an IFD without entries */
	assert_int_equal(count(b, len), 1);
	free(b);
	assert_int_equal(count("II*\0", 4), 1);
	assert_int_equal(count("", 0), 1);
}

static void
test_mailbox__pages_pdf(void **state)
{
	(void)state;
	/* A page rewritten by an incremental update counts once; /Pages not. */
	assert_int_equal(count_str("%PDF-1.4\n"
				   "3 0 obj <</Type /Page /Parent 2 0 R>> endobj\n"
				   "4 0 obj\n<</Type/Page/Parent 2 0 R>>\nendobj\n"
				   "2 0 obj <</Type /Pages /Kids [3 0 R 4 0 R] /Count 2>> endobj\n"
				   "% /Type /Page in a comment\n"
				   "3 0 obj <</Type\r\n/Page /Rotate 90>> endobj\n"),
			 2);
	/* Not a page: another name, or something between the two names. */
	assert_int_equal(count_str("%PDF-1.7\n5 0 obj <</Type /PageLabel>> endobj\n"
				   "6 0 obj <</Type [/Page]>> endobj\n"
				   "7 0 obj <</Type /Page>> endobj\n"),
			 1);
	assert_int_equal(count_str("%PDF-1.7\n1 0 obj <</Type /Page>> endobj\n"
				   "2 0 obj <</Type /Page>> endobj\n"
				   "9 0 obj <</Type /Page>> endobj\n"),
			 3);
	/* A page outside any object: unsure, so 1. */
	assert_int_equal(count_str("%PDF-1.4\n<</Type /Page>>\n<</Type /Page>>\n"), 1);
	/* An object number beyond what is tracked: unsure. */
	assert_int_equal(count_str("%PDF-1.4\n1 0 obj <</Type /Page>> endobj\n"
				   "999999999 0 obj <</Type /Page>> endobj\n"),
			 1);
	assert_int_equal(count_str("%PDF-1.4\n"), 1);
	assert_int_equal(count_str("not a pdf 1 0 obj <</Type /Page>> 2 0 obj <</Type /Page>>"), 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mailbox__pages_tiff),
		cmocka_unit_test(test_mailbox__pages_pdf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
